package policy

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/selector"
)

// TestCompileNormalizes checks the normalized form: policyTypes defaulting,
// nil versus empty rule parts, the peer forms, ipBlocks and ports.
func TestCompileNormalizes(t *testing.T) {
	all := selector.Everything()
	anyPort := Port{Protocol: corev1.ProtocolTCP, Start: 1, End: 65535}
	tcp := func(start, end int32) Port { return Port{Protocol: corev1.ProtocolTCP, Start: start, End: end} }
	appDB := sel(t, `{"matchLabels":{"app":"db"}}`)
	appAPI := sel(t, `{"matchLabels":{"app":"api"}}`)
	teamX := sel(t, `{"matchLabels":{"team":"x"}}`)

	tests := []struct {
		name string
		spec string
		want Policy // Namespace and Name are filled in
	}{
		// policyTypes and rule lists
		{
			name: "no rules, no policyTypes: deny ingress",
			spec: `{"podSelector":{"matchLabels":{"app":"db"}}}`,
			want: Policy{Subject: appDB, Ingress: true},
		},
		{
			name: "empty ingress and egress lists, no policyTypes: deny ingress only",
			spec: `{"podSelector":{},"ingress":[],"egress":[],"policyTypes":[]}`,
			want: Policy{Subject: all, Ingress: true},
		},
		{
			name: "egress rules imply Egress",
			spec: `{"podSelector":{},"egress":[{}]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true, EgressRules: []Rule{{}}},
		},
		{
			name: "explicit Egress only: ingress rules dropped",
			spec: `{"podSelector":{},"ingress":[{}],"policyTypes":["Egress"]}`,
			want: Policy{Subject: all, Egress: true, IgnoredIngress: 1},
		},
		{
			name: "explicit Ingress only: egress rules dropped",
			spec: `{"podSelector":{},"ingress":[{}],"egress":[{}],"policyTypes":["Ingress"]}`,
			want: Policy{Subject: all, Ingress: true, IngressRules: []Rule{{}}, IgnoredEgress: 1},
		},
		{
			name: "explicit both, no rules: deny both",
			spec: `{"podSelector":{},"policyTypes":["Ingress","Egress"]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true},
		},
		{
			name: "duplicate policyTypes",
			spec: `{"podSelector":{},"policyTypes":["Egress","Egress"]}`,
			want: Policy{Subject: all, Egress: true},
		},
		{
			name: "absent and empty from, to and ports are nil",
			spec: `{"podSelector":{},"ingress":[{},{"from":[],"ports":[]}],"egress":[{"to":[],"ports":[]},{}]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true, IngressRules: []Rule{{}, {}}, EgressRules: []Rule{{}, {}}},
		},

		// peers
		{
			name: "peer forms",
			spec: `{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[
				{"podSelector":{"matchLabels":{"app":"api"}}},
				{"podSelector":{}},
				{"namespaceSelector":{"matchLabels":{"team":"x"}}},
				{"namespaceSelector":{}},
				{"namespaceSelector":{"matchLabels":{"team":"x"}},"podSelector":{"matchLabels":{"app":"api"}}}]}]}`,
			want: Policy{Subject: appDB, Ingress: true, IngressRules: []Rule{{Peers: []Peer{
				{Pods: &PodPeer{SameNamespace: true, Pods: appAPI}},
				{Pods: &PodPeer{SameNamespace: true, Pods: all}},
				{Pods: &PodPeer{Namespaces: teamX, Pods: all}},
				{Pods: &PodPeer{Namespaces: all, Pods: all}},
				{Pods: &PodPeer{Namespaces: teamX, Pods: appAPI}},
			}}}},
		},
		{
			name: "IPv4 and IPv6 ipBlocks, masked, with except",
			spec: `{"podSelector":{},"egress":[{"to":[
				{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16","10.2.3.4/24"]}},
				{"ipBlock":{"cidr":"192.168.1.1/24"}},
				{"ipBlock":{"cidr":"2001:db8::1/32","except":["2001:db8:1::/48"]}},
				{"ipBlock":{"cidr":"0.0.0.0/0","except":[]}}]}]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true, EgressRules: []Rule{{Peers: []Peer{
				{IPBlock: &IPBlock{CIDR: prefix("10.0.0.0/8"), Except: []netip.Prefix{prefix("10.1.0.0/16"), prefix("10.2.3.0/24")}}},
				{IPBlock: &IPBlock{CIDR: prefix("192.168.1.0/24")}},
				{IPBlock: &IPBlock{CIDR: prefix("2001:db8::/32"), Except: []netip.Prefix{prefix("2001:db8:1::/48")}}},
				{IPBlock: &IPBlock{CIDR: prefix("0.0.0.0/0")}},
			}}}},
		},
		{
			name: "sloppy CIDRs as the API server reads them",
			spec: `{"podSelector":{},"egress":[{"to":[
				{"ipBlock":{"cidr":"010.000.0.1/08","except":["10.001.0.0/16"]}},
				{"ipBlock":{"cidr":"::ffff:10.0.0.0/104","except":["::ffff:10.1.0.0/112"]}},
				{"ipBlock":{"cidr":"10.0.0.0/8","except":["::ffff:10.1.0.0/112"]}},
				{"ipBlock":{"cidr":"2001:DB8:0:0::/32"}},
				{"ipBlock":{"cidr":"fd00::/120"}},
				{"ipBlock":{"cidr":"::ffff:0.0.0.0/96"}}]}]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true, EgressRules: []Rule{{Peers: []Peer{
				{IPBlock: &IPBlock{CIDR: prefix("10.0.0.0/8"), Except: []netip.Prefix{prefix("10.1.0.0/16")}}},
				{IPBlock: &IPBlock{CIDR: prefix("10.0.0.0/8"), Except: []netip.Prefix{prefix("10.1.0.0/16")}}},
				{IPBlock: &IPBlock{CIDR: prefix("10.0.0.0/8"), Except: []netip.Prefix{prefix("10.1.0.0/16")}}},
				{IPBlock: &IPBlock{CIDR: prefix("2001:db8::/32")}},
				// Long IPv6 prefixes stay IPv6; only IPv4-mapped ones of
				// 96 bits or more are read as IPv4.
				{IPBlock: &IPBlock{CIDR: prefix("fd00::/120")}},
				{IPBlock: &IPBlock{CIDR: prefix("0.0.0.0/0")}},
			}}}},
		},

		// ports
		{
			name: "port defaulting, ranges and named ports",
			spec: `{"podSelector":{},"ingress":[{"ports":[
				{},
				{"protocol":"UDP"},
				{"port":5432},
				{"protocol":"TCP","port":8000,"endPort":8080},
				{"port":"http"},
				{"protocol":"SCTP","port":"sig-2"},
				{"protocol":"UDP","port":53,"endPort":53},
				{"port":1,"endPort":65535}]}]}`,
			want: Policy{Subject: all, Ingress: true, IngressRules: []Rule{{Ports: []Port{
				anyPort,
				{Protocol: corev1.ProtocolUDP, Start: 1, End: 65535},
				tcp(5432, 5432),
				tcp(8000, 8080),
				{Protocol: corev1.ProtocolTCP, Name: "http"},
				{Protocol: corev1.ProtocolSCTP, Name: "sig-2"},
				{Protocol: corev1.ProtocolUDP, Start: 53, End: 53},
				anyPort,
			}}}},
		},
		{
			name: "rules keep spec order",
			spec: `{"podSelector":{},
				"ingress":[{"ports":[{"port":2}]},{"ports":[{"port":1}],"from":[{"podSelector":{}}]}],
				"egress":[{"ports":[{"port":4}]},{"ports":[{"port":3},{"port":5}]}]}`,
			want: Policy{Subject: all, Ingress: true, Egress: true,
				IngressRules: []Rule{
					{Ports: []Port{tcp(2, 2)}},
					{Ports: []Port{tcp(1, 1)}, Peers: []Peer{{Pods: &PodPeer{SameNamespace: true, Pods: all}}}},
				},
				EgressRules: []Rule{
					{Ports: []Port{tcp(4, 4)}},
					{Ports: []Port{tcp(3, 3), tcp(5, 5)}},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compile(decode(t, shopDB(tt.spec)))
			if err != nil {
				t.Fatalf("Compile failed:\n%v", err)
			}
			want := tt.want
			want.Namespace, want.Name = "shop", "db"
			if diff := cmp.Diff(&want, got, cmpOpts); diff != "" {
				t.Errorf("Compile (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileSelectorNilVersusEmpty checks that spec.podSelector and a peer's
// present selectors keep the nil/empty distinction of package selector, while
// an absent peer podSelector means every pod.
func TestCompileSelectorNilVersusEmpty(t *testing.T) {
	got, err := Compile(decode(t, shopDB(`{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{}}},{"podSelector":{"matchExpressions":[]}}]}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Subject.MatchesEverything() {
		t.Errorf("Subject = %v, want everything", got.Subject)
	}
	for i, p := range got.IngressRules[0].Peers {
		if !p.Pods.Pods.MatchesEverything() {
			t.Errorf("peer %d: Pods = %v, want everything", i, p.Pods.Pods)
		}
	}
	if ns := got.IngressRules[0].Peers[0].Pods.Namespaces; !ns.MatchesEverything() {
		t.Errorf("peer 0: Namespaces = %v, want everything", ns)
	}
	if got.IngressRules[0].Peers[0].Pods.SameNamespace {
		t.Error("peer 0: SameNamespace with a namespaceSelector")
	}
	if p := got.IngressRules[0].Peers[1].Pods; !p.SameNamespace || !p.Namespaces.MatchesNothing() {
		t.Errorf("peer 1 = %+v, want SameNamespace and no namespace selector", p)
	}
}

