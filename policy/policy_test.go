package policy

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/selector"
)

func TestIPBlockContains(t *testing.T) {
	v4 := IPBlock{CIDR: prefix("10.0.0.0/8"), Except: []netip.Prefix{prefix("10.1.0.0/16"), prefix("10.255.255.255/32")}}
	v6 := IPBlock{CIDR: prefix("2001:db8::/32"), Except: []netip.Prefix{prefix("2001:db8:ffff::/48")}}
	all4 := IPBlock{CIDR: prefix("0.0.0.0/0")}
	all6 := IPBlock{CIDR: prefix("::/0")}
	tests := []struct {
		block IPBlock
		addr  string
		want  bool
	}{
		{v4, "10.0.0.0", true},
		{v4, "9.255.255.255", false},
		{v4, "11.0.0.0", false},
		{v4, "10.0.255.255", true},
		{v4, "10.1.0.0", false},
		{v4, "10.1.255.255", false},
		{v4, "10.2.0.0", true},
		{v4, "10.255.255.254", true},
		{v4, "10.255.255.255", false},
		{v4, "::ffff:10.0.0.1", true},  // IPv4-mapped: read as IPv4
		{v4, "::ffff:10.1.0.1", false}, // and excepted as IPv4
		{v4, "::a00:1", false},         // IPv4-compatible is plain IPv6
		{v6, "2001:db8::", true},
		{v6, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{v6, "2001:db8:fffe:ffff:ffff:ffff:ffff:ffff", true},
		{v6, "2001:db8:ffff::", false},
		{v6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{v6, "2001:db9::", false},
		{v6, "2001:db8::1%eth0", true}, // the zone is ignored
		{v6, "10.0.0.1", false},
		{all4, "0.0.0.0", true},
		{all4, "255.255.255.255", true},
		{all4, "::", false},
		{all4, "::ffff:1.2.3.4", true},
		{all6, "::", true},
		{all6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{all6, "1.2.3.4", false},
		{all6, "::ffff:1.2.3.4", false}, // an IPv4 address in IPv6 clothing
		{IPBlock{}, "0.0.0.0", false},
		{IPBlock{}, "::", false},
	}
	for _, tt := range tests {
		if got := tt.block.Contains(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("%v Contains %s = %v, want %v", tt.block, tt.addr, got, tt.want)
		}
	}
	if v4.Contains(netip.Addr{}) || all6.Contains(netip.Addr{}) {
		t.Error("the zero Addr is contained")
	}
}

func TestPortString(t *testing.T) {
	tests := []struct {
		port Port
		want string
	}{
		{Port{Protocol: corev1.ProtocolTCP, Start: 5432, End: 5432}, "TCP/5432"},
		{Port{Protocol: corev1.ProtocolUDP, Start: 8000, End: 8080}, "UDP/8000-8080"},
		{Port{Protocol: corev1.ProtocolTCP, Name: "http"}, "TCP/http"},
		{Port{Protocol: corev1.ProtocolSCTP, Start: 1, End: 65535}, "SCTP/*"},
		{Port{Protocol: corev1.ProtocolTCP, Start: 1, End: 1}, "TCP/1"},
		{Port{Protocol: corev1.ProtocolTCP, Start: 2, End: 65535}, "TCP/2-65535"},
		{Port{Protocol: corev1.ProtocolUDP, Start: 65535, End: 65535}, "UDP/65535"},
	}
	for _, tt := range tests {
		if got := tt.port.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.port, got, tt.want)
		}
	}
}

func TestPeerString(t *testing.T) {
	app := sel(t, `{"matchLabels":{"app":"api"}}`)
	tests := []struct {
		peer Peer
		want string
	}{
		{Peer{Pods: &PodPeer{SameNamespace: true, Pods: app}}, "pods(app=api)"},
		{Peer{Pods: &PodPeer{Namespaces: selector.Everything(), Pods: selector.Everything()}}, "namespaces(<all>) pods(<all>)"},
		{Peer{IPBlock: &IPBlock{CIDR: prefix("10.0.0.0/8")}}, "ipBlock(10.0.0.0/8)"},
		{Peer{IPBlock: &IPBlock{CIDR: prefix("2001:db8::/32"), Except: []netip.Prefix{prefix("2001:db8:1::/48"), prefix("2001:db8:2::/48")}}}, "ipBlock(2001:db8::/32 except 2001:db8:1::/48,2001:db8:2::/48)"},
		{Peer{}, "<invalid peer>"},
	}
	for _, tt := range tests {
		if got := tt.peer.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestPolicyStringAndID(t *testing.T) {
	tests := []struct {
		spec, want string
	}{
		{`{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{},{}]}`, "shop/db (app=db): ingress 2 rules"},
		{`{"podSelector":{},"egress":[{}]}`, "shop/db (<all>): ingress deny all, egress 1 rule"},
		{`{"podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]}]},"policyTypes":["Egress"]}`, "shop/db (tier in (a,b)): egress deny all"},
	}
	for _, tt := range tests {
		p, err := Compile(decode(t, shopDB(tt.spec)))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, p.String()); diff != "" {
			t.Errorf("String (-want +got):\n%s", diff)
		}
		if p.ID() != "shop/db" {
			t.Errorf("ID() = %q, want shop/db", p.ID())
		}
	}
}
