package conformance_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/simulate"
)

// truth is an expected (or observed) reachability table over the pods of
// the model: allowed[i][j] says whether podIDs[i] may open a connection to
// podIDs[j]. The diagonal is never judged.
//
// Build one from a default and override it, later calls winning:
//
//	newTruth(true).col("x/a", false).set("x/b", "x/a", true)
//
// reads "everything is allowed, except that x/a admits nobody but x/b".
// Pod arguments are patterns as matchPods reads them ("x/a", "x/*", "*/b").
type truth struct {
	allowed [numPods][numPods]bool
}

// newTruth returns a table with every cell set to defaultAllowed.
func newTruth(defaultAllowed bool) *truth {
	t := &truth{}
	for i := range t.allowed {
		for j := range t.allowed[i] {
			t.allowed[i][j] = defaultAllowed
		}
	}
	return t
}

// set sets every cell from a pod matching from to a pod matching to.
func (t *truth) set(from, to string, allowed bool) *truth {
	for _, i := range matchPods(from) {
		for _, j := range matchPods(to) {
			t.allowed[i][j] = allowed
		}
	}
	return t
}

// row sets all egress of the pods matching from.
func (t *truth) row(from string, allowed bool) *truth { return t.set(from, "*/*", allowed) }

// col sets all ingress of the pods matching to.
func (t *truth) col(to string, allowed bool) *truth { return t.set("*/*", to, allowed) }

// gridRow is one line of a rendered table. It is a named type compared by
// a Comparer (rowsEqual) so that go-cmp shows a differing line whole, as
// a -want and a +got line one above the other, rather than diffing inside it.
type gridRow string

var rowsEqual = cmp.Comparer(func(a, b gridRow) bool { return a == b })

// render draws t as a grid, one row per line: a header of destination
// pods, then one line per source pod with "." for allowed, "X" for denied
// and "-" on the diagonal, which is not judged.
func (t *truth) render() []gridRow {
	lines := make([]gridRow, 0, numPods+1)
	var b strings.Builder
	b.WriteString("from\\to")
	for _, id := range podIDs {
		b.WriteString(" " + id)
	}
	lines = append(lines, gridRow(b.String()))
	for i, id := range podIDs {
		b.Reset()
		fmt.Fprintf(&b, "%-7s", id)
		for j := range podIDs {
			cell := "X"
			switch {
			case i == j:
				cell = "-"
			case t.allowed[i][j]:
				cell = "."
			}
			fmt.Fprintf(&b, "  %s ", cell)
		}
		lines = append(lines, gridRow(strings.TrimRight(b.String(), " ")))
	}
	return lines
}

// probe is one expected table and the ports it holds for.
type probe struct {
	want  *truth
	ports []simulate.PortSpec
}

// expect says that want is the truth table of each of ports.
func expect(want *truth, ports ...simulate.PortSpec) probe {
	if len(ports) == 0 {
		panic("conformance: expect needs at least one port")
	}
	return probe{want: want, ports: ports}
}

// Ports asked about. The model serves 80 and 81 on every protocol; other
// numbers are asked about where a rule's range or a custom named port makes
// them interesting.
var (
	tcp80  = simulate.TCP(80)
	tcp81  = simulate.TCP(81)
	udp80  = simulate.UDP(80)
	udp81  = simulate.UDP(81)
	sctp80 = sctp(80)
	sctp81 = sctp(81)

	// served lists every port the model's pods serve.
	served = []simulate.PortSpec{tcp80, tcp81, udp80, udp81, sctp80, sctp81}
)

func sctp(n int32) simulate.PortSpec {
	return simulate.PortSpec{Protocol: "SCTP", Start: n, End: n}
}

