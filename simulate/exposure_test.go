package simulate

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func svc(ns, name string, typ corev1.ServiceType, selector map[string]string, ports ...corev1.ServicePort) corev1.Service {
	s := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	s.Spec.Type, s.Spec.Selector, s.Spec.Ports = typ, selector, ports
	return s
}

// exposed is a web pod behind a NodePort (Cluster), a LoadBalancer (Local)
// and an Ingress, an internal db, and an ingress-nginx controller behind a
// LoadBalancer.
func exposed() Cluster {
	c := Cluster{
		Pods: []corev1.Pod{
			mkPod("web", "web-0", "10.0.0.10", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080)),
			mkPod("web", "db-0", "10.0.0.20", map[string]string{"app": "db"}, cport("pg", corev1.ProtocolTCP, 5432)),
			mkPod("ingress-nginx", "ctrl-0", "10.0.1.10", map[string]string{"app.kubernetes.io/name": "ingress-nginx"}, cport("http", corev1.ProtocolTCP, 80)),
		},
		Services: []corev1.Service{
			svc("web", "web-np", corev1.ServiceTypeNodePort, map[string]string{"app": "web"}, corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080}),
			svc("web", "web-lb", corev1.ServiceTypeLoadBalancer, map[string]string{"app": "web"}, corev1.ServicePort{Port: 443, TargetPort: intstr.FromInt32(8080), NodePort: 30443}),
			svc("web", "web", corev1.ServiceTypeClusterIP, map[string]string{"app": "web"}, corev1.ServicePort{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}),
			svc("ingress-nginx", "ctrl", corev1.ServiceTypeLoadBalancer, map[string]string{"app.kubernetes.io/name": "ingress-nginx"}, corev1.ServicePort{Port: 80}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("web", "web-from-office", map[string]string{"app": "web"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{
					{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "203.0.113.0/24"}}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))}},
					{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "ingress-nginx"})}}},
				}
			}),
			mkPolicy("web", "db-internal", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "web"})}}}}
				s.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(443))}}}
			}),
		},
	}
	c.Services[1].Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	ing := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "site"}}
	ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"shop.example"}}}
	ing.Spec.Rules = []networkingv1.IngressRule{{Host: "shop.example", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
		Paths: []networkingv1.HTTPIngressPath{{Path: "/", Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Name: "http"}}}}},
	}}}}
	c.Ingresses = []networkingv1.Ingress{ing}
	return c
}

func routes(e PodExposure) []string {
	var out []string
	for _, r := range e.Inbound {
		out = append(out, r.String())
	}
	return out
}

// routeFact is what a Route says, without its Note (prose): port sets and
// sources rendered as sets.
type routeFact struct {
	Kind                RouteKind
	Via, Host, Path     string
	TLS                 bool
	Entry, Pod, Sources string
}

func facts(e PodExposure) []routeFact {
	var out []routeFact
	for _, r := range e.Inbound {
		out = append(out, routeFact{r.Kind, r.Via, r.Host, r.Path, r.TLS, r.EntryPorts.String(), r.PodPorts.String(), r.Sources.String()})
	}
	return out
}

