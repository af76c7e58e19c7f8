package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

const (
	prBefore = "../../examples/manifests/pr-before"
	prAfter  = "../../examples/manifests/pr-after"
)

func TestDiffGolden(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"diff-pr.txt", []string{"diff", prBefore, prAfter}, 1},
		{"diff-pr-flags.txt", []string{"diff", "-f", prBefore, "--against", prAfter}, 1},
		{"diff-pr-workload.txt", []string{"diff", prBefore, prAfter, "--group", "workload"}, 1},
		{"diff-pr.json", []string{"diff", "-f", prBefore, "--against", prAfter, "-o", "json"}, 1},
		{"diff-pr-workload.json", []string{"diff", "-f", prBefore, "--against", prAfter, "-o", "json", "--group", "workload"}, 1},
		{"diff-pr.md", []string{"diff", prBefore, prAfter, "-o", "md"}, 1},
		{"diff-pr-reverse.txt", []string{"diff", prAfter, prBefore}, 1},
		{"diff-same.txt", []string{"diff", shop, prBefore}, 0},
		{"diff-same.json", []string{"diff", shop, prBefore, "-o", "json"}, 0},
		{"diff-same.md", []string{"diff", shop, prBefore, "-o", "md"}, 0},
		// Nothing shared: every pod is on one side only.
		{"diff-shop-multitenant.txt", []string{"diff", "-f", shop, "--against", multitenant}, 1},
		{"diff-help.txt", []string{"diff", "--help"}, 0},
	})
}

// The flags of -f and --against may repeat, and either side may be stdin.
func TestDiffRepeatedAndStdin(t *testing.T) {
	want, _, _ := run(t, "", "diff", prBefore, prAfter)
	var files []string
	for _, f := range []string{"namespace.yaml", "policies.yaml", "services.yaml", "workloads.yaml"} {
		files = append(files, "--against", filepath.Join(prAfter, f))
	}
	out, errOut, code := run(t, "", append([]string{"diff", "-f", prBefore}, files...)...)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("--against file by file (-want +got):\n%s", diff)
	}

	var stdin strings.Builder
	for _, f := range []string{"namespace.yaml", "policies.yaml", "services.yaml", "workloads.yaml"} {
		data, err := os.ReadFile(filepath.Join(prBefore, f))
		if err != nil {
			t.Fatal(err)
		}
		stdin.WriteString("---\n")
		stdin.Write(data)
		stdin.WriteString("\n")
	}
	out, errOut, code = run(t, stdin.String(), "diff", "-f", "-", "--against", prAfter)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("-f - (-want +got):\n%s", diff)
	}
}

func TestDiffErrors(t *testing.T) {
	dir, bad := t.TempDir(), badPolicyFile(t)
	runErrors(t, []errorCase{
		{"nothing", []string{"diff"}, "netpolsim diff: nothing to compare: give -f OLD... --against NEW..., or two paths OLD NEW"},
		{"one path", []string{"diff", shop}, "netpolsim diff: want two paths OLD NEW, got 1"},
		{"three paths", []string{"diff", shop, shop, shop}, "netpolsim diff: want two paths OLD NEW, got 3"},
		{"paths and flags", []string{"diff", shop, shop, "-f", shop}, "netpolsim diff: give either -f OLD... --against NEW... or two paths OLD NEW, not both"},
		{"no --against", []string{"diff", "-f", shop}, "netpolsim diff: -f needs --against NEW to compare with"},
		{"no -f", []string{"diff", "--against", shop}, "netpolsim diff: --against needs -f OLD to compare with"},
		{"stdin twice", []string{"diff", "-f", "-", "--against", "-"}, "netpolsim diff: standard input (-) can be read on one side only"},
		{"bad format", []string{"diff", shop, shop, "-o", "csv"}, "netpolsim diff: -o csv: want text, json or md"},
		{"bad group", []string{"diff", shop, shop, "--group", "team"}, "netpolsim diff: --group team: the only grouping is workload"},
		{"unknown flag", []string{"diff", shop, shop, "--frob"}, "netpolsim diff: flag provided but not defined: -frob"},
		{"missing old", []string{"diff", filepath.Join(dir, "missing"), shop}, "no such file or directory"},
		{"invalid new", []string{"diff", shop, bad}, "bad.yaml: document 0 (line 7): NetworkPolicy shop/db: spec.ingress[0].ports[0].endPort"},
	})
}

// TestDiffAgreesWithConnections checks the pod-level diff (simulate.Diff)
// and the workload diff (simulate.DiffWorkloads) against a naive comparison
// of the two sides' matrix connections, as matrix prints them.
func TestDiffAgreesWithConnections(t *testing.T) {
	load := func(path string) *simulate.Model {
		t.Helper()
		res, err := manifest.LoadPaths(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := simulate.Compile(res.Cluster)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	models := map[string]*simulate.Model{}
	for _, p := range []string{shop, multitenant, prBefore, prAfter} {
		models[p] = load(p)
	}
	opts := cmp.AllowUnexported(diffResult{}, endpoint{}, connection{}, diffChange{}, simulate.PortSet{}, simulate.Change{})
	for a, ma := range models {
		for b, mb := range models {
			for _, grouped := range []bool{false, true} {
				epsA, epsB := endpoints(ma, grouped, ""), endpoints(mb, grouped, "")
				want := naiveDiff(epsA, epsB, connections(ma, grouped, epsA), connections(mb, grouped, epsB))
				got := diffPods(ma, mb)
				if grouped {
					got = diffGrouped(ma, mb)
				}
				if diff := cmp.Diff(want, got, opts); diff != "" {
					t.Errorf("diff %s %s (grouped %t): the diff and the matrix connections disagree (-connections +diff):\n%s", a, b, grouped, diff)
				}
			}
		}
	}
}

// naiveDiff compares two sides given as endpoints and their connections:
// endpoints are matched by ID, and the pairs of endpoints of both sides
// are compared.
func naiveDiff(epsA, epsB []endpoint, connsA, connsB []connection) diffResult {
	var r diffResult
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, ep := range epsA {
		inA[ep.ID] = true
	}
	for _, ep := range epsB {
		inB[ep.ID] = true
		if inA[ep.ID] {
			r.shared++
		} else {
			r.EndpointsAdded = append(r.EndpointsAdded, ep)
		}
	}
	for _, ep := range epsA {
		if !inB[ep.ID] {
			r.EndpointsRemoved = append(r.EndpointsRemoved, ep)
		}
	}
	type pair struct{ from, to string }
	setsA := map[pair]simulate.PortSet{}
	for _, cn := range connsA {
		if inB[cn.From] && inB[cn.To] {
			setsA[pair{cn.From, cn.To}] = cn.set
		}
	}
	for _, cn := range connsB {
		if !inA[cn.From] || !inA[cn.To] {
			continue
		}
		p := pair{cn.From, cn.To}
		before, was := setsA[p]
		delete(setsA, p)
		switch {
		case !was:
			r.Added = append(r.Added, diffConnection(cn.From, cn.To, cn.set))
		case !before.Equal(cn.set):
			r.Changed = append(r.Changed, newDiffChange(cn.From, cn.To, before, cn.set))
		}
	}
	for p, set := range setsA {
		r.Removed = append(r.Removed, diffConnection(p.from, p.to, set))
	}
	r.sort()
	return r
}

// TestDiffReadme keeps examples/apptest/README.md honest: the output it shows
// for netpolsim diff is what the command prints.
func TestDiffReadme(t *testing.T) {
	readme, err := os.ReadFile("../../examples/apptest/README.md")
	if err != nil {
		t.Fatal(err)
	}
	const cmdLine = "go run ./cmd/netpolsim diff examples/manifests/pr-before examples/manifests/pr-after"
	_, after, ok := strings.Cut(string(readme), cmdLine+"\n```\n\nprints (and exits with status 1, as `diff` does when there are differences):\n\n```\n")
	if !ok {
		t.Fatalf("examples/apptest/README.md no longer shows %q followed by its output", cmdLine)
	}
	shown, _, _ := strings.Cut(after, "```")
	out, errOut, code := run(t, "", "diff", prBefore, prAfter)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(shown, out); diff != "" {
		t.Errorf("examples/apptest/README.md output block (-readme +actual):\n%s", diff)
	}
}

// TestDiffWhy: --why adds what decides each changed connection (text, pods
// only), and nothing when there is no change.
func TestDiffWhy(t *testing.T) {
	const g = "../../examples/guardrails/"
	out, errOut, code := run(t, "", "diff", "-f", g+"cluster", "-f", g+"policies", "--against", g+"cluster", "--against", g+"policies-v2", "--why")
	if code != exitDifferent || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"tenant-a/api-0 → kube-system/metrics-server-0 on TCP/443 [cluster policies]\n",
		"  before: egress denied by admin policy protect-kube-system (priority 20) egress rule 0 (Deny); ingress allowed (no policy)\n",
		"  after:  egress allowed by admin policy metrics-scraping (priority 15) egress rule 0 (Accept); ingress allowed (no policy)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, "", "diff", "-f", g+"cluster", "-f", g+"policies", "--against", g+"cluster", "--against", g+"policies", "--why")
	if code != exitOK || strings.Contains(out, "Why") {
		t.Errorf("no change: exit %d, output:\n%s", code, out)
	}
	for _, args := range [][]string{{"-o", "json"}, {"--group", "workload"}} {
		_, errOut, code := run(t, "", append([]string{"diff", "-f", g + "cluster", "--against", g + "cluster", "--why"}, args...)...)
		if code != exitError || !strings.Contains(errOut, "--why works with pods in text output") {
			t.Errorf("--why %v: exit %d, %s", args, code, errOut)
		}
	}
}
