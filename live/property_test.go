package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// TestReadRoundTrip is a property: any cluster that package fuzz generates
// (fuzz.Cluster, and fuzz.TieredCluster with tiered policies), served by an
// API server as List pages of any size, with ClusterNetworkPolicies served
// in v1beta1 or only in v1alpha2, reads back as the same objects (with
// apiVersion and kind set, ClusterNetworkPolicies as v1beta1) and compiles
// to the same matrix.
func TestReadRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := rapid.OneOf(fuzz.Cluster(), fuzz.TieredCluster()).Draw(rt, "cluster")
		f := newFakeAPI(t)
		f.add(namespacesResource.path(""), anys(c.Namespaces)...)
		f.add(nodesResource.path(""), anys(c.Nodes)...)
		f.add(podsResource.path(""), anys(c.Pods)...)
		f.add(servicesResource.path(""), anys(c.Services)...)
		f.add(networkPoliciesResource.path(""), anys(c.NetworkPolicies)...)
		f.add(ingressesResource.path(""), anys(c.Ingresses)...)
		lists := []int{len(c.Namespaces), len(c.Nodes), len(c.Pods), len(c.Services), len(c.NetworkPolicies), len(c.Ingresses)}
		tiered := len(c.ClusterNetworkPolicies)+len(c.AdminNetworkPolicies)+len(c.BaselineAdminNetworkPolicies) > 0
		if tiered || rapid.Bool().Draw(rt, "CRDs without objects") {
			cnpVersion := rapid.SampledFrom([]string{"v1beta1", "v1alpha2"}).Draw(rt, "ClusterNetworkPolicy version")
			serveTiered(f, "v1alpha1", cnpVersion)
			cnp := cnpV1beta1Resource
			if cnpVersion == "v1alpha2" {
				cnp = cnpV1alpha2Resource
			}
			for _, p := range c.ClusterNetworkPolicies {
				p.APIVersion = policyGroup + "/" + cnpVersion
				f.add(cnp.path(""), p)
			}
			f.add(anpResource.path(""), anys(c.AdminNetworkPolicies)...)
			f.add(banpResource.path(""), anys(c.BaselineAdminNetworkPolicies)...)
			lists = append(lists, len(c.ClusterNetworkPolicies), len(c.AdminNetworkPolicies), len(c.BaselineAdminNetworkPolicies))
		}
		size := rapid.Int64Range(1, 10).Draw(rt, "page size")
		pages := 0
		res, err := Read(context.Background(), f.config(), Options{PageSize: size, Progress: func(Progress) { pages++ }})
		if err != nil {
			rt.Fatal(err)
		}
		if res.Notices != nil {
			rt.Fatalf("notices: %v", res.Notices)
		}
		got, want := res.Cluster, c
		setTypes(&want)
		if g, w := jsonOf(rt, got), jsonOf(rt, want); g != w {
			rt.Fatalf("read back\n%s\nwant\n%s", g, w)
		}
		// One progress call a page, and an empty list is one page.
		wantPages := 0
		for _, n := range lists {
			wantPages += max(1, (n+int(size)-1)/int(size))
		}
		if pages != wantPages {
			rt.Fatalf("%d pages, want %d", pages, wantPages)
		}
		if g, w := matrixOf(rt, got), matrixOf(rt, c); g != w {
			rt.Fatalf("matrix\n%s\nwant\n%s", g, w)
		}
	})
}

