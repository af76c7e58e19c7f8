package graph_test

import (
	"net/netip"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// TestOutsideEgress: with OutsideEgress, every node whose pods may reach
// some outside address has an edge to the outside node with those ports;
// db, isolated for egress with no rules, has none; without the option the
// outside node is only a source.
func TestOutsideEgress(t *testing.T) {
	c := shop()
	c.NetworkPolicies = append(c.NetworkPolicies, networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db-egress"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		},
	})
	m := compile(t, c)
	plain, err := graph.New(m, graph.Outside())
	if err != nil {
		t.Fatal(err)
	}
	if n := plain.To(plain.Outside().ID()).Len(); n != 0 {
		t.Errorf("without OutsideEgress: %d edges into the outside node", n)
	}
	g, err := graph.New(m, graph.Outside(), graph.OutsideEgress())
	if err != nil {
		t.Fatal(err)
	}
	o := g.Outside()
	got := map[string]string{}
	for it := g.To(o.ID()); it.Next(); {
		n := it.Node().(*graph.Node)
		got[n.Name()] = g.Edge(n.ID(), o.ID()).(*graph.Edge).Ports().String()
	}
	want := map[string]string{"shop/web": "all", "shop/api": "all", "shop/cache": "all", "shop/admin": "all"}
	if len(got) != len(want) {
		t.Errorf("edges into outside: %v; want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("edge %s → outside: %q; want %q", k, got[k], v)
		}
	}
	// The outside node's edges out are the same with or without egress.
	if a, b := plain.From(plain.Outside().ID()).Len(), g.From(o.ID()).Len(); a != b {
		t.Errorf("edges from outside: %d without egress, %d with", a, b)
	}
}

// TestOutsideEgressPodBlock: an egress rule to an ipBlock that holds only
// pods' addresses opens no way out of the cluster, so no edge goes to the
// outside node; an ipBlock with one more address does.
func TestOutsideEgressPodBlock(t *testing.T) {
	for _, c := range []struct {
		cidr string
		want string
	}{{"10.0.0.2/32", ""}, {"10.0.0.0/30", "TCP/5432"}} {
		cl := shop()
		cl.NetworkPolicies = append(cl.NetworkPolicies, networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db-egress"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
				Egress: []networkingv1.NetworkPolicyEgressRule{{
					To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: c.cidr}}},
					Ports: []networkingv1.NetworkPolicyPort{port(5432)},
				}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			},
		})
		g := build(t, compile(t, cl), graph.Outside(), graph.OutsideEgress())
		var got string
		if e := g.Edge(node(t, g, "shop/db").ID(), g.Outside().ID()); e != nil {
			got = e.(*graph.Edge).Ports().String()
		}
		if got != c.want {
			t.Errorf("egress to %s: edge shop/db → outside %q, want %q", c.cidr, got, c.want)
		}
	}
}

// TestOutsideBlock: the node of OutsideBlock is named by the block, and its
// edges are, per pod, the union of the ports of the block's ranges that
// simulate.Model.AddressAccess gives (in and, with OutsideEgress, out).
func TestOutsideBlock(t *testing.T) {
	c := shop()
	c.NetworkPolicies = append(c.NetworkPolicies, networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "admin-from-office"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "admin"}},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
				IPBlock: &networkingv1.IPBlock{CIDR: "198.51.100.0/24", Except: []string{"198.51.100.0/25"}},
			}}}},
		},
	})
	m := compile(t, c)
	block := netip.MustParsePrefix("198.51.100.0/25")
	for _, p := range []netip.Prefix{block, netip.MustParsePrefix("198.51.100.0/24")} {
		g, err := graph.New(m, graph.OutsideBlock(p), graph.OutsideEgress())
		if err != nil {
			t.Fatal(err)
		}
		o := g.Outside().(*graph.Node)
		if o.Name() != p.String() || g.NodeNamed(p.String()) != o {
			t.Fatalf("outside node %q, want %s", o.Name(), p)
		}
		for it := g.Nodes(); it.Next(); {
			n := it.Node().(*graph.Node)
			if n.IsOutside() {
				continue
			}
			for _, d := range []simulate.Direction{simulate.Ingress, simulate.Egress} {
				var want simulate.PortSet
				for _, pod := range n.Pods() {
					pieces, err := m.AddressAccess(pod, simulate.CIDR(p), d)
					if err != nil {
						t.Fatal(err)
					}
					for _, piece := range pieces {
						want = want.Union(piece.Ports)
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
					t.Errorf("%s %s %s: edge %v, want %v", p, d, n, got, want)
				}
			}
		}
	}
	// The except range reaches no pod of admin; the rest of the /24 does.
	for _, c := range []struct {
		block string
		want  bool
	}{{"198.51.100.0/25", false}, {"198.51.100.0/24", true}, {"198.51.100.128/26", true}} {
		g, _ := graph.New(m, graph.OutsideBlock(netip.MustParsePrefix(c.block)))
		admin := g.NodeNamed("shop/admin")
		if admin == nil {
			t.Fatal("no node shop/admin")
		}
		if got := g.HasEdgeFromTo(g.Outside().ID(), admin.ID()); got != c.want {
			t.Errorf("%s reaches shop/admin: %v, want %v", c.block, got, c.want)
		}
	}
	if _, err := graph.New(m, graph.OutsideBlock(netip.Prefix{})); err == nil {
		t.Error("an invalid block is no error")
	}
}
