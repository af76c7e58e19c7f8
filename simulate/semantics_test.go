package simulate

import (
	"net/netip"

	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/policy"
)

// TestExposureEmptyIPBlock: a rule whose except ranges cover its whole
// ipBlock admits no address, so its ports are not part of the Direct route
// (nor of outbound access), while a rule beside it still counts.
func TestExposureEmptyIPBlock(t *testing.T) {
	covered := &networkingv1.IPBlock{CIDR: "203.0.113.0/24", Except: []string{"203.0.113.0/25", "203.0.113.128/26", "203.0.113.192/26"}}
	almost := &networkingv1.IPBlock{CIDR: "198.51.100.0/24", Except: []string{"198.51.100.0/25", "198.51.100.128/26", "198.51.100.192/27"}}
	c := Cluster{
		Pods: []corev1.Pod{mkPod("web", "web-0", "10.0.0.10", map[string]string{"app": "web"})},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("web", "web", map[string]string{"app": "web"}, func(s *networkingv1.NetworkPolicySpec) {
			s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{
				{From: []networkingv1.NetworkPolicyPeer{{IPBlock: covered}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(80))}},
				{From: []networkingv1.NetworkPolicyPeer{{IPBlock: almost}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(443))}},
			}
			s.Egress = []networkingv1.NetworkPolicyEgressRule{
				{To: []networkingv1.NetworkPolicyPeer{{IPBlock: covered}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolUDP, intstr.FromInt32(53))}},
			}
		})},
	}
	m := mustCompile(t, c)
	e := m.Exposure()[0]
	want := []routeFact{{Kind: RouteDirect, Entry: "TCP/443", Pod: "TCP/443", Sources: "198.51.100.0/24 except 198.51.100.0/25,198.51.100.128/26,198.51.100.192/27"}}
	if diff := cmp.Diff(want, facts(e)); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	if len(e.Outbound) != 0 {
		t.Errorf("outbound = %+v, want none", e.Outbound)
	}
}

func TestBlockCovered(t *testing.T) {
	for _, tc := range []struct {
		cidr   string
		except []string
		want   bool
	}{
		{"10.0.0.0/24", nil, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25"}, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.0/25"}, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/25"}, true},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/26", "10.0.0.192/27"}, true},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/27", "10.0.0.224/28"}, false},
		{"10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/26", "10.0.0.128/27", "10.0.0.160/27"}, false},
		{"fd00::/120", []string{"fd00::/121", "fd00::80/121"}, true},
		{"::/0", []string{"::/1", "8000::/1"}, true},
		{"::/0", []string{"::/1", "8000::/2"}, false},
	} {
		b := policy.IPBlock{CIDR: netip.MustParsePrefix(tc.cidr)}
		for _, e := range tc.except {
			b.Except = append(b.Except, netip.MustParsePrefix(e))
		}
		if got := blockCovered(b); got != tc.want {
			t.Errorf("blockCovered(%s) = %v, want %v", b, got, tc.want)
		}
	}
}

// TestBackendsNeedAnAddress: the endpoints controller lists a selected pod
// only once it has an address, so a pod whose status the API server wrote
// without one (Pending, not yet given an address) is no backend, while a
// pod from a manifest or a workload's template (no status at all) stands
// for the pod once it runs and is one.
func TestBackendsNeedAnAddress(t *testing.T) {
	pending := mkPod("web", "web-pending", "", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080))
	pending.Status.Phase = corev1.PodPending
	c := Cluster{
		Pods: []corev1.Pod{
			mkPod("web", "web-0", "10.0.0.10", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080)),
			mkPod("web", "web-manifest", "", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080)),
			pending,
			mkPod("web", "client", "10.0.0.11", nil),
		},
		Services: []corev1.Service{svc("web", "web", corev1.ServiceTypeNodePort, map[string]string{"app": "web"}, corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080})},
	}
	m := mustCompile(t, c)
	got, err := m.Backends(ObjectID{"web", "web"})
	if err != nil {
		t.Fatal(err)
	}
	want := []PodID{{"web", "web-0"}, {"web", "web-manifest"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Backends (-want +got):\n%s", diff)
	}
	a, err := m.Query(Pod("web", "client"), Service("web", "web"), TCP(80))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Verdicts) != 2 {
		t.Errorf("Query to the Service judges %d backends, want 2:\n%s", len(a.Verdicts), a)
	}
	for _, e := range m.Exposure() {
		if e.Pod.Name == "web-pending" && len(e.Inbound) != 1 {
			t.Errorf("web-pending has routes %v, want only Direct", routes(e))
		}
	}
}

