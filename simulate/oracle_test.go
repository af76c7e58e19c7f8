package simulate_test

// The oracle: a deliberately naive evaluator of NetworkPolicy written
// straight from the semantics (DESIGN.md, "Semantics reference", and the
// engine's documented choices). It reads the raw API objects of a Cluster on
// every question, loops over every policy, and shares no code with the
// engine, package policy or package selector. It is slow on purpose; the
// properties in property_test.go prove the engine equal to it: Check and
// the matrix under every combination of options (oracleDecide), Query to
// Services (oracleServiceQuery: port translation per backend, ExternalName)
// and Exposure (oracleDirect, oracleServiceRoutes, oracleIngressRoutes).
// It uses package simulate's PortSet only as a set of ports.

import (
	"cmp"
	"net/netip"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// endpoint is one end of a connection for the oracle: a pod when name is
// set, otherwise the address addr.
type endpoint struct {
	namespace, name string
	addr            netip.Addr
}

func podEnd(id simulate.PodID) endpoint { return endpoint{namespace: id.Namespace, name: id.Name} }
func ipEnd(a netip.Addr) endpoint       { return endpoint{addr: a} }

func (e endpoint) String() string {
	if e.name != "" {
		return e.namespace + "/" + e.name
	}
	return e.addr.String()
}

// oracleAllowed reports whether from may open a connection to to on (proto,
// port) in cluster c. ipBlockMatchesPods is the engine option of that name.
//
// Semantics, from the rules:
//   - An address that belongs to a (non-hostNetwork) pod is that pod. A
//     hostNetwork pod's address is its node's, so it stays an address.
//   - A pod always reaches itself, and a node the pods running on it (see
//     oracleExempt; oracleDecide takes the options).
//   - The connection needs the sender's egress and the receiver's ingress.
//     An address outside the cluster has no policies: its side allows.
//   - A pod is isolated in a direction iff some policy of its namespace
//     selects it and has that direction among its effective policyTypes
//     (absent or empty policyTypes: Ingress, plus Egress iff egress has
//     rules). hostNetwork pods are never isolated.
//   - An isolated direction allows the connection iff some rule of some
//     selecting policy matches both the remote end and the port.
func oracleAllowed(c simulate.Cluster, ipBlockMatchesPods bool, from, to endpoint, proto corev1.Protocol, port int32) bool {
	return oracleAllowedResolved(c, ipBlockMatchesPods, oracleResolve(c, from), oracleResolve(c, to), from.addr, to.addr, proto, port)
}

// oracleAllowedResolved is oracleAllowed with the endpoints already
// resolved by oracleResolve: fromPod and toPod are the pods (nil for an
// address outside the cluster, which is then fromAddr or toAddr). The
// properties call it to resolve each pair once rather than once per port.
func oracleAllowedResolved(c simulate.Cluster, ipBlockMatchesPods bool, fromPod, toPod *corev1.Pod, fromAddr, toAddr netip.Addr, proto corev1.Protocol, port int32) bool {
	return oracleDecide(c, defaultOracleOpts(ipBlockMatchesPods), fromPod, toPod, fromAddr, toAddr, proto, port)
}

// oracleOpts are the engine's options as the oracle reads them.
type oracleOpts struct {
	ipBlockPods bool              // IPBlockMatchesPods
	self        bool              // SelfTraffic
	node        bool              // NodeTraffic
	nodeAddrs   []netip.Addr      // NodeAddresses
	ctrlNs      string            // IngressController: namespace
	ctrlLabels  map[string]string // IngressController: labels
	hostPods    bool              // HostNetworkPods(HostNetworkAsPod)
}

// asNode reports whether p is a hostNetwork pod that o treats as its node
// (HostNetworkAsNode, the default): no policy subject, matched by no
// selector, its traffic to the pods of its node node traffic.
func (o oracleOpts) asNode(p *corev1.Pod) bool {
	return p != nil && p.Spec.HostNetwork && !o.hostPods
}

// defaultOracleOpts are the engine's defaults, with IPBlockMatchesPods(ipb).
func defaultOracleOpts(ipb bool) oracleOpts {
	return oracleOpts{ipBlockPods: ipb, self: true, node: true, ctrlNs: simulate.DefaultIngressControllerNamespace,
		ctrlLabels: map[string]string{simulate.DefaultIngressControllerLabel: simulate.DefaultIngressControllerValue}}
}

// options returns o as engine options.
func (o oracleOpts) options() []simulate.Option {
	mode := simulate.HostNetworkAsNode
	if o.hostPods {
		mode = simulate.HostNetworkAsPod
	}
	return []simulate.Option{simulate.IPBlockMatchesPods(o.ipBlockPods), simulate.SelfTraffic(o.self), simulate.NodeTraffic(o.node),
		simulate.NodeAddresses(o.nodeAddrs...), simulate.IngressController(o.ctrlNs, o.ctrlLabels), simulate.HostNetworkPods(mode)}
}

// oracleDecide is oracleAllowedResolved under the options o:
//   - traffic exempt from policy (oracleExempt) is allowed;
//   - otherwise the sender's egress and the receiver's ingress must both
//     allow it.
func oracleDecide(c simulate.Cluster, o oracleOpts, fromPod, toPod *corev1.Pod, fromAddr, toAddr netip.Addr, proto corev1.Protocol, port int32) bool {
	if oracleExempt(c, o, fromPod, toPod, fromAddr) {
		return true
	}
	egressOK := oracleSideAllowsOpts(c, o, networkingv1.PolicyTypeEgress, fromPod, toPod, toAddr, toPod, proto, port)
	ingressOK := oracleSideAllowsOpts(c, o, networkingv1.PolicyTypeIngress, toPod, fromPod, fromAddr, toPod, proto, port)
	return egressOK && ingressOK
}

// oracleExempt reports whether a connection is allowed whatever the
// policies say:
//   - with SelfTraffic, a pod to itself;
//   - with NodeTraffic, a node to a pod running on it (spec.nodeName): from
//     an address the Node object of that name reports (InternalIP or
//     ExternalIP), or from a hostNetwork pod on that node, which sends with
//     the node's address (unless o treats hostNetwork pods as pods).
func oracleExempt(c simulate.Cluster, o oracleOpts, fromPod, toPod *corev1.Pod, fromAddr netip.Addr) bool {
	if o.self && fromPod != nil && fromPod == toPod {
		return true
	}
	if !o.node || toPod == nil || toPod.Spec.NodeName == "" {
		return false
	}
	if fromPod == nil {
		return slices.Contains(oracleNodeAddrs(c, toPod.Spec.NodeName), fromAddr)
	}
	return o.asNode(fromPod) && fromPod.Spec.NodeName == toPod.Spec.NodeName
}

// oracleNodeAddrs returns the InternalIP and ExternalIP addresses of the
// Node objects named name ("" for every Node).
func oracleNodeAddrs(c simulate.Cluster, name string) []netip.Addr {
	var out []netip.Addr
	for _, n := range c.Nodes {
		if name != "" && n.Name != name {
			continue
		}
		for _, a := range n.Status.Addresses {
			if a.Type != corev1.NodeInternalIP && a.Type != corev1.NodeExternalIP {
				continue
			}
			if ip, err := netip.ParseAddr(a.Address); err == nil {
				out = append(out, ip)
			}
		}
	}
	return out
}

// oracleResolve returns the pod an endpoint stands for, or nil for an
// address outside the cluster.
func oracleResolve(c simulate.Cluster, e endpoint) *corev1.Pod {
	for i := range c.Pods {
		p := &c.Pods[i]
		if e.name != "" {
			if p.Namespace == e.namespace && p.Name == e.name {
				return p
			}
			continue
		}
		if !p.Spec.HostNetwork && slices.Contains(oraclePodIPs(p), e.addr) {
			return p
		}
	}
	return nil
}

// oracleSideAllows judges one direction at subject (nil: outside the
// cluster). The remote end is remotePod, or remoteAddr when remotePod is nil.
// dest is the destination of the connection, against which named ports
// resolve (nil when it is outside the cluster).
func oracleSideAllows(c simulate.Cluster, ipBlockMatchesPods bool, dir networkingv1.PolicyType,
	subject, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	return oracleSideAllowsOpts(c, defaultOracleOpts(ipBlockMatchesPods), dir, subject, remotePod, remoteAddr, dest, proto, port)
}

// oracleSideAllowsOpts is oracleSideAllows under the options o (which of
// them matter: IPBlockMatchesPods, HostNetworkPods).
func oracleSideAllowsOpts(c simulate.Cluster, o oracleOpts, dir networkingv1.PolicyType,
	subject, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if subject == nil || o.asNode(subject) {
		return true
	}
	isolated := false
	for i := range c.NetworkPolicies {
		np := &c.NetworkPolicies[i]
		if np.Namespace != subject.Namespace || !oracleSelects(&np.Spec.PodSelector, subject.Labels) {
			continue
		}
		if !slices.Contains(oracleEffectiveTypes(np), dir) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				if oraclePeersMatchOpts(c, o, np, r.From, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
					return true
				}
			}
		} else {
			for _, r := range np.Spec.Egress {
				if oraclePeersMatchOpts(c, o, np, r.To, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
					return true
				}
			}
		}
	}
	return !isolated
}

