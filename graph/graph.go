package graph

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"

	"github.com/netpolsim/netpolsim/simulate"
)

// Compile-time checks that the types satisfy gonum's interfaces.
var (
	_ graph.Directed = (*Graph)(nil)
	_ graph.Node     = (*Node)(nil)
	_ graph.Edge     = (*Edge)(nil)
	_ PortEdge       = (*Edge)(nil)
	_ OutsideGraph   = (*Graph)(nil)
)

// OutsideName is the name of the node that stands for every address outside
// the cluster. No pod or workload has it: their names contain a slash.
const OutsideName = "outside"

// Node is a node of a Graph: a pod, a workload, or the outside. Nodes are
// immutable.
type Node struct {
	id        int64
	name      string
	kind      string
	namespace string
	pods      []simulate.PodID
	isolated  bool
}

// ID returns the node's ID in its graph.
func (n *Node) ID() int64 { return n.id }

// Name returns "namespace/name" of the pod or workload, or OutsideName.
//
// If a workload has the name of a bare pod, or of a workload of another kind
// in the same namespace, the workload's node is named
// "namespace/kind/name" instead, with the kind in lower case
// ("shop/statefulset/web"), so that every name is unique.
func (n *Node) Name() string { return n.name }

// String returns Name.
func (n *Node) String() string { return n.name }

// DOTID returns Name, so that gonum's encoding/dot names nodes readably.
func (n *Node) DOTID() string { return n.name }

// Kind returns "Pod" for a pod, the kind of a workload ("Deployment",
// "StatefulSet", ...), or "" for the outside node.
func (n *Node) Kind() string { return n.kind }

// Namespace returns the namespace of the pod or workload; "" for the outside.
func (n *Node) Namespace() string { return n.namespace }

// Pods returns the pods the node stands for, sorted: one for a pod, the
// workload's pods for a workload, none for the outside.
func (n *Node) Pods() []simulate.PodID { return slices.Clone(n.pods) }

// IsOutside reports whether n is the node that stands for the outside.
func (n *Node) IsOutside() bool { return n.kind == "" }

// IngressIsolated reports whether a policy isolates every pod of n for
// ingress (see simulate.Model.Selecting). A pod that is not isolated accepts
// every connection, from every pod and address, on every port. It is false
// for the outside node.
func (n *Node) IngressIsolated() bool { return n.isolated }

// PortEdge is an edge that carries the ports it allows. The questions of
// this package read the ports of every hop from edges that implement it.
type PortEdge interface {
	graph.Edge
	Ports() simulate.PortSet
}

// Edge is an edge of a Graph: the ports on which its From node may open
// connections to its To node. Edges are immutable.
type Edge struct {
	from, to *Node
	ports    simulate.PortSet
}

// From returns the node the connections start at.
func (e *Edge) From() graph.Node { return e.from }

// To returns the node the connections go to.
func (e *Edge) To() graph.Node { return e.to }

// Ports returns the ports allowed from From to To; never empty.
func (e *Edge) Ports() simulate.PortSet { return e.ports }

// ReversedEdge returns e itself: the ports allowed one way say nothing about
// the other way, so reversing is not valid for this edge type (gonum's
// convention for such edges).
func (e *Edge) ReversedEdge() graph.Edge { return e }

// String renders e as "from -(ports)-> to".
func (e *Edge) String() string { return fmt.Sprintf("%s -(%s)-> %s", e.from, e.ports, e.to) }

// Graph is the reachability graph of a simulate.Model. It implements gonum's
// graph.Directed, is immutable, and is safe for concurrent use.
type Graph struct {
	m       *simulate.Model
	nodes   []*Node // by ID
	byName  map[string]*Node
	byPod   map[simulate.PodID]*Node
	out     [][]*Edge // by ID of From; each sorted by ID of To
	in      [][]*Edge // by ID of To; each sorted by ID of From
	outside *Node
}

