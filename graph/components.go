package graph

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/topo"
)

// StronglyConnected returns the groups of two or more nodes of g that can
// all reach each other, each sorted by ID, the groups sorted by the ID of
// their first node. Inside a group, a compromise of one member puts every
// other member within reach.
//
// It wraps gonum's topo.TarjanSCC and leaves out the components of a single
// node: a node reaching only itself is no group (and a Graph has no self
// loops).
func StronglyConnected(g graph.Directed) [][]graph.Node {
	var out [][]graph.Node
	for _, c := range topo.TarjanSCC(g) {
		if len(c) < 2 {
			continue
		}
		c = slices.Clone(c)
		slices.SortFunc(c, byID)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b []graph.Node) int { return byID(a[0], b[0]) })
	return out
}

func byID(a, b graph.Node) int { return cmp.Compare(a.ID(), b.ID()) }
