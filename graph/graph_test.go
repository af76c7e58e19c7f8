package graph_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gonum "gonum.org/v1/gonum/graph"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

func TestEdges(t *testing.T) {
	m := compile(t, shop())
	for _, c := range []struct {
		name string
		opts []graph.Option
		want []string
	}{
		{"pods", nil, []string{
			"shop/admin -(TCP/5432)-> shop/db",
			"shop/admin -(TCP/443)-> shop/web",
			"shop/api -(TCP/6379)-> shop/cache",
			"shop/api -(TCP/5432)-> shop/db",
			"shop/cache -(TCP/8080)-> shop/api",
			"shop/web -(TCP/8080)-> shop/api",
		}},
		{"outside, every address", []graph.Option{graph.Outside()}, []string{
			"shop/admin -(TCP/5432)-> shop/db",
			"shop/admin -(TCP/443)-> shop/web",
			"shop/api -(TCP/6379)-> shop/cache",
			"shop/api -(TCP/5432)-> shop/db",
			"shop/cache -(TCP/8080)-> shop/api",
			"shop/web -(TCP/8080)-> shop/api",
			"outside -(TCP/8443)-> shop/api", // only the partner's witness 198.51.100.0 sees it
			"outside -(TCP/443)-> shop/web",
		}},
		{"outside, the internet only", []graph.Option{graph.Outside(netip.MustParseAddr("203.0.113.1"))}, []string{
			"shop/admin -(TCP/5432)-> shop/db",
			"shop/admin -(TCP/443)-> shop/web",
			"shop/api -(TCP/6379)-> shop/cache",
			"shop/api -(TCP/5432)-> shop/db",
			"shop/cache -(TCP/8080)-> shop/api",
			"shop/web -(TCP/8080)-> shop/api",
			"outside -(TCP/443)-> shop/web",
		}},
		{"outside, an address the except carves out", []graph.Option{graph.Outside(netip.MustParseAddr("10.9.9.9"))}, []string{
			"shop/admin -(TCP/5432)-> shop/db",
			"shop/admin -(TCP/443)-> shop/web",
			"shop/api -(TCP/6379)-> shop/cache",
			"shop/api -(TCP/5432)-> shop/db",
			"shop/cache -(TCP/8080)-> shop/api",
			"shop/web -(TCP/8080)-> shop/api",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := build(t, m, c.opts...)
			if diff := cmp.Diff(c.want, edges(g)); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodes(t *testing.T) {
	g := build(t, compile(t, shop()), graph.Outside())
	var got []string
	for it := g.Nodes(); it.Next(); {
		n := it.Node().(*graph.Node)
		got = append(got, strings.Join([]string{n.Name(), n.Kind(), n.Namespace()}, " "))
		if g.Node(n.ID()) != gonum.Node(n) {
			t.Errorf("Node(%d) is not %s", n.ID(), n)
		}
	}
	want := []string{"shop/admin Pod shop", "shop/api Pod shop", "shop/cache Pod shop", "shop/db Pod shop", "shop/web Pod shop", "outside  "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes in ID order (-want +got):\n%s", diff)
	}
	if o := g.Outside(); o == nil || o.ID() != 5 || !node(t, g, "outside").IsOutside() {
		t.Errorf("Outside() = %v, want the node of ID 5", o)
	}
	if n := g.NodeOf(simulate.PodID{Namespace: "shop", Name: "db"}); n == nil || n.Name() != "shop/db" {
		t.Errorf("NodeOf(shop/db) = %v", n)
	}
	for _, missing := range []int64{-1, 6, 100} {
		if g.Node(missing) != nil {
			t.Errorf("Node(%d) = %v, want nil", missing, g.Node(missing))
		}
		if g.From(missing).Len() != 0 || g.To(missing).Len() != 0 || g.Edge(missing, 0) != nil || g.HasEdgeBetween(missing, 0) {
			t.Errorf("node %d has neighbours", missing)
		}
	}
	if g.NodeNamed("shop/nope") != nil || g.NodeOf(simulate.PodID{Namespace: "shop", Name: "nope"}) != nil {
		t.Error("found a node that does not exist")
	}
	if g := build(t, compile(t, shop())); g.Outside() != nil || g.NodeNamed("outside") != nil {
		t.Error("a graph built without Outside has an outside node")
	}
}

func TestDirected(t *testing.T) {
	g := build(t, compile(t, shop()))
	api, cache, web := node(t, g, "shop/api"), node(t, g, "shop/cache"), node(t, g, "shop/web")
	if got := names(gonum.NodesOf(g.From(api.ID()))); !cmp.Equal(got, []string{"shop/cache", "shop/db"}) {
		t.Errorf("From(api) = %v", got)
	}
	if got := names(gonum.NodesOf(g.To(api.ID()))); !cmp.Equal(got, []string{"shop/cache", "shop/web"}) {
		t.Errorf("To(api) = %v", got)
	}
	if !g.HasEdgeFromTo(web.ID(), api.ID()) || g.HasEdgeFromTo(api.ID(), web.ID()) {
		t.Error("HasEdgeFromTo: want web→api and not api→web")
	}
	if !g.HasEdgeBetween(api.ID(), web.ID()) || g.HasEdgeBetween(web.ID(), cache.ID()) {
		t.Error("HasEdgeBetween: want api–web and not web–cache")
	}
	e := g.Edge(web.ID(), api.ID()).(*graph.Edge)
	if e.From() != gonum.Node(web) || e.To() != gonum.Node(api) || e.ReversedEdge() != gonum.Edge(e) {
		t.Errorf("Edge(web, api) = %v", e)
	}
	if got := e.Ports().String(); got != "TCP/8080" {
		t.Errorf("ports of web→api = %s, want TCP/8080", got)
	}
	if g.Edge(api.ID(), web.ID()) != nil || g.EdgeFromTo(api.ID(), web.ID()) != nil {
		t.Error("Edge(api, web) is not nil")
	}
	// gonum's algorithms may reorder what an iterator hands out: that must
	// not change the graph.
	ns := gonum.NodesOf(g.From(api.ID()))
	ns[0], ns[1] = ns[1], ns[0]
	if got := names(gonum.NodesOf(g.From(api.ID()))); !cmp.Equal(got, []string{"shop/cache", "shop/db"}) {
		t.Errorf("From(api) after reordering a copy = %v", got)
	}
}

func TestIngressIsolated(t *testing.T) {
	c := shop()
	c.Pods = append(c.Pods, mkPod("tools", "debug", "10.0.1.1", app("debug")))
	g := build(t, compile(t, c), graph.Outside())
	for name, want := range map[string]bool{"shop/web": true, "shop/admin": true, "tools/debug": false, "outside": false} {
		if got := node(t, g, name).IngressIsolated(); got != want {
			t.Errorf("%s: IngressIsolated() = %t, want %t", name, got, want)
		}
	}
	// Nothing isolates tools/debug: every pod and address reaches it on
	// every port.
	for _, from := range []string{"shop/web", "outside"} {
		e := g.EdgeFromTo(node(t, g, from).ID(), node(t, g, "tools/debug").ID())
		if e == nil || !e.Ports().IsAll() {
			t.Errorf("%s → tools/debug = %v, want all ports", from, e)
		}
	}
}

func TestOutsideErrors(t *testing.T) {
	m := compile(t, shop())
	for _, c := range []struct {
		addr netip.Addr
		want string
	}{
		{netip.MustParseAddr("10.0.0.3"), "graph: outside address 10.0.0.3 is an address of pod shop/db, inside the cluster"},
		{netip.MustParseAddr("::ffff:10.0.0.3"), "graph: outside address 10.0.0.3 is an address of pod shop/db, inside the cluster"},
		{netip.Addr{}, "graph: outside address #0 is invalid"},
	} {
		_, err := graph.New(m, graph.Outside(c.addr))
		if err == nil || err.Error() != c.want {
			t.Errorf("Outside(%s): error %v, want %q", c.addr, err, c.want)
		}
	}
}

// TestOutsideWitness checks the addresses the outside node tries: the
// lowest address of a block that is neither excepted nor a pod's; a
// hostNetwork pod's address is its node's, outside the cluster.
func TestOutsideWitness(t *testing.T) {
	c := simulate.Cluster{
		Pods: []corev1.Pod{
			mkPod("ns", "a", "192.0.2.0", app("a"), tcp(80)), // takes the block's first address
			mkPod("ns", "b", "192.0.2.1", app("b"), tcp(80)),
			mkPod("ns", "host", "192.0.2.2", app("host"), tcp(80)),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			ingress("ns", "a", "a",
				// Of 192.0.2.0/24, .0 is a pod's, .1-.3 and .4 are
				// excepted: the witness must be 192.0.2.5.
				fromCIDR("192.0.2.0/24", []string{"192.0.2.0/30", "192.0.2.4/32"}, port(80)),
				// The node's address (the hostNetwork pod's): outside
				// the cluster, so it counts.
				fromCIDR("192.0.2.2/32", nil, port(81))),
			// A pod's address only: no outside part.
			ingress("ns", "b", "b", fromCIDR("192.0.2.1/32", nil, port(80))),
		},
	}
	c.Pods[2].Spec.HostNetwork = true // not a policy subject, so open
	g := build(t, compile(t, c), graph.Outside())
	want := []string{
		"ns/a -(all)-> ns/host",
		"ns/b -(all)-> ns/host",
		"ns/host -(TCP/81)-> ns/a",
		"outside -(TCP/80-81)-> ns/a",
		"outside -(all)-> ns/host",
	}
	if diff := cmp.Diff(want, edges(g)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if _, err := graph.New(g.Model(), graph.Outside(netip.MustParseAddr("192.0.2.2"))); err != nil {
		t.Errorf("Outside(the hostNetwork pod's address): %v", err)
	}
	v, err := g.Model().Check(simulate.IP(netip.MustParseAddr("192.0.2.5")), simulate.Pod("ns", "a"), simulate.TCP(80))
	if err != nil || !v.Allowed {
		t.Fatalf("the witness itself is not allowed: %v %v", v, err)
	}
}

// TestOutsideNodeTraffic: the addresses of a pod's node reach it on every
// port (simulate.NodeTraffic), so the outside node's edge to a pod that
// denies all ingress carries every port when its Node is known, and none
// when node traffic is policed.
func TestOutsideNodeTraffic(t *testing.T) {
	web := mkPod("ns", "web", "10.0.0.1", app("web"), tcp(80))
	web.Spec.NodeName = "node-1"
	other := mkPod("ns", "other", "10.0.0.2", app("web"), tcp(80))
	other.Spec.NodeName = "node-2"
	n := corev1.Node{}
	n.Name = "node-1"
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.16.0.1"}, {Type: corev1.NodeHostName, Address: "node-1"}}
	c := simulate.Cluster{Pods: []corev1.Pod{web, other}, Nodes: []corev1.Node{n},
		NetworkPolicies: []networkingv1.NetworkPolicy{ingress("ns", "deny", "web")}}
	got := edges(build(t, compile(t, c), graph.Outside()))
	want := []string{"outside -(all)-> ns/web"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	m, err := simulate.Compile(c, simulate.NodeTraffic(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := edges(build(t, m, graph.Outside())); len(got) != 0 {
		t.Errorf("edges without node traffic = %q, want none", got)
	}
	addrs, err := m.NodeAddresses(simulate.PodID{Namespace: "ns", Name: "web"})
	if err != nil || len(addrs) != 1 || addrs[0] != netip.MustParseAddr("172.16.0.1") {
		t.Errorf("NodeAddresses(ns/web) = %v, %v; want [172.16.0.1]", addrs, err)
	}
	if addrs, err := m.NodeAddresses(simulate.PodID{Namespace: "ns", Name: "other"}); err != nil || addrs != nil {
		t.Errorf("NodeAddresses(ns/other) = %v, %v; want none (no Node object)", addrs, err)
	}
}

// TestOutsideDefaultTaken: a pod that has the default outside address does
// not hide rules that admit any peer.
func TestOutsideDefaultTaken(t *testing.T) {
	anyone := networkingv1.NetworkPolicyIngressRule{Ports: []networkingv1.NetworkPolicyPort{port(80)}}
	c := simulate.Cluster{
		Pods: []corev1.Pod{
			mkPod("ns", "squatter", "203.0.113.1", app("squatter")),
			mkPod("ns", "squatter6", "2001:db8::1", app("squatter")),
			mkPod("ns", "web", "10.0.0.1", app("web"), tcp(80)),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{ingress("ns", "deny", ""), ingress("ns", "web", "web", anyone)},
	}
	g := build(t, compile(t, c), graph.Outside())
	want := []string{"ns/squatter -(TCP/80)-> ns/web", "ns/squatter6 -(TCP/80)-> ns/web", "outside -(TCP/80)-> ns/web"}
	if diff := cmp.Diff(want, edges(g)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestWorkloads(t *testing.T) {
	role := func(r string) map[string]string { return map[string]string{"app": "front", "role": r} }
	// Only front-0 (role=x) may reach the back pods on 80; both front pods
	// may on 81.
	back := ingress("ns", "back", "back", from([]string{"front"}, port(81)))
	back.Spec.Ingress = append(back.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{
		From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "x"}}}},
		Ports: []networkingv1.NetworkPolicyPort{port(80)},
	})
	c := simulate.Cluster{
		Pods: []corev1.Pod{
			owned(mkPod("ns", "front-0", "10.0.0.1", role("x")), "Deployment", "front"),
			owned(mkPod("ns", "front-1", "10.0.0.2", role("y")), "Deployment", "front"),
			owned(mkPod("ns", "back-0", "10.0.0.3", app("back"), tcp(80)), "Deployment", "back"),
			owned(mkPod("ns", "back-1", "10.0.0.4", app("back"), tcp(80)), "Deployment", "back"),
			owned(mkPod("ns", "back-2", "10.0.0.5", app("other")), "StatefulSet", "back"),
			mkPod("ns", "back", "10.0.0.6", app("bare")), // a bare pod named like the workloads
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{ingress("ns", "deny", ""), back},
	}
	m := compile(t, c)

	g := build(t, m, graph.ByWorkload())
	var got []string
	for it := g.Nodes(); it.Next(); {
		n := it.Node().(*graph.Node)
		got = append(got, n.Name()+" "+n.Kind()+" "+strings.Trim(strings.ReplaceAll(strings.Join(podNames(n.Pods()), ","), "ns/", ""), " "))
	}
	want := []string{
		"ns/back Pod back",
		"ns/deployment/back Deployment back-0,back-1",
		"ns/front Deployment front-0,front-1",
		"ns/statefulset/back StatefulSet back-2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if n := g.NodeOf(simulate.PodID{Namespace: "ns", Name: "back-1"}); n == nil || n.Name() != "ns/deployment/back" {
		t.Errorf("NodeOf(ns/back-1) = %v", n)
	}
	// Any member to any member: the union.
	if diff := cmp.Diff([]string{"ns/front -(TCP/80-81)-> ns/deployment/back"}, edges(g)); diff != "" {
		t.Errorf("edges, any member (-want +got):\n%s", diff)
	}
	// Every member to every member: the intersection, as netpolsim
	// matrix --group workload.
	g = build(t, m, graph.ByWorkload(), graph.EveryMember())
	if diff := cmp.Diff([]string{"ns/front -(TCP/81)-> ns/deployment/back"}, edges(g)); diff != "" {
		t.Errorf("edges, every member (-want +got):\n%s", diff)
	}
	// The pods of a workload reach each other, which is no edge.
	g = build(t, compile(t, simulate.Cluster{Pods: c.Pods[:2]}), graph.ByWorkload())
	if len(g.Edges()) != 0 {
		t.Errorf("edges of a lone workload: %v", edges(g))
	}
	if g.Nodes().Len() != 1 {
		t.Errorf("%d nodes, want 1", g.Nodes().Len())
	}
}

func podNames(ids []simulate.PodID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func TestRestrict(t *testing.T) {
	g := build(t, compile(t, shop()), graph.Outside())
	for _, c := range []struct {
		port string
		want []string
	}{
		{"5432", []string{"shop/admin -(TCP/5432)-> shop/db", "shop/api -(TCP/5432)-> shop/db"}},
		{"8000-8500/TCP", []string{"shop/cache -(TCP/8080)-> shop/api", "shop/web -(TCP/8080)-> shop/api", "outside -(TCP/8443)-> shop/api"}},
		{"http", []string{"shop/cache -(TCP/8080)-> shop/api", "shop/web -(TCP/8080)-> shop/api"}},
		{"pg", []string{"shop/admin -(TCP/5432)-> shop/db", "shop/api -(TCP/5432)-> shop/db"}},
		{"53/udp", nil},
	} {
		spec, err := simulate.ParsePortSpec(c.port)
		if err != nil {
			t.Fatal(err)
		}
		r, err := graph.Restrict(g, spec)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, edges(r)); diff != "" {
			t.Errorf("%s: edges (-want +got):\n%s", c.port, diff)
		}
		if r.Nodes().Len() != g.Nodes().Len() || r.Outside() == nil {
			t.Errorf("%s: the restriction lost nodes", c.port)
		}
	}
	for _, bad := range []simulate.PortSpec{{Protocol: "ICMP", Start: 1, End: 1}, {Protocol: corev1.ProtocolTCP}, {Protocol: corev1.ProtocolTCP, Start: 9, End: 8}} {
		if _, err := graph.Restrict(g, bad); err == nil {
			t.Errorf("Restrict(%v): no error", bad)
		}
	}
}

func TestReach(t *testing.T) {
	g := build(t, compile(t, shop()), graph.Outside())
	type hop struct {
		Node string
		Hops int
		Path string
	}
	reach := func(r graph.Reachable) []hop {
		var out []hop
		for _, n := range r.Nodes() {
			h, ok := r.Hops(n.ID())
			if !ok {
				t.Errorf("Hops(%v) not found", n)
			}
			out = append(out, hop{n.(*graph.Node).Name(), h, r.Path(n.ID()).String()})
		}
		return out
	}
	for _, c := range []struct {
		name string
		r    graph.Reachable
		want []hop
	}{
		{"admin, 1 hop", graph.Reach(g, node(t, g, "shop/admin"), 1), []hop{
			{"shop/db", 1, "shop/admin -(TCP/5432)-> shop/db"},
			{"shop/web", 1, "shop/admin -(TCP/443)-> shop/web"},
		}},
		{"admin, no limit", graph.Reach(g, node(t, g, "shop/admin"), -1), []hop{
			{"shop/db", 1, "shop/admin -(TCP/5432)-> shop/db"},
			{"shop/web", 1, "shop/admin -(TCP/443)-> shop/web"},
			{"shop/api", 2, "shop/admin -(TCP/443)-> shop/web -(TCP/8080)-> shop/api"},
			{"shop/cache", 3, "shop/admin -(TCP/443)-> shop/web -(TCP/8080)-> shop/api -(TCP/6379)-> shop/cache"},
		}},
		{"db reaches nothing", graph.Reach(g, node(t, g, "shop/db"), -1), nil},
		{"outside, 2 hops", graph.Reach(g, g.Outside(), 2), []hop{
			{"shop/api", 1, "outside -(TCP/8443)-> shop/api"},
			{"shop/web", 1, "outside -(TCP/443)-> shop/web"},
			{"shop/cache", 2, "outside -(TCP/8443)-> shop/api -(TCP/6379)-> shop/cache"},
			{"shop/db", 2, "outside -(TCP/8443)-> shop/api -(TCP/5432)-> shop/db"},
		}},
		{"who reaches db", graph.ReachedBy(g, node(t, g, "shop/db"), -1), []hop{
			{"shop/admin", 1, "shop/admin -(TCP/5432)-> shop/db"},
			{"shop/api", 1, "shop/api -(TCP/5432)-> shop/db"},
			{"shop/cache", 2, "shop/cache -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db"},
			{"shop/web", 2, "shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db"},
			{"outside", 2, "outside -(TCP/8443)-> shop/api -(TCP/5432)-> shop/db"},
		}},
		{"who reaches db in 1 hop", graph.ReachedBy(g, node(t, g, "shop/db"), 1), []hop{
			{"shop/admin", 1, "shop/admin -(TCP/5432)-> shop/db"},
			{"shop/api", 1, "shop/api -(TCP/5432)-> shop/db"},
		}},
		{"nobody reaches admin", graph.ReachedBy(g, node(t, g, "shop/admin"), -1), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, reach(c.r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if c.r.Len() != len(c.want) {
				t.Errorf("Len() = %d, want %d", c.r.Len(), len(c.want))
			}
			root := c.r.Root()
			if h, ok := c.r.Hops(root.ID()); !ok || h != 0 {
				t.Errorf("Hops(root) = %d, %t", h, ok)
			}
			if p := c.r.Path(root.ID()); p.Len() != 0 || len(p.Nodes) != 1 {
				t.Errorf("Path(root) = %v", p)
			}
		})
	}
	r := graph.Reach(g, node(t, g, "shop/admin"), -1)
	if got := names(r.Within(2)); !cmp.Equal(got, []string{"shop/db", "shop/web", "shop/api"}) {
		t.Errorf("Within(2) = %v", got)
	}
	if got := r.Within(0); len(got) != 0 {
		t.Errorf("Within(0) = %v", got)
	}
	if _, ok := r.Hops(g.Outside().ID()); ok {
		t.Error("admin reaches the outside node")
	}
	if p := r.Path(g.Outside().ID()); p.Nodes != nil || p.Len() != 0 {
		t.Errorf("Path to an unreached node = %v", p)
	}
	if r := graph.Reach(g, node(t, g, "shop/admin"), 0); r.Len() != 0 {
		t.Errorf("Reach(admin, 0) = %v", names(r.Nodes()))
	}
	var zero graph.Reachable
	if zero.Len() != 0 || zero.Nodes() != nil {
		t.Error("the zero Reachable is not empty")
	}
}

func TestPaths(t *testing.T) {
	g := build(t, compile(t, shop()), graph.Outside())
	admin, db, web, cache := node(t, g, "shop/admin"), node(t, g, "shop/db"), node(t, g, "shop/web"), node(t, g, "shop/cache")
	for _, c := range []struct {
		name string
		got  []graph.Path
		want []string
	}{
		{"admin to db, 3 hops", graph.AllPaths(g, admin, db, 3), []string{
			"shop/admin -(TCP/5432)-> shop/db",
			"shop/admin -(TCP/443)-> shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db",
		}},
		{"admin to db, 2 hops", graph.AllPaths(g, admin, db, 2), []string{"shop/admin -(TCP/5432)-> shop/db"}},
		{"admin to db, 0 hops", graph.AllPaths(g, admin, db, 0), []string{}},
		{"cache to web", graph.AllPaths(g, cache, web, -1), []string{}},
		{"web to itself", graph.AllPaths(g, web, web, 3), []string{"shop/web"}},
		{"outside to db", graph.FromOutside(g, db, -1), []string{
			"outside -(TCP/8443)-> shop/api -(TCP/5432)-> shop/db",
			"outside -(TCP/443)-> shop/web -(TCP/8080)-> shop/api -(TCP/5432)-> shop/db",
		}},
		{"outside to cache, 2 hops", graph.FromOutside(g, cache, 2), []string{"outside -(TCP/8443)-> shop/api -(TCP/6379)-> shop/cache"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, paths(c.got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	p, ok := graph.ShortestPath(g, admin, cache)
	if want := "shop/admin -(TCP/443)-> shop/web -(TCP/8080)-> shop/api -(TCP/6379)-> shop/cache"; !ok || p.String() != want || p.Len() != 3 {
		t.Errorf("ShortestPath(admin, cache) = %s, %t; want %s", p, ok, want)
	}
	if p, ok := graph.ShortestPath(g, db, admin); ok || p.Nodes != nil {
		t.Errorf("ShortestPath(db, admin) = %s, %t; want none", p, ok)
	}
	if p, ok := graph.ShortestPath(g, db, db); !ok || p.String() != "shop/db" {
		t.Errorf("ShortestPath(db, db) = %s, %t", p, ok)
	}
}

func TestFromOutsidePanics(t *testing.T) {
	g := build(t, compile(t, shop()))
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Outside option") {
			t.Errorf("recovered %v, want a panic naming the Outside option", r)
		}
	}()
	graph.FromOutside(g, node(t, g, "shop/db"), 3)
}

func TestStronglyConnected(t *testing.T) {
	c := shop()
	// db → admin closes a second loop: admin → db → admin.
	c.NetworkPolicies = append(c.NetworkPolicies, ingress("shop", "admin", "admin", from([]string{"db"}, udp(53))))
	for _, tc := range []struct {
		name string
		c    simulate.Cluster
		want []string
	}{
		{"shop", shop(), []string{"shop/api shop/cache"}},
		{"two loops", c, []string{"shop/admin shop/api shop/cache shop/db shop/web"}},
		{"no loop", simulate.Cluster{Pods: shop().Pods[:1]}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, compile(t, tc.c), graph.Outside())
			if diff := cmp.Diff(tc.want, groups(graph.StronglyConnected(g))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelfTrafficOff(t *testing.T) {
	// Without self traffic a pod does not reach itself; the graph never had
	// self loops, so nothing changes.
	a := build(t, compile(t, shop()))
	b := build(t, compile(t, shop(), simulate.SelfTraffic(false)))
	if diff := cmp.Diff(edges(a), edges(b)); diff != "" {
		t.Errorf("(-self traffic +no self traffic):\n%s", diff)
	}
}

func TestEmpty(t *testing.T) {
	g := build(t, compile(t, simulate.Cluster{}), graph.Outside(), graph.ByWorkload())
	if g.Nodes().Len() != 1 || len(g.Edges()) != 0 {
		t.Errorf("empty cluster: %d nodes, edges %v", g.Nodes().Len(), edges(g))
	}
	if r := graph.Reach(g, g.Outside(), -1); r.Len() != 0 {
		t.Errorf("reach in an empty cluster: %v", r.Nodes())
	}
	if _, err := graph.DOT(g); err != nil {
		t.Error(err)
	}
	g = build(t, compile(t, simulate.Cluster{}))
	if g.Nodes().Len() != 0 || g.Nodes().Next() {
		t.Error("the graph of no pods has nodes")
	}
}
