package lint_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/lint"
)

func TestSeverity(t *testing.T) {
	for _, c := range []struct {
		in   string
		want lint.Severity
	}{{"info", lint.Info}, {"warning", lint.Warning}, {"ERROR", lint.Error}, {"Warning", lint.Warning}} {
		got, err := lint.ParseSeverity(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := lint.ParseSeverity("fatal"); err == nil || err.Error() != `lint: severity "fatal": want info, warning or error` {
		t.Errorf("ParseSeverity(fatal): %v", err)
	}
	if !(lint.Info < lint.Warning && lint.Warning < lint.Error) {
		t.Error("severities out of order")
	}
	if got := []string{lint.Info.String(), lint.Warning.String(), lint.Error.String(), lint.Severity(7).String()}; !cmp.Equal(got, []string{"info", "warning", "error", "Severity(7)"}) {
		t.Errorf("String: %q", got)
	}
	b, err := json.Marshal([]lint.Severity{lint.Error, lint.Info})
	if err != nil || string(b) != `["error","info"]` {
		t.Errorf("Marshal: %s, %v", b, err)
	}
	var back []lint.Severity
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(back, []lint.Severity{lint.Error, lint.Info}) {
		t.Errorf("Unmarshal: %v, %v", back, err)
	}
	if _, err := json.Marshal(lint.Severity(-1)); err == nil {
		t.Error("Marshal(Severity(-1)): no error")
	}
}

func TestFindingString(t *testing.T) {
	f := lint.Finding{Rule: "named-port-unserved", Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.ingress[0].ports[1]", Message: "m"}
	if got, want := f.String(), "warning[named-port-unserved] NetworkPolicy a/web spec.ingress[0].ports[1]: m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	f = lint.Finding{Rule: "no-default-deny-egress", Severity: lint.Info, Object: nsObj("a"), Message: "m"}
	if got, want := f.String(), "info[no-default-deny-egress] Namespace a: m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRules(t *testing.T) {
	var ids []string
	for _, r := range lint.Rules() {
		ids = append(ids, r.ID)
		if r.Summary == "" {
			t.Errorf("%s has no summary", r.ID)
		}
	}
	want := []string{"no-default-deny-ingress", "no-default-deny-egress", "exposed-service", "policy-selects-nothing",
		"peer-matches-nothing", "shadowed-rule", "egress-blocks-dns", "named-port-unserved",
		"service-selects-nothing", "target-port-unserved", "allow-all-rule", "policy-types-ignore-rules", "port-name-repeated",
		"tiered-shadowed-rule", "pass-with-nothing-below", "admin-priority-tie", "baseline-deny-unrelaxable", "domain-names-unchecked"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("Rules (-want +got):\n%s", diff)
	}
}

// TestMessages pins the sentences of one finding of each check.
func TestMessages(t *testing.T) {
	docs := []string{web, web1, api, db, dnsPod,
		service("a", "api", "{selector: {app: api}, ports: [{port: 80, targetPort: http}]}"),
		service("a", "db", "{type: NodePort, selector: {app: db}, ports: [{port: 5432, targetPort: pg, nodePort: 30432}]}"),
		netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}, {ports: [{port: http}, {port: https}]}], egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}]}"),
		netpol("a", "gone", "{podSelector: {matchLabels: {app: gone}}}"),
		netpol("a", "db", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: wbe}}}]}]}"),
	}
	got := lint.Run(compile(t, docs))
	want := []lint.Finding{
		{Rule: "egress-blocks-dns", Severity: lint.Error, Object: nsObj("a"),
			Message: "web-0, web-1 reach pods through Services but cannot reach DNS (pods k8s-app=kube-dns in kube-system) on UDP/53; egress isolated by a/web",
			Hint:    "allow egress on UDP/53 and TCP/53 to namespaceSelector {matchLabels: {kubernetes.io/metadata.name: kube-system}} with podSelector {matchLabels: {k8s-app: kube-dns}}",
			Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0"), podObj("a", "web-1")}},
		{Rule: "no-default-deny-egress", Severity: lint.Info, Object: nsObj("a"),
			Message: "2 of 4 pods are not isolated for egress and may open connections to any pod or address: api-0, db-0",
			Hint:    "add a NetworkPolicy to namespace a with podSelector: {} and policyTypes: [Egress] (a default deny), then allow what each pod needs",
			Related: []lint.Object{podObj("a", "api-0"), podObj("a", "db-0")}},
		{Rule: "no-default-deny-ingress", Severity: lint.Warning, Object: nsObj("a"),
			Message: "1 of 4 pods is not isolated for ingress and accepts connections from any pod or address: api-0",
			Hint:    "add a NetworkPolicy to namespace a with podSelector: {} and policyTypes: [Ingress] (a default deny), then allow what each pod needs",
			Related: []lint.Object{podObj("a", "api-0")}},
		{Rule: "peer-matches-nothing", Severity: lint.Warning, Object: polObj("a", "db"), Field: "spec.ingress[0].from",
			Message: "no pod matches pods(app=wbe), so the rule allows nothing",
			Hint:    "make the selectors match the peers' labels (a namespaceSelector matches namespace labels, such as kubernetes.io/metadata.name), or remove the rule"},
		{Rule: "policy-selects-nothing", Severity: lint.Warning, Object: polObj("a", "gone"), Field: "spec.podSelector",
			Message: "podSelector app=gone selects none of the 4 pods of namespace a, so the policy applies to none",
			Hint:    "make spec.podSelector match the labels of the pods it is meant for, or delete the policy if they are gone"},
		{Rule: "shadowed-rule", Severity: lint.Info, Object: polObj("a", "web"), Field: "spec.ingress[0]",
			Message: "spec.ingress[1] of this policy already allows every peer and port this rule allows",
			Hint:    "remove the rule, or change it if it was meant to allow something the other rule does not"},
		{Rule: "named-port-unserved", Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.ingress[1].ports[1]",
			Message: `no pod the policy selects serves a TCP port named "https", so TCP/https matches nothing`,
			Hint:    "use the name of a container port of those pods (name and protocol must both match), or the port number"},
		{Rule: "exposed-service", Severity: lint.Warning, Object: svcObj("a", "db"),
			Message: "NodePort Service lets any address outside the cluster reach db-0 on TCP/5432 through node port TCP/30432",
			Hint:    "make it a ClusterIP Service published through an Ingress; with externalTrafficPolicy Cluster the backends see a node's address, which no NetworkPolicy can filter, so use Local and ipBlock ingress rules to admit only client ranges",
			Related: []lint.Object{podObj("a", "db-0")}},
		{Rule: "no-default-deny-egress", Severity: lint.Info, Object: nsObj("kube-system"),
			Message: "the only pod is not isolated for egress and may open connections to any pod or address: coredns-0",
			Hint:    "add a NetworkPolicy to namespace kube-system with podSelector: {} and policyTypes: [Egress] (a default deny), then allow what each pod needs",
			Related: []lint.Object{podObj("kube-system", "coredns-0")}},
		{Rule: "no-default-deny-ingress", Severity: lint.Warning, Object: nsObj("kube-system"),
			Message: "the only pod is not isolated for ingress and accepts connections from any pod or address: coredns-0",
			Hint:    "add a NetworkPolicy to namespace kube-system with podSelector: {} and policyTypes: [Ingress] (a default deny), then allow what each pod needs",
			Related: []lint.Object{podObj("kube-system", "coredns-0")}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestDisable(t *testing.T) {
	docs := []string{web, netpol("a", "gone", "{podSelector: {matchLabels: {app: gone}}}")}
	m := compile(t, docs)
	all := lint.Run(m)
	var ids []string
	for _, f := range all {
		ids = append(ids, f.Rule)
	}
	got := lint.Run(m, lint.Disable(ids...), lint.Disable("no-such-check"))
	if len(all) == 0 || len(got) != 0 {
		t.Errorf("before disabling %d findings, after %v", len(all), got)
	}
}

func TestEmptyModel(t *testing.T) {
	if got := lint.Run(compile(t, nil)); len(got) != 0 {
		t.Errorf("findings on an empty cluster: %v", got)
	}
}

func TestDNSWithoutDNSPodsMessage(t *testing.T) {
	docs := []string{web, api, service("a", "api", "{selector: {app: api}, ports: [{port: 80, targetPort: http}]}"),
		netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}, {ports: [{port: 53, protocol: UDP}]}]}")}
	got := ofRule(lint.Run(compile(t, docs)), "egress-blocks-dns")
	want := []string{"warning[egress-blocks-dns] Namespace a: web-0 reaches pods through Services but cannot reach DNS (judged against a pod k8s-app=kube-dns in kube-system, as these manifests have none) on TCP/53 (answers too large for UDP fall back to it); egress isolated by a/web"}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
