package simulate_test

// Properties of the engine over random clusters from package fuzz: it
// agrees with the naive oracle of oracle_test.go on every question, its
// matrix agrees with its single checks, and the order of objects never
// matters.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

var protocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// portPoints returns the port numbers worth asking about in c: 1 and
// 65535, and every number a policy or a container port names, with its
// neighbours. Between two consecutive points no verdict can change, so a
// range is allowed iff every point inside it is.
func portPoints(c simulate.Cluster) []int32 {
	pts := []int32{1, 65535}
	add := func(ns ...int32) {
		for _, n := range ns {
			for _, p := range []int32{n - 1, n, n + 1} {
				if p >= 1 && p <= 65535 {
					pts = append(pts, p)
				}
			}
		}
	}
	for _, np := range c.NetworkPolicies {
		var ports []networkingv1.NetworkPolicyPort
		for _, r := range np.Spec.Ingress {
			ports = append(ports, r.Ports...)
		}
		for _, r := range np.Spec.Egress {
			ports = append(ports, r.Ports...)
		}
		for _, p := range ports {
			if p.Port != nil && p.Port.Type == intstr.Int {
				add(p.Port.IntVal)
			}
			if p.EndPort != nil {
				add(*p.EndPort)
			}
		}
	}
	for _, p := range c.Pods {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				add(cp.ContainerPort)
			}
		}
	}
	slices.Sort(pts)
	return slices.Compact(pts)
}

// portNames returns every port name the cluster's policies and pods use.
func portNames(c simulate.Cluster) []string {
	var names []string
	for _, np := range c.NetworkPolicies {
		for _, r := range np.Spec.Ingress {
			for _, p := range r.Ports {
				if p.Port != nil && p.Port.Type == intstr.String {
					names = append(names, p.Port.StrVal)
				}
			}
		}
		for _, r := range np.Spec.Egress {
			for _, p := range r.Ports {
				if p.Port != nil && p.Port.Type == intstr.String {
					names = append(names, p.Port.StrVal)
				}
			}
		}
	}
	for _, p := range c.Pods {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name != "" {
					names = append(names, cp.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// probeAddrs returns addresses worth asking about: the first and last
// address of every ipBlock CIDR and except and their outer neighbours, the
// addresses of all pods (which stand for the pods), and a few fixed ones
// (outside everything, and node addresses of hostNetwork pods).
func probeAddrs(c simulate.Cluster) []netip.Addr {
	addrs := []netip.Addr{
		netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("172.16.0.1"), netip.MustParseAddr("fd10::1"),
	}
	edges := func(s string) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return
		}
		first, last := p.Masked().Addr(), lastAddr(p)
		addrs = append(addrs, first, last)
		if prev := first.Prev(); prev.IsValid() {
			addrs = append(addrs, prev)
		}
		if next := last.Next(); next.IsValid() {
			addrs = append(addrs, next)
		}
	}
	for _, np := range c.NetworkPolicies {
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range np.Spec.Ingress {
			peers = append(peers, r.From...)
		}
		for _, r := range np.Spec.Egress {
			peers = append(peers, r.To...)
		}
		for _, peer := range peers {
			if peer.IPBlock == nil {
				continue
			}
			edges(peer.IPBlock.CIDR)
			for _, e := range peer.IPBlock.Except {
				edges(e)
			}
		}
	}
	for i := range c.Pods {
		addrs = append(addrs, oraclePodIPs(&c.Pods[i])...)
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	return slices.Compact(addrs)
}

// lastAddr returns the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As16()
	off := 128 - p.Addr().BitLen() // leading bits of As16 that an IPv4 address does not use
	for i := off + p.Bits(); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a := netip.AddrFrom16(b)
	if p.Addr().Is4() {
		a = a.Unmap()
	}
	return a
}

// describe renders c compactly for failure messages (rapid's own log of the
// draw prints every field of every object).
func describe(c simulate.Cluster) string {
	var b strings.Builder
	b.WriteString("cluster:")
	for _, ns := range c.Namespaces {
		fmt.Fprintf(&b, "\n  namespace %s labels=%v", ns.Name, ns.Labels)
	}
	for _, p := range c.Pods {
		var ports []string
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				ports = append(ports, fmt.Sprintf("%s=%s/%d", cp.Name, cp.Protocol, cp.ContainerPort))
			}
		}
		var podIPs []string
		for _, ip := range p.Status.PodIPs {
			podIPs = append(podIPs, ip.IP)
		}
		fmt.Fprintf(&b, "\n  pod %s/%s labels=%v podIP=%q podIPs=%v hostNetwork=%v nodeName=%q ports=%v",
			p.Namespace, p.Name, p.Labels, p.Status.PodIP, podIPs, p.Spec.HostNetwork, p.Spec.NodeName, ports)
	}
	for _, n := range c.Nodes {
		fmt.Fprintf(&b, "\n  node %s addresses=%v", n.Name, n.Status.Addresses)
	}
	for _, s := range c.Services {
		spec, err := json.Marshal(s.Spec)
		if err != nil {
			spec = []byte(err.Error())
		}
		fmt.Fprintf(&b, "\n  service %s/%s %s", s.Namespace, s.Name, spec)
	}
	for _, ing := range c.Ingresses {
		spec, err := json.Marshal(ing.Spec)
		if err != nil {
			spec = []byte(err.Error())
		}
		fmt.Fprintf(&b, "\n  ingress %s/%s %s", ing.Namespace, ing.Name, spec)
	}
	for _, np := range c.NetworkPolicies {
		spec, err := json.Marshal(np.Spec)
		if err != nil {
			spec = []byte(err.Error())
		}
		fmt.Fprintf(&b, "\n  policy %s/%s %s", np.Namespace, np.Name, spec)
	}
	return b.String()
}

