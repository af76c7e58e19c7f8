package conformance_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// scenario is one conformance case: the model, changed by setup, with
// policies applied and the engine built with opts, must give every table
// of probes.
type scenario struct {
	name     string
	setup    func(*simulate.Cluster) // optional
	policies []networkingv1.NetworkPolicy
	opts     []simulate.Option
	probes   []probe
}

const (
	protoTCP  = corev1.ProtocolTCP
	protoUDP  = corev1.ProtocolUDP
	protoSCTP = corev1.ProtocolSCTP

	metadataName = corev1.LabelMetadataName

	opIn           = metav1.LabelSelectorOpIn
	opNotIn        = metav1.LabelSelectorOpNotIn
	opExists       = metav1.LabelSelectorOpExists
	opDoesNotExist = metav1.LabelSelectorOpDoesNotExist
)

func pols(p ...networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy { return p }

func TestConformance(t *testing.T) {
	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			c := newModel()
			if s.setup != nil {
				s.setup(&c)
			}
			c.NetworkPolicies = s.policies
			m, err := simulate.Compile(c, s.opts...)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			assertProbes(t, m, s.probes)
		})
	}
}

// scenarios lists the cases. Each expected table is derived from the
// semantics of networking.k8s.io/v1 in its comment, not from the engine.
func scenarios() []scenario {
	return []scenario{
		// ---- Default deny ----
		{
			// A policy selecting every pod of x with no ingress rules
			// (policyTypes defaults to [Ingress]) isolates x for ingress
			// on every protocol; nothing else changes.
			name:     "default deny ingress",
			policies: pols(netpol("x", "deny-ingress", everything())),
			probes:   []probe{expect(newTruth(true).col("x/*", false), served...)},
		},
		{
			// policyTypes [Egress] without rules: x sends nothing.
			name:     "default deny egress",
			policies: pols(netpol("x", "deny-egress", everything(), policyTypes(typeEgress))),
			probes:   []probe{expect(newTruth(true).row("x/*", false), served...)},
		},
		{
			// Both types without rules: x neither sends nor receives.
			name:     "default deny all",
			policies: pols(netpol("x", "deny-all", everything(), policyTypes(typeIngress, typeEgress))),
			probes:   []probe{expect(newTruth(true).row("x/*", false).col("x/*", false), served...)},
		},
		{
			// Every namespace denies all ingress: nothing connects.
			name: "default deny ingress in every namespace",
			policies: pols(
				netpol("x", "deny", everything()),
				netpol("y", "deny", everything()),
				netpol("z", "deny", everything()),
			),
			probes: []probe{expect(newTruth(false), served...)},
		},
		{
			// Each namespace admits every pod of its own namespace
			// (podSelector {} alone): traffic stays inside namespaces.
			name: "namespace isolation with podSelector {}",
			policies: pols(
				netpol("x", "same-ns", everything(), ingress(from(peers(podsPeer(everything()))))),
				netpol("y", "same-ns", everything(), ingress(from(peers(podsPeer(everything()))))),
				netpol("z", "same-ns", everything(), ingress(from(peers(podsPeer(everything()))))),
			),
			probes: []probe{expect(newTruth(false).set("x/*", "x/*", true).set("y/*", "y/*", true).set("z/*", "z/*", true), served...)},
		},

		// ---- Subjects and pod selectors ----
		{
			// spec.podSelector selects pods of the policy's namespace only:
			// a deny in y for pod=a isolates y/a, not x/a or z/a.
			name:     "spec.podSelector selects only in the policy's namespace",
			policies: pols(netpol("y", "deny-a", podLabel("a"))),
			probes:   []probe{expect(newTruth(true).col("y/a", false), served...)},
		},
		{
			// Subject by matchExpressions: pod In [a, b] in x.
			name:     "spec.podSelector with matchExpressions",
			policies: pols(netpol("x", "deny-a-b", matchExpr("pod", opIn, "a", "b"))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).col("x/b", false), served...)},
		},
		{
			// A podSelector peer alone means pods of the policy's
			// namespace: x/b may reach x/a, y/b and z/b may not.
			name:     "podSelector peer within the namespace (ingress)",
			policies: pols(netpol("x", "a-from-b", podLabel("a"), ingress(from(peers(podsPeer(podLabel("b"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true), served...)},
		},
		{
			// The same in egress: x/a may send to x/c only.
			name:     "podSelector peer within the namespace (egress)",
			policies: pols(netpol("x", "a-to-c", podLabel("a"), policyTypes(typeEgress), egress(to(peers(podsPeer(podLabel("c"))))))),
			probes:   []probe{expect(newTruth(true).row("x/a", false).set("x/a", "x/c", true), served...)},
		},
		{
			// podSelector {} alone: every pod of x, and of x only.
			name:     "podSelector {} alone selects the policy's namespace",
			policies: pols(netpol("x", "a-from-x", podLabel("a"), ingress(from(peers(podsPeer(everything())))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true), served...)},
		},
		{
			// namespaceSelector {} alone: every pod of every namespace, so
			// x/a admits everyone, but on TCP/81 only (the rule's port).
			name:     "namespaceSelector {} alone selects every namespace",
			policies: pols(netpol("x", "a-from-all", podLabel("a"), ingress(from(peers(nsPeer(everything())), tcpPort(81))))),
			probes: []probe{
				expect(newTruth(true), tcp81),
				expect(newTruth(true).col("x/a", false), except(served, tcp81)...),
			},
		},
		{
			// namespaceSelector {} with podSelector pod=c: the c pods of
			// every namespace.
			name:     "namespaceSelector {} with a podSelector",
			policies: pols(netpol("y", "a-from-c", podLabel("a"), ingress(from(peers(nsPodsPeer(everything(), podLabel("c"))))))),
			probes:   []probe{expect(newTruth(true).col("y/a", false).set("*/c", "y/a", true), served...)},
		},

		{
			// A peer with podSelector pod NotIn [b] and namespaceSelector
			// {}: every pod of every namespace except the b pods.
			name:     "podSelector matchExpressions NotIn in a peer",
			policies: pols(netpol("z", "c-not-from-b", podLabel("c"), ingress(from(peers(nsPodsPeer(everything(), matchExpr("pod", opNotIn, "b"))))))),
			probes:   []probe{expect(newTruth(true).set("*/b", "z/c", false), served...)},
		},

		// ---- Namespace selectors ----
		{
			// matchLabels on the custom label ns=y.
			name:     "namespaceSelector matchLabels on a custom label",
			policies: pols(netpol("x", "a-from-y", podLabel("a"), ingress(from(peers(nsPeer(matchLabels("ns", "y"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true), served...)},
		},
		{
			// matchLabels on kubernetes.io/metadata.name, which every
			// namespace carries; in egress: x/a sends to z only.
			name:     "namespaceSelector matchLabels on kubernetes.io/metadata.name",
			policies: pols(netpol("x", "a-to-z", podLabel("a"), policyTypes(typeEgress), egress(to(peers(nsPeer(nsName("z"))))))),
			probes:   []probe{expect(newTruth(true).row("x/a", false).set("x/a", "z/*", true), served...)},
		},
		{
			name:     "namespaceSelector In on kubernetes.io/metadata.name",
			policies: pols(netpol("x", "a-from-y-z", podLabel("a"), ingress(from(peers(nsPeer(matchExpr(metadataName, opIn, "y", "z"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true).set("z/*", "x/a", true), served...)},
		},
		{
			// NotIn [y] in a policy of y: x and z may reach y/b, the
			// other pods of y may not.
			name:     "namespaceSelector NotIn on kubernetes.io/metadata.name",
			policies: pols(netpol("y", "b-from-elsewhere", podLabel("b"), ingress(from(peers(nsPeer(matchExpr(metadataName, opNotIn, "y"))))))),
			probes:   []probe{expect(newTruth(true).col("y/b", false).set("x/*", "y/b", true).set("z/*", "y/b", true), served...)},
		},
		{
			// Every namespace has the key, so Exists selects them all: x/a
			// admits everyone on TCP/80, and nobody on other ports.
			name:     "namespaceSelector Exists on kubernetes.io/metadata.name",
			policies: pols(netpol("x", "a-from-all", podLabel("a"), ingress(from(peers(nsPeer(matchExpr(metadataName, opExists))), tcpPort(80))))),
			probes: []probe{
				expect(newTruth(true), tcp80),
				expect(newTruth(true).col("x/a", false), except(served, tcp80)...),
			},
		},
		{
			// No namespace lacks the key: DoesNotExist selects none.
			name:     "namespaceSelector DoesNotExist on kubernetes.io/metadata.name",
			policies: pols(netpol("x", "a-from-none", podLabel("a"), ingress(from(peers(nsPeer(matchExpr(metadataName, opDoesNotExist))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// In on the custom label ns, in egress: y/c sends to x and z.
			name:     "namespaceSelector In on a custom label",
			policies: pols(netpol("y", "c-to-x-z", podLabel("c"), policyTypes(typeEgress), egress(to(peers(nsPeer(matchExpr("ns", opIn, "x", "z"))))))),
			probes:   []probe{expect(newTruth(true).row("y/c", false).set("y/c", "x/*", true).set("y/c", "z/*", true), served...)},
		},
		{
			// team: x=red, y=blue, z unlabelled. NotIn [blue] also matches
			// a namespace without the key: x and z may reach x/a.
			name: "namespaceSelector NotIn on a custom label matches namespaces without it",
			setup: func(c *simulate.Cluster) {
				labelNamespace(c, "x", "team", "red")
				labelNamespace(c, "y", "team", "blue")
			},
			policies: pols(netpol("x", "a-not-from-blue", podLabel("a"), ingress(from(peers(nsPeer(matchExpr("team", opNotIn, "blue"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true).set("z/*", "x/a", true), served...)},
		},
		{
			// Only y has a team label: Exists selects y.
			name:     "namespaceSelector Exists on a custom label",
			setup:    func(c *simulate.Cluster) { labelNamespace(c, "y", "team", "blue") },
			policies: pols(netpol("x", "a-from-teams", podLabel("a"), ingress(from(peers(nsPeer(matchExpr("team", opExists))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true), served...)},
		},
		{
			// Only y has a team label: DoesNotExist selects x and z.
			name:     "namespaceSelector DoesNotExist on a custom label",
			setup:    func(c *simulate.Cluster) { labelNamespace(c, "y", "team", "blue") },
			policies: pols(netpol("x", "a-from-no-team", podLabel("a"), ingress(from(peers(nsPeer(matchExpr("team", opDoesNotExist))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true).set("z/*", "x/a", true), served...)},
		},

		// ---- Peers: AND within a peer, OR across peers ----
		{
			// One peer with both selectors: pod=b in y or z.
			name:     "podSelector AND namespaceSelector in one peer",
			policies: pols(netpol("x", "a-from-b-of-y-z", podLabel("a"), ingress(from(peers(nsPodsPeer(matchExpr("ns", opIn, "y", "z"), podLabel("b"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("y/b", "x/a", true).set("z/b", "x/a", true), served...)},
		},
		{
			// The same AND in egress: x/a sends to pods a and c of y only.
			name:     "podSelector AND namespaceSelector in one egress peer",
			policies: pols(netpol("x", "a-to-y-a-c", podLabel("a"), policyTypes(typeEgress), egress(to(peers(nsPodsPeer(nsName("y"), matchExpr("pod", opIn, "a", "c"))))))),
			probes:   []probe{expect(newTruth(true).row("x/a", false).set("x/a", "y/a", true).set("x/a", "y/c", true), served...)},
		},
		{
			// Two peers: all of y and z, or pod=b of x (the policy's own
			// namespace, since that peer has no namespaceSelector).
			name: "podSelector OR namespaceSelector in two peers",
			policies: pols(netpol("x", "a-from-y-z-or-b", podLabel("a"), ingress(from(peers(
				nsPeer(matchExpr("ns", opIn, "y", "z")),
				podsPeer(podLabel("b")),
			))))),
			probes: []probe{expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true).set("z/*", "x/a", true).set("x/b", "x/a", true), served...)},
		},

		// ---- Ports ----
		{
			// ports [80] without protocol: TCP/80 from anyone; every other
			// port and protocol of x/a is closed.
			name:     "numeric port defaults to TCP",
			policies: pols(netpol("x", "a-on-80", podLabel("a"), ingress(from(anyPeer, defaultProtoPort(80))))),
			probes: []probe{
				expect(newTruth(true), tcp80),
				expect(newTruth(true).col("x/a", false), tcp81, udp80, udp81, sctp80, sctp81),
			},
		},
		{
			// Overlapping ranges from different peers: x/b on TCP 80-85,
			// y on TCP 81 and z on TCP 85-90. Each port admits the union
			// of the peers whose range holds it.
			name: "overlapping port ranges add up per port",
			policies: pols(netpol("x", "a-ranges", podLabel("a"), ingress(
				from(peers(podsPeer(podLabel("b"))), portRange(protoTCP, 80, 85)),
				from(peers(nsPeer(nsName("y"))), tcpPort(81)),
				from(peers(nsPeer(nsName("z"))), portRange(protoTCP, 85, 90)),
			))),
			probes: []probe{
				expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true), tcp80, simulate.TCP(84)),
				expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true).set("y/*", "x/a", true), tcp81),
				expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true).set("z/*", "x/a", true), simulate.TCP(85)),
				expect(newTruth(true).col("x/a", false).set("z/*", "x/a", true), simulate.TCP(86), simulate.TCP(90)),
				expect(newTruth(true).col("x/a", false), simulate.TCP(79), simulate.TCP(91), udp81, sctp81),
			},
		},
		{
			// Several ports in one rule: UDP/80 or TCP/81.
			name:     "several ports in one rule",
			policies: pols(netpol("x", "a-on-two", podLabel("a"), ingress(from(anyPeer, udpPort(80), tcpPort(81))))),
			probes: []probe{
				expect(newTruth(true), udp80, tcp81),
				expect(newTruth(true).col("x/a", false), tcp80, udp81, sctp80, sctp81),
			},
		},
		{
			// port 80, endPort 81 on TCP: both ends included, 79 and 82
			// are not; a range question is allowed only if all of it is.
			name:     "endPort range in ingress",
			policies: pols(netpol("x", "a-on-80-81", podLabel("a"), ingress(from(anyPeer, portRange(protoTCP, 80, 81))))),
			probes: []probe{
				expect(newTruth(true), tcp80, tcp81, simulate.PortSpec{Protocol: protoTCP, Start: 80, End: 81}),
				expect(newTruth(true).col("x/a", false), simulate.TCP(79), simulate.TCP(82), udp80, udp81, sctp81,
					simulate.PortSpec{Protocol: protoTCP, Start: 79, End: 80}, simulate.PortSpec{Protocol: protoTCP, Start: 81, End: 82}),
			},
		},
		{
			// Egress to TCP 81..1000 from x/b.
			name:     "endPort range in egress",
			policies: pols(netpol("x", "b-to-81-1000", podLabel("b"), policyTypes(typeEgress), egress(to(anyPeer, portRange(protoTCP, 81, 1000))))),
			probes: []probe{
				expect(newTruth(true), tcp81, simulate.TCP(1000)),
				expect(newTruth(true).row("x/b", false), tcp80, simulate.TCP(1001), udp81, sctp81),
			},
		},
		{
			// protocol UDP without port: every UDP port; TCP and SCTP are
			// closed since x/a is isolated.
			name:     "protocol without port allows every port of it",
			policies: pols(netpol("x", "a-on-udp", podLabel("a"), ingress(from(anyPeer, protocolOnly(protoUDP))))),
			probes: []probe{
				expect(newTruth(true), udp80, udp81, simulate.UDP(1), simulate.UDP(65535)),
				expect(newTruth(true).col("x/a", false), tcp80, tcp81, sctp80, sctp81),
			},
		},
		{
			// A UDP-only policy on all of z still isolates z for TCP and
			// SCTP.
			name:     "UDP-only ingress policy isolates TCP",
			policies: pols(netpol("z", "udp-81", everything(), ingress(from(anyPeer, udpPort(81))))),
			probes: []probe{
				expect(newTruth(true), udp81),
				expect(newTruth(true).col("z/*", false), tcp80, tcp81, udp80, sctp80, sctp81),
			},
		},
		{
			// An SCTP-only rule from y: SCTP/80 from y, nothing on TCP.
			name:     "SCTP-only ingress policy isolates TCP",
			policies: pols(netpol("x", "a-sctp-from-y", podLabel("a"), ingress(from(peers(nsPeer(nsName("y"))), sctpPort(80))))),
			probes: []probe{
				expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true), sctp80),
				expect(newTruth(true).col("x/a", false), tcp80, tcp81, udp80, udp81, sctp81),
			},
		},
		{
			// A UDP-only egress rule: y/b sends UDP/80 only.
			name:     "UDP-only egress policy isolates TCP",
			policies: pols(netpol("y", "b-udp-80", podLabel("b"), policyTypes(typeEgress), egress(to(anyPeer, udpPort(80))))),
			probes: []probe{
				expect(newTruth(true), udp80),
				expect(newTruth(true).row("y/b", false), tcp80, tcp81, udp81, sctp80, sctp81),
			},
		},

		// ---- Named ports ----
		{
			// Named port without protocol (TCP): serve-80-tcp is TCP/80 on
			// every pod.
			name:     "named port in ingress",
			policies: pols(netpol("x", "a-on-serve-80-tcp", podLabel("a"), ingress(from(anyPeer, namedPort("", servePortName(80, protoTCP)))))),
			probes: []probe{
				expect(newTruth(true), tcp80, simulate.PortSpec{Protocol: protoTCP, Name: servePortName(80, protoTCP)}),
				expect(newTruth(true).col("x/a", false), tcp81, udp80, udp81, sctp80, sctp81),
			},
		},
		{
			name:     "named UDP port in ingress",
			policies: pols(netpol("x", "a-on-serve-81-udp", podLabel("a"), ingress(from(anyPeer, namedPort(protoUDP, servePortName(81, protoUDP)))))),
			probes: []probe{
				expect(newTruth(true), udp81, simulate.PortSpec{Protocol: protoUDP, Name: servePortName(81, protoUDP)}),
				expect(newTruth(true).col("x/a", false), tcp80, tcp81, udp80, sctp80, sctp81),
			},
		},
		{
			// serve-80-tcp on UDP: name and protocol must both match, and
			// no pod has a UDP port of that name, so the rule matches
			// nothing and x/a is closed.
			name:     "named port with the wrong protocol matches nothing",
			policies: pols(netpol("x", "a-on-wrong-proto", podLabel("a"), ingress(from(anyPeer, namedPort(protoUDP, servePortName(80, protoTCP)))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// A name no container serves matches nothing.
			name:     "named port nobody serves matches nothing",
			policies: pols(netpol("x", "a-on-unknown", podLabel("a"), ingress(from(anyPeer, namedPort(protoTCP, "serve-99-tcp"))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// Egress to the named SCTP port serve-81-sctp: SCTP/81 at every
			// destination.
			name:     "named port in egress",
			policies: pols(netpol("y", "c-to-serve-81-sctp", podLabel("c"), policyTypes(typeEgress), egress(to(anyPeer, namedPort(protoSCTP, servePortName(81, protoSCTP)))))),
			probes: []probe{
				expect(newTruth(true), sctp81, simulate.PortSpec{Protocol: protoSCTP, Name: servePortName(81, protoSCTP)}),
				expect(newTruth(true).row("y/c", false), tcp80, tcp81, udp80, udp81, sctp80),
			},
		},
		{
			// The pods of y serve "web" on TCP/8080, those of z on
			// TCP/8081, x has none. An egress rule to port "web" resolves
			// at each destination: x/a reaches y on 8080 and z on 8081,
			// and nothing on 80, though x/a itself serves no "web".
			name: "named port in egress resolves at each destination",
			setup: func(c *simulate.Cluster) {
				addContainerPort(c, "y/*", "web", protoTCP, 8080)
				addContainerPort(c, "z/*", "web", protoTCP, 8081)
			},
			policies: pols(netpol("x", "a-to-web", podLabel("a"), policyTypes(typeEgress), egress(to(anyPeer, namedPort(protoTCP, "web"))))),
			probes: []probe{
				expect(newTruth(true).row("x/a", false).set("x/a", "y/*", true), simulate.TCP(8080)),
				expect(newTruth(true).row("x/a", false).set("x/a", "z/*", true), simulate.TCP(8081)),
				expect(newTruth(true).row("x/a", false), tcp80, tcp81),
			},
		},
		{
			// Same ports; y admits port "web" from anyone, which for the
			// pods of y is TCP/8080 whatever the source serves.
			name: "named port in ingress resolves at the destination",
			setup: func(c *simulate.Cluster) {
				addContainerPort(c, "y/*", "web", protoTCP, 8080)
				addContainerPort(c, "z/*", "web", protoTCP, 8081)
			},
			policies: pols(netpol("y", "on-web", everything(), ingress(from(anyPeer, namedPort(protoTCP, "web"))))),
			probes: []probe{
				expect(newTruth(true), simulate.TCP(8080)),
				expect(newTruth(true).col("y/*", false), simulate.TCP(8081), tcp80, tcp81),
			},
		},

		// ---- ipBlock ----
		{
			// 10.0.0.0/16 except 10.0.1.0/24 holds x and z but not y.
			name:     "ipBlock with except",
			policies: pols(netpol("x", "a-from-cidr", podLabel("a"), ingress(from(peers(ipPeer("10.0.0.0/16", "10.0.1.0/24")))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true).set("z/*", "x/a", true), served...)},
		},
		{
			// y/b is in the except range but a second peer of the same
			// rule admits it: except only limits its own ipBlock.
			name: "address in except allowed by another peer",
			policies: pols(netpol("x", "a-from-cidr-or-y-b", podLabel("a"), ingress(from(peers(
				ipPeer("10.0.0.0/16", "10.0.1.0/24"),
				nsPodsPeer(nsName("y"), podLabel("b")),
			))))),
			probes: []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true).set("z/*", "x/a", true).set("y/b", "x/a", true), served...)},
		},
		{
			// z is excepted by one policy, z/c (10.0.2.3) admitted by
			// another: policies add up.
			name: "address in except allowed by another policy",
			policies: pols(
				netpol("x", "a-from-not-z", podLabel("a"), ingress(from(peers(ipPeer("10.0.0.0/8", "10.0.2.0/24"))))),
				netpol("x", "a-from-z-c", podLabel("a"), ingress(from(peers(ipPeer(podIP("z", "c")+"/32"))))),
			),
			probes: []probe{expect(newTruth(true).col("x/a", false).set("x/*", "x/a", true).set("y/*", "x/a", true).set("z/c", "x/a", true), served...)},
		},
		{
			// Egress to 10.0.2.0/24 with ipBlocks matching pod IPs (what
			// the upstream e2e tests expect): x/a reaches the pods of z.
			name:     "egress ipBlock over pod IPs with IPBlockMatchesPods(true)",
			policies: pols(netpol("x", "a-to-z-cidr", podLabel("a"), policyTypes(typeEgress), egress(to(peers(ipPeer("10.0.2.0/24")))))),
			opts:     []simulate.Option{simulate.IPBlockMatchesPods(true)},
			probes:   []probe{expect(newTruth(true).row("x/a", false).set("x/a", "z/*", true), served...)},
		},
		{
			// The same policy when ipBlocks see only addresses outside the
			// cluster: the rule matches no pod, x/a reaches none.
			name:     "egress ipBlock over pod IPs with IPBlockMatchesPods(false)",
			policies: pols(netpol("x", "a-to-z-cidr", podLabel("a"), policyTypes(typeEgress), egress(to(peers(ipPeer("10.0.2.0/24")))))),
			opts:     []simulate.Option{simulate.IPBlockMatchesPods(false)},
			probes:   []probe{expect(newTruth(true).row("x/a", false), served...)},
		},

		{
			// Egress to 10.0.0.0/16 except x's /24: x/a reaches y and z
			// but not its own namespace.
			name:     "egress ipBlock with except",
			policies: pols(netpol("x", "a-to-not-x", podLabel("a"), policyTypes(typeEgress), egress(to(peers(ipPeer("10.0.0.0/16", "10.0.0.0/24")))))),
			probes:   []probe{expect(newTruth(true).row("x/a", false).set("x/a", "y/*", true).set("x/a", "z/*", true), served...)},
		},
		{
			// Ingress from 10.0.0.0/8 when ipBlocks see only addresses
			// outside the cluster: no pod is admitted.
			name:     "ingress ipBlock over pod IPs with IPBlockMatchesPods(false)",
			policies: pols(netpol("x", "a-from-cidr", podLabel("a"), ingress(from(peers(ipPeer("10.0.0.0/8")))))),
			opts:     []simulate.Option{simulate.IPBlockMatchesPods(false)},
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},

		// ---- Both ends must allow ----
		{
			// x/a may send only to x/b; y/a admits all of x. x/a → y/a is
			// denied at the client, x/b and x/c → y/a are allowed.
			name: "egress denied at the client though the server allows",
			policies: pols(
				netpol("x", "a-to-b", podLabel("a"), policyTypes(typeEgress), egress(to(peers(podsPeer(podLabel("b")))))),
				netpol("y", "a-from-x", podLabel("a"), ingress(from(peers(nsPeer(nsName("x")))))),
			),
			probes: []probe{expect(newTruth(true).
				row("x/a", false).set("x/a", "x/b", true).
				col("y/a", false).set("x/b", "y/a", true).set("x/c", "y/a", true), served...)},
		},
		{
			// x/a may send to all of y; y/a admits y/b only. x/a → y/a is
			// denied at the server.
			name: "ingress denied at the server though the client allows",
			policies: pols(
				netpol("x", "a-to-y", podLabel("a"), policyTypes(typeEgress), egress(to(peers(nsPeer(nsName("y")))))),
				netpol("y", "a-from-b", podLabel("a"), ingress(from(peers(podsPeer(podLabel("b")))))),
			),
			probes: []probe{expect(newTruth(true).
				row("x/a", false).set("x/a", "y/*", true).
				col("y/a", false).set("y/b", "y/a", true), served...)},
		},

		// ---- Rules and policies add up ----
		{
			// Two policies select x/a: x/b on TCP/80, and y on TCP/81.
			name: "stacked policies add up",
			policies: pols(
				netpol("x", "a-from-b-80", podLabel("a"), ingress(from(peers(podsPeer(podLabel("b"))), tcpPort(80)))),
				netpol("x", "a-from-y-81", podLabel("a"), ingress(from(peers(nsPeer(nsName("y"))), tcpPort(81)))),
			),
			probes: []probe{
				expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true), tcp80),
				expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true), tcp81),
				expect(newTruth(true).col("x/a", false), udp80, udp81, sctp80, sctp81),
			},
		},
		{
			// The same two rules in one policy.
			name: "rules of one policy add up",
			policies: pols(netpol("x", "a-two-rules", podLabel("a"), ingress(
				from(peers(podsPeer(podLabel("b"))), tcpPort(80)),
				from(peers(nsPeer(nsName("y"))), tcpPort(81)),
			))),
			probes: []probe{
				expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true), tcp80),
				expect(newTruth(true).col("x/a", false).set("y/*", "x/a", true), tcp81),
				expect(newTruth(true).col("x/a", false), udp80, udp81, sctp80, sctp81),
			},
		},
		{
			// A default deny of x and an allow-all for x/a: the deny takes
			// nothing away from x/a; x/b and x/c stay closed.
			name: "deny-all does not subtract from another policy",
			policies: pols(
				netpol("x", "deny", everything()),
				netpol("x", "a-from-all", podLabel("a"), ingress(from(anyPeer))),
			),
			probes: []probe{expect(newTruth(true).col("x/b", false).col("x/c", false), served...)},
		},
		{
			// Egress: deny all of x, then allow x/c to y on TCP/80.
			name: "egress deny plus egress allow add up",
			policies: pols(
				netpol("x", "deny-egress", everything(), policyTypes(typeEgress)),
				netpol("x", "c-to-y-80", podLabel("c"), policyTypes(typeEgress), egress(to(peers(nsPeer(nsName("y"))), tcpPort(80)))),
			),
			probes: []probe{
				expect(newTruth(true).row("x/*", false).set("x/c", "y/*", true), tcp80),
				expect(newTruth(true).row("x/*", false), except(served, tcp80)...),
			},
		},

		// ---- Empty lists and policyTypes ----
		{
			// ingress: [] is no rule: x/a admits nothing.
			name:     "ingress: [] denies all ingress",
			policies: pols(netpol("x", "a-empty-ingress", podLabel("a"), ingress())),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// ingress: [{}] is one rule matching every peer and port.
			name:     "ingress: [{}] allows all ingress",
			policies: pols(netpol("x", "a-any-ingress", podLabel("a"), ingress(from(anyPeer)))),
			probes:   []probe{expect(newTruth(true), served...)},
		},
		{
			// egress: [{}] with policyTypes [Ingress, Egress] and no
			// ingress rule: x/a sends anywhere but admits nothing.
			name:     "egress: [{}] allows all egress",
			policies: pols(netpol("x", "a-any-egress", podLabel("a"), policyTypes(typeIngress, typeEgress), egress(to(anyPeer)))),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// policyTypes [Egress] with ingress rules present: the ingress
			// rules are ignored and x/a is not isolated for ingress.
			name: "policyTypes [Egress] ignores ingress rules",
			policies: pols(netpol("x", "a-egress-only", podLabel("a"), policyTypes(typeEgress),
				ingress(from(peers(podsPeer(podLabel("b"))))),
				egress(to(peers(nsPeer(nsName("y"))))),
			)),
			probes: []probe{expect(newTruth(true).row("x/a", false).set("x/a", "y/*", true), served...)},
		},
		{
			// policyTypes [Ingress] with egress rules present: the egress
			// rules are ignored; x/a admits nothing and sends anywhere.
			name: "policyTypes [Ingress] ignores egress rules",
			policies: pols(netpol("x", "a-ingress-only", podLabel("a"), policyTypes(typeIngress),
				egress(to(peers(nsPeer(nsName("y"))))),
			)),
			probes: []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// policyTypes absent with egress rules: Ingress and Egress.
			// x/a admits nothing and sends only to y.
			name:     "policyTypes absent with egress rules isolates both directions",
			policies: pols(netpol("x", "a-to-y", podLabel("a"), egress(to(peers(nsPeer(nsName("y"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).row("x/a", false).set("x/a", "y/*", true), served...)},
		},
		{
			// policyTypes absent with both kinds of rules: x/b admits x/c
			// only, and sends to z on TCP/81 only.
			name: "policyTypes absent with ingress and egress rules isolates both directions",
			policies: pols(netpol("x", "b-both", podLabel("b"),
				ingress(from(peers(podsPeer(podLabel("c"))))),
				egress(to(peers(nsPeer(nsName("z"))), tcpPort(81))),
			)),
			probes: []probe{
				expect(newTruth(true).col("x/b", false).set("x/c", "x/b", true).row("x/b", false).set("x/b", "z/*", true), tcp81),
				expect(newTruth(true).col("x/b", false).set("x/c", "x/b", true).row("x/b", false), except(served, tcp81)...),
			},
		},
		{
			// egress: [] is empty, so without policyTypes the policy is
			// Ingress only: x/a admits nothing and sends anywhere.
			name:     "policyTypes absent with egress: [] is Ingress only",
			policies: pols(netpol("x", "a-empty-lists", podLabel("a"), ingress(), egress())),
			probes:   []probe{expect(newTruth(true).col("x/a", false), served...)},
		},
		{
			// policyTypes absent, ingress rules only: Ingress alone, so
			// x/a's egress stays open.
			name:     "policyTypes absent with ingress rules only leaves egress open",
			policies: pols(netpol("x", "a-from-b", podLabel("a"), ingress(from(peers(podsPeer(podLabel("b"))))))),
			probes:   []probe{expect(newTruth(true).col("x/a", false).set("x/b", "x/a", true), served...)},
		},
	}
}
