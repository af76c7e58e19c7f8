package guardrails_test

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/internal/cli"
	"github.com/netpolsim/netpolsim/simulate/simtest"
)

var update = flag.Bool("update", false, "rewrite the outputs in README.md")

// TestGuardrails asserts what the guardrails promise.
func TestGuardrails(t *testing.T) {
	m := simtest.Load(t, "cluster", "policies")
	// Admin: nobody outside kube-system reaches it, except DNS.
	simtest.Unreachable(t, m, "tenant-a/web-0", "kube-system/metrics-server-0", "443")
	simtest.Unreachable(t, m, "payments/ledger-0", "kube-system/metrics-server-0", "443")
	for _, from := range []string{"tenant-a/web-0", "tenant-a/api-0", "tenant-b/web-0", "payments/ledger-0"} {
		simtest.Reachable(t, m, from, "kube-system/coredns-0", "53/UDP")
	}
	// Admin: payments takes calls from tenant a's API only.
	simtest.OnlyReachableFrom(t, m, []string{"tenant-a/api-0"}, "payments/ledger-0", "8080")
	// Pass: tenant a's own policy decides for its API.
	simtest.Reachable(t, m, "tenant-a/web-0", "tenant-a/api-0", "http")
	simtest.Unreachable(t, m, "tenant-b/web-0", "tenant-a/api-0", "http")
	// Baseline: no traffic between tenants by default, traffic within one.
	simtest.Unreachable(t, m, "tenant-b/web-0", "tenant-a/web-0", "http")
	simtest.Unreachable(t, m, "tenant-a/web-0", "tenant-b/web-0", "http")
	simtest.Reachable(t, m, "tenant-a/api-0", "tenant-a/web-0", "http")

	v2 := simtest.Load(t, "cluster", "policies-v2")
	simtest.Reachable(t, v2, "tenant-a/api-0", "kube-system/metrics-server-0", "443")
	simtest.Unreachable(t, v2, "tenant-a/web-0", "kube-system/metrics-server-0", "443")
}

var block = regexp.MustCompile("(?s)```console\n\\$ netpolsim ([^\n]*)\n(.*?)```")

// TestReadme runs every command README.md shows and compares its output.
func TestReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	blocks := block.FindAllSubmatchIndex(readme, -1)
	if len(blocks) < 6 {
		t.Fatalf("README.md shows %d commands, want at least 6", len(blocks))
	}
	var out bytes.Buffer
	last := 0
	for _, b := range blocks {
		cmdLine, shown := string(readme[b[2]:b[3]]), string(readme[b[4]:b[5]])
		var stdout, stderr bytes.Buffer
		code := cli.Run(strings.Fields(cmdLine), strings.NewReader(""), &stdout, &stderr)
		if code == 2 || stderr.Len() > 0 {
			t.Errorf("netpolsim %s: exit %d: %s", cmdLine, code, stderr.String())
		}
		if diff := cmp.Diff(shown, stdout.String()); diff != "" && !*update {
			t.Errorf("netpolsim %s: README.md output (-readme +actual):\n%s", cmdLine, diff)
		}
		out.Write(readme[last:b[4]])
		out.Write(stdout.Bytes())
		last = b[5]
	}
	out.Write(readme[last:])
	if *update {
		t.Chdir("examples/guardrails")
		if err := os.WriteFile("README.md", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
