package simtest_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
	"github.com/netpolsim/netpolsim/simulate/simtest"
)

// The shop of the examples: frontend-0/1 → api-0/1 on http (9090),
// api-0/1 → db-0 on 5432, DNS egress to kube-system/coredns-0, default deny
// in namespace shop.
const shop = "../../examples/manifests/shop"

func shopModel(t *testing.T) *simulate.Model {
	t.Helper()
	return simtest.Load(t, shop)
}

// Explanations the engine gives for the shop, as Verdict.String renders them.
const (
	apiToDB       = "allowed: shop/api-0 → shop/db-0 on TCP/5432: egress allowed by shop/api egress[0]; ingress allowed by shop/db ingress[0]"
	api1ToDB      = "allowed: shop/api-1 → shop/db-0 on TCP/5432: egress allowed by shop/api egress[0]; ingress allowed by shop/db ingress[0]"
	frontendToDB  = "denied: shop/frontend-0 is isolated for egress by shop/allow-dns, shop/default-deny, shop/frontend; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/5432"
	frontend1ToDB = "denied: shop/frontend-1 is isolated for egress by shop/allow-dns, shop/default-deny, shop/frontend; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db, shop/default-deny; no ingress rule allows shop/frontend-1 on TCP/5432"
)

func TestLoad(t *testing.T) {
	ft := run(t, func(tb testing.TB) {
		if m := simtest.Load(tb, shop); len(m.Pods()) != 6 {
			t.Errorf("Load(shop) has %d pods, want 6", len(m.Pods()))
		}
	})
	ft.check(t, false)

	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := manifest.LoadPaths(missing)
	if err == nil {
		t.Fatal("LoadPaths of a missing file succeeded")
	}
	ft = run(t, func(tb testing.TB) {
		simtest.Load(tb, missing)
		t.Error("Load went on after a loader error")
	})
	ft.check(t, true, err.Error())

	// A kind that is not simulated is logged, not a failure.
	dir := t.TempDir()
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n"
	if err := os.WriteFile(filepath.Join(dir, "cm.yaml"), []byte(cm), 0o644); err != nil {
		t.Fatal(err)
	}
	ft = run(t, func(tb testing.TB) { simtest.Load(tb, dir) })
	ft.check(t, false)
	want := "manifest: " + filepath.Join(dir, "cm.yaml") + ": document 0 (line 1): ConfigMap shop/settings: skipped: v1 ConfigMap is not simulated"
	if len(ft.logs) != 1 || ft.logs[0] != want {
		t.Errorf("logs = %q, want [%q]", ft.logs, want)
	}
}

func TestReachable(t *testing.T) {
	m := shopModel(t)
	for _, c := range []struct {
		name, from, to, port string
		fatal                bool
		want                 []string
	}{
		{name: "pod to pod", from: "shop/api-0", to: "shop/db-0", port: "5432"},
		{name: "sets and a named port", from: "shop/app=frontend", to: "shop/tier=backend", port: "http"},
		{name: "service", from: "shop/app=api", to: "svc/shop/db", port: "pg"},
		{name: "protocol", from: "shop/db-0", to: "kube-system/coredns-0", port: "53/udp"},
		{name: "denied pair", from: "shop/frontend-0", to: "shop/db-0", port: "5432", want: []string{
			"shop/frontend-0 → shop/db-0 on TCP/5432: want allowed, got " + frontendToDB,
		}},
		{name: "denied for some pairs", from: "shop/tier in (web,backend)", to: "shop/db-0", port: "5432/TCP", want: []string{
			"shop/tier in (backend,web) → shop/db-0 on TCP/5432: want allowed for every pair, got denied for 2 of 4 pairs:\n" +
				"  shop/frontend-0 → shop/db-0: " + frontendToDB + "\n" +
				"  shop/frontend-1 → shop/db-0: " + frontend1ToDB,
		}},
		{name: "named port not served", from: "shop/api-0", to: "shop/db-0", port: "http", want: []string{
			`shop/api-0 → shop/db-0 on TCP/http: want allowed, got denied: shop/db-0 serves no TCP port named "http"`,
		}},
		{name: "no pod", from: "shop/app=nope", to: "shop/db-0", port: "5432", want: []string{
			"shop/app=nope → shop/db-0 on TCP/5432: want allowed, but there is no pair of pods to judge",
		}},
		{name: "bad endpoint", from: "shop", to: "shop/db-0", port: "5432", fatal: true, want: []string{
			`simulate: endpoint "shop": want NAMESPACE/POD, NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, an IP address, a CIDR or outside`,
		}},
		{name: "bad port", from: "shop/api-0", to: "shop/db-0", port: "0", fatal: true, want: []string{
			`simulate: port "0": 0 is not between 1 and 65535`,
		}},
		{name: "unknown pod", from: "shop/api-9", to: "shop/db-0", port: "5432", fatal: true, want: []string{
			"simulate: no pod shop/api-9; did you mean shop/api, shop/api-0 or shop/api-1?",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := run(t, func(tb testing.TB) { simtest.Reachable(tb, m, c.from, c.to, c.port) })
			ft.check(t, c.fatal, c.want...)
		})
	}
}

