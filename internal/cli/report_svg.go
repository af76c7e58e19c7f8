package cli

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/graph"
)

// This file draws the reachability graph of the report as SVG, without
// Graphviz: the nodes sit on a circle, ordered by namespace and name with a
// gap between namespaces, and the world outside the cluster is in the
// middle. An edge bends to its left, so that the two directions between
// two nodes stay apart.

// svgPoint is a position on the picture.
type svgPoint struct{ x, y float64 }

// graphSVG draws g and returns the SVG element and a line about it. It
// costs O(nodes log nodes + edges).
func graphSVG(g *graph.Graph) (string, string) {
	var nodes []*graph.Node
	var outside *graph.Node
	for it := g.Nodes(); it.Next(); {
		n := it.Node().(*graph.Node)
		if n.IsOutside() {
			outside = n
			continue
		}
		nodes = append(nodes, n)
	}
	slices.SortFunc(nodes, func(a, b *graph.Node) int {
		return cmp.Or(strings.Compare(a.Namespace(), b.Namespace()), strings.Compare(a.Name(), b.Name()))
	})
	// Slots on the circle: one per node, and one empty between namespaces.
	slot := make([]int, len(nodes))
	type nsArc struct {
		name        string
		first, last int
	}
	var arcs []nsArc
	k := 0
	for i, n := range nodes {
		if i > 0 && n.Namespace() != nodes[i-1].Namespace() {
			k++
		}
		slot[i] = k
		if len(arcs) == 0 || arcs[len(arcs)-1].name != n.Namespace() {
			arcs = append(arcs, nsArc{name: n.Namespace(), first: k})
		}
		arcs[len(arcs)-1].last = k
		k++
	}
	slots := max(k+1, 3)
	radius := math.Max(140, float64(slots)*24/(2*math.Pi))
	margin := 140.0
	size := 2 * (radius + margin)
	center := svgPoint{size / 2, size / 2}
	angle := func(s float64) float64 { return 2*math.Pi*s/float64(slots) - math.Pi/2 }
	at := func(s float64, r float64) svgPoint {
		a := angle(s)
		return svgPoint{center.x + r*math.Cos(a), center.y + r*math.Sin(a)}
	}
	pos := map[int64]svgPoint{}
	for i, n := range nodes {
		pos[n.ID()] = at(float64(slot[i]), radius)
	}
	const nodeR, outsideR = 7.0, 22.0
	if outside != nil {
		pos[outside.ID()] = center
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="graph" role="img" aria-label="reachability graph" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, size, size, size, size)
	b.WriteString(`<defs>`)
	for _, m := range []struct{ id, color string }{{"arrow-all", "#b03a2e"}, {"arrow-some", "#566573"}} {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="%s"/></marker>`, m.id, m.color)
	}
	b.WriteString(`</defs>`)
	// Namespaces: a band along their arc, and their name inside it.
	for _, a := range arcs {
		p1, p2 := at(float64(a.first)-0.4, radius), at(float64(a.last)+0.4, radius)
		large := 0
		if float64(a.last-a.first)+0.8 > float64(slots)/2 {
			large = 1
		}
		fmt.Fprintf(&b, `<path class="ns-arc" d="M%.1f,%.1fA%.1f,%.1f 0 %d 1 %.1f,%.1f" fill="none" stroke="#d6eaf8" stroke-width="26" stroke-linecap="round"/>`,
			p1.x, p1.y, radius, radius, large, p2.x, p2.y)
		mid := at(float64(a.first+a.last)/2, radius-34)
		fmt.Fprintf(&b, `<text class="ns-label" x="%.1f" y="%.1f" text-anchor="middle" font-size="12" font-weight="bold" fill="#1b4f72">%s</text>`, mid.x, mid.y, html.EscapeString(a.name))
	}
	// Edges.
	edges := g.Edges()
	slices.SortFunc(edges, func(a, b *graph.Edge) int {
		return cmp.Or(cmp.Compare(a.From().ID(), b.From().ID()), cmp.Compare(a.To().ID(), b.To().ID()))
	})
	all := 0
	for _, e := range edges {
		from, to := e.From().(*graph.Node), e.To().(*graph.Node)
		p, q := pos[from.ID()], pos[to.ID()]
		rp, rq := nodeR, nodeR
		if from.IsOutside() {
			rp = outsideR
		}
		if to.IsOutside() {
			rq = outsideR
		}
		dx, dy := q.x-p.x, q.y-p.y
		d := math.Hypot(dx, dy)
		if d < rp+rq+2 {
			continue
		}
		ux, uy := dx/d, dy/d
		start := svgPoint{p.x + ux*rp, p.y + uy*rp}
		end := svgPoint{q.x - ux*(rq+1), q.y - uy*(rq+1)}
		// Bend to the left of the direction of travel.
		bend := math.Min(40, d*0.15)
		ctrl := svgPoint{(start.x+end.x)/2 + uy*bend, (start.y+end.y)/2 - ux*bend}
		class, marker := "edge-some", "arrow-some"
		if e.Ports().IsAll() {
			class, marker = "edge-all", "arrow-all"
			all++
		}
		fmt.Fprintf(&b, `<path class="edge %s" d="M%.1f,%.1fQ%.1f,%.1f %.1f,%.1f" fill="none" marker-end="url(#%s)"><title>%s</title></path>`,
			class, start.x, start.y, ctrl.x, ctrl.y, end.x, end.y, marker,
			html.EscapeString(from.Name()+" → "+to.Name()+": "+e.Ports().String()))
	}
	// Nodes and their labels, outside the circle.
	for i, n := range nodes {
		p := pos[n.ID()]
		class, state := "node-open", "not isolated for ingress: accepts every connection"
		if n.IngressIsolated() {
			class, state = "node-isolated", "isolated for ingress"
		}
		fmt.Fprintf(&b, `<g class="node %s" data-id="%s"><circle cx="%.1f" cy="%.1f" r="%.0f"/><title>%s</title></g>`,
			class, html.EscapeString(n.Name()), p.x, p.y, nodeR,
			html.EscapeString(fmt.Sprintf("%s (%s, %d %s): %s", n.Name(), n.Kind(), len(n.Pods()), plural(len(n.Pods()), "pod", "pods"), state)))
		a := angle(float64(slot[i]))
		lp := at(float64(slot[i]), radius+nodeR+6)
		anchor := "start"
		if math.Cos(a) < -1e-9 {
			anchor = "end"
		}
		label := strings.TrimPrefix(n.Name(), n.Namespace()+"/")
		fmt.Fprintf(&b, `<text class="node-label" x="%.1f" y="%.1f" text-anchor="%s" dominant-baseline="middle" font-size="11">%s</text>`,
			lp.x, lp.y, anchor, html.EscapeString(label))
	}
	if outside != nil {
		fmt.Fprintf(&b, `<g class="node node-outside"><circle cx="%.1f" cy="%.1f" r="%.0f"/><title>outside the cluster: every address that is not a pod's</title></g>`, center.x, center.y, outsideR)
		fmt.Fprintf(&b, `<text class="node-label" x="%.1f" y="%.1f" text-anchor="middle" dominant-baseline="middle" font-size="10">outside</text>`, center.x, center.y)
	}
	b.WriteString(`</svg>`)
	note := fmt.Sprintf("%d %s and the outside; %d %s, %d of them on every port.", len(nodes), plural(len(nodes), "workload", "workloads"),
		len(edges), plural(len(edges), "edge", "edges"), all)
	return b.String(), note
}
