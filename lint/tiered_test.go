package lint_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/simulate"
)

// cnp is a ClusterNetworkPolicy (v1beta1) with the given spec fields after
// tier and priority.
func cnp(name, tier string, prio int, rest string) string {
	return fmt.Sprintf("apiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: %s}\nspec: {tier: %s, priority: %d, %s}\n", name, tier, prio, rest)
}

// anp is an AdminNetworkPolicy (v1alpha1).
func anp(name string, prio int, rest string) string {
	return fmt.Sprintf("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: %s}\nspec: {priority: %d, %s}\n", name, prio, rest)
}

func cnpObj(name string) lint.Object { return lint.Object{Kind: "ClusterNetworkPolicy", Name: name} }

// The tenants of the tiered cases: two namespaces, and kube-system.
var (
	aWeb   = pod("tenant-a", "web", "{app: web}", "[{name: http, containerPort: 8080}]", "10.0.0.1")
	aDB    = pod("tenant-a", "db", "{app: db}", "[{name: pg, containerPort: 5432}]", "10.0.0.2")
	bWeb   = pod("tenant-b", "web", "{app: web}", "[{name: http, containerPort: 8080}]", "10.0.1.1")
	sysDNS = pod("kube-system", "dns", "{k8s-app: kube-dns}", "[{name: dns, containerPort: 53, protocol: UDP}]", "10.9.0.53")

	tenants = []string{aWeb, aDB, bWeb, sysDNS}
)

func with(docs ...string) []string { return append(append([]string(nil), tenants...), docs...) }

const (
	subjA    = "subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: tenant-a}}}"
	subjAll  = "subject: {namespaces: {}}"
	fromAll  = "from: [{namespaces: {}}]"
	fromB    = "from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: tenant-b}}}]"
	fromA    = "from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: tenant-a}}}]"
	fromBWeb = "from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: tenant-b}}, podSelector: {matchLabels: {app: web}}}}]"
)

func tcp(port int) string {
	return fmt.Sprintf("protocols: [{tcp: {destinationPort: {number: %d}}}]", port)
}