func oracleEffectiveTypes(np *networkingv1.NetworkPolicy) []networkingv1.PolicyType {
	if len(np.Spec.PolicyTypes) > 0 {
		return np.Spec.PolicyTypes
	}
	types := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if len(np.Spec.Egress) > 0 {
		types = append(types, networkingv1.PolicyTypeEgress)
	}
	return types
}

// oraclePeersMatch reports whether the remote end matches one of peers of
// a rule of np. No peers (from/to absent or empty) means any peer.
func oraclePeersMatch(c simulate.Cluster, ipBlockMatchesPods bool, np *networkingv1.NetworkPolicy,
	peers []networkingv1.NetworkPolicyPeer, remotePod *corev1.Pod, remoteAddr netip.Addr) bool {
	return oraclePeersMatchOpts(c, defaultOracleOpts(ipBlockMatchesPods), np, peers, remotePod, remoteAddr)
}

// oraclePeersMatchOpts is oraclePeersMatch under the options o.
func oraclePeersMatchOpts(c simulate.Cluster, o oracleOpts, np *networkingv1.NetworkPolicy,
	peers []networkingv1.NetworkPolicyPeer, remotePod *corev1.Pod, remoteAddr netip.Addr) bool {
	if len(peers) == 0 {
		return true
	}
	for _, peer := range peers {
		if peer.IPBlock != nil {
			if remotePod == nil {
				if oracleInBlock(peer.IPBlock, remoteAddr) {
					return true
				}
				continue
			}
			if !o.ipBlockPods {
				continue
			}
			for _, a := range oraclePodIPs(remotePod) {
				if oracleInBlock(peer.IPBlock, a) {
					return true
				}
			}
			continue
		}
		// A selector peer matches pods only, and hostNetwork ones only
		// when they are treated as pods.
		if remotePod == nil || o.asNode(remotePod) {
			continue
		}
		var nsOK bool
		if peer.NamespaceSelector == nil {
			nsOK = remotePod.Namespace == np.Namespace
		} else {
			nsOK = oracleSelects(peer.NamespaceSelector, oracleNamespaceLabels(c, remotePod.Namespace))
		}
		podOK := peer.PodSelector == nil || oracleSelects(peer.PodSelector, remotePod.Labels)
		if nsOK && podOK {
			return true
		}
	}
	return false
}

