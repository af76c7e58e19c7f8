package conformance_test

// The combined ingress-and-egress tests of the upstream ClusterNetworkPolicy
// conformance suite, CNPAdminTierGress and CNPBaselineTierGress. One policy
// selects gryffindor's namespace and holds the same list of rules twice,
// once for its egress and once for its ingress, each rule on a remote
// house's namespace:
//
//   - ravenclaw: Accept, then Deny, then (Admin tier only) Pass, all ports;
//   - slytherin: Deny, then (Admin tier only) Pass, on TCP/80, UDP/53 and
//     SCTP/9003 (three protocols in one rule);
//   - hufflepuff: Accept on three ports (egress TCP/8080, UDP/5353,
//     SCTP/9003; ingress TCP/80, UDP/5353, SCTP/9003), then Deny of
//     everything else.
//
// The steps patch both directions at once, one after another on the same
// object: swap rules 0 and 1 (the Deny of ravenclaw comes first), then
// (Admin tier) swap rules 0 and 2 (the Pass of ravenclaw comes first) and
// rules 3 and 4 (the Pass of slytherin's ports comes first). No
// NetworkPolicy and no other cluster policy exists, so a Pass ends in the
// default: allowed. The upstream test probes one direction of a few pairs
// per step; here every pair of house pods is asserted on every served
// port, in both directions, so each step also checks that the egress rules
// never judge gryffindor's ingress and the reverse.
//
// Every upstream expectation of these two tests is checked: they probe pod
// to pod traffic on declared ports only.

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// gressDenied are the ports of the rules on slytherin.
var gressDenied = []simulate.PortSpec{simulate.TCP(80), simulate.UDP(53), simulate.SCTP(9003)}

// gressRule is one rule of the combined policy before it is written in
// the API's types.
type gressRule struct {
	action v1beta1.ClusterNetworkPolicyRuleAction
	house  string
	ports  []simulate.PortSpec // nil: every port
}

// gressRules returns one direction's rules as the upstream manifest orders
// them, accepting hufflepuff on accept.
func gressRules(tier v1beta1.Tier, accept []simulate.PortSpec) []gressRule {
	rules := []gressRule{{"Accept", "ravenclaw", nil}, {"Deny", "ravenclaw", nil}}
	if tier == v1beta1.AdminTier {
		rules = append(rules, gressRule{"Pass", "ravenclaw", nil})
	}
	rules = append(rules, gressRule{"Deny", "slytherin", gressDenied})
	if tier == v1beta1.AdminTier {
		rules = append(rules, gressRule{"Pass", "slytherin", gressDenied})
	}
	return append(rules, gressRule{"Accept", "hufflepuff", accept}, gressRule{"Deny", "hufflepuff", nil})
}

// gressPolicy writes the combined policy of a tier as the upstream
// manifest does.
func gressPolicy(name string, tier v1beta1.Tier, priority int32, egressAccept, ingressAccept []simulate.PortSpec) v1beta1.ClusterNetworkPolicy {
	ns := func(house string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: houseNs(house)}}
	}
	protocols := func(ports []simulate.PortSpec) []v1beta1.ClusterNetworkPolicyProtocol {
		var protos []v1beta1.ClusterNetworkPolicyProtocol
		for _, p := range ports {
			protos = append(protos, protocolOf(p))
		}
		return protos
	}
	p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}
	p.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: tier, Priority: priority, Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: ns("gryffindor")}}
	for _, r := range gressRules(tier, egressAccept) {
		p.Spec.Egress = append(p.Spec.Egress, v1beta1.ClusterNetworkPolicyEgressRule{Action: r.action, Protocols: protocols(r.ports),
			To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: ns(r.house)}}})
	}
	for _, r := range gressRules(tier, ingressAccept) {
		p.Spec.Ingress = append(p.Spec.Ingress, v1beta1.ClusterNetworkPolicyIngressRule{Action: r.action, Protocols: protocols(r.ports),
			From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: ns(r.house)}}})
	}
	return p
}

