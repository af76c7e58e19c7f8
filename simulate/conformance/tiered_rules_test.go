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
	"net/netip"
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

// TestTierInlineCIDRPeers transcribes CNPAdminTierEgressInlineCIDRPeers
// and CNPBaselineTierEgressInlineCIDRPeers: gryffindor's egress accepts
// slytherin's pods (by their namespace's conformance-house label) and then
// denies every address (networks 0.0.0.0/0 and ::/0, which hold the pod
// addresses too). The steps relabel slytherin's namespace so that the
// Accept no longer matches and back, then insert at index 0 an Accept of
// the addresses of luna-lovegood-0 and cedric-diggory-0 (as /32s).
func TestTierInlineCIDRPeers(t *testing.T) {
	houseLabel := func(h string) metav1.LabelSelector {
		return metav1.LabelSelector{MatchLabels: map[string]string{"conformance-house": h}}
	}
	for _, tc := range []struct {
		test    string
		tier    v1beta1.Tier
		subject v1beta1.ClusterNetworkPolicySubject
	}{
		{"CNPAdminTierEgressInlineCIDRPeers", v1beta1.AdminTier,
			v1beta1.ClusterNetworkPolicySubject{Pods: &v1beta1.NamespacedPod{NamespaceSelector: houseLabel("gryffindor"), PodSelector: houseLabel("gryffindor")}}},
		{"CNPBaselineTierEgressInlineCIDRPeers", v1beta1.BaselineTier,
			v1beta1.ClusterNetworkPolicySubject{Namespaces: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: houseNs("gryffindor")}}}},
	} {
		t.Run(tc.test, func(t *testing.T) {
			c := houseModel()
			p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "inline-cidr-as-peers-example"}}
			p.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: tc.tier, Priority: 85, Subject: tc.subject,
				Egress: []v1beta1.ClusterNetworkPolicyEgressRule{
					{Name: "allow-egress-to-slytherin", Action: "Accept",
						To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{NamespaceSelector: houseLabel("slytherin"), PodSelector: houseLabel("slytherin")}}}},
					{Name: "deny-egress-to-internet", Action: "Deny",
						To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Networks: []v1beta1.CIDR{"0.0.0.0/0", "::/0"}}}},
				}}
			c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{p}
			slytherin := slicesIndexNs(c, houseNs("slytherin"))
			// Only gryffindor's egress is judged; it reaches slytherin when
			// its namespace carries the label, and nothing else (other
			// gryffindor pods included).
			egress := func(slytherinOpen bool, extra ...string) func(from, to simulate.PodID, _ simulate.PortSpec) bool {
				return func(from, to simulate.PodID, _ simulate.PortSpec) bool {
					switch {
					case from.Namespace != houseNs("gryffindor"):
						return true
					case to.Namespace == houseNs("slytherin"):
						return slytherinOpen
					}
					for _, name := range extra {
						if to.Name == name {
							return true
						}
					}
					return false
				}
			}
			podIP := func(c *simulate.Cluster, name string) v1beta1.CIDR {
				for _, pod := range c.Pods {
					if pod.Name == name {
						return v1beta1.CIDR(pod.Status.PodIP + "/32")
					}
				}
				t.Fatalf("no pod %s", name)
				return ""
			}
			runTierSteps(t, c, []tierStep{
				{name: "as applied", ports: allHousePorts, wantPod: egress(true)},
				{name: "slytherin relabelled: the Accept does not match", ports: allHousePorts, wantPod: egress(false),
					change: func(c *simulate.Cluster) {
						c.Namespaces[slytherin].Labels = map[string]string{"conformance-house": "denied-namespace-label"}
					}},
				{name: "slytherin labelled back", ports: allHousePorts, wantPod: egress(true),
					change: func(c *simulate.Cluster) {
						c.Namespaces[slytherin].Labels = map[string]string{"conformance-house": "slytherin"}
					}},
				{name: "Accept of two pod addresses inserted first", ports: allHousePorts, wantPod: egress(true, "luna-lovegood-0", "cedric-diggory-0"),
					change: func(c *simulate.Cluster) {
						rule := v1beta1.ClusterNetworkPolicyEgressRule{Name: "allow-egress-to-specific-podIPs", Action: "Accept",
							To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Networks: []v1beta1.CIDR{podIP(c, "luna-lovegood-0"), podIP(c, "cedric-diggory-0")}}}}
						spec := &c.ClusterNetworkPolicies[0].Spec
						spec.Egress = append([]v1beta1.ClusterNetworkPolicyEgressRule{rule}, spec.Egress...)
					}},
			})
		})
	}
}

// slicesIndexNs returns the index of namespace name in c.Namespaces.
func slicesIndexNs(c simulate.Cluster, name string) int {
	for i, ns := range c.Namespaces {
		if ns.Name == name {
			return i
		}
	}
	panic("conformance: no namespace " + name)
}