func TestUnreachable(t *testing.T) {
	m := shopModel(t)
	for _, c := range []struct {
		name, from, to, port string
		want                 []string
	}{
		{name: "pod to pod", from: "shop/frontend-0", to: "shop/db-0", port: "5432"},
		{name: "sets", from: "shop/app=frontend", to: "svc/shop/db", port: "pg"},
		{name: "other protocol", from: "shop/api-0", to: "shop/db-0", port: "5432/UDP"},
		{name: "allowed pair", from: "shop/api-0", to: "shop/db-0", port: "5432", want: []string{
			"shop/api-0 → shop/db-0 on TCP/5432: want denied, got " + apiToDB,
		}},
		{name: "allowed for some pairs", from: "shop/tier!=data", to: "shop/db-0", port: "5432", want: []string{
			"shop/tier notin (data) → shop/db-0 on TCP/5432: want denied for every pair, got allowed for 2 of 4 pairs:\n" +
				"  " + apiToDB + "\n" +
				"  " + api1ToDB,
		}},
		// api-0 → api-0 is not judged.
		{name: "its own service", from: "shop/api-0", to: "svc/shop/api", port: "http"},
		{name: "only itself", from: "shop/api-0", to: "10.0.0.1", port: "1-65535", want: nil},
		{name: "no pod", from: "shop/app=nope", to: "shop/db-0", port: "5432", want: []string{
			"shop/app=nope → shop/db-0 on TCP/5432: want denied, but there is no pair of pods to judge",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := run(t, func(tb testing.TB) { simtest.Unreachable(tb, m, c.from, c.to, c.port) })
			ft.check(t, false, c.want...)
		})
	}
}

func TestOnlyReachableFrom(t *testing.T) {
	m := shopModel(t)
	for _, c := range []struct {
		name, to, port string
		sources        []string
		fatal          bool
		want           []string
	}{
		{name: "db from the api", to: "shop/db-0", port: "5432", sources: []string{"shop/app=api"}},
		{name: "db from both api pods", to: "svc/shop/db", port: "pg", sources: []string{"shop/api-1", "shop/api-0"}},
		{name: "frontend only from outside the shop", to: "shop/app=frontend", port: "http", sources: []string{"kube-system/coredns-0"}},
		{name: "nothing reaches the db on 5433", to: "shop/db-0", port: "5433"},
		{name: "another pod reaches", to: "shop/db-0", port: "5432", sources: []string{"shop/api-0"}, want: []string{
			"shop/db-0 on TCP/5432: want reachable from shop/api-0 and from no other pod, got:\n" +
				"  " + api1ToDB,
		}},
		{name: "a source does not reach", to: "shop/db-0", port: "5432", sources: []string{"shop/app=api", "shop/frontend-0"}, want: []string{
			"shop/db-0 on TCP/5432: want reachable from shop/app=api, shop/frontend-0 and from no other pod, got:\n" +
				"  shop/frontend-0 → shop/db-0: " + frontendToDB,
		}},
		{name: "no source given", to: "shop/db-0", port: "5432", want: []string{
			"shop/db-0 on TCP/5432: want reachable from no pod, got:\n" +
				"  " + apiToDB + "\n" +
				"  " + api1ToDB,
		}},
		{name: "source matches no pod", to: "shop/db-0", port: "5432", sources: []string{"shop/app=api", "shop/app=apii"}, want: []string{
			"shop/db-0 on TCP/5432: want reachable from shop/app=api, shop/app=apii and from no other pod, got:\n" +
				"  no pair of pods to judge from shop/app=apii",
		}},
		{name: "destination matches no pod", to: "shop/app=dbb", port: "5432", want: []string{
			"shop/app=dbb on TCP/5432: want reachable from no pod, got:\n" +
				"  no pair of pods to judge",
		}},
		{name: "bad source", to: "shop/db-0", port: "5432", sources: []string{"shop/"}, fatal: true, want: []string{
			`simulate: endpoint "shop/": want NAMESPACE/POD, NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, an IP address, a CIDR or outside`,
		}},
		{name: "service as a source", to: "shop/db-0", port: "5432", sources: []string{"svc/shop/api"}, fatal: true, want: []string{
			"simulate: svc/shop/api: a Service is not a source of traffic; ask from its pods",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := run(t, func(tb testing.TB) { simtest.OnlyReachableFrom(tb, m, c.sources, c.to, c.port) })
			ft.check(t, c.fatal, c.want...)
		})
	}
}

