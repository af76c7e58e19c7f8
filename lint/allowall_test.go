package lint_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/lint"
)

func TestAllowAllRule(t *testing.T) {
	runCases(t, "allow-all-rule", []lintCase{
		{name: "ingress any peer", docs: []string{web, netpol("a", "open", "{podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}, {}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "open"), Field: "spec.ingress[1]"}}},
		{name: "egress any peer", docs: []string{web, netpol("a", "open", "{podSelector: {}, policyTypes: [Egress], egress: [{}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "open"), Field: "spec.egress[0]"}}},
		{name: "every pod of every namespace", docs: []string{web, netpol("a", "open", "{podSelector: {}, ingress: [{from: [{namespaceSelector: {}, podSelector: {}}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "open"), Field: "spec.ingress[0]"}}},
		{name: "ports make it narrower", docs: []string{web, netpol("a", "web", "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{ports: [{port: 80}]}], egress: [{to: [{namespaceSelector: {}}], ports: [{port: 53, protocol: UDP}]}]}")}},
		{name: "own namespace only", docs: []string{web, netpol("a", "web", "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}")}},
		{name: "deny all", docs: []string{web, denyAllIngress, denyAllEgress}},
	})
}

func TestPolicyTypesIgnoreRules(t *testing.T) {
	runCases(t, "policy-types-ignore-rules", []lintCase{
		{name: "egress only with ingress rules", docs: []string{web, netpol("a", "p", "{podSelector: {}, policyTypes: [Egress], ingress: [{}, {ports: [{port: 80}]}], egress: [{ports: [{port: 53, protocol: UDP}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "p"), Field: "spec.policyTypes"}}},
		{name: "ingress only with egress rules", docs: []string{web, netpol("a", "p", "{podSelector: {}, policyTypes: [Ingress], egress: [{}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "p"), Field: "spec.policyTypes"}}},
		{name: "implied policyTypes take the egress rules", docs: []string{web, netpol("a", "p", "{podSelector: {}, egress: [{}]}")}},
		{name: "both", docs: []string{web, netpol("a", "p", "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{}], egress: [{}]}")}},
	})
}

func TestAllowAllMessages(t *testing.T) {
	docs := []string{web, netpol("a", "p", "{podSelector: {}, policyTypes: [Egress], ingress: [{}], egress: [{to: [{namespaceSelector: {}}]}]}")}
	var got []lint.Finding
	for _, f := range lint.Run(compile(t, docs)) {
		if f.Rule == "allow-all-rule" || f.Rule == "policy-types-ignore-rules" {
			got = append(got, f)
		}
	}
	want := []lint.Finding{
		{Rule: "allow-all-rule", Severity: lint.Info, Object: polObj("a", "p"), Field: "spec.egress[0]",
			Message: "the rule allows every egress connection to every pod of every namespace on every port, so within the cluster the pods it selects are as open for egress as if no policy selected them",
			Hint:    "list the peers and ports the pods need in spec.egress[0] (podSelector, namespaceSelector, ipBlock; ports), or delete the rule"},
		{Rule: "policy-types-ignore-rules", Severity: lint.Warning, Object: polObj("a", "p"), Field: "spec.policyTypes",
			Message: "policyTypes [Egress] leaves out Ingress, so the 1 spec.ingress rule has no effect and the policy does not isolate its pods for ingress",
			Hint:    "add Ingress to spec.policyTypes to enforce the ingress rules, or delete spec.ingress"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
