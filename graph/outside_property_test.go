package graph_test

import (
	"net/netip"
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// TestOutsideIsAddressAccess: the edges of the outside node (Outside, with
// or without addresses, or OutsideBlock; in and, with OutsideEgress, out)
// are, per node, the union (with EveryMember the intersection) over its
// pods of the ports of the ranges simulate.Model.AddressAccess gives the
// pod, asked pod by pod: the graph's per-class reading is the model's
// per-pod answer. Clusters with tiered policies, hostNetwork pods and node
// traffic on or off included.
func TestOutsideIsAddressAccess(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c simulate.Cluster
		if rapid.Bool().Draw(t, "tiered") {
			c = fuzz.TieredCluster().Draw(t, "cluster")
		} else {
			c = fuzz.Cluster().Draw(t, "cluster")
		}
		mopts := []simulate.Option{
			simulate.NodeTraffic(rapid.Bool().Draw(t, "node traffic")),
			simulate.IPBlockMatchesPods(rapid.Bool().Draw(t, "ipBlock matches pods")),
		}
		m, err := simulate.Compile(c, mopts...)
		if err != nil {
			t.Fatalf("Compile: %v", err)
		}
		opts := []graph.Option{graph.OutsideEgress()}
		every := false
		if rapid.Bool().Draw(t, "by workload") {
			c = withWorkloads(t, c)
			if m, err = simulate.Compile(c, mopts...); err != nil {
				t.Fatalf("Compile: %v", err)
			}
			opts = append(opts, graph.ByWorkload())
			if every = rapid.Bool().Draw(t, "every member"); every {
				opts = append(opts, graph.EveryMember())
			}
		}
		var es []simulate.Endpoint
		switch rapid.IntRange(0, 2).Draw(t, "outside") {
		case 0:
			opts = append(opts, graph.Outside())
			es = []simulate.Endpoint{simulate.Outside()}
		case 1:
			a := drawOutsideAddr(t, m)
			opts = append(opts, graph.Outside(a))
			es = []simulate.Endpoint{simulate.IP(a)}
		default:
			a := drawOutsideAddr(t, m)
			p := netip.PrefixFrom(a, rapid.IntRange(a.BitLen()-16, a.BitLen()).Draw(t, "bits")).Masked()
			opts = append(opts, graph.OutsideBlock(p))
			es = []simulate.Endpoint{simulate.CIDR(p)}
		}
		g := newGraph(t, m, opts...)
		o := g.Outside()
		for it := g.Nodes(); it.Next(); {
			n := it.Node().(*graph.Node)
			if n.IsOutside() {
				continue
			}
			for _, d := range []simulate.Direction{simulate.Ingress, simulate.Egress} {
				var want simulate.PortSet
				for i, pod := range n.Pods() {
					var ports simulate.PortSet
					for _, e := range es {
						pieces, err := m.AddressAccess(pod, e, d)
						if err != nil {
							t.Fatalf("AddressAccess(%s, %s, %s): %v", pod, e, d, err)
						}
						for _, piece := range pieces {
							ports = ports.Union(piece.Ports)
						}
					}
					if i > 0 && every {
						want = want.Intersect(ports)
					} else {
						want = want.Union(ports)
					}
				}
				e := g.Edge(o.ID(), n.ID())
				if d == simulate.Egress {
					e = g.Edge(n.ID(), o.ID())
				}
				var got simulate.PortSet
				if e != nil {
					got = e.(*graph.Edge).Ports()
				}
				if !got.Equal(want) {
					t.Fatalf("%s %s %s: edge %v, AddressAccess %v", o, d, n, got, want)
				}
			}
		}
	})
}
