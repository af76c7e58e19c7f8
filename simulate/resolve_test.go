package simulate

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"
)

// twoHTTP is a pod whose two containers both name a TCP port http (8080 in
// the first, 9090 in the second), a client pod, and a policy admitting
// http from the client and from 203.0.113.0/24; a NodePort Service with
// externalTrafficPolicy Local sends its port 80 to targetPort http.
func twoHTTP() Cluster {
	web := mkPod("ns", "web-0", "10.0.0.10", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080))
	web.Spec.Containers = append(web.Spec.Containers, corev1.Container{Name: "sidecar", Ports: []corev1.ContainerPort{
		cport("http", corev1.ProtocolTCP, 9090), cport("admin", corev1.ProtocolTCP, 9901)}})
	np := svc("ns", "web", corev1.ServiceTypeNodePort, map[string]string{"app": "web"}, corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080})
	np.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	return Cluster{
		Pods:     []corev1.Pod{web, mkPod("ns", "client-0", "10.0.0.20", map[string]string{"app": "client"})},
		Services: []corev1.Service{np},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("ns", "web-http", map[string]string{"app": "web"}, func(s *networkingv1.NetworkPolicySpec) {
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "client"})}, {IPBlock: &networkingv1.IPBlock{CIDR: "203.0.113.0/24"}}},
				Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))},
			}}
		})},
	}
}

// TestNamedPortEveryContainer: a policy's named port opens every container
// port of that name, and Check (pod and outside address), Matrix and
// Exposure all say so; a question's named port and a Service's targetPort
// use the first.
func TestNamedPortEveryContainer(t *testing.T) {
	m := mustCompile(t, twoHTTP())
	client, web := Pod("ns", "client-0"), Pod("ns", "web-0")
	outside := IP(netip.MustParseAddr("203.0.113.7"))
	for _, from := range []Endpoint{client, outside} {
		for _, port := range []int32{8080, 9090} {
			if v, err := m.Check(from, web, TCP(port)); err != nil || !v.Allowed {
				t.Errorf("Check %s → web-0 on TCP/%d = %v, %v; want allowed (http names it)", from, port, v, err)
			}
		}
		if v, _ := m.Check(from, web, TCP(9901)); v.Allowed {
			t.Errorf("Check %s → web-0 on TCP/9901 allowed; no rule names admin", from)
		}
	}
	want := NewPortSet(PortRange{corev1.ProtocolTCP, 8080, 8080}, PortRange{corev1.ProtocolTCP, 9090, 9090})
	if got := mustPorts(m.Matrix().Ports(PodID{"ns", "client-0"}, PodID{"ns", "web-0"})); !got.Equal(want) {
		t.Errorf("Matrix client-0 → web-0 = %s, want %s", got, want)
	}
	var direct Route
	for _, e := range m.Exposure() {
		if e.Pod == (PodID{"ns", "web-0"}) {
			direct = e.Inbound[0]
			for _, r := range e.Inbound[1:] {
				// The Service sends to the first http, 8080; Local keeps the
				// client's address, which the rule admits there.
				if r.Kind != RouteNodePort || r.PodPorts.String() != "TCP/8080" || r.Sources.String() != "203.0.113.0/24" {
					t.Errorf("route %s: want NodePort to TCP/8080 from 203.0.113.0/24", r)
				}
			}
		}
	}
	if direct.Kind != RouteDirect || !direct.PodPorts.Equal(want) {
		t.Errorf("Exposure Direct route of web-0 = %s; want pod ports %s, as Check says", direct, want)
	}
	// A question's named port is the first.
	v, err := m.Check(client, web, PortSpec{Protocol: corev1.ProtocolTCP, Name: "http"})
	if err != nil || !v.Allowed || v.Port.Start != 8080 {
		t.Errorf("Check on named port http = %+v, %v; want allowed on 8080", v.Port, err)
	}
	if n, err := m.NamedPort(PodID{"ns", "web-0"}, "http", corev1.ProtocolTCP); err != nil || n != 8080 {
		t.Errorf("NamedPort http = %d, %v; want 8080", n, err)
	}
	if ns, err := m.NamedPorts(PodID{"ns", "web-0"}, "http", corev1.ProtocolTCP); err != nil || !slices.Equal(ns, []int32{8080, 9090}) {
		t.Errorf("NamedPorts http = %v, %v; want [8080 9090]", ns, err)
	}
	if n, err := m.NamedPort(PodID{"ns", "web-0"}, "http", corev1.ProtocolUDP); err != nil || n != 0 {
		t.Errorf("NamedPort http/UDP = %d, %v; want 0", n, err)
	}
	if _, err := m.NamedPort(PodID{"ns", "nope"}, "http", corev1.ProtocolTCP); err == nil {
		t.Error("NamedPort of an unknown pod: no error")
	}
	if _, err := m.NamedPorts(PodID{"ns", "nope"}, "http", corev1.ProtocolTCP); err == nil {
		t.Error("NamedPorts of an unknown pod: no error")
	}
	// Traffic to the Service goes to the first http only.
	a, err := m.Query(client, Service("ns", "web"), TCP(80))
	if err != nil || len(a.Verdicts) != 1 || a.Verdicts[0].Port.Start != 8080 || !a.Verdicts[0].Allowed {
		t.Errorf("Query to the Service = %v, %v; want one verdict allowed on 8080", a, err)
	}
	sp, err := m.ServicePorts(ObjectID{"ns", "web"})
	wantSP := []ServiceTarget{{Backend: PodID{"ns", "web-0"}, Index: 0, Protocol: corev1.ProtocolTCP, Name: "http", Port: 8080}}
	if err != nil || !cmp.Equal(sp, wantSP) {
		t.Errorf("ServicePorts = %+v, %v; want %+v", sp, err, wantSP)
	}
	if got := m.PortNameRepeats(); len(got) != 1 || got[0].Name != "http" || !got[0].Conflicting() ||
		got[0].Ports[1].Field != "spec.containers[1].ports[0]" || got[0].Ports[1].Number != 9090 {
		t.Errorf("PortNameRepeats = %+v; want http in spec.containers[0].ports[0] and spec.containers[1].ports[0], conflicting", got)
	}
}

