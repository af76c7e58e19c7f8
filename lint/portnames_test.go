package lint_test

import (
	"testing"

	"github.com/netpolsim/netpolsim/lint"
)

// twoContainers is a pod whose containers c and sidecar both name a port
// http: 8080 and sidecarPort.
func twoContainers(name, sidecarPort string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: a, name: " + name + ", labels: {app: two}}\n" +
		"spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}, {name: sidecar, image: x, ports: [{name: admin, containerPort: 9901}, {name: http, containerPort: " + sidecarPort + "}]}]}\n" +
		"status: {podIP: 10.0.0.50}\n"
}

const twoDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: two}
spec:
  replicas: 2
  selector: {matchLabels: {app: two}}
  template:
    metadata: {labels: {app: two}}
    spec:
      containers:
      - {name: c, image: x, ports: [{name: http, containerPort: 8080}]}
      - {name: sidecar, image: x, ports: [{name: http, containerPort: 9090}]}
`

func TestPortNameRepeated(t *testing.T) {
	runCases(t, "port-name-repeated", []lintCase{
		{name: "different numbers", docs: []string{twoContainers("two-0", "9090")},
			want: []lint.Finding{{Severity: lint.Warning, Object: podObj("a", "two-0"), Field: "spec.containers[1].ports[1]"}}},
		{name: "same number", docs: []string{twoContainers("two-0", "8080")},
			want: []lint.Finding{{Severity: lint.Info, Object: podObj("a", "two-0"), Field: "spec.containers[1].ports[1]"}}},
		{name: "one finding per workload", docs: []string{twoDeployment},
			want: []lint.Finding{{Severity: lint.Warning, Object: lint.Object{Kind: "Deployment", Namespace: "a", Name: "two"},
				Field: "spec.template.spec.containers[1].ports[0]", Related: []lint.Object{podObj("a", "two-0"), podObj("a", "two-1")}}}},
		{name: "names of one container each", docs: []string{web, api}},
	})
}

// TestLintUsesTheModelsPortRules: a Service's named targetPort is the
// first container port of that name (the endpoints controller's rule), so
// a pod that may reach only the second http of its peer reaches no
// Service and needs no DNS; a policy's named port opens both, so a rule
// on http is served.
func TestLintUsesTheModelsPortRules(t *testing.T) {
	svc := service("a", "two", "{selector: {app: two}, ports: [{port: 80, targetPort: http}]}")
	webEgress := netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: two}}}], ports: [{port: 9090}]}]}")
	runCases(t, "egress-blocks-dns", []lintCase{
		{name: "reaches only the second http", docs: []string{web, dnsPod, twoContainers("two-0", "9090"), svc, webEgress}},
		{name: "reaches the first http", docs: []string{web, dnsPod, twoContainers("two-0", "9090"), svc,
			netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: two}}}], ports: [{port: 8080}]}]}")},
			want: []lint.Finding{{Severity: lint.Error, Object: nsObj("a"), Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0")}}}},
	})
	runCases(t, "target-port-unserved", []lintCase{
		{name: "the first of two serves it", docs: []string{twoContainers("two-0", "9090"), svc}},
	})
	runCases(t, "shadowed-rule", []lintCase{
		// http opens 8080 and 9090 at the subject, so the rule on 9090 adds
		// nothing.
		{name: "named port covers both numbers", docs: []string{twoContainers("two-0", "9090"),
			netpol("a", "two", "{podSelector: {matchLabels: {app: two}}, ingress: [{ports: [{port: http}]}, {ports: [{port: 9090}]}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "two"), Field: "spec.ingress[1]"}}},
	})
}
