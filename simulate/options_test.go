package simulate

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkCase is one Check and the sentence its verdict should read.
type checkCase struct {
	from, to Endpoint
	port     PortSpec
	allowed  bool
	want     string
}

func runChecks(t *testing.T, m *Model, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		v, err := m.Check(c.from, c.to, c.port)
		if err != nil {
			t.Errorf("Check(%s, %s, %s): %v", c.from, c.to, c.port, err)
			continue
		}
		if v.Allowed != c.allowed {
			t.Errorf("Check(%s, %s, %s).Allowed = %v, want %v", c.from, c.to, c.port, v.Allowed, c.allowed)
		}
		if diff := cmp.Diff(c.want, v.String()); diff != "" {
			t.Errorf("Check(%s, %s, %s).String() (-want +got):\n%s", c.from, c.to, c.port, diff)
		}
	}
}

func addrOf(s string) Endpoint { return IP(netip.MustParseAddr(s)) }

func ipBlockPeer(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

func onNode(p corev1.Pod, node string) corev1.Pod {
	p.Spec.NodeName = node
	return p
}

func withHostNetwork(p corev1.Pod) corev1.Pod {
	p.Spec.HostNetwork = true
	return p
}

func mkNode(name string, addrs ...corev1.NodeAddress) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	n.Status.Addresses = addrs
	return n
}

// ipBlockCluster: db accepts TCP/5432 from 10.0.0.0/24 only; api sends
// only to 10.0.0.0/24. Both pods are inside the block.
func ipBlockCluster() Cluster {
	return Cluster{
		Pods: []corev1.Pod{
			mkPod("shop", "api-0", "10.0.0.20", map[string]string{"app": "api"}),
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "db-from-block", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{ipBlockPeer("10.0.0.0/24")},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromInt32(5432))},
				}}
			}),
			mkPolicy("shop", "api-to-block", map[string]string{"app": "api"}, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
				s.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{ipBlockPeer("10.0.0.0/24")}}}
			}),
		},
	}
}

func TestIPBlockMatchesPods(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		m := mustCompile(t, ipBlockCluster())
		runChecks(t, m, []checkCase{
			{Pod("shop", "api-0"), Pod("shop", "db-0"), TCP(5432), true,
				"allowed: shop/api-0 → shop/db-0 on TCP/5432: egress allowed by shop/api-to-block egress[0]; ingress allowed by shop/db-from-block ingress[0]"},
			{addrOf("10.0.0.99"), Pod("shop", "db-0"), TCP(5432), true,
				"allowed: 10.0.0.99 → shop/db-0 on TCP/5432: 10.0.0.99 is outside the cluster; ingress allowed by shop/db-from-block ingress[0]"},
			{addrOf("10.0.1.99"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/db-0 is isolated for ingress by shop/db-from-block; no ingress rule allows 10.0.1.99 on TCP/5432"},
		})
		if diff := cmp.Diff("TCP/5432", mustPorts(m.Matrix().Ports(PodID{"shop", "api-0"}, PodID{"shop", "db-0"})).String()); diff != "" {
			t.Errorf("Ports(api-0, db-0) (-want +got):\n%s", diff)
		}
	})
	t.Run("false", func(t *testing.T) {
		m := mustCompile(t, ipBlockCluster(), IPBlockMatchesPods(false))
		runChecks(t, m, []checkCase{
			{Pod("shop", "api-0"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/api-0 is isolated for egress by shop/api-to-block; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db-from-block; no ingress rule allows shop/api-0 on TCP/5432"},
			// The pod's own address stands for the pod.
			{addrOf("10.0.0.20"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/api-0 is isolated for egress by shop/api-to-block; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db-from-block; no ingress rule allows 10.0.0.20 on TCP/5432"},
			{addrOf("10.0.0.99"), Pod("shop", "db-0"), TCP(5432), true,
				"allowed: 10.0.0.99 → shop/db-0 on TCP/5432: 10.0.0.99 is outside the cluster; ingress allowed by shop/db-from-block ingress[0]"},
			{Pod("shop", "api-0"), addrOf("10.0.0.99"), TCP(80), true,
				"allowed: shop/api-0 → 10.0.0.99 on TCP/80: egress allowed by shop/api-to-block egress[0]; 10.0.0.99 is outside the cluster"},
		})
		if diff := cmp.Diff("none", mustPorts(m.Matrix().Ports(PodID{"shop", "api-0"}, PodID{"shop", "db-0"})).String()); diff != "" {
			t.Errorf("Ports(api-0, db-0) (-want +got):\n%s", diff)
		}
	})
}

// selfCluster: db is isolated for ingress with no rule; api is isolated for
// ingress and accepts TCP/9090 from api pods; web is not isolated.
func selfCluster() Cluster {
	return Cluster{
		Pods: []corev1.Pod{
			mkPod("shop", "api-0", "10.0.0.20", map[string]string{"app": "api"}),
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}),
			mkPod("shop", "web-0", "10.0.0.40", map[string]string{"app": "web"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "db-deny", map[string]string{"app": "db"}, nil),
			mkPolicy("shop", "api-self", map[string]string{"app": "api"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "api"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromInt32(9090))},
				}}
			}),
		},
	}
}

