package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/encoding/dot"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
	"gonum.org/v1/gonum/graph/traverse"

	"github.com/netpolsim/netpolsim/graph"
)

// TestGonumAlgorithms runs gonum algorithms that this package does not wrap
// directly on a *Graph: it is a graph.Directed like any other.
func TestGonumAlgorithms(t *testing.T) {
	g := build(t, compile(t, shop()), graph.Outside())
	admin, cache, db := node(t, g, "shop/admin"), node(t, g, "shop/cache"), node(t, g, "shop/db")

	// Shortest paths from every node at once.
	all := path.DijkstraAllPaths(g)
	p, w, unique := all.Between(admin.ID(), cache.ID())
	if got := strings.Join(names(p), " "); got != "shop/admin shop/web shop/api shop/cache" || w != 3 || !unique {
		t.Errorf("DijkstraAllPaths admin→cache = %s (%v hops, unique %t)", got, w, unique)
	}
	if sp := path.DijkstraFrom(g.Outside(), g); sp.WeightTo(db.ID()) != 2 {
		t.Errorf("DijkstraFrom(outside).WeightTo(db) = %v, want 2", sp.WeightTo(db.ID()))
	}

	// Components, cycles and path checks from topo.
	if got := groups(topo.TarjanSCC(g)); len(got) != 5 {
		t.Errorf("TarjanSCC: %d components, want 5 (api+cache, and 4 singletons): %v", len(got), got)
	}
	if cycles := topo.DirectedCyclesIn(g); len(cycles) != 1 || len(cycles[0]) != 3 {
		t.Errorf("DirectedCyclesIn = %v, want the one cycle api → cache → api", cycles)
	}
	if !topo.PathExistsIn(g, g.Outside(), db) || topo.PathExistsIn(g, db, admin) {
		t.Error("PathExistsIn: want outside ⇝ db and not db ⇝ admin")
	}
	paths := graph.AllPaths(g, admin, db, -1)
	if len(paths) == 0 {
		t.Fatal("AllPaths admin→db found no path; the checks below would pass vacuously")
	}
	for _, p := range paths {
		if !topo.IsPathIn(g, p.Nodes) {
			t.Errorf("topo.IsPathIn(%s) = false", p)
		}
	}
	if _, err := topo.Sort(g); err == nil {
		t.Error("topo.Sort found no cycle")
	}

	// A depth-first walk with a filter on the edges: only database traffic.
	var seen []string
	df := traverse.DepthFirst{
		Traverse: func(e gonum.Edge) bool { return e.(graph.PortEdge).Ports().Contains("TCP", 5432) },
		Visit:    func(n gonum.Node) { seen = append(seen, n.(*graph.Node).Name()) },
	}
	df.Walk(g, admin, nil)
	if diff := cmp.Diff([]string{"shop/admin", "shop/db"}, seen); diff != "" {
		t.Errorf("DepthFirst over TCP/5432 (-want +got):\n%s", diff)
	}

	// Centrality: api is on most shortest paths.
	bc := network.Betweenness(g)
	best, bestScore := int64(-1), 0.0
	for id, score := range bc {
		if score > bestScore {
			best, bestScore = id, score
		}
	}
	if best != node(t, g, "shop/api").ID() {
		t.Errorf("highest betweenness: %v, want shop/api (%v)", g.Node(best), bc)
	}

	// Copying into gonum's own graph type keeps every edge.
	dst := simple.NewDirectedGraph()
	gonum.Copy(dst, g)
	if !topo.Equal(dst, g) {
		t.Error("graph.Copy into simple.DirectedGraph is not equal")
	}

	// gonum's DOT encoder names nodes by name, unaided.
	b, err := dot.Marshal(g, "shop", "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"shop/web" -> "shop/api";`) {
		t.Errorf("dot.Marshal(g):\n%s", b)
	}
}
