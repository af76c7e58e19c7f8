package simulate

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// isolationCluster: namespace a with web (serving http as TCP/8080) and db
// (serving http as TCP/9090), and a hostNetwork agent on node-1.
func isolationCluster() Cluster {
	var c Cluster
	c.Pods = []corev1.Pod{
		mkPod("a", "web", "10.0.0.1", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080)),
		mkPod("a", "db", "10.0.0.2", map[string]string{"app": "db"}, cport("http", corev1.ProtocolTCP, 9090)),
	}
	host := mkPod("a", "agent", "172.16.0.1", map[string]string{"app": "agent"})
	host.Spec.HostNetwork, host.Spec.NodeName = true, "node-1"
	c.Pods = append(c.Pods, host)
	node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}}
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.16.0.1"}}
	c.Nodes = []corev1.Node{node}
	return c
}

func anyNs() []v1beta1.ClusterNetworkPolicyIngressPeer {
	return []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}
}

func anyNsTo() []v1beta1.ClusterNetworkPolicyEgressPeer {
	return []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: &metav1.LabelSelector{}}}
}

func tcpRange(lo, hi int32) v1beta1.ClusterNetworkPolicyProtocol {
	return v1beta1.ClusterNetworkPolicyProtocol{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1beta1.Port{Range: &v1beta1.PortRange{Start: lo, End: hi}}}}
}

// TestLeftToDefaultCases pins LeftToDefault on small clusters: which remote
// pods some connection is left to the default with.
func TestLeftToDefaultCases(t *testing.T) {
	all := []string{"a/agent", "a/db", "a/web"}
	for _, tc := range []struct {
		name    string
		cnps    []v1beta1.ClusterNetworkPolicy
		nps     []networkingv1.NetworkPolicy
		opts    []Option
		pod     string
		dir     Direction
		want    []string
		wantErr bool
	}{
		{name: "no policy", pod: "web", dir: Ingress, want: all},
		{name: "admin deny of every namespace: the hostNetwork pod is no pod to it", pod: "web", dir: Ingress, want: []string{"a/agent"},
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: anyNs()}}
			})}},
		{name: "hostNetwork pods as pods: matched by namespaces", pod: "web", dir: Ingress, want: nil, opts: []Option{HostNetworkPods(HostNetworkAsPod)},
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: anyNs()}}
			})}},
		{name: "hostNetwork pod as its node: no subject", pod: "agent", dir: Egress, want: all,
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: anyNsTo()}}
			})}},
		{name: "hostNetwork pod as a pod: a subject", pod: "agent", dir: Egress, want: []string{"a/agent"}, opts: []Option{HostNetworkPods(HostNetworkAsPod)},
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"agent"}}}}}}}}}
			})}},
		{name: "a Pass before the deny leaves it to the default", pod: "web", dir: Ingress, want: all,
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Pass", From: anyNs()}, {Action: "Deny", From: anyNs()}}
			})}},
		{name: "a Pass, then a Baseline deny", pod: "web", dir: Ingress, want: []string{"a/agent"},
			cnps: []v1beta1.ClusterNetworkPolicy{
				cnp("pass", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
					s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Pass", From: anyNs()}}
				}),
				cnp("default-deny", v1beta1.BaselineTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
					s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: anyNs()}}
				}),
			}},
		{name: "a Baseline Pass is the default", pod: "web", dir: Ingress, want: all,
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("default", v1beta1.BaselineTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Pass", From: anyNs()}, {Action: "Deny", From: anyNs()}}
			})}},
		{name: "a NetworkPolicy decides everything", pod: "web", dir: Ingress, want: nil,
			nps: []networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "np"}}}},
		{name: "a NetworkPolicy for the other direction", pod: "web", dir: Egress, want: all,
			nps: []networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "np"}}}},
		{name: "a deny of some ports leaves the others", pod: "web", dir: Ingress, want: all,
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: anyNs(), Protocols: []v1beta1.ClusterNetworkPolicyProtocol{tcpRange(1, 1000)}}}
			})}},
		{name: "egress named port resolves at the peer", pod: "web", dir: Egress, want: []string{"a/agent", "a/web"},
			cnps: []v1beta1.ClusterNetworkPolicy{cnp("deny", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{
					{Action: "Deny", To: anyNsTo(), Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "http"}}},
					{Action: "Deny", To: anyNsTo(), Protocols: []v1beta1.ClusterNetworkPolicyProtocol{
						tcpRange(1, 9089), tcpRange(9091, 65535),
						{UDP: &v1beta1.ClusterNetworkPolicyProtocolUDP{DestinationPort: &v1beta1.Port{Range: &v1beta1.PortRange{Start: 1, End: 65535}}}},
						{SCTP: &v1beta1.ClusterNetworkPolicyProtocolSCTP{DestinationPort: &v1beta1.Port{Range: &v1beta1.PortRange{Start: 1, End: 65535}}}},
					}},
				}
			})}},
		{name: "unknown pod", pod: "ghost", dir: Ingress, wantErr: true},
		{name: "no direction", pod: "web", dir: 0, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := isolationCluster()
			c.ClusterNetworkPolicies, c.NetworkPolicies = tc.cnps, tc.nps
			m, err := Compile(c, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.LeftToDefault(PodID{"a", tc.pod}, tc.dir)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want one: %v", err, tc.wantErr)
			}
			var names []string
			for cl := range got.All() {
				for _, id := range m.Classes()[cl].Pods {
					names = append(names, id.String())
				}
			}
			slices.Sort(names)
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("LeftToDefault (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTierNodesPeerHostNetworkAsPod: with HostNetworkAsPod a hostNetwork
// pod is a pod, which a nodes peer does not match (it matches the node's
// address, asked as an address); with HostNetworkAsNode the pod is its
// node and the nodes peer matches it.
func TestTierNodesPeerHostNetworkAsPod(t *testing.T) {
	c := isolationCluster()
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{cnp("deny-nodes", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
		s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Nodes: &metav1.LabelSelector{}}}}}
	})}
	for _, tc := range []struct {
		mode      HostNetworkMode
		to        Endpoint
		wantPodTo bool
	}{
		{HostNetworkAsNode, Pod("a", "agent"), false},
		{HostNetworkAsPod, Pod("a", "agent"), true},
		{HostNetworkAsNode, IP(netip.MustParseAddr("172.16.0.1")), false},
		{HostNetworkAsPod, IP(netip.MustParseAddr("172.16.0.1")), false},
	} {
		m, err := Compile(c, HostNetworkPods(tc.mode))
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.Check(Pod("a", "web"), tc.to, TCP(80))
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed != tc.wantPodTo {
			t.Errorf("%s: web → %v: allowed %v, want %v: %v", tc.mode, tc.to, v.Allowed, tc.wantPodTo, v)
		}
	}
}