// swapGress swaps rules i and j of both directions, as the upstream
// patches do.
func swapGress(c *simulate.Cluster, i, j int) {
	p := &c.ClusterNetworkPolicies[0].Spec
	p.Egress[i], p.Egress[j] = p.Egress[j], p.Egress[i]
	p.Ingress[i], p.Ingress[j] = p.Ingress[j], p.Ingress[i]
}

// TestTierGress transcribes CNPAdminTierGress and CNPBaselineTierGress
// step by step.
func TestTierGress(t *testing.T) {
	for _, tc := range []struct {
		test, name                  string
		tier                        v1beta1.Tier
		priority                    int32
		egressAccept, ingressAccept []simulate.PortSpec
	}{
		{"CNPAdminTierGress", "gress-rules", v1beta1.AdminTier, 15,
			[]simulate.PortSpec{simulate.TCP(8080), simulate.UDP(5353), simulate.SCTP(9003)},
			[]simulate.PortSpec{simulate.TCP(80), simulate.UDP(5353), simulate.SCTP(9003)}},
		// The Baseline manifest's egress Accept of hufflepuff is named
		// for 8080 and 5353 only, but its ports hold SCTP/9003 too.
		{"CNPBaselineTierGress", "default", v1beta1.BaselineTier, 10,
			[]simulate.PortSpec{simulate.TCP(8080), simulate.UDP(5353), simulate.SCTP(9003)},
			[]simulate.PortSpec{simulate.TCP(80), simulate.UDP(5353), simulate.SCTP(9003)}},
	} {
		t.Run(tc.test, func(t *testing.T) {
			c := houseModel()
			c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{gressPolicy(tc.name, tc.tier, tc.priority, tc.egressAccept, tc.ingressAccept)}
			// judge says what one direction's rules do with a remote
			// house: ravenclaw's fate is the first of its rules;
			// slytherin is denied on its three ports while its Deny comes
			// first; hufflepuff is accepted on accept and denied on every
			// other port; gryffindor itself (the other pod of the
			// namespace) matches no rule: the default.
			judge := func(ravenclaw, slytherinDenied bool, accept []simulate.PortSpec) func(string, simulate.PortSpec) bool {
				return func(remote string, port simulate.PortSpec) bool {
					switch remote {
					case "ravenclaw":
						return ravenclaw
					case "slytherin":
						return !slytherinDenied || !slices.Contains(gressDenied, port)
					case "hufflepuff":
						return slices.Contains(accept, port)
					}
					return true
				}
			}
			// expect judges gryffindor's egress by its egress rules and
			// its ingress by its ingress rules; a pair between two other
			// houses has no policy at either end.
			expect := func(ravenclaw, slytherinDenied bool) func(from, to string, port simulate.PortSpec) bool {
				egress := judge(ravenclaw, slytherinDenied, tc.egressAccept)
				ingress := judge(ravenclaw, slytherinDenied, tc.ingressAccept)
				return func(from, to string, port simulate.PortSpec) bool {
					ok := true
					if from == "gryffindor" {
						ok = ok && egress(to, port)
					}
					if to == "gryffindor" {
						ok = ok && ingress(from, port)
					}
					return ok
				}
			}
			steps := []tierStep{
				{name: "as applied: the Accept of ravenclaw comes first", ports: allHousePorts, wantAt: expect(true, true)},
				{name: "rules 0 and 1 swapped in both directions: the Deny of ravenclaw comes first", ports: allHousePorts, wantAt: expect(false, true),
					change: func(c *simulate.Cluster) { swapGress(c, 0, 1) }},
			}
			if tc.tier == v1beta1.AdminTier {
				steps = append(steps,
					tierStep{name: "rules 0 and 2 swapped in both directions: the Pass of ravenclaw comes first, nothing below decides", ports: allHousePorts, wantAt: expect(true, true),
						change: func(c *simulate.Cluster) { swapGress(c, 0, 2) }},
					tierStep{name: "rules 3 and 4 swapped in both directions: the Pass of slytherin's ports comes first", ports: allHousePorts, wantAt: expect(true, false),
						change: func(c *simulate.Cluster) { swapGress(c, 3, 4) }})
			}
			runTierSteps(t, c, steps)
		})
	}
}
