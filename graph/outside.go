package graph

import (
	"fmt"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// internet holds the addresses the outside node always tries when Outside
// is given none: documentation addresses (RFC 5737, RFC 3849) that no
// policy written for a real network names, standing for the internet.
var internet = []netip.Addr{netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("2001:db8::1")}

// addOutside adds the outside node and its edges to the pods (or
// workloads) some outside address may reach.
func (g *Graph) addOutside(addrs []netip.Addr, every bool) error {
	// The addresses of pods; a hostNetwork pod's address is its node's,
	// outside the cluster as the model sees it (simulate.IP).
	taken := map[netip.Addr]simulate.PodID{}
	for _, id := range g.m.Pods() {
		if p, _ := g.m.PodObject(id); !p.Spec.HostNetwork { // id is one of m.Pods(): no error
			for _, a := range podAddrs(p) {
				taken[a] = id
			}
		}
	}
	witnesses := addrs == nil
	for i, a := range addrs {
		if !a.IsValid() {
			return fmt.Errorf("graph: outside address #%d is invalid", i)
		}
		a = a.WithZone("").Unmap()
		if id, ok := taken[a]; ok {
			return fmt.Errorf("graph: outside address %s is an address of pod %s, inside the cluster", a, id)
		}
		addrs[i] = a
	}
	if witnesses {
		for _, a := range internet {
			addrs = append(addrs, free(a, taken))
		}
	}
	o := &Node{id: int64(len(g.nodes)), name: OutsideName}
	g.outside = o
	g.nodes = append(g.nodes, o)
	g.byName[o.name] = o
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)

	reach := map[simulate.PodID]simulate.PortSet{}
	for _, n := range g.nodes[:o.id] {
		for _, p := range n.pods {
			ports, err := outsidePorts(g.m, p, addrs, witnesses, taken)
			if err != nil {
				return err
			}
			reach[p] = ports
		}
	}
	for _, n := range g.nodes[:o.id] {
		// The outside is one source: a workload's edge is the union (or
		// with every, the intersection) over its pods.
		ports := reach[n.pods[0]]
		for _, p := range n.pods[1:] {
			if every {
				ports = ports.Intersect(reach[p])
			} else {
				ports = ports.Union(reach[p])
			}
		}
		if ports.IsEmpty() {
			continue
		}
		e := &Edge{from: o, to: n, ports: ports}
		g.out[o.id] = append(g.out[o.id], e)
		g.in[n.id] = append(g.in[n.id], e)
	}
	return nil
}

// podAddrs returns the addresses of a pod as the model reads them.
func podAddrs(p *corev1.Pod) []netip.Addr {
	var out []netip.Addr
	add := func(s string) {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.WithZone("").Unmap())
		}
	}
	if p == nil {
		return nil
	}
	add(p.Status.PodIP)
	for _, ip := range p.Status.PodIPs {
		add(ip.IP)
	}
	return out
}

// outsidePorts returns the ports on which some address of addrs (plus, with
// witnesses, the addresses of the pod's node and a witness of every
// ipBlock that lets outsiders in) may reach pod.
func outsidePorts(m *simulate.Model, pod simulate.PodID, addrs []netip.Addr, witnesses bool, taken map[netip.Addr]simulate.PodID) (simulate.PortSet, error) {
	in, _, err := m.Selecting(pod)
	if err != nil {
		return simulate.PortSet{}, err
	}
	if len(in) == 0 {
		// Not isolated for ingress: every address, every port. (An
		// address outside the cluster has no egress policy.)
		return simulate.AllPorts(), nil
	}
	try := addrs
	if witnesses {
		try = slices.Clone(addrs)
		nodeAddrs, err := m.NodeAddresses(pod)
		if err != nil {
			return simulate.PortSet{}, err
		}
		for _, a := range nodeAddrs {
			if _, isPod := taken[a]; !isPod && !slices.Contains(try, a) {
				try = append(try, a)
			}
		}
		for _, p := range in {
			for _, r := range p.IngressRules {
				for _, peer := range r.Peers {
					if peer.IPBlock == nil {
						continue
					}
					if a, ok := witness(*peer.IPBlock, taken); ok && !slices.Contains(try, a) {
						try = append(try, a)
					}
				}
			}
		}
	}
	pieces, err := portPieces(m, in, pod)
	if err != nil {
		return simulate.PortSet{}, err
	}
	var allowed []simulate.PortRange
	for _, piece := range pieces {
		for _, a := range try {
			v, err := m.Check(simulate.IP(a), simulate.Pod(pod.Namespace, pod.Name),
				simulate.PortSpec{Protocol: piece.Protocol, Start: piece.Start, End: piece.End})
			if err != nil {
				return simulate.PortSet{}, err
			}
			if v.Allowed {
				allowed = append(allowed, piece)
				break
			}
		}
	}
	return simulate.NewPortSet(allowed...), nil
}