// oraclePortsMatch reports whether (proto, port) to dest matches one of
// ports. No ports (absent or empty) means every port of every protocol.
func oraclePortsMatch(ports []networkingv1.NetworkPolicyPort, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pp := corev1.ProtocolTCP
		if p.Protocol != nil {
			pp = *p.Protocol
		}
		if pp != proto {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.Int:
			end := p.Port.IntVal
			if p.EndPort != nil {
				end = *p.EndPort
			}
			if p.Port.IntVal <= port && port <= end {
				return true
			}
		default:
			if oracleServes(dest, p.Port.StrVal, proto, port) {
				return true
			}
		}
	}
	return false
}

// oracleServes reports whether pod serves port on proto under name: a
// NetworkPolicy's named port matches every container port of the
// destination pod with that name and protocol, in any container. A nil pod
// (outside the cluster) serves no names.
func oracleServes(pod *corev1.Pod, name string, proto corev1.Protocol, port int32) bool {
	if pod == nil {
		return false
	}
	for _, ctr := range pod.Spec.Containers {
		for _, cp := range ctr.Ports {
			if cp.Name == name && cmp.Or(cp.Protocol, corev1.ProtocolTCP) == proto && cp.ContainerPort == port {
				return true
			}
		}
	}
	return false
}

// oracleNamedPort returns the number of the first container port of pod
// named name on proto, in container order: what a Service's named
// targetPort (and a question's named port) resolves to, as the endpoints
// controller resolves it. A nil pod (outside the cluster) serves no names.
func oracleNamedPort(pod *corev1.Pod, name string, proto corev1.Protocol) (int32, bool) {
	if pod == nil {
		return 0, false
	}
	for _, ctr := range pod.Spec.Containers {
		for _, cp := range ctr.Ports {
			cpProto := cp.Protocol
			if cpProto == "" {
				cpProto = corev1.ProtocolTCP
			}
			if cp.Name == name && cpProto == proto {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

// oracleNamespaceLabels returns the labels of namespace name as the API
// server would have them: the object's labels (none when there is no
// object) with kubernetes.io/metadata.name set to the name.
func oracleNamespaceLabels(c simulate.Cluster, name string) map[string]string {
	out := map[string]string{}
	for _, ns := range c.Namespaces {
		if ns.Name == name {
			for k, v := range ns.Labels {
				out[k] = v
			}
		}
	}
	out[corev1.LabelMetadataName] = name
	return out
}

// oraclePodIPs returns the addresses of p: status.podIP and status.podIPs.
func oraclePodIPs(p *corev1.Pod) []netip.Addr {
	var out []netip.Addr
	if a, err := netip.ParseAddr(p.Status.PodIP); err == nil {
		out = append(out, a)
	}
	for _, ip := range p.Status.PodIPs {
		if a, err := netip.ParseAddr(ip.IP); err == nil {
			out = append(out, a)
		}
	}
	return out
}

func oracleInBlock(b *networkingv1.IPBlock, a netip.Addr) bool {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil || !cidr.Contains(a) {
		return false
	}
	for _, e := range b.Except {
		if ex, err := netip.ParsePrefix(e); err == nil && ex.Contains(a) {
			return false
		}
	}
	return true
}

// oracleSelects is label selector matching from the definition: nil matches
// nothing; every matchLabels pair and every expression must hold; NotIn and
// DoesNotExist hold when the key is absent.
func oracleSelects(s *metav1.LabelSelector, l map[string]string) bool {
	if s == nil {
		return false
	}
	for k, v := range s.MatchLabels {
		if got, ok := l[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		got, ok := l[e.Key]
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			if !ok || !slices.Contains(e.Values, got) {
				return false
			}
		case metav1.LabelSelectorOpNotIn:
			if ok && slices.Contains(e.Values, got) {
				return false
			}
		case metav1.LabelSelectorOpExists:
			if !ok {
				return false
			}
		case metav1.LabelSelectorOpDoesNotExist:
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// TestOracleSelectsAsAPIMachinery keeps the oracle's own selector matching
// honest against apimachinery's.
func TestOracleSelectsAsAPIMachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := fuzz.LabelSelector().Draw(t, "selector")
		l := fuzz.Labels().Draw(t, "labels")
		want := false
		if s != nil {
			sel, err := metav1.LabelSelectorAsSelector(s)
			if err != nil {
				t.Fatalf("generated an invalid selector: %v", err)
			}
			want = sel.Matches(labels.Set(l))
		}
		if got := oracleSelects(s, l); got != want {
			t.Fatalf("oracleSelects(%v, %v) = %v, apimachinery says %v", metav1.FormatLabelSelector(s), l, got, want)
		}
	})
}

// Builders for the oracle's own tests.

func oPod(ns, name, ip string, labels map[string]string, ports ...corev1.ContainerPort) corev1.Pod {
	var p corev1.Pod
	p.Namespace, p.Name, p.Labels = ns, name, labels
	p.Spec.Containers = []corev1.Container{{Name: "app", Image: "app", Ports: ports}}
	if ip != "" {
		p.Status.PodIP = ip
		p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	}
	return p
}

func oPolicy(ns, name string, subject *metav1.LabelSelector, spec networkingv1.NetworkPolicySpec) networkingv1.NetworkPolicy {
	var np networkingv1.NetworkPolicy
	np.Namespace, np.Name = ns, name
	np.Spec = spec
	np.Spec.PodSelector = *subject
	return np
}

func oSel(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	for i := 0; i+1 < len(kv); i += 2 {
		if s.MatchLabels == nil {
			s.MatchLabels = map[string]string{}
		}
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

func oPort(proto corev1.Protocol, port *intstr.IntOrString, endPort ...int32) networkingv1.NetworkPolicyPort {
	p := networkingv1.NetworkPolicyPort{Port: port}
	if proto != "" {
		p.Protocol = &proto
	}
	if len(endPort) > 0 {
		p.EndPort = &endPort[0]
	}
	return p
}

func oNum(n int32) *intstr.IntOrString   { v := intstr.FromInt32(n); return &v }
func oName(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }

// TestOracleKnownCases pins the oracle to hand-checked answers, so that it
// is trusted on its own and not only because the engine agrees with it.
func TestOracleKnownCases(t *testing.T) {
	const tcp, udp = corev1.ProtocolTCP, corev1.ProtocolUDP
	base := func() simulate.Cluster {
		host := oPod("a", "host", "172.16.0.1", map[string]string{"app": "web"})
		host.Spec.HostNetwork = true
		return simulate.Cluster{
			Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{"team": "x", corev1.LabelMetadataName: "b"}}}},
			Pods: []corev1.Pod{
				oPod("a", "web", "10.0.0.1", map[string]string{"app": "web"}, corev1.ContainerPort{Name: "http", ContainerPort: 80}),
				oPod("a", "db", "10.0.0.2", map[string]string{"app": "db"},
					corev1.ContainerPort{Name: "pg", ContainerPort: 5432, Protocol: tcp},
					corev1.ContainerPort{Name: "dns", ContainerPort: 53, Protocol: udp}),
				oPod("b", "client", "10.0.1.1", map[string]string{"app": "client"}),
				oPod("b", "pending", "", map[string]string{"app": "client"}),
				host,
			},
		}
	}
	web, db, client, pending, host := podEnd(simulate.PodID{Namespace: "a", Name: "web"}), podEnd(simulate.PodID{Namespace: "a", Name: "db"}),
		podEnd(simulate.PodID{Namespace: "b", Name: "client"}), podEnd(simulate.PodID{Namespace: "b", Name: "pending"}), podEnd(simulate.PodID{Namespace: "a", Name: "host"})
	ext := func(s string) endpoint { return ipEnd(netip.MustParseAddr(s)) }
	ingress := func(rules ...networkingv1.NetworkPolicyIngressRule) networkingv1.NetworkPolicySpec {
		return networkingv1.NetworkPolicySpec{Ingress: rules}
	}
	egress := func(rules ...networkingv1.NetworkPolicyEgressRule) networkingv1.NetworkPolicySpec {
		return networkingv1.NetworkPolicySpec{Egress: rules, PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}
	}
	block := func(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
	}
	type q struct {
		from, to endpoint
		proto    corev1.Protocol
		port     int32
		ipb      bool
		want     bool
	}
	for _, tc := range []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		qs       []q
	}{
		{"no policies", nil, []q{
			{web, db, tcp, 1, true, true}, {ext("8.8.8.8"), db, udp, 9, true, true}, {db, ext("8.8.8.8"), tcp, 443, false, true},
		}},
		{"default deny ingress", []networkingv1.NetworkPolicy{oPolicy("a", "deny", oSel(), ingress())}, []q{
			{web, db, tcp, 80, true, false}, {db, db, tcp, 80, true, true}, {ext("10.0.0.2"), db, tcp, 80, true, true}, // the pod's own address is the pod
			{db, client, tcp, 80, true, true}, {client, host, tcp, 80, true, true}, // hostNetwork pods are not isolated
		}},
		{"allow all ingress", []networkingv1.NetworkPolicy{oPolicy("a", "all", oSel(), ingress(networkingv1.NetworkPolicyIngressRule{}))}, []q{
			{client, db, tcp, 80, true, true}, {ext("8.8.8.8"), db, udp, 53, true, true},
		}},
		{"named port, podSelector peer", []networkingv1.NetworkPolicy{oPolicy("a", "db", oSel("app", "db"), ingress(networkingv1.NetworkPolicyIngressRule{
			From:  []networkingv1.NetworkPolicyPeer{{PodSelector: oSel("app", "web")}},
			Ports: []networkingv1.NetworkPolicyPort{oPort("", oName("pg")), oPort(udp, oName("pg"))},
		}))}, []q{
			{web, db, tcp, 5432, true, true}, {web, db, tcp, 5433, true, false}, {web, db, udp, 5432, true, false},
			{client, db, tcp, 5432, true, false}, // podSelector alone: the policy's namespace only
			{host, db, tcp, 5432, true, false},   // selectors never match hostNetwork pods
		}},
		{"egress named port never matches an address", []networkingv1.NetworkPolicy{oPolicy("a", "web", oSel("app", "web"), egress(networkingv1.NetworkPolicyEgressRule{
			Ports: []networkingv1.NetworkPolicyPort{oPort(tcp, oName("pg")), oPort(udp, oName("dns"))},
		}))}, []q{
			{web, db, tcp, 5432, true, true}, {web, db, udp, 53, true, true}, {web, db, tcp, 80, true, false},
			{web, ext("8.8.8.8"), tcp, 5432, true, false}, {web, client, tcp, 5432, true, false},
		}},
		{"ipBlock with except", []networkingv1.NetworkPolicy{oPolicy("a", "web", oSel("app", "web"), egress(networkingv1.NetworkPolicyEgressRule{
			To: []networkingv1.NetworkPolicyPeer{block("10.0.0.0/16", "10.0.0.2/32"), block("172.16.0.0/12")},
		}))}, []q{
			{web, db, tcp, 80, true, false}, {web, client, tcp, 80, true, true}, {web, client, tcp, 80, false, false},
			{web, ext("10.0.5.5"), tcp, 80, false, true}, {web, ext("10.0.0.2"), tcp, 80, true, false},
			{web, pending, tcp, 80, true, false}, // no IP, no ipBlock match
			{web, host, tcp, 80, true, true}, {web, host, tcp, 80, false, false}, {web, ext("172.16.0.1"), tcp, 80, false, true},
		}},
		{"policyTypes default", []networkingv1.NetworkPolicy{
			oPolicy("a", "with-egress", oSel("app", "web"), networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{PodSelector: oSel("app", "db")}}}}}),
			oPolicy("a", "empty-egress", oSel("app", "db"), networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{}, Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}),
		}, []q{
			{web, db, tcp, 80, true, true}, {web, client, tcp, 80, true, false}, {client, web, tcp, 80, true, false}, // web: ingress and egress isolated
			{db, client, tcp, 80, true, true}, // egress: [] without policyTypes does not isolate egress
		}},
		{"namespaceSelector", []networkingv1.NetworkPolicy{oPolicy("a", "db", oSel("app", "db"), ingress(networkingv1.NetworkPolicyIngressRule{
			From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: oSel(corev1.LabelMetadataName, "b"), PodSelector: oSel("app", "client")}},
		}))}, []q{
			{client, db, tcp, 80, true, true}, // b has no Namespace object yet carries its name label
			{web, db, tcp, 80, true, false},   // a's stale name label is overwritten
		}},
		{"ports: endPort and protocol only", []networkingv1.NetworkPolicy{oPolicy("a", "db", oSel("app", "db"), ingress(networkingv1.NetworkPolicyIngressRule{
			Ports: []networkingv1.NetworkPolicyPort{oPort("", oNum(8000), 8080), oPort(udp, nil)},
		}))}, []q{
			{web, db, tcp, 8000, true, true}, {web, db, tcp, 8080, true, true}, {web, db, tcp, 8081, true, false}, {web, db, tcp, 7999, true, false},
			{web, db, udp, 1, true, true}, {web, db, corev1.ProtocolSCTP, 8000, true, false},
		}},
	} {
		c := base()
		c.NetworkPolicies = tc.policies
		for _, q := range tc.qs {
			if got := oracleAllowed(c, q.ipb, q.from, q.to, q.proto, q.port); got != q.want {
				t.Errorf("%s: oracle: %v → %v on %s/%d (ipBlock matches pods: %v) = %v, want %v", tc.name, q.from, q.to, q.proto, q.port, q.ipb, got, q.want)
			}
			// The engine must give the same hand-checked answers.
			m, err := simulate.Compile(c, simulate.IPBlockMatchesPods(q.ipb))
			if err != nil {
				t.Fatalf("%s: Compile: %v", tc.name, err)
			}
			v, err := m.Check(simEnd(q.from), simEnd(q.to), simulate.PortSpec{Protocol: q.proto, Start: q.port, End: q.port})
			if err != nil {
				t.Fatalf("%s: Check: %v", tc.name, err)
			}
			if v.Allowed != q.want {
				t.Errorf("%s: engine: %v → %v on %s/%d (ipBlock matches pods: %v) = %v, want %v\n%v", tc.name, q.from, q.to, q.proto, q.port, q.ipb, v.Allowed, q.want, v)
			}
		}
	}
}

