package simulate

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// lookupCluster is serviceCluster plus two pods of the StatefulSet
// shop/cache.
func lookupCluster() Cluster {
	c := serviceCluster()
	yes := true
	for _, name := range []string{"cache-0", "cache-1"} {
		p := mkPod("shop", name, "", map[string]string{"app": "cache"})
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "cache", Controller: &yes}}
		c.Pods = append(c.Pods, p)
	}
	return c
}

func TestResolve(t *testing.T) {
	m := mustCompile(t, lookupCluster())
	ids := func(names ...string) []PodID {
		var out []PodID
		for _, n := range names {
			out = append(out, PodID{"shop", n})
		}
		return out
	}
	for _, tc := range []struct {
		in   string
		want []PodID
		err  string
	}{
		{"shop/db-0", ids("db-0"), ""},
		{"shop/cache", ids("cache-0", "cache-1"), ""},
		{"shop/app=db", ids("db-0", "db-1"), ""},
		{"svc/shop/db", ids("db-0", "db-1"), ""},
		{"10.0.0.30", ids("db-0"), ""},
		{"192.0.2.1", nil, ""},
		{"shop/db", nil, "simulate: no pod shop/db; did you mean shop/db-0 or shop/db-1?"},
		{"shop/frontend", nil, "simulate: no pod shop/frontend; did you mean shop/frontend-0?"},
		{"shop/zzzzzzzz", nil, "simulate: no pod shop/zzzzzzzz"},
		{"shop/app=nomatch", nil, "simulate: no pod of namespace shop matches app=nomatch"},
		{"shpo/app=db", nil, "simulate: no namespace shpo; did you mean shop?"},
		{"svc/shop/dbb", nil, "simulate: no service svc/shop/dbb; did you mean svc/shop/db?"},
	} {
		e, err := ParseEndpoint(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Resolve(e)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrNotFound) {
				t.Errorf("Resolve(%s) = %v, %v; want error %q wrapping ErrNotFound", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%s): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Resolve(%s) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// A workload's name stands for all its pods in Query; Check, which judges
// one pair, refuses it.
func TestQueryWorkload(t *testing.T) {
	m := mustCompile(t, lookupCluster())
	a, err := m.Query(Pod("shop", "frontend-0"), Pod("shop", "cache"), TCP(6379))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Verdicts) != 2 || a.Verdicts[0].To.String() != "shop/cache-0" || a.Verdicts[1].To.String() != "shop/cache-1" {
		t.Errorf("Query to workload shop/cache:\n%s", a)
	}
	if _, err := m.Check(Pod("shop", "frontend-0"), Pod("shop", "cache"), TCP(6379)); err == nil ||
		err.Error() != "simulate: shop/cache is a workload of 2 pods, not a single pod; use Query" {
		t.Errorf("Check to a workload: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"shop/db-0", "shop/db-1", "shop/api-0", "ops/monitor-0", "shop/dbadmin-0", "shop/web"}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"shop/db", []string{"shop/db-0", "shop/db-1", "shop/dbadmin-0"}},
		{"shop/wbe", []string{"shop/web"}},
		{"shop/api-1", []string{"shop/api-0"}},
		{"ops/x", nil},
		{"shop/web", nil},
	} {
		if diff := cmp.Diff(tc.want, suggest(tc.in, names)); diff != "" {
			t.Errorf("suggest(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestEditDistance checks editDistance against a naive recursive
// definition of the optimal string alignment distance.
func TestEditDistance(t *testing.T) {
	var naive func(a, b string) int
	naive = func(a, b string) int {
		if a == "" {
			return len(b)
		}
		if b == "" {
			return len(a)
		}
		c := 1
		if a[len(a)-1] == b[len(b)-1] {
			c = 0
		}
		d := min(naive(a[:len(a)-1], b)+1, naive(a, b[:len(b)-1])+1, naive(a[:len(a)-1], b[:len(b)-1])+c)
		if len(a) > 1 && len(b) > 1 && a[len(a)-1] == b[len(b)-2] && a[len(a)-2] == b[len(b)-1] {
			d = min(d, naive(a[:len(a)-2], b[:len(b)-2])+1)
		}
		return d
	}
	words := []string{"", "a", "ab", "ba", "abc", "acb", "db-0", "db-1", "shop", "shpo", "sohp", "kitten", "sitting"}
	for _, a := range words {
		for _, b := range words {
			want := naive(a, b)
			for limit := 0; limit <= 4; limit++ {
				got := editDistance(a, b, limit)
				if want <= limit && got != want || want > limit && got != limit+1 {
					t.Errorf("editDistance(%q, %q, %d) = %d; naive distance %d", a, b, limit, got, want)
				}
			}
		}
	}
}

// FuzzResolve: any endpoint a user types resolves without panic to pods of
// the model, or to an error; a pod or workload name that resolves to
// nothing is a NotFoundError whose suggestions are names of the model.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"shop/db-0", "shop/db", "shop/cache", "svc/shop/dbb", "shop/app=nomatch", "shpo/*", "10.0.0.30", "192.0.2.1", "shop/", "ops/monitor-9"} {
		f.Add(s)
	}
	m := mustCompile(f, lookupCluster())
	names := map[string]bool{}
	for _, p := range m.Pods() {
		names[p.String()] = true
	}
	for _, w := range m.Workloads() {
		names[w.ID] = true
	}
	for _, ns := range m.Namespaces() {
		names[ns] = true
	}
	for _, s := range m.ServiceObjects() {
		names["svc/"+s.Namespace+"/"+s.Name] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEndpoint(s)
		if err != nil {
			return
		}
		pods, err := m.Resolve(e)
		if err != nil {
			var nf *NotFoundError
			if errors.As(err, &nf) {
				for _, sug := range nf.Suggestions {
					if !names[sug] {
						t.Fatalf("Resolve(%q): suggestion %q is no name of the model", s, sug)
					}
				}
			}
			return
		}
		for _, p := range pods {
			if _, err := m.PodObject(p); err != nil {
				t.Fatalf("Resolve(%q) = %v: %s is no pod of the model: %v", s, pods, p, err)
			}
		}
	})
}
