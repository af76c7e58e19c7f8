package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	shop        = "../../examples/manifests/shop"
	multitenant = "../../examples/manifests/multitenant"
)

// run runs the command line and returns its stdout, stderr and status.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// goldenCase is a command line whose stdout must equal testdata/golden and
// whose exit status must be code.
type goldenCase struct {
	golden string
	args   []string
	code   int
}

func runGoldens(t *testing.T, cases []goldenCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			out, errOut, code := run(t, "", c.args...)
			if code != c.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, c.code, errOut)
			}
			golden(t, c.golden, out)
		})
	}
}

// errorCase is a command line that must fail with status 2, print nothing
// on stdout, and say stderr (a part of it) on stderr.
type errorCase struct {
	name   string
	args   []string
	stderr string
}

func runErrors(t *testing.T, cases []errorCase) {
	t.Helper()
	noKubeconfig(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, "", c.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if !strings.Contains(errOut, c.stderr) {
				t.Errorf("stderr %q does not contain %q", errOut, c.stderr)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

// noKubeconfig makes sure that a command without -f or -k finds no
// cluster to read: no kubeconfig, and not in a pod.
func noKubeconfig(t *testing.T) {
	t.Helper()
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "no-kubeconfig"))
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
}

// badPolicyFile writes a manifest whose one NetworkPolicy, shop/db, has an
// endPort below its port, and returns its path.
func badPolicyFile(t *testing.T) string {
	t.Helper()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n    - ports: [{port: 443, endPort: 80}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return bad
}

func TestGolden(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"matrix-shop.txt", []string{"matrix", "-f", shop}, 0},
		{"matrix-shop.json", []string{"matrix", "-f", shop, "-o", "json"}, 0},
		{"matrix-shop-workload.json", []string{"matrix", "-f", shop, "-o", "json", "--group", "workload"}, 0},
		{"matrix-shop.csv", []string{"matrix", "-f", shop, "-o", "csv"}, 0},
		{"matrix-shop.md", []string{"matrix", "-f", shop, "-o", "md"}, 0},
		{"matrix-shop-truthtable-5432.txt", []string{"matrix", "-f", shop, "-o", "truthtable", "--port", "5432"}, 0},
		{"matrix-shop-truthtable-http-workload.txt", []string{"matrix", "-f", shop, "-o", "truthtable", "--port", "http", "--group", "workload"}, 0},
		{"matrix-multitenant-n.txt", []string{"matrix", "-f", multitenant, "-n", "tenant-a"}, 0},
		{"matrix-multitenant.txt", []string{"matrix", "-f", multitenant, "--ipblock-pods=false"}, 0},
		{"check-denied.txt", []string{"check", "-f", shop, "--from", "shop/frontend-0", "--to", "shop/db-0", "--port", "5432"}, 1},
		{"check-allowed.txt", []string{"check", "-f", shop, "--from", "shop/api-0", "--to", "shop/db-0", "--port", "5432/TCP"}, 0},
		{"check-service.txt", []string{"check", "-f", shop, "--from", "shop/app=api", "--to", "svc/shop/db", "--port", "pg"}, 0},
		{"check-set-partly.txt", []string{"check", "-f", shop, "--from", "shop/tier in (web,backend)", "--to", "shop/db-0", "--port", "5432"}, 1},
		{"explain-db.txt", []string{"explain", "-f", shop, "shop/db-0"}, 0},
		{"explain-flags-after.txt", []string{"explain", "shop/frontend-0", "-f", shop}, 0},
		{"explain-workload.txt", []string{"explain", "-f", shop, "shop/api"}, 0},
		{"explain-service.txt", []string{"explain", "-f", shop, "svc/shop/db"}, 0},
		{"check-workload.txt", []string{"check", "-f", shop, "--from", "shop/frontend", "--to", "shop/api", "--port", "http"}, 0},
		{"check-outside.txt", []string{"check", "-f", shop, "--from", "outside", "--to", "shop/frontend", "--port", "8080"}, 0},
		{"check-cidr-egress.txt", []string{"check", "-f", exposedAfter, "--from", "kube-system/coredns", "--to", "192.0.2.0/24", "--port", "6443"}, 1},
		{"explain-cidr.txt", []string{"explain", "-f", exposedAfter, "192.0.2.0/28"}, 0},
		{"paths-cidr.txt", []string{"paths", "-f", shop, "--from", "203.0.113.0/24", "--to", "shop/db"}, 0},
		{"paths-to-outside.txt", []string{"paths", "-f", shop, "--from", "shop/frontend", "--to", "outside"}, 0},
		{"blast-cidr.txt", []string{"blast-radius", "-f", shop, "203.0.113.0/24"}, 0},
		{"help.txt", []string{"help"}, 0},
		{"help-matrix.txt", []string{"matrix", "--help"}, 0},
		{"help-check.txt", []string{"help", "check"}, 0},
		{"help-explain.txt", []string{"explain", "-h"}, 0},
	})
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(multitenant, "workloads.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, string(data), "matrix", "-f", "-", "-f", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "3 endpoints, 6 connections"; !strings.Contains(out, want) {
		t.Errorf("stdout %q does not contain %q", out, want)
	}
}

