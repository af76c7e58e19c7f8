package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// strictJSON decodes js into out, refusing unknown fields so that a typo in
// a test case cannot pass silently.
func strictJSON(t testing.TB, js string, out any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("decoding %s: %v", js, err)
	}
}

// compileTiered compiles a tiered policy given as JSON: kind is "cnp",
// "anp" or "banp".
func compileTiered(t testing.TB, kind, js string, opts ...ClusterOption) (*ClusterPolicy, error) {
	t.Helper()
	switch kind {
	case "cnp":
		var o v1beta1.ClusterNetworkPolicy
		strictJSON(t, js, &o)
		return CompileClusterNetworkPolicy(&o, opts...)
	case "anp":
		var o v1alpha1.AdminNetworkPolicy
		strictJSON(t, js, &o)
		return CompileAdminNetworkPolicy(&o, opts...)
	default:
		var o v1alpha1.BaselineAdminNetworkPolicy
		strictJSON(t, js, &o)
		return CompileBaselineAdminNetworkPolicy(&o, opts...)
	}
}

func named(name, spec string) string {
	return `{"metadata":{"name":"` + name + `"},"spec":` + spec + `}`
}

// TestCompileTieredErrors checks every validation rule of the tiered kinds:
// the exact lines of the error, in spec order.
func TestCompileTieredErrors(t *testing.T) {
	const (
		cnp  = "policy: ClusterNetworkPolicy p: "
		anp  = "policy: AdminNetworkPolicy p: "
		banp = "policy: BaselineAdminNetworkPolicy default: "
		subj = `"subject":{"namespaces":{}}`
	)
	rule := func(dir, body string) string {
		return named("p", `{"tier":"Admin","priority":1,`+subj+`,"`+dir+`":[`+body+`]}`)
	}
	many := func(item string, n int) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }
	tests := []struct {
		name, kind, in string
		want           []string
	}{
		{"name missing", "cnp", `{"metadata":{},"spec":{"tier":"Admin","priority":0,` + subj + `}}`,
			[]string{"policy: ClusterNetworkPolicy : metadata.name: required value"}},
		{"name invalid", "cnp", named("P_1", `{"tier":"Admin","priority":0,`+subj+`}`),
			[]string{`policy: ClusterNetworkPolicy P_1: metadata.name: invalid value "P_1": ` + subdomainMsg}},
		{"tier missing", "cnp", named("p", `{"priority":0,`+subj+`}`),
			[]string{cnp + "spec.tier: required value"}},
		{"tier unknown", "cnp", named("p", `{"tier":"NetworkPolicy","priority":0,`+subj+`}`),
			[]string{cnp + `spec.tier: unsupported value "NetworkPolicy": supported values: "Admin", "Baseline"`}},
		{"priority too high", "cnp", named("p", `{"tier":"Admin","priority":1001,`+subj+`}`),
			[]string{cnp + "spec.priority: invalid value 1001: must be between 0 and 1000, inclusive"}},
		{"priority negative", "anp", named("p", `{"priority":-1,`+subj+`}`),
			[]string{anp + "spec.priority: invalid value -1: must be between 0 and 1000, inclusive"}},
		{"subject empty", "cnp", named("p", `{"tier":"Admin","priority":0,"subject":{}}`),
			[]string{cnp + "spec.subject: must specify exactly one of `namespaces` or `pods`"}},
		{"subject both", "cnp", named("p", `{"tier":"Admin","priority":0,"subject":{"namespaces":{},"pods":{"namespaceSelector":{},"podSelector":{}}}}`),
			[]string{cnp + "spec.subject: may specify only one of `namespaces` or `pods`"}},
		{"subject bad selector", "cnp", named("p", `{"tier":"Admin","priority":0,"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchExpressions":[{"key":"a","operator":"In"}]}}}}`),
			[]string{cnp + "spec.subject.pods.podSelector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'"}},
		{"too many rules", "cnp", rule("ingress", many(`{"action":"Deny","from":[{"namespaces":{}}]}`, 26)),
			[]string{cnp + "spec.ingress: must have at most 25 items"}},
		{"rule name too long", "cnp", rule("ingress", `{"name":"`+strings.Repeat("n", 101)+`","action":"Deny","from":[{"namespaces":{}}]}`),
			[]string{cnp + "spec.ingress[0].name: may not be more than 100 bytes"}},
		{"action missing", "cnp", rule("ingress", `{"from":[{"namespaces":{}}]}`),
			[]string{cnp + "spec.ingress[0].action: required value"}},
		{"action Allow is v1alpha1", "cnp", rule("egress", `{"action":"Allow","to":[{"namespaces":{}}]}`),
			[]string{cnp + `spec.egress[0].action: unsupported value "Allow": supported values: "Accept", "Deny", "Pass"`}},
		{"from missing", "cnp", rule("ingress", `{"action":"Deny"}`),
			[]string{cnp + "spec.ingress[0].from: required value"}},
		{"from empty", "cnp", rule("ingress", `{"action":"Deny","from":[]}`),
			[]string{cnp + "spec.ingress[0].from: must have at least 1 item"}},
		{"too many peers", "cnp", rule("ingress", `{"action":"Deny","from":[`+many(`{"namespaces":{}}`, 26)+`]}`),
			[]string{cnp + "spec.ingress[0].from: must have at most 25 items"}},
		{"peer with no field", "cnp", rule("ingress", `{"action":"Deny","from":[{}]}`),
			[]string{cnp + "spec.ingress[0].from[0]: must specify exactly one of `namespaces` or `pods`"}},
		{"peer with two fields", "cnp", rule("egress", `{"action":"Deny","to":[{"namespaces":{},"networks":["10.0.0.0/8"]}]}`),
			[]string{cnp + "spec.egress[0].to[0]: may specify only one of `namespaces`, `pods`, `nodes`, `networks` or `domainNames`"}},
		{"networks empty", "cnp", rule("egress", `{"action":"Deny","to":[{"networks":[]}]}`),
			[]string{cnp + "spec.egress[0].to[0].networks: must have at least 1 item"}},
		{"networks: 26 CIDRs", "cnp", rule("egress", `{"action":"Deny","to":[{"networks":[`+func() string {
			var s []string
			for i := range 26 {
				s = append(s, `"10.0.`+strconv.Itoa(i)+`.0/24"`)
			}
			return strings.Join(s, ",")
		}()+`]}]}`),
			[]string{cnp + "spec.egress[0].to[0].networks: must have at most 25 items"}},
		{"networks: bad, unmasked, duplicate, too long", "cnp", rule("egress", `{"action":"Deny","to":[{"networks":["10.0.0.0","10.0.0.1/8","fd00::/8","fd00::/8","`+strings.Repeat("1", 44)+`"]}]}`),
			[]string{
				cnp + `spec.egress[0].to[0].networks[0]: invalid value "10.0.0.0": must be a CIDR such as 10.0.0.0/8 or fd00::/8`,
				cnp + `spec.egress[0].to[0].networks[1]: invalid value "10.0.0.1/8": must have no bits set beyond the prefix length (10.0.0.0/8)`,
				cnp + `spec.egress[0].to[0].networks[3]: duplicate value`,
				cnp + `spec.egress[0].to[0].networks[4]: may not be more than 43 bytes`,
			}},
		{"domainNames: bad and duplicate", "cnp", rule("egress", `{"action":"Accept","to":[{"domainNames":["example.com","*.example.com","example.com","a*.example.com"]}]}`),
			[]string{
				cnp + `spec.egress[0].to[0].domainNames[2]: duplicate value`,
				cnp + `spec.egress[0].to[0].domainNames[3]: invalid value "a*.example.com": must be a domain name such as example.com or *.example.com`,
			}},
		{"protocols empty", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[]}`),
			[]string{cnp + "spec.ingress[0].protocols: must have at least 1 item"}},
		{"protocol with no field", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[{}]}`),
			[]string{cnp + "spec.ingress[0].protocols[0]: must specify exactly one of `tcp`, `udp`, `sctp` or `destinationNamedPort`"}},
		{"protocol with two fields", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"number":80}},"udp":{"destinationPort":{"number":53}}}]}`),
			[]string{cnp + "spec.ingress[0].protocols[0]: may specify only one of `tcp`, `udp`, `sctp` or `destinationNamedPort`"}},
		{"tcp without destinationPort", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[{"tcp":{}}]}`),
			[]string{cnp + "spec.ingress[0].protocols[0].tcp.destinationPort: required value"}},
		{"port: neither and both", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[{"udp":{"destinationPort":{}}},{"sctp":{"destinationPort":{"number":1,"range":{"start":1,"end":2}}}}]}`),
			[]string{
				cnp + "spec.ingress[0].protocols[0].udp.destinationPort: must specify exactly one of `number` or `range`",
				cnp + "spec.ingress[0].protocols[1].sctp.destinationPort: may specify only one of `number` or `range`",
			}},
		{"port numbers", "cnp", rule("ingress", `{"action":"Deny","from":[{"namespaces":{}}],"protocols":[{"tcp":{"destinationPort":{"number":65536}}},{"tcp":{"destinationPort":{"range":{"start":0,"end":70000}}}},{"tcp":{"destinationPort":{"range":{"start":80,"end":80}}}}]}`),
			[]string{
				cnp + "spec.ingress[0].protocols[0].tcp.destinationPort.number: invalid value 65536: " + rangeMsg,
				cnp + "spec.ingress[0].protocols[1].tcp.destinationPort.range.start: invalid value 0: " + rangeMsg,
				cnp + "spec.ingress[0].protocols[1].tcp.destinationPort.range.end: invalid value 70000: " + rangeMsg,
				cnp + "spec.ingress[0].protocols[2].tcp.destinationPort.range.end: invalid value 80: must be greater than `start`",
			}},
		{"CEL: named port with networks peer", "cnp", rule("egress", `{"action":"Accept","to":[{"pods":{"namespaceSelector":{},"podSelector":{}}},{"networks":["10.0.0.0/8"]}],"protocols":[{"tcp":{"destinationPort":{"number":80}}},{"destinationNamedPort":"http"}]}`),
			[]string{cnp + "spec.egress[0].protocols[1].destinationNamedPort: may not be used in a rule with nodes, networks or domainNames peers, which have no named ports"}},
		{"several problems in spec order", "cnp", named("p", `{"tier":"x","priority":2000,"subject":{},"egress":[{"action":"Drop","to":[{}]}]}`),
			[]string{
				cnp + `spec.tier: unsupported value "x": supported values: "Admin", "Baseline"`,
				cnp + "spec.priority: invalid value 2000: must be between 0 and 1000, inclusive",
				cnp + "spec.subject: must specify exactly one of `namespaces` or `pods`",
				cnp + `spec.egress[0].action: unsupported value "Drop": supported values: "Accept", "Deny", "Pass"`,
				cnp + "spec.egress[0].to[0]: must specify exactly one of `namespaces`, `pods`, `nodes`, `networks` or `domainNames`",
			}},

		// v1alpha1
		{"anp: too many rules", "anp", named("p", `{"priority":1,`+subj+`,"egress":[`+many(`{"action":"Deny","to":[{"namespaces":{}}]}`, 101)+`]}`),
			[]string{anp + "spec.egress: must have at most 100 items"}},
		{"anp: action Accept is v1beta1", "anp", named("p", `{"priority":1,`+subj+`,"ingress":[{"action":"Accept","from":[{"namespaces":{}}]}]}`),
			[]string{anp + `spec.ingress[0].action: unsupported value "Accept": supported values: "Allow", "Deny", "Pass"`}},
		{"anp: ports", "anp", named("p", `{"priority":1,`+subj+`,"ingress":[{"action":"Allow","from":[{"namespaces":{}}],"ports":[{},{"portNumber":{"protocol":"ICMP","port":0}},{"portRange":{"start":9,"end":3}},{"namedPort":""},{"portNumber":{"port":1},"namedPort":"x"}]}]}`),
			[]string{
				anp + "spec.ingress[0].ports[0]: must specify exactly one of `portNumber`, `namedPort` or `portRange`",
				anp + `spec.ingress[0].ports[1].portNumber.protocol: unsupported value "ICMP": ` + protoMsg,
				anp + "spec.ingress[0].ports[1].portNumber.port: invalid value 0: " + rangeMsg,
				anp + "spec.ingress[0].ports[2].portRange.end: invalid value 3: must be greater than `start`",
				anp + "spec.ingress[0].ports[3].namedPort: required value",
				anp + "spec.ingress[0].ports[4]: may specify only one of `portNumber`, `namedPort` or `portRange`",
			}},
		{"anp: ports empty", "anp", named("p", `{"priority":1,`+subj+`,"ingress":[{"action":"Allow","from":[{"namespaces":{}}],"ports":[]}]}`),
			[]string{anp + "spec.ingress[0].ports: must have at least 1 item"}},
		{"anp: CEL named port with nodes", "anp", named("p", `{"priority":1,`+subj+`,"egress":[{"action":"Allow","to":[{"nodes":{}}],"ports":[{"namedPort":"http"}]}]}`),
			[]string{anp + "spec.egress[0].ports[0].namedPort: may not be used in a rule with nodes, networks or domainNames peers, which have no named ports"}},
		{"banp: name", "banp", named("mine", `{`+subj+`}`),
			[]string{`policy: BaselineAdminNetworkPolicy mine: metadata.name: invalid value "mine": must be "default": a cluster has at most one BaselineAdminNetworkPolicy`}},
		{"banp: no Pass", "banp", named("default", `{`+subj+`,"ingress":[{"action":"Pass","from":[{"namespaces":{}}]}]}`),
			[]string{banp + `spec.ingress[0].action: unsupported value "Pass": supported values: "Allow", "Deny"`}},
		{"banp: peer fields", "banp", named("default", `{`+subj+`,"egress":[{"action":"Deny","to":[{}]}]}`),
			[]string{banp + "spec.egress[0].to[0]: must specify exactly one of `namespaces`, `pods`, `nodes` or `networks`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compileTiered(t, tc.kind, tc.in)
			if err == nil {
				t.Fatalf("compiled to %s, want errors", p)
			}
			if p != nil {
				t.Errorf("got a policy with the error: %s", p)
			}
			var perr *Error
			if !errors.As(err, &perr) || perr.Kind == "" {
				t.Errorf("error %T is not an *Error with Kind", err)
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileTieredNormalForm checks the compiled form of valid policies.
func TestCompileTieredNormalForm(t *testing.T) {
	all := sel(t, "{}")
	tests := []struct {
		name, kind, in string
		opts           []ClusterOption
		want           *ClusterPolicy
	}{
		{
			name: "cnp with every peer and port kind",
			kind: "cnp",
			in: named("guard", `{"tier":"Baseline","priority":7,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"team":"a"}},"podSelector":{"matchLabels":{"app":"db"}}}},
				"ingress":[{"name":"from-b","action":"Pass","from":[{"namespaces":{"matchLabels":{"team":"b"}}}],"protocols":[{"destinationNamedPort":"pg"},{"udp":{"destinationPort":{"range":{"start":53,"end":54}}}}]}],
				"egress":[{"action":"Deny","to":[{"nodes":{}},{"networks":["10.0.0.0/8","::ffff:192.168.0.0/112"]},{"domainNames":["example.com"]},{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"x"}}}}],"protocols":[{"sctp":{"destinationPort":{"number":9}}}]}]}`),
			want: &ClusterPolicy{
				Kind: KindClusterNetworkPolicy, Name: "guard", Tier: Baseline, Priority: 7,
				Subject: ClusterSubject{Namespaces: sel(t, `{"matchLabels":{"team":"a"}}`), Pods: sel(t, `{"matchLabels":{"app":"db"}}`)},
				IngressRules: []ClusterRule{{Name: "from-b", Action: Pass,
					Peers: []ClusterPeer{{Kind: PeerNamespaces, Namespaces: sel(t, `{"matchLabels":{"team":"b"}}`), Pods: all}},
					Ports: []Port{{Name: "pg"}, {Protocol: corev1.ProtocolUDP, Start: 53, End: 54}}}},
				EgressRules: []ClusterRule{{Action: Deny,
					Peers: []ClusterPeer{
						{Kind: PeerNodes, Nodes: all},
						{Kind: PeerNetworks, Networks: []netip.Prefix{prefix("10.0.0.0/8"), prefix("192.168.0.0/16")}},
						{Kind: PeerDomainNames, DomainNames: []string{"example.com"}},
						{Kind: PeerPods, Namespaces: all, Pods: sel(t, `{"matchLabels":{"app":"x"}}`)},
					},
					Ports: []Port{{Protocol: corev1.ProtocolSCTP, Start: 9, End: 9}}}},
			},
		},
		{
			name: "anp: Allow is Accept, protocol defaults to TCP",
			kind: "anp",
			in:   named("a", `{"priority":3,"subject":{"namespaces":{}},"egress":[{"action":"Allow","to":[{"namespaces":{}}],"ports":[{"portNumber":{"protocol":"","port":80}},{"portRange":{"protocol":"UDP","start":1,"end":9}},{"namedPort":"dns"}]}]}`),
			want: &ClusterPolicy{
				Kind: KindAdminNetworkPolicy, Name: "a", Tier: Admin, Priority: 3,
				Subject: ClusterSubject{Namespaces: all, Pods: all},
				EgressRules: []ClusterRule{{Action: Accept, Peers: []ClusterPeer{{Kind: PeerNamespaces, Namespaces: all, Pods: all}},
					Ports: []Port{{Protocol: corev1.ProtocolTCP, Start: 80, End: 80}, {Protocol: corev1.ProtocolUDP, Start: 1, End: 9}, {Name: "dns"}}}},
			},
		},
		{
			name: "banp",
			kind: "banp",
			in:   named("default", `{"subject":{"namespaces":{}},"ingress":[{"action":"Deny","from":[{"namespaces":{}}]}]}`),
			want: &ClusterPolicy{
				Kind: KindBaselineAdminNetworkPolicy, Name: "default", Tier: Baseline,
				Subject:      ClusterSubject{Namespaces: all, Pods: all},
				IngressRules: []ClusterRule{{Action: Deny, Peers: []ClusterPeer{{Kind: PeerNamespaces, Namespaces: all, Pods: all}}}},
			},
		},
		{
			name: "fail closed: Accept matches nothing, Pass becomes deny all",
			kind: "cnp",
			in: named("fc", `{"tier":"Admin","priority":0,"subject":{"namespaces":{}},
				"egress":[{"action":"Accept","to":[{},{"namespaces":{}}]},{"action":"Pass","to":[{}],"protocols":[{"tcp":{"destinationPort":{"number":1}}}]}]}`),
			opts: []ClusterOption{EmptyPeersFailClosed()},
			want: &ClusterPolicy{
				Kind: KindClusterNetworkPolicy, Name: "fc", Tier: Admin,
				Subject: ClusterSubject{Namespaces: all, Pods: all},
				EgressRules: []ClusterRule{
					{Action: Accept, FailClosed: true, Peers: []ClusterPeer{{Kind: PeerNamespaces, Namespaces: all, Pods: all}}},
					{Action: Deny, FailClosed: true},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := compileTiered(t, tc.kind, tc.in, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpOpts); diff != "" {
				t.Errorf("compiled (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClusterPolicyStrings pins the renderings used in messages.
func TestClusterPolicyStrings(t *testing.T) {
	p, err := compileTiered(t, "cnp", named("guard", `{"tier":"Admin","priority":10,"subject":{"namespaces":{"matchLabels":{"team":"a"}}},
		"egress":[{"action":"Deny","to":[{"networks":["10.0.0.0/8"]},{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"x"}}}},{"nodes":{}},{"domainNames":["a.example","b.example"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var peers []string
	for _, peer := range p.EgressRules[0].Peers {
		peers = append(peers, peer.String())
	}
	got := append([]string{p.String(), p.ID(), p.DisplayName(), p.Subject.String()}, peers...)
	want := []string{
		"Admin ClusterNetworkPolicy guard (priority 10, namespaces(team=a)): egress 1 rule",
		"ClusterNetworkPolicy/guard", "guard", "namespaces(team=a)",
		"networks(10.0.0.0/8)", "pods(<all>/app=x)", "nodes(<all>)", "domainNames(a.example,b.example)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	b, err := compileTiered(t, "banp", named("default", `{"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"a":"b"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "Baseline BaselineAdminNetworkPolicy default (pods(<all>/a=b)): no rules"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got, want := b.DisplayName(), "BaselineAdminNetworkPolicy/default"; got != want {
		t.Errorf("DisplayName = %q, want %q", got, want)
	}
	if got := (Port{Name: "http"}).String(); got != "http" {
		t.Errorf("named tiered port renders %q", got)
	}
}

// TestCompareClusterPolicies pins the evaluation order, ties included.
func TestCompareClusterPolicies(t *testing.T) {
	ps := []*ClusterPolicy{
		{Kind: KindBaselineAdminNetworkPolicy, Name: "default", Tier: Baseline},
		{Kind: KindClusterNetworkPolicy, Name: "z", Tier: Baseline, Priority: 1000},
		{Kind: KindAdminNetworkPolicy, Name: "a", Tier: Admin, Priority: 5},
		{Kind: KindClusterNetworkPolicy, Name: "b", Tier: Admin, Priority: 5},
		{Kind: KindClusterNetworkPolicy, Name: "a", Tier: Admin, Priority: 5},
		{Kind: KindClusterNetworkPolicy, Name: "late", Tier: Admin, Priority: 900},
		{Kind: KindClusterNetworkPolicy, Name: "first", Tier: Admin, Priority: 0},
	}
	slices.SortFunc(ps, CompareClusterPolicies)
	var got []string
	for _, p := range ps {
		got = append(got, p.ID())
	}
	want := []string{"ClusterNetworkPolicy/first", "ClusterNetworkPolicy/a", "ClusterNetworkPolicy/b", "AdminNetworkPolicy/a",
		"ClusterNetworkPolicy/late", "ClusterNetworkPolicy/z", "BaselineAdminNetworkPolicy/default"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
