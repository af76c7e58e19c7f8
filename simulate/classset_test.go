package simulate

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestRuleFactsAgreeWithPods checks the class forms against the pod forms
// on the shop cluster: SelectedClasses expands to SelectedBy, and
// RulePeerClasses to RulePeers, for every policy and rule.
func TestRuleFactsAgreeWithPods(t *testing.T) {
	m := mustCompile(t, shop())
	classes := m.Classes()
	expand := func(cs []ClassID) []PodID {
		var out []PodID
		for _, c := range cs {
			out = append(out, classes[c].Pods...)
		}
		slices.SortFunc(out, cmpID)
		return out
	}
	for _, p := range m.Policies() {
		cs, err := m.SelectedClasses(oid(p.ID()))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := m.SelectedBy(oid(p.ID()))
		if got := expand(cs); !slices.Equal(got, want) {
			t.Errorf("%s: SelectedClasses expands to %v, SelectedBy says %v", p.ID(), got, want)
		}
		for d, n := range map[Direction]int{Ingress: len(p.IngressRules), Egress: len(p.EgressRules)} {
			for i := range n {
				ref := RuleRef{Policy: oid(p.ID()), Direction: d, Index: i}
				set, err := m.RulePeerClasses(ref)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := m.RulePeers(ref)
				got := expand(slices.Collect(set.All()))
				if !slices.Equal(got, want) || set.Len() != len(slices.Collect(set.All())) || set.IsEmpty() != (len(want) == 0) {
					t.Errorf("%s: RulePeerClasses expands to %v (len %d), RulePeers says %v", ref, got, set.Len(), want)
				}
			}
		}
	}
	for _, ref := range []RuleRef{{Policy: oid("shop/nope"), Direction: Ingress}, {Policy: oid("shop/default-deny"), Direction: 0}, {Policy: oid("shop/db-from-api"), Direction: Ingress, Index: 1}} {
		if _, err := m.RulePeerClasses(ref); err == nil {
			t.Errorf("RulePeerClasses(%s): no error", ref)
		}
		if _, err := m.RulePorts(ref, PodID{}); err == nil {
			t.Errorf("RulePorts(%s): no error", ref)
		}
	}
	if _, err := m.SelectedClasses(oid("shop/nope")); err == nil {
		t.Error("SelectedClasses of an unknown policy: no error")
	}
}

func TestClassSetAlgebra(t *testing.T) {
	m := mustCompile(t, shop())
	a, b := m.classSetOf([]int32{0, 2}), m.classSetOf([]int32{2})
	var empty ClassSet
	switch {
	case !b.SubsetOf(a) || a.SubsetOf(b) || !empty.SubsetOf(b) || b.SubsetOf(empty):
		t.Error("SubsetOf")
	case !a.Has(0) || a.Has(1) || empty.Has(0) || !empty.IsEmpty() || a.Len() != 2:
		t.Error("Has, IsEmpty or Len")
	case !slices.Equal(slices.Collect(a.Union(m.classSetOf([]int32{1})).All()), []ClassID{0, 1, 2}) ||
		!slices.Equal(slices.Collect(empty.Union(b).All()), []ClassID{2}):
		t.Error("Union")
	}
	if u := b.Union(m.classSetOf([]int32{0})); !slices.Equal(slices.Collect(b.All()), []ClassID{2}) || u.Len() != 2 {
		t.Error("Union changed its operand")
	}
}

func TestRulePorts(t *testing.T) {
	m := mustCompile(t, shop())
	ref := RuleRef{Policy: oid("shop/api-from-frontend"), Direction: Ingress}
	if got, err := m.RulePorts(ref, PodID{"shop", "api-0"}); err != nil || got.String() != "TCP/9090" {
		t.Errorf("RulePorts at api-0 = %s, %v; want TCP/9090", got, err)
	}
	if got, err := m.RulePorts(ref, PodID{}); err != nil || !got.IsEmpty() {
		t.Errorf("RulePorts outside = %s, %v; want none (a name matches nothing outside)", got, err)
	}
	if _, err := m.RulePorts(ref, PodID{"shop", "nope"}); err == nil {
		t.Error("RulePorts at an unknown pod: no error")
	}
	if got, _ := m.RulePorts(RuleRef{Policy: oid("shop/frontend-egress"), Direction: Egress}, PodID{}); !got.IsAll() {
		t.Errorf("RulePorts of a rule without ports = %s; want all", got)
	}
}

func TestEgressToUnknown(t *testing.T) {
	m := mustCompile(t, shop())
	dns := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}}}
	dns.Spec.Containers = []corev1.Container{{Name: "dns", Ports: []corev1.ContainerPort{{Name: "dns", Protocol: corev1.ProtocolUDP, ContainerPort: 53}}}}
	// frontend's egress: api (same namespace; dns is elsewhere) and 443
	// to 0.0.0.0/0 except 10/8 (an ipBlock: the address is unknown).
	got, err := m.EgressToUnknown(PodID{"shop", "frontend-0"}, dns)
	if err != nil || got.String() != "TCP/443" {
		t.Errorf("EgressToUnknown frontend-0 = %s, %v; want TCP/443", got, err)
	}
	if got, _ := m.EgressToUnknown(PodID{"shop", "api-0"}, dns); !got.IsAll() {
		t.Errorf("EgressToUnknown of a pod not isolated for egress = %s; want all", got)
	}
	m = mustCompile(t, shop(), IPBlockMatchesPods(false))
	if got, _ := m.EgressToUnknown(PodID{"shop", "frontend-0"}, dns); !got.IsEmpty() {
		t.Errorf("EgressToUnknown with ipBlocks matching no pod = %s; want none", got)
	}
	if _, err := m.EgressToUnknown(PodID{"shop", "nope"}, dns); err == nil {
		t.Error("EgressToUnknown from an unknown pod: no error")
	}
}