// Option sets how New builds a graph.
type Option func(*config)

type config struct {
	workloads bool
	every     bool
	outside   bool
	egress    bool
	addrs     []netip.Addr
	block     netip.Prefix // OutsideBlock's
	hasBlock  bool
}

// OutsideEgress adds, with Outside or OutsideBlock, an edge from each node
// to the outside node when some of its pods may open connections to some
// address the outside node stands for (over the ranges of
// simulate.Model.AddressAccess with simulate.Egress; over the node's pods
// their union, or with EveryMember their intersection), carrying the ports
// on which some such address may be reached. The outside node is then a
// destination too, so Reach and the paths walk through it: use it to draw
// traffic leaving the cluster, not for attack paths between pods. It has
// no effect without Outside or OutsideBlock, and adds what they add to New
// once more (without the per-pod node traffic, which is only inbound).
func OutsideEgress() Option { return func(c *config) { c.egress = true } }

// ByWorkload makes one node per workload (simulate.Model.Workloads: the
// owner simulate.WorkloadOf reads) instead of one per pod; a pod without an
// owner stays a node of its own. An edge between workloads means that some
// pod of one may reach some pod of the other, on the union of their ports
// (simulate.AnyMember), unless EveryMember is given too.
func ByWorkload() Option { return func(c *config) { c.workloads = true } }

// EveryMember changes the edges between workloads (see ByWorkload) to the
// strict reading of netpolsim matrix --group workload (simulate.EveryMember):
// an edge only when every pod of one may reach every pod of the other,
// carrying the ports they all allow. It under-approximates reachability, so it is the wrong choice
// for blast radius questions; it has no effect without ByWorkload.
func EveryMember() Option { return func(c *config) { c.every = true } }

// Outside adds the node that stands for every address outside the cluster,
// named OutsideName, with an edge to each node (pod or workload) that some
// outside address may reach on some port, carrying every port on which
// some outside address may reach it (over the node's pods: their union, or
// with EveryMember their intersection).
//
// The edges are the model's answer, not a sample: the ports of a pod are
// those of the ranges simulate.Model.AddressAccess cuts simulate.Outside()
// into for the pod (ipBlocks with their except ranges, tiered networks and
// nodes peers, and with simulate.NodeTraffic, the default, the pod's own
// node's addresses on every port), asked once per class
// (simulate.Model.ClassAddressAccess) plus, for the pods of a class that
// does not already admit every port, their node traffic
// (simulate.Model.NodeTrafficFrom). An address of a pod is not outside the
// cluster; a hostNetwork pod's address is its node's, and is, as
// simulate.IP treats it.
//
// With addrs, the outside node stands for exactly those addresses, for
// instance the sources a load balancer forwards: each is asked as
// simulate.IP. An address of a pod (other than a hostNetwork pod, whose
// address is its node's) is not outside the cluster, and New reports it as
// an error.
func Outside(addrs ...netip.Addr) Option {
	return func(c *config) {
		c.outside = true
		c.addrs = append(c.addrs, addrs...)
	}
}

// OutsideBlock is Outside for the addresses of one block only: the outside
// node stands for the addresses of p that are no pod's and is named by p
// ("203.0.113.0/24", its bits past the prefix length cleared), and its
// edges are exact: to each pod, the ports on which some address of the
// block may reach it, over the ranges of simulate.Model.AddressAccess,
// asked as Outside asks them; with OutsideEgress, from each pod, the ports
// on which it may reach some address of the block. The pods whose
// addresses p holds are nodes of their own, not part of the outside node.
// It replaces the addresses given to Outside, and adds to New what Outside
// adds.
func OutsideBlock(p netip.Prefix) Option {
	return func(c *config) {
		c.outside = true
		c.block, c.hasBlock = p, true
	}
}