// portPieces cuts each protocol's ports into ranges on which every ingress
// rule of the policies treats every port alike: at the bounds of every
// numeric port of a rule and around every number the rules' named ports
// resolve to at pod (simulate.Model.NamedPort). A verdict for an address is
// then the same for every port of a piece.
func portPieces(m *simulate.Model, policies []*policy.Policy, pod simulate.PodID) ([]simulate.PortRange, error) {
	var out []simulate.PortRange
	for _, proto := range simulate.Protocols() {
		cuts := []int32{1, 65536}
		for _, p := range policies {
			for _, r := range p.IngressRules {
				for _, port := range r.Ports {
					if port.Protocol != proto {
						continue
					}
					if port.Name == "" {
						cuts = append(cuts, port.Start, port.End+1)
						continue
					}
					nums, err := m.NamedPorts(pod, port.Name, proto)
					if err != nil {
						return nil, err
					}
					for _, n := range nums {
						cuts = append(cuts, n, n+1)
					}
				}
			}
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for i := 0; i+1 < len(cuts); i++ {
			if cuts[i] >= 1 && cuts[i+1]-1 <= 65535 && cuts[i] <= cuts[i+1]-1 {
				out = append(out, simulate.PortRange{Protocol: proto, Start: cuts[i], End: cuts[i+1] - 1})
			}
		}
	}
	return out, nil
}

// free returns the first address from a on that is no address of the
// cluster.
func free(a netip.Addr, taken map[netip.Addr]simulate.PodID) netip.Addr {
	for _, ok := taken[a]; ok; _, ok = taken[a] {
		a = a.Next()
	}
	return a
}

// witness returns the lowest address of b that is in none of its except
// ranges and is not an address of the cluster, if there is one. It takes at
// most len(b.Except)+len(taken)+1 steps.
func witness(b policy.IPBlock, taken map[netip.Addr]simulate.PodID) (netip.Addr, bool) {
	a := b.CIDR.Addr()
	for a.IsValid() && b.CIDR.Contains(a) {
		if i := slices.IndexFunc(b.Except, func(e netip.Prefix) bool { return e.Contains(a) }); i >= 0 {
			a = lastAddr(b.Except[i]).Next()
			continue
		}
		if _, ok := taken[a]; ok {
			a = a.Next()
			continue
		}
		return a, true
	}
	return netip.Addr{}, false
}

// lastAddr returns the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// addEgress adds the edges from the nodes to the outside node (see
// OutsideEgress). The outside node has the highest ID, so appending keeps
// every node's edges sorted by the ID of To, and the outside node's edges
// in sorted by the ID of From.
func (g *Graph) addEgress(every bool) {
	open := map[simulate.PodID]simulate.PortSet{}
	for _, x := range g.m.Exposure() {
		var ports simulate.PortSet
		for _, a := range x.Outbound {
			if !a.Sources.IsEmpty() {
				ports = ports.Union(a.Ports)
			}
		}
		open[x.Pod] = ports
	}
	o := g.outside
	for _, n := range g.nodes[:o.id] {
		ports := open[n.pods[0]]
		for _, p := range n.pods[1:] {
			if every {
				ports = ports.Intersect(open[p])
			} else {
				ports = ports.Union(open[p])
			}
		}
		if ports.IsEmpty() {
			continue
		}
		e := &Edge{from: n, to: o, ports: ports}
		g.out[n.id] = append(g.out[n.id], e)
		g.in[o.id] = append(g.in[o.id], e)
	}
}

// addBlock adds the outside node of OutsideBlock: the addresses of p that
// are no pod's, with edges from (and, with egress, to) the nodes whose pods
// those addresses may reach (that may reach them), from
// simulate.Model.AddressAccess.
func (g *Graph) addBlock(p netip.Prefix, every, egress bool) error {
	block := simulate.CIDR(p)
	o := &Node{id: int64(len(g.nodes)), name: block.String()}
	g.outside = o
	g.nodes = append(g.nodes, o)
	g.byName[o.name] = o
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
	ports := func(pod simulate.PodID, d simulate.Direction) (simulate.PortSet, error) {
		pieces, err := g.m.AddressAccess(pod, block, d)
		var s simulate.PortSet
		for _, piece := range pieces {
			s = s.Union(piece.Ports)
		}
		return s, err
	}
	for _, n := range g.nodes[:o.id] {
		var in, out simulate.PortSet
		for i, pod := range n.pods {
			pin, err := ports(pod, simulate.Ingress)
			if err != nil {
				return err
			}
			var pout simulate.PortSet
			if egress {
				if pout, err = ports(pod, simulate.Egress); err != nil {
					return err
				}
			}
			if i == 0 || !every {
				in, out = in.Union(pin), out.Union(pout)
			} else {
				in, out = in.Intersect(pin), out.Intersect(pout)
			}
		}
		if !in.IsEmpty() {
			e := &Edge{from: o, to: n, ports: in}
			g.out[o.id] = append(g.out[o.id], e)
			g.in[n.id] = append(g.in[n.id], e)
		}
		if !out.IsEmpty() {
			e := &Edge{from: n, to: o, ports: out}
			g.out[n.id] = append(g.out[n.id], e)
			g.in[o.id] = append(g.in[o.id], e)
		}
	}
	return nil
}
