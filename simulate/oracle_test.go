package simulate_test

// The oracle: a deliberately naive evaluator of NetworkPolicy written
// straight from the semantics (DESIGN.md, "Semantics reference", and the
// engine's documented choices). It reads the raw API objects of a Cluster on
// every question, loops over every policy, and shares no code with the
// engine, package policy or package selector. It is slow on purpose; the
// properties in property_test.go prove the engine equal to it.

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
//   - A pod always reaches itself.
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
}

// defaultOracleOpts are the engine's defaults, with IPBlockMatchesPods(ipb).
func defaultOracleOpts(ipb bool) oracleOpts {
	return oracleOpts{ipBlockPods: ipb, self: true, node: true, ctrlNs: simulate.DefaultIngressControllerNamespace,
		ctrlLabels: map[string]string{simulate.DefaultIngressControllerLabel: simulate.DefaultIngressControllerValue}}
}

// options returns o as engine options.
func (o oracleOpts) options() []simulate.Option {
	return []simulate.Option{simulate.IPBlockMatchesPods(o.ipBlockPods), simulate.SelfTraffic(o.self), simulate.NodeTraffic(o.node),
		simulate.NodeAddresses(o.nodeAddrs...), simulate.IngressController(o.ctrlNs, o.ctrlLabels)}
}

// oracleDecide is oracleAllowedResolved under the options o:
//   - traffic exempt from policy (oracleExempt) is allowed;
//   - otherwise the sender's egress and the receiver's ingress must both
//     allow it.
func oracleDecide(c simulate.Cluster, o oracleOpts, fromPod, toPod *corev1.Pod, fromAddr, toAddr netip.Addr, proto corev1.Protocol, port int32) bool {
	if oracleExempt(c, o, fromPod, toPod, fromAddr) {
		return true
	}
	egressOK := oracleSideAllows(c, o.ipBlockPods, networkingv1.PolicyTypeEgress, fromPod, toPod, toAddr, toPod, proto, port)
	ingressOK := oracleSideAllows(c, o.ipBlockPods, networkingv1.PolicyTypeIngress, toPod, fromPod, fromAddr, toPod, proto, port)
	return egressOK && ingressOK
}

// oracleExempt reports whether a connection is allowed whatever the
// policies say:
//   - with SelfTraffic, a pod to itself;
//   - with NodeTraffic, a node to a pod running on it (spec.nodeName): from
//     an address the Node object of that name reports (InternalIP or
//     ExternalIP), or from a hostNetwork pod on that node, which sends with
//     the node's address.
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
	return fromPod.Spec.HostNetwork && fromPod.Spec.NodeName == toPod.Spec.NodeName
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
	if subject == nil || subject.Spec.HostNetwork {
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
				if oraclePeersMatch(c, ipBlockMatchesPods, np, r.From, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
					return true
				}
			}
		} else {
			for _, r := range np.Spec.Egress {
				if oraclePeersMatch(c, ipBlockMatchesPods, np, r.To, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
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
			if !ipBlockMatchesPods {
				continue
			}
			for _, a := range oraclePodIPs(remotePod) {
				if oracleInBlock(peer.IPBlock, a) {
					return true
				}
			}
			continue
		}
		// A selector peer matches pods only, and never hostNetwork ones.
		if remotePod == nil || remotePod.Spec.HostNetwork {
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