// setTypes sets apiVersion and kind on every object of c, as Read does.
func setTypes(c *simulate.Cluster) {
	for i := range c.Namespaces {
		c.Namespaces[i].TypeMeta = typeMeta("v1", "Namespace")
	}
	for i := range c.Nodes {
		c.Nodes[i].TypeMeta = typeMeta("v1", "Node")
	}
	for i := range c.Pods {
		c.Pods[i].TypeMeta = typeMeta("v1", "Pod")
	}
	for i := range c.Services {
		c.Services[i].TypeMeta = typeMeta("v1", "Service")
	}
	for i := range c.NetworkPolicies {
		c.NetworkPolicies[i].TypeMeta = typeMeta("networking.k8s.io/v1", "NetworkPolicy")
	}
	for i := range c.Ingresses {
		c.Ingresses[i].TypeMeta = typeMeta("networking.k8s.io/v1", "Ingress")
	}
	for i := range c.ClusterNetworkPolicies {
		c.ClusterNetworkPolicies[i].TypeMeta = typeMeta(policyGroup+"/v1beta1", "ClusterNetworkPolicy")
	}
	for i := range c.AdminNetworkPolicies {
		c.AdminNetworkPolicies[i].TypeMeta = typeMeta(policyGroup+"/v1alpha1", "AdminNetworkPolicy")
	}
	for i := range c.BaselineAdminNetworkPolicies {
		c.BaselineAdminNetworkPolicies[i].TypeMeta = typeMeta(policyGroup+"/v1alpha1", "BaselineAdminNetworkPolicy")
	}
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i := range s {
		out[i] = s[i]
	}
	return out
}

func jsonOf(t *rapid.T, v any) string {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func matrixOf(t *rapid.T, c simulate.Cluster) string {
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for p := range m.Matrix().All() {
		fmt.Fprintf(&b, "%s → %s: %s\n", p.From, p.To, p.Ports)
	}
	return b.String()
}

// FuzzReadPage serves any bytes as the page of pods (and, from the second
// half of the input on, of network policies and of ClusterNetworkPolicies)
// that a List call returns:
// Read must not panic and must return a result or an error naming the
// resource; a cluster it returns must compile or fail with an error,
// never a panic.
func FuzzReadPage(f *testing.F) {
	f.Add([]byte(`{"metadata":{},"items":[{"metadata":{"name":"a","namespace":"b","labels":{"x":"y"}},"status":{"phase":"Running","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}]}}]}`), 0)
	f.Add([]byte(`{"items":[{"metadata":{"name":"a","namespace":"b"},"status":{"phase":"Succeeded","podIP":"10.0.0.1"}},{"metadata":{"name":"c","namespace":"b"},"status":{"podIP":"10.0.0.1"}}]}`), 0)
	f.Add([]byte(`{"items":[{"metadata":{"name":"p","namespace":"b"},"spec":{"podSelector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]},"ingress":[{"ports":[{"port":"x","endPort":3}]}]}}]}`), 0)
	f.Add([]byte(`{"metadata":{"continue":"x"},"items":[]}`), 0)
	f.Add([]byte(`{"items":[{"metadata":{"name":7}}]}`), 0)
	f.Add([]byte(`[]`), 1)
	f.Add([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","code":403,"reason":"Forbidden"}`), 2)
	f.Add([]byte(`{"items":[]}{"items":[{"metadata":{"name":"c"},"spec":{"tier":"Admin","priority":1,"subject":{"namespaces":{}},"ingress":[{"action":"Deny","from":[{"namespaces":{}}]}]}}]}`), 12)
	api := newFakeAPI(f)
	serveTiered(api, "v1alpha1", "v1beta1")
	cfg := api.config()
	f.Fuzz(func(t *testing.T, body []byte, split int) {
		if split < 0 {
			split = -split
		}
		split %= len(body) + 1
		pods, policies := body, body[split:]
		if split > 0 {
			pods = body[:split]
		}
		api.mu.Lock()
		api.bodies[podsResource.path("")] = bytes.Clone(pods)
		api.bodies[networkPoliciesResource.path("")] = bytes.Clone(policies)
		api.bodies[cnpV1beta1Resource.path("")] = bytes.Clone(policies)
		api.mu.Unlock()
		res, err := Read(context.Background(), cfg, Options{})
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "live: cannot list pods in all namespaces: ") &&
				!strings.HasPrefix(msg, "live: cannot list networkpolicies.networking.k8s.io in all namespaces: ") &&
				!strings.HasPrefix(msg, "live: cannot list clusternetworkpolicies.policy.networking.k8s.io: ") {
				t.Fatalf("error %q does not name the list", msg)
			}
			return
		}
		for _, p := range res.Cluster.Pods {
			if p.Kind != "Pod" || p.ManagedFields != nil {
				t.Fatalf("pod %v not typed or with managedFields", p.ObjectMeta.Name)
			}
		}
		_, _ = simulate.Compile(res.Cluster)
	})
}
