package graph_test

// Properties of the graph over random clusters from package fuzz: one hop is
// the matrix, k hops grow with k and agree with a naive breadth-first search
// over the matrix, paths are the simple paths a naive depth-first search
// finds, components are the sets of mutually reachable nodes, and the outside
// node misses no address.

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	gonum "gonum.org/v1/gonum/graph"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// drawModel draws a cluster and compiles it, with random engine options.
func drawModel(t *rapid.T) *simulate.Model {
	c := fuzz.Cluster().Draw(t, "cluster")
	m, err := simulate.Compile(c,
		simulate.SelfTraffic(rapid.Bool().Draw(t, "self traffic")),
		simulate.IPBlockMatchesPods(rapid.Bool().Draw(t, "ipBlock matches pods")))
	if err != nil {
		t.Fatalf("fuzz.Cluster made an invalid cluster: %v", err)
	}
	return m
}

func newGraph(t *rapid.T, m *simulate.Model, opts ...graph.Option) *graph.Graph {
	g, err := graph.New(m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// pods returns the pod of every node of a pod graph, by ID.
func pods(g *graph.Graph) []simulate.PodID {
	var out []simulate.PodID
	for it := g.Nodes(); it.Next(); {
		if n := it.Node().(*graph.Node); !n.IsOutside() {
			out = append(out, n.Pods()[0])
		}
	}
	return out
}

// TestOneHopIsTheMatrix: in the pod graph, a→b is an edge exactly when the
// matrix allows a port from a to b (a ≠ b), and it carries those ports.
func TestOneHopIsTheMatrix(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		g := newGraph(t, m)
		mx := m.Matrix()
		ids := pods(g)
		if !slices.Equal(ids, m.Pods()) {
			t.Fatalf("nodes %v, want the pods in order %v", ids, m.Pods())
		}
		for i, a := range ids {
			for j, b := range ids {
				e := g.EdgeFromTo(int64(i), int64(j))
				want := mustPorts(mx.Ports(a, b))
				switch {
				case i == j:
					if e != nil {
						t.Fatalf("self loop on %s", a)
					}
				case want.IsEmpty() != (e == nil):
					t.Fatalf("%s → %s: edge %v, matrix %s", a, b, e, want)
				case e != nil && !e.Ports().Equal(want):
					t.Fatalf("%s → %s: edge ports %s, matrix %s", a, b, e.Ports(), want)
				}
				if has := g.HasEdgeFromTo(int64(i), int64(j)); has != (e != nil) {
					t.Fatalf("%s → %s: HasEdgeFromTo %t, Edge %v", a, b, has, e)
				}
				inFrom := slices.ContainsFunc(gonum.NodesOf(g.From(int64(i))), func(n gonum.Node) bool { return n.ID() == int64(j) })
				inTo := slices.ContainsFunc(gonum.NodesOf(g.To(int64(j))), func(n gonum.Node) bool { return n.ID() == int64(i) })
				if inFrom != (e != nil) || inTo != (e != nil) {
					t.Fatalf("%s → %s: From has it %t, To has it %t, edge %v", a, b, inFrom, inTo, e)
				}
			}
		}
	})
}

// bfs is the naive oracle: hop distances from root over the matrix.
func bfs(m *simulate.Model, root simulate.PodID) map[simulate.PodID]int {
	mx := m.Matrix()
	dist := map[simulate.PodID]int{root: 0}
	frontier := []simulate.PodID{root}
	for d := 1; len(frontier) > 0; d++ {
		var next []simulate.PodID
		for _, a := range frontier {
			for _, b := range m.Pods() {
				if _, seen := dist[b]; !seen && a != b && !mustPorts(mx.Ports(a, b)).IsEmpty() {
					dist[b] = d
					next = append(next, b)
				}
			}
		}
		frontier = next
	}
	return dist
}

