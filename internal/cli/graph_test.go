package cli

import (
	"os/exec"
	"strings"
	"testing"
)

func TestGraphGolden(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"graph-shop.txt", []string{"graph", "-f", shop}, 0},
		{"graph-shop-pod-5432.txt", []string{"graph", "-f", shop, "--group", "pod", "--port", "5432", "--outside=false"}, 0},
		{"graph-multitenant.txt", []string{"graph", "-f", multitenant, "-o", "dot"}, 0},
		{"graph-help.txt", []string{"graph", "--help"}, 0},
		{"paths-shop-outside-db.txt", []string{"paths", "-f", shop, "--from", "outside", "--to", "shop/db"}, 0},
		{"paths-shop-pods.txt", []string{"paths", "-f", shop, "--from", "shop/frontend-0", "--to", "shop/db-0", "--group", "pod", "--max-hops", "4"}, 0},
		{"paths-shop-too-far.txt", []string{"paths", "-f", shop, "--from", "shop/db-0", "--to", "shop/api", "--max-hops", "2"}, 1},
		{"paths-shop-none.txt", []string{"paths", "-f", shop, "--from", "shop/db", "--to", "shop/api", "--port", "9090"}, 1},
		{"paths-help.txt", []string{"help", "paths"}, 0},
		{"blast-shop-frontend.txt", []string{"blast-radius", "-f", shop, "shop/frontend-0"}, 0},
		{"blast-shop-frontend-pod.txt", []string{"blast-radius", "shop/frontend-0", "-f", shop, "--group", "pod", "--hops", "1"}, 0},
		{"blast-shop-outside.txt", []string{"blast-radius", "-f", shop, "outside"}, 0},
		{"blast-shop-coredns.txt", []string{"blast-radius", "-f", shop, "kube-system/coredns"}, 0},
		{"blast-shop-selector.txt", []string{"blast-radius", "-f", shop, "shop/app=api"}, 0},
		{"paths-shop-svc.txt", []string{"paths", "-f", shop, "--from", "outside", "--to", "svc/shop/db"}, 0},
		{"blast-shop-coredns-443.txt", []string{"blast-radius", "-f", shop, "kube-system/coredns", "--port", "443"}, 0},
		{"blast-shop-db-5432.txt", []string{"blast-radius", "-f", shop, "shop/db", "--port", "5432"}, 0},
		{"blast-multitenant.txt", []string{"blast-radius", "-f", multitenant, "--group", "pod", "--hops", "2", "outside"}, 0},
		{"blast-help.txt", []string{"blast-radius", "-h"}, 0},
	})
}

func TestGraphErrors(t *testing.T) {
	runErrors(t, []errorCase{
		{"bad format", []string{"graph", "-f", shop, "-o", "png"}, "netpolsim graph: -o png: want dot or svg"},
		{"bad group", []string{"graph", "-f", shop, "--group", "team"}, "netpolsim graph: --group team: want workload or pod"},
		{"bad port", []string{"graph", "-f", shop, "--port", "0"}, `netpolsim graph: port "0": 0 is not between 1 and 65535`},
		{"graph argument", []string{"graph", "-f", shop, "extra"}, `netpolsim graph: unexpected argument "extra"`},
		{"no -f", []string{"graph"}, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read"},
		{"paths without --to", []string{"paths", "-f", shop, "--from", "outside"}, "netpolsim paths: --to is required"},
		{"paths unknown CIDR node", []string{"paths", "-f", shop, "--from", "shop/db", "--to", "10.0.0.0/33"}, `netpolsim paths: --to: "10.0.0.0/33": want a workload`},
		{"paths negative hops", []string{"paths", "-f", shop, "--from", "shop/db", "--to", "shop/api", "--max-hops", "-1"}, "netpolsim paths: --max-hops -1: want 0 or more"},
		{"paths unknown node", []string{"paths", "-f", shop, "--from", "shop/nope", "--to", "shop/db"}, "netpolsim paths: --from: no pod shop/nope"},
		{"paths workload with --group pod", []string{"paths", "-f", shop, "--from", "shop/api", "--to", "shop/db-0", "--group", "pod"}, "netpolsim paths: --from: shop/api stands for 2 nodes (shop/api-0, shop/api-1): name one"},
		{"blast no node", []string{"blast-radius", "-f", shop}, "netpolsim blast-radius: want exactly one NODE, got 0 arguments"},
		{"blast negative hops", []string{"blast-radius", "-f", shop, "shop/db", "--hops", "-2"}, "netpolsim blast-radius: --hops -2: want 0 or more"},
		{"blast selector of two nodes", []string{"blast-radius", "-f", shop, "shop/tier in (web,backend)"}, "netpolsim blast-radius: shop/tier in (web,backend) stands for 2 nodes (shop/api, shop/frontend): name one"},
		{"blast outside address", []string{"blast-radius", "-f", shop, "192.0.2.1"}, "netpolsim blast-radius: 192.0.2.1 is no pod's address: say outside for addresses outside the cluster"},
		{"blast unknown node", []string{"blast-radius", "-f", shop, "nope"}, `netpolsim blast-radius: "nope": want a workload, a pod, a NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, a pod's address or outside`},
	})
}

// TestGraphSVG renders the shop with Graphviz, when it is installed.
func TestGraphSVG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz's dot is not on PATH")
	}
	out, errOut, code := run(t, "", "graph", "-f", shop, "-o", "svg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"<svg", "shop/db", "outside the cluster", "TCP/5432", "</svg>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the SVG does not contain %q", want)
		}
	}
}

// TestGraphSVGWithoutGraphviz checks the advice given when Graphviz is
// missing.
func TestGraphSVGWithoutGraphviz(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	out, errOut, code := run(t, "", "graph", "-f", shop, "-o", "svg")
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
	}
	if want := "install graphviz"; !strings.Contains(errOut, want) || !strings.Contains(errOut, "-o dot") {
		t.Errorf("stderr %q does not advise to install graphviz or use -o dot", errOut)
	}
}

// TestPathsReadmeQuestion answers the question of the issue on the example
// shop: is there any path from the internet to the database?
func TestPathsReadmeQuestion(t *testing.T) {
	out, _, code := run(t, "", "paths", "-f", shop, "--from", "outside", "--to", "shop/db-0", "--max-hops", "2")
	if code != 1 || !strings.HasPrefix(out, "no path from outside to shop/db within 2 hops; the shortest has 3 hops:") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}
