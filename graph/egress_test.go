package graph_test

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/graph"
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
