package simulate

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/policy"
)

func mkService(ns, name string, selector map[string]string, ports ...corev1.ServicePort) corev1.Service {
	s := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	s.Spec.Selector = selector
	s.Spec.Ports = ports
	return s
}

// badEndPort is a policy the API server rejects: endPort below port.
func badEndPort(ns, name string) networkingv1.NetworkPolicy {
	return mkPolicy(ns, name, nil, func(s *networkingv1.NetworkPolicySpec) {
		p := npPort(tcp, intstr.FromInt32(80))
		end := int32(79)
		p.EndPort = &end
		s.Ingress = []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{p}}}
	})
}

func withPodIPs(p corev1.Pod, ips ...string) corev1.Pod {
	for _, s := range ips {
		p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: s})
	}
	return p
}

func TestCompileErrors(t *testing.T) {
	pod := func(name, ip string) corev1.Pod { return mkPod("shop", name, ip, nil) }
	for _, c := range []struct {
		name string
		c    Cluster
		want string
	}{
		{"duplicate Namespace",
			Cluster{Namespaces: []corev1.Namespace{mkNs("shop", nil), mkNs("ops", nil), mkNs("shop", map[string]string{"a": "b"})}},
			"simulate: duplicate Namespace shop"},
		{"Namespace without name",
			Cluster{Namespaces: []corev1.Namespace{mkNs("shop", nil), mkNs("", nil)}},
			"simulate: namespace #1: metadata.name: required"},
		{"duplicate Pod",
			Cluster{Pods: []corev1.Pod{pod("a", "10.0.0.1"), pod("b", "10.0.0.2"), pod("a", "10.0.0.3")}},
			"simulate: duplicate Pod shop/a"},
		{"Pod without namespace",
			Cluster{Pods: []corev1.Pod{mkPod("", "a", "", nil)}},
			`simulate: pod #0 "/a": metadata.namespace and metadata.name are required`},
		{"duplicate Service",
			Cluster{Services: []corev1.Service{mkService("shop", "db", nil), mkService("shop", "db", map[string]string{"app": "db"})}},
			"simulate: duplicate Service shop/db"},
		{"Service without name",
			Cluster{Services: []corev1.Service{mkService("shop", "", nil)}},
			`simulate: service #0 "shop/": metadata.namespace and metadata.name are required`},
		{"duplicate NetworkPolicy",
			Cluster{NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("shop", "deny", nil, nil), mkPolicy("ops", "deny", nil, nil), mkPolicy("shop", "deny", nil, nil)}},
			"simulate: duplicate NetworkPolicy shop/deny"},
		{"duplicate Node",
			Cluster{Nodes: []corev1.Node{mkNode("node-1"), mkNode("node-2"), mkNode("node-1")}},
			"simulate: duplicate Node node-1"},
		{"Node without name",
			Cluster{Nodes: []corev1.Node{mkNode("")}},
			"simulate: node #0: metadata.name: required"},
		{"Node with invalid address",
			Cluster{Nodes: []corev1.Node{mkNode("node-1",
				corev1.NodeAddress{Type: corev1.NodeHostName, Address: "not-an-ip"},
				corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "192.168.1.300"})}},
			`simulate: node node-1: status.addresses[1].address: invalid IP address "192.168.1.300"`},
		{"invalid policy",
			Cluster{NetworkPolicies: []networkingv1.NetworkPolicy{badEndPort("shop", "bad")}},
			"policy: shop/bad: spec.ingress[0].ports[0].endPort: invalid value 79: must be greater than or equal to `port`"},
		{"pod with invalid IP",
			Cluster{Pods: []corev1.Pod{pod("a", "10.0.0.256")}},
			`simulate: pod shop/a: status.podIP: invalid IP address "10.0.0.256"`},
		{"pod with invalid second IP",
			Cluster{Pods: []corev1.Pod{withPodIPs(pod("a", "10.0.0.1"), "10.0.0.1", "fd00::zz")}},
			`simulate: pod shop/a: status.podIPs[1].ip: invalid IP address "fd00::zz"`},
		{"two pods with the same IP",
			Cluster{Pods: []corev1.Pod{pod("b", "10.0.0.1"), pod("a", "10.0.0.1")}},
			"simulate: pods shop/a and shop/b both have IP 10.0.0.1"},
		{"two pods with the same IP, one IPv4-mapped",
			Cluster{Pods: []corev1.Pod{pod("a", "10.0.0.1"), pod("b", "::ffff:10.0.0.1")}},
			"simulate: pods shop/a and shop/b both have IP 10.0.0.1"},
		{"two pods with the same second IP",
			Cluster{Pods: []corev1.Pod{
				withPodIPs(pod("a", "10.0.0.1"), "10.0.0.1", "fd00::1"),
				withPodIPs(pod("b", "10.0.0.2"), "10.0.0.2", "fd00::1"),
			}},
			"simulate: pods shop/a and shop/b both have IP fd00::1"},
		{"every problem at once",
			Cluster{
				Namespaces: []corev1.Namespace{mkNs("shop", nil), mkNs("shop", nil)},
				Pods:       []corev1.Pod{pod("a", "10.0.0.1"), pod("a", "10.0.0.9"), pod("c", "x"), pod("d", "10.0.0.1")},
				Services:   []corev1.Service{mkService("shop", "db", nil), mkService("shop", "db", nil)},
				NetworkPolicies: []networkingv1.NetworkPolicy{
					badEndPort("shop", "bad"), mkPolicy("shop", "deny", nil, nil), mkPolicy("shop", "deny", nil, nil),
				},
				Nodes: []corev1.Node{mkNode("node-1"), mkNode("node-1")},
			},
			"simulate: duplicate Namespace shop\n" +
				"simulate: duplicate Pod shop/a\n" +
				`simulate: pod shop/c: status.podIP: invalid IP address "x"` + "\n" +
				"simulate: pods shop/a and shop/d both have IP 10.0.0.1\n" +
				"simulate: duplicate Service shop/db\n" +
				"policy: shop/bad: spec.ingress[0].ports[0].endPort: invalid value 79: must be greater than or equal to `port`\n" +
				"simulate: duplicate NetworkPolicy shop/deny\n" +
				"simulate: duplicate Node node-1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Compile(c.c)
			if err == nil {
				t.Fatalf("Compile succeeded with %d pods, want error %q", len(m.Pods()), c.want)
			}
			if m != nil {
				t.Errorf("Compile returned a Model with its error")
			}
			if diff := cmp.Diff(c.want, err.Error()); diff != "" {
				t.Errorf("Compile error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileErrorIsPolicyError checks that the policy package's typed error
// survives the joining, for callers that want the field errors.
func TestCompileErrorIsPolicyError(t *testing.T) {
	_, err := Compile(Cluster{
		Pods:            []corev1.Pod{mkPod("shop", "a", "10.0.0.1", nil), mkPod("shop", "a", "10.0.0.2", nil)},
		NetworkPolicies: []networkingv1.NetworkPolicy{badEndPort("shop", "bad")},
	})
	var pe *policy.Error
	if !errors.As(err, &pe) {
		t.Fatalf("Compile error %v is not a *policy.Error", err)
	}
	got := []string{pe.Namespace, pe.Name, pe.Errs[0].Field}
	if diff := cmp.Diff([]string{"shop", "bad", "spec.ingress[0].ports[0].endPort"}, got); diff != "" {
		t.Errorf("policy.Error (-want +got):\n%s", diff)
	}
}

// TestCompileAccepts covers inputs that look odd but are valid.
func TestCompileAccepts(t *testing.T) {
	for _, c := range []struct {
		name string
		c    Cluster
	}{
		{"empty", Cluster{}},
		{"same name, different namespaces",
			Cluster{
				Pods:            []corev1.Pod{mkPod("shop", "a", "10.0.0.1", nil), mkPod("ops", "a", "10.0.0.2", nil)},
				Services:        []corev1.Service{mkService("shop", "a", nil), mkService("ops", "a", nil)},
				NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("shop", "a", nil, nil), mkPolicy("ops", "a", nil, nil)},
			}},
		{"pods without addresses", Cluster{Pods: []corev1.Pod{mkPod("shop", "a", "", nil), mkPod("shop", "b", "", nil)}}},
		{"one address listed twice", Cluster{Pods: []corev1.Pod{withPodIPs(mkPod("shop", "a", "10.0.0.1", nil), "10.0.0.1", "10.0.0.1")}}},
		{"hostNetwork pods share their node's address", Cluster{Pods: []corev1.Pod{
			withHostNetwork(mkPod("shop", "a", "192.168.1.5", nil)),
			withHostNetwork(mkPod("shop", "b", "192.168.1.5", nil)),
			mkPod("shop", "c", "192.168.1.5", nil),
		}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Compile(c.c); err != nil {
				t.Errorf("Compile: %v", err)
			}
		})
	}
}

// TestCompileImpliedNamespaces checks that a pod's namespace exists even
// without a Namespace object and carries the metadata.name label, so that a
// namespaceSelector on that label matches it.
func TestCompileImpliedNamespaces(t *testing.T) {
	c := Cluster{
		Namespaces: []corev1.Namespace{mkNs("shop", map[string]string{corev1.LabelMetadataName: "lies"})},
		Pods: []corev1.Pod{
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}),
			mkPod("ops", "monitor-0", "10.0.1.10", nil),
			mkPod("shop", "web-0", "10.0.0.40", nil),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "db-from-ops", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{
					{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "ops"})},
					{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "shop"})},
				}}}
			}),
		},
	}
	m := mustCompile(t, c)
	runChecks(t, m, []checkCase{
		{Pod("ops", "monitor-0"), Pod("shop", "db-0"), TCP(5432), true,
			"allowed: ops/monitor-0 → shop/db-0 on TCP/5432: ops/monitor-0 is not isolated for egress; ingress allowed by shop/db-from-ops ingress[0]"},
		// The manifest's own metadata.name label on shop is overridden.
		{Pod("shop", "web-0"), Pod("shop", "db-0"), TCP(5432), true,
			"allowed: shop/web-0 → shop/db-0 on TCP/5432: shop/web-0 is not isolated for egress; ingress allowed by shop/db-from-ops ingress[0]"},
	})
	if diff := cmp.Diff([]PodID{{"ops", "monitor-0"}, {"shop", "db-0"}, {"shop", "web-0"}}, m.Pods()); diff != "" {
		t.Errorf("Pods() (-want +got):\n%s", diff)
	}
}