// except returns the ports of all that are not in drop.
func except(all []simulate.PortSpec, drop ...simulate.PortSpec) []simulate.PortSpec {
	var out []simulate.PortSpec
	for _, p := range all {
		keep := true
		for _, d := range drop {
			keep = keep && p != d
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}

// observe asks m about every ordered pair of distinct pods on port, with
// Model.Check, and returns the table with the verdicts.
func observe(t testing.TB, m *simulate.Model, port simulate.PortSpec) (*truth, [numPods][numPods]simulate.Verdict) {
	t.Helper()
	got := newTruth(false)
	var verdicts [numPods][numPods]simulate.Verdict
	for i, from := range podIDs {
		for j, to := range podIDs {
			if i == j {
				continue
			}
			v, err := m.Check(endpoint(from), endpoint(to), port)
			if err != nil {
				t.Fatalf("Check(%s, %s, %s): %v", from, to, port, err)
			}
			got.allowed[i][j] = v.Allowed
			verdicts[i][j] = v
		}
	}
	return got, verdicts
}

func endpoint(id string) simulate.Endpoint {
	ns, name, _ := strings.Cut(id, "/")
	return simulate.Pod(ns, name)
}

// diffTables returns "" when want and got agree off the diagonal, and
// otherwise a go-cmp diff of the two grids followed by one line per
// differing cell, with the engine's explanation of its verdict.
func diffTables(want, got *truth, verdicts *[numPods][numPods]simulate.Verdict) string {
	diff := cmp.Diff(want.render(), got.render(), rowsEqual)
	if diff == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("truth table mismatch (rows: from; columns: to; \".\" allowed, \"X\" denied; -want +got):\n")
	fmt.Fprintf(&b, "          %s\n", want.render()[0])
	b.WriteString(diff)
	b.WriteString("cells that differ:\n")
	word := map[bool]string{true: "allowed", false: "denied"}
	for i := range podIDs {
		for j := range podIDs {
			if i == j || want.allowed[i][j] == got.allowed[i][j] {
				continue
			}
			fmt.Fprintf(&b, "  %s → %s: want %s, got %s", podIDs[i], podIDs[j], word[want.allowed[i][j]], word[got.allowed[i][j]])
			if verdicts != nil {
				fmt.Fprintf(&b, " (%s)", verdicts[i][j])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// assertProbes checks every port of every probe against m.
func assertProbes(t *testing.T, m *simulate.Model, probes []probe) {
	t.Helper()
	for _, p := range probes {
		for _, port := range p.ports {
			assertTable(t, m, port, p.want)
		}
	}
}

// assertTable checks the truth table of m on port against want, and checks
// that the engine's other views of the same question (Matrix.TruthTable,
// and Matrix.Ports for numeric ports) agree with Check.
func assertTable(t *testing.T, m *simulate.Model, port simulate.PortSpec, want *truth) {
	t.Helper()
	got, verdicts := observe(t, m, port)
	if d := diffTables(want, got, &verdicts); d != "" {
		t.Errorf("%s: %s", port, d)
	}
	if d := crossCheck(m, port, got); d != "" {
		t.Errorf("%s: the engine's views disagree: %s", port, d)
	}
}

// crossCheck compares the table got (from Model.Check) with what
// Matrix.TruthTable prints and, for a numeric port, with Matrix.Ports.
func crossCheck(m *simulate.Model, port simulate.PortSpec, got *truth) string {
	mx := m.Matrix()
	text, err := mx.TruthTable(port)
	if err != nil {
		return fmt.Sprintf("Matrix.TruthTable: %v", err)
	}
	printed, err := parseTruthTable(text)
	if err != nil {
		return fmt.Sprintf("Matrix.TruthTable: %v\n%s", err, text)
	}
	if d := diffTables(got, printed, nil); d != "" {
		return "Matrix.TruthTable (+) differs from Check (-): " + d
	}
	if port.Name != "" {
		return ""
	}
	viaPorts := newTruth(false)
	for i, from := range podIDs {
		for j, to := range podIDs {
			ps := mustPorts(mx.Ports(pid(from), pid(to)))
			ok := true
			for n := port.Start; n <= port.End; n++ {
				ok = ok && ps.Contains(port.Protocol, n)
			}
			viaPorts.allowed[i][j] = ok
		}
	}
	if d := diffTables(got, viaPorts, nil); d != "" {
		return "Matrix.Ports (+) differs from Check (-): " + d
	}
	return ""
}

func pid(id string) simulate.PodID {
	ns, name, _ := strings.Cut(id, "/")
	return simulate.PodID{Namespace: ns, Name: name}
}

// parseTruthTable reads the output of Matrix.TruthTable for the pods of the
// model: a tab-separated header of destinations, then one line per source.
func parseTruthTable(text string) (*truth, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != numPods+1 {
		return nil, fmt.Errorf("want %d lines, got %d", numPods+1, len(lines))
	}
	header := strings.Split(lines[0], "\t")
	if len(header) != numPods+1 {
		return nil, fmt.Errorf("header: want %d columns, got %d", numPods+1, len(header))
	}
	for j, id := range podIDs {
		if header[j+1] != id {
			return nil, fmt.Errorf("header column %d: want %s, got %s", j+1, id, header[j+1])
		}
	}
	out := newTruth(false)
	for i, id := range podIDs {
		cells := strings.Split(lines[i+1], "\t")
		if len(cells) != numPods+1 || cells[0] != id {
			return nil, fmt.Errorf("line %d: want %d cells starting with %s, got %q", i+2, numPods+1, id, lines[i+1])
		}
		for j, c := range cells[1:] {
			switch c {
			case ".":
				out.allowed[i][j] = true
			case "X":
			default:
				return nil, fmt.Errorf("line %d: cell %q is neither \".\" nor \"X\"", i+2, c)
			}
		}
	}
	return out, nil
}

// TestTruthHelper checks the expectation helper itself: later calls win,
// rows and columns are a pod's egress and ingress, patterns expand, the
// diagonal is never reported, and a difference is shown cell by cell.
func TestTruthHelper(t *testing.T) {
	tt := newTruth(true).col("x/a", false).set("x/b", "x/a", true).row("z/*", false)
	for i, from := range podIDs {
		for j, to := range podIDs {
			if i == j {
				continue
			}
			want := true
			switch {
			case from[0] == 'z':
				want = false
			case to == "x/a":
				want = from == "x/b"
			}
			if tt.allowed[i][j] != want {
				t.Errorf("%s → %s: got %v, want %v", from, to, tt.allowed[i][j], want)
			}
		}
	}

	wantGrid := []gridRow{
		`from\to x/a x/b x/c y/a y/b y/c z/a z/b z/c`,
		"x/a      -   .   .   .   .   .   .   .   .",
		"x/b      .   -   .   .   .   .   .   .   .",
		"x/c      X   .   -   .   .   .   .   .   .",
		"y/a      X   .   .   -   .   .   .   .   .",
		"y/b      X   .   .   .   -   .   .   .   .",
		"y/c      X   .   .   .   .   -   .   .   .",
		"z/a      X   X   X   X   X   X   -   X   X",
		"z/b      X   X   X   X   X   X   X   -   X",
		"z/c      X   X   X   X   X   X   X   X   -",
	}
	if d := cmp.Diff(wantGrid, tt.render(), rowsEqual); d != "" {
		t.Errorf("render (-want +got):\n%s", d)
	}

	// The diagonal is not judged.
	if d := diffTables(newTruth(true), newTruth(true).set("y/b", "y/b", false), nil); d != "" {
		t.Errorf("a difference on the diagonal was reported:\n%s", d)
	}
	d := diffTables(newTruth(true), newTruth(true).set("y/b", "x/c", false), nil)
	for _, s := range []string{"y/b → x/c: want allowed, got denied", "-", "+"} {
		if !strings.Contains(d, s) {
			t.Errorf("diff does not mention %q:\n%s", s, d)
		}
	}
	if n := strings.Count(d, "→"); n != 1 {
		t.Errorf("diff lists %d cells, want 1:\n%s", n, d)
	}
}
