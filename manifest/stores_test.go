package manifest_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// storesDocs are documents of every kind the loader decodes into its
// per-kind arrays, in the versions it reads and those it converts, with
// pods that are left out (finished) and workloads that generate pods.
var storesDocs = []string{
	`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-%[1]d","labels":{"team":"t%[1]d"}}}`,
	`{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-%[1]d"},"status":{"addresses":[{"type":"InternalIP","address":"192.168.0.%[1]d"}]}}`,
	`{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-%[1]d","namespace":"ns-%[1]d"},"spec":{"selector":{"app":"a%[1]d"},"ports":[{"port":80,"targetPort":"http"}]}}`,
	`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing-%[1]d","namespace":"ns-%[1]d"},"spec":{"defaultBackend":{"service":{"name":"svc-%[1]d","port":{"number":80}}}}}`,
	`{"apiVersion":"networking.k8s.io/v1beta1","kind":"Ingress","metadata":{"name":"old-ing-%[1]d","namespace":"ns-%[1]d"},"spec":{"backend":{"serviceName":"svc-%[1]d","servicePort":80}}}`,
	`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np-%[1]d","namespace":"ns-%[1]d"},"spec":{"podSelector":{"matchLabels":{"app":"a%[1]d"}},"ingress":[{"ports":[{"port":"http"}]}]}}`,
	`{"apiVersion":"extensions/v1beta1","kind":"NetworkPolicy","metadata":{"name":"old-np-%[1]d","namespace":"ns-%[1]d"},"spec":{"podSelector":{}}}`,
	`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod-%[1]d","namespace":"ns-%[1]d","labels":{"app":"a%[1]d"}},"spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]},"status":{"phase":"Running","podIP":"10.0.0.%[1]d"}}`,
	`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"done-%[1]d","namespace":"ns-%[1]d"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Succeeded","podIP":"10.0.1.%[1]d"}}`,
	`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"listed-%[1]d","namespace":"ns-%[1]d"},"spec":{"ports":[{"port":81}]}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"listed-%[1]d","namespace":"ns-%[1]d"},"spec":{"containers":[{"name":"c"}]}}]}`,
	`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-%[1]d","namespace":"ns-%[1]d"},"spec":{"replicas":%[1]d7,"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c"}]}}}}`,
}

// TestStoresKeepEveryObject: a load of many documents holds, kind by
// kind and in input order, exactly the objects that loads of each
// document alone hold, whichever documents are mixed: objects decoded
// into their kind's array stay in place, or move down past the pods left
// out, and converted objects take their places.
func TestStoresKeepEveryObject(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 1))
		var docs []string
		for i := range 1 + r.IntN(30) {
			docs = append(docs, fmt.Sprintf(storesDocs[r.IntN(len(storesDocs))], i))
		}
		var want simulate.Cluster
		for _, d := range docs {
			res, err := manifest.LoadReader("one.json", strings.NewReader(d))
			if err != nil {
				t.Fatal(err)
			}
			c := res.Cluster
			want.Namespaces = append(want.Namespaces, c.Namespaces...)
			want.Nodes = append(want.Nodes, c.Nodes...)
			want.Services = append(want.Services, c.Services...)
			want.Ingresses = append(want.Ingresses, c.Ingresses...)
			want.NetworkPolicies = append(want.NetworkPolicies, c.NetworkPolicies...)
			want.Pods = append(want.Pods, c.Pods...)
		}
		res, err := manifest.LoadReader("all.json", strings.NewReader(strings.Join(docs, "\n")))
		if err != nil {
			t.Fatal(err)
		}
		got := res.Cluster
		for _, k := range []struct {
			kind      string
			got, want any
		}{
			{"Namespace", got.Namespaces, want.Namespaces},
			{"Node", got.Nodes, want.Nodes},
			{"Service", got.Services, want.Services},
			{"Ingress", got.Ingresses, want.Ingresses},
			{"NetworkPolicy", got.NetworkPolicies, want.NetworkPolicies},
			{"Pod", got.Pods, want.Pods},
		} {
			if !reflect.DeepEqual(k.got, k.want) {
				t.Fatalf("seed %d: %ss differ from those of each document alone (-alone +together):\n%s\ndocuments:\n%s",
					seed, k.kind, cmp.Diff(k.want, k.got), strings.Join(docs, "\n"))
			}
		}
	}
}