func TestExposure(t *testing.T) {
	m := mustCompile(t, exposed())
	got := map[string][]routeFact{}
	out := map[string][]string{}
	for _, e := range m.Exposure() {
		got[e.Pod.String()] = facts(e)
		for _, a := range e.Outbound {
			out[e.Pod.String()] = append(out[e.Pod.String()], a.Ports.String()+" to "+a.Sources.String())
		}
	}
	const any = "any address"
	want := map[string][]routeFact{
		"ingress-nginx/ctrl-0": {
			{Kind: RouteDirect, Entry: "all", Pod: "all", Sources: any},
			{Kind: RouteNodePort, Via: "svc/ingress-nginx/ctrl", Entry: "none", Pod: "TCP/80", Sources: any},
			{Kind: RouteLoadBalancer, Via: "svc/ingress-nginx/ctrl", Entry: "TCP/80", Pod: "TCP/80", Sources: any},
		},
		"web/db-0": {
			{Kind: RouteDirect, Entry: "none", Pod: "none", Sources: "no address"},
		},
		"web/web-0": {
			{Kind: RouteDirect, Entry: "TCP/8080", Pod: "TCP/8080", Sources: "203.0.113.0/24"},
			{Kind: RouteNodePort, Via: "svc/web/web-lb", Entry: "TCP/30443", Pod: "TCP/8080", Sources: "203.0.113.0/24"},
			{Kind: RouteNodePort, Via: "svc/web/web-np", Entry: "TCP/30080", Pod: "TCP/8080", Sources: any},
			{Kind: RouteLoadBalancer, Via: "svc/web/web-lb", Entry: "TCP/443", Pod: "TCP/8080", Sources: "203.0.113.0/24"},
			{Kind: RouteIngress, Via: "ingress/web/site", Host: "shop.example", Path: "/", TLS: true, Entry: "TCP/80,TCP/443", Pod: "TCP/8080", Sources: any},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inbound routes (-want +got):\n%s", diff)
	}
	// The rendering of a route, once.
	for _, e := range m.Exposure() {
		if e.Pod.String() == "web/web-0" {
			const want = "Ingress ingress/web/site host shop.example path / (TLS) on TCP/80,TCP/443 → pod TCP/8080 from any address (through ingress-nginx/ctrl-0)"
			if got := e.Inbound[len(e.Inbound)-1].String(); got != want {
				t.Errorf("Route.String() = %q, want %q", got, want)
			}
		}
	}
	wantOut := map[string][]string{
		"ingress-nginx/ctrl-0": {"all to any address"},
		"web/db-0":             {"TCP/443 to 0.0.0.0/0 except 10.0.0.0/8"},
		"web/web-0":            {"all to any address"},
	}
	if diff := cmp.Diff(wantOut, out); diff != "" {
		t.Errorf("outbound (-want +got):\n%s", diff)
	}
	for _, e := range m.Exposure() {
		if wantExposed := e.Pod.Name != "db-0"; e.Exposed(false) != wantExposed {
			t.Errorf("%s: Exposed(false) = %v, want %v", e.Pod, e.Exposed(false), wantExposed)
		}
	}
}

// TestExposureNamedPortInTwoContainers: a policy's named port opens every
// container port of that name and protocol, in any container, for the
// Direct route as for Check.
func TestExposureNamedPortInTwoContainers(t *testing.T) {
	p := mkPod("web", "web-0", "10.0.0.10", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080))
	p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "sidecar", Image: "sidecar", Ports: []corev1.ContainerPort{cport("http", corev1.ProtocolTCP, 9090)}})
	c := Cluster{Pods: []corev1.Pod{p}, NetworkPolicies: []networkingv1.NetworkPolicy{
		mkPolicy("web", "http-from-anywhere", map[string]string{"app": "web"}, func(s *networkingv1.NetworkPolicySpec) {
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))}}}
		}),
	}}
	m := mustCompile(t, c)
	want := []routeFact{{Kind: RouteDirect, Entry: "TCP/8080,TCP/9090", Pod: "TCP/8080,TCP/9090", Sources: "any address"}}
	if diff := cmp.Diff(want, facts(m.Exposure()[0])); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	for _, port := range []int32{8080, 9090} {
		if v, err := m.Check(IP(netip.MustParseAddr("198.51.100.1")), Pod("web", "web-0"), TCP(port)); err != nil || !v.Allowed {
			t.Errorf("Check on TCP/%d: %v, %v", port, v, err)
		}
	}
}

// TestExposureClusterPolicyWithoutNodeTraffic: when node traffic is policed,
// a NodePort with externalTrafficPolicy Cluster is open only if the pod's
// policies admit a node address.
func TestExposureClusterPolicyWithoutNodeTraffic(t *testing.T) {
	c := exposed()
	m := mustCompile(t, c, NodeTraffic(false))
	nodePort := func(m *Model) Route {
		for _, e := range m.Exposure() {
			if e.Pod.String() == "web/web-0" {
				for _, r := range e.Inbound {
					if r.Kind == RouteNodePort && r.Via == "svc/web/web-np" {
						return r
					}
				}
			}
		}
		t.Fatal("no NodePort route for web/web-0")
		return Route{}
	}
	if r := nodePort(m); !r.Sources.IsEmpty() || r.Note != "externalTrafficPolicy Cluster: the pod sees the address of the node the traffic entered; no node addresses are known (add Node objects or the NodeAddresses option)" {
		t.Errorf("no nodes: %s", r)
	}
	m = mustCompile(t, c, NodeTraffic(false), NodeAddresses(netip.MustParseAddr("192.168.1.1")))
	if r := nodePort(m); !r.Sources.IsEmpty() || r.Note != "externalTrafficPolicy Cluster: the pod sees the address of the node the traffic entered, and its policies admit no node address" {
		t.Errorf("node outside the office range: %s", r)
	}
	m = mustCompile(t, c, NodeTraffic(false), NodeAddresses(netip.MustParseAddr("203.0.113.7")))
	if r := nodePort(m); !r.Sources.Any {
		t.Errorf("node inside the office range: %s", r)
	}
}

