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
		got, err := m.SelectedBy(c.policy)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("SelectedBy(%s) (-want +got):\n%s", c.policy, diff)
		}
	}
	for _, c := range []struct {
		policy, dir string
		rule        int
		want        []PodID
	}{
		// podSelector app=api, or every pod of namespace ops.
		{"shop/db-from-api", "ingress", 0, ids("ops/monitor-0", "shop/api-0")},
		{"shop/frontend-egress", "egress", 0, ids("shop/api-0")},
		// 0.0.0.0/0 except 10.0.0.0/8 holds no pod address.
		{"shop/frontend-egress", "egress", 1, nil},
		// No from: every pod.
		{"shop/frontend-from-anywhere", "ingress", 0, ids("ops/monitor-0", "shop/api-0", "shop/db-0", "shop/frontend-0")},
	} {
		got, err := m.RulePeers(c.policy, c.dir, c.rule)
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
		{second(m.SelectedBy("shop/nope")), "simulate: no NetworkPolicy shop/nope"},
		{second(m.RulePeers("shop/nope", "ingress", 0)), "simulate: no NetworkPolicy shop/nope"},
		{second(m.RulePeers("shop/db-from-api", "sideways", 0)), `simulate: direction "sideways": want ingress or egress`},
		{second(m.RulePeers("shop/db-from-api", "ingress", 1)), "simulate: NetworkPolicy shop/db-from-api has no ingress rule 1"},
		{second(m.RulePeers("shop/db-from-api", "egress", 0)), "simulate: NetworkPolicy shop/db-from-api has no egress rule 0"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

func second(_ []PodID, err error) error { return err }
