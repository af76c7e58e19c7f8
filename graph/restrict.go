package graph

import (
	"fmt"
	"slices"

	"github.com/netpolsim/netpolsim/simulate"
)

// Restrict returns the graph of g on one port, "the TCP/5432 graph": the
// same nodes, and only the edges that allow some port of port, each carrying
// just those ports. A range keeps an edge that allows any port of the range.
// A named port is resolved at the destination as a policy's named port is
// (simulate.Model.NamedPort): for a workload, to the numbers any of its pods
// serves under that name and protocol; a destination that serves no such
// name has no edges into it. It costs O(edges + container ports of the
// nodes' pods).
//
// Restrict fails for a port with an unknown protocol or numbers outside
// 1..65535 (simulate.ParsePortSpec makes only valid ones).
func Restrict(g *Graph, port simulate.PortSpec) (*Graph, error) {
	if !slices.Contains(simulate.Protocols(), port.Protocol) {
		return nil, fmt.Errorf("graph: port %s: unknown protocol %q", port, port.Protocol)
	}
	if port.Name == "" && (port.Start < 1 || port.End < port.Start || port.End > 65535) {
		return nil, fmt.Errorf("graph: port %s: want numbers 1 <= start <= end <= 65535", port)
	}
	r := &Graph{m: g.m, nodes: g.nodes, byName: g.byName, byPod: g.byPod, outside: g.outside,
		out: make([][]*Edge, len(g.nodes)), in: make([][]*Edge, len(g.nodes))}
	only := make([]simulate.PortSet, len(g.nodes))
	for i, n := range g.nodes {
		if port.Name == "" {
			only[i] = simulate.NewPortSet(simulate.PortRange{Protocol: port.Protocol, Start: port.Start, End: port.End})
			continue
		}
		var ranges []simulate.PortRange
		for _, p := range n.pods {
			nums, err := g.m.NamedPorts(p, port.Name, port.Protocol)
			if err != nil {
				return nil, fmt.Errorf("graph: %w", err)
			}
			for _, num := range nums {
				ranges = append(ranges, simulate.PortRange{Protocol: port.Protocol, Start: num, End: num})
			}
		}
		only[i] = simulate.NewPortSet(ranges...)
	}
	for _, e := range g.Edges() {
		ports := e.ports.Intersect(only[e.to.id])
		if ports.IsEmpty() {
			continue
		}
		re := &Edge{from: e.from, to: e.to, ports: ports}
		r.out[e.from.id] = append(r.out[e.from.id], re)
		r.in[e.to.id] = append(r.in[e.to.id], re)
	}
	return r, nil
}
