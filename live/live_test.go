package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/netpolsim/netpolsim/simulate"
)

func pod(ns, name, ip string, phase corev1.PodPhase) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns, Name: name, Labels: map[string]string{"app": name},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
		},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}},
		Status: corev1.PodStatus{Phase: phase, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}},
	}
}

// TestReadPaging reads five pods in pages of two: three List calls with the
// limit and the continue token of the page before, progress after each
// page, and every pod once, typed and without managedFields.
func TestReadPaging(t *testing.T) {
	f := newFakeAPI(t)
	for i := range 5 {
		f.add("/api/v1/pods", pod("shop", fmt.Sprintf("p%d", i), fmt.Sprintf("10.0.0.%d", i+1), corev1.PodRunning))
	}
	f.add("/api/v1/namespaces", corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}})
	var progress []string
	res, err := Read(context.Background(), f.config(), Options{PageSize: 2, Progress: func(p Progress) {
		progress = append(progress, fmt.Sprintf("%s %q %d %d %v", p.Resource, p.Namespace, p.Items, p.Remaining, p.Done))
	}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Cluster.Pods {
		if p.APIVersion != "v1" || p.Kind != "Pod" || p.ManagedFields != nil {
			t.Errorf("pod %s: type %s %s, managedFields %v", p.Name, p.APIVersion, p.Kind, p.ManagedFields)
		}
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{"p0", "p1", "p2", "p3", "p4"}, names); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	if ns := res.Cluster.Namespaces; len(ns) != 1 || ns[0].Kind != "Namespace" {
		t.Errorf("namespaces: %v", ns)
	}
	wantProgress := []string{
		`namespaces "" 1 -1 true`,
		`nodes "" 0 -1 true`,
		`pods "" 2 3 false`,
		`pods "" 4 1 false`,
		`pods "" 5 -1 true`,
		`services "" 0 -1 true`,
		`networkpolicies.networking.k8s.io "" 0 -1 true`,
		`ingresses.networking.k8s.io "" 0 -1 true`,
	}
	if diff := cmp.Diff(wantProgress, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	var podRequests []string
	for _, r := range f.requests {
		if strings.HasPrefix(r, "/api/v1/pods?") {
			podRequests = append(podRequests, r)
		}
	}
	wantRequests := []string{
		"/api/v1/pods?limit=2",
		"/api/v1/pods?continue=at-2&limit=2",
		"/api/v1/pods?continue=at-4&limit=2",
	}
	if diff := cmp.Diff(wantRequests, podRequests); diff != "" {
		t.Errorf("pod requests (-want +got):\n%s", diff)
	}
}

// TestReadNamespace reads the namespaced kinds of one namespace, and
// namespaces and nodes in full.
func TestReadNamespace(t *testing.T) {
	f := newFakeAPI(t)
	for _, r := range []resource{podsResource, servicesResource, networkPoliciesResource, ingressesResource} {
		f.lists[r.path("shop")] = nil
	}
	f.add("/api/v1/namespaces/shop/pods", pod("shop", "web", "10.0.0.1", corev1.PodRunning))
	f.add("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies", networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "deny"}})
	f.add("/apis/networking.k8s.io/v1/namespaces/shop/ingresses", networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}})
	f.add("/api/v1/namespaces/shop/services", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}})
	f.add("/api/v1/nodes", corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}})
	res, err := Read(context.Background(), f.config(), Options{Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cluster
	got := []string{
		c.Pods[0].Kind + " " + c.Pods[0].Name,
		c.Services[0].APIVersion + " " + c.Services[0].Kind + " " + c.Services[0].Name,
		c.NetworkPolicies[0].APIVersion + " " + c.NetworkPolicies[0].Kind + " " + c.NetworkPolicies[0].Name,
		c.Ingresses[0].APIVersion + " " + c.Ingresses[0].Kind + " " + c.Ingresses[0].Name,
		c.Nodes[0].Kind + " " + c.Nodes[0].Name,
	}
	want := []string{"Pod web", "v1 Service web", "networking.k8s.io/v1 NetworkPolicy deny", "networking.k8s.io/v1 Ingress web", "Node n1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	for _, r := range f.requests {
		if strings.HasPrefix(r, "/api/v1/pods") || strings.HasPrefix(r, "/apis/networking.k8s.io/v1/networkpolicies") {
			t.Errorf("request %s reads all namespaces", r)
		}
	}
}

// TestReadForbidden checks that a refused List call names the resource,
// the namespace and the permission, and wraps the API server's error.
func TestReadForbidden(t *testing.T) {
	for _, tc := range []struct {
		ns, path, resource, want string
	}{
		{"shop", "/api/v1/namespaces/shop/pods", "pods", "live: cannot list pods in namespace shop: forbidden (needs list on pods)"},
		{"", "/api/v1/pods", "pods", "live: cannot list pods in all namespaces: forbidden (needs list on pods)"},
		{"", "/api/v1/namespaces", "namespaces", "live: cannot list namespaces: forbidden (needs list on namespaces)"},
		{"", "/apis/networking.k8s.io/v1/networkpolicies", "networkpolicies", "live: cannot list networkpolicies.networking.k8s.io in all namespaces: forbidden (needs list on networkpolicies.networking.k8s.io)"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			f := newFakeAPI(t)
			if tc.ns != "" {
				for _, r := range []resource{podsResource, servicesResource, networkPoliciesResource, ingressesResource} {
					f.lists[r.path(tc.ns)] = nil
				}
			}
			f.statuses[tc.path] = forbidden(tc.resource, tc.ns)
			res, err := Read(context.Background(), f.config(), Options{Namespace: tc.ns})
			if res != nil || err == nil {
				t.Fatalf("Read = %v, %v; want an error", res, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
			if !apierrors.IsForbidden(err) {
				t.Errorf("IsForbidden(%v) is false", err)
			}
		})
	}
}

// TestReadNamespaceUser checks the two refusals that are notices for a
// user whose rights end at one namespace: nodes, and namespaces when the
// one namespace read may be got.
func TestReadNamespaceUser(t *testing.T) {
	setup := func(t *testing.T) *fakeAPI {
		f := newFakeAPI(t)
		for _, r := range []resource{podsResource, servicesResource, networkPoliciesResource, ingressesResource} {
			f.lists[r.path("shop")] = nil
		}
		f.add("/api/v1/namespaces/shop/pods", pod("shop", "web", "10.0.0.1", corev1.PodRunning))
		f.statuses["/api/v1/namespaces"] = forbidden("namespaces", "")
		f.statuses["/api/v1/nodes"] = forbidden("nodes", "")
		return f
	}
	f := setup(t)
	f.bodies["/api/v1/namespaces/shop"] = []byte(`{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop","labels":{"team":"a"},"managedFields":[{"manager":"x"}]}}`)
	res, err := Read(context.Background(), f.config(), Options{Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, n := range res.Notices {
		notices = append(notices, n.String())
	}
	want := []string{
		"live: namespaces: cannot list namespaces (forbidden, needs list on namespaces), so only namespace shop was read; this does not change who may reach whom inside it",
		"live: nodes: cannot list nodes (forbidden, needs list on nodes), so node addresses are not known: traffic from a node counts as traffic from outside the cluster (simulate.NodeAddresses can give them)",
	}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	c := res.Cluster
	if len(c.Namespaces) != 1 || c.Namespaces[0].Name != "shop" || c.Namespaces[0].Labels["team"] != "a" || c.Namespaces[0].Kind != "Namespace" || c.Namespaces[0].ManagedFields != nil {
		t.Errorf("namespaces %+v", c.Namespaces)
	}
	if len(c.Pods) != 1 || c.Nodes != nil {
		t.Errorf("pods %v, nodes %v", c.Pods, c.Nodes)
	}

	// The namespace may not be got either.
	f = setup(t)
	f.statuses["/api/v1/namespaces/shop"] = forbidden("namespaces", "shop")
	_, err = Read(context.Background(), f.config(), Options{Namespace: "shop"})
	if want := "live: cannot list namespaces: forbidden (needs list on namespaces, or get on namespace shop)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	// Reading all namespaces, a refused namespace list stays an error.
	f = setup(t)
	_, err = Read(context.Background(), f.config(), Options{})
	if want := "live: cannot list namespaces: forbidden (needs list on namespaces)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestReadErrors checks the errors other than a refusal.
func TestReadErrors(t *testing.T) {
	f := newFakeAPI(t)
	f.statuses["/api/v1/nodes"] = metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonUnauthorized, Code: 401, Message: "Unauthorized"}
	_, err := Read(context.Background(), f.config(), Options{})
	if want := "live: cannot list nodes: unauthorized: the API server does not accept the credentials"; err == nil || err.Error() != want {
		t.Errorf("unauthorized: error %v, want %s", err, want)
	}

	f = newFakeAPI(t)
	f.bodies["/api/v1/services"] = []byte(`{"items": [{"metadata": {"name": 7}}]}`)
	_, err = Read(context.Background(), f.config(), Options{})
	if want := "live: cannot list services in all namespaces: malformed list response: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("malformed: error %v, want %s...", err, want)
	}

	f = newFakeAPI(t)
	f.add("/api/v1/pods", pod("a", "b", "", corev1.PodPending))
	f.sameToken = true
	_, err = Read(context.Background(), f.config(), Options{})
	if want := `live: cannot list namespaces: the API server returned continue token "again" twice`; err == nil || err.Error() != want {
		t.Errorf("same token: error %v, want %s", err, want)
	}

	for _, tc := range []struct {
		config *rest.Config
		opts   Options
		want   string
	}{
		{nil, Options{}, "live: no rest config"},
		{&rest.Config{Host: "http://127.0.0.1:1"}, Options{PageSize: -1}, "live: page size -1 is negative"},
		{&rest.Config{Host: "http://127.0.0.1:1"}, Options{Namespace: "Bad_NS"}, `live: namespace "Bad_NS": a lowercase RFC 1123 label must consist of`},
		{&rest.Config{Host: "http://127.0.0.1:1"}, Options{}, "live: cannot list namespaces: Get "},
	} {
		_, err := Read(context.Background(), tc.config, tc.opts)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Read(%v, %+v) = %v, want %s...", tc.config, tc.opts, err, tc.want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, newFakeAPI(t).config(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context: %v", err)
	}
}

// TestReadExpired checks that a list whose continue token expires is read
// again from its start, without duplicates.
func TestReadExpired(t *testing.T) {
	f := newFakeAPI(t)
	for i := range 3 {
		f.add("/api/v1/pods", pod("shop", fmt.Sprintf("p%d", i), fmt.Sprintf("10.0.0.%d", i+1), corev1.PodRunning))
	}
	f.expire["/api/v1/pods"] = true
	res, err := Read(context.Background(), f.config(), Options{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Cluster.Pods); n != 3 {
		t.Errorf("%d pods, want 3", n)
	}
	var podRequests []string
	for _, r := range f.requests {
		if strings.HasPrefix(r, "/api/v1/pods?") {
			podRequests = append(podRequests, r)
		}
	}
	want := []string{"/api/v1/pods?limit=2", "/api/v1/pods?continue=at-2&limit=2", "/api/v1/pods?limit=2", "/api/v1/pods?continue=at-2&limit=2"}
	if diff := cmp.Diff(want, podRequests); diff != "" {
		t.Errorf("pod requests (-want +got):\n%s", diff)
	}

	// A token that keeps expiring ends the read after three restarts.
	f = newFakeAPI(t)
	f.add("/api/v1/pods", pod("shop", "a", "", corev1.PodPending), pod("shop", "b", "", corev1.PodPending))
	f.statuses["/api/v1/pods"] = metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonExpired, Code: 410, Message: "too old"}
	_, err = Read(context.Background(), f.config(), Options{PageSize: 1})
	if want := "live: cannot list pods in all namespaces: too old"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, "/api/v1/pods?") {
			n++
		}
	}
	if n != maxRestarts+1 {
		t.Errorf("%d pod requests, want %d", n, maxRestarts+1)
	}
}