func TestSelfTraffic(t *testing.T) {
	db, api, web := PodID{"shop", "db-0"}, PodID{"shop", "api-0"}, PodID{"shop", "web-0"}
	t.Run("default", func(t *testing.T) {
		m := mustCompile(t, selfCluster())
		runChecks(t, m, []checkCase{
			{Pod("shop", "db-0"), Pod("shop", "db-0"), TCP(5432), true,
				"allowed: shop/db-0 → itself on TCP/5432: a pod may always reach itself"},
			{addrOf("10.0.0.30"), Pod("shop", "db-0"), UDP(53), true,
				"allowed: 10.0.0.30 → itself on UDP/53: a pod may always reach itself"},
		})
		for _, id := range []PodID{db, api, web} {
			if got := mustPorts(m.Matrix().Ports(id, id)); !got.IsAll() {
				t.Errorf("Ports(%s, %s) = %s, want all", id, id, got)
			}
		}
	})
	t.Run("false", func(t *testing.T) {
		m := mustCompile(t, selfCluster(), SelfTraffic(false))
		runChecks(t, m, []checkCase{
			{Pod("shop", "db-0"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/db-0 is isolated for ingress by shop/db-deny; no ingress rule allows shop/db-0 on TCP/5432"},
			{Pod("shop", "api-0"), Pod("shop", "api-0"), TCP(9090), true,
				"allowed: shop/api-0 → shop/api-0 on TCP/9090: shop/api-0 is not isolated for egress; ingress allowed by shop/api-self ingress[0]"},
			{Pod("shop", "api-0"), Pod("shop", "api-0"), TCP(9091), false,
				"denied: shop/api-0 is isolated for ingress by shop/api-self; no ingress rule allows shop/api-0 on TCP/9091"},
			{Pod("shop", "web-0"), Pod("shop", "web-0"), TCP(80), true,
				"allowed: shop/web-0 → shop/web-0 on TCP/80: shop/web-0 is not isolated for egress; shop/web-0 is not isolated for ingress"},
		})
		for _, c := range []struct {
			id   PodID
			want string
		}{{db, "none"}, {api, "TCP/9090"}, {web, "all"}} {
			if diff := cmp.Diff(c.want, mustPorts(m.Matrix().Ports(c.id, c.id)).String()); diff != "" {
				t.Errorf("Ports(%s, %s) (-want +got):\n%s", c.id, c.id, diff)
			}
		}
	})
}

// nodeCluster: everything in shop is denied ingress; db-0 runs on node-1,
// api-0 on node-2, batch-0 is not scheduled.
func nodeCluster() Cluster {
	return Cluster{
		Pods: []corev1.Pod{
			onNode(mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}), "node-1"),
			onNode(mkPod("shop", "api-0", "10.0.0.20", map[string]string{"app": "api"}), "node-2"),
			mkPod("shop", "batch-0", "10.0.0.50", map[string]string{"app": "batch"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("shop", "default-deny", nil, nil)},
		Nodes: []corev1.Node{
			mkNode("node-1",
				corev1.NodeAddress{Type: corev1.NodeHostName, Address: "node-1"},
				corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "192.168.1.5"}),
			mkNode("node-2", corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "192.168.1.6"}),
		},
	}
}