// TestCheckAgreesWithExposureOnNamedPorts is the property behind the test
// above: on random pods whose containers repeat port names, every port
// Check allows from an outside address is in that pod's Direct route, and
// every port of the route that address may use is allowed by Check.
func TestCheckAgreesWithExposureOnNamedPorts(t *testing.T) {
	names := []string{"http", "grpc"}
	rapid.Check(t, func(t *rapid.T) {
		pod := mkPod("ns", "p", "10.0.0.1", map[string]string{"app": "p"})
		pod.Spec.Containers = nil
		numbers := map[int32]bool{}
		for c := range rapid.IntRange(1, 3).Draw(t, "containers") {
			ctr := corev1.Container{Name: fmt.Sprintf("c%d", c)}
			used := map[string]bool{}
			for range rapid.IntRange(0, 3).Draw(t, "ports") {
				name := rapid.SampledFrom(names).Draw(t, "name")
				n := int32(rapid.IntRange(8000, 8005).Draw(t, "number"))
				if used[name] {
					continue // invalid within one container
				}
				used[name] = true
				numbers[n] = true
				ctr.Ports = append(ctr.Ports, cport(name, corev1.ProtocolTCP, n))
			}
			pod.Spec.Containers = append(pod.Spec.Containers, ctr)
		}
		var ports []networkingv1.NetworkPolicyPort
		for _, name := range names {
			if rapid.Bool().Draw(t, "allow "+name) {
				ports = append(ports, npPort(corev1.ProtocolTCP, intstr.FromString(name)))
			}
		}
		if len(ports) == 0 {
			ports = append(ports, npPort(corev1.ProtocolTCP, intstr.FromInt32(8003)))
		}
		m, err := Compile(Cluster{Pods: []corev1.Pod{pod}, NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("ns", "pol", nil, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "192.0.2.0/24"}}}, Ports: ports}}
			})}})
		if err != nil {
			t.Fatal(err)
		}
		direct := m.Exposure()[0].Inbound[0]
		from := IP(netip.MustParseAddr("192.0.2.1"))
		for n := int32(7999); n <= 8006; n++ {
			v, err := m.Check(from, Pod("ns", "p"), TCP(n))
			if err != nil {
				t.Fatal(err)
			}
			if in := direct.PodPorts.Contains(corev1.ProtocolTCP, n); in != v.Allowed {
				t.Fatalf("TCP/%d: Check allowed = %v, Exposure's Direct route %s holds it = %v", n, v.Allowed, direct, in)
			}
		}
	})
}

