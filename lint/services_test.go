package lint_test

import (
	"testing"

	"github.com/netpolsim/netpolsim/lint"
)

func TestServiceSelectsNothing(t *testing.T) {
	runCases(t, "service-selects-nothing", []lintCase{
		{name: "selector matches no pod", docs: []string{web, service("a", "web", "{selector: {app: wbe}, ports: [{port: 80}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Field: "spec.selector"}}},
		{name: "selector matches a pod of another namespace only", docs: []string{web, service("b", "web", "{selector: {app: web}, ports: [{port: 80}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("b", "web"), Field: "spec.selector"}}},
		{name: "selector matches", docs: []string{web, service("a", "web", "{selector: {app: web}, ports: [{port: 80}]}")}},
		{name: "no selector: endpoints kept by hand", docs: []string{web, service("a", "ext", "{ports: [{port: 80}]}")}},
		{name: "ExternalName", docs: []string{web, service("a", "ext", "{type: ExternalName, externalName: api.example}")}},
	})
}

func TestTargetPortUnserved(t *testing.T) {
	runCases(t, "target-port-unserved", []lintCase{
		{name: "a backend lacks the name", docs: []string{web, pod("a", "web-9", "{app: web}", "[{name: https, containerPort: 8443}]", "10.0.0.19"), service("a", "web", "{selector: {app: web}, ports: [{port: 80, targetPort: http}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Field: "spec.ports[0].targetPort", Related: []lint.Object{podObj("a", "web-9")}}}},
		{name: "wrong protocol", docs: []string{web, service("a", "web", "{selector: {app: web}, ports: [{port: 80, protocol: UDP, targetPort: http}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Field: "spec.ports[0].targetPort", Related: []lint.Object{podObj("a", "web-0")}}}},
		{name: "every backend serves it", docs: []string{web, service("a", "web", "{selector: {app: web}, ports: [{port: 80, targetPort: http}]}")}},
		{name: "numeric targetPort", docs: []string{web, db, service("a", "web", "{selector: {app: web}, ports: [{port: 80, targetPort: 9999}]}")}},
	})
}