func TestTieredShadowedRule(t *testing.T) {
	runCases(t, "tiered-shadowed-rule", []lintCase{
		{name: "earlier rule of the same policy, other action", docs: with(cnp("guard", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}, {action: Accept, "+fromB+"}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("guard"), Field: "spec.ingress[1]"}}},
		{name: "earlier policy, same action", docs: with(
			cnp("a", "Admin", 5, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"),
			cnp("b", "Admin", 20, subjA+", ingress: [{action: Deny, "+fromBWeb+", "+tcp(80)+"}]")),
			want: []lint.Finding{{Severity: lint.Info, Object: cnpObj("b"), Field: "spec.ingress[0]", Related: []lint.Object{cnpObj("a")}}}},
		{name: "the later policy selects more", docs: with(
			cnp("a", "Admin", 5, subjA+", ingress: [{action: Deny, "+fromAll+"}]"),
			cnp("b", "Admin", 20, subjAll+", ingress: [{action: Deny, "+fromBWeb+"}]"))},
		{name: "the later rule has more ports", docs: with(
			cnp("a", "Admin", 5, subjAll+", ingress: [{action: Deny, "+fromAll+", "+tcp(80)+"}]"),
			cnp("b", "Admin", 20, subjAll+", ingress: [{action: Deny, "+fromAll+", protocols: [{tcp: {destinationPort: {range: {start: 80, end: 81}}}}]}]"))},
		{name: "the order is by priority, not by input", docs: with(
			cnp("b", "Admin", 20, subjA+", ingress: [{action: Deny, "+fromBWeb+", "+tcp(80)+"}]"),
			cnp("a", "Admin", 30, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "an admin Pass does not shadow the baseline", docs: with(
			cnp("a", "Admin", 5, subjAll+", ingress: [{action: Pass, "+fromAll+"}]"),
			cnp("base", "Baseline", 5, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "an admin Deny shadows a baseline Deny", docs: with(
			cnp("a", "Admin", 5, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"),
			cnp("base", "Baseline", 5, subjA+", ingress: [{action: Deny, "+fromB+"}]")),
			want: []lint.Finding{{Severity: lint.Info, Object: cnpObj("base"), Field: "spec.ingress[0]", Related: []lint.Object{cnpObj("a")}}}},
		{name: "a network inside an earlier one", docs: with(cnp("out", "Admin", 5, subjAll+", egress: [{action: Deny, to: [{networks: [10.0.0.0/8]}]}, {action: Accept, to: [{networks: [10.1.0.0/16]}]}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("out"), Field: "spec.egress[1]"}}},
		{name: "a network does not stand in for a pods peer", docs: with(cnp("out", "Admin", 5, subjAll+", egress: [{action: Deny, to: [{networks: [0.0.0.0/0, \"::/0\"]}]}, {action: Accept, to: [{namespaces: {}}]}]"))},
		{name: "domain names only under every address", docs: with(cnp("out", "Admin", 5, subjAll+", egress: [{action: Deny, to: [{networks: [0.0.0.0/0]}]}, {action: Accept, to: [{domainNames: [example.com]}]}, {action: Deny, to: [{networks: [0.0.0.0/0, \"::/0\"]}]}, {action: Accept, to: [{domainNames: [example.org]}]}]")),
			want: []lint.Finding{
				{Severity: lint.Warning, Object: cnpObj("out"), Field: "spec.egress[3]"},
			}},
	})
}

func TestPassWithNothingBelow(t *testing.T) {
	pass := cnp("tenants", "Admin", 10, subjA+", ingress: [{action: Pass, "+fromAll+"}]")
	runCases(t, "pass-with-nothing-below", []lintCase{
		{name: "nothing below", docs: with(pass),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("tenants"), Field: "spec.ingress[0]", Related: []lint.Object{nsObj("tenant-a")}}}},
		{name: "NetworkPolicies isolate every subject", docs: with(pass, netpol("tenant-a", "deny", "{podSelector: {}}"))},
		{name: "a NetworkPolicy isolates one subject", docs: with(pass, netpol("tenant-a", "db", "{podSelector: {matchLabels: {app: db}}}")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("tenants"), Field: "spec.ingress[0]", Related: []lint.Object{nsObj("tenant-a")}}}},
		{name: "a NetworkPolicy for the other direction does not count", docs: with(pass, netpol("tenant-a", "deny", "{podSelector: {}, policyTypes: [Egress]}")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("tenants"), Field: "spec.ingress[0]", Related: []lint.Object{nsObj("tenant-a")}}}},
		{name: "a baseline rule for the passed peers", docs: with(pass, cnp("base", "Baseline", 1, subjAll+", ingress: [{action: Deny, "+fromB+"}]"))},
		{name: "a baseline rule for other peers", docs: with(pass, cnp("base", "Baseline", 1, subjAll+", ingress: [{action: Deny, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: nowhere}}}]}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("tenants"), Field: "spec.ingress[0]", Related: []lint.Object{nsObj("tenant-a")}}}},
		{name: "Accept is not Pass", docs: with(cnp("tenants", "Admin", 10, subjA+", ingress: [{action: Accept, "+fromAll+"}]"))},
	})
}

func TestAdminPriorityTie(t *testing.T) {
	runCases(t, "admin-priority-tie", []lintCase{
		{name: "overlapping rules, other actions", docs: with(
			cnp("second", "Admin", 10, subjAll+", ingress: [{action: Accept, "+fromAll+"}]"),
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("second"), Field: "spec.ingress[0]", Related: []lint.Object{cnpObj("first")}}}},
		{name: "same action", docs: with(
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]"),
			cnp("second", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "other priorities", docs: with(
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]"),
			cnp("second", "Admin", 11, subjAll+", ingress: [{action: Accept, "+fromAll+"}]"))},
		{name: "disjoint peers", docs: with(
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]"),
			cnp("second", "Admin", 10, subjAll+", ingress: [{action: Accept, "+fromA+"}]"))},
		{name: "disjoint ports", docs: with(
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+", "+tcp(80)+"}]"),
			cnp("second", "Admin", 10, subjAll+", ingress: [{action: Accept, "+fromAll+", "+tcp(81)+"}]"))},
		{name: "disjoint subjects", docs: with(
			cnp("first", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]"),
			cnp("second", "Admin", 10, "subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: tenant-b}}}, ingress: [{action: Accept, "+fromAll+"}]"))},
		{name: "overlapping networks", docs: with(
			cnp("first", "Admin", 10, subjA+", egress: [{action: Deny, to: [{networks: [192.0.2.0/24]}]}]"),
			cnp("second", "Admin", 10, subjA+", egress: [{action: Accept, to: [{networks: [192.0.2.128/25]}]}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: cnpObj("second"), Field: "spec.egress[0]", Related: []lint.Object{cnpObj("first")}}}},
		{name: "an AdminNetworkPolicy after a ClusterNetworkPolicy", docs: with(
			anp("a", 10, subjAll+", ingress: [{action: Allow, "+fromAll+"}]"),
			cnp("z", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]")),
			want: []lint.Finding{{Severity: lint.Warning, Object: lint.Object{Kind: "AdminNetworkPolicy", Name: "a"}, Field: "spec.ingress[0]", Related: []lint.Object{cnpObj("z")}}}},
	})
}

func TestBaselineDenyUnrelaxable(t *testing.T) {
	base := cnp("base", "Baseline", 1, subjA+", ingress: [{action: Deny, from: [{namespaces: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [tenant-a, tenant-b]}]}}]}]")
	denyB := cnp("deny-b", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromB+"}]")
	acceptA := cnp("accept-a", "Admin", 20, subjA+", ingress: [{action: Accept, "+fromA+"}]")
	runCases(t, "baseline-deny-unrelaxable", []lintCase{
		{name: "two admin rules decide all of it", docs: with(denyB, acceptA, base),
			want: []lint.Finding{{Severity: lint.Info, Object: cnpObj("base"), Field: "spec.ingress[0]"}}},
		{name: "tenant-a's own traffic is left to NetworkPolicies", docs: with(denyB, base)},
		{name: "Pass leaves it to NetworkPolicies", docs: with(denyB, cnp("accept-a", "Admin", 20, subjA+", ingress: [{action: Pass, "+fromA+"}]"), base)},
		{name: "on one port only", docs: with(denyB, cnp("accept-a", "Admin", 20, subjA+", ingress: [{action: Accept, "+fromA+", "+tcp(8080)+"}]"), base)},
		{name: "one admin rule: tiered-shadowed-rule says it", docs: with(cnp("all", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromAll+"}]"), base)},
	})
}

func TestDomainNamesUnchecked(t *testing.T) {
	runCases(t, "domain-names-unchecked", []lintCase{
		{name: "deny and accept", docs: with(cnp("dns", "Admin", 10, subjAll+", egress: [{action: Accept, to: [{namespaces: {}}]}, {action: Deny, to: [{domainNames: [evil.example.com]}]}, {action: Accept, to: [{domainNames: [\"*.example.org\"]}]}]")),
			want: []lint.Finding{
				{Severity: lint.Warning, Object: cnpObj("dns"), Field: "spec.egress[1].to"},
				{Severity: lint.Info, Object: cnpObj("dns"), Field: "spec.egress[2].to"},
			}},
		{name: "no domain names", docs: with(cnp("dns", "Admin", 10, subjAll+", egress: [{action: Deny, to: [{networks: [192.0.2.0/24]}]}]"))},
	})
}

// TestTieredMessages pins the sentences of the tiered checks.
func TestTieredMessages(t *testing.T) {
	m := compile(t, with(
		cnp("guard", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromB+"}, {action: Accept, "+fromBWeb+"}]"),
		cnp("tie", "Admin", 10, subjA+", ingress: [{action: Accept, "+fromAll+"}]"),
		cnp("tenants", "Admin", 20, subjA+", egress: [{action: Pass, to: [{namespaces: {}}]}, {action: Deny, to: [{domainNames: [evil.example.com]}]}]"),
	))
	var got []string
	for _, f := range lint.Run(m, lint.Disable("no-default-deny-ingress", "no-default-deny-egress")) {
		got = append(got, f.String())
	}
	want := []string{
		"warning[tiered-shadowed-rule] ClusterNetworkPolicy guard spec.ingress[1]: never takes effect: ingress rule 0 of this policy (Deny) comes first in evaluation order and matches every pod, address and port this Accept rule matches",
		"warning[pass-with-nothing-below] ClusterNetworkPolicy tenants spec.egress[0]: passes the egress traffic of 2 pods to NetworkPolicies, but no NetworkPolicy isolates them for egress and no Baseline rule matches the passed peers: it is allowed, as if the rule said Accept",
		"warning[domain-names-unchecked] ClusterNetworkPolicy tenants spec.egress[1].to: domainNames peers (evil.example.com) cannot be checked from manifests: verdicts take them as matching no address, so answers may allow what the cluster denies",
		"warning[admin-priority-tie] ClusterNetworkPolicy tie spec.ingress[0]: has priority 10 like ClusterNetworkPolicy guard, whose ingress rule 0 (Deny) matches some of the same traffic as this rule (Accept): the API leaves their order undefined (this tool evaluates guard first)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestNoDefaultDenyTiered: cluster policies count as a default deny when
// they decide every connection of the direction with every pod (an Admin
// Accept or Deny, or a Baseline one for pods no NetworkPolicy isolates),
// as the model's LeftToDefault says.
func TestNoDefaultDenyTiered(t *testing.T) {
	aPods := []lint.Object{podObj("tenant-a", "db"), podObj("tenant-a", "web")}
	bPods := []lint.Object{podObj("tenant-b", "web")}
	sysPods := []lint.Object{podObj("kube-system", "dns")}
	open := func(ns string, pods []lint.Object) lint.Finding {
		return lint.Finding{Severity: lint.Warning, Object: nsObj(ns), Related: pods}
	}
	webOnly := netpol("tenant-a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress], ingress: [{}]}")
	const toAll = "to: [{namespaces: {}}]"
	runCases(t, "no-default-deny-ingress", []lintCase{
		{name: "no cluster policy", docs: with(), want: []lint.Finding{open("kube-system", sysPods), open("tenant-a", aPods), open("tenant-b", bPods)}},
		{name: "admin deny of every namespace", docs: with(cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "admin accept and deny decide everything", docs: with(cnp("guard", "Admin", 10, subjAll+", ingress: [{action: Accept, "+fromB+"}, {action: Deny, "+fromAll+"}]"))},
		{name: "admin deny of one tenant's subject", docs: with(cnp("deny", "Admin", 10, subjA+", ingress: [{action: Deny, "+fromAll+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-b", bPods)}},
		{name: "admin deny from one namespace only", docs: with(cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromB+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-a", aPods), open("tenant-b", bPods)}},
		{name: "admin deny on one port only", docs: with(cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+", "+tcp(80)+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-a", aPods), open("tenant-b", bPods)}},
		{name: "a Pass first leaves it to NetworkPolicies and the default", docs: with(cnp("pass", "Admin", 10, subjAll+", ingress: [{action: Pass, "+fromAll+"}, {action: Deny, "+fromAll+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-a", aPods), open("tenant-b", bPods)}},
		{name: "a Pass, then a baseline deny", docs: with(
			cnp("pass", "Admin", 10, subjAll+", ingress: [{action: Pass, "+fromAll+"}]"),
			cnp("default-deny", "Baseline", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "baseline deny, and a NetworkPolicy for some pods", docs: with(webOnly, cnp("default-deny", "Baseline", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "baseline deny of one tenant", docs: with(cnp("default-deny", "Baseline", 10, subjA+", ingress: [{action: Deny, "+fromAll+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-b", bPods)}},
		{name: "legacy BaselineAdminNetworkPolicy", docs: with("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}\n")},
		{name: "egress rules do not cover ingress", docs: with(cnp("deny", "Admin", 10, subjAll+", egress: [{action: Deny, "+toAll+"}]")),
			want: []lint.Finding{open("kube-system", sysPods), open("tenant-a", aPods), open("tenant-b", bPods)}},
		{name: "a hostNetwork pod is no pod to cover, nor one to be denied", docs: with(hostPodTenantA, cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]"))},
		{name: "hostNetwork pods as pods: one more pod to cover, and covered", docs: with(hostPodTenantA, cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+"}]")),
			simOpts: []simulate.Option{simulate.HostNetworkPods(simulate.HostNetworkAsPod)}},
		{name: "hostNetwork pods as pods: the pod is no subject of a pods subject that leaves it out", docs: with(hostPodTenantA,
			cnp("deny", "Admin", 10, "subject: {pods: {namespaceSelector: {}, podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [agent]}]}}}, ingress: [{action: Deny, "+fromAll+"}]")),
			simOpts: []simulate.Option{simulate.HostNetworkPods(simulate.HostNetworkAsPod)},
			want:    []lint.Finding{open("tenant-a", []lint.Object{podObj("tenant-a", "agent-0")})}},
	})
	runCases(t, "no-default-deny-egress", []lintCase{
		{name: "baseline deny to every namespace", docs: with(cnp("default-deny", "Baseline", 10, subjAll+", egress: [{action: Deny, "+toAll+"}]"))},
		{name: "admin deny to one tenant", docs: with(cnp("deny", "Admin", 10, subjAll+", egress: [{action: Deny, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: tenant-b}}}]}]")),
			want: []lint.Finding{
				{Severity: lint.Info, Object: nsObj("kube-system"), Related: sysPods},
				{Severity: lint.Info, Object: nsObj("tenant-a"), Related: aPods},
				{Severity: lint.Info, Object: nsObj("tenant-b"), Related: bPods},
			}},
	})
}

// hostPodTenantA is a hostNetwork pod of tenant-a.
var hostPodTenantA = "apiVersion: v1\nkind: Pod\nmetadata: {namespace: tenant-a, name: agent-0, labels: {app: agent}}\nspec: {hostNetwork: true, nodeName: node-1, containers: [{name: c, image: x}]}\nstatus: {podIP: 192.168.0.5}\n"

// TestNoDefaultDenyTieredMessage: a namespace whose pods cluster policies
// cover in part says so, and the hint names the cluster-policy fix.
func TestNoDefaultDenyTieredMessage(t *testing.T) {
	m := compile(t, with(cnp("deny", "Admin", 10, subjAll+", ingress: [{action: Deny, "+fromAll+", "+tcp(80)+"}]")))
	var got []string
	for _, f := range lint.Run(m) {
		if f.Rule == "no-default-deny-ingress" && f.Object == nsObj("tenant-b") {
			got = append(got, f.Message, f.Hint)
		}
	}
	want := []string{
		"the only pod has no default deny for ingress: cluster policies leave connections with some pods to the default (allowed): web",
		"add a NetworkPolicy to namespace tenant-b with podSelector: {} and policyTypes: [Ingress] (a default deny), then allow what each pod needs; or a cluster policy whose subject holds them and whose last ingress rule denies every namespace (Admin tier, or Baseline for pods no NetworkPolicy isolates)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
