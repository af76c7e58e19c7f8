package cli

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// resolveIDs returns the pods an endpoint stands for in the manifests at
// path, and the IDs of the workloads holding one, by the library alone.
func resolveIDs(t *testing.T, path, s string) (map[string]bool, map[string]bool) {
	t.Helper()
	res, err := manifest.LoadPaths(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := simulate.ParseEndpoint(s)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := m.Resolve(ep)
	if err != nil {
		t.Fatal(err)
	}
	ps, ws := map[string]bool{}, map[string]bool{}
	for _, p := range pods {
		ps[p.String()] = true
	}
	for _, w := range m.Workloads() {
		if slices.ContainsFunc(w.Pods, func(p simulate.PodID) bool { return ps[p.String()] }) {
			ws[w.ID] = true
		}
	}
	return ps, ws
}

// TestMatrixFromTo checks matrix --from/--to against the whole matrix:
// exactly its connections from a pod (workload) of --from to one of --to.
func TestMatrixFromTo(t *testing.T) {
	for _, c := range []struct{ from, to string }{
		{"shop/frontend", ""}, {"", "shop/app=db"}, {"shop/api-0", "shop/db"}, {"shop/*", "kube-system/*"}, {"", "svc/shop/db"},
	} {
		for _, group := range []bool{false, true} {
			args := []string{"matrix", "-f", shop, "-o", "json"}
			if group {
				args = append(args, "--group", "workload")
			}
			var all, got matrixJSON
			if err := json.Unmarshal([]byte(mustRun(t, 0, args...)), &all); err != nil {
				t.Fatal(err)
			}
			filtered := args
			keep := func(string) bool { return true }
			keepFrom, keepTo := keep, keep
			for _, f := range []struct {
				flag, value string
				keep        *func(string) bool
			}{{"--from", c.from, &keepFrom}, {"--to", c.to, &keepTo}} {
				if f.value == "" {
					continue
				}
				filtered = append(filtered, f.flag, f.value)
				ps, ws := resolveIDs(t, shop, f.value)
				set := ps
				if group {
					set = ws
				}
				*f.keep = func(id string) bool { return set[id] }
			}
			if err := json.Unmarshal([]byte(mustRun(t, 0, filtered...)), &got); err != nil {
				t.Fatal(err)
			}
			var want []connection
			for _, cn := range all.Connections {
				if keepFrom(cn.From) && keepTo(cn.To) {
					want = append(want, cn)
				}
			}
			if diff := cmp.Diff(want, got.Connections, cmp.AllowUnexported(connection{}), cmp.Comparer(simulate.PortSet.Equal)); diff != "" {
				t.Errorf("%v (-want +got):\n%s", filtered, diff)
			}
		}
	}
}

// TestDiffFromTo checks diff --to against the whole diff: exactly its
// connections to a pod of --to, and no exposure rows with --from.
func TestDiffFromTo(t *testing.T) {
	var all, got diffResult
	if err := json.Unmarshal([]byte(mustRun(t, 1, "diff", prBefore, prAfter, "-o", "json")), &all); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(mustRun(t, 1, "diff", prBefore, prAfter, "-o", "json", "--to", "shop/db")), &got); err != nil {
		t.Fatal(err)
	}
	ps, _ := resolveIDs(t, prAfter, "shop/db")
	keep := func(cs []connection) []connection {
		return slices.DeleteFunc(slices.Clone(cs), func(c connection) bool { return !ps[c.To] })
	}
	if len(keep(all.Added)) == 0 {
		t.Fatal("the fixture's diff adds no connection to shop/db: the test tests nothing")
	}
	opt := cmp.AllowUnexported(connection{})
	for _, l := range []struct {
		name      string
		want, got []connection
	}{{"added", keep(all.Added), got.Added}, {"removed", keep(all.Removed), got.Removed}, {"new", keep(all.New), got.New}} {
		if diff := cmp.Diff(l.want, l.got, opt, cmp.Comparer(simulate.PortSet.Equal)); diff != "" {
			t.Errorf("diff --to shop/db %s (-want +got):\n%s", l.name, diff)
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, 1, "diff", prBefore, prAfter, "-o", "json", "--from", "shop/frontend")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Exposure) != 0 {
		t.Errorf("diff --from shop/frontend lists exposure changes: %v", got.Exposure)
	}
}

func TestFromToErrors(t *testing.T) {
	runErrors(t, []errorCase{
		{"matrix unknown --to", []string{"matrix", "-f", shop, "--to", "shop/dbb"}, "netpolsim matrix: --to shop/dbb: no pod shop/dbb; did you mean shop/db?"},
		{"matrix outside", []string{"matrix", "-f", shop, "--from", "outside"}, "netpolsim matrix: --from outside: the matrix has rows and columns of pods only"},
		{"matrix CIDR of no pod", []string{"matrix", "-f", shop, "--from", "192.0.2.0/24"}, "netpolsim matrix: --from 192.0.2.0/24: stands for no pod"},
		{"diff unknown --from", []string{"diff", prBefore, prAfter, "--from", "shop/nope"}, "netpolsim diff: --from shop/nope: no pod shop/nope"},
		{"matrix bad --from", []string{"matrix", "-f", shop, "--from", "shop"}, "netpolsim matrix: --from shop: endpoint \"shop\": want NAMESPACE/POD"},
	})
}

// TestDiffFromOneSide checks that --from resolves against both sides of a
// diff, the old one before its model is let go: a pod only in the old side
// or only in the new one is a row.
func TestDiffFromOneSide(t *testing.T) {
	const pod = "shop/catalog-import-0" // only in pr-after
	var got diffResult
	if err := json.Unmarshal([]byte(mustRun(t, 1, "diff", prAfter, prBefore, "-o", "json", "--from", pod)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.EndpointsRemoved) != 1 || got.EndpointsRemoved[0].ID != pod || len(got.EndpointsAdded) != 0 {
		t.Errorf("diff NEW OLD --from %s: removed %v, added %v; want the pod removed, nothing added", pod, got.EndpointsRemoved, got.EndpointsAdded)
	}
	got = diffResult{}
	if err := json.Unmarshal([]byte(mustRun(t, 1, "diff", prBefore, prAfter, "-o", "json", "--from", pod)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.New) != 2 || len(got.Added)+len(got.Removed)+len(got.Changed) != 0 {
		t.Errorf("diff OLD NEW --from %s: new %v, added %v, removed %v, changed %v; want its 2 new connections only", pod, got.New, got.Added, got.Removed, got.Changed)
	}
}
