package graph

import (
	"fmt"
	"net/netip"

	"github.com/netpolsim/netpolsim/simulate"
)

// addOutside adds the outside node, named name, standing for the
// addresses outside the cluster of the endpoints es (each Outside, a CIDR
// or an IP that is no pod's), and its edges: from it to each node whose
// pods some of those addresses may reach, and with egress from each node
// whose pods may reach some of them, carrying the ports (over the node's
// pods: their union, or with every their intersection). The outside node
// has the highest ID, so appending keeps every node's edges sorted by the
// ID of To, and the outside node's edges in sorted by the ID of From.
func (g *Graph) addOutside(name string, es []simulate.Endpoint, every, egress bool) error {
	o := &Node{id: int64(len(g.nodes)), name: name}
	g.outside = o
	g.nodes = append(g.nodes, o)
	g.byName[o.name] = o
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
	in, err := g.addressPorts(es, simulate.Ingress)
	if err != nil {
		return err
	}
	var out func(simulate.PodID) simulate.PortSet
	if egress {
		if out, err = g.addressPorts(es, simulate.Egress); err != nil {
			return err
		}
	}
	over := func(n *Node, ports func(simulate.PodID) simulate.PortSet) simulate.PortSet {
		s := ports(n.pods[0])
		for _, p := range n.pods[1:] {
			if every {
				s = s.Intersect(ports(p))
			} else {
				s = s.Union(ports(p))
			}
		}
		return s
	}
	for _, n := range g.nodes[:o.id] {
		if ports := over(n, in); !ports.IsEmpty() {
			e := &Edge{from: o, to: n, ports: ports}
			g.out[o.id] = append(g.out[o.id], e)
			g.in[n.id] = append(g.in[n.id], e)
		}
		if !egress {
			continue
		}
		if ports := over(n, out); !ports.IsEmpty() {
			e := &Edge{from: n, to: o, ports: ports}
			g.out[n.id] = append(g.out[n.id], e)
			g.in[o.id] = append(g.in[o.id], e)
		}
	}
	return nil
}

// addressPorts returns, for a pod, the ports on which some address of es
// outside the cluster may open connections to it (Ingress) or it may open
// connections to some such address (Egress): the union of the ports of
// the ranges simulate.Model.AddressAccess gives. It asks the model once
// per class and endpoint (simulate.Model.ClassAddressAccess) and, for
// ingress, once per pod and endpoint for its node traffic
// (simulate.Model.NodeTrafficFrom, which adds every port) when the class
// does not already allow every port.
func (g *Graph) addressPorts(es []simulate.Endpoint, d simulate.Direction) (func(simulate.PodID) simulate.PortSet, error) {
	all := simulate.AllPorts()
	classes := g.m.Classes()
	byClass := make([]simulate.PortSet, len(classes))
	for _, c := range classes {
		for _, e := range es {
			pieces, err := g.m.ClassAddressAccess(c.ID, e, d)
			if err != nil {
				return nil, err
			}
			for _, piece := range pieces {
				byClass[c.ID] = byClass[c.ID].Union(piece.Ports)
			}
		}
	}
	byPod := map[simulate.PodID]simulate.PortSet{}
	if d == simulate.Ingress {
		for _, c := range classes {
			if byClass[c.ID].Equal(all) {
				continue
			}
			for _, p := range c.Pods {
				for _, e := range es {
					nodes, err := g.m.NodeTrafficFrom(p, e)
					if err != nil {
						return nil, err
					}
					if len(nodes) > 0 {
						byPod[p] = all
						break
					}
				}
			}
		}
	}
	return func(p simulate.PodID) simulate.PortSet {
		if s, ok := byPod[p]; ok {
			return s
		}
		c, _ := g.m.ClassOf(p) // p is a pod of g.m
		return byClass[c]
	}, nil
}

// outsideEndpoints returns the endpoints the outside node of Outside
// stands for: every address outside the cluster without addrs, else each
// address of addrs, which must be valid and no pod's.
func outsideEndpoints(m *simulate.Model, addrs []netip.Addr) ([]simulate.Endpoint, error) {
	if len(addrs) == 0 {
		return []simulate.Endpoint{simulate.Outside()}, nil
	}
	es := make([]simulate.Endpoint, len(addrs))
	for i, a := range addrs {
		if !a.IsValid() {
			return nil, fmt.Errorf("graph: outside address #%d is invalid", i)
		}
		es[i] = simulate.IP(a)
		pods, err := m.Resolve(es[i])
		if err != nil {
			return nil, fmt.Errorf("graph: outside address %s: %w", es[i], err)
		}
		if len(pods) > 0 {
			return nil, fmt.Errorf("graph: outside address %s is an address of pod %s, inside the cluster", es[i], pods[0])
		}
	}
	return es, nil
}