// TestIngressBackendTCPOnly: an Ingress speaks HTTP over TCP, so its
// backend's port (by number or by name) is a TCP port of the Service; a UDP
// port of the same number or name is not it.
func TestIngressBackendTCPOnly(t *testing.T) {
	c := exposed()
	c.Services[2].Spec.Ports = []corev1.ServicePort{
		{Name: "http", Protocol: corev1.ProtocolUDP, Port: 80, TargetPort: intstr.FromInt32(5353)},
		{Name: "web", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromString("http")},
		{Name: "quic", Protocol: corev1.ProtocolUDP, Port: 443, TargetPort: intstr.FromInt32(8443)},
	}
	backend := func(p networkingv1.ServiceBackendPort) []string {
		c.Ingresses[0].Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port = p
		m := mustCompile(t, c)
		var out []string
		for _, e := range m.Exposure() {
			for _, r := range e.Inbound {
				if r.Kind == RouteIngress {
					out = append(out, e.Pod.String()+" "+r.PodPorts.String())
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		port networkingv1.ServiceBackendPort
		want []string
	}{
		{networkingv1.ServiceBackendPort{Number: 80}, []string{"web/web-0 TCP/8080"}},
		{networkingv1.ServiceBackendPort{Name: "web"}, []string{"web/web-0 TCP/8080"}},
		{networkingv1.ServiceBackendPort{Name: "http"}, nil},
		{networkingv1.ServiceBackendPort{Number: 443}, nil},
	} {
		if diff := cmp.Diff(tc.want, backend(tc.port)); diff != "" {
			t.Errorf("backend port %+v: Ingress routes (-want +got):\n%s", tc.port, diff)
		}
	}
}

// TestSourceRangesIntersectBlocks: loadBalancerSourceRanges narrow a route
// already narrowed by ipBlocks to the addresses both admit.
func TestSourceRangesIntersectBlocks(t *testing.T) {
	c := exposed()
	c.Services[1].Spec.LoadBalancerSourceRanges = []string{"203.0.113.128/25", "198.51.100.0/24"}
	m := mustCompile(t, c)
	var got []string
	for _, e := range m.Exposure() {
		if e.Pod.String() != "web/web-0" {
			continue
		}
		for _, r := range e.Inbound {
			if r.Via == "svc/web/web-lb" {
				got = append(got, string(r.Kind)+" "+r.Sources.String())
			}
		}
	}
	want := []string{"NodePort 203.0.113.0/24", "LoadBalancer 203.0.113.128/25"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("web-lb routes (-want +got):\n%s", diff)
	}

	block := policy.IPBlock{CIDR: netip.MustParsePrefix("10.0.0.0/8"), Except: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.2.0.0/16")}}
	for _, tc := range []struct {
		ranges []string
		want   string
	}{
		{[]string{"10.1.0.0/16"}, "no address"},
		{[]string{"10.2.3.0/24"}, "no address"},
		{[]string{"192.168.0.0/16", "fd00::/8"}, "no address"},
		{[]string{"10.3.0.0/16"}, "10.3.0.0/16"},
		{[]string{"0.0.0.0/0"}, "10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16"},
		{[]string{"10.2.0.0/15"}, "10.2.0.0/15 except 10.2.0.0/16"},
		{[]string{"10.0.0.0/14", "10.3.0.0/16"}, "10.0.0.0/14 except 10.1.0.0/16,10.2.0.0/16; 10.3.0.0/16"},
	} {
		var ranges []netip.Prefix
		for _, r := range tc.ranges {
			ranges = append(ranges, netip.MustParsePrefix(r))
		}
		if got := intersectSources(Sources{Blocks: []policy.IPBlock{block}}, ranges).String(); got != tc.want {
			t.Errorf("%s ∩ %v = %s, want %s", block, tc.ranges, got, tc.want)
		}
	}
}

// TestIngressOnlyThroughHTTPPorts: an Ingress route is open to the
// addresses that reach the controller through a NodePort or LoadBalancer
// Service port 80 or 443 (TCP), the ports that carry HTTP and HTTPS; a
// Service port of the controller for anything else (metrics, the admission
// webhook) carries no Ingress traffic.
func TestIngressOnlyThroughHTTPPorts(t *testing.T) {
	ingressSources := func(c Cluster) string {
		m := mustCompile(t, c)
		for _, e := range m.Exposure() {
			for _, r := range e.Inbound {
				if r.Kind == RouteIngress {
					return r.Sources.String()
				}
			}
		}
		t.Fatal("no Ingress route")
		return ""
	}
	no := false
	c := exposed()
	c.Services[3].Spec.Ports = []corev1.ServicePort{{Name: "metrics", Port: 10254}}
	if got := ingressSources(c); got != "no address" {
		t.Errorf("controller exposed on 10254 only: Ingress route from %s, want no address", got)
	}
	c = exposed()
	c.Services[3].Spec.AllocateLoadBalancerNodePorts = &no
	c.Services[3].Spec.LoadBalancerSourceRanges = []string{"198.51.100.0/24"}
	metrics := svc("ingress-nginx", "metrics", corev1.ServiceTypeLoadBalancer, map[string]string{"app.kubernetes.io/name": "ingress-nginx"}, corev1.ServicePort{Port: 10254})
	webhook := svc("ingress-nginx", "webhook", corev1.ServiceTypeNodePort, map[string]string{"app.kubernetes.io/name": "ingress-nginx"}, corev1.ServicePort{Port: 443, Protocol: corev1.ProtocolUDP})
	c.Services = append(c.Services, metrics, webhook)
	if got := ingressSources(c); got != "198.51.100.0/24" {
		t.Errorf("controller on 80 from 198.51.100.0/24, on 10254 and UDP/443 from anywhere: Ingress route from %s, want 198.51.100.0/24", got)
	}
	c.Services[3].Spec.Ports[0].Port = 443
	c.Services[3].Spec.Ports[0].TargetPort = intstr.FromInt32(80)
	if got := ingressSources(c); got != "198.51.100.0/24" {
		t.Errorf("controller on 443 from 198.51.100.0/24: Ingress route from %s, want 198.51.100.0/24", got)
	}
}