func compile(t *rapid.T, c simulate.Cluster, ipBlockPods bool) *simulate.Model {
	m, err := simulate.Compile(c, simulate.IPBlockMatchesPods(ipBlockPods))
	if err != nil {
		t.Fatalf("Compile rejected a valid cluster: %v", err)
	}
	return m
}

func check(t *rapid.T, m *simulate.Model, from, to simulate.Endpoint, port simulate.PortSpec) simulate.Verdict {
	v, err := m.Check(from, to, port)
	if err != nil {
		t.Fatalf("Check(%v, %v, %v): %v", from, to, port, err)
	}
	return v
}

func simEnd(e endpoint) simulate.Endpoint {
	if e.name != "" {
		return simulate.Pod(e.namespace, e.name)
	}
	return simulate.IP(e.addr)
}

// propEngineMatchesOracle: for every ordered pair of pods, and between
// every pod and a spread of addresses, on every protocol and a spread of
// ports (single, ranges, named), with ipBlocks matching pods or not, Check
// says what the oracle says.
func propEngineMatchesOracle(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	pts := portPoints(c)
	names := portNames(c)
	// A few addresses in, at the edges of, and outside the ipBlocks, or of
	// pods.
	addrs := rapid.SliceOfNDistinct(rapid.SampledFrom(probeAddrs(c)), 1, 5, rapid.ID[netip.Addr]).Draw(t, "addresses")
	for _, ipb := range []bool{true, false} {
		m := compile(t, c, ipb)
		var pairs [][2]endpoint
		for _, a := range m.Pods() {
			for _, b := range m.Pods() {
				pairs = append(pairs, [2]endpoint{podEnd(a), podEnd(b)})
			}
			for _, x := range addrs {
				pairs = append(pairs, [2]endpoint{podEnd(a), ipEnd(x)}, [2]endpoint{ipEnd(x), podEnd(a)})
			}
		}
		want := make([]bool, len(pts))
		for _, pair := range pairs {
			from, to := pair[0], pair[1]
			fromPod, toPod := oracleResolve(c, from), oracleResolve(c, to)
			for _, proto := range protocols {
				for i, p := range pts {
					want[i] = oracleAllowedResolved(c, ipb, fromPod, toPod, from.addr, to.addr, proto, p)
					v := check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Start: p, End: p})
					if v.Allowed != want[i] {
						t.Fatalf("IPBlockMatchesPods(%v): %v → %v on %s/%d: engine says %v, oracle says %v\nengine: %v\n%s",
							ipb, from, to, proto, p, v.Allowed, want[i], v, describe(c))
					}
				}
				// Ranges: every window of three points, and everything.
				for i := range pts {
					j := min(i+2, len(pts)-1)
					if i == 0 && j == len(pts)-1 {
						continue
					}
					checkRange(t, c, m, ipb, from, to, proto, pts, want, i, j)
				}
				checkRange(t, c, m, ipb, from, to, proto, pts, want, 0, len(pts)-1)
			}
			// Named ports resolve against the destination.
			for _, proto := range protocols {
				for _, name := range names {
					n, served := oracleNamedPort(toPod, name, proto)
					w := served && oracleAllowedResolved(c, ipb, fromPod, toPod, from.addr, to.addr, proto, n)
					v := check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Name: name})
					if v.Allowed != w {
						t.Fatalf("IPBlockMatchesPods(%v): %v → %v on named port %s/%s: engine says %v, oracle says %v\nengine: %v\n%s",
							ipb, from, to, proto, name, v.Allowed, w, v, describe(c))
					}
				}
			}
		}
	}
}

