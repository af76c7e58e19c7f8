package conformance_test

// The per-protocol rule tests of the upstream ClusterNetworkPolicy
// conformance suite, Admin and Baseline tier, ingress and egress, TCP, UDP
// and SCTP, and the named-port tests built on them. Each upstream policy
// has one subject house and three remote houses in fixed roles:
//
//   - every: rules that match all its traffic: Accept, then Deny, then (Admin
//     tier only) Pass;
//   - portDeny: a Deny (Admin tier: then a Pass) on one port;
//   - portAccept: an Accept on one port, then a Deny of everything else.
//
// The steps patch the policy as the upstream tests do, one after another
// on the same object: swap rules 0 and 1 (the Deny comes first), then
// (Admin tier) swap rules 0 and 2 (the Pass comes first) and rules 3 and 4
// (the port's Pass comes first). The named-port tests apply the policy
// afresh and replace the portAccept rule's port with a container port
// name. No NetworkPolicy and no other cluster policy exists, so a Pass
// ends in the default: allowed.

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// houseRules is one upstream policy of the per-protocol tests.
type houseRules struct {
	test       string // the upstream test's short name
	name       string // the policy's name
	tier       v1beta1.Tier
	priority   int32
	egress     bool
	subject    string
	every      string
	portDeny   string
	denyPort   simulate.PortSpec
	portAccept string
	acceptPort simulate.PortSpec
}

// The six Admin and six Baseline policies of the upstream base manifests.
var houseRuleTests = []houseRules{
	{"CNPAdminTierIngressTCP", "ingress-tcp", v1beta1.AdminTier, 3, false, "gryffindor", "ravenclaw", "slytherin", simulate.TCP(80), "hufflepuff", simulate.TCP(80)},
	{"CNPAdminTierIngressUDP", "ingress-udp", v1beta1.AdminTier, 4, false, "hufflepuff", "ravenclaw", "slytherin", simulate.UDP(5353), "gryffindor", simulate.UDP(53)},
	{"CNPAdminTierIngressSCTP", "ingress-sctp", v1beta1.AdminTier, 5, false, "ravenclaw", "gryffindor", "slytherin", simulate.SCTP(9003), "hufflepuff", simulate.SCTP(9003)},
	{"CNPAdminTierEgressTCP", "egress-tcp", v1beta1.AdminTier, 6, true, "gryffindor", "ravenclaw", "slytherin", simulate.TCP(80), "hufflepuff", simulate.TCP(8080)},
	{"CNPAdminTierEgressUDP", "egress-udp", v1beta1.AdminTier, 7, true, "hufflepuff", "ravenclaw", "slytherin", simulate.UDP(5353), "gryffindor", simulate.UDP(53)},
	{"CNPAdminTierEgressSCTP", "egress-sctp", v1beta1.AdminTier, 8, true, "ravenclaw", "gryffindor", "slytherin", simulate.SCTP(9003), "hufflepuff", simulate.SCTP(9003)},
	{"CNPBaselineTierIngressTCP", "default", v1beta1.BaselineTier, 10, false, "gryffindor", "ravenclaw", "slytherin", simulate.TCP(80), "hufflepuff", simulate.TCP(80)},
	{"CNPBaselineTierIngressUDP", "default", v1beta1.BaselineTier, 10, false, "hufflepuff", "ravenclaw", "slytherin", simulate.UDP(5353), "gryffindor", simulate.UDP(53)},
	{"CNPBaselineTierIngressSCTP", "default", v1beta1.BaselineTier, 10, false, "ravenclaw", "gryffindor", "slytherin", simulate.SCTP(9003), "hufflepuff", simulate.SCTP(9003)},
	{"CNPBaselineTierEgressTCP", "default", v1beta1.BaselineTier, 10, true, "gryffindor", "ravenclaw", "slytherin", simulate.TCP(80), "hufflepuff", simulate.TCP(8080)},
	{"CNPBaselineTierEgressUDP", "default", v1beta1.BaselineTier, 10, true, "hufflepuff", "ravenclaw", "slytherin", simulate.UDP(5353), "gryffindor", simulate.UDP(53)},
	{"CNPBaselineTierEgressSCTP", "default", v1beta1.BaselineTier, 10, true, "ravenclaw", "gryffindor", "slytherin", simulate.SCTP(9003), "hufflepuff", simulate.SCTP(9003)},
}

