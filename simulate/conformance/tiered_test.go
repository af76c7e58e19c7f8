package conformance_test

// Tiered cluster policies on the model of the upstream ClusterNetworkPolicy
// conformance suite (sigs.k8s.io/network-policy-api v0.3.0, conformance/):
// four house namespaces with two server pods each and a namespace with
// hostNetwork pods. The expectations of the upstream tests that can be
// checked from manifests are transcribed step by step, including the steps
// that patch a policy's priority or a rule's action; where the upstream
// test probes a few pairs, every pair of house pods is asserted, each
// expected value derived from the semantics in the comments.
//
// Transcribed (here, in tiered_rules_test.go and in tiered_gress_test.go):
// CNPAdminTierPriorityField, CNPAdminTierIntegration, the twelve
// per-protocol rule tests (CNP{Admin,Baseline}Tier{Ingress,Egress}{TCP,UDP,SCTP}),
// the four named-port tests, CNP{Admin,Baseline}TierEgressInlineCIDRPeers
// (with the namespace relabelling steps), CNP{Admin,Baseline}TierEgressNodePeers
// (with host ports of our choosing: the suite takes them as parameters) and
// CNP{Admin,Baseline}TierGress (one policy with ingress and egress rules
// across protocols, with the steps that reorder both directions at once).

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

var houses = []string{"gryffindor", "slytherin", "hufflepuff", "ravenclaw"}

// houseNs returns the namespace of a house.
func houseNs(house string) string { return "network-policy-conformance-" + house }

var housePods = map[string]string{"gryffindor": "harry-potter", "slytherin": "draco-malfoy", "hufflepuff": "cedric-diggory", "ravenclaw": "luna-lovegood"}

// houseModel returns the upstream model: each house namespace labelled
// conformance-house=<house> with two pods <name>-0 and <name>-1 of the same
// label, serving web (80/TCP), dns (53/UDP), 8080/TCP, 5353/UDP, 9003 and
// 9005/SCTP.
func houseModel() simulate.Cluster {
	var c simulate.Cluster
	for hi, h := range houses {
		c.Namespaces = append(c.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: houseNs(h), Labels: map[string]string{"conformance-house": h}}})
		for i := range 2 {
			p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: houseNs(h), Name: fmt.Sprintf("%s-%d", housePods[h], i), Labels: map[string]string{"conformance-house": h}}}
			p.Spec.Containers = []corev1.Container{{Name: "server", Ports: []corev1.ContainerPort{
				{Name: "web", ContainerPort: 80, Protocol: protoTCP}, {Name: "dns", ContainerPort: 53, Protocol: protoUDP},
				{ContainerPort: 8080, Protocol: protoTCP}, {ContainerPort: 5353, Protocol: protoUDP},
				{ContainerPort: 9003, Protocol: protoSCTP}, {ContainerPort: 9005, Protocol: protoSCTP},
			}}}
			p.Status.PodIP = fmt.Sprintf("10.1.%d.%d", hi, i+1)
			c.Pods = append(c.Pods, p)
		}
	}
	return c
}

func houseSel(h string) metav1.LabelSelector {
	return metav1.LabelSelector{MatchLabels: map[string]string{"conformance-house": h}}
}

func housePodsPeer(h string) *v1beta1.NamespacedPod {
	return &v1beta1.NamespacedPod{NamespaceSelector: houseSel(h), PodSelector: houseSel(h)}
}

// tierStep is one step of an upstream test: change the cluster, then every
// pair of house pods on each port must be allowed iff want says so (wantAt,
// when set, instead of want: per port).
type tierStep struct {
	name   string
	change func(*simulate.Cluster)
	ports  []simulate.PortSpec
	want   func(fromHouse, toHouse string) bool
	wantAt func(fromHouse, toHouse string, port simulate.PortSpec) bool
	// wantPod, when set, decides instead: from the pod (i of fromHouse) to
	// the pod (1-i of toHouse).
	wantPod func(from, to simulate.PodID, port simulate.PortSpec) bool
}

func runTierSteps(t *testing.T, c simulate.Cluster, steps []tierStep) {
	t.Helper()
	for _, s := range steps {
		if s.change != nil {
			s.change(&c)
		}
		m, err := simulate.Compile(c)
		if err != nil {
			t.Fatalf("%s: Compile: %v", s.name, err)
		}
		for _, from := range houses {
			for _, to := range houses {
				for _, port := range s.ports {
					for i := range 2 {
						src := simulate.Pod(houseNs(from), fmt.Sprintf("%s-%d", housePods[from], i))
						dst := simulate.Pod(houseNs(to), fmt.Sprintf("%s-%d", housePods[to], 1-i))
						v, err := m.Check(src, dst, port)
						if err != nil {
							t.Fatalf("%s: %v", s.name, err)
						}
						var want bool
						switch {
						case s.wantPod != nil:
							want = s.wantPod(simulate.PodID{Namespace: houseNs(from), Name: fmt.Sprintf("%s-%d", housePods[from], i)},
								simulate.PodID{Namespace: houseNs(to), Name: fmt.Sprintf("%s-%d", housePods[to], 1-i)}, port)
						case s.wantAt != nil:
							want = s.wantAt(from, to, port)
						default:
							want = s.want(from, to)
						}
						if v.Allowed != want {
							t.Errorf("%s: %s → %s on %s: got %v, want %v\n%v", s.name, src, dst, port, v.Allowed, want, v)
						}
					}
				}
			}
		}
	}
}