func TestIsolated(t *testing.T) {
	m := shopModel(t)
	for _, c := range []struct {
		name, pod string
		dirs      []simtest.Direction
		fatal     bool
		want      []string
	}{
		{name: "both", pod: "shop/db-0"},
		{name: "ingress", pod: "shop/frontend-1", dirs: []simtest.Direction{simtest.Ingress}},
		{name: "egress", pod: "shop/api-0", dirs: []simtest.Direction{simtest.Egress}},
		{name: "not isolated", pod: "kube-system/coredns-0", want: []string{
			"kube-system/coredns-0 is not isolated for ingress: no policy selects it for ingress, so it may receive anything from anywhere",
			"kube-system/coredns-0 is not isolated for egress: no policy selects it for egress, so it may send anything anywhere",
		}},
		{name: "not isolated for egress", pod: "kube-system/coredns-0", dirs: []simtest.Direction{simtest.Egress}, want: []string{
			"kube-system/coredns-0 is not isolated for egress: no policy selects it for egress, so it may send anything anywhere",
		}},
		{name: "not a pod", pod: "shop/app=db", fatal: true, want: []string{
			"simulate: no pod shop/app=db",
		}},
		{name: "no namespace", pod: "db-0", fatal: true, want: []string{
			`simtest: Isolated: "db-0": want NAMESPACE/POD`,
		}},
		{name: "bad direction", pod: "shop/db-0", dirs: []simtest.Direction{7}, fatal: true, want: []string{
			"simtest: Isolated: unknown Direction(7)",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := run(t, func(tb testing.TB) { simtest.Isolated(tb, m, c.pod, c.dirs...) })
			ft.check(t, c.fatal, c.want...)
		})
	}
}

// shop5432 is the truth table of the shop on TCP/5432, as
// Matrix.TruthTable prints it.
const shop5432 = `
-                     kube-system/coredns-0 shop/api-0 shop/api-1 shop/db-0 shop/frontend-0 shop/frontend-1
kube-system/coredns-0 .                     X          X          X         X               X
shop/api-0            X                     .          X          .         X               X
shop/api-1            X                     X          .          .         X               X
shop/db-0             X                     X          X          .         X               X
shop/frontend-0       X                     X          X          X         .               X
shop/frontend-1       X                     X          X          X         X               .
`

