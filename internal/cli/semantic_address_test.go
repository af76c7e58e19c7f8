package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/simulate"
)

// TestCheckAddressSemantics checks check with a CIDR or outside at one end
// against simulate.Model.Query: the exit status is 0 exactly when every
// range is allowed (Answer.All), and what is printed is the answer, range
// by range, each line the library's AddressVerdict for that pod and range.
func TestCheckAddressSemantics(t *testing.T) {
	allowed, denied := 0, 0
	for _, c := range []struct {
		path, from, to, port string
	}{
		{shop, "outside", "shop/frontend", "8080"},
		{shop, "outside", "shop/db", "5432"},
		{shop, "203.0.113.0/24", "shop/frontend-0", "8080"},
		{shop, "shop/frontend", "outside", "53/UDP"},
		{shop, "shop/api-0", "192.0.2.0/24", "443"},
		{exposedAfter, "kube-system/coredns", "192.0.2.0/24", "6443"},
		{exposedAfter, "192.0.2.0/28", "kube-system/coredns", "53/UDP"},
		{exposedAfter, "outside", "ingress-nginx/ingress-nginx-controller-0", "443"},
	} {
		m := compile(t, nil, c.path)
		src, err1 := simulate.ParseEndpoint(c.from)
		dst, err2 := simulate.ParseEndpoint(c.to)
		ps, err3 := simulate.ParsePortSpec(c.port)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		a, err := m.Query(src, dst, ps)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Addresses) == 0 {
			t.Fatalf("%s -> %s: no address ranges: the case asserts nothing about them", c.from, c.to)
		}
		want := exitDenied
		if a.All() {
			want = exitOK
			allowed++
		} else {
			denied++
		}
		out := mustRun(t, want, "check", "-f", c.path, "--from", c.from, "--to", c.to, "--port", c.port)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 1+len(a.Addresses) {
			t.Errorf("check %s -> %s on %s: %d lines, the library answers %d ranges:\n%s", c.from, c.to, c.port, len(lines), len(a.Addresses), out)
			continue
		}
		if strings.TrimSuffix(out, "\n") != a.String() {
			t.Errorf("check %s -> %s on %s: printed\n%s\nthe library says\n%s", c.from, c.to, c.port, out, a)
		}
		for i, v := range a.Addresses {
			if got := strings.TrimSpace(lines[1+i]); got != v.String() {
				t.Errorf("check %s -> %s on %s, range %d: %q, the library says %q", c.from, c.to, c.port, i, got, v)
			}
		}
	}
	if allowed == 0 || denied == 0 {
		t.Errorf("%d allowed and %d denied questions: want some of each", allowed, denied)
	}
}

// TestExplainAddressSemantics checks explain of a CIDR or outside against
// simulate.Model.AddressAccess, asked pod by pod: under "may send to" every
// pod and range the addresses may open connections to (Ingress) with its
// ports, under "may receive from" every pod and range that may open
// connections to them (Egress), and nothing else; ranges allowed no port
// are left out.
func TestExplainAddressSemantics(t *testing.T) {
	row := regexp.MustCompile(`^    (\S+/\S+)\s+(\S+)\s+(\S+)$`)
	rows := 0
	for _, c := range []struct{ path, endpoint string }{
		{exposedAfter, "192.0.2.0/28"},
		{exposedAfter, "outside"},
		{shop, "outside"},
		{shop, "203.0.113.0/24"},
		{shop, "10.0.0.0/8"}, // holds the shop's pods: explained first
	} {
		m := compile(t, nil, c.path)
		ep, err := simulate.ParseEndpoint(c.endpoint)
		if err != nil {
			t.Fatal(err)
		}
		out := mustRun(t, 0, "explain", "-f", c.path, c.endpoint)
		// The addresses' part starts at the line naming the endpoint; the
		// pods a CIDR holds are explained before it.
		lines := strings.Split(out, "\n")
		start := -1
		for i, l := range lines {
			if strings.HasPrefix(l, ep.String()+" (") {
				start = i
			}
		}
		if start < 0 {
			t.Fatalf("explain %s: no line naming the addresses:\n%s", c.endpoint, out)
		}
		got := map[string]map[string]bool{}
		section := ""
		for _, l := range lines[start+1:] {
			switch l {
			case "  may send to:", "  may receive from:":
				section = l
				got[section] = map[string]bool{}
				continue
			}
			if l == "" || l == "    (no pod)" {
				continue
			}
			sm := row.FindStringSubmatch(l)
			if sm == nil || section == "" {
				t.Errorf("explain %s: unexpected line %q", c.endpoint, l)
				continue
			}
			got[section][sm[1]+" "+sm[2]+" "+sm[3]] = true
		}
		for _, d := range []struct {
			section string
			dir     simulate.Direction
		}{{"  may send to:", simulate.Ingress}, {"  may receive from:", simulate.Egress}} {
			want := map[string]bool{}
			for _, p := range m.Pods() {
				pieces, err := m.AddressAccess(p, ep, d.dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, piece := range pieces {
					if !piece.Ports.IsEmpty() {
						want[p.String()+" "+piece.Addresses.String()+" "+piece.Ports.String()] = true
					}
				}
			}
			rows += len(want)
			for k := range want {
				if !got[d.section][k] {
					t.Errorf("explain %s%s: missing %q; the library has it", c.endpoint, strings.TrimSuffix(d.section, ":"), k)
				}
			}
			for k := range got[d.section] {
				if !want[k] {
					t.Errorf("explain %s%s: %q, which the library does not have", c.endpoint, strings.TrimSuffix(d.section, ":"), k)
				}
			}
		}
	}
	if rows == 0 {
		t.Error("no rows: the test asserts nothing")
	}
}