// TestReadFinishedPods checks that pods in phase Succeeded or Failed are
// left out with one notice counting them, and Pending pods stay.
func TestReadFinishedPods(t *testing.T) {
	f := newFakeAPI(t)
	f.add("/api/v1/pods",
		pod("jobs", "done", "10.0.0.4", corev1.PodSucceeded),
		pod("jobs", "crashed", "10.0.0.5", corev1.PodFailed),
		pod("shop", "web", "10.0.0.4", corev1.PodRunning),
		pod("shop", "new", "", corev1.PodPending),
	)
	res, err := Read(context.Background(), f.config(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Cluster.Pods {
		names = append(names, p.Namespace+"/"+p.Name)
	}
	if diff := cmp.Diff([]string{"shop/web", "shop/new"}, names); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	var notices []string
	for _, n := range res.Notices {
		notices = append(notices, n.String())
	}
	want := []string{"live: pods: left out 2 pods in phase Succeeded or Failed: they run nothing, and their addresses may belong to other pods now"}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

// Discovery documents of the tiered policy group, as an API server with
// the CRDs of sigs.k8s.io/network-policy-api installed serves them.
const (
	tieredGroupDoc = `{"kind":"APIGroup","name":"policy.networking.k8s.io","versions":[%s]}`
	v1alpha1Doc    = `{"kind":"APIResourceList","groupVersion":"policy.networking.k8s.io/v1alpha1","resources":[{"name":"adminnetworkpolicies","namespaced":false,"kind":"AdminNetworkPolicy","verbs":["get","list"]},{"name":"adminnetworkpolicies/status","namespaced":false,"kind":"AdminNetworkPolicy","verbs":["get"]},{"name":"baselineadminnetworkpolicies","namespaced":false,"kind":"BaselineAdminNetworkPolicy","verbs":["get","list"]}]}`
	cnpDoc         = `{"kind":"APIResourceList","groupVersion":"policy.networking.k8s.io/%[1]s","resources":[{"name":"clusternetworkpolicies","namespaced":false,"kind":"ClusterNetworkPolicy","verbs":["get","list"]}]}`
)

// serveTiered makes f serve the tiered policy group in the given versions
// (v1alpha1 for AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha2
// and v1beta1 for ClusterNetworkPolicy), every served list empty.
func serveTiered(f *fakeAPI, versions ...string) {
	var vs []string
	for _, v := range versions {
		vs = append(vs, fmt.Sprintf(`{"groupVersion":"policy.networking.k8s.io/%s","version":%q}`, v, v))
		switch v {
		case "v1alpha1":
			f.bodies["/apis/policy.networking.k8s.io/v1alpha1"] = []byte(v1alpha1Doc)
			f.lists[anpResource.path("")] = nil
			f.lists[banpResource.path("")] = nil
		default:
			f.bodies["/apis/policy.networking.k8s.io/"+v] = fmt.Appendf(nil, cnpDoc, v)
			f.lists["/apis/policy.networking.k8s.io/"+v+"/clusternetworkpolicies"] = nil
		}
	}
	f.bodies["/apis/policy.networking.k8s.io"] = fmt.Appendf(nil, tieredGroupDoc, strings.Join(vs, ","))
}

// TestReadTieredPolicies checks that the served tiered policy kinds are
// read into the cluster, ClusterNetworkPolicy from v1alpha2 as v1beta1 when
// v1beta1 is not served, and that they decide the matrix.
func TestReadTieredPolicies(t *testing.T) {
	f := newFakeAPI(t)
	serveTiered(f, "v1alpha1", "v1alpha2")
	f.add(namespacesResource.path(""),
		map[string]any{"metadata": map[string]any{"name": "shop"}},
		map[string]any{"metadata": map[string]any{"name": "dev"}})
	f.add(podsResource.path(""),
		map[string]any{"metadata": map[string]any{"namespace": "dev", "name": "tool"}, "status": map[string]any{"phase": "Running", "podIP": "10.0.1.1"}},
		map[string]any{"metadata": map[string]any{"namespace": "shop", "name": "db"}, "status": map[string]any{"phase": "Running", "podIP": "10.0.0.2"}},
		map[string]any{"metadata": map[string]any{"namespace": "shop", "name": "web"}, "status": map[string]any{"phase": "Running", "podIP": "10.0.0.1"}})
	nsSel := func(ns string) map[string]any {
		return map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": ns}}
	}
	// The Admin tier accepts dev → shop on 5432 (a ClusterNetworkPolicy in
	// v1alpha2, read as v1beta1) and on 80 (an AdminNetworkPolicy) over the
	// Baseline tier, which denies everything into shop: each policy shows
	// in the matrix.
	f.add(cnpV1alpha2Resource.path(""), map[string]any{
		"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
		"metadata": map[string]any{"name": "db-from-dev", "managedFields": []any{map[string]any{"manager": "kubectl"}}},
		"spec": map[string]any{"tier": "Admin", "priority": 5,
			"subject": map[string]any{"namespaces": nsSel("shop")},
			"ingress": []any{map[string]any{"action": "Accept", "from": []any{map[string]any{"namespaces": nsSel("dev")}},
				"protocols": []any{map[string]any{"tcp": map[string]any{"destinationPort": map[string]any{"number": 5432}}}}}}},
	})
	f.add(anpResource.path(""), map[string]any{
		"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
		"metadata": map[string]any{"name": "web-from-dev"},
		"spec": map[string]any{"priority": 10,
			"subject": map[string]any{"namespaces": nsSel("shop")},
			"ingress": []any{map[string]any{"action": "Allow", "from": []any{map[string]any{"namespaces": nsSel("dev")}},
				"ports": []any{map[string]any{"portNumber": map[string]any{"protocol": "TCP", "port": 80}}}}}},
	})
	f.add(banpResource.path(""), map[string]any{
		"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "BaselineAdminNetworkPolicy",
		"metadata": map[string]any{"name": "default"},
		"spec": map[string]any{
			"subject": map[string]any{"namespaces": nsSel("shop")},
			"ingress": []any{map[string]any{"action": "Deny", "from": []any{map[string]any{"namespaces": map[string]any{}}}}}},
	})
	res, err := Read(context.Background(), f.config(), Options{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notices != nil {
		t.Errorf("notices: %v", res.Notices)
	}
	c := res.Cluster
	var got []string
	for _, p := range c.ClusterNetworkPolicies {
		got = append(got, fmt.Sprintf("%s %s %s %s managedFields=%d", p.APIVersion, p.Kind, p.Name, p.Spec.Tier, len(p.ManagedFields)))
	}
	for _, p := range c.AdminNetworkPolicies {
		got = append(got, fmt.Sprintf("%s %s %s %d", p.APIVersion, p.Kind, p.Name, p.Spec.Priority))
	}
	for _, p := range c.BaselineAdminNetworkPolicies {
		got = append(got, p.APIVersion+" "+p.Kind+" "+p.Name)
	}
	want := []string{
		"policy.networking.k8s.io/v1beta1 ClusterNetworkPolicy db-from-dev Admin managedFields=0",
		"policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy web-from-dev 10",
		"policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy default",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tiered policies (-want +got):\n%s", diff)
	}
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	var matrix []string
	for p := range m.Matrix().All() {
		if p.To.Namespace == "shop" {
			matrix = append(matrix, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
		}
	}
	wantMatrix := []string{"dev/tool → shop/db: TCP/80,TCP/5432", "dev/tool → shop/web: TCP/80,TCP/5432"}
	if diff := cmp.Diff(wantMatrix, matrix); diff != "" {
		t.Errorf("matrix into shop (-want +got):\n%s", diff)
	}
	for _, r := range f.requests {
		if strings.Contains(r, "v1beta1") {
			t.Errorf("request %s for a version the server does not serve", r)
		}
	}
}

// TestReadTieredVersions checks which version of ClusterNetworkPolicy is
// listed: v1beta1 when served (once: the same objects are served in
// v1alpha2 too), else v1alpha2; and that kinds not served are not asked
// for.
func TestReadTieredVersions(t *testing.T) {
	for _, tc := range []struct {
		versions []string
		lists    []string
	}{
		{nil, nil},
		{[]string{"v1beta1", "v1alpha2"}, []string{cnpV1beta1Resource.path("")}},
		{[]string{"v1alpha2"}, []string{cnpV1alpha2Resource.path("")}},
		{[]string{"v1alpha1"}, []string{anpResource.path(""), banpResource.path("")}},
		{[]string{"v1alpha1", "v1alpha2", "v1beta1"}, []string{cnpV1beta1Resource.path(""), anpResource.path(""), banpResource.path("")}},
	} {
		f := newFakeAPI(t)
		if tc.versions != nil {
			serveTiered(f, tc.versions...)
		}
		f.add("/apis/policy.networking.k8s.io/v1beta1/clusternetworkpolicies", map[string]any{"metadata": map[string]any{"name": "new"}, "spec": map[string]any{"tier": "Admin", "priority": 1, "subject": map[string]any{"namespaces": map[string]any{}}}})
		f.add("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies", map[string]any{"metadata": map[string]any{"name": "old"}, "spec": map[string]any{"tier": "Admin", "priority": 1, "subject": map[string]any{"namespaces": map[string]any{}}}})
		res, err := Read(context.Background(), f.config(), Options{})
		if err != nil {
			t.Fatalf("versions %v: %v", tc.versions, err)
		}
		var lists []string
		for _, r := range f.requests {
			if p, _, _ := strings.Cut(r, "?"); strings.HasPrefix(p, "/apis/policy.networking.k8s.io/") && strings.Count(p, "/") == 4 {
				lists = append(lists, p)
			}
		}
		if diff := cmp.Diff(tc.lists, lists); diff != "" {
			t.Errorf("versions %v: lists (-want +got):\n%s", tc.versions, diff)
		}
		if n := len(res.Cluster.ClusterNetworkPolicies); n > 1 {
			t.Errorf("versions %v: %d ClusterNetworkPolicies, want at most one", tc.versions, n)
		}
	}
}

// TestReadTieredErrors checks that a refused list of a served tiered kind
// is an error naming the resource and the verb, also when one namespace is
// read, and that a malformed
// discovery document or page is an error naming what was read.
func TestReadTieredErrors(t *testing.T) {
	for _, r := range []resource{anpResource, banpResource, cnpV1alpha2Resource} {
		f := newFakeAPI(t)
		serveTiered(f, "v1alpha1", "v1alpha2")
		f.statuses[r.path("")] = forbidden(r.name, "")
		// One namespace read still needs the cluster-wide tiered lists.
		for _, nr := range []resource{podsResource, servicesResource, networkPoliciesResource, ingressesResource} {
			f.lists[nr.path("shop")] = nil
		}
		_, err := Read(context.Background(), f.config(), Options{Namespace: "shop"})
		if want := "live: cannot list " + r.name + ".policy.networking.k8s.io: forbidden (needs list on " + r.name + ".policy.networking.k8s.io)"; err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
		if !apierrors.IsForbidden(err) {
			t.Errorf("IsForbidden(%v) is false", err)
		}
	}

	f := newFakeAPI(t)
	serveTiered(f, "v1beta1")
	f.bodies[cnpV1beta1Resource.path("")] = []byte(`{"items":[{"metadata":{"name":"x"},"spec":{"priority":"high"}}]}`)
	_, err := Read(context.Background(), f.config(), Options{})
	if want := "live: cannot list clusternetworkpolicies.policy.networking.k8s.io: malformed list response: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %s...", err, want)
	}

	f = newFakeAPI(t)
	serveTiered(f, "v1alpha1")
	f.bodies["/apis/policy.networking.k8s.io"] = []byte(`{"versions": 3}`)
	_, err = Read(context.Background(), f.config(), Options{})
	if want := "live: cannot discover /apis/policy.networking.k8s.io: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %s...", err, want)
	}
}