func TestTruthTable(t *testing.T) {
	m := shopModel(t)
	computed, err := m.Matrix().TruthTable(simulate.TCP(5432))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, port, table string
		fatal             bool
		want              []string
	}{
		{name: "whole table", port: "5432", table: shop5432},
		{name: "as Matrix.TruthTable prints it", port: "5432/TCP", table: computed},
		{name: "some pods, any order, tabs and indentation", port: "http", table: `
			-	shop/frontend-0   shop/api-1 shop/db-0
			shop/frontend-1   X  .  X

			kube-system/coredns-0 . X X
		`},
		{name: "wrong cells", port: "5432", table: `
			-               shop/api-0 shop/db-0
			shop/api-0      .          X
			shop/frontend-0 X          .
			shop/db-0       X          .
		`, want: []string{
			"truth table on TCP/5432: 2 of 6 cells differ:\n" +
				"  shop/api-0 → shop/db-0: want X, got .\n" +
				"    " + apiToDB + "\n" +
				"  shop/frontend-0 → shop/db-0: want ., got X\n" +
				"    " + frontendToDB + "\n" +
				"(-want +got):\n" +
				"    -               shop/api-0 shop/db-0\n" +
				"  - shop/api-0      .          X\n" +
				"  + shop/api-0      .          .\n" +
				"  - shop/frontend-0 X          .\n" +
				"  + shop/frontend-0 X          X\n" +
				"    shop/db-0       X          .",
		}},
		{name: "one wrong cell", port: "53/UDP", table: `
			- kube-system/coredns-0
			shop/db-0 X
		`, want: []string{
			"truth table on UDP/53: 1 of 1 cell differs:\n" +
				"  shop/db-0 → kube-system/coredns-0: want X, got .\n" +
				"    allowed: shop/db-0 → kube-system/coredns-0 on UDP/53: egress allowed by shop/allow-dns egress[0]; kube-system/coredns-0 is not isolated for ingress\n" +
				"(-want +got):\n" +
				"    -         kube-system/coredns-0\n" +
				"  - shop/db-0 X\n" +
				"  + shop/db-0 .",
		}},
		{name: "header without dash", port: "5432", table: "shop/db-0\nshop/db-0 .", fatal: true, want: []string{
			`simtest: truth table: line 1: the header row must start with "-", then name the destination pods`,
		}},
		{name: "empty", port: "5432", table: "\n  \n", fatal: true, want: []string{
			`simtest: truth table: empty table: want a header row starting with "-"`,
		}},
		{name: "no rows", port: "5432", table: "- shop/db-0\n", fatal: true, want: []string{
			"simtest: truth table: no rows after the header",
		}},
		{name: "unknown pod", port: "5432", table: "- shop/db-0\nshop/db-1 .", fatal: true, want: []string{
			"simtest: truth table: line 2: no pod shop/db-1 in the model",
		}},
		{name: "not a pod", port: "5432", table: "- shop/app=db\n", fatal: true, want: []string{
			`simtest: truth table: line 1: no pod shop/app=db in the model`,
		}},
		{name: "too few cells", port: "5432", table: "- shop/db-0 shop/api-0\n\nshop/db-0 .", fatal: true, want: []string{
			"simtest: truth table: line 3: shop/db-0 has 1 cells, want 2 (one per pod of the header)",
		}},
		{name: "bad cell", port: "5432", table: "- shop/db-0\nshop/db-0 x", fatal: true, want: []string{
			`simtest: truth table: line 2: cell "x" for shop/db-0 → shop/db-0: want . (allowed) or X (denied)`,
		}},
		{name: "row twice", port: "5432", table: "- shop/db-0\nshop/db-0 .\nshop/db-0 .", fatal: true, want: []string{
			"simtest: truth table: line 3: pod shop/db-0 has a second row",
		}},
		{name: "column twice", port: "5432", table: "- shop/db-0 shop/db-0\nshop/db-0 . .", fatal: true, want: []string{
			"simtest: truth table: line 1: pod shop/db-0 is named twice",
		}},
		{name: "bad port", port: "80/icmp", table: shop5432, fatal: true, want: []string{
			`simulate: port "80/icmp": unknown protocol "icmp" (want TCP, UDP or SCTP)`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ft := run(t, func(tb testing.TB) { simtest.TruthTable(tb, m, c.port, c.table) })
			ft.check(t, c.fatal, c.want...)
		})
	}
}