func checkRange(t *rapid.T, c simulate.Cluster, m *simulate.Model, ipb bool, from, to endpoint, proto corev1.Protocol, pts []int32, want []bool, i, j int) {
	w := !slices.Contains(want[i:j+1], false)
	v := check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Start: pts[i], End: pts[j]})
	if v.Allowed != w {
		t.Fatalf("IPBlockMatchesPods(%v): %v → %v on %s/%d-%d: engine says %v, oracle says %v (per point %v at %v)\nengine: %v\n%s",
			ipb, from, to, proto, pts[i], pts[j], v.Allowed, w, want[i:j+1], pts[i:j+1], v, describe(c))
	}
}

func TestEngineMatchesOracle(t *testing.T) {
	rapid.Check(t, propEngineMatchesOracle)
}

func FuzzEngineMatchesOracle(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propEngineMatchesOracle))
}

// propMatrixMatchesCheck: the matrix holds exactly the ports Check allows,
// pair by pair.
func propMatrixMatchesCheck(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	pts := portPoints(c)
	for _, ipb := range []bool{true, false} {
		m := compile(t, c, ipb)
		mx := m.Matrix()
		for _, a := range m.Pods() {
			for _, b := range m.Pods() {
				ports := mustPortsX(mx.Ports(a, b))
				for _, proto := range protocols {
					for _, p := range pts {
						v := check(t, m, simulate.Pod(a.Namespace, a.Name), simulate.Pod(b.Namespace, b.Name), simulate.PortSpec{Protocol: proto, Start: p, End: p})
						if got := ports.Contains(proto, p); got != v.Allowed {
							t.Fatalf("IPBlockMatchesPods(%v): %v → %v on %s/%d: Matrix().Ports = %v (contains: %v), Check says %v\nengine: %v\n%s",
								ipb, a, b, proto, p, ports, got, v.Allowed, v, describe(c))
						}
					}
				}
			}
		}
	}
}

func TestMatrixMatchesCheck(t *testing.T) {
	rapid.Check(t, propMatrixMatchesCheck)
}

func FuzzMatrixMatchesCheck(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propMatrixMatchesCheck))
}

// propOrderIrrelevant: shuffling every slice of the cluster (objects,
// rules, peers, ports, excepts, containers, container ports, pod IPs)
// never changes the matrix.
func propOrderIrrelevant(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	s := shuffled(t, c)
	for _, ipb := range []bool{true, false} {
		m1, m2 := compile(t, c, ipb), compile(t, s, ipb)
		pods := m1.Pods()
		if got := m2.Pods(); !slices.Equal(pods, got) {
			t.Fatalf("Pods() changed with order: %v, then %v\n%s", pods, got, describe(c))
		}
		mx1, mx2 := m1.Matrix(), m2.Matrix()
		for _, a := range pods {
			for _, b := range pods {
				if p1, p2 := mustPortsX(mx1.Ports(a, b)), mustPortsX(mx2.Ports(a, b)); !p1.Equal(p2) {
					t.Fatalf("IPBlockMatchesPods(%v): %v → %v: ports %v, after shuffling %v\n%s\nshuffled %s", ipb, a, b, p1, p2, describe(c), describe(s))
				}
			}
		}
	}
}

