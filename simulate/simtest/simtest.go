package simtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// Load loads the manifests at paths (files and directories, as
// [manifest.LoadPaths] reads them) and compiles them with the engine's
// default options. It stops the test with the loader's or the compiler's
// error, which names every problem found. Objects of kinds that are not
// simulated are logged with t.Log.
//
// To compile with other options (say [simulate.IPBlockMatchesPods](false)
// for a CNI that does not match pod IPs with ipBlocks), call
// manifest.LoadPaths and simulate.Compile yourself.
func Load(t testing.TB, paths ...string) *simulate.Model {
	t.Helper()
	res, err := manifest.LoadPaths(paths...)
	if err != nil {
		t.Fatal(err)
		return nil
	}
	for _, n := range res.Notices {
		t.Log(n)
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		t.Fatal(err)
		return nil
	}
	return m
}

// question is a parsed assertion: the endpoints and the port as asked.
type question struct {
	from, to simulate.Endpoint
	port     simulate.PortSpec
}

func (q question) String() string { return fmt.Sprintf("%s → %s on %s", q.from, q.to, q.port) }

// ask parses and answers a question; it stops the test when the question
// cannot be asked.
func ask(t testing.TB, m *simulate.Model, from, to, port string) (question, *simulate.Answer, bool) {
	t.Helper()
	var q question
	var err error
	if q.from, err = simulate.ParseEndpoint(from); err != nil {
		t.Fatal(err)
		return q, nil, false
	}
	if q.to, err = simulate.ParseEndpoint(to); err != nil {
		t.Fatal(err)
		return q, nil, false
	}
	if q.port, err = simulate.ParsePortSpec(port); err != nil {
		t.Fatal(err)
		return q, nil, false
	}
	a, err := m.Query(q.from, q.to, q.port)
	if err != nil {
		t.Fatal(err)
		return q, nil, false
	}
	return q, a, true
}

// self reports whether v is about a pod's traffic to itself, which no
// assertion judges.
func self(v simulate.Verdict) bool {
	from := v.Egress().Pod
	return from != simulate.PodID{} && from == v.Ingress().Pod
}

// explain renders one verdict on one line: an allowed verdict names its pair
// itself; a denied one is prefixed with its pair.
func explain(v simulate.Verdict) string {
	if v.Allowed {
		return v.String()
	}
	return fmt.Sprintf("%s → %s: %s", v.From, v.To, v)
}

// Reachable asserts that from may reach to on port: for sets of pods and
// Services, every pair of a source pod and a destination pod (a backend, on
// its target port) is allowed. The failure lists each denied pair with its
// explanation:
//
//	shop/frontend-0 → shop/db-0 on TCP/5432: want allowed, got denied: shop/db-0 is isolated for ingress by shop/db, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/5432
func Reachable(t testing.TB, m *simulate.Model, from, to, port string) {
	t.Helper()
	q, a, ok := ask(t, m, from, to, port)
	if !ok {
		return
	}
	assertAll(t, q, a, true)
}

// Unreachable asserts that from may not reach to on port: for sets of pods
// and Services, no pair of a source pod and a destination pod is allowed.
// The failure lists each allowed pair with its explanation.
func Unreachable(t testing.TB, m *simulate.Model, from, to, port string) {
	t.Helper()
	q, a, ok := ask(t, m, from, to, port)
	if !ok {
		return
	}
	assertAll(t, q, a, false)
}

// assertAll checks that every verdict of a is allowed (or, with want
// false, that none is).
func assertAll(t testing.TB, q question, a *simulate.Answer, want bool) {
	t.Helper()
	wantWord, gotWord := "allowed", "denied"
	if !want {
		wantWord, gotWord = "denied", "allowed"
	}
	var judged, bad []simulate.Verdict
	for _, v := range a.Verdicts {
		if self(v) {
			continue
		}
		judged = append(judged, v)
		if v.Allowed != want {
			bad = append(bad, v)
		}
	}
	switch {
	case len(judged) == 0:
		t.Errorf("%s: want %s, but there is no pair of pods to judge%s", q, wantWord, notes(a))
	case len(bad) == 0:
	case len(judged) == 1 && len(a.Notes) == 0:
		t.Errorf("%s: want %s, got %s", q, wantWord, bad[0])
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "%s: want %s for every pair, got %s for %d of %d pairs:", q, wantWord, gotWord, len(bad), len(judged))
		for _, v := range bad {
			b.WriteString("\n  ")
			b.WriteString(explain(v))
		}
		b.WriteString(notes(a))
		t.Error(b.String())
	}
}

// notes renders the notes of an answer one a line.
func notes(a *simulate.Answer) string {
	var b strings.Builder
	for _, n := range a.Notes {
		b.WriteString("\n  note: ")
		b.WriteString(n)
	}
	return b.String()
}

