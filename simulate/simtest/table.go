package simtest

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/netpolsim/netpolsim/simulate"
)

// TruthTable asserts the verdicts between pods on one port, written as the
// truth table that [simulate.Matrix.TruthTable] and the upstream e2e tests
// print: a header row starting with "-" that names the destination pods,
// then one row per source pod, with "." where the connection is allowed and
// "X" where it is denied. Columns are separated by any run of spaces or
// tabs, and blank lines are ignored, so the table may be indented in a raw
// string literal:
//
//	simtest.TruthTable(t, m, "5432", `
//		-               shop/api-0 shop/db-0
//		shop/api-0      .          .
//		shop/frontend-0 X          X
//	`)
//
// The rows and the columns may be any pods of the model, in any order; only
// the cells written are compared. A named port is resolved per destination
// pod. The failure lists each differing cell with the explanation of its
// verdict, then the two tables, row by row (-want +got):
//
//	truth table on TCP/5432: 1 of 4 cells differs:
//	  shop/frontend-0 → shop/db-0: want ., got X
//	    denied: shop/frontend-0 is isolated for egress by ...
//	(-want +got):
//	    -               shop/api-0 shop/db-0
//	    shop/api-0      .          .
//	  - shop/frontend-0 X          .
//	  + shop/frontend-0 X          X
//
// A table that is malformed, or names a pod the model does not have, stops
// the test.
func TruthTable(t testing.TB, m *simulate.Model, port, want string) {
	t.Helper()
	spec, err := simulate.ParsePortSpec(port)
	if err != nil {
		t.Fatal(err)
		return
	}
	cols, rows, cells, err := parseTable(m, want)
	if err != nil {
		t.Fatalf("simtest: truth table: %v", err)
		return
	}
	got := make([][]simulate.Verdict, len(rows))
	var diffs []string
	for i, r := range rows {
		got[i] = make([]simulate.Verdict, len(cols))
		for j, c := range cols {
			v, err := m.Check(simulate.Pod(r.Namespace, r.Name), simulate.Pod(c.Namespace, c.Name), spec)
			if err != nil {
				t.Fatal(err)
				return
			}
			got[i][j] = v
			if v.Allowed != cells[i][j] {
				diffs = append(diffs, fmt.Sprintf("%s → %s: want %s, got %s\n    %s", r, c, mark(cells[i][j]), mark(v.Allowed), v))
			}
		}
	}
	if len(diffs) == 0 {
		return
	}
	var b strings.Builder
	total := len(rows) * len(cols)
	verb := "cells differ"
	if len(diffs) == 1 {
		verb = "cell differs"
	}
	fmt.Fprintf(&b, "truth table on %s: %d of %d %s:\n", spec, len(diffs), total, verb)
	for _, d := range diffs {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	b.WriteString("(-want +got):\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 1, ' ', 0)
	fmt.Fprint(tw, "    -")
	for _, c := range cols {
		fmt.Fprintf(tw, "\t%s", c)
	}
	fmt.Fprintln(tw)
	row := func(prefix string, r simulate.PodID, cell func(j int) bool) {
		fmt.Fprintf(tw, "%s%s", prefix, r)
		for j := range cols {
			fmt.Fprintf(tw, "\t%s", mark(cell(j)))
		}
		fmt.Fprintln(tw)
	}
	for i, r := range rows {
		same := true
		for j := range cols {
			same = same && got[i][j].Allowed == cells[i][j]
		}
		if same {
			row("    ", r, func(j int) bool { return cells[i][j] })
			continue
		}
		row("  - ", r, func(j int) bool { return cells[i][j] })
		row("  + ", r, func(j int) bool { return got[i][j].Allowed })
	}
	tw.Flush()
	t.Error(strings.TrimSuffix(b.String(), "\n"))
}

func mark(allowed bool) string {
	if allowed {
		return "."
	}
	return "X"
}

// parseTable reads a truth table: the destination pods of the header, the
// source pods of the rows, and each row's cells (true for ".").
func parseTable(m *simulate.Model, text string) (cols, rows []simulate.PodID, cells [][]bool, err error) {
	known := map[simulate.PodID]bool{}
	for _, p := range m.Pods() {
		known[p] = true
	}
	pod := func(line int, s string) (simulate.PodID, error) {
		ns, name, ok := strings.Cut(s, "/")
		if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			return simulate.PodID{}, fmt.Errorf("line %d: %q: want NAMESPACE/POD", line, s)
		}
		id := simulate.PodID{Namespace: ns, Name: name}
		if !known[id] {
			return id, fmt.Errorf("line %d: no pod %s in the model", line, id)
		}
		return id, nil
	}
	header := true
	seenRow := map[simulate.PodID]bool{}
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if header {
			header = false
			if fields[0] != "-" {
				return nil, nil, nil, fmt.Errorf("line %d: the header row must start with \"-\", then name the destination pods", n)
			}
			if len(fields) == 1 {
				return nil, nil, nil, fmt.Errorf("line %d: the header row names no pod", n)
			}
			seen := map[simulate.PodID]bool{}
			for _, f := range fields[1:] {
				id, err := pod(n, f)
				if err != nil {
					return nil, nil, nil, err
				}
				if seen[id] {
					return nil, nil, nil, fmt.Errorf("line %d: pod %s is named twice", n, id)
				}
				seen[id] = true
				cols = append(cols, id)
			}
			continue
		}
		id, err := pod(n, fields[0])
		if err != nil {
			return nil, nil, nil, err
		}
		if seenRow[id] {
			return nil, nil, nil, fmt.Errorf("line %d: pod %s has a second row", n, id)
		}
		seenRow[id] = true
		if len(fields)-1 != len(cols) {
			return nil, nil, nil, fmt.Errorf("line %d: %s has %d cells, want %d (one per pod of the header)", n, id, len(fields)-1, len(cols))
		}
		row := make([]bool, len(cols))
		for j, f := range fields[1:] {
			switch f {
			case ".":
				row[j] = true
			case "X":
			default:
				return nil, nil, nil, fmt.Errorf("line %d: cell %q for %s → %s: want . (allowed) or X (denied)", n, f, id, cols[j])
			}
		}
		rows = append(rows, id)
		cells = append(cells, row)
	}
	if header {
		return nil, nil, nil, fmt.Errorf("empty table: want a header row starting with \"-\"")
	}
	if len(rows) == 0 {
		return nil, nil, nil, fmt.Errorf("no rows after the header")
	}
	return cols, rows, cells, nil
}
