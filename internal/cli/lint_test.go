package cli

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	exposedBefore = "../../examples/manifests/exposed-before"
	exposedAfter  = "../../examples/manifests/exposed-after"
)

// TestLintExposureGolden covers the lint and exposure commands; regenerate
// with go test ./internal/cli -update.
func TestLintExposureGolden(t *testing.T) {
	runGoldens(t, []goldenCase{
		{"lint-exposed-before.txt", []string{"lint", "-f", exposedBefore}, 1},
		{"lint-exposed-before.json", []string{"lint", "-f", exposedBefore, "-o", "json"}, 1},
		{"lint-exposed-before-fail-on-error.txt", []string{"lint", "-f", exposedBefore, "--fail-on", "error"}, 0},
		{"lint-exposed-before-n-store.txt", []string{"lint", "-f", exposedBefore, "-n", "store", "--disable", "no-default-deny-egress,exposed-service"}, 1},
		{"lint-exposed-after.txt", []string{"lint", "-f", exposedAfter}, 0},
		{"lint-exposed-after-fail-on-info.json", []string{"lint", "-f", exposedAfter, "-o", "json", "--fail-on", "info"}, 1},
		{"lint-shop.txt", []string{"lint", "-f", shop}, 1},
		{"lint-multitenant.txt", []string{"lint", "-f", multitenant}, 1},
		{"lint-help.txt", []string{"lint", "--help"}, 0},
		{"exposure-exposed-before.txt", []string{"exposure", "-f", exposedBefore}, 0},
		{"exposure-exposed-after.txt", []string{"exposure", "-f", exposedAfter}, 0},
		{"exposure-exposed-after-json.txt", []string{"exposure", "-f", exposedAfter, "-o", "json", "-n", "store"}, 0},
		{"exposure-shop.txt", []string{"exposure", "-f", shop}, 0},
		{"exposure-help.txt", []string{"help", "exposure"}, 0},
	})
}

// TestLintExitStatus checks --fail-on against the severities found in the
// example before hardening (warnings and info) and after (one info).
func TestLintExitStatus(t *testing.T) {
	for _, c := range []struct {
		dir, failOn string
		code        int
	}{
		{exposedBefore, "info", 1}, {exposedBefore, "warning", 1}, {exposedBefore, "error", 0},
		{exposedAfter, "info", 1}, {exposedAfter, "warning", 0}, {exposedAfter, "error", 0},
		{exposedAfter, "WARNING", 0},
	} {
		_, errOut, code := run(t, "", "lint", "-f", c.dir, "--fail-on", c.failOn)
		if code != c.code {
			t.Errorf("lint -f %s --fail-on %s: exit status %d, want %d; stderr:\n%s", c.dir, c.failOn, code, c.code, errOut)
		}
	}
}

func TestLintExposureErrors(t *testing.T) {
	runErrors(t, []errorCase{
		{"lint bad format", []string{"lint", "-f", shop, "-o", "csv"}, "netpolsim lint: -o csv: want text, json or sarif"},
		{"lint bad severity", []string{"lint", "-f", shop, "--fail-on", "fatal"}, "netpolsim lint: --fail-on fatal: want info, warning or error"},
		{"lint unknown check", []string{"lint", "-f", shop, "--disable", "exposed-service,nope"}, "netpolsim lint: --disable nope: no such check (want one of no-default-deny-ingress, "},
		{"lint argument", []string{"lint", "-f", shop, "shop/db-0"}, `netpolsim lint: unexpected argument "shop/db-0"`},
		{"lint no -f", []string{"lint"}, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read"},
		{"exposure bad format", []string{"exposure", "-f", shop, "-o", "md"}, "netpolsim exposure: -o md: want text or json"},
		{"exposure argument", []string{"exposure", "-f", shop, "x"}, `netpolsim exposure: unexpected argument "x"`},
		{"exposure no -f", []string{"exposure"}, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read"},
	})
}

// TestExposureJSON reads the JSON back: every pod once, sorted, and the
// hardened store reachable only through the Ingress.
func TestExposureJSON(t *testing.T) {
	out, errOut, code := run(t, "", "exposure", "-f", exposedAfter, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc exposureJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var order []string
	for _, p := range doc.Pods {
		order = append(order, p.Pod)
		for _, r := range p.Inbound {
			if r.Sources.Any || len(r.Sources.Blocks) > 0 {
				got[p.Pod] = append(got[p.Pod], r.Kind+" "+r.Via)
			}
		}
	}
	wantOrder := []string{"ingress-nginx/ingress-nginx-controller-0", "kube-system/coredns-0", "store/api-0", "store/api-1", "store/db-0", "store/web-0", "store/web-1"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	want := map[string][]string{
		"ingress-nginx/ingress-nginx-controller-0": {"Direct ", "LoadBalancer svc/ingress-nginx/ingress-nginx-controller", "LoadBalancer svc/ingress-nginx/ingress-nginx-controller"},
		"store/web-0": {"Ingress ingress/store/web"},
		"store/web-1": {"Ingress ingress/store/web"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("open routes (-want +got):\n%s", diff)
	}
}

// edgeManifests exercise the routes the examples do not: a Local
// LoadBalancer admitting one client range, a NodePort the cluster
// allocates, an Ingress no controller pod may serve, and outbound access
// to an ipBlock with an exception.
const edgeManifests = `apiVersion: v1
kind: Pod
metadata: {namespace: app, name: web-0, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {namespace: app, name: admin-0, labels: {app: admin}}
spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 9000}]}]}
---
apiVersion: v1
kind: Pod
metadata: {namespace: ingress-nginx, name: ctrl-0, labels: {app.kubernetes.io/name: ingress-nginx}}
spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {namespace: ingress-nginx, name: ctrl}
spec: {type: LoadBalancer, selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {namespace: app, name: web}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 443, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {namespace: app, name: admin}
spec: {type: NodePort, selector: {app: admin}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: app, name: admin}
spec:
  rules:
    - http: {paths: [{path: /admin, pathType: Prefix, backend: {service: {name: admin, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: app, name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24}}], ports: [{port: http}]}]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}}], ports: [{port: 443}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: app, name: admin}
spec:
  podSelector: {matchLabels: {app: admin}}
  ingress: [{from: [{podSelector: {}}]}]
`

func TestExposureEdgeCases(t *testing.T) {
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"exposure-edge-cases.txt", []string{"exposure", "-f", "-"}},
		{"exposure-edge-cases-json.txt", []string{"exposure", "-f", "-", "-o", "json", "-n", "app"}},
		{"lint-edge-cases.txt", []string{"lint", "-f", "-"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			out, errOut, code := run(t, edgeManifests, c.args...)
			if code == 2 {
				t.Fatalf("exit status 2; stderr:\n%s", errOut)
			}
			golden(t, c.golden, out)
		})
	}
}