func TestErrors(t *testing.T) {
	dir, bad := t.TempDir(), badPolicyFile(t)
	runErrors(t, []errorCase{
		{"no command", []string{"frobnicate"}, `netpolsim: unknown command "frobnicate"`},
		{"no -f", []string{"matrix"}, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read (--kubeconfig, $KUBECONFIG or ~/.kube/config)"},
		{"bad format", []string{"matrix", "-f", shop, "-o", "xml"}, "netpolsim matrix: -o xml: want text, json, csv, md or truthtable"},
		{"truthtable without port", []string{"matrix", "-f", shop, "-o", "truthtable"}, "netpolsim matrix: -o truthtable needs --port"},
		{"bad group", []string{"matrix", "-f", shop, "--group", "team"}, "netpolsim matrix: --group team: the only grouping is workload"},
		{"unknown flag", []string{"matrix", "-f", shop, "--frob"}, "netpolsim matrix: flag provided but not defined: -frob"},
		{"bad port", []string{"check", "-f", shop, "--from", "shop/a", "--to", "shop/b", "--port", "70000"}, `netpolsim check: port "70000": 70000 is not between 1 and 65535`},
		{"missing --to", []string{"check", "-f", shop, "--from", "shop/a", "--port", "80"}, "netpolsim check: --to is required"},
		{"unknown pod", []string{"check", "-f", shop, "--from", "shop/nope", "--to", "shop/db-0", "--port", "80"}, "netpolsim check: --from shop/nope: no pod shop/nope"},
		{"explain unknown pod", []string{"explain", "-f", shop, "shop/nope"}, "netpolsim explain: no pod shop/nope"},
		{"explain bad arg", []string{"explain", "-f", shop, "nope"}, `netpolsim explain: "nope": want NAMESPACE/POD`},
		{"bad CIDR", []string{"check", "-f", shop, "--from", "10.1.2.3/8", "--to", "shop/db-0", "--port", "80"}, `netpolsim check: endpoint "10.1.2.3/8": bits set past the prefix length; want 10.0.0.0/8, or the address 10.1.2.3`},
		{"outside to outside", []string{"check", "-f", shop, "--from", "outside", "--to", "192.0.2.0/24", "--port", "80"}, "netpolsim check: outside → 192.0.2.0/24: neither end is a pod of the cluster"},
		{"named port to a CIDR", []string{"check", "-f", shop, "--from", "shop/frontend-0", "--to", "192.0.2.0/24", "--port", "http"}, "a port name needs a destination pod"},
		{"paths outside to outside", []string{"paths", "-f", shop, "--from", "outside", "--to", "10.0.0.0/8"}, "netpolsim paths: --from and --to are both outside the cluster"},
		{"missing file", []string{"matrix", "-f", filepath.Join(dir, "missing.yaml")}, "no such file or directory"},
		{"invalid policy", []string{"matrix", "-f", bad}, "bad.yaml: document 0 (line 7): NetworkPolicy shop/db: spec.ingress[0].ports[0].endPort"},
	})
}

// TestReadmeOutput keeps the README honest: the output it shows for its
// "run" command is what that command prints.
func TestReadmeOutput(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const cmdLine = "go run ./cmd/netpolsim matrix -f examples/manifests/shop"
	if !strings.Contains(string(readme), cmdLine) {
		t.Fatalf("README.md no longer shows %q", cmdLine)
	}
	_, after, ok := strings.Cut(string(readme), "The first command prints:\n\n```\n")
	if !ok {
		t.Fatal("README.md has no output block after \"The first command prints:\"")
	}
	shown, _, _ := strings.Cut(after, "```")
	out, errOut, code := run(t, "", "matrix", "-f", shop)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(shown, out); diff != "" {
		t.Errorf("README.md output block (-readme +actual):\n%s", diff)
	}
}