// shopGolden is the golden file of the shop.
const shopGolden = `kube-system/coredns-0 → shop/frontend-0: TCP/8080
kube-system/coredns-0 → shop/frontend-1: TCP/8080
shop/api-0 → kube-system/coredns-0: TCP/53,UDP/53
shop/api-0 → shop/db-0: TCP/5432
shop/api-1 → kube-system/coredns-0: TCP/53,UDP/53
shop/api-1 → shop/db-0: TCP/5432
shop/db-0 → kube-system/coredns-0: TCP/53,UDP/53
shop/frontend-0 → kube-system/coredns-0: TCP/53,UDP/53
shop/frontend-0 → shop/api-0: TCP/9090
shop/frontend-0 → shop/api-1: TCP/9090
shop/frontend-1 → kube-system/coredns-0: TCP/53,UDP/53
shop/frontend-1 → shop/api-0: TCP/9090
shop/frontend-1 → shop/api-1: TCP/9090
`

// update is this test package's own -update flag: simtest must not define
// one (that would panic here with "flag redefined"), and Update must read it.
var update = flag.Bool("update", false, "a flag of the tests that import simtest")

// setUpdate sets SIMTEST_UPDATE for the rest of the test.
func setUpdate(t *testing.T, on bool) {
	t.Helper()
	t.Setenv(simtest.UpdateEnv, map[bool]string{true: "1", false: "0"}[on])
}

func TestGolden(t *testing.T) {
	m := shopModel(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "testdata", "shop.golden")

	// Missing file: stop, and say how to create it.
	ft := run(t, func(tb testing.TB) { simtest.Golden(tb, m, path) })
	ft.check(t, true, "simtest: open "+path+": no such file or directory (set SIMTEST_UPDATE=1 to create it)")

	// SIMTEST_UPDATE=1 writes the file, directory included.
	setUpdate(t, true)
	if !simtest.Update() {
		t.Fatal("Update() = false with SIMTEST_UPDATE=1")
	}
	ft = run(t, func(tb testing.TB) { simtest.Golden(tb, m, path) })
	ft.check(t, false)
	if len(ft.logs) != 1 || ft.logs[0] != "simtest: wrote "+path {
		t.Errorf("logs = %q", ft.logs)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != shopGolden {
		t.Errorf("golden file:\n%s\nwant:\n%s", got, shopGolden)
	}
	setUpdate(t, false)

	// The file matches, also with CRLF line ends.
	ft = run(t, func(tb testing.TB) { simtest.Golden(tb, m, path) })
	ft.check(t, false)
	crlf := filepath.Join(dir, "crlf.golden")
	if err := os.WriteFile(crlf, []byte(strings.ReplaceAll(shopGolden, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	ft = run(t, func(tb testing.TB) { simtest.Golden(tb, m, crlf) })
	ft.check(t, false)

	// A different matrix: a pair whose ports changed, one gone, one new.
	stale := filepath.Join(dir, "stale.golden")
	old := strings.ReplaceAll(shopGolden, "shop/api-0 → shop/db-0: TCP/5432\n", "shop/api-0 → shop/db-0: TCP/5432-5433\n")
	old = strings.ReplaceAll(old, "shop/api-1 → shop/db-0: TCP/5432\n", "")
	old += "shop/frontend-1 → shop/db-0: TCP/5432\n"
	if err := os.WriteFile(stale, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	ft = run(t, func(tb testing.TB) { simtest.Golden(tb, m, stale) })
	ft.check(t, false, stale+": the allow matrix differs (-want +got):\n"+
		"  - shop/api-0 → shop/db-0: TCP/5432-5433\n"+
		"  + shop/api-0 → shop/db-0: TCP/5432\n"+
		"  + shop/api-1 → shop/db-0: TCP/5432\n"+
		"  - shop/frontend-1 → shop/db-0: TCP/5432\n"+
		"set SIMTEST_UPDATE=1 to accept the new matrix")
}

func TestUpdateFlag(t *testing.T) {
	// Without SIMTEST_UPDATE, the caller's own -update decides.
	t.Setenv(simtest.UpdateEnv, "")
	os.Unsetenv(simtest.UpdateEnv)
	old := *update
	t.Cleanup(func() { *update = old })
	for _, on := range []bool{false, true} {
		*update = on
		if got := simtest.Update(); got != on {
			t.Errorf("Update() = %v with the caller's -update=%v", got, on)
		}
	}
	// SIMTEST_UPDATE wins over the flag.
	*update = true
	t.Setenv(simtest.UpdateEnv, "false")
	if simtest.Update() {
		t.Error("Update() = true with SIMTEST_UPDATE=false")
	}
}
