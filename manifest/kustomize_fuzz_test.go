package manifest

import (
	"errors"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// FuzzKustomize builds any kustomization file over any resource file (in
// memory): the load must not panic, must return a result or an error, and
// every problem and notice must name the kustomization file, on one line.
func FuzzKustomize(f *testing.F) {
	head := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]\n"
	f.Add([]byte(head+"namespace: shop\nresources: [r.yaml]\n"), []byte(pod))
	f.Add([]byte(head+"resources: [r.yaml]\nlabels: [{pairs: {team: a}, includeSelectors: true}]\nnamePrefix: p-\n"), []byte(pod+"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"))
	f.Add([]byte(head+"resources: [r.yaml]\npatches: [{patch: '[{\"op\": \"add\", \"path\": \"/metadata/labels\", \"value\": {\"x\": \"y\"}}]', target: {kind: Pod}}]\n"), []byte(pod))
	f.Add([]byte(head+"resources: [r.yaml]\n"), []byte("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db}\nspec:\n  podSelectr: {}\n"))
	f.Add([]byte(head+"resources: [missing.yaml]\n"), []byte(""))
	f.Add([]byte("{"), []byte("{"))
	f.Fuzz(func(t *testing.T, kustomization, resource []byte) {
		fsys := filesys.MakeFsInMemory()
		if err := fsys.WriteFile("/app/kustomization.yaml", kustomization); err != nil {
			t.Fatal(err)
		}
		if err := fsys.WriteFile("/app/r.yaml", resource); err != nil {
			t.Fatal(err)
		}
		res, err := Options{}.loadKustomizations(fsys, []string{"/app"})
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		const name = "manifest: /app/kustomization.yaml"
		if err != nil {
			var merr *Error
			if !errors.As(err, &merr) || len(merr.Problems) == 0 {
				t.Fatalf("error without problems: %#v", err)
			}
			for _, p := range merr.Problems {
				if s := p.String(); !strings.HasPrefix(s, name) || strings.Contains(s, "\n") || p.Source.Line != 0 {
					t.Fatalf("problem %q (line %d) does not name the kustomization on one line", s, p.Source.Line)
				}
			}
			return
		}
		for _, n := range res.Notices {
			if s := n.String(); !strings.HasPrefix(s, name) || strings.Contains(s, "\n") || n.Source.Line != 0 {
				t.Fatalf("notice %q does not name the kustomization on one line", s)
			}
		}
	})
}