// The oracle of Services (Query) and of exposure (Exposure), from the raw
// objects and the doc comments of Query, Exposure and the options.

// oracleSelectorSet is a Service's selector: every pair must be among the
// labels. An empty selector selects nothing (endpoints managed by hand).
func oracleSelectorSet(sel, l map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if got, ok := l[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// oracleIsBackend reports whether pod is a backend of svc: a pod of its
// namespace whose labels hold every pair of its selector (hostNetwork pods
// included) and that the endpoints controller would list, that is one
// with an address; a pod without any status (phase unset, as in a
// manifest) stands for the pod once it runs, and counts.
func oracleIsBackend(svc *corev1.Service, pod *corev1.Pod) bool {
	return pod.Namespace == svc.Namespace && oracleSelectorSet(svc.Spec.Selector, pod.Labels) &&
		(len(oraclePodIPs(pod)) > 0 || pod.Status.Phase == "")
}

// oracleBackends returns the backends of a Service (oracleIsBackend),
// sorted by name.
func oracleBackends(c simulate.Cluster, svc *corev1.Service) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range c.Pods {
		if p := &c.Pods[i]; oracleIsBackend(svc, p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *corev1.Pod) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// oracleTargetPort resolves a Service port at one backend: a named
// targetPort is the first container port of that name and the Service
// port's protocol (false when the backend serves none); a numeric one is
// itself; an absent one is the Service port.
func oracleTargetPort(p *corev1.Pod, sp corev1.ServicePort) (int32, bool) {
	switch {
	case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
		return oracleNamedPort(p, sp.TargetPort.StrVal, cmp.Or(sp.Protocol, corev1.ProtocolTCP))
	case sp.TargetPort.IntVal != 0:
		return sp.TargetPort.IntVal, true
	}
	return sp.Port, true
}

// oracleVerdict is one pair of a question's answer.
type oracleVerdict struct {
	to      string // backend pod, or "" for an ExternalName Service
	port    int32  // the port at the backend (0: a named target port it does not serve)
	allowed bool
}

// oracleServiceQuery answers Query(src, Service svc, port) where port is a
// number (name == "") or a name of a Service port. ok is false when the
// engine must refuse the question: the Service has no such port, an
// ExternalName Service is asked by name, or its source is not a pod.
//   - ExternalName: a DNS name outside the cluster; only the source's
//     egress decides, and only a rule that admits any peer can allow it.
//   - Otherwise the first Service port of that protocol and name (or
//     number) is translated per backend (oracleTargetPort) and judged as
//     traffic from src to the backend on the target port.
func oracleServiceQuery(c simulate.Cluster, o oracleOpts, src endpoint, svc *corev1.Service, proto corev1.Protocol, number int32, name string) ([]oracleVerdict, bool) {
	srcPod := oracleResolve(c, src)
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		if name != "" || srcPod == nil {
			return nil, false
		}
		return []oracleVerdict{{port: number, allowed: oracleEgressAnyAddress(c, o, srcPod, proto, number)}}, true
	}
	var sp *corev1.ServicePort
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if cmp.Or(p.Protocol, corev1.ProtocolTCP) == proto && (name != "" && p.Name == name || name == "" && p.Port == number) {
			sp = p
			break
		}
	}
	if sp == nil {
		return nil, false
	}
	var out []oracleVerdict
	for _, b := range oracleBackends(c, svc) {
		v := oracleVerdict{to: b.Namespace + "/" + b.Name}
		if n, ok := oracleTargetPort(b, *sp); ok {
			v.port = n
			v.allowed = oracleDecide(c, o, srcPod, b, src.addr, netip.Addr{}, proto, n)
		}
		out = append(out, v)
	}
	return out, true
}

// oracleEgressAnyAddress reports whether pod may reach every address
// outside the cluster on (proto, port): it is not isolated for egress, or
// an egress rule that admits any peer allows the port (named ports never
// match outside the cluster).
func oracleEgressAnyAddress(c simulate.Cluster, o oracleOpts, pod *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if o.asNode(pod) {
		return true
	}
	isolated := false
	for i := range c.NetworkPolicies {
		np := &c.NetworkPolicies[i]
		if np.Namespace != pod.Namespace || !oracleSelects(&np.Spec.PodSelector, pod.Labels) || !slices.Contains(oracleEffectiveTypes(np), networkingv1.PolicyTypeEgress) {
			continue
		}
		isolated = true
		for _, r := range np.Spec.Egress {
			if len(r.To) == 0 && oraclePortsMatch(r.Ports, nil, proto, port) {
				return true
			}
		}
	}
	return !isolated
}

// oracleRoute is a route into a pod as the oracle sees it; sources says
// which outside addresses may use it.
type oracleRoute struct {
	kind            simulate.RouteKind
	via, host, path string
	tls             bool
	svcPort         corev1.ServicePort // NodePort and LoadBalancer: the Service port
	entry, pod      simulate.PortSet
	sources         func(netip.Addr) bool
	// any: the route is open to any address as the engine can know it
	// (a pod not isolated, a rule without peers, node traffic), not
	// through ipBlocks that happen to cover everything.
	any bool
}

// oracleOutsideRules calls f for every rule of the policies that isolate
// pod for dir and may admit an address outside the cluster: rules without
// peers (any) and rules with ipBlock peers. It reports whether pod is
// isolated for dir.
func oracleOutsideRules(c simulate.Cluster, o oracleOpts, pod *corev1.Pod, dir networkingv1.PolicyType,
	f func(peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort)) bool {
	if o.asNode(pod) {
		return false
	}
	isolated := false
	for i := range c.NetworkPolicies {
		np := &c.NetworkPolicies[i]
		if np.Namespace != pod.Namespace || !oracleSelects(&np.Spec.PodSelector, pod.Labels) || !slices.Contains(oracleEffectiveTypes(np), dir) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				f(r.From, r.Ports)
			}
		} else {
			for _, r := range np.Spec.Egress {
				f(r.To, r.Ports)
			}
		}
	}
	return isolated
}