func TestOrderIrrelevant(t *testing.T) {
	rapid.Check(t, propOrderIrrelevant)
}

func FuzzOrderIrrelevant(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propOrderIrrelevant))
}

// shuffled returns a deep copy of c with every slice permuted.
func shuffled(t *rapid.T, c simulate.Cluster) simulate.Cluster {
	var s simulate.Cluster
	for _, ns := range perm(t, c.Namespaces, "namespaces") {
		s.Namespaces = append(s.Namespaces, *ns.DeepCopy())
	}
	for _, p := range perm(t, c.Pods, "pods") {
		p := *p.DeepCopy()
		p.Spec.Containers = perm(t, p.Spec.Containers, "containers")
		for i := range p.Spec.Containers {
			p.Spec.Containers[i].Ports = perm(t, p.Spec.Containers[i].Ports, "container ports")
		}
		if len(p.Status.PodIPs) > 0 {
			p.Status.PodIPs = perm(t, p.Status.PodIPs, "pod IPs")
			p.Status.PodIP = p.Status.PodIPs[0].IP
		}
		s.Pods = append(s.Pods, p)
	}
	for _, np := range perm(t, c.NetworkPolicies, "policies") {
		np := *np.DeepCopy()
		np.Spec.PolicyTypes = perm(t, np.Spec.PolicyTypes, "policyTypes")
		np.Spec.Ingress = perm(t, np.Spec.Ingress, "ingress")
		for i := range np.Spec.Ingress {
			r := &np.Spec.Ingress[i]
			r.From, r.Ports = shufflePeers(t, r.From), perm(t, r.Ports, "ports")
		}
		np.Spec.Egress = perm(t, np.Spec.Egress, "egress")
		for i := range np.Spec.Egress {
			r := &np.Spec.Egress[i]
			r.To, r.Ports = shufflePeers(t, r.To), perm(t, r.Ports, "ports")
		}
		s.NetworkPolicies = append(s.NetworkPolicies, np)
	}
	s.Services, s.Nodes, s.Ingresses = c.Services, c.Nodes, c.Ingresses
	return s
}

