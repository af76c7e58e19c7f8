package simulate

import (
	"cmp"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/netpolsim/netpolsim/policy"
)

// Sources says which addresses outside the cluster something admits: every
// address, or the addresses of some ipBlocks. The zero Sources admits none.
type Sources struct {
	Any    bool
	Blocks []policy.IPBlock // sorted by String, without duplicates; unused when Any
}

// IsEmpty reports whether s admits no address.
func (s Sources) IsEmpty() bool { return !s.Any && len(s.Blocks) == 0 }

// String renders s as "any address", "no address", or the blocks joined by
// "; " ("203.0.113.0/24; 10.0.0.0/8 except 10.1.0.0/16").
func (s Sources) String() string {
	switch {
	case s.Any:
		return "any address"
	case len(s.Blocks) == 0:
		return "no address"
	}
	parts := make([]string, len(s.Blocks))
	for i, b := range s.Blocks {
		parts[i] = b.String()
	}
	return strings.Join(parts, "; ")
}

func (s Sources) union(o Sources) Sources {
	if s.Any || o.Any {
		return Sources{Any: true}
	}
	return blockSources(append(slices.Clone(s.Blocks), o.Blocks...))
}

// blockSources returns the Sources of blocks: sorted by String, without
// duplicates. It renders each block once, so it costs O(n log n) string
// comparisons for n blocks.
func blockSources(blocks []policy.IPBlock) Sources {
	switch len(blocks) {
	case 0:
		return Sources{}
	case 1:
		return Sources{Blocks: slices.Clone(blocks)}
	}
	type keyed struct {
		key   string
		block policy.IPBlock
	}
	ks := make([]keyed, len(blocks))
	for i, b := range blocks {
		ks[i] = keyed{b.String(), b}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	ks = slices.CompactFunc(ks, func(a, b keyed) bool { return a.key == b.key })
	out := Sources{Blocks: make([]policy.IPBlock, len(ks))}
	for i, k := range ks {
		out.Blocks[i] = k.block
	}
	return out
}

// Access is a set of ports open to (or from) a set of outside addresses.
type Access struct {
	Ports   PortSet
	Sources Sources
}

// RouteKind names a way into a pod from outside the cluster.
type RouteKind string

// The routes into a pod, in the order Exposure lists them.
const (
	RouteDirect       RouteKind = "Direct"       // to the pod's own address
	RouteNodePort     RouteKind = "NodePort"     // a Service's port on every node
	RouteLoadBalancer RouteKind = "LoadBalancer" // a Service's load balancer
	RouteIngress      RouteKind = "Ingress"      // an Ingress rule, through the ingress controller
)

var routeOrder = map[RouteKind]int{RouteDirect: 0, RouteNodePort: 1, RouteLoadBalancer: 2, RouteIngress: 3}

// Route is one way into a pod from outside the cluster.
type Route struct {
	Kind RouteKind
	// Via names what the route goes through: "svc/NAMESPACE/NAME" for
	// NodePort and LoadBalancer, "ingress/NAMESPACE/NAME" for Ingress; empty
	// for Direct.
	Via string
	// Host and Path are the Ingress rule's (empty host: any host); TLS is
	// true when the host is listed in the Ingress's spec.tls.
	Host, Path string
	TLS        bool
	// EntryPorts are the ports a client outside uses: the node port, the
	// load balancer's port, 80 (and 443 with TLS) for an Ingress, the pod's
	// own ports for Direct. Empty for a node port the cluster allocates.
	EntryPorts PortSet
	// PodPorts are the ports the traffic reaches at the pod.
	PodPorts PortSet
	// Sources are the outside addresses that may use the route.
	Sources Sources
	// Note explains what decides Sources, e.g. which source address the pod
	// sees.
	Note string
}

// String renders r on one line.
func (r Route) String() string {
	var b strings.Builder
	b.WriteString(string(r.Kind))
	if r.Via != "" {
		b.WriteString(" " + r.Via)
	}
	if r.Kind == RouteIngress {
		host := r.Host
		if host == "" {
			host = "*"
		}
		fmt.Fprintf(&b, " host %s path %s", host, cmp.Or(r.Path, "/"))
		if r.TLS {
			b.WriteString(" (TLS)")
		}
	}
	if r.Kind != RouteDirect && !r.EntryPorts.IsEmpty() {
		fmt.Fprintf(&b, " on %s", r.EntryPorts)
	}
	fmt.Fprintf(&b, " → pod %s from %s", r.PodPorts, r.Sources)
	if r.Note != "" {
		b.WriteString(" (" + r.Note + ")")
	}
	return b.String()
}

// PodExposure is what a pod offers to, and may reach in, the world outside
// the cluster.
type PodExposure struct {
	Pod PodID
	// Inbound are the routes into the pod, sorted by kind and then by Via,
	// Host and Path. A Direct route is always listed; its Sources may be
	// empty.
	Inbound []Route
	// Outbound are the ports the pod may reach outside the cluster and on
	// which addresses, one Access per distinct set of addresses.
	Outbound []Access
}

// Exposed reports whether some outside address may reach the pod by a route
// other than Direct (pod addresses are routable from outside only in some
// networks), or Direct too when direct is true.
func (e PodExposure) Exposed(direct bool) bool {
	for _, r := range e.Inbound {
		if (direct || r.Kind != RouteDirect) && !r.Sources.IsEmpty() {
			return true
		}
	}
	return false
}

// Exposure returns, for every pod (sorted), the routes from outside the
// cluster into it and what it may reach outside.
//
// Direct routes and outbound access come from the pod's policies: a pod not
// isolated admits (reaches) any address on every port; an isolated one only
// what its rules with no peers (any address) or ipBlock peers allow (an
// ipBlock whose except ranges cover all of it admits no address, and its
// rule adds no port).
// NodePort and LoadBalancer routes follow the Service's
// externalTrafficPolicy: with Local the pod sees the client's address and
// its ipBlock rules decide; with Cluster (the default) it sees the address
// of the node the traffic entered, which policies cannot tell from the
// node's own traffic when that node runs the pod (see [NodeTraffic]), so the
// route is open to any address. Ingress routes go through the ingress
// controller's pods (see [IngressController]): open to the addresses that
// reach a controller pod through a NodePort or LoadBalancer Service port
// 80 or 443 (TCP: HTTP and HTTPS, whatever the node port or target port),
// when that controller pod may reach the backend.
//
// Exposure costs O(pods × (rules of the pod's policies + Services and
// Ingress paths that lead to the pod × ingress controller pods)), plus
// O(b log b) for a rule with b ipBlocks.
func (m *Model) Exposure() []PodExposure {
	x := m.exposer()
	out := make([]PodExposure, len(m.pods))
	memo := map[[2]int32][]Access{}
	for i := range m.pods {
		out[i] = m.podExposure(int32(i), x, memo)
	}
	return out
}

// exposer holds what Exposure computes once for every pod.
type exposer struct {
	controllers       []int32   // the ingress controller's pods
	controllerSources []Sources // per controller pod: who reaches it from outside through a Service port 80 or 443
}

// exposer returns what reaches each ingress controller pod from outside on
// its HTTP and HTTPS Service ports (httpServicePort), computed once per
// model on first use and shared by Exposure and Explain.
func (m *Model) exposer() *exposer {
	m.exposerOnce.Do(func() { m.exposerState = m.newExposer() })
	return m.exposerState
}

func (m *Model) newExposer() *exposer {
	x := &exposer{controllers: m.ingressControllers()}
	for _, c := range x.controllers {
		var src Sources
		for _, r := range m.serviceRoutesOn(c, m.outsideAccess(ingress, c), httpServicePort) {
			src = src.union(r.Sources)
		}
		x.controllerSources = append(x.controllerSources, src)
	}
	return x
}

// podExposure is one pod's exposure. memo keeps outsideAccess per
// direction and group (nil: no memo): it depends on the pod only through
// its group, since the groups of ingress split by the named ports rules use.
func (m *Model) podExposure(pod int32, x *exposer, memo map[[2]int32][]Access) PodExposure {
	e := PodExposure{Pod: m.pods[pod].id, Outbound: m.outsideAccessMemo(egress, pod, memo)}
	in := m.outsideAccessMemo(ingress, pod, memo)
	direct := Route{Kind: RouteDirect, Note: "the pod's own address, where the network routes it"}
	for _, a := range in {
		direct.PodPorts = NewPortSet(append(direct.PodPorts.Ranges(), a.Ports.Ranges()...)...)
		direct.Sources = direct.Sources.union(a.Sources)
	}
	direct.EntryPorts = direct.PodPorts
	e.Inbound = append(e.Inbound, direct)
	e.Inbound = append(e.Inbound, m.serviceRoutes(pod, in)...)
	e.Inbound = append(e.Inbound, m.ingressRoutes(pod, x)...)
	slices.SortStableFunc(e.Inbound, func(a, b Route) int {
		return cmp.Or(routeOrder[a.Kind]-routeOrder[b.Kind], strings.Compare(a.Via, b.Via),
			strings.Compare(a.Host, b.Host), strings.Compare(a.Path, b.Path))
	})
	return e
}

// outsideAccessMemo is outsideAccess, kept in memo per direction and group;
// each caller gets its own copy of the list.
func (m *Model) outsideAccessMemo(d int, pod int32, memo map[[2]int32][]Access) []Access {
	g := m.dir[d].group[m.podClass[pod]]
	if memo == nil || g < 0 {
		return m.outsideAccess(d, pod)
	}
	key := [2]int32{int32(d), g}
	a, ok := memo[key]
	if !ok {
		a = m.outsideAccess(d, pod)
		memo[key] = a
	}
	return slices.Clone(a)
}

// outsideAccess lists what the pod admits from (ingress) or may reach
// (egress) outside the cluster, merged by set of addresses.
func (m *Model) outsideAccess(d int, pod int32) []Access {
	g := m.dir[d].group[m.podClass[pod]]
	if g < 0 {
		return []Access{{Ports: AllPorts(), Sources: Sources{Any: true}}}
	}
	if m.hasTiers(d, g) {
		return m.tierOutsideAccess(d, g, pod)
	}
	bySources := map[string]*Access{}
	var keys []string
	for _, pi := range m.dir[d].policies[g] {
		for _, r := range m.rules(pi, d) {
			var blocks []policy.IPBlock
			for _, p := range r.Peers {
				if p.IPBlock != nil && !blockCovered(*p.IPBlock) {
					blocks = append(blocks, *p.IPBlock)
				}
			}
			src := blockSources(blocks)
			if r.Peers == nil {
				src = Sources{Any: true}
			}
			if src.IsEmpty() {
				continue
			}
			dest := m.pods[pod].pod // ingress: named ports resolve at the pod
			if d == egress {
				dest = nil // egress: nobody outside serves a named port
			}
			ports := rulePorts(r, dest)
			if ports.IsEmpty() {
				continue
			}
			key := src.String()
			if a, ok := bySources[key]; ok {
				a.Ports = NewPortSet(append(a.Ports.Ranges(), ports.Ranges()...)...)
				continue
			}
			bySources[key] = &Access{Ports: ports, Sources: src}
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	out := make([]Access, len(keys))
	for i, k := range keys {
		out[i] = *bySources[k]
	}
	return out
}

// blockCovered reports whether the except ranges of b cover its whole CIDR,
// so that b holds no address. Prefixes nest or are disjoint, so the
// excepts not inside another except are disjoint and cover the CIDR exactly
// when their sizes add up to its size. It costs O(e²) for e excepts.
func blockCovered(b policy.IPBlock) bool {
	if len(b.Except) == 0 {
		return false
	}
	bits := b.CIDR.Addr().BitLen()
	sum := new(big.Int)
	for i, e := range b.Except {
		if slices.ContainsFunc(b.Except, func(o netip.Prefix) bool {
			return o != e && o.Bits() <= e.Bits() && o.Contains(e.Addr())
		}) || slices.Index(b.Except, e) < i {
			continue // inside another except, or a repeat
		}
		sum.Add(sum, new(big.Int).Lsh(big.NewInt(1), uint(bits-e.Bits())))
	}
	return sum.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(bits-b.CIDR.Bits()))) >= 0
}

// sourcesOn returns the outside addresses in access that may use port.
func sourcesOn(access []Access, proto corev1.Protocol, port int32) Sources {
	var s Sources
	for _, a := range access {
		if a.Ports.Contains(proto, port) {
			s = s.union(a.Sources)
		}
	}
	return s
}

// httpServicePort reports whether a Service port of the ingress
// controller carries Ingress traffic: TCP port 80 (HTTP) or 443 (HTTPS), the
// ports an Ingress is reached on. Other ports of the controller (metrics,
// its admission webhook) do not.
func httpServicePort(sp corev1.ServicePort) bool {
	return protocolOf(sp.Protocol) == corev1.ProtocolTCP && (sp.Port == 80 || sp.Port == 443)
}

// serviceRoutes lists the NodePort and LoadBalancer routes into pod.
func (m *Model) serviceRoutes(pod int32, in []Access) []Route {
	return m.serviceRoutesOn(pod, in, nil)
}

// serviceRoutesOn lists the NodePort and LoadBalancer routes into pod
// through the Service ports keep accepts (every port when keep is nil).
func (m *Model) serviceRoutesOn(pod int32, in []Access, keep func(corev1.ServicePort) bool) []Route {
	p := &m.pods[pod]
	var out []Route
	_, services := m.serviceIndex()
	for _, si := range services[pod] {
		svc := m.services[si]
		kind := RouteKind(svc.Spec.Type)
		if kind != RouteNodePort && kind != RouteLoadBalancer {
			continue
		}
		// A LoadBalancer Service opens node ports too, unless told not to.
		kinds := []RouteKind{kind}
		if kind == RouteLoadBalancer && (svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts) {
			kinds = append(kinds, RouteNodePort)
		}
		for _, sp := range svc.Spec.Ports {
			if keep != nil && !keep(sp) {
				continue
			}
			proto := cmp.Or(sp.Protocol, corev1.ProtocolTCP)
			target, ok := serviceTargetPort(p.pod, sp)
			if !ok {
				continue // the backend does not serve the named target port
			}
			for _, k := range kinds {
				r := Route{Kind: k, Via: "svc/" + svc.Namespace + "/" + svc.Name, PodPorts: NewPortSet(PortRange{proto, target, target})}
				entry := sp.NodePort
				if k == RouteLoadBalancer {
					entry = sp.Port
				}
				if entry != 0 {
					r.EntryPorts = NewPortSet(PortRange{proto, entry, entry})
				}
				if svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
					r.Sources = sourcesOn(in, proto, target)
					r.Note = "externalTrafficPolicy Local: the pod sees the client's address"
				} else {
					r.Sources, r.Note = m.viaNodes(pod, proto, target)
				}
				if k == RouteLoadBalancer {
					limitToSourceRanges(&r, svc.Spec.LoadBalancerSourceRanges)
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// limitToSourceRanges applies a load balancer's loadBalancerSourceRanges:
// the route is open to the addresses it admitted that are in one of the
// ranges (see [intersectSources]).
func limitToSourceRanges(r *Route, ranges []string) {
	if len(ranges) == 0 {
		return
	}
	var prefixes []netip.Prefix
	for _, s := range ranges {
		if p, err := netip.ParsePrefix(strings.TrimSpace(s)); err == nil {
			prefixes = append(prefixes, p.Masked())
		}
	}
	if len(prefixes) == 0 {
		r.Note += "; loadBalancerSourceRanges holds no valid CIDR and is ignored"
		return
	}
	if !r.Sources.IsEmpty() {
		r.Note += "; the load balancer admits only loadBalancerSourceRanges"
	}
	r.Sources = intersectSources(r.Sources, prefixes)
}

// intersectSources returns the addresses of s that are in one of ranges.
// Two prefixes nest or are disjoint, so a block (CIDR except E) meets a
// range R exactly as: the whole block when R holds the CIDR; R except the
// excepts inside R when the CIDR holds R (nothing when an except holds R);
// nothing when they are disjoint. It costs O(blocks × ranges × excepts).
func intersectSources(s Sources, ranges []netip.Prefix) Sources {
	blocks := s.Blocks
	if s.Any {
		blocks = nil
		for _, r := range ranges {
			blocks = append(blocks, policy.IPBlock{CIDR: r})
		}
		return blockSources(blocks)
	}
	var out []policy.IPBlock
	for _, b := range blocks {
		for _, r := range ranges {
			switch {
			case r.Bits() <= b.CIDR.Bits() && r.Contains(b.CIDR.Addr()):
				out = append(out, b)
			case b.CIDR.Bits() < r.Bits() && b.CIDR.Contains(r.Addr()):
				nb := policy.IPBlock{CIDR: r}
				covered := false
				for _, e := range b.Except {
					switch {
					case e.Bits() <= r.Bits() && e.Contains(r.Addr()):
						covered = true
					case r.Bits() < e.Bits() && r.Contains(e.Addr()):
						nb.Except = append(nb.Except, e)
					}
				}
				if !covered && !blockCovered(nb) {
					out = append(out, nb)
				}
			}
		}
	}
	return blockSources(out)
}

// viaNodes decides a route on which the pod sees a node's address.
func (m *Model) viaNodes(pod int32, proto corev1.Protocol, port int32) (Sources, string) {
	const seen = "externalTrafficPolicy Cluster: the pod sees the address of the node the traffic entered"
	if m.opts.nodeAllowed {
		return Sources{Any: true}, seen + ", and traffic from its own node is always allowed"
	}
	k := m.portClass(protoIndex(proto), port)
	for _, a := range m.nodeAddrs {
		if m.allowsOn(ingress, pod, -1, a, k) {
			return Sources{Any: true}, seen + ", and its policies admit node " + a.String()
		}
	}
	if len(m.nodeAddrs) == 0 {
		return Sources{}, seen + "; no node addresses are known (add Node objects or the NodeAddresses option)"
	}
	return Sources{}, seen + ", and its policies admit no node address"
}

// ofNamespace returns the objects of namespace ns from objs, which are
// sorted by namespace, by binary search: exposure asks once per pod.
func ofNamespace[T interface{ GetNamespace() string }](objs []T, ns string) []T {
	lo, _ := slices.BinarySearchFunc(objs, ns, func(o T, ns string) int { return strings.Compare(o.GetNamespace(), ns) })
	hi := lo
	for hi < len(objs) && objs[hi].GetNamespace() == ns {
		hi++
	}
	return objs[lo:hi]
}

// ingressRoutes lists the Ingress routes into pod.
func (m *Model) ingressRoutes(pod int32, x *exposer) []Route {
	p := &m.pods[pod]
	var out []Route
	for _, ing := range ofNamespace(m.ingresses, p.id.Namespace) {
		type path struct {
			host, path string
			backend    *networkingv1.IngressServiceBackend
		}
		var paths []path
		if b := ing.Spec.DefaultBackend; b != nil && b.Service != nil {
			paths = append(paths, path{backend: b.Service})
		}
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, hp := range rule.HTTP.Paths {
				if hp.Backend.Service != nil {
					paths = append(paths, path{host: rule.Host, path: hp.Path, backend: hp.Backend.Service})
				}
			}
		}
		for _, pa := range paths {
			target, ok := m.ingressTarget(ing.Namespace, pa.backend, pod)
			if !ok {
				continue
			}
			r := Route{Kind: RouteIngress, Via: "ingress/" + ing.Namespace + "/" + ing.Name, Host: pa.host, Path: pa.path,
				TLS: tlsHost(ing, pa.host), PodPorts: NewPortSet(PortRange{corev1.ProtocolTCP, target, target})}
			r.EntryPorts = NewPortSet(PortRange{corev1.ProtocolTCP, 80, 80})
			if r.TLS {
				r.EntryPorts = NewPortSet(PortRange{corev1.ProtocolTCP, 80, 80}, PortRange{corev1.ProtocolTCP, 443, 443})
			}
			r.Sources, r.Note = m.throughController(x, pod, target)
			out = append(out, r)
		}
	}
	return out
}

// ingressTarget resolves an Ingress backend to a target port at pod p, when
// p is one of the Service's backends: the first TCP port of the Service
// with the backend's port name (or, without a name, its number). An
// Ingress carries HTTP, so a UDP or SCTP port of that name or number is
// not its backend.
func (m *Model) ingressTarget(ns string, b *networkingv1.IngressServiceBackend, pod int32) (int32, bool) {
	i, ok := m.svcByID[PodID{ns, b.Name}]
	if !ok || !m.serviceSelects(i, pod) {
		return 0, false
	}
	for _, sp := range m.services[i].Spec.Ports {
		if protocolOf(sp.Protocol) != corev1.ProtocolTCP {
			continue
		}
		if (b.Port.Name != "" && sp.Name == b.Port.Name) || (b.Port.Name == "" && sp.Port == b.Port.Number) {
			return serviceTargetPort(m.pods[pod].pod, sp)
		}
	}
	return 0, false
}

func tlsHost(ing *networkingv1.Ingress, host string) bool {
	for _, t := range ing.Spec.TLS {
		if len(t.Hosts) == 0 || slices.Contains(t.Hosts, host) {
			return true
		}
	}
	return false
}

// throughController decides an Ingress route: open to whoever reaches a
// controller pod from outside, if that controller pod may reach the backend.
func (m *Model) throughController(x *exposer, pod, port int32) (Sources, string) {
	if len(x.controllers) == 0 {
		return Sources{}, fmt.Sprintf("no ingress controller pods (namespace %s, labels %v)", m.opts.controllerNs, m.opts.controllerLabels)
	}
	var src Sources
	var reaching []string
	for i, c := range x.controllers {
		v := Verdict{Port: TCP(port), from: c, to: pod, m: m}
		m.decide(&v)
		if !v.Allowed {
			continue
		}
		reaching = append(reaching, m.pods[c].id.String())
		src = src.union(x.controllerSources[i])
	}
	switch {
	case len(reaching) == 0:
		return Sources{}, "no ingress controller pod may reach the pod"
	case src.IsEmpty():
		return Sources{}, "through " + strings.Join(reaching, ", ") + ", which no NodePort or LoadBalancer Service exposes on TCP port 80 or 443"
	}
	return src, "through " + strings.Join(reaching, ", ")
}
