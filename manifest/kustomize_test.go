package manifest_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

const kustomizeOverlay = "../examples/kustomize/overlay"

// matrixLines renders a model's matrix one allowed pair a line.
func matrixLines(t *testing.T, c simulate.Cluster) []string {
	t.Helper()
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for p := range m.Matrix().All() {
		out = append(out, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
	}
	return out
}

// TestLoadKustomizationsExample builds the shipped overlay (a base, the
// network-policies component, a namespace and a replica count) and checks
// that every transformation reached the cluster and the matrix.
func TestLoadKustomizationsExample(t *testing.T) {
	res, err := manifest.LoadKustomizations(kustomizeOverlay)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notices != nil {
		t.Errorf("notices: %v", res.Notices)
	}
	c := res.Cluster
	var got []string
	for _, p := range c.Pods {
		got = append(got, fmt.Sprintf("%s/%s part-of=%s", p.Namespace, p.Name, p.Labels["app.kubernetes.io/part-of"]))
	}
	for _, np := range c.NetworkPolicies {
		got = append(got, "policy "+np.Namespace+"/"+np.Name)
	}
	for _, s := range c.Services {
		got = append(got, "service "+s.Namespace+"/"+s.Name)
	}
	for _, ns := range c.Namespaces {
		got = append(got, "namespace "+ns.Name+" env="+ns.Labels["env"])
	}
	want := []string{
		// The replicas transformer made two frontends; the labels
		// transformer reached the pod templates.
		"shop-prod/frontend-0 part-of=shop",
		"shop-prod/frontend-1 part-of=shop",
		"shop-prod/api-0 part-of=shop",
		"shop-prod/db-0 part-of=shop",
		// The component's policies landed in the overlay's namespace.
		"policy shop-prod/default-deny",
		"policy shop-prod/frontend",
		"policy shop-prod/api",
		"policy shop-prod/db",
		"service shop-prod/frontend",
		"service shop-prod/api",
		"service shop-prod/db",
		"namespace shop-prod env=prod",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("built cluster (-want +got):\n%s", diff)
	}
	wantMatrix := []string{
		"shop-prod/api-0 → shop-prod/db-0: TCP/5432",
		"shop-prod/frontend-0 → shop-prod/api-0: TCP/9090",
		"shop-prod/frontend-1 → shop-prod/api-0: TCP/9090",
	}
	if diff := cmp.Diff(wantMatrix, matrixLines(t, c)); diff != "" {
		t.Errorf("matrix (-want +got):\n%s", diff)
	}
}

// writeTree writes files (path → content) under a new temporary directory
// and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const kustomizationHead = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"

// TestLoadKustomizationsProblems checks that every problem names the
// kustomization file: failed builds with kustomize's reason, and objects
// of the output that the loader refuses with their document index and no
// line.
func TestLoadKustomizationsProblems(t *testing.T) {
	root := writeTree(t, map[string]string{
		// A build that fails: a resource that does not exist.
		"missing/kustomization.yaml": kustomizationHead + "resources: [nothere.yaml]\n",
		// A build that succeeds with a typo in a policy and an unknown kind.
		"typo/kustomization.yml": kustomizationHead + "namespace: shop\nresources: [cm.yaml, np.yaml]\n",
		"typo/cm.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
		"typo/np.yaml":           "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db}\nspec:\n  podSelectr: {}\n",
		// A directory without a kustomization.
		"empty/README": "nothing here\n",
	})
	dirs := []string{"missing", "typo", "empty"}
	for i, d := range dirs {
		dirs[i] = filepath.Join(root, d)
	}
	res, err := manifest.LoadKustomizations(dirs...)
	if res != nil {
		t.Fatalf("result %v with problems", res)
	}
	var merr *manifest.Error
	if !errors.As(err, &merr) {
		t.Fatalf("error %T %v, want *manifest.Error", err, err)
	}
	var got []string
	for _, p := range merr.Problems {
		got = append(got, fmt.Sprintf("%s|%d|%d|%s %s/%s|%s", strings.TrimPrefix(p.Source.File, root), p.Source.Document, p.Source.Line, p.Kind, p.Namespace, p.Name, p.Field))
	}
	want := []string{
		"/missing/kustomization.yaml|-1|0| /|",
		"/typo/kustomization.yml|1|0|NetworkPolicy shop/db|spec.podSelectr",
		"/empty/kustomization.yaml|-1|0| /|",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\nerror:\n%v", diff, err)
	}
	msg := err.Error()
	for _, s := range []string{
		"manifest: " + filepath.Join(root, "missing", "kustomization.yaml") + ": kustomize build: ",
		"nothere.yaml",
		"manifest: " + filepath.Join(root, "typo", "kustomization.yml") + ": document 1: NetworkPolicy shop/db: spec.podSelectr: ",
		"manifest: " + filepath.Join(root, "empty", "kustomization.yaml") + ": kustomize build: ",
	} {
		if !strings.Contains(msg, s) {
			t.Errorf("error does not contain %q:\n%s", s, msg)
		}
	}
}

// TestLoadKustomizationsNotices checks that a kind that is not simulated is
// a notice naming the kustomization file and the document, as in a file,
// and that a pod built into a namespace the build does not hold gets the
// implied-namespace notice any input gets, naming its document without a
// line.
func TestLoadKustomizationsNotices(t *testing.T) {
	root := writeTree(t, map[string]string{
		"kustomization.yaml": kustomizationHead + "resources: [all.yaml]\nconfigMapGenerator:\n  - name: settings\n    literals: [a=b]\n",
		"all.yaml":           "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: c, image: i}]\n",
	})
	res, err := manifest.LoadKustomizations(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Notices {
		got = append(got, fmt.Sprintf("%s|%d|%d|%s", strings.ReplaceAll(n.String(), root, "ROOT"), n.Source.Document, n.Source.Line, n.Reason))
	}
	// configMapGenerator appends a hash to the name; the Pod is the first
	// resource of the output, the ConfigMap the second.
	if len(got) != 2 ||
		!strings.HasPrefix(got[0], "manifest: ROOT/kustomization.yaml: document 1: ConfigMap settings-") ||
		!strings.HasSuffix(got[0], ": skipped: v1 ConfigMap is not simulated|1|0|"+string(manifest.Skipped)) ||
		got[1] != "manifest: ROOT/kustomization.yaml: document 0: Pod shop/web: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop|0|0|"+string(manifest.ImpliedNamespace) {
		t.Errorf("notices:\n%s", strings.Join(got, "\n"))
	}
	if len(res.Cluster.Pods) != 1 || res.Cluster.Pods[0].Name != "web" {
		t.Errorf("pods: %v", res.Cluster.Pods)
	}
}

// TestLoadKustomizationsDuplicates checks that two kustomizations building
// the same object is a duplicate naming both kustomization files without
// lines, and that no directories give an empty cluster.
func TestLoadKustomizationsDuplicates(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: c, image: i}]\n"
	root := writeTree(t, map[string]string{
		"a/kustomization.yaml": kustomizationHead + "resources: [pod.yaml]\n",
		"a/pod.yaml":           pod,
		"b/kustomization.yaml": kustomizationHead + "resources: [pod.yaml]\n",
		"b/pod.yaml":           pod,
	})
	_, err := manifest.LoadKustomizations(filepath.Join(root, "a"), filepath.Join(root, "b"))
	want := "manifest: ROOT/b/kustomization.yaml: document 0: Pod shop/web: duplicate object, first defined at ROOT/a/kustomization.yaml: document 0"
	if err == nil || strings.ReplaceAll(err.Error(), root, "ROOT") != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}

	res, err := manifest.LoadKustomizations()
	if err != nil || res == nil || len(res.Cluster.Pods) != 0 {
		t.Errorf("LoadKustomizations() = %v, %v; want an empty cluster", res, err)
	}
}

// TestLoadKustomizationsConcurrent builds from several goroutines at once;
// under -race it proves the builds do not share state unguarded.
func TestLoadKustomizationsConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = manifest.LoadKustomizations(kustomizeOverlay)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// TestLoadKustomizationsFileArgument checks that a path that is not a
// directory is a problem naming it, not a crash.
func TestLoadKustomizationsFileArgument(t *testing.T) {
	root := writeTree(t, map[string]string{"kustomization.yaml": kustomizationHead})
	file := filepath.Join(root, "kustomization.yaml")
	_, err := manifest.LoadKustomizations(file)
	var merr *manifest.Error
	if !errors.As(err, &merr) || len(merr.Problems) != 1 || !strings.Contains(merr.Problems[0].Source.File, file) {
		t.Fatalf("error %v, want one problem naming %s", err, file)
	}
}