func shufflePeers(t *rapid.T, peers []networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer {
	peers = perm(t, peers, "peers")
	for i := range peers {
		if b := peers[i].IPBlock; b != nil {
			b.Except = perm(t, b.Except, "except")
		}
	}
	return peers
}

// perm returns a permutation of s, keeping nil and empty apart.
func perm[E any](t *rapid.T, s []E, label string) []E {
	if len(s) < 2 {
		return s
	}
	return rapid.Permutation(s).Draw(t, label)
}

// drawOracleOpts draws engine options for the oracle properties: every
// combination of IPBlockMatchesPods, SelfTraffic and NodeTraffic, sometimes
// extra node addresses, and an ingress controller that is the default, the
// pods of a namespace of c with some pod's labels, or nobody.
func drawOracleOpts(t *rapid.T, c simulate.Cluster) oracleOpts {
	o := defaultOracleOpts(rapid.Bool().Draw(t, "ipBlock matches pods"))
	o.self = rapid.IntRange(0, 3).Draw(t, "self traffic") > 0
	o.node = rapid.IntRange(0, 2).Draw(t, "node traffic") > 0
	o.hostPods = rapid.IntRange(0, 2).Draw(t, "hostNetwork pods as pods") == 2
	if rapid.IntRange(0, 3).Draw(t, "node addresses option") == 3 {
		o.nodeAddrs = []netip.Addr{netip.MustParseAddr("172.16.0.9"), netip.MustParseAddr("10.0.0.1")}
	}
	switch rapid.IntRange(0, 5).Draw(t, "ingress controller") {
	case 4:
		if len(c.Pods) > 0 {
			p := rapid.SampledFrom(c.Pods).Draw(t, "controller like")
			o.ctrlNs, o.ctrlLabels = p.Namespace, p.Labels
		}
	case 5:
		o.ctrlNs, o.ctrlLabels = "ghost", map[string]string{"app": "web"}
	}
	return o
}

func compileOpts(t *rapid.T, c simulate.Cluster, o oracleOpts) *simulate.Model {
	m, err := simulate.Compile(c, o.options()...)
	if err != nil {
		t.Fatalf("Compile rejected a valid cluster: %v", err)
	}
	return m
}

// exposureAddrs returns the addresses worth probing for exposure: those of
// probeAddrs, every node address, and the edges of every
// loadBalancerSourceRanges entry.
func exposureAddrs(c simulate.Cluster, o oracleOpts) []netip.Addr {
	addrs := append(probeAddrs(c), oracleNodeAddrs(c, "")...)
	addrs = append(addrs, o.nodeAddrs...)
	for _, s := range c.Services {
		for _, r := range s.Spec.LoadBalancerSourceRanges {
			if p, err := netip.ParsePrefix(r); err == nil {
				first, last := p.Masked().Addr(), lastAddr(p)
				addrs = append(addrs, first, last)
				if a := first.Prev(); a.IsValid() {
					addrs = append(addrs, a)
				}
				if a := last.Next(); a.IsValid() {
					addrs = append(addrs, a)
				}
			}
		}
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	return slices.Compact(addrs)
}

// propCheckOptionsMatchOracle: under random SelfTraffic, NodeTraffic and
// IPBlockMatchesPods, Check agrees with the oracle between every ordered
// pair of pods and between pods and addresses (node addresses included),
// and the matrix agrees too.
func propCheckOptionsMatchOracle(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	o := drawOracleOpts(t, c)
	m := compileOpts(t, c, o)
	mx := m.Matrix()
	pts := portPoints(c)
	addrs := rapid.SliceOfNDistinct(rapid.SampledFrom(exposureAddrs(c, o)), 1, 4, rapid.ID[netip.Addr]).Draw(t, "addresses")
	var pairs [][2]endpoint
	for _, a := range m.Pods() {
		for _, b := range m.Pods() {
			pairs = append(pairs, [2]endpoint{podEnd(a), podEnd(b)})
		}
		for _, x := range addrs {
			pairs = append(pairs, [2]endpoint{ipEnd(x), podEnd(a)}, [2]endpoint{podEnd(a), ipEnd(x)})
		}
	}
	for _, pair := range pairs {
		from, to := pair[0], pair[1]
		fromPod, toPod := oracleResolve(c, from), oracleResolve(c, to)
		var ports simulate.PortSet
		if from.name != "" && to.name != "" {
			ports = mustPortsX(mx.Ports(simulate.PodID{Namespace: from.namespace, Name: from.name}, simulate.PodID{Namespace: to.namespace, Name: to.name}))
		}
		for _, proto := range protocols {
			for _, p := range pts {
				want := oracleDecide(c, o, fromPod, toPod, from.addr, to.addr, proto, p)
				v := check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Start: p, End: p})
				if v.Allowed != want {
					t.Fatalf("%+v: %v → %v on %s/%d: engine says %v, oracle says %v\nengine: %v\n%s", o, from, to, proto, p, v.Allowed, want, v, describe(c))
				}
				if from.name != "" && to.name != "" && ports.Contains(proto, p) != want {
					t.Fatalf("%+v: %v → %v on %s/%d: matrix says %v, oracle says %v\n%s", o, from, to, proto, p, !want, want, describe(c))
				}
			}
		}
	}
}

func TestCheckOptionsMatchOracle(t *testing.T) { rapid.Check(t, propCheckOptionsMatchOracle) }

func FuzzCheckOptionsMatchOracle(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propCheckOptionsMatchOracle)) }