// TestReachGrowsWithK: Reach within k hops is the set of nodes at most k
// hops away by a naive search over the matrix, so it only grows with k;
// ReachedBy is Reach backwards; every reported path is a path of the graph
// of the reported length.
func TestReachGrowsWithK(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		g := newGraph(t, m)
		ids := pods(g)
		for i, a := range ids {
			want := bfs(m, a)
			var prev []gonum.Node
			for k := 0; k <= len(ids); k++ {
				r := graph.Reach(g, g.Node(int64(i)), k)
				got := r.Nodes()
				if !isSubset(prev, got) {
					t.Fatalf("Reach(%s, %d) = %v does not hold Reach(%s, %d) = %v", a, k, got, a, k-1, prev)
				}
				prev = got
				for j, b := range ids {
					d, ok := r.Hops(int64(j))
					wd, wok := want[b]
					if wok && wd > k {
						wok = false
					}
					if ok != wok || (ok && d != wd) {
						t.Fatalf("Reach(%s, %d): %s at %d (%t), want %d (%t)", a, k, b, d, ok, wd, wok)
					}
					if !ok {
						continue
					}
					p := r.Path(int64(j))
					if p.Len() != d || p.Nodes[0].ID() != int64(i) || p.Nodes[len(p.Nodes)-1].ID() != int64(j) {
						t.Fatalf("Reach(%s, %d).Path(%s) = %s, want %d hops", a, k, b, p, d)
					}
					checkPath(t, g, p)
					// Backwards: a reaches b in d hops iff b is reached by a in d.
					back := graph.ReachedBy(g, g.Node(int64(j)), k)
					if bd, ok := back.Hops(int64(i)); !ok || bd != d {
						t.Fatalf("ReachedBy(%s, %d): %s at %d (%t), want %d", b, k, a, bd, ok, d)
					}
					if bp := back.Path(int64(i)); bp.Len() != d || bp.Nodes[0].ID() != int64(i) {
						t.Fatalf("ReachedBy(%s, %d).Path(%s) = %s", b, k, a, bp)
					}
				}
				if !slices.Equal(names(graph.Reach(g, g.Node(int64(i)), -1).Within(k)), names(got)) {
					t.Fatalf("Within(%d) differs from Reach(%d)", k, k)
				}
			}
		}
	})
}

func isSubset(a, b []gonum.Node) bool {
	for _, n := range a {
		if !slices.ContainsFunc(b, func(m gonum.Node) bool { return m.ID() == n.ID() }) {
			return false
		}
	}
	return true
}

// checkPath fails unless p follows edges of g and carries their ports.
func checkPath(t *rapid.T, g *graph.Graph, p graph.Path) {
	if len(p.Ports) != p.Len() {
		t.Fatalf("path %s: %d ports for %d hops", p, len(p.Ports), p.Len())
	}
	for i := 1; i < len(p.Nodes); i++ {
		e := g.EdgeFromTo(p.Nodes[i-1].ID(), p.Nodes[i].ID())
		if e == nil || !e.Ports().Equal(p.Ports[i-1]) {
			t.Fatalf("path %s: hop %d is edge %v", p, i, e)
		}
	}
}

// simplePaths is the naive oracle of AllPaths: a depth-first enumeration.
func simplePaths(g *graph.Graph, from, to int64, maxHops int) []string {
	var out []string
	var walk func(path []int64)
	walk = func(path []int64) {
		last := path[len(path)-1]
		if last == to {
			parts := make([]string, len(path))
			for i, id := range path {
				parts[i] = g.Node(id).(*graph.Node).Name()
			}
			out = append(out, strings.Join(parts, " "))
			return
		}
		if len(path)-1 == maxHops {
			return
		}
		for it := g.From(last); it.Next(); {
			if id := it.Node().ID(); !slices.Contains(path, id) {
				walk(append(slices.Clone(path), id))
			}
		}
	}
	walk([]int64{from})
	slices.Sort(out)
	return out
}