// oracleRulePorts returns the ports a rule's ports allow at dest (nil:
// outside the cluster, where names match nothing): every named port's
// every container port of that name and protocol.
func oracleRulePorts(ports []networkingv1.NetworkPolicyPort, dest *corev1.Pod) simulate.PortSet {
	if len(ports) == 0 {
		return simulate.AllPorts()
	}
	var ranges []simulate.PortRange
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		switch {
		case p.Port == nil:
			ranges = append(ranges, simulate.PortRange{Protocol: proto, Start: 1, End: 65535})
		case p.Port.Type == intstr.Int:
			end := p.Port.IntVal
			if p.EndPort != nil {
				end = *p.EndPort
			}
			ranges = append(ranges, simulate.PortRange{Protocol: proto, Start: p.Port.IntVal, End: end})
		case dest != nil:
			for _, ctr := range dest.Spec.Containers {
				for _, cp := range ctr.Ports {
					if cp.Name == p.Port.StrVal && cmp.Or(cp.Protocol, corev1.ProtocolTCP) == proto {
						ranges = append(ranges, simulate.PortRange{Protocol: proto, Start: cp.ContainerPort, End: cp.ContainerPort})
					}
				}
			}
		}
	}
	return simulate.NewPortSet(ranges...)
}

// oracleAdmitsOutside reports whether the peers of a rule admit the
// outside address a: no peers admit any; else an ipBlock must hold it.
func oracleAdmitsOutside(peers []networkingv1.NetworkPolicyPeer, a netip.Addr) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		if p.IPBlock != nil && oracleInBlock(p.IPBlock, a) {
			return true
		}
	}
	return false
}

