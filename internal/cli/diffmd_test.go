package cli

import (
	"strconv"
	"strings"
	"testing"
)

func TestDiffMarkdownGolden(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"diff-pr-limit2.md", []string{"diff", prBefore, prAfter, "-o", "md", "--limit", "2"}, 1},
		{"diff-pr-workload.md", []string{"diff", prBefore, prAfter, "-o", "md", "--group", "workload"}, 1},
		{"diff-shop-multitenant-limit1.md", []string{"diff", shop, multitenant, "-o", "md", "--limit", "1"}, 1},
	})
	runErrors(t, []errorCase{
		{"negative limit", []string{"diff", prBefore, prAfter, "-o", "md", "--limit", "-1"}, "netpolsim diff: --limit -1: want a number of rows, 0 for no limit"},
	})
}

// TestDiffMarkdownShape checks what a pull-request comment needs: each
// section's heading counts all its rows while the table shows at most the
// limit, and the rest is counted.
func TestDiffMarkdownShape(t *testing.T) {
	for _, limit := range []string{"0", "1", "4", "50"} {
		out, _, code := run(t, "", "diff", prBefore, prAfter, "-o", "md", "--limit", limit)
		if code != exitDifferent {
			t.Fatalf("--limit %s: exit status %d", limit, code)
		}
		n := map[string]int{"0": 1 << 30, "1": 1, "4": 4, "50": 50}[limit]
		for _, sec := range []struct {
			heading string
			total   int
		}{{"#### Connections added (2)", 2}, {"#### Connections removed (2)", 2}, {"#### Connections changed (5)", 5}, {"#### Endpoints only in NEW (1)", 1}} {
			_, body, ok := strings.Cut(out, sec.heading+"\n")
			if !ok {
				t.Fatalf("--limit %s: no section %q in\n%s", limit, sec.heading, out)
			}
			body, _, _ = strings.Cut(body, "####")
			rows := strings.Count(body, "\n| `") + strings.Count(body, "\n- `")
			if want := min(sec.total, n); rows != want {
				t.Errorf("--limit %s, %s: %d rows, want %d", limit, sec.heading, rows, want)
			}
			more := sec.total - min(sec.total, n)
			if has := strings.Contains(body, "… and "); has != (more > 0) {
				t.Errorf("--limit %s, %s: says %v that rows are left out, %d are", limit, sec.heading, has, more)
			}
			if more > 0 && !strings.Contains(body, "… and "+itoa(more)+" more") {
				t.Errorf("--limit %s, %s: does not count the %d rows left out:\n%s", limit, sec.heading, more, body)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestMarkdownEscaping(t *testing.T) {
	for _, c := range []struct{ in, cell, code string }{
		{"shop/db-0", "shop/db-0", "`shop/db-0`"},
		{"a|b", `a\|b`, "`a\\|b`"},
		{"a\nb", "a b", "`a b`"},
		{"a`b", "a`b", "`` a`b ``"},
		{`a\|`, `a\\\|`, "`a\\\\\\|`"},
	} {
		if got := mdCell(c.in); got != c.cell {
			t.Errorf("mdCell(%q) = %q, want %q", c.in, got, c.cell)
		}
		if got := mdCode(c.in); got != c.code {
			t.Errorf("mdCode(%q) = %q, want %q", c.in, got, c.code)
		}
	}
}