// propQueryMatchesOracle: Query from every pod (and some addresses) to
// every Service, by each of its ports' numbers and names and by a port it
// does not have, gives the oracle's backends, target ports and verdicts,
// and fails exactly when the oracle says the question is refused.
func propQueryMatchesOracle(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	o := drawOracleOpts(t, c)
	m := compileOpts(t, c, o)
	var srcs []endpoint
	for _, id := range m.Pods() {
		srcs = append(srcs, podEnd(id))
	}
	for _, a := range rapid.SliceOfNDistinct(rapid.SampledFrom(exposureAddrs(c, o)), 1, 2, rapid.ID[netip.Addr]).Draw(t, "addresses") {
		srcs = append(srcs, ipEnd(a))
	}
	type question struct {
		proto  corev1.Protocol
		number int32
		name   string
	}
	for i := range c.Services {
		svc := &c.Services[i]
		var wantBackends []simulate.PodID
		for _, b := range oracleBackends(c, svc) {
			wantBackends = append(wantBackends, simulate.PodID{Namespace: b.Namespace, Name: b.Name})
		}
		if got, err := m.Backends(simulate.ObjectID{Namespace: svc.Namespace, Name: svc.Name}); err != nil || !slices.Equal(got, wantBackends) {
			t.Fatalf("Backends(%s/%s) = %v, %v; oracle says %v\n%s", svc.Namespace, svc.Name, got, err, wantBackends, describe(c))
		}
		qs := []question{{corev1.ProtocolTCP, 1, ""}, {corev1.ProtocolUDP, 0, "nope"}, {corev1.ProtocolTCP, 443, ""}}
		for _, sp := range svc.Spec.Ports {
			proto := cmpOr(sp.Protocol, corev1.ProtocolTCP)
			qs = append(qs, question{proto, sp.Port, ""})
			if sp.Name != "" {
				qs = append(qs, question{proto, 0, sp.Name})
			}
		}
		for _, src := range srcs {
			for _, q := range qs {
				port := simulate.PortSpec{Protocol: q.proto, Start: q.number, End: q.number, Name: q.name}
				if q.name != "" {
					port.Start, port.End = 0, 0
				}
				want, ok := oracleServiceQuery(c, o, src, svc, q.proto, q.number, q.name)
				a, err := m.Query(simEnd(src), simulate.Service(svc.Namespace, svc.Name), port)
				if (err == nil) != ok {
					t.Fatalf("%+v: Query(%v, svc %s/%s, %v): error %v, oracle accepts the question: %v\n%s", o, src, svc.Namespace, svc.Name, port, err, ok, describe(c))
				}
				if err != nil {
					continue
				}
				var got []oracleVerdict
				for _, v := range a.Verdicts {
					to := ""
					if svc.Spec.Type != corev1.ServiceTypeExternalName {
						to = v.To.String()
					}
					got = append(got, oracleVerdict{to: to, port: v.Port.Start, allowed: v.Allowed})
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%+v: Query(%v, svc %s/%s, %v):\nengine %+v\noracle %+v\n%s\n%s", o, src, svc.Namespace, svc.Name, port, got, want, a, describe(c))
				}
			}
		}
	}
}

func TestQueryMatchesOracle(t *testing.T) { rapid.Check(t, propQueryMatchesOracle) }

func FuzzQueryMatchesOracle(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propQueryMatchesOracle)) }

func cmpOr(p, q corev1.Protocol) corev1.Protocol {
	if p != "" {
		return p
	}
	return q
}

// sourcesAdmit reports whether the engine's Sources admit a, reading the
// blocks from their fields.
func sourcesAdmit(s simulate.Sources, a netip.Addr) bool {
	if s.Any {
		return true
	}
	for _, b := range s.Blocks {
		if b.CIDR.Contains(a) && !slices.ContainsFunc(b.Except, func(e netip.Prefix) bool { return e.Contains(a) }) {
			return true
		}
	}
	return false
}

var routeRank = map[simulate.RouteKind]int{simulate.RouteDirect: 0, simulate.RouteNodePort: 1, simulate.RouteLoadBalancer: 2, simulate.RouteIngress: 3}

func routeKey(kind simulate.RouteKind, via, host, path string, tls bool, entry, pod simulate.PortSet) string {
	return fmt.Sprintf("%d|%s|%s|%s|%v|%s|%s", routeRank[kind], via, host, path, tls, entry, pod)
}