// oracleMayAdmitOutside reports whether some outside address may pass the
// peers at all: no peers, or some ipBlock that holds an address (its
// excepts do not cover it).
func oracleMayAdmitOutside(peers []networkingv1.NetworkPolicyPeer) bool {
	return len(peers) == 0 || slices.ContainsFunc(peers, func(p networkingv1.NetworkPolicyPeer) bool {
		return p.IPBlock != nil && !oracleBlockEmpty(p.IPBlock)
	})
}

// oracleBlockEmpty reports whether the excepts of b cover its CIDR, by
// halving: a prefix is covered when an except holds it, or when no except
// lies inside it it is not, else when both halves are covered.
func oracleBlockEmpty(b *networkingv1.IPBlock) bool {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return true
	}
	var excepts []netip.Prefix
	for _, e := range b.Except {
		if ex, err := netip.ParsePrefix(e); err == nil {
			excepts = append(excepts, ex.Masked())
		}
	}
	var covered func(p netip.Prefix) bool
	covered = func(p netip.Prefix) bool {
		inside := false
		for _, e := range excepts {
			if e.Bits() <= p.Bits() && e.Contains(p.Addr()) {
				return true
			}
			inside = inside || p.Contains(e.Addr())
		}
		if !inside {
			return false
		}
		lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
		hi := netip.PrefixFrom(lastAddr(p), p.Bits()+1).Masked()
		return covered(lo) && covered(hi)
	}
	return covered(cidr.Masked())
}

