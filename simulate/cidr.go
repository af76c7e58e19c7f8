package simulate

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/netpolsim/netpolsim/policy"
)

// AddressRange is the inclusive range of addresses from First to Last, both
// of one family (IPv4 or IPv6), First ≤ Last.
type AddressRange struct {
	First, Last netip.Addr
}

// Prefixes returns the fewest CIDR prefixes that hold exactly the
// addresses of r, in address order: one for a range that is a prefix, at
// most 2 × (address bits) otherwise.
func (r AddressRange) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	a := r.First
	for a.IsValid() && a.Compare(r.Last) <= 0 {
		// The largest prefix that starts at a and ends by r.Last.
		bits := a.BitLen()
		for bits > 0 {
			p := netip.PrefixFrom(a, bits-1)
			if p.Masked().Addr() != a || lastOf(p).Compare(r.Last) > 0 {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(a, bits)
		out = append(out, p)
		a = lastOf(p).Next()
	}
	return out
}

// String renders r as its CIDR when it is one prefix ("10.0.0.0/8"), else
// as "FIRST-LAST" ("10.0.0.0-10.0.0.5").
func (r AddressRange) String() string {
	if ps := r.Prefixes(); len(ps) == 1 {
		return ps[0].String()
	}
	return r.First.String() + "-" + r.Last.String()
}

// contains reports whether a is in r.
func (r AddressRange) contains(a netip.Addr) bool {
	return r.First.Compare(a) <= 0 && a.Compare(r.Last) <= 0
}

// lastOf returns the highest address of p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// addrSet is a set of addresses: sorted, disjoint ranges, no two of which
// touch (so every set has one form). The nil addrSet is empty.
type addrSet []AddressRange

// everyAddress is the whole address space of both families.
var everyAddress = addrSet{
	{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255")},
	{netip.MustParseAddr("::"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")},
}

// prefixSet returns the addresses of p.
func prefixSet(p netip.Prefix) addrSet {
	p = p.Masked()
	return addrSet{{p.Addr(), lastOf(p)}}
}

// blockSet returns the addresses of an ipBlock: its CIDR minus its except
// ranges. It costs O(e log e) for e excepts.
func blockSet(b policy.IPBlock) addrSet {
	var ex addrSet
	for _, e := range b.Except {
		ex = ex.union(prefixSet(e))
	}
	return prefixSet(b.CIDR).subtract(ex)
}

// sourcesSet returns the addresses of s.
func sourcesSet(s Sources) addrSet {
	if s.Any {
		return everyAddress
	}
	var out addrSet
	for _, b := range s.Blocks {
		out = out.union(blockSet(b))
	}
	return out
}

// normalize sorts rs and merges ranges that overlap or touch.
func normalize(rs []AddressRange) addrSet {
	slices.SortFunc(rs, func(a, b AddressRange) int { return a.First.Compare(b.First) })
	var out addrSet
	for _, r := range rs {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if next := last.Last.Next(); r.First.Compare(last.Last) <= 0 || (next.IsValid() && next == r.First) {
				if r.Last.Compare(last.Last) > 0 {
					last.Last = r.Last
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// union returns the addresses in s or o. It costs O(n log n) for n ranges.
func (s addrSet) union(o addrSet) addrSet {
	return normalize(append(slices.Clone(s), o...))
}

// intersect returns the addresses in both s and o, in O(len(s)+len(o)).
func (s addrSet) intersect(o addrSet) addrSet {
	var out addrSet
	for i, j := 0, 0; i < len(s) && j < len(o); {
		lo, hi := maxAddr(s[i].First, o[j].First), minAddr(s[i].Last, o[j].Last)
		if lo.Compare(hi) <= 0 {
			out = append(out, AddressRange{lo, hi})
		}
		if s[i].Last.Compare(o[j].Last) < 0 {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract returns the addresses of s not in o, in O(len(s)+len(o)).
func (s addrSet) subtract(o addrSet) addrSet {
	var out addrSet
	j := 0
	for _, r := range s {
		cur := r
		ok := true
		for j < len(o) && o[j].Last.Compare(cur.First) < 0 {
			j++
		}
		for k := j; ok && k < len(o) && o[k].First.Compare(cur.Last) <= 0; k++ {
			if o[k].First.Compare(cur.First) > 0 {
				out = append(out, AddressRange{cur.First, o[k].First.Prev()})
			}
			if o[k].Last.Compare(cur.Last) >= 0 {
				ok = false
				break
			}
			cur.First = o[k].Last.Next()
		}
		if ok {
			out = append(out, cur)
		}
	}
	return out
}

// contains reports whether a is in s, in O(log len(s)).
func (s addrSet) contains(a netip.Addr) bool {
	i, _ := slices.BinarySearchFunc(s, a, func(r AddressRange, a netip.Addr) int { return r.Last.Compare(a) })
	return i < len(s) && s[i].contains(a)
}

func maxAddr(a, b netip.Addr) netip.Addr {
	if a.Compare(b) >= 0 {
		return a
	}
	return b
}

func minAddr(a, b netip.Addr) netip.Addr {
	if a.Compare(b) <= 0 {
		return a
	}
	return b
}

// AddressPorts is a range of addresses outside the cluster that the
// policies of one pod treat alike, and the ports allowed for each of them
// (empty: none).
type AddressPorts struct {
	Addresses AddressRange
	Ports     PortSet
}

// outsideOf returns the addresses an endpoint names that may be outside
// the cluster: the CIDR of a CIDR endpoint, every address for Outside,
// the address of an IP endpoint that is no pod's; false for any other
// endpoint. Pod addresses inside the set are not removed (see
// [Model.AddressAccess]).
func (m *Model) outsideOf(e Endpoint) (addrSet, bool) {
	switch e.kind {
	case kindBlock:
		if !e.prefix.IsValid() {
			return nil, false
		}
		return prefixSet(e.prefix), true
	case kindOutside:
		return everyAddress, true
	case kindIP:
		if _, ok := m.podByIP[e.addr]; !ok && e.addr.IsValid() {
			return addrSet{{e.addr, e.addr}}, true
		}
	}
	return nil, false
}

// AddressAccess cuts the addresses outside the cluster that e names (a
// [CIDR], [Outside], or an [IP] that is no pod's) into the maximal ranges
// that the policies of pod treat alike, and returns them in address order
// with the ports allowed for each: with [Ingress], the ports on which those
// addresses may open connections to pod; with [Egress], the ports on which
// pod may open connections to them (a named port matches no address
// outside the cluster). Together the ranges hold every address of e that
// is not a pod's; a range of pod addresses alone is left out, and the
// addresses of pods inside a range are not part of its answer (they are
// pods: ask with [Pod]). The addresses of hostNetwork pods are their
// nodes', outside the cluster; with [NodeTraffic] (the default) the
// addresses of pod's own node reach it on every port, and are ranges of
// their own when its policies would not admit them.
//
// This is the answer of [Model.Check] for every address of e at once, from
// the same reading of the pod's rules as [Model.Exposure] (ipBlocks with
// their except ranges; with tiered policies, networks and nodes peers).
// It costs O(rules of the pod's policies + r log r) for r ranges, plus,
// with tiered policies, what Exposure costs for the pod. An unknown pod, or
// an endpoint of another kind, is an error.
func (m *Model) AddressAccess(pod PodID, e Endpoint, d Direction) ([]AddressPorts, error) {
	i, ok := m.podByID[pod]
	if !ok {
		return nil, m.notFoundPod(Pod(pod.Namespace, pod.Name))
	}
	if d != Ingress && d != Egress {
		return nil, fmt.Errorf("simulate: invalid direction %s", d)
	}
	set, ok := m.outsideOf(e)
	if !ok {
		return nil, fmt.Errorf("simulate: %s is no address outside the cluster, nor a CIDR or outside", e)
	}
	return m.addressPieces(i, set, d, AllPorts(), true), nil
}

// ClassAddressAccess is [Model.AddressAccess] for every pod of class c at
// once, but for node traffic: the addresses of a pod's own node, which
// depend on the pod rather than its class (see [Model.NodeTrafficFrom]).
// For a pod of c, AddressAccess with [Ingress] is these ranges with the
// addresses NodeTrafficFrom gives allowed on every port; with [Egress] it
// is these ranges. So the ports on which some address of e may reach a pod
// of c (Ingress) are the union of the ranges' ports, and every port when
// NodeTrafficFrom gives the pod some address. It costs what AddressAccess
// costs for the class's representative. An endpoint of another kind is an
// error; an ID that is not one of m's classes panics.
func (m *Model) ClassAddressAccess(c ClassID, e Endpoint, d Direction) ([]AddressPorts, error) {
	if int(c) >= len(m.classes) || c < 0 {
		panic(fmt.Sprintf("simulate: ClassAddressAccess(%d): the model has %d classes", c, len(m.classes)))
	}
	if d != Ingress && d != Egress {
		return nil, fmt.Errorf("simulate: invalid direction %s", d)
	}
	set, ok := m.outsideOf(e)
	if !ok {
		return nil, fmt.Errorf("simulate: %s is no address outside the cluster, nor a CIDR or outside", e)
	}
	return m.addressPieces(m.classes[c].members[0], set, d, AllPorts(), false), nil
}

// NodeTrafficFrom returns the addresses of e outside the cluster (as in
// [Model.AddressAccess]) that reach pod on every port because they are
// its own node's ([NodeAddresses]) and [NodeTraffic] allows node traffic
// (the default): sorted, disjoint ranges, none that only pods' addresses
// make up; nil without the option, for a pod whose node has no address
// the model knows, and when e holds none of them. It costs O(node
// addresses × log pods). An unknown pod, or an endpoint of another kind,
// is an error.
func (m *Model) NodeTrafficFrom(pod PodID, e Endpoint) ([]AddressRange, error) {
	i, ok := m.podByID[pod]
	if !ok {
		return nil, m.notFoundPod(Pod(pod.Namespace, pod.Name))
	}
	set, ok := m.outsideOf(e)
	if !ok {
		return nil, fmt.Errorf("simulate: %s is no address outside the cluster, nor a CIDR or outside", e)
	}
	var out []AddressRange
	for _, r := range m.nodeTraffic(i).intersect(set) {
		if !onlyPods(m.podAddrs(), r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// nodeTraffic returns the addresses that node traffic admits into pod i
// on every port: its node's, with [NodeTraffic]; none without.
func (m *Model) nodeTraffic(i int32) addrSet {
	if !m.opts.nodeAllowed {
		return nil
	}
	var nodes addrSet
	for _, a := range m.nodeByName[m.pods[i].pod.Spec.NodeName] {
		nodes = nodes.union(addrSet{{a, a}})
	}
	return nodes
}

// addressPieces is AddressAccess for pod index i and the addresses set,
// on the ports of within only: ranges that differ on other ports only are
// one. Node traffic counts only with nodes.
func (m *Model) addressPieces(i int32, set addrSet, d Direction, within PortSet, nodes bool) []AddressPorts {
	dir := ingress
	if d == Egress {
		dir = egress
	}
	type access struct {
		set   addrSet
		ports PortSet
	}
	var accesses []access
	for _, a := range m.outsideAccess(dir, i) {
		if ports := a.Ports.Intersect(within); !ports.IsEmpty() {
			accesses = append(accesses, access{sourcesSet(a.Sources), ports})
		}
	}
	if d == Ingress && nodes {
		if n := m.nodeTraffic(i); len(n) > 0 && !within.IsEmpty() {
			accesses = append(accesses, access{n, within})
		}
	}
	// Cut set at every edge of every access set: within a piece, every
	// address is in the same access sets.
	var cuts []netip.Addr
	for _, a := range accesses {
		for _, r := range a.set.intersect(set) {
			cuts = append(cuts, r.First)
			if n := r.Last.Next(); n.IsValid() {
				cuts = append(cuts, n)
			}
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	cuts = slices.Compact(cuts)
	pods := m.podAddrs()
	var out []AddressPorts
	for _, r := range set {
		// joinable: the last piece of out is of r and ends where this one
		// starts, but for pod addresses.
		joinable := false
		lo := r.First
		k, _ := slices.BinarySearchFunc(cuts, lo, netip.Addr.Compare)
		for {
			hi := r.Last
			for k < len(cuts) && cuts[k].Compare(lo) <= 0 {
				k++
			}
			if k < len(cuts) && cuts[k].Compare(r.Last) <= 0 {
				hi = cuts[k].Prev()
			}
			piece := AddressRange{lo, hi}
			if !onlyPods(pods, piece) { // else no address of it is outside the cluster
				var ports PortSet
				for _, a := range accesses {
					if a.set.contains(lo) {
						ports = ports.Union(a.ports)
					}
				}
				if n := len(out); joinable && out[n-1].Ports.Equal(ports) {
					out[n-1].Addresses.Last = hi
				} else {
					out = append(out, AddressPorts{piece, ports})
				}
				joinable = true
			}
			if hi == r.Last {
				break
			}
			lo = hi.Next()
		}
	}
	return out
}

// onlyPods reports whether every address of r is a pod's (pods sorted):
// whether r holds as many pod addresses as it has addresses.
func onlyPods(pods []netip.Addr, r AddressRange) bool {
	lo, _ := slices.BinarySearchFunc(pods, r.First, netip.Addr.Compare)
	hi, found := slices.BinarySearchFunc(pods, r.Last, netip.Addr.Compare)
	if found {
		hi++
	}
	size := countBetween(r)
	return size >= 0 && hi-lo == size+1
}

// countBetween returns Last − First, or -1 when it exceeds 2⁴⁰ (more
// addresses than a model holds pods).
func countBetween(r AddressRange) int {
	a, b := r.First.As16(), r.Last.As16()
	if [8]byte(a[:8]) != [8]byte(b[:8]) {
		return -1
	}
	var x, y uint64
	for i := 8; i < 16; i++ {
		x, y = x<<8|uint64(a[i]), y<<8|uint64(b[i])
	}
	if y-x > 1<<40 {
		return -1
	}
	return int(y - x)
}

// podAddrs returns the addresses of the pods of the model (not of
// hostNetwork pods), sorted; computed once.
func (m *Model) podAddrs() []netip.Addr {
	m.addrOnce.Do(func() {
		m.addrs = make([]netip.Addr, 0, len(m.podByIP))
		for a := range m.podByIP {
			m.addrs = append(m.addrs, a)
		}
		slices.SortFunc(m.addrs, netip.Addr.Compare)
	})
	return m.addrs
}

// podsIn returns the pods whose address is in set, sorted by ID.
func (m *Model) podsIn(set addrSet) []PodID {
	addrs := m.podAddrs()
	var idx []int32
	for _, r := range set {
		lo, _ := slices.BinarySearchFunc(addrs, r.First, netip.Addr.Compare)
		for k := lo; k < len(addrs) && addrs[k].Compare(r.Last) <= 0; k++ {
			idx = append(idx, m.podByIP[addrs[k]])
		}
	}
	if len(idx) == 0 {
		return nil
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	out := make([]PodID, len(idx))
	for j, p := range idx {
		out[j] = m.pods[p].id
	}
	return out
}

// AddressVerdict is the answer of [Model.Query] for one range of addresses
// outside the cluster and one pod at the other end: a range that the pod's
// policies treat alike on the port asked (see [Model.AddressAccess]).
type AddressVerdict struct {
	// Pod is the pod of the cluster at the other end.
	Pod PodID
	// Direction is [Ingress] when the addresses open connections to Pod,
	// [Egress] when Pod opens connections to them.
	Direction Direction
	// Addresses is the range; pod addresses inside it are not part of the
	// answer.
	Addresses AddressRange
	// Port is the port asked; a named port is resolved against Pod for
	// Ingress (Start and End its number, 0 when Pod does not serve the
	// name) and matches no address for Egress.
	Port PortSpec
	// Ports are the ports of Port allowed for every address of the range.
	Ports PortSet
	// Allowed is true when every port of Port is allowed.
	Allowed bool
}

// String renders v on one line: "allowed: 203.0.113.0/24 → shop/web-0 on
// TCP/443", "denied: ...", or, for part of a range of ports, "allowed on
// TCP/80 only: ...".
func (v AddressVerdict) String() string {
	verdict := "denied"
	switch {
	case v.Allowed:
		verdict = "allowed"
	case !v.Ports.IsEmpty():
		verdict = "allowed on " + v.Ports.String() + " only"
	}
	from, to := v.Addresses.String(), v.Pod.String()
	if v.Direction == Egress {
		from, to = to, from
	}
	port := v.Port.String()
	switch {
	case v.Port.Name != "" && v.Port.Start != 0:
		port = fmt.Sprintf("%s/%d (%s)", v.Port.Protocol, v.Port.Start, v.Port.Name)
	case v.Port.Name != "" && v.Direction == Egress:
		return fmt.Sprintf("denied: %s → %s on %s: a named port matches no address outside the cluster", from, to, port)
	case v.Port.Name != "":
		return fmt.Sprintf("denied: %s serves no %s port named %q", v.Pod, v.Port.Protocol, v.Port.Name)
	}
	return fmt.Sprintf("%s: %s → %s on %s (addresses outside the cluster)", verdict, from, to, port)
}

// blockOf returns the addresses of a CIDR or Outside endpoint; false for
// any other kind.
func (m *Model) blockOf(e Endpoint) (addrSet, bool) {
	if e.kind != kindBlock && e.kind != kindOutside {
		return nil, false
	}
	return m.outsideOf(e)
}

// addressVerdicts answers port for the addresses of set (outside the
// cluster) and pod i, in direction d, range by range.
func (m *Model) addressVerdicts(i int32, set addrSet, d Direction, port PortSpec) []AddressVerdict {
	var want PortSet
	switch {
	case port.Name == "":
		want = NewPortSet(PortRange{port.Protocol, port.Start, port.End})
	case d == Ingress:
		port.Start, port.End = 0, 0
		if n, ok := firstNamedPort(m.pods[i].pod, port.Name, port.Protocol); ok {
			port.Start, port.End = n, n
			want = NewPortSet(PortRange{port.Protocol, n, n})
		}
	default:
		port.Start, port.End = 0, 0
	}
	var out []AddressVerdict
	for _, p := range m.addressPieces(i, set, d, want, true) {
		out = append(out, AddressVerdict{Pod: m.pods[i].id, Direction: d, Addresses: p.Addresses, Port: port,
			Ports: p.Ports, Allowed: !want.IsEmpty() && p.Ports.Equal(want)})
	}
	return out
}