func TestExternalNameService(t *testing.T) {
	c := exposed()
	ext := svc("web", "payments", corev1.ServiceTypeExternalName, nil, corev1.ServicePort{Port: 443})
	ext.Spec.ExternalName = "api.payments.example"
	c.Services = append(c.Services, ext)
	m := mustCompile(t, c)
	for _, tc := range []struct {
		from string
		want string
	}{
		{"web/web-0", "allowed: web/web-0 → svc/web/payments (api.payments.example, outside the cluster) on TCP/443: web/web-0 may reach any address on it"},
		{"web/db-0", "denied: web/db-0 → svc/web/payments (api.payments.example, outside the cluster) on TCP/443: web/db-0 may reach only 0.0.0.0/0 except 10.0.0.0/8 on it, and policies cannot match the DNS name api.payments.example"},
	} {
		from, err := ParseEndpoint(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.Query(from, Service("web", "payments"), TCP(443))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Verdicts) != 1 || a.Verdicts[0].String() != tc.want {
			t.Errorf("Query(%s → svc/web/payments):\n%s\nwant verdict %s", tc.from, a, tc.want)
		}
		if len(a.Notes) != 1 {
			t.Errorf("notes = %q, want the DNS note", a.Notes)
		}
	}
}

// TestExposureLoadBalancerOptions: loadBalancerSourceRanges narrow a route
// open to any address, and allocateLoadBalancerNodePorts: false drops the
// node ports of a LoadBalancer Service.
func TestExposureLoadBalancerOptions(t *testing.T) {
	c := exposed()
	no := false
	c.Services[3].Spec.AllocateLoadBalancerNodePorts = &no
	c.Services[3].Spec.LoadBalancerSourceRanges = []string{"198.51.100.0/24", "192.0.2.0/24"}
	m := mustCompile(t, c)
	var got []string
	for _, e := range m.Exposure() {
		if e.Pod.String() == "ingress-nginx/ctrl-0" {
			got = routes(e)
		}
	}
	want := []string{
		"Direct → pod all from any address (the pod's own address, where the network routes it)",
		"LoadBalancer svc/ingress-nginx/ctrl on TCP/80 → pod TCP/80 from 192.0.2.0/24; 198.51.100.0/24 (externalTrafficPolicy Cluster: the pod sees the address of the node the traffic entered, and traffic from its own node is always allowed; the load balancer admits only loadBalancerSourceRanges)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("controller routes (-want +got):\n%s", diff)
	}
}

func TestNamespaces(t *testing.T) {
	c := shop()
	m := mustCompile(t, c)
	if diff := cmp.Diff([]string{"ops", "shop"}, m.Namespaces()); diff != "" {
		t.Errorf("Namespaces (-want +got):\n%s", diff)
	}
	want := map[string]string{"team": "shop", corev1.LabelMetadataName: "shop"}
	got, err := m.NamespaceLabels("shop")
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("NamespaceLabels(shop) (-want +got):\n%s%v", diff, err)
	}
	if got, err := m.NamespaceLabels("nope"); got != nil || err == nil || err.Error() != "simulate: no namespace nope" {
		t.Errorf("NamespaceLabels(nope) = %v, %v; want an error", got, err)
	}
}

// TestHeadlessService: a headless Service is judged like any other at its
// backends, and the answer says that clients reach the pods directly.
func TestHeadlessService(t *testing.T) {
	c := exposed()
	h := svc("web", "web-headless", corev1.ServiceTypeClusterIP, map[string]string{"app": "web"}, corev1.ServicePort{Name: "http", Port: 8080})
	h.Spec.ClusterIP = corev1.ClusterIPNone
	c.Services = append(c.Services, h)
	m := mustCompile(t, c)
	a, err := m.Query(Pod("ingress-nginx", "ctrl-0"), Service("web", "web-headless"), TCP(8080))
	if err != nil {
		t.Fatal(err)
	}
	want := `ingress-nginx/ctrl-0 → svc/web/web-headless on TCP/8080: allowed for the one pair
  allowed: ingress-nginx/ctrl-0 → web/web-0 on TCP/8080: ingress-nginx/ctrl-0 is not isolated for egress; ingress allowed by web/web-from-office ingress[1]
  note: service svc/web/web-headless is headless: clients connect to the backend pods' addresses directly`
	if got := a.String(); got != want {
		t.Errorf("Query:\n%s\nwant:\n%s", got, want)
	}
}

// TestExposedDirect: a pod open only by its own address is exposed when
// direct routes count, and not otherwise.
func TestExposedDirect(t *testing.T) {
	m := mustCompile(t, Cluster{Pods: []corev1.Pod{mkPod("web", "web-0", "10.0.0.10", nil)}})
	e := m.Exposure()[0]
	if !e.Exposed(true) || e.Exposed(false) {
		t.Errorf("Exposed(true) = %v, Exposed(false) = %v; want true, false (routes %v)", e.Exposed(true), e.Exposed(false), routes(e))
	}
}