// oracleDirect is the Direct route into pod: the ports on which some rule
// that may admit an outside address (no peers, or ipBlocks) allows
// something, open to the addresses such rules admit on some port; a pod
// not isolated for ingress is open on every port to every address.
func oracleDirect(c simulate.Cluster, o oracleOpts, pod *corev1.Pod) oracleRoute {
	r := oracleRoute{kind: simulate.RouteDirect}
	var ranges []simulate.PortRange
	var admitting [][]networkingv1.NetworkPolicyPeer
	isolated := oracleOutsideRules(c, o, pod, networkingv1.PolicyTypeIngress, func(peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
		ps := oracleRulePorts(ports, pod)
		if !oracleMayAdmitOutside(peers) || ps.IsEmpty() {
			return
		}
		ranges = append(ranges, ps.Ranges()...)
		admitting = append(admitting, peers)
	})
	if !isolated {
		r.pod, r.entry = simulate.AllPorts(), simulate.AllPorts()
		r.sources, r.any = func(netip.Addr) bool { return true }, true
		return r
	}
	r.any = slices.ContainsFunc(admitting, func(peers []networkingv1.NetworkPolicyPeer) bool { return len(peers) == 0 })
	r.pod = simulate.NewPortSet(ranges...)
	r.entry = r.pod
	r.sources = func(a netip.Addr) bool {
		return slices.ContainsFunc(admitting, func(peers []networkingv1.NetworkPolicyPeer) bool { return oracleAdmitsOutside(peers, a) })
	}
	return r
}

