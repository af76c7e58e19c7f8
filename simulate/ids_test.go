package simulate_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

func TestParseObjectID(t *testing.T) {
	for _, c := range []struct {
		in, err string
		want    simulate.ObjectID
	}{
		{in: "shop/db-0", want: simulate.ObjectID{Namespace: "shop", Name: "db-0"}},
		{in: "a/b", want: simulate.ObjectID{Namespace: "a", Name: "b"}},
		{in: "", err: `simulate: object ID "": want NAMESPACE/NAME`},
		{in: "db-0", err: `simulate: object ID "db-0": want NAMESPACE/NAME`},
		{in: "/db-0", err: `simulate: object ID "/db-0": empty namespace`},
		{in: "shop/", err: `simulate: object ID "shop/": empty name`},
		{in: "/", err: `simulate: object ID "/": empty namespace`},
		{in: "shop/db/0", err: `simulate: object ID "shop/db/0": more than one "/": want NAMESPACE/NAME`},
		{in: "svc/shop/db", err: `simulate: object ID "svc/shop/db": more than one "/": want NAMESPACE/NAME`},
	} {
		got, err := simulate.ParseObjectID(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseObjectID(%q) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			if got != (simulate.ObjectID{}) {
				t.Errorf("ParseObjectID(%q) = %v with an error; want the zero ObjectID", c.in, got)
			}
			var back simulate.ObjectID
			if err := back.UnmarshalText([]byte(c.in)); c.in != "" && (err == nil || err.Error() != c.err) {
				t.Errorf("UnmarshalText(%q) = %v; want error %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseObjectID(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if got.String() != c.in {
			t.Errorf("ParseObjectID(%q).String() = %q", c.in, got.String())
		}
	}
}

func TestParseTieredPolicyID(t *testing.T) {
	for _, c := range []struct {
		in, err string
		want    simulate.TieredPolicyID
	}{
		{in: "ClusterNetworkPolicy/deny-ops", want: simulate.TieredPolicyID{Kind: policy.KindClusterNetworkPolicy, Name: "deny-ops"}},
		{in: "AdminNetworkPolicy/a", want: simulate.TieredPolicyID{Kind: policy.KindAdminNetworkPolicy, Name: "a"}},
		{in: "BaselineAdminNetworkPolicy/default", want: simulate.TieredPolicyID{Kind: policy.KindBaselineAdminNetworkPolicy, Name: "default"}},
		{in: "", err: `simulate: tiered policy ID "": want KIND/NAME`},
		{in: "deny-ops", err: `simulate: tiered policy ID "deny-ops": want KIND/NAME`},
		{in: "/deny-ops", err: `simulate: tiered policy ID "/deny-ops": kind "": want ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy`},
		{in: "clusternetworkpolicy/x", err: `simulate: tiered policy ID "clusternetworkpolicy/x": kind "clusternetworkpolicy": want ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy`},
		{in: "NetworkPolicy/x", err: `simulate: tiered policy ID "NetworkPolicy/x": kind "NetworkPolicy": want ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy`},
		{in: "AdminNetworkPolicy/", err: `simulate: tiered policy ID "AdminNetworkPolicy/": empty name`},
		{in: "AdminNetworkPolicy/a/b", err: `simulate: tiered policy ID "AdminNetworkPolicy/a/b": more than one "/": want KIND/NAME`},
	} {
		got, err := simulate.ParseTieredPolicyID(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err || got != (simulate.TieredPolicyID{}) {
				t.Errorf("ParseTieredPolicyID(%q) = %v, %v; want the zero ID and error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want || got.String() != c.in {
			t.Errorf("ParseTieredPolicyID(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// TestIDJSON: IDs marshal as the strings the API used before they were
// types, the zero ID as "", and IDs that would not read back are errors.
func TestIDJSON(t *testing.T) {
	type doc struct {
		Pod    simulate.PodID
		Policy simulate.TieredPolicyID
		Refs   []simulate.RuleRef
		ByPod  map[simulate.PodID]int
	}
	in := doc{
		Pod:    simulate.PodID{Namespace: "shop", Name: "db-0"},
		Policy: simulate.TieredPolicyID{Kind: policy.KindAdminNetworkPolicy, Name: "a"},
		Refs:   []simulate.RuleRef{{Policy: simulate.ObjectID{Namespace: "shop", Name: "db"}, Direction: simulate.Egress, Index: 2}},
		ByPod:  map[simulate.PodID]int{{Namespace: "shop", Name: "db-0"}: 1},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"Pod":"shop/db-0","Policy":"AdminNetworkPolicy/a","Refs":[{"Policy":"shop/db","Direction":"egress","Index":2}],"ByPod":{"shop/db-0":1}}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s; want %s", b, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.Pod != in.Pod || back.Policy != in.Policy || back.Refs[0] != in.Refs[0] || back.ByPod[in.Pod] != 1 {
		t.Errorf("json.Unmarshal = %+v, %v; want %+v", back, err, in)
	}

	b, err = json.Marshal(doc{})
	if err != nil || string(b) != `{"Pod":"","Policy":"","Refs":null,"ByPod":null}` {
		t.Errorf("json.Marshal of the zero IDs = %s, %v", b, err)
	}
	back = doc{Pod: in.Pod, Policy: in.Policy}
	if err := json.Unmarshal(b, &back); err != nil || back.Pod != (simulate.PodID{}) || back.Policy != (simulate.TieredPolicyID{}) {
		t.Errorf(`"" unmarshals to %+v, %v; want the zero IDs`, back, err)
	}

	for _, id := range []simulate.ObjectID{{Namespace: "shop"}, {Name: "db"}, {Namespace: "a/b", Name: "c"}, {Namespace: "a", Name: "b/c"}} {
		if b, err := id.MarshalText(); err == nil {
			t.Errorf("%#v.MarshalText() = %q; want an error", id, b)
		}
	}
	for _, id := range []simulate.TieredPolicyID{{Kind: policy.KindAdminNetworkPolicy}, {Name: "x"}, {Kind: "Pod", Name: "x"}, {Kind: policy.KindAdminNetworkPolicy, Name: "a/b"}} {
		if b, err := id.MarshalText(); err == nil {
			t.Errorf("%#v.MarshalText() = %q; want an error", id, b)
		}
	}
	if err := json.Unmarshal([]byte(`{"Pod":"db-0"}`), &back); err == nil {
		t.Error(`json.Unmarshal of "db-0" into a PodID: no error`)
	}
}

// segment draws one part of an ID: any text without "/", not empty.
func segment() *rapid.Generator[string] {
	return rapid.StringMatching(`[^/]{1,20}`)
}

// TestObjectIDRoundTrip: every ID of two non-empty parts without "/" reads
// back from String and from MarshalText, and sorts by Compare as by its
// parts.
func TestObjectIDRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		id := simulate.ObjectID{Namespace: segment().Draw(t, "ns"), Name: segment().Draw(t, "name")}
		got, err := simulate.ParseObjectID(id.String())
		if err != nil || got != id {
			t.Fatalf("ParseObjectID(%q) = %#v, %v; want %#v", id.String(), got, err, id)
		}
		b, err := id.MarshalText()
		if err != nil || string(b) != id.String() {
			t.Fatalf("MarshalText = %q, %v; want %q", b, err, id.String())
		}
		var back simulate.ObjectID
		if err := back.UnmarshalText(b); err != nil || back != id {
			t.Fatalf("UnmarshalText(%q) = %#v, %v", b, back, err)
		}
		o := simulate.ObjectID{Namespace: segment().Draw(t, "ns2"), Name: segment().Draw(t, "name2")}
		want := strings.Compare(id.Namespace, o.Namespace)
		if want == 0 {
			want = strings.Compare(id.Name, o.Name)
		}
		if got := id.Compare(o); got != want {
			t.Fatalf("%v.Compare(%v) = %d; want %d", id, o, got, want)
		}
	})
}

func TestTieredPolicyIDRoundTrip(t *testing.T) {
	kinds := []string{policy.KindClusterNetworkPolicy, policy.KindAdminNetworkPolicy, policy.KindBaselineAdminNetworkPolicy}
	rapid.Check(t, func(t *rapid.T) {
		id := simulate.TieredPolicyID{Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Name: segment().Draw(t, "name")}
		got, err := simulate.ParseTieredPolicyID(id.String())
		if err != nil || got != id {
			t.Fatalf("ParseTieredPolicyID(%q) = %#v, %v; want %#v", id.String(), got, err, id)
		}
		b, err := id.MarshalText()
		var back simulate.TieredPolicyID
		if err != nil || back.UnmarshalText(b) != nil || back != id {
			t.Fatalf("MarshalText = %q, %v; read back as %#v", b, err, back)
		}
	})
}

// FuzzParseObjectID: the parser never panics, and what it accepts prints
// and marshals back to its input.
func FuzzParseObjectID(f *testing.F) {
	for _, s := range []string{"shop/db-0", "", "/", "a/", "/b", "a/b/c", "svc/a/b", "a//b", "ünï/cödé", "a\x00/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := simulate.ParseObjectID(s)
		if err != nil {
			if id != (simulate.ObjectID{}) {
				t.Fatalf("ParseObjectID(%q) = %#v with error %v", s, id, err)
			}
			if !strings.HasPrefix(err.Error(), "simulate: object ID ") {
				t.Fatalf("error %q has no prefix", err)
			}
			return
		}
		if id.String() != s {
			t.Fatalf("ParseObjectID(%q).String() = %q", s, id.String())
		}
		if b, err := id.MarshalText(); err != nil || string(b) != s {
			t.Fatalf("MarshalText of %q = %q, %v", s, b, err)
		}
	})
}

// FuzzParseTieredPolicyID is FuzzParseObjectID for tiered policy IDs.
func FuzzParseTieredPolicyID(f *testing.F) {
	for _, s := range []string{"ClusterNetworkPolicy/x", "AdminNetworkPolicy/a", "BaselineAdminNetworkPolicy/default", "", "/", "Pod/x", "AdminNetworkPolicy/", "AdminNetworkPolicy/a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := simulate.ParseTieredPolicyID(s)
		if err != nil {
			if id != (simulate.TieredPolicyID{}) || !strings.HasPrefix(err.Error(), "simulate: tiered policy ID ") {
				t.Fatalf("ParseTieredPolicyID(%q) = %#v, %v", s, id, err)
			}
			return
		}
		if b, err := id.MarshalText(); err != nil || string(b) != s || id.String() != s {
			t.Fatalf("ParseTieredPolicyID(%q) = %#v, marshals to %q, %v", s, id, b, err)
		}
	})
}

// TestUnknownIDs: every method that takes an object's ID reports one the
// model does not hold, the zero ID included, as a *NotFoundError wrapping
// ErrNotFound.
func TestUnknownIDs(t *testing.T) {
	c := exampleCluster()
	c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, denyFrontendToDB())
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	db := simulate.PodID{Namespace: "shop", Name: "db-0"}
	dbPolicy := simulate.ObjectID{Namespace: "shop", Name: "db-allow-api"}
	cnp := simulate.TieredPolicyID{Kind: policy.KindClusterNetworkPolicy, Name: "no-frontend-to-db"}
	nope := simulate.ObjectID{Namespace: "shop", Name: "db-allow-apj"}
	for _, c := range []struct {
		call string
		err  error
		what string
		sugg string
	}{
		{"SelectedBy", second(m.SelectedBy(nope)), "NetworkPolicy", "shop/db-allow-api"},
		{"SelectedBy zero", second(m.SelectedBy(simulate.ObjectID{})), "NetworkPolicy", ""},
		{"SelectedClasses", second(m.SelectedClasses(nope)), "NetworkPolicy", "shop/db-allow-api"},
		{"RulePeers", second(m.RulePeers(simulate.RuleRef{Policy: nope, Direction: simulate.Ingress})), "NetworkPolicy", "shop/db-allow-api"},
		{"RulePorts", second(m.RulePorts(simulate.RuleRef{Policy: dbPolicy, Direction: simulate.Ingress}, simulate.PodID{Namespace: "shop", Name: "db-1"})), "pod", "shop/db-0"},
		{"Backends", second(m.Backends(simulate.ObjectID{Namespace: "shop", Name: "dc"})), "service", "shop/db"},
		{"Backends zero", second(m.Backends(simulate.ObjectID{})), "service", ""},
		{"ServicePorts", second(m.ServicePorts(simulate.ObjectID{Namespace: "shop", Name: "db0"})), "service", "shop/db"},
		{"TieredSelectedClasses", second(m.TieredSelectedClasses(simulate.TieredPolicyID{Kind: policy.KindAdminNetworkPolicy, Name: "no-frontend-to-db"})), "tiered policy", "ClusterNetworkPolicy/no-frontend-to-db"},
		{"TieredSelectedClasses zero", second(m.TieredSelectedClasses(simulate.TieredPolicyID{})), "tiered policy", ""},
		{"TieredRulePeerClasses", second(m.TieredRulePeerClasses(simulate.TieredRuleRef{Policy: simulate.TieredPolicyID{Kind: policy.KindClusterNetworkPolicy, Name: "no-frontend-to-dc"}, Direction: simulate.Egress})), "tiered policy", "ClusterNetworkPolicy/no-frontend-to-db"},
		{"TieredRulePorts", second(m.TieredRulePorts(simulate.TieredRuleRef{Policy: simulate.TieredPolicyID{Kind: policy.KindClusterNetworkPolicy, Name: "x"}, Direction: simulate.Egress}, db)), "tiered policy", ""},
		{"NodeAddresses", second(m.NodeAddresses(simulate.PodID{Namespace: "shop", Name: "db-1"})), "pod", "shop/db-0"},
		{"Selecting", third(m.Selecting(simulate.PodID{Namespace: "shop", Name: "db-1"})), "pod", "shop/db-0"},
	} {
		var nf *simulate.NotFoundError
		if !errors.Is(c.err, simulate.ErrNotFound) || !errors.As(c.err, &nf) {
			t.Errorf("%s: error %v; want a *NotFoundError", c.call, c.err)
			continue
		}
		if nf.What != c.what || (c.sugg != "" && (len(nf.Suggestions) == 0 || nf.Suggestions[0] != c.sugg)) {
			t.Errorf("%s: %#v; want What %q, first suggestion %q", c.call, nf, c.what, c.sugg)
		}
	}
	// The IDs the model holds are found.
	if _, err := m.SelectedBy(dbPolicy); err != nil {
		t.Error(err)
	}
	if _, err := m.TieredSelectedClasses(cnp); err != nil {
		t.Error(err)
	}
	if got, err := m.Backends(simulate.ObjectID{Namespace: "shop", Name: "db"}); err != nil || len(got) != 1 || got[0] != db {
		t.Errorf("Backends(shop/db) = %v, %v; want [%v]", got, err, db)
	}
	if _, err := m.TieredRulePorts(simulate.TieredRuleRef{Policy: cnp, Direction: simulate.Egress}, db); err != nil {
		t.Error(err)
	}
	for _, ref := range []simulate.TieredRuleRef{{Policy: cnp, Direction: simulate.Ingress}, {Policy: cnp, Direction: simulate.Egress, Index: 1}, {Policy: cnp}} {
		if _, err := m.TieredRulePeerClasses(ref); err == nil || errors.Is(err, simulate.ErrNotFound) {
			t.Errorf("TieredRulePeerClasses(%v) = %v; want an error about the rule", ref, err)
		}
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }
