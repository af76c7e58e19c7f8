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
		{"nothing", []string{"diff"}, "netpolsim diff: nothing to compare: give two paths OLD NEW, or the old input (-f, -k, or a cluster) and the new one (--against, --against-k or --against-context)"},
		{"one path", []string{"diff", shop}, "netpolsim diff: want two paths OLD NEW, got 1"},
		{"three paths", []string{"diff", shop, shop, shop}, "netpolsim diff: want two paths OLD NEW, got 3"},
		{"paths and flags", []string{"diff", shop, shop, "-f", shop}, "netpolsim diff: give either two paths OLD NEW or the old input and --against, --against-k or --against-context, not both"},
		{"paths and -k", []string{"diff", shop, shop, "-k", kustomizeOverlay}, "netpolsim diff: give either two paths OLD NEW or the old input"},
		{"paths and a context", []string{"diff", shop, shop, "--context", "prod"}, "netpolsim diff: give either two paths OLD NEW or the old input"},
		{"no --against", []string{"diff", "-f", shop}, "netpolsim diff: nothing to compare with: give the new side with --against PATH, --against-k DIR or --against-context NAME"},
		{"no new side for -k", []string{"diff", "-k", kustomizeOverlay}, "netpolsim diff: nothing to compare with: "},
		{"no new side for a cluster", []string{"diff", "--context", "prod"}, "netpolsim diff: nothing to compare with: "},
		{"two new sides", []string{"diff", "-f", shop, "--against", shop, "--against-k", kustomizeOverlay}, "netpolsim diff: give one new side: --against, --against-k or --against-context"},
		{"--against-context with -f", []string{"diff", "-f", shop, "--against-context", "prod"}, "netpolsim diff: --against-context compares two clusters; to compare manifests with a cluster, read the cluster as the old side"},
		{"--against-context with -k", []string{"diff", "-k", kustomizeOverlay, "--against-context", "prod"}, "netpolsim diff: --against-context compares two clusters"},
		// Without -f or -k the old side is the cluster of the kubeconfig.
		{"no -f and no cluster", []string{"diff", "--against", shop}, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read"},
		{"bad -k on the new side", []string{"diff", "-f", shop, "--against-k", dir}, "netpolsim: " + filepath.Join(dir, "kustomization.yaml") + ": kustomize build: "},
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
				epsA, epsB := endpoints(ma.Workloads(), grouped, ""), endpoints(mb.Workloads(), grouped, "")
				want := naiveDiff(epsA, epsB, connections(ma, grouped, epsA), connections(mb, grouped, epsB))
				got := diffPods(ma.Snapshot(), mb, "", pairFilter{})
				if grouped {
					got = diffGrouped(ma.Snapshot(), mb, "", pairFilter{})
				}
				want.Exposure = got.Exposure // not in the connections; see simulate's TestDiffProperty
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
			if cn.From != cn.To {
				r.New = append(r.New, diffConnection(cn.From, cn.To, cn.set))
			}
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

// TestDiffKustomize compares kustomizations on either side and with
// manifests: the overlay with itself is no difference; an overlay without
// the network-policies component adds the connections the component's
// policies keep out.
func TestDiffKustomize(t *testing.T) {
	out, errOut, code := run(t, "", "diff", "-k", kustomizeOverlay, "--against-k", kustomizeOverlay)
	if code != 0 || out != "no differences: 4 endpoints on both sides.\n" {
		t.Errorf("overlay against itself: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	base, err := filepath.Abs("../../examples/kustomize/base")
	if err != nil {
		t.Fatal(err)
	}
	open := t.TempDir()
	// kustomize takes bases by relative path only.
	if base, err = filepath.Rel(open, base); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-prod\nresources: [namespace.yaml, " + base + "]\nreplicas: [{name: frontend, count: 2}]\n",
		"namespace.yaml":     "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-prod, labels: {env: prod}}\n",
	} {
		if err := os.WriteFile(filepath.Join(open, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code = run(t, "", "diff", "-k", kustomizeOverlay, "--against-k", open, "--group", "workload", "-o", "json")
	if code != 1 {
		t.Fatalf("overlay against one without policies: exit %d, stderr %q", code, errOut)
	}
	for _, s := range []string{
		`"endpointsRemoved": []`, `"endpointsAdded": []`,
		`"from": "shop-prod/db",
      "to": "shop-prod/api",`, `"connectionsRemoved": []`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("overlay against one without policies: stdout does not contain %s:\n%s", s, out)
		}
	}
	// Manifests on the old side, a kustomization on the new.
	out, errOut, code = run(t, "", "diff", "-f", "../../examples/kustomize/base", "--against-k", kustomizeOverlay)
	if code != 1 || !strings.Contains(out, "only in NEW: shop-prod/frontend-1 (Pod)") || !strings.Contains(out, "only in OLD: default/frontend-0 (Pod)") {
		t.Errorf("-f base --against-k overlay: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestDiffLive compares a live cluster with manifests and with another
// context: a cluster read in one namespace is compared in that namespace
// only.
func TestDiffLive(t *testing.T) {
	noKubeconfig(t)
	kubeconfig, _, b := liveClusters(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pod := func(ns, name, app, ip string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: {app: " + app + "}}\n" +
			"spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}\nstatus: {phase: Running, podIP: " + ip + "}\n---\n"
	}
	pods := "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n---\n" +
		pod("shop", "web", "web", "10.0.0.1") + pod("shop", "db", "db", "10.0.0.2") + pod("dev", "tool", "tool", "10.0.1.1") + pod("dev", "new", "new", "10.0.1.2")
	same := write("same.yaml", pods+"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: shop, name: db}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]\n")
	deny := write("deny.yaml", pods+"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: shop, name: deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n")

	// The current context reads namespace shop: dev/new, only in the
	// manifests, is not compared.
	out, errOut, code := run(t, "", "diff", "--kubeconfig", kubeconfig, "--against", same)
	if code != 0 || out != "no differences: 2 endpoints on both sides.\n" {
		t.Errorf("cluster against the same manifests: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = run(t, "", "diff", "--kubeconfig", kubeconfig, "--against", deny, "-o", "json")
	if code != 1 || !strings.Contains(out, `"connectionsRemoved": [
    {
      "from": "shop/db",
      "to": "shop/web",`) || !strings.Contains(out, `"endpointsAdded": []`) {
		t.Errorf("cluster against a deny-all: exit %d, stdout %s, stderr %q", code, out, errOut)
	}
	// -n does the same for manifests on both sides: of the connections
	// the deny-all takes away, only those within shop are listed.
	out, errOut, code = run(t, "", "diff", "-n", "shop", "-f", same, "--against", deny)
	if code != 1 || !strings.Contains(out, "0 connections added, 2 removed, 0 changed; 0 endpoints only in OLD, 0 only in NEW; exposure to outside the cluster changed for 1.") {
		t.Errorf("-n shop with manifests: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// -A reads every namespace: dev/new is new.
	out, errOut, code = run(t, "", "diff", "--kubeconfig", kubeconfig, "-A", "--against", same)
	if code != 1 || !strings.Contains(out, "only in NEW: dev/new (Pod)") {
		t.Errorf("-A: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Two contexts: b's pods are all new, a's all gone.
	before := len(b.paths())
	out, errOut, code = run(t, "", "diff", "--kubeconfig", kubeconfig, "-A", "--against-context", "b")
	if code != 1 || !strings.Contains(out, "only in OLD: dev/tool (Pod)") || !strings.Contains(out, "only in NEW: ops/mon (Pod)") {
		t.Errorf("--against-context b: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if len(b.paths()) == before {
		t.Error("--against-context b asked nothing of cluster b")
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
