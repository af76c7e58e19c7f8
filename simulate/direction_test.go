package simulate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDirection(t *testing.T) {
	for _, c := range []struct {
		d    Direction
		want string
	}{{Ingress, "ingress"}, {Egress, "egress"}, {0, "Direction(0)"}, {3, "Direction(3)"}} {
		if got := c.d.String(); got != c.want {
			t.Errorf("Direction(%d).String() = %q, want %q", uint8(c.d), got, c.want)
		}
	}
	b, err := json.Marshal(RuleRef{Policy: oid("shop/db"), Direction: Egress, Index: 2})
	if err != nil || string(b) != `{"Policy":"shop/db","Direction":"egress","Index":2}` {
		t.Errorf("json.Marshal(RuleRef) = %s, %v", b, err)
	}
	var r RuleRef
	if err := json.Unmarshal([]byte(`{"Policy":"shop/db","Direction":"ingress","Index":1}`), &r); err != nil || r != (RuleRef{oid("shop/db"), Ingress, 1}) {
		t.Errorf("json.Unmarshal = %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"Direction":"sideways"}`), &r); err == nil {
		t.Error("json.Unmarshal accepted direction sideways")
	}
	if _, err := json.Marshal(RuleRef{Direction: 0}); err == nil {
		t.Error("json.Marshal accepted the zero Direction")
	}
}

// TestDirectionSelectsList checks that a RuleRef's Direction picks the
// rule list of that name: the shop's db policy has one ingress rule and no
// egress rule.
func TestDirectionSelectsList(t *testing.T) {
	m := mustCompile(t, shop())
	if _, err := m.RulePeers(RuleRef{Policy: oid("shop/db-from-api"), Direction: Ingress}); err != nil {
		t.Errorf("ingress rule 0: %v", err)
	}
	if _, err := m.RulePeers(RuleRef{Policy: oid("shop/db-from-api"), Direction: Egress}); err == nil {
		t.Error("egress rule 0 of a policy without egress rules: no error")
	}
}

// TestUnknownPodsAreErrors checks every lookup by pod or namespace name
// that used to answer an unknown name with an empty value.
func TestUnknownPodsAreErrors(t *testing.T) {
	m := mustCompile(t, shop())
	known, unknown := PodID{"shop", "db-0"}, PodID{"shop", "nope"}
	mx := m.Matrix()
	for _, c := range []struct {
		name string
		err  error
	}{
		{"Matrix.Ports(unknown, known)", errOf(mx.Ports(unknown, known))},
		{"Matrix.Ports(known, unknown)", errOf(mx.Ports(known, unknown))},
		{"PodObject(unknown)", errOf(m.PodObject(unknown))},
	} {
		if c.err == nil || c.err.Error() != "simulate: no pod shop/nope" {
			t.Errorf("%s: error %v, want simulate: no pod shop/nope", c.name, c.err)
		}
	}
	if p, err := m.PodObject(known); err != nil || p.Name != "db-0" {
		t.Errorf("PodObject(%s) = %v, %v", known, p, err)
	}
	if _, err := mx.Ports(known, known); err != nil {
		t.Errorf("Matrix.Ports(%s, %s): %v", known, known, err)
	}
}

func errOf[T any](_ T, err error) error { return err }

// TestPoliciesSorted checks that policies come out sorted by namespace and
// then name, whatever the input order: namespaces compare as strings
// ("a10" before "a2"), not by when they first appear.
func TestPoliciesSorted(t *testing.T) {
	var c Cluster
	for _, id := range []string{"b/x", "a2/y", "a10/z", "a2/a", "b/a", "a10/b"} {
		ns, name, _ := strings.Cut(id, "/")
		c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(ns, name, nil, nil))
	}
	m := mustCompile(t, c)
	var got []string
	for _, p := range m.Policies() {
		got = append(got, p.ID())
	}
	want := []string{"a10/b", "a10/z", "a2/a", "a2/y", "b/a", "b/x"}
	if !slices.Equal(got, want) {
		t.Errorf("Policies() = %v, want %v", got, want)
	}
}