// TestBackendsIndex checks Backends and ServicePorts against a scan of
// every pod, with Services across namespaces, selectors of one and two
// labels, a Service without a selector and one that selects nothing.
func TestBackendsIndex(t *testing.T) {
	var c Cluster
	for i := range 30 {
		ns := fmt.Sprintf("ns-%d", i%3)
		labels := map[string]string{"app": fmt.Sprintf("a%d", i%4), "tier": fmt.Sprintf("t%d", i%2), "zone": fmt.Sprintf("z%d", i%5)}
		c.Pods = append(c.Pods, mkPod(ns, fmt.Sprintf("p%d", i), fmt.Sprintf("10.0.0.%d", i+1), labels, cport("http", corev1.ProtocolTCP, int32(8000+i))))
	}
	selectors := []map[string]string{nil, {"app": "a1"}, {"app": "a2", "tier": "t0"}, {"app": "a1", "zone": "z0"}, {"zone": "z0", "app": "a1", "tier": "t1"}, {"app": "a9"}, {"tier": "t1"}}
	for i, s := range selectors {
		for n := range 3 {
			ns := fmt.Sprintf("ns-%d", n)
			c.Services = append(c.Services, svc(ns, fmt.Sprintf("s%d", i), corev1.ServiceTypeClusterIP, s,
				corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http")}, corev1.ServicePort{Port: 81, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromInt32(53)}))
		}
	}
	m := mustCompile(t, c)
	for _, s := range c.Services {
		var want []PodID
		var wantSP []ServiceTarget
		for _, p := range m.pods {
			if len(s.Spec.Selector) > 0 && p.id.Namespace == s.Namespace && labelsInclude(p.labels, s.Spec.Selector) {
				want = append(want, p.id)
				wantSP = append(wantSP, ServiceTarget{Backend: p.id, Index: 0, Protocol: corev1.ProtocolTCP, Name: "http", Port: p.pod.Spec.Containers[0].Ports[0].ContainerPort},
					ServiceTarget{Backend: p.id, Index: 1, Protocol: corev1.ProtocolUDP, Port: 53})
			}
		}
		got, err := m.Backends(ObjectID{s.Namespace, s.Name})
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Backends %s/%s = %v, %v; want %v", s.Namespace, s.Name, got, err, want)
		}
		sp, err := m.ServicePorts(ObjectID{s.Namespace, s.Name})
		if err != nil || !cmp.Equal(sp, wantSP) {
			t.Errorf("ServicePorts %s/%s = %v, %v; want %v", s.Namespace, s.Name, sp, err, wantSP)
		}
	}
	if _, err := m.Backends(ObjectID{"ns-0", "nope"}); err == nil {
		t.Error("Backends of an unknown Service: no error")
	}
	if _, err := m.ServicePorts(ObjectID{"ns-0", "nope"}); err == nil {
		t.Error("ServicePorts of an unknown Service: no error")
	}
}

func TestIngressControllersAndPodsWithLabels(t *testing.T) {
	m := mustCompile(t, exposed())
	if got := m.IngressControllers(); !slices.Equal(got, []PodID{{"ingress-nginx", "ctrl-0"}}) {
		t.Errorf("IngressControllers = %v", got)
	}
	m = mustCompile(t, exposed(), IngressController("web", map[string]string{"app": "web"}))
	if got := m.IngressControllers(); !slices.Equal(got, []PodID{{"web", "web-0"}}) {
		t.Errorf("IngressControllers with the option = %v", got)
	}
	m = mustCompile(t, exposed(), IngressController("web", nil))
	if got := m.IngressControllers(); len(got) != 0 {
		t.Errorf("IngressControllers without labels = %v; want none", got)
	}
	if got := m.PodsWithLabels("web", map[string]string{"app": "db"}); !slices.Equal(got, []PodID{{"web", "db-0"}}) {
		t.Errorf("PodsWithLabels app=db = %v", got)
	}
	if got := m.PodsWithLabels("web", nil); len(got) != 2 {
		t.Errorf("PodsWithLabels with no labels = %v; want both pods of web", got)
	}
	if got := m.PodsWithLabels("nope", nil); len(got) != 0 {
		t.Errorf("PodsWithLabels in an unknown namespace = %v", got)
	}
}

func TestPortNameRepeats(t *testing.T) {
	same := mkPod("ns", "same", "10.0.0.1", nil, cport("metrics", corev1.ProtocolTCP, 9100))
	same.Spec.Containers = append(same.Spec.Containers, corev1.Container{Name: "b", Ports: []corev1.ContainerPort{cport("metrics", corev1.ProtocolTCP, 9100)}})
	protos := mkPod("ns", "protos", "10.0.0.2", nil, cport("dns", corev1.ProtocolUDP, 53))
	protos.Spec.Containers = append(protos.Spec.Containers, corev1.Container{Name: "b", Ports: []corev1.ContainerPort{cport("dns", "", 5353)}})
	single := mkPod("ns", "single", "10.0.0.3", nil, cport("a", corev1.ProtocolTCP, 1), cport("b", corev1.ProtocolTCP, 2))
	// Invalid (the API server rejects a name repeated in one container),
	// and not what PortNameRepeats looks for.
	single.Spec.Containers[0].Ports = append(single.Spec.Containers[0].Ports, cport("a", corev1.ProtocolUDP, 1))
	single.Spec.Containers = append(single.Spec.Containers, corev1.Container{Name: "other", Ports: []corev1.ContainerPort{cport("c", corev1.ProtocolTCP, 3)}})
	m := mustCompile(t, Cluster{Pods: []corev1.Pod{same, protos, single}})
	got := m.PortNameRepeats()
	want := []PortNameRepeat{
		{Pod: PodID{"ns", "protos"}, Name: "dns", Ports: []NamedContainerPort{
			{Field: "spec.containers[0].ports[0]", Container: "main", Protocol: corev1.ProtocolUDP, Number: 53},
			{Field: "spec.containers[1].ports[0]", Container: "b", Protocol: corev1.ProtocolTCP, Number: 5353}}},
		{Pod: PodID{"ns", "same"}, Name: "metrics", Ports: []NamedContainerPort{
			{Field: "spec.containers[0].ports[0]", Container: "main", Protocol: corev1.ProtocolTCP, Number: 9100},
			{Field: "spec.containers[1].ports[0]", Container: "b", Protocol: corev1.ProtocolTCP, Number: 9100}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PortNameRepeats (-want +got):\n%s", diff)
	}
	for _, r := range got {
		if r.Conflicting() {
			t.Errorf("%s %s: Conflicting, but no protocol has two numbers", r.Pod, r.Name)
		}
	}
}
