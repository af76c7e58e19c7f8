package graph

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/traverse"
)

// Reachable is the answer of Reach or ReachedBy: a set of nodes, each with
// its distance in hops from (or to) a root node and one shortest path.
// The zero Reachable holds nothing.
type Reachable struct {
	root    graph.Node
	g       traverse.Graph // the graph asked about, in its own direction
	reverse bool           // ReachedBy: hops are counted towards root
	hops    map[int64]int
	next    map[int64]graph.Node // the node one hop closer to root
	at      map[int64]graph.Node // the nodes reached, root included
	nodes   []graph.Node
}

// Reach returns the nodes that from may reach in at most k hops (a hop is
// one edge): the blast radius of from. A negative k means no limit.
//
// It walks g breadth first with gonum's traverse.BreadthFirst, so it costs
// O(nodes + edges) of the part of g it reaches.
func Reach(g traverse.Graph, from graph.Node, k int) Reachable {
	return walk(g, g, from, k, false)
}

// ReachedBy returns the nodes that may reach to in at most k hops: who could
// attack to within k hops. A negative k means no limit.
func ReachedBy(g graph.Directed, to graph.Node, k int) Reachable {
	return walk(g, reversed{g}, to, k, true)
}

// reversed is g with every edge turned round, for walking backwards.
type reversed struct{ g graph.Directed }

func (r reversed) From(id int64) graph.Nodes  { return r.g.To(id) }
func (r reversed) Edge(u, v int64) graph.Edge { return r.g.Edge(v, u) }

func walk(g, w traverse.Graph, root graph.Node, k int, reverse bool) Reachable {
	r := Reachable{root: root, g: g, reverse: reverse, hops: map[int64]int{}, next: map[int64]graph.Node{}, at: map[int64]graph.Node{}}
	if root == nil {
		return r
	}
	// Walk asks until about a node just before it follows that node's
	// edges, and visits the nodes it finds on them: the node until last
	// saw is the one before each visited node on a shortest path.
	var cur graph.Node
	bf := traverse.BreadthFirst{
		Visit: func(n graph.Node) {
			if cur != nil {
				r.next[n.ID()] = cur
			}
		},
	}
	bf.Walk(w, root, func(n graph.Node, d int) bool {
		if k >= 0 && d > k {
			return true
		}
		cur = n
		r.hops[n.ID()] = d
		r.at[n.ID()] = n
		if n.ID() != root.ID() {
			r.nodes = append(r.nodes, n)
		}
		return false
	})
	slices.SortFunc(r.nodes, func(a, b graph.Node) int {
		return cmp.Or(cmp.Compare(r.hops[a.ID()], r.hops[b.ID()]), cmp.Compare(a.ID(), b.ID()))
	})
	return r
}

// Root returns the node the question was about: from for Reach, to for
// ReachedBy.
func (r Reachable) Root() graph.Node { return r.root }

// Nodes returns the nodes reached, not counting the root, sorted by hops and
// then by ID.
func (r Reachable) Nodes() []graph.Node { return slices.Clone(r.nodes) }

// Len returns the number of nodes reached, not counting the root.
func (r Reachable) Len() int { return len(r.nodes) }

// Hops returns the number of hops between the root and the node with the
// given ID (0 for the root itself), and whether that node was reached.
func (r Reachable) Hops(id int64) (int, bool) {
	h, ok := r.hops[id]
	return h, ok
}

// Within returns the nodes reached in at most k hops, not counting the root,
// sorted as Nodes.
func (r Reachable) Within(k int) []graph.Node {
	i, _ := slices.BinarySearchFunc(r.nodes, k+1, func(n graph.Node, h int) int { return cmp.Compare(r.hops[n.ID()], h) })
	return slices.Clone(r.nodes[:i])
}

// Path returns a shortest path between the root and the node with the given
// ID, in the direction of the edges: from the root for Reach, to the root for
// ReachedBy. It returns the zero Path for a node that was not reached, and
// the path of no hops for the root.
func (r Reachable) Path(id int64) Path {
	if _, ok := r.hops[id]; !ok {
		return Path{}
	}
	nodes := []graph.Node{r.at[id]}
	for cur := id; cur != r.root.ID(); {
		n := r.next[cur]
		nodes = append(nodes, n)
		cur = n.ID()
	}
	if !r.reverse {
		slices.Reverse(nodes)
	}
	return pathOf(r.g, nodes)
}