// TestCompileDoesNotAlias checks that the result shares no memory with the
// input: changing the input afterwards changes nothing.
func TestCompileDoesNotAlias(t *testing.T) {
	np := decode(t, shopDB(`{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}],"ports":[{"port":"http"}]}]}`))
	p, err := Compile(np)
	if err != nil {
		t.Fatal(err)
	}
	before := p.String() + p.IngressRules[0].Peers[0].String() + p.IngressRules[0].Ports[0].String()
	np.Spec.PodSelector.MatchLabels["app"] = "web"
	np.Spec.Ingress[0].From[0].IPBlock.Except[0] = "10.2.0.0/16"
	np.Spec.Ingress[0].Ports[0].Port.StrVal = "https"
	np.Name = "other"
	after := p.String() + p.IngressRules[0].Peers[0].String() + p.IngressRules[0].Ports[0].String()
	if before != after {
		t.Errorf("compiled policy changed with its input: %q became %q", before, after)
	}
}

// TestCompileDeterministic compiles the same policy twice and compares the
// errors and the results.
func TestCompileDeterministic(t *testing.T) {
	for _, in := range []string{
		shopDB(`{"podSelector":{"matchLabels":{"b":"-","a":"-","c":"ok"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"z":"!","y":"!"}}}]}]}`),
		shopDB(`{"podSelector":{"matchLabels":{"b":"1","a":"2"}},"egress":[{"to":[{"namespaceSelector":{"matchLabels":{"z":"1","y":"2"}}}]}]}`),
	} {
		p1, err1 := Compile(decode(t, in))
		for range 20 {
			p2, err2 := Compile(decode(t, in))
			if diff := cmp.Diff(p1, p2, cmpOpts); diff != "" {
				t.Fatalf("two compilations differ (-first +second):\n%s", diff)
			}
			if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
				t.Fatalf("two compilations fail differently:\n%v\n%v", err1, err2)
			}
		}
	}
}