func TestNodeTraffic(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		m := mustCompile(t, nodeCluster())
		runChecks(t, m, []checkCase{
			{addrOf("192.168.1.5"), Pod("shop", "db-0"), TCP(5432), true,
				"allowed: 192.168.1.5 → shop/db-0 on TCP/5432: 192.168.1.5 is an address of the pod's node, and a node may always reach its own pods"},
			{addrOf("192.168.1.6"), Pod("shop", "api-0"), PortSpec{Protocol: tcp, Start: 1, End: 65535}, true,
				"allowed: 192.168.1.6 → shop/api-0 on TCP/1-65535: 192.168.1.6 is an address of the pod's node, and a node may always reach its own pods"},
			// Another node's address is an address like any other.
			{addrOf("192.168.1.6"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/db-0 is isolated for ingress by shop/default-deny; no ingress rule allows 192.168.1.6 on TCP/5432"},
			{addrOf("192.168.1.5"), Pod("shop", "batch-0"), TCP(80), false,
				"denied: shop/batch-0 is isolated for ingress by shop/default-deny; no ingress rule allows 192.168.1.5 on TCP/80"},
		})
	})
	t.Run("false", func(t *testing.T) {
		m := mustCompile(t, nodeCluster(), NodeTraffic(false))
		runChecks(t, m, []checkCase{
			{addrOf("192.168.1.5"), Pod("shop", "db-0"), TCP(5432), false,
				"denied: shop/db-0 is isolated for ingress by shop/default-deny; no ingress rule allows 192.168.1.5 on TCP/5432"},
			{addrOf("192.168.1.6"), Pod("shop", "api-0"), TCP(80), false,
				"denied: shop/api-0 is isolated for ingress by shop/default-deny; no ingress rule allows 192.168.1.6 on TCP/80"},
		})
	})
}

// hostCluster: agent is a hostNetwork pod (with its node's address) that
// every policy of shop would select; db accepts TCP/5432 from pods labelled
// app=agent and TCP/6000 from the nodes' block.
func hostCluster() Cluster {
	return Cluster{
		Pods: []corev1.Pod{
			withHostNetwork(onNode(mkPod("shop", "agent", "192.168.1.5", map[string]string{"app": "agent"}), "node-1")),
			// A second hostNetwork pod on the same node shares the address.
			withHostNetwork(onNode(mkPod("shop", "agent-b", "192.168.1.5", map[string]string{"app": "agent"}), "node-1")),
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "default-deny", nil, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			}),
			mkPolicy("shop", "agent-egress-deny", map[string]string{"app": "agent"}, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
			}),
			mkPolicy("shop", "db-from-agent-label", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "agent"})}, {NamespaceSelector: &metav1.LabelSelector{}}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromInt32(5432))},
				}}
			}),
			mkPolicy("shop", "db-from-nodes", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{ipBlockPeer("192.168.1.0/24")},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromInt32(6000))},
				}}
			}),
		},
	}
}