// TestTierPriorityField transcribes CNPAdminTierPriorityField: an Admin
// Deny at priority 50 between gryffindor and slytherin wins over a Pass at
// priority 60; once the Pass is patched to priority 40 it comes first, no
// NetworkPolicy selects the pods, and the Baseline Accept decides.
func TestTierPriorityField(t *testing.T) {
	gs := func(from, to string) bool {
		return (from == "gryffindor" && to == "slytherin") || (from == "slytherin" && to == "gryffindor")
	}
	policy := func(name string, tier v1beta1.Tier, prio int32, action v1beta1.ClusterNetworkPolicyRuleAction) v1beta1.ClusterNetworkPolicy {
		p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}
		p.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: tier, Priority: prio,
			Subject: v1beta1.ClusterNetworkPolicySubject{Pods: housePodsPeer("gryffindor")},
			Ingress: []v1beta1.ClusterNetworkPolicyIngressRule{{Action: action, From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Pods: housePodsPeer("slytherin")}}}},
			Egress:  []v1beta1.ClusterNetworkPolicyEgressRule{{Action: action, To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: housePodsPeer("slytherin")}}}},
		}
		return p
	}
	c := houseModel()
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{
		policy("priority-50", v1beta1.AdminTier, 50, "Deny"),
		policy("priority-60-then-40", v1beta1.AdminTier, 60, "Pass"),
		policy("default", v1beta1.BaselineTier, 10, "Accept"),
	}
	ports := []simulate.PortSpec{simulate.TCP(80), simulate.TCP(8080), simulate.UDP(53)}
	runTierSteps(t, c, []tierStep{
		{name: "deny at 50 before pass at 60", ports: ports, want: func(f, to string) bool { return !gs(f, to) }},
		{name: "pass patched to 40", ports: ports, change: func(c *simulate.Cluster) {
			c.ClusterNetworkPolicies[1].Spec.Priority = 40
		}, want: func(string, string) bool { return true }},
	})
}

// TestTierIntegration transcribes CNPIntegration (admin CNP, NetworkPolicy
// and baseline CNP together): an Admin Deny between gryffindor and
// slytherin; patched to Pass, the NetworkPolicy of gryffindor that allows
// slytherin both ways decides (and, isolating gryffindor, denies the other
// houses); with that NetworkPolicy deleted, the Baseline Deny decides.
func TestTierIntegration(t *testing.T) {
	ns := func(h string) *metav1.LabelSelector { s := houseSel(h); return &s }
	c := houseModel()
	admin := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "pass-example"}}
	admin.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: v1beta1.AdminTier, Priority: 10,
		Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: ns("gryffindor")},
		Ingress: []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: ns("slytherin")}}}},
		Egress:  []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: ns("slytherin")}}}},
	}
	baseline := *admin.DeepCopy()
	baseline.Name, baseline.Spec.Tier = "default", v1beta1.BaselineTier
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{admin, baseline}
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: houseNs("gryffindor"), Name: "allow-gress-from-to-slytherin-to-gryffindor"}}
	np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: ns("slytherin")}}}}
	np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: ns("slytherin")}}}}
	c.NetworkPolicies = []networkingv1.NetworkPolicy{np}

	g := "gryffindor"
	gs := func(from, to string) bool {
		return (from == g && to == "slytherin") || (from == "slytherin" && to == g)
	}
	ports := []simulate.PortSpec{simulate.TCP(80), simulate.TCP(8080)}
	runTierSteps(t, c, []tierStep{
		{name: "admin deny", ports: ports, want: func(f, to string) bool {
			// gryffindor ↔ slytherin: the Admin Deny; gryffindor with the
			// other houses: its NetworkPolicy allows only slytherin.
			return f != g && to != g
		}},
		{name: "ingress rule patched to Pass", ports: ports, change: func(c *simulate.Cluster) {
			c.ClusterNetworkPolicies[0].Spec.Ingress[0].Action = "Pass"
		}, want: func(f, to string) bool {
			// slytherin → gryffindor: passed, the NetworkPolicy allows
			// ingress, slytherin's egress is not isolated. gryffindor →
			// slytherin: egress still denied by the Admin tier.
			return f != g && to != g || f == "slytherin" && to == g
		}},
		{name: "egress rule patched to Pass", ports: ports, change: func(c *simulate.Cluster) {
			c.ClusterNetworkPolicies[0].Spec.Egress[0].Action = "Pass"
		}, want: func(f, to string) bool { return f != g && to != g || gs(f, to) }},
		{name: "NetworkPolicy deleted: the Baseline Deny decides", ports: ports, change: func(c *simulate.Cluster) {
			c.NetworkPolicies = nil
		}, want: func(f, to string) bool { return !gs(f, to) }},
	})
}
