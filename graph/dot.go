package graph

import (
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/encoding"
	"gonum.org/v1/gonum/graph/encoding/dot"
	"gonum.org/v1/gonum/graph/iterator"
)

// Colours of the picture.
const (
	isolatedFill = "#d9ead3" // green: a policy isolates it for ingress
	isolatedLine = "#38761d"
	openFill     = "#f4cccc" // red: accepts every connection
	openLine     = "#990000"
	outsideFill  = "#fff2cc"
	outsideLine  = "#b45f06"
)

// legend is the caption of every picture.
const legend = "green: isolated for ingress by a NetworkPolicy; red, dashed: not isolated, accepts every connection; edges: ports allowed"

// DOT renders g in Graphviz's DOT language with gonum's encoding/dot, for
// `dot -Tsvg` and friends. Each namespace is a cluster labelled with its
// name; a node is labelled with its name in the namespace and its kind (for
// a workload). Nodes isolated for ingress are green, nodes that accept every
// connection are red and dashed, and the outside node is an orange ellipse
// outside every cluster. Every edge is labelled with its ports ("all ports"
// for every port of every protocol).
//
// The output depends only on g: nodes, clusters and edges come in ID order,
// and it ends in a newline.
// Nodes listed in a cluster are listed again, without attributes, among the
// graph's nodes, where gonum's encoder lists every node.
func DOT(g *Graph) ([]byte, error) {
	b, err := dot.Marshal(dotGraph{g}, "", "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// dotGraph is the view of a Graph that gonum's DOT encoder prints.
type dotGraph struct{ *Graph }

var (
	_ dot.Graph           = dotGraph{}
	_ graph.Directed      = dotGraph{}
	_ dot.Attributers     = dotGraph{}
	_ dot.Structurer      = dotGraph{}
	_ dot.Graph           = (*cluster)(nil)
	_ graph.Directed      = (*cluster)(nil)
	_ dot.Attributers     = (*cluster)(nil)
	_ encoding.Attributer = dotNode{}
	_ dot.Node            = dotNode{}
	_ encoding.Attributer = dotEdge{}
)

func (d dotGraph) DOTID() string { return "netpolsim" }

func (d dotGraph) DOTAttributers() (graph, node, edge encoding.Attributer) {
	return &encoding.Attributes{
			{Key: "rankdir", Value: "LR"},
			{Key: "fontname", Value: "Helvetica"},
			{Key: "fontsize", Value: "10"},
			{Key: "labelloc", Value: "b"},
			{Key: "label", Value: legend},
		}, &encoding.Attributes{
			{Key: "shape", Value: "box"},
			{Key: "style", Value: "rounded,filled"},
			{Key: "fontname", Value: "Helvetica"},
			{Key: "fontsize", Value: "11"},
		}, &encoding.Attributes{
			{Key: "fontname", Value: "Helvetica"},
			{Key: "fontsize", Value: "9"},
			{Key: "color", Value: "#555555"},
		}
}

// Nodes lists every node: the outside node with its attributes, the others
// bare, since their clusters declare them.
func (d dotGraph) Nodes() graph.Nodes {
	var out []graph.Node
	for _, n := range d.nodes {
		if n.IsOutside() {
			out = append(out, dotNode{n})
		} else {
			out = append(out, n)
		}
	}
	return iterator.NewOrderedNodes(out)
}

func (d dotGraph) Edge(u, v int64) graph.Edge {
	if e := d.edge(u, v); e != nil {
		return dotEdge{e}
	}
	return nil
}

// Structure returns one cluster per namespace, in the order of their first
// nodes (which is namespace order, since names start with the namespace).
func (d dotGraph) Structure() []dot.Graph {
	var out []dot.Graph
	var cur *cluster
	for _, n := range d.nodes {
		if n.IsOutside() {
			continue
		}
		if cur == nil || cur.namespace != n.namespace {
			cur = &cluster{namespace: n.namespace}
			out = append(out, cur)
		}
		cur.nodes = append(cur.nodes, n)
	}
	return out
}

// cluster is the subgraph of one namespace: its nodes, no edges.
type cluster struct {
	namespace string
	nodes     []*Node
}

func (c *cluster) DOTID() string { return "cluster_" + c.namespace }

func (c *cluster) DOTAttributers() (graph, node, edge encoding.Attributer) {
	return &encoding.Attributes{
		{Key: "label", Value: c.namespace},
		{Key: "labelloc", Value: "t"},
		{Key: "labeljust", Value: "l"},
		{Key: "style", Value: "rounded"},
		{Key: "color", Value: "#999999"},
	}, nil, nil
}

func (c *cluster) Node(id int64) graph.Node {
	for _, n := range c.nodes {
		if n.id == id {
			return dotNode{n}
		}
	}
	return nil
}

func (c *cluster) Nodes() graph.Nodes {
	out := make([]graph.Node, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = dotNode{n}
	}
	return iterator.NewOrderedNodes(out)
}

func (c *cluster) From(int64) graph.Nodes           { return graph.Empty }
func (c *cluster) To(int64) graph.Nodes             { return graph.Empty }
func (c *cluster) HasEdgeBetween(int64, int64) bool { return false }
func (c *cluster) HasEdgeFromTo(int64, int64) bool  { return false }
func (c *cluster) Edge(int64, int64) graph.Edge     { return nil }

// dotNode is a node declared with its attributes.
type dotNode struct{ *Node }

func (n dotNode) Attributes() []encoding.Attribute {
	if n.IsOutside() {
		return []encoding.Attribute{
			{Key: "label", Value: "outside the cluster"},
			{Key: "shape", Value: "ellipse"},
			{Key: "fillcolor", Value: outsideFill},
			{Key: "color", Value: outsideLine},
		}
	}
	_, label, _ := strings.Cut(n.name, "/")
	if n.kind != "Pod" {
		label = strings.TrimPrefix(label, strings.ToLower(n.kind)+"/") + "\n" + n.kind
	}
	attrs := []encoding.Attribute{{Key: "label", Value: label}}
	if n.isolated {
		return append(attrs,
			encoding.Attribute{Key: "fillcolor", Value: isolatedFill},
			encoding.Attribute{Key: "color", Value: isolatedLine})
	}
	return append(attrs,
		encoding.Attribute{Key: "style", Value: "rounded,filled,dashed"},
		encoding.Attribute{Key: "fillcolor", Value: openFill},
		encoding.Attribute{Key: "color", Value: openLine})
}

// dotEdge is an edge labelled with its ports.
type dotEdge struct{ *Edge }

func (e dotEdge) Attributes() []encoding.Attribute {
	label := e.ports.String()
	if e.ports.IsAll() {
		label = "all ports"
	}
	attrs := []encoding.Attribute{{Key: "label", Value: label}}
	if e.from.IsOutside() || e.to.IsOutside() {
		attrs = append(attrs, encoding.Attribute{Key: "color", Value: outsideLine})
	}
	return attrs
}