func TestHostNetworkPods(t *testing.T) {
	m := mustCompile(t, hostCluster())
	runChecks(t, m, []checkCase{
		// Selected by default-deny and agent-egress-deny, but not isolated.
		{Pod("shop", "db-0"), Pod("shop", "agent"), TCP(80), true,
			"allowed: shop/db-0 → shop/agent on TCP/80: shop/db-0 is not isolated for egress; shop/agent is not isolated for ingress"},
		{Pod("shop", "agent-b"), Pod("shop", "agent"), TCP(80), true,
			"allowed: shop/agent-b → shop/agent on TCP/80: shop/agent-b uses the host network of the pod's node, and a node may always reach its own pods"},
		// Neither app=agent nor namespaceSelector {} matches it.
		{Pod("shop", "agent"), Pod("shop", "db-0"), TCP(5432), false,
			"denied: shop/db-0 is isolated for ingress by shop/db-from-agent-label, shop/db-from-nodes, shop/default-deny; no ingress rule allows shop/agent on TCP/5432"},
		// An ipBlock holding its address does.
		{Pod("shop", "agent"), Pod("shop", "db-0"), TCP(6000), true,
			"allowed: shop/agent → shop/db-0 on TCP/6000: shop/agent is not isolated for egress; ingress allowed by shop/db-from-nodes ingress[0]"},
		// Its address is not a pod address: it is outside the cluster.
		{addrOf("192.168.1.5"), Pod("shop", "db-0"), TCP(6000), true,
			"allowed: 192.168.1.5 → shop/db-0 on TCP/6000: 192.168.1.5 is outside the cluster; ingress allowed by shop/db-from-nodes ingress[0]"},
	})
	v, err := m.Check(Pod("shop", "db-0"), Pod("shop", "agent"), TCP(80))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Side{Pod: PodID{"shop", "agent"}, Allowed: true}, v.Ingress()); diff != "" {
		t.Errorf("Ingress() (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		from, to PodID
		want     string
	}{
		{PodID{"shop", "agent"}, PodID{"shop", "db-0"}, "TCP/6000"},
		{PodID{"shop", "db-0"}, PodID{"shop", "agent"}, "all"},
		{PodID{"shop", "agent"}, PodID{"shop", "agent-b"}, "all"},
	} {
		if diff := cmp.Diff(c.want, mustPorts(m.Matrix().Ports(c.from, c.to)).String()); diff != "" {
			t.Errorf("Ports(%s, %s) (-want +got):\n%s", c.from, c.to, diff)
		}
	}

	// Some CNIs do not let ipBlocks match pods; hostNetwork pods included.
	m = mustCompile(t, hostCluster(), IPBlockMatchesPods(false))
	runChecks(t, m, []checkCase{
		{Pod("shop", "agent"), Pod("shop", "db-0"), TCP(6000), false,
			"denied: shop/db-0 is isolated for ingress by shop/db-from-agent-label, shop/db-from-nodes, shop/default-deny; no ingress rule allows shop/agent on TCP/6000"},
	})
}

// TestHostNetworkNodeTrafficMatrix: the matrix (and Diff, which caches by
// class) agree with Check that a hostNetwork pod reaches every pod of its
// own node, and only of its own node, while two pods that differ only by
// node are told apart.
func TestHostNetworkNodeTrafficMatrix(t *testing.T) {
	c := hostCluster()
	c.Pods[2] = onNode(c.Pods[2], "node-1")
	c.Pods = append(c.Pods, onNode(mkPod("shop", "db-1", "10.0.0.31", map[string]string{"app": "db"}), "node-2"))
	for _, tc := range []struct {
		opts       []Option
		db0, db1   string
		db0Allowed bool
	}{
		{nil, "all", "TCP/6000", true},
		{[]Option{NodeTraffic(false)}, "TCP/6000", "TCP/6000", false},
	} {
		m := mustCompile(t, c, tc.opts...)
		for _, cell := range []struct {
			to   PodID
			want string
		}{{PodID{"shop", "db-0"}, tc.db0}, {PodID{"shop", "db-1"}, tc.db1}} {
			if got := mustPorts(m.Matrix().Ports(PodID{"shop", "agent"}, cell.to)).String(); got != cell.want {
				t.Errorf("%d options: Ports(shop/agent, %s) = %s, want %s", len(tc.opts), cell.to, got, cell.want)
			}
		}
		v, err := m.Check(Pod("shop", "agent"), Pod("shop", "db-0"), TCP(80))
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed != tc.db0Allowed {
			t.Errorf("%d options: Check(shop/agent, shop/db-0, TCP/80) = %v", len(tc.opts), v)
		}
		// Moving db-1 to node-1 changes the cells of the agents (both on node-1) to db-1 alone
		// (with node traffic exempt), which Diff, comparing class by class,
		// must see.
		moved := c
		moved.Pods = append([]corev1.Pod(nil), c.Pods...)
		moved.Pods[3] = onNode(c.Pods[3], "node-1")
		d := Diff(m, mustCompile(t, moved, tc.opts...))
		changed := len(d.Changed) == 2 && d.Changed[0].From == (PodID{"shop", "agent"}) && d.Changed[1].From == (PodID{"shop", "agent-b"}) &&
			d.Changed[0].To == (PodID{"shop", "db-1"}) && d.Changed[1].To == (PodID{"shop", "db-1"})
		if tc.db0Allowed != changed || len(d.Added)+len(d.Removed) != 0 || !tc.db0Allowed && len(d.Changed) != 0 {
			t.Errorf("%d options: Diff after moving db-1 to node-1 = %+v", len(tc.opts), d)
		}
	}
}