// New builds the reachability graph of m. It fails only for an address given
// to Outside that is invalid or belongs to a pod, and for an invalid
// prefix given to OutsideBlock.
//
// The edges come from the model's class view, expanded to nodes: a pod
// graph takes simulate.Matrix.All, a workload graph
// simulate.Model.WorkloadPairs. So New costs O(pods) for the nodes plus
// O(classes + class pairs with some port considered + edges × log edges),
// never O(pods²) unless the edges are that many. Outside and OutsideBlock
// add, per address endpoint (one without addrs), one
// simulate.Model.ClassAddressAccess per class and direction (O(rules of the
// class's policies + r log r) for r ranges) and one
// simulate.Model.NodeTrafficFrom per pod of the classes that do not admit
// every port (O(node addresses × log pods)), plus O(pods) to aggregate.
func New(m *simulate.Model, opts ...Option) (*Graph, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	g := &Graph{m: m, byName: map[string]*Node{}, byPod: map[simulate.PodID]*Node{}}
	g.addNodes(c.workloads)
	if c.workloads {
		agg := simulate.AnyMember
		if c.every {
			agg = simulate.EveryMember
		}
		for wp := range m.WorkloadPairs(agg) {
			g.addEdge(g.byName[wp.From], g.byName[wp.To], wp.Ports)
		}
	} else {
		for p := range m.Matrix().All() {
			g.addEdge(g.byPod[p.From], g.byPod[p.To], p.Ports)
		}
	}
	g.index()
	switch {
	case c.hasBlock && !c.block.IsValid():
		return nil, fmt.Errorf("graph: invalid outside block %s", c.block)
	case c.hasBlock:
		block := simulate.CIDR(c.block)
		if err := g.addOutside(block.String(), []simulate.Endpoint{block}, c.workloads && c.every, c.egress); err != nil {
			return nil, err
		}
	case c.outside:
		es, err := outsideEndpoints(m, c.addrs)
		if err != nil {
			return nil, err
		}
		if err := g.addOutside(OutsideName, es, c.workloads && c.every, c.egress); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// addNodes makes the nodes of the pods or workloads of g.m, sorted by name.
// Whether a node is isolated for ingress is asked once per class.
func (g *Graph) addNodes(byWorkload bool) {
	var nodes []*Node
	if byWorkload {
		for _, w := range g.m.Workloads() {
			nodes = append(nodes, &Node{name: w.ID, kind: w.Kind, namespace: w.Namespace, pods: w.Pods})
		}
	} else {
		for _, id := range g.m.Pods() {
			nodes = append(nodes, &Node{name: id.String(), kind: "Pod", namespace: id.Namespace, pods: []simulate.PodID{id}})
		}
	}
	slices.SortFunc(nodes, func(a, b *Node) int { return strings.Compare(a.name, b.name) })
	classes := g.m.Classes()
	isolated := make([]bool, len(classes))
	for i, c := range classes {
		in, _, err := g.m.Selecting(c.Pods[0])
		isolated[i] = err == nil && len(in) > 0
	}
	for i, n := range nodes {
		n.id = int64(i)
		n.isolated = true
		for _, p := range n.pods {
			g.byPod[p] = n
			if c, err := g.m.ClassOf(p); err != nil || !isolated[c] {
				n.isolated = false
			}
		}
		g.byName[n.name] = n
	}
	g.nodes = nodes
	g.out = make([][]*Edge, len(nodes))
	g.in = make([][]*Edge, len(nodes))
}

// addEdge adds the edge from a to b; index must be called after the last.
func (g *Graph) addEdge(a, b *Node, ports simulate.PortSet) {
	g.out[a.id] = append(g.out[a.id], &Edge{from: a, to: b, ports: ports})
}

// index sorts the edges out of each node by the ID of To and fills the
// edges into each node, sorted by the ID of From.
func (g *Graph) index() {
	for _, edges := range g.out {
		slices.SortFunc(edges, func(x, y *Edge) int { return cmp.Compare(x.to.id, y.to.id) })
	}
	for _, edges := range g.out {
		for _, e := range edges {
			g.in[e.to.id] = append(g.in[e.to.id], e)
		}
	}
}

// Model returns the model g was built from.
func (g *Graph) Model() *simulate.Model { return g.m }

// NodeNamed returns the node with the given name (see Node.Name), or nil.
func (g *Graph) NodeNamed(name string) *Node { return g.byName[name] }

// NodeOf returns the node that stands for pod: the pod's own node, or its
// workload's. It returns nil for a pod that is not in the model.
func (g *Graph) NodeOf(pod simulate.PodID) *Node { return g.byPod[pod] }

// Outside returns the node that stands for the outside, or nil when g was
// built without the Outside option.
func (g *Graph) Outside() graph.Node {
	if g.outside == nil {
		return nil
	}
	return g.outside
}

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id int64) graph.Node {
	if n := g.node(id); n != nil {
		return n
	}
	return nil
}

func (g *Graph) node(id int64) *Node {
	if id < 0 || id >= int64(len(g.nodes)) {
		return nil
	}
	return g.nodes[id]
}

// Nodes returns every node, in ID order.
func (g *Graph) Nodes() graph.Nodes {
	if len(g.nodes) == 0 {
		return graph.Empty
	}
	out := make([]graph.Node, len(g.nodes))
	for i, n := range g.nodes {
		out[i] = n
	}
	return iterator.NewOrderedNodes(out)
}

// From returns the nodes that the node with the given ID may reach directly,
// in ID order.
func (g *Graph) From(id int64) graph.Nodes {
	if g.node(id) == nil {
		return graph.Empty
	}
	return ends(g.out[id], (*Edge).To)
}

// To returns the nodes that may reach the node with the given ID directly,
// in ID order.
func (g *Graph) To(id int64) graph.Nodes {
	if g.node(id) == nil {
		return graph.Empty
	}
	return ends(g.in[id], (*Edge).From)
}

// ends returns a fresh iterator over one end of each edge: gonum's
// algorithms may reorder the slice an iterator hands out.
func ends(edges []*Edge, end func(*Edge) graph.Node) graph.Nodes {
	if len(edges) == 0 {
		return graph.Empty
	}
	out := make([]graph.Node, len(edges))
	for i, e := range edges {
		out[i] = end(e)
	}
	return iterator.NewOrderedNodes(out)
}

// HasEdgeBetween reports whether there is an edge between the nodes with IDs
// x and y, in either direction.
func (g *Graph) HasEdgeBetween(x, y int64) bool {
	return g.HasEdgeFromTo(x, y) || g.HasEdgeFromTo(y, x)
}

// HasEdgeFromTo reports whether there is an edge from the node with ID u to
// the node with ID v.
func (g *Graph) HasEdgeFromTo(u, v int64) bool { return g.edge(u, v) != nil }

// Edge returns the edge from the node with ID u to the node with ID v, an
// *Edge, or nil when there is none.
func (g *Graph) Edge(u, v int64) graph.Edge {
	if e := g.edge(u, v); e != nil {
		return e
	}
	return nil
}

// EdgeFromTo returns the *Edge from u to v, or nil when there is none.
func (g *Graph) EdgeFromTo(u, v int64) *Edge { return g.edge(u, v) }

func (g *Graph) edge(u, v int64) *Edge {
	if g.node(u) == nil {
		return nil
	}
	edges := g.out[u]
	i, ok := slices.BinarySearchFunc(edges, v, func(e *Edge, v int64) int {
		switch {
		case e.to.id < v:
			return -1
		case e.to.id > v:
			return 1
		}
		return 0
	})
	if !ok {
		return nil
	}
	return edges[i]
}

// Edges returns every edge, sorted by the ID of From, then of To.
func (g *Graph) Edges() []*Edge {
	var out []*Edge
	for _, edges := range g.out {
		out = append(out, edges...)
	}
	return out
}
