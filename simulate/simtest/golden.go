package simtest

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/simulate"
)

// UpdateEnv is the environment variable that makes [Golden] rewrite its
// files: SIMTEST_UPDATE=1 go test ./...
const UpdateEnv = "SIMTEST_UPDATE"

// Update reports whether [Golden] rewrites its files instead of comparing:
// when the environment variable SIMTEST_UPDATE is true (1, t, true, ...), or
// when the test binary has a boolean flag named update, defined by the
// caller's own tests, and it is set (go test -update).
//
// simtest defines no flag of its own, so it never collides with one of the
// tests that import it.
func Update() bool {
	if v, ok := os.LookupEnv(UpdateEnv); ok {
		b, _ := strconv.ParseBool(v)
		return b
	}
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if b, ok := g.Get().(bool); ok {
			return b
		}
	}
	b, _ := strconv.ParseBool(f.Value.String())
	return b
}

// matrixText renders the whole allow matrix of m as Golden stores it.
func matrixText(m *simulate.Model) string {
	var b strings.Builder
	for p := range m.Matrix().All() {
		fmt.Fprintf(&b, "%s → %s: %s\n", p.From, p.To, p.Ports)
	}
	return b.String()
}

// Golden asserts that the allow matrix of m is the content of the file at
// path (by convention testdata/NAME.golden,
// relative to the test's package directory). When [Update] says so
// (SIMTEST_UPDATE=1 go test), Golden writes the file instead, creating its
// directory if needed, and the test passes.
//
// The file holds one line per ordered pair of distinct pods with at least
// one allowed port, "from → to: ports" (ports as [simulate.PortSet.String]
// renders them), sorted by source and then destination, namespace first; a
// pair that is not listed has nothing allowed:
//
//	shop/api-0 → shop/db-0: TCP/5432
//	shop/frontend-0 → shop/api-0: TCP/9090
//
// The failure lists the lines that differ, one pair a line, sorted, the
// file's with "-" and the model's with "+":
//
//	testdata/shop.golden: the allow matrix differs (-want +got):
//	  - shop/api-0 → shop/db-0: TCP/5432
//	  + shop/api-0 → shop/db-0: TCP/5432-5433
//	set SIMTEST_UPDATE=1 to accept the new matrix
//
// A file that cannot be read stops the test.
func Golden(t testing.TB, m *simulate.Model, path string) {
	t.Helper()
	got := matrixText(m)
	if Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("simtest: %v", err)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("simtest: %v", err)
			return
		}
		t.Logf("simtest: wrote %s", path)
		return
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("simtest: %v (set SIMTEST_UPDATE=1 to create it)", err)
		return
	}
	if err != nil {
		t.Fatalf("simtest: %v", err)
		return
	}
	want := strings.ReplaceAll(string(data), "\r\n", "\n")
	if want == got {
		return
	}
	wantLines, gotLines := lines(want), lines(got)
	type change struct{ sign, line string }
	var changes []change
	for _, l := range wantLines.order {
		if !gotLines.has[l] {
			changes = append(changes, change{"-", l})
		}
	}
	for _, l := range gotLines.order {
		if !wantLines.has[l] {
			changes = append(changes, change{"+", l})
		}
	}
	if len(changes) == 0 {
		return // the same lines, differing only in blank lines
	}
	// Sort by pair, then the file's line before the model's, so that a pair
	// whose ports changed shows as two neighbouring lines.
	pair := func(l string) string { p, _, _ := strings.Cut(l, ": "); return p }
	slices.SortStableFunc(changes, func(a, b change) int {
		if c := strings.Compare(pair(a.line), pair(b.line)); c != 0 {
			return c
		}
		return strings.Compare(b.sign, a.sign) // "-" before "+"
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the allow matrix differs (-want +got):\n", path)
	for _, c := range changes {
		fmt.Fprintf(&b, "  %s %s\n", c.sign, c.line)
	}
	b.WriteString("set SIMTEST_UPDATE=1 to accept the new matrix")
	t.Error(b.String())
}

// lineSet is the non-blank lines of a text, in order, and as a set.
type lineSet struct {
	order []string
	has   map[string]bool
}

func lines(s string) lineSet {
	ls := lineSet{has: map[string]bool{}}
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" && !ls.has[l] {
			ls.order = append(ls.order, l)
			ls.has[l] = true
		}
	}
	return ls
}