// propExposureMatchesOracle: Exposure lists, for every pod, the oracle's
// routes (kind, Service or Ingress, host, path, TLS, entry and pod ports,
// and the outside addresses that may use each, probed at the edges of
// every block and range) in the documented order, and outbound access that
// admits exactly what the pod's egress admits outside the cluster.
func propExposureMatchesOracle(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	o := drawOracleOpts(t, c)
	m := compileOpts(t, c, o)
	addrs := exposureAddrs(c, o)
	pts := portPoints(c)
	exp := m.Exposure()
	if len(exp) != len(c.Pods) {
		t.Fatalf("Exposure lists %d pods, the cluster has %d", len(exp), len(c.Pods))
	}
	for _, e := range exp {
		pod := oracleResolve(c, podEnd(e.Pod))
		if pod == nil {
			t.Fatalf("Exposure lists %v, not a pod of the cluster", e.Pod)
		}
		want := append([]oracleRoute{oracleDirect(c, o, pod)}, oracleServiceRoutes(c, o, pod)...)
		want = append(want, oracleIngressRoutes(c, o, pod)...)
		slices.SortStableFunc(want, func(a, b oracleRoute) int {
			return strings.Compare(routeKey(a.kind, a.via, a.host, a.path, a.tls, a.entry, a.pod), routeKey(b.kind, b.via, b.host, b.path, b.tls, b.entry, b.pod))
		})
		got := slices.Clone(e.Inbound)
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if cmpRoute := cmp.Or(routeRank[a.Kind]-routeRank[b.Kind], strings.Compare(a.Via, b.Via), strings.Compare(a.Host, b.Host), strings.Compare(a.Path, b.Path)); cmpRoute > 0 {
				t.Fatalf("%v: routes out of order: %v before %v", e.Pod, a, b)
			}
		}
		slices.SortStableFunc(got, func(a, b simulate.Route) int {
			return strings.Compare(routeKey(a.Kind, a.Via, a.Host, a.Path, a.TLS, a.EntryPorts, a.PodPorts), routeKey(b.Kind, b.Via, b.Host, b.Path, b.TLS, b.EntryPorts, b.PodPorts))
		})
		var gotKeys, wantKeys []string
		for _, r := range got {
			gotKeys = append(gotKeys, routeKey(r.Kind, r.Via, r.Host, r.Path, r.TLS, r.EntryPorts, r.PodPorts))
		}
		for _, r := range want {
			wantKeys = append(wantKeys, routeKey(r.kind, r.via, r.host, r.path, r.tls, r.entry, r.pod))
		}
		if !slices.Equal(gotKeys, wantKeys) {
			t.Fatalf("%+v: %v: routes\nengine %q\noracle %q\n%s", o, e.Pod, gotKeys, wantKeys, describe(c))
		}
		for i, r := range got {
			if r.Sources.Any != want[i].any {
				t.Fatalf("%+v: %v: route %v: Sources.Any = %v, oracle says %v\n%s", o, e.Pod, r, r.Sources.Any, want[i].any, describe(c))
			}
			for _, a := range addrs {
				if g, w := sourcesAdmit(r.Sources, a), want[i].sources(a); g != w {
					t.Fatalf("%+v: %v: route %v: admits %v: %v, oracle says %v\n%s", o, e.Pod, r, a, g, w, describe(c))
				}
			}
		}
		for _, proto := range protocols {
			for _, p := range pts {
				for _, a := range addrs {
					g := slices.ContainsFunc(e.Outbound, func(acc simulate.Access) bool { return acc.Ports.Contains(proto, p) && sourcesAdmit(acc.Sources, a) })
					w := oracleSideAllowsOpts(c, o, networkingv1.PolicyTypeEgress, pod, nil, a, nil, proto, p)
					if g != w {
						t.Fatalf("%+v: %v outbound to %v on %s/%d: engine %v, oracle %v\nengine: %+v\n%s", o, e.Pod, a, proto, p, g, w, e.Outbound, describe(c))
					}
				}
			}
		}
	}
}

func TestExposureMatchesOracle(t *testing.T) { rapid.Check(t, propExposureMatchesOracle) }

func FuzzExposureMatchesOracle(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propExposureMatchesOracle)) }
