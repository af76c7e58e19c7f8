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

// TestReadTieredPolicies checks the discovery of the tiered policy kinds:
// a served kind with objects gives a notice that counts them; kinds not
// served, or served without objects, give none; a refused list gives a
// notice.
func TestReadTieredPolicies(t *testing.T) {
	setup := func(t *testing.T) *fakeAPI {
		f := newFakeAPI(t)
		f.bodies["/apis/policy.networking.k8s.io"] = []byte(`{"kind":"APIGroup","name":"policy.networking.k8s.io","versions":[{"groupVersion":"policy.networking.k8s.io/v1alpha1","version":"v1alpha1"},{"groupVersion":"policy.networking.k8s.io/v1alpha2","version":"v1alpha2"}]}`)
		f.bodies["/apis/policy.networking.k8s.io/v1alpha1"] = []byte(`{"kind":"APIResourceList","groupVersion":"policy.networking.k8s.io/v1alpha1","resources":[{"name":"adminnetworkpolicies","namespaced":false,"kind":"AdminNetworkPolicy","verbs":["get","list"]},{"name":"adminnetworkpolicies/status","namespaced":false,"kind":"AdminNetworkPolicy","verbs":["get"]},{"name":"baselineadminnetworkpolicies","namespaced":false,"kind":"BaselineAdminNetworkPolicy","verbs":["get","list"]}]}`)
		f.bodies["/apis/policy.networking.k8s.io/v1alpha2"] = []byte(`{"kind":"APIResourceList","groupVersion":"policy.networking.k8s.io/v1alpha2","resources":[{"name":"clusternetworkpolicies","namespaced":false,"kind":"ClusterNetworkPolicy","verbs":["get","list"]}]}`)
		f.add("/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies",
			map[string]any{"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy", "metadata": map[string]any{"name": "a"}, "spec": map[string]any{"priority": 10}},
			map[string]any{"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy", "metadata": map[string]any{"name": "b"}})
		f.lists["/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies"] = nil
		f.add("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
			map[string]any{"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy", "metadata": map[string]any{"name": "c"}})
		return f
	}
	f := setup(t)
	res, err := Read(context.Background(), f.config(), Options{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, n := range res.Notices {
		notices = append(notices, n.String())
	}
	want := []string{
		"live: clusternetworkpolicies.v1alpha2.policy.networking.k8s.io: left out 1 object: tiered cluster policies are not simulated yet, so the answers ignore them",
		"live: adminnetworkpolicies.v1alpha1.policy.networking.k8s.io: left out 2 objects: tiered cluster policies are not simulated yet, so the answers ignore them",
	}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	for _, r := range f.requests {
		if strings.Contains(r, "v1beta1") {
			t.Errorf("request %s for a version the server does not serve", r)
		}
	}

	f = setup(t)
	f.statuses["/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies"] = forbidden("adminnetworkpolicies", "")
	res, err = Read(context.Background(), f.config(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	notices = nil
	for _, n := range res.Notices {
		notices = append(notices, n.String())
	}
	want = []string{
		"live: clusternetworkpolicies.v1alpha2.policy.networking.k8s.io: left out 1 object: tiered cluster policies are not simulated yet, so the answers ignore them",
		"live: adminnetworkpolicies.v1alpha1.policy.networking.k8s.io: cannot list them (forbidden, needs list on adminnetworkpolicies.policy.networking.k8s.io); tiered cluster policies are not simulated yet, so the answers would ignore them anyway",
	}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices when forbidden (-want +got):\n%s", diff)
	}

	f = setup(t)
	f.bodies["/apis/policy.networking.k8s.io"] = []byte(`{"versions": 3}`)
	_, err = Read(context.Background(), f.config(), Options{})
	if want := "live: cannot discover /apis/policy.networking.k8s.io: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %s...", err, want)
	}
}