// TestAllPaths: AllPaths finds every simple path of at most maxHops hops,
// sorted by length, each a real path; ShortestPath finds one of the
// shortest.
func TestAllPaths(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		var opts []graph.Option
		if rapid.Bool().Draw(t, "outside") {
			opts = append(opts, graph.Outside())
		}
		g := newGraph(t, m, opts...)
		n := g.Nodes().Len()
		if n == 0 {
			return
		}
		from := int64(rapid.IntRange(0, n-1).Draw(t, "from"))
		to := int64(rapid.IntRange(0, n-1).Draw(t, "to"))
		maxHops := rapid.IntRange(0, 4).Draw(t, "max hops")
		got := graph.AllPaths(g, g.Node(from), g.Node(to), maxHops)
		var gotNames []string
		for i, p := range got {
			checkPath(t, g, p)
			if p.Len() > maxHops || p.Nodes[0].ID() != from || p.Nodes[len(p.Nodes)-1].ID() != to {
				t.Fatalf("path %s: not from %d to %d within %d hops", p, from, to, maxHops)
			}
			if i > 0 && got[i-1].Len() > p.Len() {
				t.Fatalf("paths not sorted by length: %s before %s", got[i-1], p)
			}
			gotNames = append(gotNames, strings.Join(names(p.Nodes), " "))
		}
		slices.Sort(gotNames)
		if want := simplePaths(g, from, to, maxHops); !slices.Equal(want, gotNames) {
			t.Fatalf("AllPaths(%d, %d, %d):\n got %q\nwant %q", from, to, maxHops, gotNames, want)
		}
		sp, ok := graph.ShortestPath(g, g.Node(from), g.Node(to))
		d, reached := graph.Reach(g, g.Node(from), -1).Hops(to)
		if ok != reached || (ok && sp.Len() != d) {
			t.Fatalf("ShortestPath = %s (%t); Reach says %d hops (%t)", sp, ok, d, reached)
		}
		if ok {
			checkPath(t, g, sp)
			if len(got) > 0 && got[0].Len() != d {
				t.Fatalf("the first of AllPaths has %d hops, the shortest %d", got[0].Len(), d)
			}
		}
	})
}

// TestStronglyConnected: two nodes share a group exactly when each reaches
// the other; no group has a single node.
func TestStronglyConnectedProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		opts := []graph.Option{graph.Outside()}
		if rapid.Bool().Draw(t, "by workload") {
			opts = append(opts, graph.ByWorkload())
		}
		g := newGraph(t, m, opts...)
		group := map[int64]int{}
		for i, c := range graph.StronglyConnected(g) {
			if len(c) < 2 {
				t.Fatalf("group %d has %d node", i, len(c))
			}
			for _, n := range c {
				group[n.ID()] = i + 1
			}
		}
		n := int64(g.Nodes().Len())
		reach := make([]graph.Reachable, n)
		for i := range n {
			reach[i] = graph.Reach(g, g.Node(i), -1)
		}
		for a := range n {
			for b := range n {
				if a == b {
					continue
				}
				_, ab := reach[a].Hops(b)
				_, ba := reach[b].Hops(a)
				same := group[a] != 0 && group[a] == group[b]
				if same != (ab && ba) {
					t.Fatalf("%v and %v: same group %t, reach each other %t/%t", g.Node(a), g.Node(b), same, ab, ba)
				}
			}
		}
	})
}

// drawOutsideAddr draws an address that may or may not be in a generated
// ipBlock, often the address of a node (172.16.0.i, fd10::i, 198.51.100.i,
// which package fuzz gives nodes and hostNetwork pods); it is never a
// (non-hostNetwork) pod's.
func drawOutsideAddr(t *rapid.T, m *simulate.Model) netip.Addr {
	var a netip.Addr
	if rapid.IntRange(0, 3).Draw(t, "a node's address") == 0 {
		i := rapid.IntRange(1, 3).Draw(t, "node")
		a = netip.MustParseAddr(rapid.SampledFrom([]string{fmt.Sprintf("172.16.0.%d", i), fmt.Sprintf("fd10::%d", i), fmt.Sprintf("198.51.100.%d", i)}).Draw(t, "node address"))
	} else {
		prefix := rapid.SampledFrom([]string{"10.0.0.0/23", "10.0.0.0/8", "192.168.1.0/24", "172.16.0.0/24",
			"203.0.113.0/24", "198.51.100.0/24", "0.0.0.0/0", "fd00::/120", "2001:db8::/120", "::/0"}).Draw(t, "prefix")
		p := netip.MustParsePrefix(prefix)
		b := p.Addr().AsSlice()
		for i := range b {
			if i*8 >= p.Bits() {
				b[i] = byte(rapid.IntRange(0, 255).Draw(t, fmt.Sprintf("byte %d", i)))
			}
		}
		a, _ = netip.AddrFromSlice(b)
	}
	for _, id := range m.Pods() {
		pod := mustPod(m.PodObject(id))
		if pod.Spec.HostNetwork {
			continue // its address is its node's, outside the cluster
		}
		ips := []string{pod.Status.PodIP}
		for _, ip := range pod.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		if slices.Contains(ips, a.String()) {
			t.Skip("drew a pod's address")
		}
	}
	return a
}