// allHousePorts are the ports every house pod serves.
var allHousePorts = []simulate.PortSpec{simulate.TCP(80), simulate.TCP(8080), simulate.UDP(53), simulate.UDP(5353), simulate.SCTP(9003), simulate.SCTP(9005)}

// houseRule is one rule of a houseRules policy before it is written in
// the API's types.
type houseRule struct {
	action v1beta1.ClusterNetworkPolicyRuleAction
	house  string
	port   *simulate.PortSpec // nil: every port
}

func protocolOf(p simulate.PortSpec) v1beta1.ClusterNetworkPolicyProtocol {
	dp := &v1beta1.Port{Number: p.Start}
	switch p.Protocol {
	case corev1.ProtocolUDP:
		return v1beta1.ClusterNetworkPolicyProtocol{UDP: &v1beta1.ClusterNetworkPolicyProtocolUDP{DestinationPort: dp}}
	case corev1.ProtocolSCTP:
		return v1beta1.ClusterNetworkPolicyProtocol{SCTP: &v1beta1.ClusterNetworkPolicyProtocolSCTP{DestinationPort: dp}}
	}
	return v1beta1.ClusterNetworkPolicyProtocol{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: dp}}
}

// policy writes h as the upstream manifest does.
func (h houseRules) policy() v1beta1.ClusterNetworkPolicy {
	rules := []houseRule{{"Accept", h.every, nil}, {"Deny", h.every, nil}}
	if h.tier == v1beta1.AdminTier {
		rules = append(rules, houseRule{"Pass", h.every, nil})
	}
	rules = append(rules, houseRule{"Deny", h.portDeny, &h.denyPort})
	if h.tier == v1beta1.AdminTier {
		rules = append(rules, houseRule{"Pass", h.portDeny, &h.denyPort})
	}
	rules = append(rules, houseRule{"Accept", h.portAccept, &h.acceptPort}, houseRule{"Deny", h.portAccept, nil})

	ns := func(house string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: houseNs(house)}}
	}
	p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: h.name}}
	p.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: h.tier, Priority: h.priority, Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: ns(h.subject)}}
	for _, r := range rules {
		var protos []v1beta1.ClusterNetworkPolicyProtocol
		if r.port != nil {
			protos = []v1beta1.ClusterNetworkPolicyProtocol{protocolOf(*r.port)}
		}
		if h.egress {
			p.Spec.Egress = append(p.Spec.Egress, v1beta1.ClusterNetworkPolicyEgressRule{Action: r.action, Protocols: protos,
				To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: ns(r.house)}}})
		} else {
			p.Spec.Ingress = append(p.Spec.Ingress, v1beta1.ClusterNetworkPolicyIngressRule{Action: r.action, Protocols: protos,
				From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: ns(r.house)}}})
		}
	}
	return p
}

// swap swaps rules i and j of the policy's direction, as the upstream
// patches do.
func (h houseRules) swap(c *simulate.Cluster, i, j int) {
	p := &c.ClusterNetworkPolicies[0].Spec
	if h.egress {
		p.Egress[i], p.Egress[j] = p.Egress[j], p.Egress[i]
	} else {
		p.Ingress[i], p.Ingress[j] = p.Ingress[j], p.Ingress[i]
	}
}

// expect returns the expectation of a step: only the subject's side of
// the policy's direction is judged (the other side has no policy), with
// remote the other end; judge says what the policy does with it.
func (h houseRules) expect(judge func(remote string, port simulate.PortSpec) bool) func(from, to string, port simulate.PortSpec) bool {
	return func(from, to string, port simulate.PortSpec) bool {
		subject, remote := to, from
		if h.egress {
			subject, remote = from, to
		}
		if subject != h.subject {
			return true // the policy does not select this end
		}
		return judge(remote, port)
	}
}