// oracleServiceRoutes lists the NodePort and LoadBalancer routes into pod:
// per Service of its namespace of type NodePort or LoadBalancer that
// selects it, per Service port whose target the pod serves, a route of the
// Service's type (entry: the Service port) and, for a NodePort Service or
// a LoadBalancer one that allocates node ports (the default), a NodePort
// route (entry: the node port, none when the cluster allocates it).
//   - externalTrafficPolicy Local: the pod sees the client's address, so
//     the addresses its ingress admits on the target port may use it;
//   - Cluster (the default): the pod sees a node's address: with
//     NodeTraffic every address, else every address when its ingress
//     admits some known node address (Node objects, NodeAddresses), else
//     none;
//   - loadBalancerSourceRanges narrow a LoadBalancer route to the
//     addresses in them (oracleSourceRanges).
func oracleServiceRoutes(c simulate.Cluster, o oracleOpts, pod *corev1.Pod) []oracleRoute {
	var out []oracleRoute
	nodeAddrs := append(oracleNodeAddrs(c, ""), o.nodeAddrs...)
	for i := range c.Services {
		svc := &c.Services[i]
		if (svc.Spec.Type != corev1.ServiceTypeNodePort && svc.Spec.Type != corev1.ServiceTypeLoadBalancer) || !oracleIsBackend(svc, pod) {
			continue
		}
		kinds := []simulate.RouteKind{simulate.RouteKind(svc.Spec.Type)}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer && (svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts) {
			kinds = append(kinds, simulate.RouteNodePort)
		}
		for _, sp := range svc.Spec.Ports {
			proto := cmp.Or(sp.Protocol, corev1.ProtocolTCP)
			target, ok := oracleTargetPort(pod, sp)
			if !ok {
				continue
			}
			var sources func(netip.Addr) bool
			var any bool
			if svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
				sources = func(a netip.Addr) bool {
					return oracleSideAllowsOpts(c, o, networkingv1.PolicyTypeIngress, pod, nil, a, pod, proto, target)
				}
				any = !oracleOutsideRules(c, o, pod, networkingv1.PolicyTypeIngress, func(peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
					any = any || len(peers) == 0 && oracleRulePorts(ports, pod).Contains(proto, target)
				}) || any
			} else {
				any = o.node || slices.ContainsFunc(nodeAddrs, func(n netip.Addr) bool {
					return oracleSideAllowsOpts(c, o, networkingv1.PolicyTypeIngress, pod, nil, n, pod, proto, target)
				})
				open := any
				sources = func(netip.Addr) bool { return open }
			}
			for _, k := range kinds {
				r := oracleRoute{kind: k, via: "svc/" + svc.Namespace + "/" + svc.Name, sources: sources, any: any, svcPort: sp,
					pod: simulate.NewPortSet(simulate.PortRange{Protocol: proto, Start: target, End: target})}
				entry := sp.NodePort
				if k == simulate.RouteLoadBalancer {
					entry = sp.Port
				}
				if entry != 0 {
					r.entry = simulate.NewPortSet(simulate.PortRange{Protocol: proto, Start: entry, End: entry})
				}
				if k == simulate.RouteLoadBalancer {
					r.sources, r.any = oracleSourceRanges(sources, any, svc.Spec.LoadBalancerSourceRanges)
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// oracleSourceRanges applies loadBalancerSourceRanges to a route's
// sources: an address may use the route when it is in one of the ranges
// and the route admitted it; the route is then no longer open to any
// address. Ranges without a valid CIDR are ignored.
func oracleSourceRanges(sources func(netip.Addr) bool, any bool, ranges []string) (func(netip.Addr) bool, bool) {
	var prefixes []netip.Prefix
	for _, s := range ranges {
		if p, err := netip.ParsePrefix(s); err == nil {
			prefixes = append(prefixes, p.Masked())
		}
	}
	if len(prefixes) == 0 {
		return sources, any
	}
	return func(a netip.Addr) bool {
		return sources(a) && slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Contains(a) })
	}, false
}

// oracleIngressRoutes lists the Ingress routes into pod: per Ingress of its
// namespace, its default backend and every HTTP path, when the backend is
// a Service that selects the pod and has the TCP port the backend names (by
// name, or else by number; the first such port) and the pod serves its
// target. TLS when a spec.tls entry lists the host or lists no host; entry
// TCP/80, plus TCP/443 with TLS. The route is open to the addresses that
// may use some NodePort or LoadBalancer route through a Service port TCP/80
// or TCP/443 into a controller pod that may itself reach the pod on the
// target port.
func oracleIngressRoutes(c simulate.Cluster, o oracleOpts, pod *corev1.Pod) []oracleRoute {
	var controllers []*corev1.Pod
	for i := range c.Pods {
		p := &c.Pods[i]
		if p.Namespace == o.ctrlNs && len(o.ctrlLabels) > 0 && oracleSelectorSet(o.ctrlLabels, p.Labels) {
			controllers = append(controllers, p)
		}
	}
	var out []oracleRoute
	for i := range c.Ingresses {
		ing := &c.Ingresses[i]
		if ing.Namespace != pod.Namespace {
			continue
		}
		type path struct {
			host, path string
			b          *networkingv1.IngressServiceBackend
		}
		var paths []path
		if ing.Spec.DefaultBackend != nil && ing.Spec.DefaultBackend.Service != nil {
			paths = append(paths, path{b: ing.Spec.DefaultBackend.Service})
		}
		for _, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, hp := range r.HTTP.Paths {
				if hp.Backend.Service != nil {
					paths = append(paths, path{r.Host, hp.Path, hp.Backend.Service})
				}
			}
		}
		for _, pa := range paths {
			var svc *corev1.Service
			for j := range c.Services {
				if c.Services[j].Namespace == ing.Namespace && c.Services[j].Name == pa.b.Name {
					svc = &c.Services[j]
				}
			}
			if svc == nil || !oracleIsBackend(svc, pod) {
				continue
			}
			var target int32
			found := false
			for _, sp := range svc.Spec.Ports {
				if cmp.Or(sp.Protocol, corev1.ProtocolTCP) != corev1.ProtocolTCP {
					continue // an Ingress carries HTTP: TCP ports only
				}
				if pa.b.Port.Name != "" && sp.Name == pa.b.Port.Name || pa.b.Port.Name == "" && sp.Port == pa.b.Port.Number {
					target, found = oracleTargetPort(pod, sp)
					break
				}
			}
			if !found {
				continue
			}
			tls := slices.ContainsFunc(ing.Spec.TLS, func(t networkingv1.IngressTLS) bool { return len(t.Hosts) == 0 || slices.Contains(t.Hosts, pa.host) })
			r := oracleRoute{kind: simulate.RouteIngress, via: "ingress/" + ing.Namespace + "/" + ing.Name, host: pa.host, path: pa.path, tls: tls,
				pod:   simulate.NewPortSet(simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: target, End: target}),
				entry: simulate.NewPortSet(simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: 80, End: 80})}
			if tls {
				r.entry = simulate.NewPortSet(simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: 80, End: 80}, simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: 443, End: 443})
			}
			var via []func(netip.Addr) bool
			for _, ctl := range controllers {
				if !oracleDecide(c, o, ctl, pod, netip.Addr{}, netip.Addr{}, corev1.ProtocolTCP, target) {
					continue
				}
				for _, cr := range oracleServiceRoutes(c, o, ctl) {
					if cmp.Or(cr.svcPort.Protocol, corev1.ProtocolTCP) != corev1.ProtocolTCP || cr.svcPort.Port != 80 && cr.svcPort.Port != 443 {
						continue // not the controller's HTTP or HTTPS port
					}
					via = append(via, cr.sources)
					r.any = r.any || cr.any
				}
			}
			r.sources = func(a netip.Addr) bool {
				return slices.ContainsFunc(via, func(f func(netip.Addr) bool) bool { return f(a) })
			}
			out = append(out, r)
		}
	}
	return out
}

// TestOracleBlockEmpty pins the oracle's emptiness test of an ipBlock.
func TestOracleBlockEmpty(t *testing.T) {
	for _, tc := range []struct {
		cidr   string
		except []string
		want   bool
	}{
		{"10.0.0.0/24", nil, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25"}, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/25"}, true},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/26", "10.0.0.192/27"}, true},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/27"}, false},
		{"fd00::/120", []string{"fd00::/121", "fd00::80/121"}, true},
		{"fd00::/120", []string{"fd00::/121", "fd00::80/122"}, false},
	} {
		if got := oracleBlockEmpty(&networkingv1.IPBlock{CIDR: tc.cidr, Except: tc.except}); got != tc.want {
			t.Errorf("oracleBlockEmpty(%s except %v) = %v, want %v", tc.cidr, tc.except, got, tc.want)
		}
	}
}
