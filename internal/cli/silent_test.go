package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

// TestNoSilentPass: mistakes that used to pass (exit 0 or a "denied" 1)
// are errors: status 2, a message on stderr, nothing on stdout.
func TestNoSilentPass(t *testing.T) {
	empty := t.TempDir()
	runErrors(t, []errorCase{
		{"no arguments", nil, "Usage:\n  netpolsim COMMAND"},
		{"help of unknown command", []string{"help", "frob"}, `netpolsim: unknown command "frob"`},
		{"matrix empty directory", []string{"matrix", "-f", empty}, "netpolsim matrix: the manifests hold no pods (nor workloads that make them): nothing to show"},
		{"lint empty directory", []string{"lint", "-f", empty}, "netpolsim lint: the manifests hold no pods and no network policies: nothing to lint"},
		{"matrix unknown namespace", []string{"matrix", "-f", shop, "-n", "shpo"}, "netpolsim matrix: -n shpo: no namespace shpo; did you mean shop?"},
		{"lint unknown namespace", []string{"lint", "-f", shop, "-n", "nosuch"}, "netpolsim lint: -n nosuch: no namespace nosuch\n"},
		{"check selector matching nothing", []string{"check", "-f", shop, "--from", "shop/app=nomatch", "--to", "shop/db-0", "--port", "5432"},
			"netpolsim check: --from shop/app=nomatch: no pod of namespace shop matches app=nomatch"},
		{"check unknown namespace", []string{"check", "-f", shop, "--from", "shop/app=api", "--to", "nosuch/app=db", "--port", "5432"},
			"netpolsim check: --to nosuch/app=db: no namespace nosuch"},
		{"check unknown port name", []string{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-0", "--port", "nosuchname"},
			`netpolsim check: --port TCP/nosuchname: shop/db-0 serves no TCP port named "nosuchname"`},
		{"check unknown port name of a set", []string{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/tier=web", "--port", "pg"},
			`netpolsim check: --port TCP/pg: none of the 2 pods of shop/tier=web serves a TCP port named "pg"`},
		{"check port name outside", []string{"check", "-f", shop, "--from", "shop/api-0", "--to", "192.0.2.1", "--port", "https"},
			"netpolsim check: --port TCP/https: a port name needs a destination pod, and 192.0.2.1 is outside the cluster: give a number"},
		{"check suggests", []string{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-9", "--port", "5432"},
			"netpolsim check: --to shop/db-9: no pod shop/db-9; did you mean shop/db or shop/db-0?\n"},
		{"explain suggests", []string{"explain", "-f", shop, "shop/frontend-9"},
			"netpolsim explain: no pod shop/frontend-9; did you mean shop/frontend, shop/frontend-0 or shop/frontend-1?\n"},
	})
}

// TestNoPackagePrefixes: no message of the command starts with, or
// contains after a colon, the name of a Go package.
func TestNoPackagePrefixes(t *testing.T) {
	bad := badPolicyFile(t)
	for _, args := range [][]string{
		{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-9", "--port", "5432"},
		{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-0", "--port", "0"},
		{"explain", "-f", shop, "shop/nope"},
		{"matrix", "-f", bad},
		{"matrix", "-f", noticesFile(t)},
	} {
		_, errOut, _ := run(t, "", args...)
		for _, p := range packagePrefixes {
			if strings.HasPrefix(errOut, p) || strings.Contains(errOut, "\n"+p) || strings.Contains(errOut, ": "+p) {
				t.Errorf("%q: stderr names a package (%q):\n%s", args, p, errOut)
			}
		}
	}
}

// failWriter fails every write, as a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestWriteFailure: every command that cannot write its output exits 2,
// whatever its answer was.
func TestWriteFailure(t *testing.T) {
	for _, args := range [][]string{
		{"matrix", "-f", shop},
		{"matrix", "-f", shop, "-o", "json"},
		{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-0", "--port", "5432"},
		{"check", "-f", shop, "--from", "shop/frontend-0", "--to", "shop/db-0", "--port", "5432"},
		{"explain", "-f", shop, "shop/db-0"},
		{"lint", "-f", shop},
		{"lint", "-f", shop, "-o", "json"},
		{"exposure", "-f", shop},
		{"graph", "-f", shop},
		{"paths", "-f", shop, "--from", "outside", "--to", "shop/db"},
		{"blast-radius", "-f", shop, "shop/frontend"},
		{"diff", shop, shop},
		{"help"},
		{"--version"},
	} {
		var errOut bytes.Buffer
		code := Run(args, strings.NewReader(""), failWriter{}, &errOut)
		if code != exitError || !strings.Contains(errOut.String(), "no space left on device") {
			t.Errorf("%q to a full disk: exit %d, stderr %q; want 2 and the write error", args, code, errOut.String())
		}
	}
}

func TestVersion(t *testing.T) {
	out, errOut, code := run(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "netpolsim ") || errOut != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/netpolsim/netpolsim", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "13a451e"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{bi, true, "netpolsim v0.3.0 (revision 13a451e, modified, 2026-12-01T10:00:00Z) go1.26.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "netpolsim (devel)"},
		{&debug.BuildInfo{}, true, "netpolsim (devel)"},
		{nil, false, "netpolsim (no build information)"},
	} {
		if got := versionLine(tc.bi, tc.ok); got != tc.want {
			t.Errorf("versionLine = %q; want %q", got, tc.want)
		}
	}
}

// TestShopLint: the README's showcase passes its own lint for its
// namespace, and the one warning of the whole example is the one the
// README explains.
func TestShopLint(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "`netpolsim lint -f examples/manifests/shop -n shop` exits 0") ||
		!strings.Contains(string(readme), "lint warns that CoreDNS in `kube-system`") {
		t.Error("README.md no longer explains the shop example's lint findings")
	}
	if out, errOut, code := run(t, "", "lint", "-f", shop, "-n", "shop"); code != 0 {
		t.Errorf("lint -n shop: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code := run(t, "", "lint", "-f", shop, "-o", "json")
	if code != 1 {
		t.Errorf("lint of the whole example: exit %d, want 1 (the kube-system warning)", code)
	}
	var doc struct {
		Findings []struct{ Rule, Severity string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	for _, f := range doc.Findings {
		if f.Severity != "info" {
			warnings = append(warnings, f.Rule)
		}
	}
	if len(warnings) != 1 || warnings[0] != "no-default-deny-ingress" {
		t.Errorf("warnings of the shop example: %q; want only no-default-deny-ingress (kube-system), which the README explains", warnings)
	}
}