// TestTierHouseRules transcribes the twelve per-protocol tests step by
// step.
func TestTierHouseRules(t *testing.T) {
	for _, h := range houseRuleTests {
		t.Run(h.test, func(t *testing.T) {
			c := houseModel()
			c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{h.policy()}
			// The rules as applied: every's Accept comes first; portDeny
			// is denied on its port only; portAccept is accepted on its
			// port and denied on every other.
			initial := func(every bool) func(string, simulate.PortSpec) bool {
				return func(remote string, port simulate.PortSpec) bool {
					switch remote {
					case h.every:
						return every
					case h.portDeny:
						return port != h.denyPort
					case h.portAccept:
						return port == h.acceptPort
					}
					return true // no rule matches: the default
				}
			}
			steps := []tierStep{
				{name: "as applied: the Accept of every port comes first", ports: allHousePorts, wantAt: h.expect(initial(true))},
				{name: "rules 0 and 1 swapped: the Deny comes first", ports: allHousePorts, wantAt: h.expect(initial(false)),
					change: func(c *simulate.Cluster) { h.swap(c, 0, 1) }},
			}
			if h.tier == v1beta1.AdminTier {
				steps = append(steps,
					tierStep{name: "rules 0 and 2 swapped: the Pass comes first, nothing below decides", ports: allHousePorts, wantAt: h.expect(initial(true)),
						change: func(c *simulate.Cluster) { h.swap(c, 0, 2) }},
					tierStep{name: "rules 3 and 4 swapped: the port's Pass comes first", ports: allHousePorts,
						wantAt: h.expect(func(remote string, port simulate.PortSpec) bool {
							return remote != h.portAccept || port == h.acceptPort
						}),
						change: func(c *simulate.Cluster) { h.swap(c, 3, 4) }})
			}
			runTierSteps(t, c, steps)
		})
	}
}

// TestTierHouseNamedPorts transcribes the named-port tests
// (CNPAdminTierIngressNamedPort, CNPAdminTierEgressNamedPort,
// CNPBaselineTierIngressNamedPort, CNPBaselineTierEgressNamedPort): the
// portAccept rule's port becomes a container port name, which resolves at
// the destination pod (web: TCP/80, dns: UDP/53; every house pod serves
// both).
func TestTierHouseNamedPorts(t *testing.T) {
	byTest := map[string]houseRules{}
	for _, h := range houseRuleTests {
		byTest[h.test] = h
	}
	for _, tc := range []struct {
		test, base string
		name       string
		number     simulate.PortSpec
	}{
		{"CNPAdminTierIngressNamedPort", "CNPAdminTierIngressUDP", "dns", simulate.UDP(53)},
		{"CNPAdminTierEgressNamedPort", "CNPAdminTierEgressTCP", "web", simulate.TCP(80)},
		{"CNPBaselineTierIngressNamedPort", "CNPBaselineTierIngressTCP", "web", simulate.TCP(80)},
		{"CNPBaselineTierEgressNamedPort", "CNPBaselineTierEgressUDP", "dns", simulate.UDP(53)},
	} {
		t.Run(tc.test, func(t *testing.T) {
			h := byTest[tc.base]
			c := houseModel()
			c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{h.policy()}
			accept := 5 // the portAccept rule's index
			if h.tier == v1beta1.BaselineTier {
				accept = 3
			}
			named := []v1beta1.ClusterNetworkPolicyProtocol{{DestinationNamedPort: tc.name}}
			runTierSteps(t, c, []tierStep{{
				name: fmt.Sprintf("rule %d on the named port %s", accept, tc.name), ports: allHousePorts,
				change: func(c *simulate.Cluster) {
					p := &c.ClusterNetworkPolicies[0].Spec
					if h.egress {
						p.Egress[accept].Protocols = named
					} else {
						p.Ingress[accept].Protocols = named
					}
				},
				wantAt: h.expect(func(remote string, port simulate.PortSpec) bool {
					switch remote {
					case h.every:
						return true
					case h.portDeny:
						return port != h.denyPort
					case h.portAccept:
						return port == tc.number
					}
					return true
				}),
			}})
		})
	}
}
