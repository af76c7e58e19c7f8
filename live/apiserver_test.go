package live_test

// The test against a real kube-apiserver. scripts/kube-apiserver.sh starts
// one (with etcd) on the loopback interface and writes a kubeconfig whose
// contexts are "admin", "restricted" and "namespaced"; .ci/run exports its path as
// NETPOLSIM_TEST_KUBECONFIG. Without it the test is skipped.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/netpolsim/netpolsim/live"
	"github.com/netpolsim/netpolsim/simulate"
)

// apiClient makes raw requests to the API server, to set up the objects.
type apiClient struct {
	t      *testing.T
	config *rest.Config
	http   *http.Client
}

func testConfig(t *testing.T, kubeconfig, context string) *rest.Config {
	t.Helper()
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		t.Fatalf("kubeconfig %s, context %s: %v", kubeconfig, context, err)
	}
	return cfg
}

func newAPIClient(t *testing.T, cfg *rest.Config) *apiClient {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, config: cfg, http: hc}
}

// in returns c reporting to t, for use in a subtest.
func (c *apiClient) in(t *testing.T) *apiClient {
	d := *c
	d.t = t
	return &d
}

// do sends body (JSON-encoded unless nil) and returns the response status
// and body.
func (c *apiClient) do(method, path, contentType string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(c.config.Host, "/")+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// create posts obj to path and fails the test unless it was created (or,
// with exists, already existed).
func (c *apiClient) create(path string, obj map[string]any, exists bool) {
	c.t.Helper()
	code, body := c.do(http.MethodPost, path, "application/json", obj)
	if code == http.StatusConflict && exists {
		return
	}
	if code != http.StatusCreated {
		c.t.Fatalf("POST %s: %d %s", path, code, body)
	}
}

// patchStatus merges status into the status subresource at path.
func (c *apiClient) patchStatus(path string, status map[string]any) {
	c.t.Helper()
	code, body := c.do(http.MethodPatch, path+"/status", "application/merge-patch+json", map[string]any{"status": status})
	if code != http.StatusOK {
		c.t.Fatalf("PATCH %s/status: %d %s", path, code, body)
	}
}

type m = map[string]any

func meta(name string, labels map[string]string) m {
	md := m{"name": name}
	if labels != nil {
		md["labels"] = labels
	}
	return md
}

// TestAgainstAPIServer installs the CRDs of the tiered policy kinds,
// creates namespaces, a node, pods (their addresses set through the status
// subresource), a Service, an Ingress and NetworkPolicies through a real
// API server, reads them back with Read (in small pages, one namespace and
// all of them), and checks the matrix; then the errors of users that RBAC
// restricts, and tiered policies of every kind read and simulated.
func TestAgainstAPIServer(t *testing.T) {
	kubeconfig := os.Getenv("NETPOLSIM_TEST_KUBECONFIG")
	if kubeconfig == "" {
		t.Skip("NETPOLSIM_TEST_KUBECONFIG is not set, so there is no kube-apiserver to test against; .ci/run starts one with scripts/kube-apiserver.sh")
	}
	start := time.Now()
	admin := newAPIClient(t, testConfig(t, kubeconfig, "admin"))

	// Names and addresses unique to this run, so that the test can run
	// again against the same server.
	var nonce [3]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		t.Fatal(err)
	}
	id := hex.EncodeToString(nonce[:])
	shop, client := "shop-"+id, "client-"+id
	ip := func(n int) string { return fmt.Sprintf("10.%d.%d.%d", 100+int(nonce[0])%100, nonce[1], n) }

	installTieredCRDs(admin)
	admin.create("/api/v1/namespaces", m{"metadata": meta(shop, map[string]string{"team": "shop"})}, false)
	admin.create("/api/v1/namespaces", m{"metadata": meta(client, map[string]string{"team": "client"})}, false)
	node := "node-" + id
	admin.create("/api/v1/nodes", m{"metadata": meta(node, nil)}, false)
	admin.patchStatus("/api/v1/nodes/"+node, m{"addresses": []m{{"type": "InternalIP", "address": ip(200)}}})

	pod := func(ns, name, app, portName string, port int, addr string, phase string) {
		path := "/api/v1/namespaces/" + ns + "/pods"
		admin.create(path, m{
			"metadata": meta(name, map[string]string{"app": app}),
			"spec": m{"nodeName": node, "containers": []m{{
				"name": "c", "image": "example.com/" + app,
				"ports": []m{{"name": portName, "containerPort": port}},
			}}},
		}, false)
		admin.patchStatus(path+"/"+name, m{"phase": phase, "hostIP": ip(200), "podIP": addr, "podIPs": []m{{"ip": addr}}})
	}
	pod(shop, "web", "web", "http", 8080, ip(1), "Running")
	pod(shop, "api", "api", "http", 9090, ip(2), "Running")
	pod(shop, "db", "db", "pg", 5432, ip(3), "Running")
	pod(client, "browser", "browser", "http", 8080, ip(4), "Running")
	// A finished job pod whose address now belongs to web.
	pod(client, "job", "job", "http", 8080, ip(1), "Succeeded")

	admin.create("/api/v1/namespaces/"+shop+"/services", m{
		"metadata": meta("web", nil),
		"spec":     m{"selector": m{"app": "web"}, "ports": []m{{"name": "http", "port": 80, "targetPort": "http"}}},
	}, false)
	admin.create("/apis/networking.k8s.io/v1/namespaces/"+shop+"/ingresses", m{
		"metadata": meta("web", nil),
		"spec":     m{"defaultBackend": m{"service": m{"name": "web", "port": m{"number": 80}}}},
	}, false)
	policy := func(name string, spec m) {
		admin.create("/apis/networking.k8s.io/v1/namespaces/"+shop+"/networkpolicies", m{"metadata": meta(name, nil), "spec": spec}, false)
	}
	sel := func(app string) m { return m{"matchLabels": m{"app": app}} }
	policy("default-deny", m{"podSelector": m{}, "policyTypes": []string{"Ingress", "Egress"}})
	policy("web", m{
		"podSelector": sel("web"),
		"ingress":     []m{{"from": []m{{"namespaceSelector": m{"matchLabels": m{"team": "client"}}}}, "ports": []m{{"port": "http"}}}},
		"egress":      []m{{"to": []m{{"podSelector": sel("api")}}, "ports": []m{{"port": "http"}}}},
	})
	policy("api", m{
		"podSelector": sel("api"),
		"ingress":     []m{{"from": []m{{"podSelector": sel("web")}}, "ports": []m{{"port": "http"}}}},
		"egress":      []m{{"to": []m{{"podSelector": sel("db")}}, "ports": []m{{"port": 5432}}}},
	})
	policy("db", m{
		"podSelector": sel("db"),
		"ingress":     []m{{"from": []m{{"podSelector": sel("api")}}, "ports": []m{{"port": "pg"}}}},
	})
	t.Logf("objects created in %v", time.Since(start))

	ctx := context.Background()

	t.Run("one namespace in pages of two", func(t *testing.T) {
		pages := map[string]int{}
		res, err := live.Read(ctx, admin.config, live.Options{Namespace: shop, PageSize: 2, Progress: func(p live.Progress) {
			pages[p.Resource]++
			if p.Namespace != "" && p.Namespace != shop {
				t.Errorf("progress in namespace %q", p.Namespace)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Cluster
		var got []string
		for _, p := range c.Pods {
			got = append(got, fmt.Sprintf("%s %s/%s %s %s", p.Kind, p.Namespace, p.Name, p.Status.PodIP, p.Status.Phase))
		}
		for _, s := range c.Services {
			got = append(got, fmt.Sprintf("%s %s/%s %d→%s", s.Kind, s.Namespace, s.Name, s.Spec.Ports[0].Port, s.Spec.Ports[0].TargetPort.String()))
		}
		for _, i := range c.Ingresses {
			got = append(got, fmt.Sprintf("%s %s/%s", i.Kind, i.Namespace, i.Name))
		}
		for _, np := range c.NetworkPolicies {
			got = append(got, fmt.Sprintf("%s %s/%s", np.Kind, np.Namespace, np.Name))
		}
		want := []string{
			"Pod " + shop + "/api " + ip(2) + " Running",
			"Pod " + shop + "/db " + ip(3) + " Running",
			"Pod " + shop + "/web " + ip(1) + " Running",
			"Service " + shop + "/web 80→http",
			"Ingress " + shop + "/web",
			"NetworkPolicy " + shop + "/api",
			"NetworkPolicy " + shop + "/db",
			"NetworkPolicy " + shop + "/default-deny",
			"NetworkPolicy " + shop + "/web",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("objects (-want +got):\n%s", diff)
		}
		// Three pods in pages of two, four policies too.
		if pages["pods"] != 2 || pages["networkpolicies.networking.k8s.io"] != 2 || pages["services"] != 1 {
			t.Errorf("pages per resource: %v", pages)
		}
		if !slices.ContainsFunc(c.Nodes, func(n corev1.Node) bool { return n.Name == node && n.Kind == "Node" }) {
			t.Errorf("node %s not read", node)
		}
		wantMatrix := []string{
			shop + "/api → " + shop + "/db: TCP/5432",
			shop + "/web → " + shop + "/api: TCP/9090",
		}
		if diff := cmp.Diff(wantMatrix, matrix(t, c, shop, client)); diff != "" {
			t.Errorf("matrix (-want +got):\n%s", diff)
		}
	})

	t.Run("all namespaces", func(t *testing.T) {
		res, err := live.Read(ctx, admin.config, live.Options{PageSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		wantMatrix := []string{
			client + "/browser → " + shop + "/web: TCP/8080",
			shop + "/api → " + shop + "/db: TCP/5432",
			shop + "/web → " + shop + "/api: TCP/9090",
		}
		if diff := cmp.Diff(wantMatrix, matrix(t, res.Cluster, shop, client)); diff != "" {
			t.Errorf("matrix (-want +got):\n%s", diff)
		}
		if !slices.ContainsFunc(res.Notices, func(n live.Notice) bool {
			return regexp.MustCompile(`^live: pods: left out \d+ pods? in phase Succeeded or Failed`).MatchString(n.String())
		}) {
			t.Errorf("no notice of the finished pod: %v", res.Notices)
		}
		for _, p := range res.Cluster.Pods {
			if p.Namespace == client && p.Name == "job" {
				t.Error("the Succeeded pod was read")
			}
		}
	})

	t.Run("permissions", func(t *testing.T) {
		admin := admin.in(t)
		// The restricted user may list namespaces, nodes and the tiered
		// policies cluster-wide, and the namespaced kinds in client only.
		admin.create("/apis/rbac.authorization.k8s.io/v1/clusterroles", m{
			"metadata": meta("netpolsim-test-cluster-reader", nil),
			"rules": []m{
				{"apiGroups": []string{""}, "resources": []string{"namespaces", "nodes"}, "verbs": []string{"list"}},
				{"apiGroups": []string{"policy.networking.k8s.io"}, "resources": []string{"*"}, "verbs": []string{"list"}},
			},
		}, true)
		admin.create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", m{
			"metadata": meta("netpolsim-test-cluster-reader", nil),
			"roleRef":  m{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "netpolsim-test-cluster-reader"},
			"subjects": []m{{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "restricted"}},
		}, true)
		admin.create("/apis/rbac.authorization.k8s.io/v1/namespaces/"+client+"/roles", m{
			"metadata": meta("reader", nil),
			"rules": []m{
				{"apiGroups": []string{""}, "resources": []string{"pods", "services"}, "verbs": []string{"list"}},
				{"apiGroups": []string{"networking.k8s.io"}, "resources": []string{"networkpolicies", "ingresses"}, "verbs": []string{"list"}},
			},
		}, false)
		admin.create("/apis/rbac.authorization.k8s.io/v1/namespaces/"+client+"/rolebindings", m{
			"metadata": meta("reader", nil),
			"roleRef":  m{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
			"subjects": []m{{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "restricted"}},
		}, false)
		restricted := testConfig(t, kubeconfig, "restricted")

		// RBAC takes effect when the API server's informers see the
		// bindings: wait for the allowed read.
		var err error
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			var res *live.Result
			if res, err = live.Read(ctx, restricted, live.Options{Namespace: client}); err == nil {
				if len(res.Cluster.Pods) != 1 || res.Cluster.Pods[0].Name != "browser" {
					t.Errorf("restricted read of %s: pods %v", client, res.Cluster.Pods)
				}
				break
			}
		}
		if err != nil {
			t.Fatalf("restricted read of %s: %v", client, err)
		}

		_, err = live.Read(ctx, restricted, live.Options{Namespace: shop})
		if want := "live: cannot list pods in namespace " + shop + ": forbidden (needs list on pods)"; err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
		if !apierrors.IsForbidden(err) {
			t.Errorf("IsForbidden(%v) is false", err)
		}
		_, err = live.Read(ctx, restricted, live.Options{})
		if want := "live: cannot list pods in all namespaces: forbidden (needs list on pods)"; err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
	})

	t.Run("a user of one namespace", func(t *testing.T) {
		admin := admin.in(t)
		// The namespaced user may get its namespace and list the
		// namespaced kinds in it, nothing cluster-wide.
		admin.create("/apis/rbac.authorization.k8s.io/v1/namespaces/"+client+"/roles", m{
			"metadata": meta("namespace-user", nil),
			"rules": []m{
				{"apiGroups": []string{""}, "resources": []string{"namespaces"}, "resourceNames": []string{client}, "verbs": []string{"get"}},
				{"apiGroups": []string{""}, "resources": []string{"pods", "services"}, "verbs": []string{"list"}},
				{"apiGroups": []string{"networking.k8s.io"}, "resources": []string{"networkpolicies", "ingresses"}, "verbs": []string{"list"}},
			},
		}, false)
		admin.create("/apis/rbac.authorization.k8s.io/v1/namespaces/"+client+"/rolebindings", m{
			"metadata": meta("namespace-user", nil),
			"roleRef":  m{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "namespace-user"},
			"subjects": []m{{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "namespaced"}},
		}, false)
		user := testConfig(t, kubeconfig, "namespaced")
		// The tiered policies are cluster-wide, and served: a user who may
		// not list them cannot read a namespace. (A run before granted it.)
		if code, body := admin.do(http.MethodDelete, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/netpolsim-test-tiered-reader", "application/json", nil); code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("DELETE clusterrolebinding: %d %s", code, body)
		}
		tieredErr := "live: cannot list clusternetworkpolicies.policy.networking.k8s.io: forbidden (needs list on clusternetworkpolicies.policy.networking.k8s.io)"
		var res *live.Result
		var err error
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if res, err = live.Read(ctx, user, live.Options{Namespace: client}); err != nil && err.Error() == tieredErr {
				break
			}
		}
		if err == nil || err.Error() != tieredErr || !apierrors.IsForbidden(err) {
			t.Fatalf("read of %s without the tiered kinds: %v; want\n%s", client, err, tieredErr)
		}
		admin.create("/apis/rbac.authorization.k8s.io/v1/clusterroles", m{
			"metadata": meta("netpolsim-test-tiered-reader", nil),
			"rules":    []m{{"apiGroups": []string{"policy.networking.k8s.io"}, "resources": []string{"*"}, "verbs": []string{"list"}}},
		}, true)
		admin.create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", m{
			"metadata": meta("netpolsim-test-tiered-reader", nil),
			"roleRef":  m{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "netpolsim-test-tiered-reader"},
			"subjects": []m{{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "namespaced"}},
		}, true)
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if res, err = live.Read(ctx, user, live.Options{Namespace: client}); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("read of %s: %v", client, err)
		}
		var got []string
		for _, n := range res.Notices {
			got = append(got, n.Resource)
		}
		for _, ns := range res.Cluster.Namespaces {
			got = append(got, "namespace "+ns.Name+" team="+ns.Labels["team"])
		}
		for _, p := range res.Cluster.Pods {
			got = append(got, "pod "+p.Name)
		}
		// (pods: the finished job pod is left out.)
		want := []string{"namespaces", "nodes", "pods", "namespace " + client + " team=client", "pod browser"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("notices and objects (-want +got):\n%s", diff)
		}
		_, err = live.Read(ctx, user, live.Options{Namespace: shop})
		if want := "live: cannot list namespaces: forbidden (needs list on namespaces, or get on namespace " + shop + ")"; err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
	})

	t.Run("tiered policy kinds", func(t *testing.T) {
		admin := admin.in(t)
		nsSel := func(ns string) m { return m{"matchLabels": m{"kubernetes.io/metadata.name": ns}} }
		podsIn := func(ns, app string) m { return m{"namespaceSelector": nsSel(ns), "podSelector": sel(app)} }
		// Admin tier: a ClusterNetworkPolicy, created in v1alpha2 (the CRD
		// serves it in v1beta1 too), denies api → db; an
		// AdminNetworkPolicy allows client → db on 5432, which the db
		// policy does not. Baseline tier: browser's egress is not isolated
		// by a NetworkPolicy, so the baseline policy's deny of 8080 into
		// shop takes browser → web away.
		cnp := "no-api-to-db-" + id
		admin.create("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies", m{
			"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
			"metadata": meta(cnp, nil),
			"spec": m{"tier": "Admin", "priority": 5,
				"subject": m{"pods": podsIn(shop, "api")},
				"egress": []m{{"action": "Deny", "to": []m{{"pods": podsIn(shop, "db")}},
					"protocols": []m{{"tcp": m{"destinationPort": m{"number": 5432}}}}}}},
		}, false)
		admin.create("/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies", m{
			"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
			"metadata": meta("db-from-client-"+id, nil),
			"spec": m{"priority": 10,
				"subject": m{"pods": podsIn(shop, "db")},
				"ingress": []m{{"action": "Allow", "from": []m{{"namespaces": nsSel(client)}},
					"ports": []m{{"portNumber": m{"protocol": "TCP", "port": 5432}}}}}},
		}, false)
		// There is one baseline policy, named default: this run's replaces
		// one a run before left.
		banp := "/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies"
		if code, body := admin.do(http.MethodDelete, banp+"/default", "application/json", nil); code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("DELETE %s/default: %d %s", banp, code, body)
		}
		admin.create(banp, m{
			"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "BaselineAdminNetworkPolicy",
			"metadata": meta("default", nil),
			"spec": m{
				"subject": m{"namespaces": nsSel(client)},
				"egress": []m{{"action": "Deny", "to": []m{{"namespaces": nsSel(shop)}},
					"ports": []m{{"portNumber": m{"protocol": "TCP", "port": 8080}}}}}},
		}, false)

		res, err := live.Read(ctx, admin.config, live.Options{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Cluster.ClusterNetworkPolicies {
			if p.Name == cnp {
				got = append(got, fmt.Sprintf("%s %s %s %s", p.APIVersion, p.Kind, p.Name, p.Spec.Tier))
			}
		}
		for _, p := range res.Cluster.AdminNetworkPolicies {
			if strings.HasSuffix(p.Name, id) {
				got = append(got, fmt.Sprintf("%s %s %s %d", p.APIVersion, p.Kind, p.Name, p.Spec.Priority))
			}
		}
		for _, p := range res.Cluster.BaselineAdminNetworkPolicies {
			got = append(got, fmt.Sprintf("%s %s %s managedFields=%d", p.APIVersion, p.Kind, p.Name, len(p.ManagedFields)))
		}
		want := []string{
			"policy.networking.k8s.io/v1beta1 ClusterNetworkPolicy " + cnp + " Admin",
			"policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy db-from-client-" + id + " 10",
			"policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy default managedFields=0",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tiered policies (-want +got):\n%s", diff)
		}
		wantMatrix := []string{
			client + "/browser → " + shop + "/db: TCP/5432",
			shop + "/web → " + shop + "/api: TCP/9090",
		}
		if diff := cmp.Diff(wantMatrix, matrix(t, res.Cluster, shop, client)); diff != "" {
			t.Errorf("matrix (-want +got):\n%s", diff)
		}
	})
	t.Logf("whole test against the API server: %v", time.Since(start))
}

// installTieredCRDs installs minimal CRDs for the tiered policy kinds of
// policy.networking.k8s.io (any object is accepted; the fields and
// versions are those of sigs.k8s.io/network-policy-api: ClusterNetworkPolicy
// in v1alpha2 and v1beta1, the same objects in both, AdminNetworkPolicy and
// BaselineAdminNetworkPolicy in v1alpha1), or keeps those a run before
// installed, and waits until every version is served.
func installTieredCRDs(c *apiClient) {
	c.t.Helper()
	version := func(name string, storage bool) m {
		return m{
			"name": name, "served": true, "storage": storage,
			"schema": m{"openAPIV3Schema": m{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		}
	}
	crd := func(plural, kind string, versions ...m) m {
		return m{
			"apiVersion": "apiextensions.k8s.io/v1",
			"kind":       "CustomResourceDefinition",
			"metadata": m{
				"name": plural + ".policy.networking.k8s.io",
				// The group is one of Kubernetes' own, which needs this.
				"annotations": m{"api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/network-policy-api/pull/30"},
			},
			"spec": m{
				"group":    "policy.networking.k8s.io",
				"scope":    "Cluster",
				"names":    m{"plural": plural, "singular": strings.ToLower(kind), "kind": kind, "listKind": kind + "List"},
				"versions": versions,
			},
		}
	}
	const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
	c.create(crds, crd("clusternetworkpolicies", "ClusterNetworkPolicy", version("v1beta1", true), version("v1alpha2", false)), true)
	c.create(crds, crd("adminnetworkpolicies", "AdminNetworkPolicy", version("v1alpha1", true)), true)
	c.create(crds, crd("baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy", version("v1alpha1", true)), true)
	for _, path := range []string{
		"/apis/policy.networking.k8s.io/v1beta1/clusternetworkpolicies",
		"/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
		"/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies",
		"/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies",
	} {
		var code int
		var body []byte
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if code, body = c.do(http.MethodGet, path, "application/json", nil); code == http.StatusOK {
				break
			}
		}
		if code != http.StatusOK {
			c.t.Fatalf("GET %s: %d %s", path, code, body)
		}
	}
}

// matrix renders the allowed pairs among the pods of the given namespaces.
func matrix(t *testing.T, c simulate.Cluster, namespaces ...string) []string {
	t.Helper()
	mod, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for p := range mod.Matrix().All() {
		if slices.Contains(namespaces, p.From.Namespace) && slices.Contains(namespaces, p.To.Namespace) {
			out = append(out, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
		}
	}
	return out
}
