package cli

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reportFile runs report on args and returns the page it wrote.
func reportFile(t *testing.T, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	stdout, stderr, code := run(t, "", append([]string{"report", "-o", out}, args...)...)
	if code != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	if stdout != "" || stderr != "" {
		t.Errorf("stdout %q, stderr %q: want both empty (progress only on a terminal)", stdout, stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

var (
	heatRowRE  = regexp.MustCompile(`(?s)<tr data-from="([^"]+)">(.*?)</tr>`)
	heatCellRE = regexp.MustCompile(`(?s)<td class="([a-z]+)" data-to="([^"]+)" data-ports="([^"]*)" title="([^"]*)"></td>`)
)

// heatCell is one cell of a report's heat map.
type heatCell struct{ level, ports, title string }

// heatCells reads the heat map of a page: from → to → cell.
func heatCells(t *testing.T, page string) map[[2]string]heatCell {
	t.Helper()
	cells := map[[2]string]heatCell{}
	for _, row := range heatRowRE.FindAllStringSubmatch(page, -1) {
		for _, c := range heatCellRE.FindAllStringSubmatch(row[2], -1) {
			cells[[2]string{html.UnescapeString(row[1]), html.UnescapeString(c[2])}] = heatCell{c[1], html.UnescapeString(c[3]), html.UnescapeString(c[4])}
		}
	}
	return cells
}

// TestReportHeatMapMatchesMatrix checks every cell of the heat map against
// matrix --group workload -o json (every member to every member), on each
// example.
func TestReportHeatMapMatchesMatrix(t *testing.T) {
	for _, dir := range []string{shop, multitenant, "../../examples/manifests/exposed-after", "../../examples/manifests/pr-after", "testdata/rollout"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			page := reportFile(t, "-f", dir)
			cells := heatCells(t, page)
			out, errOut, code := run(t, "", "matrix", "-f", dir, "--group", "workload", "-o", "json")
			if code != exitOK {
				t.Fatalf("matrix: %d %s", code, errOut)
			}
			var mx struct {
				Endpoints   []endpoint
				Connections []struct {
					From, To string
					Ports    []portJSON
				}
			}
			if err := json.Unmarshal([]byte(out), &mx); err != nil {
				t.Fatal(err)
			}
			n := len(mx.Endpoints)
			if len(cells) != n*n {
				t.Fatalf("%d cells, want %d (%d workloads squared)", len(cells), n*n, n)
			}
			if !strings.Contains(page, `data-cells="`+itoa(n*n)+`"`) {
				t.Errorf("the heat map does not say it has %d cells", n*n)
			}
			allowed := map[[2]string]bool{}
			for _, c := range mx.Connections {
				key := [2]string{c.From, c.To}
				allowed[key] = true
				cell, ok := cells[key]
				if !ok {
					t.Errorf("no cell %s → %s", c.From, c.To)
					continue
				}
				var ports []string
				for _, p := range c.Ports {
					s := p.Protocol + "/" + itoa(int(p.Start))
					if p.End != p.Start {
						s += "-" + itoa(int(p.End))
					}
					ports = append(ports, s)
				}
				want := strings.Join(ports, ",")
				if want == "TCP/1-65535,UDP/1-65535,SCTP/1-65535" {
					want = "all"
				}
				if cell.ports != want {
					t.Errorf("%s → %s: ports %q, want %q", c.From, c.To, cell.ports, want)
				}
				wantLevel := "ports"
				if want == "all" {
					wantLevel = "all"
				}
				if cell.level != wantLevel {
					t.Errorf("%s → %s: level %s, want %s", c.From, c.To, cell.level, wantLevel)
				}
				if !strings.Contains(cell.title, "ports: "+want) || !strings.Contains(cell.title, "egress") || !strings.Contains(cell.title, "ingress") {
					t.Errorf("%s → %s: title %q does not show the ports and both sides' decision", c.From, c.To, cell.title)
				}
			}
			partial := 0
			for key, cell := range cells {
				switch {
				case key[0] == key[1]:
					if cell.level != "self" {
						t.Errorf("%s → itself: level %s, want self", key[0], cell.level)
					}
				case !allowed[key] && cell.level != "none" && cell.level != "partial":
					t.Errorf("%s → %s: level %s, but matrix allows nothing from every member", key[0], key[1], cell.level)
				case !allowed[key] && cell.ports != "none":
					t.Errorf("%s → %s: ports %q, but matrix allows nothing from every member", key[0], key[1], cell.ports)
				}
				if cell.level == "partial" {
					partial++
					if !strings.Contains(cell.title, "every member to every member: none\nsome member to some member: ") {
						t.Errorf("%s → %s: partial, but the title does not say so: %q", key[0], key[1], cell.title)
					}
				}
			}
			if filepath.Base(dir) == "rollout" && partial == 0 {
				t.Error("the rollout (old and new pods of one Deployment) has no partial cell")
			}
		})
	}
}

// TestReportShop checks the sections of the shop example's page, and the
// deciding rules a cell names.
func TestReportShop(t *testing.T) {
	page := reportFile(t, "-f", shop)
	cells := heatCells(t, page)
	front := cells[[2]string{"shop/frontend", "shop/api"}]
	for _, want := range []string{"shop/frontend → shop/api", "ports: TCP/9090", "egress allowed by shop/frontend egress[0]", "ingress allowed by shop/api ingress[0]"} {
		if !strings.Contains(front.title, want) {
			t.Errorf("frontend → api: title %q lacks %q", front.title, want)
		}
	}
	denied := cells[[2]string{"shop/frontend", "shop/db"}]
	if denied.level != "none" || !strings.Contains(denied.title, "nothing allowed") || !strings.Contains(denied.title, "ingress of shop/db-0: isolated by shop/db, shop/default-deny") ||
		!strings.Contains(denied.title, "egress of shop/frontend-0: isolated by shop/allow-dns, shop/default-deny, shop/frontend") || strings.Contains(denied.title, "egress of shop/db-0") {
		t.Errorf("frontend → db: %+v, want nothing allowed and db's isolating policies", denied)
	}
	for _, want := range []string{
		`<td class="sev-warning">warning</td><td><code>no-default-deny-ingress</code></td>`,
		`<code>../../examples/manifests/shop/namespace.yaml:8</code>`,
		`<tr><td>shop/frontend-0</td><td>in</td><td>Direct</td><td>TCP/8080</td><td>any address</td>`,
		`<g class="node node-isolated" data-id="shop/db">`,
		`<g class="node node-open" data-id="kube-system/coredns">`,
		`<g class="node node-outside">`,
		`<title>shop/frontend → shop/api: TCP/9090</title>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	checkSelfContained(t, page)
}

// checkSelfContained fails if the page would fetch anything.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	fetch := regexp.MustCompile(`(?i)(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*(?:https?:|//|ftp:)|url\(\s*["']?\s*(?:https?:|//)|@import|<link\b|<iframe\b|<object\b|<embed\b|\bfetch\(|XMLHttpRequest|WebSocket|EventSource`)
	if m := fetch.FindString(page); m != "" {
		t.Errorf("the page may fetch something: %q", m)
	}
	if !strings.Contains(page, `content="default-src 'none';`) {
		t.Error("the page has no Content-Security-Policy forbidding fetches")
	}
}

func TestReportDeterministic(t *testing.T) {
	a := reportFile(t, "-f", multitenant)
	b := reportFile(t, "-f", multitenant)
	if a != b {
		t.Error("two reports of the same input differ")
	}
}

func TestReportHelp(t *testing.T) {
	runGoldens(t, []goldenCase{{"report-help.txt", []string{"report", "--help"}, 0}})
}

func TestReportStdoutAndErrors(t *testing.T) {
	out, errOut, code := run(t, "", "report", "-f", shop, "-o", "-", "--title", "<shop & co>")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "<title>&lt;shop &amp; co&gt;</title>") {
		t.Errorf("-o - with --title: page starts %.200q", out)
	}
	runErrors(t, []errorCase{
		{"no output", []string{"report", "-f", shop}, "netpolsim report: no output file: give -o FILE (- for stdout)"},
		{"output is input", []string{"report", "-f", shop, "-o", shop}, "netpolsim report: -o " + shop + " is also an input"},
		{"no such dir", []string{"report", "-f", shop, "-o", "testdata/no/such/dir/r.html"}, "netpolsim report: open testdata/no/such/dir/"},
		{"bad input", []string{"report", "-f", "testdata/no-such-file.yaml", "-o", "-"}, "no-such-file.yaml"},
	})
	// A failed run leaves no file behind, and an old page stays whole.
	dir := t.TempDir()
	old := filepath.Join(dir, "r.html")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, code := run(t, "", "report", "-f", "testdata/no-such-file.yaml", "-o", old); code != exitError {
		t.Errorf("exit %d", code)
	}
	if b, _ := os.ReadFile(old); string(b) != "old" {
		t.Errorf("a failed run changed the old page: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("a failed run left files: %v", ents)
	}
}

// TestReportByNamespace: past maxHeatCells the heat map has one row and
// column per namespace, each cell the union of what the workload pairs
// between them allow (some member to some member), checked against
// matrix --group workload... with AnyMember semantics from graph edges.
func TestReportByNamespace(t *testing.T) {
	defer func(n int) { maxHeatCells = n }(maxHeatCells)
	maxHeatCells = 4 // fewer than the workloads of the examples squared
	for _, dir := range []string{shop, multitenant, "../../examples/manifests/exposed-after"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			page := reportFile(t, "-f", dir)
			if !strings.Contains(page, `id="heat-by-namespace"`) {
				t.Fatal("the page does not say the map is by namespace")
			}
			cells := heatCells(t, page)
			// The expected cells, from the workload map of the same input.
			maxHeatCells = 1 << 30
			full := heatCells(t, reportFile(t, "-f", dir))
			maxHeatCells = 4
			want := map[[2]string]map[string]bool{}
			pairs := map[[2]string]int{}
			nsOf := func(id string) string { ns, _, _ := strings.Cut(id, "/"); return ns }
			for k, c := range full {
				key := [2]string{nsOf(k[0]), nsOf(k[1])}
				if want[key] == nil {
					want[key] = map[string]bool{}
				}
				if c.level != "none" && c.level != "self" {
					pairs[key]++
				}
			}
			if len(cells) != len(want) {
				t.Fatalf("%d cells, want %d (namespaces squared)", len(cells), len(want))
			}
			for key := range want {
				c, ok := cells[key]
				if !ok {
					t.Errorf("no cell %s → %s", key[0], key[1])
					continue
				}
				if (pairs[key] == 0) != (c.level == "none") {
					t.Errorf("%s → %s: level %s, but %d workload pairs allow something", key[0], key[1], c.level, pairs[key])
				}
				if pairs[key] > 0 && !strings.Contains(c.title, itoa(pairs[key])+" of ") {
					t.Errorf("%s → %s: title %q does not count %d pairs", key[0], key[1], c.title, pairs[key])
				}
			}
		})
	}
}

// TestReportFindingFieldLine: a finding about a field names that field's
// line, not its object's (the report keeps the input's text for it).
func TestReportFindingFieldLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.yaml")
	const in = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: nobody
  namespace: shop
spec:
  policyTypes: [Ingress]
  podSelector:
    matchLabels: {app: nosuchapp}
`
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	page := reportFile(t, "-f", file)
	if want := "<code>" + file + ":13</code>"; !strings.Contains(page, want) {
		t.Errorf("the page lacks %s, the line of spec.podSelector", want)
	}
}