// OnlyReachableFrom asserts that to may be reached on port from every pod
// of from and from no other pod: every pair of a source pod and a
// destination pod is allowed (as [Reachable] checks it), and every other pod
// of the model is denied to every destination pod (as [Unreachable] checks
// it). A pod's traffic to itself is not counted. With no sources (from
// empty), no pod may reach to. The arguments come in the order of
// [Reachable]: sources, destination, port. The failure lists every
// offending pair with its explanation: denied pairs from the sources, then
// allowed pairs from other pods.
//
//	shop/db-0 on TCP/5432: want reachable from shop/app=api and from no other pod, got:
//	  allowed: shop/frontend-0 → shop/db-0 on TCP/5432: egress allowed by ...; ingress allowed by ...
func OnlyReachableFrom(t testing.TB, m *simulate.Model, from []string, to, port string) {
	t.Helper()
	dst, err := simulate.ParseEndpoint(to)
	if err != nil {
		t.Fatal(err)
		return
	}
	spec, err := simulate.ParsePortSpec(port)
	if err != nil {
		t.Fatal(err)
		return
	}
	var lines, names, noteLines []string
	counted := map[simulate.PodID]bool{}
	for _, s := range from {
		src, err := simulate.ParseEndpoint(s)
		if err != nil {
			t.Fatal(err)
			return
		}
		names = append(names, src.String())
		a, err := m.Query(src, dst, spec)
		if err != nil {
			t.Fatal(err)
			return
		}
		if len(a.Verdicts) == 0 {
			lines = append(lines, fmt.Sprintf("no pair of pods to judge from %s", src))
		}
		for _, n := range a.Notes {
			if n = "note: " + n; !slices.Contains(noteLines, n) {
				noteLines = append(noteLines, n)
			}
		}
		for _, v := range a.Verdicts {
			from := v.Egress().Pod
			counted[from] = true
			if !v.Allowed && !self(v) {
				lines = append(lines, explain(v))
			}
		}
	}
	judged := len(counted) > 0
	for _, p := range m.Pods() {
		if counted[p] {
			continue
		}
		a, err := m.Query(simulate.Pod(p.Namespace, p.Name), dst, spec)
		if err != nil {
			t.Fatal(err)
			return
		}
		judged = judged || len(a.Verdicts) > 0
		for _, v := range a.Verdicts {
			if v.Allowed && !self(v) {
				lines = append(lines, explain(v))
			}
		}
	}
	if !judged && len(from) == 0 {
		lines = append(lines, "no pair of pods to judge")
	}
	if len(lines) == 0 {
		return
	}
	lines = append(lines, noteLines...)
	want := "from no pod"
	if len(names) > 0 {
		want = "from " + strings.Join(names, ", ") + " and from no other pod"
	}
	t.Errorf("%s on %s: want reachable %s, got:\n  %s", dst, spec, want, strings.Join(lines, "\n  "))
}

// Direction is [simulate.Direction]: simtest names the same type.
type Direction = simulate.Direction

const (
	Ingress = simulate.Ingress // traffic the pod receives
	Egress  = simulate.Egress  // traffic the pod sends
)

// Isolated asserts that pod ("NAMESPACE/NAME") is isolated for each of the
// given directions, and for both ingress and egress when none is given. A
// pod is isolated for a direction when some NetworkPolicy of its namespace
// selects it for that direction: from then on only what a rule allows gets
// through, in that direction. Isolation says nothing about what the rules
// allow; assert that with [Reachable] and [OnlyReachableFrom].
//
// The failure is one error per direction the pod is not isolated for:
//
//	shop/db-0 is not isolated for egress: no policy selects it for egress, so it may send anything anywhere
func Isolated(t testing.TB, m *simulate.Model, pod string, dirs ...Direction) {
	t.Helper()
	ns, name, ok := strings.Cut(pod, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		t.Fatalf("simtest: Isolated: %q: want NAMESPACE/POD", pod)
		return
	}
	if len(dirs) == 0 {
		dirs = []Direction{Ingress, Egress}
	}
	id := simulate.PodID{Namespace: ns, Name: name}
	in, out, err := m.Selecting(id)
	if err != nil {
		t.Fatal(err)
		return
	}
	for _, d := range dirs {
		var n int
		switch d {
		case Ingress:
			n = len(in)
		case Egress:
			n = len(out)
		default:
			t.Fatalf("simtest: Isolated: unknown %s", d)
			return
		}
		if n > 0 {
			continue
		}
		what := "it may receive anything from anywhere"
		if d == Egress {
			what = "it may send anything anywhere"
		}
		t.Errorf("%s is not isolated for %s: no policy selects it for %s, so %s", id, d, d, what)
	}
}