// TestTierNodePeers transcribes CNPAdminTierEgressNodePeers and
// CNPBaselineTierEgressNodePeers: gryffindor's egress to the hostNetwork
// pods of forbidden-forrest (centaur-0 and centaur-1, whose addresses are
// their nodes') through nodes peers selecting kubernetes.io/os=linux. The
// suite takes the host ports as parameters (HostNetworkPorts); any seven
// distinct numbers do, so the test picks its own. A nodes peer matches the
// hostNetwork pods of the selected nodes (HostNetworkAsNode, the default)
// and the nodes' addresses; both are probed.
func TestTierNodePeers(t *testing.T) {
	hp := [7]int32{34345, 34346, 34347, 34348, 34349, 34350, 34351}
	houseLabel := func(h string) metav1.LabelSelector {
		return metav1.LabelSelector{MatchLabels: map[string]string{"conformance-house": h}}
	}
	linux := &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelOSStable: "linux"}}
	gryffindorPods := &v1beta1.NamespacedPod{NamespaceSelector: houseLabel("gryffindor"), PodSelector: houseLabel("gryffindor")}
	portRange := func(lo, hi int32) v1beta1.ClusterNetworkPolicyProtocol {
		return v1beta1.ClusterNetworkPolicyProtocol{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1beta1.Port{Range: &v1beta1.PortRange{Start: lo, End: hi}}}}
	}
	allAddrs := v1beta1.ClusterNetworkPolicyEgressPeer{Networks: []v1beta1.CIDR{"0.0.0.0/0", "::/0"}}
	admin := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "node-and-cidr-as-peers-example"}}
	admin.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: v1beta1.AdminTier, Priority: 75, Subject: v1beta1.ClusterNetworkPolicySubject{Pods: gryffindorPods},
		Egress: []v1beta1.ClusterNetworkPolicyEgressRule{
			{Action: "Accept", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Nodes: linux}}, Protocols: []v1beta1.ClusterNetworkPolicyProtocol{protocolOf(simulate.TCP(hp[0]))}},
			{Action: "Pass", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Nodes: linux}}, Protocols: []v1beta1.ClusterNetworkPolicyProtocol{protocolOf(simulate.UDP(hp[2]))}},
			{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{NamespaceSelector: houseLabel("slytherin"), PodSelector: houseLabel("slytherin")}}, {Nodes: linux}, allAddrs}},
		}}
	baseline := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	baseline.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: v1beta1.BaselineTier, Priority: 10,
		Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: houseNs("gryffindor")}}},
		Egress: []v1beta1.ClusterNetworkPolicyEgressRule{
			{Action: "Accept", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Nodes: linux}}, Protocols: []v1beta1.ClusterNetworkPolicyProtocol{portRange(hp[0], hp[1])}},
			{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Nodes: linux}, allAddrs}},
		}}
	for _, tc := range []struct {
		test   string
		policy v1beta1.ClusterNetworkPolicy
		want   map[simulate.PortSpec]bool // to the centaurs and their nodes
	}{
		// Accept on hp0; Pass on UDP hp2 (nothing below: allowed); the
		// Deny of the nodes for the rest.
		{"CNPAdminTierEgressNodePeers", admin, map[simulate.PortSpec]bool{
			simulate.TCP(hp[0]): true, simulate.UDP(hp[2]): true, simulate.TCP(hp[1]): false, simulate.UDP(hp[4]): false, simulate.SCTP(hp[6]): false}},
		// Accept on the range hp0-hp1, the Deny for the rest.
		{"CNPBaselineTierEgressNodePeers", baseline, map[simulate.PortSpec]bool{
			simulate.TCP(hp[0]): true, simulate.TCP(hp[1]): true, simulate.UDP(hp[4]): false, simulate.SCTP(hp[6]): false}},
	} {
		t.Run(tc.test, func(t *testing.T) {
			c := houseModel()
			c.Namespaces = append(c.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: houseNs("forbidden-forrest"), Labels: map[string]string{"conformance-house": "forbidden-forrest"}}})
			var nodeIPs []netip.Addr
			for i := range 2 {
				ip := fmt.Sprintf("172.18.0.%d", i+2)
				node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i+1), Labels: map[string]string{corev1.LabelOSStable: "linux"}}}
				node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}
				c.Nodes = append(c.Nodes, node)
				pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: houseNs("forbidden-forrest"), Name: fmt.Sprintf("centaur-%d", i), Labels: map[string]string{"conformance-house": "forbidden-forrest"}}}
				pod.Spec.HostNetwork, pod.Spec.NodeName = true, node.Name
				pod.Spec.Containers = []corev1.Container{{Name: "centaur-client"}}
				pod.Status.PodIP = ip
				c.Pods = append(c.Pods, pod)
				nodeIPs = append(nodeIPs, netip.MustParseAddr(ip))
			}
			c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{tc.policy}
			m, err := simulate.Compile(c)
			if err != nil {
				t.Fatal(err)
			}
			targets := []simulate.Endpoint{simulate.Pod(houseNs("forbidden-forrest"), "centaur-0"), simulate.Pod(houseNs("forbidden-forrest"), "centaur-1"),
				simulate.IP(nodeIPs[0]), simulate.IP(nodeIPs[1])}
			for i := range 2 {
				from := simulate.Pod(houseNs("gryffindor"), fmt.Sprintf("harry-potter-%d", i))
				for port, want := range tc.want {
					for _, to := range targets {
						v, err := m.Check(from, to, port)
						if err != nil {
							t.Fatal(err)
						}
						if v.Allowed != want {
							t.Errorf("%v → %v on %s: got %v, want %v\n%v", from, to, port, v.Allowed, want, v)
						}
					}
				}
				// The Deny's networks hold every house pod's address too
				// (the Admin Deny also names slytherin's pods).
				for _, h := range houses {
					to := simulate.Pod(houseNs(h), fmt.Sprintf("%s-%d", housePods[h], 1-i))
					if v, err := m.Check(from, to, simulate.TCP(80)); err != nil || v.Allowed {
						t.Errorf("%v → %v on TCP/80: got %v (%v), want denied", from, to, v.Allowed, err)
					}
				}
			}
		})
	}
}
