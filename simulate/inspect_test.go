package simulate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ids(ss ...string) []PodID {
	var out []PodID
	for _, s := range ss {
		e, err := ParseEndpoint(s)
		if err != nil {
			panic(err)
		}
		out = append(out, PodID{e.namespace, e.name})
	}
	return out
}

func TestSelectedByAndRulePeers(t *testing.T) {
	m := mustCompile(t, shop())
	for _, c := range []struct {
		policy string
		want   []PodID
	}{
		{"shop/default-deny", ids("shop/api-0", "shop/db-0", "shop/frontend-0")},
		{"shop/db-from-api", ids("shop/db-0")},
		{"shop/frontend-egress", ids("shop/frontend-0")},
	} {
		got, err := m.SelectedBy(oid(c.policy))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("SelectedBy(%s) (-want +got):\n%s", c.policy, diff)
		}
	}
	for _, c := range []struct {
		policy string
		dir    Direction
		rule   int
		want   []PodID
	}{
		// podSelector app=api, or every pod of namespace ops.
		{"shop/db-from-api", Ingress, 0, ids("ops/monitor-0", "shop/api-0")},
		{"shop/frontend-egress", Egress, 0, ids("shop/api-0")},
		// 0.0.0.0/0 except 10.0.0.0/8 holds no pod address.
		{"shop/frontend-egress", Egress, 1, nil},
		// No from: every pod.
		{"shop/frontend-from-anywhere", Ingress, 0, ids("ops/monitor-0", "shop/api-0", "shop/db-0", "shop/frontend-0")},
	} {
		got, err := m.RulePeers(RuleRef{Policy: oid(c.policy), Direction: c.dir, Index: c.rule})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("RulePeers(%s, %s, %d) (-want +got):\n%s", c.policy, c.dir, c.rule, diff)
		}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(m.SelectedBy(oid("shop/nope"))), "simulate: no NetworkPolicy shop/nope"},
		{second(m.RulePeers(RuleRef{Policy: oid("shop/nope"), Direction: Ingress})), "simulate: no NetworkPolicy shop/nope"},
		{second(m.RulePeers(RuleRef{Policy: oid("shop/db-from-api"), Direction: 7})), "simulate: rule shop/db-from-api Direction(7)[0]: Direction(7) is not a direction: want Ingress or Egress"},
		{second(m.RulePeers(RuleRef{Policy: oid("shop/db-from-api"), Direction: Ingress, Index: 1})), "simulate: NetworkPolicy shop/db-from-api has no ingress rule 1"},
		{second(m.RulePeers(RuleRef{Policy: oid("shop/db-from-api"), Direction: Egress})), "simulate: NetworkPolicy shop/db-from-api has no egress rule 0"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

func second(_ []PodID, err error) error { return err }