// portPoints returns the ports worth asking about in m: 1 and 65535, every
// number a rule or a container port names, and their neighbours.
func portPoints(m *simulate.Model) []int32 {
	pts := []int32{1, 65535}
	add := func(ns ...int32) {
		for _, n := range ns {
			for _, p := range []int32{n - 1, n, n + 1} {
				if p >= 1 && p <= 65535 {
					pts = append(pts, p)
				}
			}
		}
	}
	for _, id := range m.Pods() {
		for _, c := range mustPod(m.PodObject(id)).Spec.Containers {
			for _, cp := range c.Ports {
				add(cp.ContainerPort)
			}
		}
		in, _, _ := m.Selecting(id)
		for _, p := range in {
			for _, r := range p.IngressRules {
				for _, port := range r.Ports {
					if port.Name == "" {
						add(port.Start, port.End)
					}
				}
			}
		}
	}
	slices.Sort(pts)
	return slices.Compact(pts)
}

// TestOutsideMissesNothing: whatever address outside the cluster may reach
// a pod on a port, the outside node's edge to that pod carries the port;
// and the edge built for that one address is part of the default edge.
func TestOutsideMissesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		g := newGraph(t, m, graph.Outside())
		addr := drawOutsideAddr(t, m)
		one := newGraph(t, m, graph.Outside(addr))
		for _, id := range m.Pods() {
			n := g.NodeOf(id)
			e := g.EdgeFromTo(g.Outside().ID(), n.ID())
			var ports simulate.PortSet
			if e != nil {
				ports = e.Ports()
			}
			var onePorts simulate.PortSet
			if e1 := one.EdgeFromTo(one.Outside().ID(), n.ID()); e1 != nil {
				onePorts = e1.Ports()
			}
			if !onePorts.Intersect(ports).Equal(onePorts) {
				t.Fatalf("outside → %s: %s allows %s, the outside node only %s", id, addr, onePorts, ports)
			}
			for _, proto := range simulate.Protocols() {
				for _, p := range portPoints(m) {
					v, err := m.Check(simulate.IP(addr), simulate.Pod(id.Namespace, id.Name), simulate.PortSpec{Protocol: proto, Start: p, End: p})
					if err != nil {
						t.Fatal(err)
					}
					if v.Allowed && !ports.Contains(proto, p) {
						t.Fatalf("%s reaches %s on %s/%d; the outside node does not (%s)", addr, id, proto, p, ports)
					}
					if v.Allowed != onePorts.Contains(proto, p) {
						t.Fatalf("Outside(%s) → %s: %s/%d is %t in %s, Check says %t", addr, id, proto, p, onePorts.Contains(proto, p), onePorts, v.Allowed)
					}
				}
			}
		}
	})
}

// withWorkloads gives the pods of c random owners among a few workloads.
func withWorkloads(t *rapid.T, c simulate.Cluster) simulate.Cluster {
	yes := true
	for i := range c.Pods {
		owner := rapid.SampledFrom([]string{"", "Deployment/a", "Deployment/b", "StatefulSet/a", "DaemonSet/c"}).Draw(t, fmt.Sprintf("owner of pod %d", i))
		if owner == "" {
			continue
		}
		kind, name, _ := strings.Cut(owner, "/")
		c.Pods[i].OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, Controller: &yes}}
	}
	return c
}

// TestWorkloadEdges: between workloads an edge carries the union of the
// member pairs' ports, or with EveryMember their intersection; every pod
// belongs to exactly one node; the pod graph's paths survive grouping.
func TestWorkloadEdges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := withWorkloads(t, fuzz.Cluster().Draw(t, "cluster"))
		m, err := simulate.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		mx := m.Matrix()
		anyG := newGraph(t, m, graph.ByWorkload())
		everyG := newGraph(t, m, graph.ByWorkload(), graph.EveryMember())
		podG := newGraph(t, m)
		seen := map[simulate.PodID]bool{}
		for it := anyG.Nodes(); it.Next(); {
			for _, p := range it.Node().(*graph.Node).Pods() {
				if seen[p] || anyG.NodeOf(p) != it.Node() {
					t.Fatalf("pod %s: in two nodes, or NodeOf disagrees", p)
				}
				seen[p] = true
			}
		}
		if len(seen) != len(m.Pods()) {
			t.Fatalf("%d pods in nodes, want %d", len(seen), len(m.Pods()))
		}
		for it := anyG.Nodes(); it.Next(); {
			a := it.Node().(*graph.Node)
			for jt := anyG.Nodes(); jt.Next(); {
				b := jt.Node().(*graph.Node)
				if a == b {
					continue
				}
				var ranges []simulate.PortRange
				every := simulate.AllPorts()
				for _, pa := range a.Pods() {
					for _, pb := range b.Pods() {
						ranges = append(ranges, mustPorts(mx.Ports(pa, pb)).Ranges()...)
						every = every.Intersect(mustPorts(mx.Ports(pa, pb)))
					}
				}
				for _, tc := range []struct {
					name string
					g    *graph.Graph
					want simulate.PortSet
				}{{"any", anyG, simulate.NewPortSet(ranges...)}, {"every", everyG, every}} {
					e := tc.g.EdgeFromTo(a.ID(), b.ID())
					if tc.want.IsEmpty() != (e == nil) || (e != nil && !e.Ports().Equal(tc.want)) {
						t.Fatalf("%s: %s → %s = %v, want %s", tc.name, a, b, e, tc.want)
					}
				}
			}
		}
		// Grouping over-approximates: whatever a pod reaches, its workload
		// reaches the workload of, in no more hops.
		for _, id := range m.Pods() {
			r := graph.Reach(anyG, anyG.NodeOf(id), -1)
			for _, n := range graph.Reach(podG, podG.NodeOf(id), -1).Nodes() {
				other := anyG.NodeOf(n.(*graph.Node).Pods()[0])
				if _, ok := r.Hops(other.ID()); !ok && other != anyG.NodeOf(id) {
					t.Fatalf("pod %s reaches %s but workload %s does not reach %s", id, n, anyG.NodeOf(id), other)
				}
			}
		}
	})
}

// TestRestrictProperty: the graph of one port has an edge exactly where the
// full graph's edge allows the port, carrying just that port.
func TestRestrictProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		g := newGraph(t, m, graph.Outside())
		proto := rapid.SampledFrom(simulate.Protocols()).Draw(t, "protocol")
		p := rapid.SampledFrom(portPoints(m)).Draw(t, "port")
		r, err := graph.Restrict(g, simulate.PortSpec{Protocol: proto, Start: p, End: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range g.Edges() {
			re := r.EdgeFromTo(e.From().ID(), e.To().ID())
			want := e.Ports().Contains(proto, p)
			if want != (re != nil) || (re != nil && re.Ports().String() != fmt.Sprintf("%s/%d", proto, p)) {
				t.Fatalf("%v on %s/%d: restricted edge %v", e, proto, p, re)
			}
		}
		if len(r.Edges()) > len(g.Edges()) {
			t.Fatal("the restriction has more edges")
		}
	})
}

// TestRestrictNamed: a named port keeps an edge exactly when it allows the
// number the destination serves under that name.
func TestRestrictNamed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawModel(t)
		g := newGraph(t, m)
		name := rapid.SampledFrom([]string{"http", "dns", "metrics", "serve-80-tcp"}).Draw(t, "name")
		proto := rapid.SampledFrom(simulate.Protocols()).Draw(t, "protocol")
		r, err := graph.Restrict(g, simulate.PortSpec{Protocol: proto, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range g.Edges() {
			to := e.To().(*graph.Node).Pods()[0]
			want := false
			for _, c := range mustPod(m.PodObject(to)).Spec.Containers {
				for _, cp := range c.Ports {
					pp := cp.Protocol
					if pp == "" {
						pp = corev1.ProtocolTCP
					}
					if cp.Name == name && pp == proto && e.Ports().Contains(proto, cp.ContainerPort) {
						want = true
					}
				}
			}
			if got := r.HasEdgeFromTo(e.From().ID(), e.To().ID()); got != want {
				t.Fatalf("%v on %s/%s: restricted edge %t, want %t", e, proto, name, got, want)
			}
		}
	})
}
