package simulate

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Helpers that build objects for the tests of this package.

func mkNs(name string, labels map[string]string) corev1.Namespace {
	return corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

func mkPod(ns, name, ip string, labels map[string]string, ports ...corev1.ContainerPort) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}}
	p.Spec.Containers = []corev1.Container{{Name: "main", Ports: ports}}
	p.Status.PodIP = ip
	return p
}

func cport(name string, proto corev1.Protocol, n int32) corev1.ContainerPort {
	return corev1.ContainerPort{Name: name, Protocol: proto, ContainerPort: n}
}

func mkPolicy(ns, name string, subject map[string]string, spec func(*networkingv1.NetworkPolicySpec)) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: subject}
	if spec != nil {
		spec(&np.Spec)
	}
	return np
}

func npPort(proto corev1.Protocol, port intstr.IntOrString) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &port}
}

func sel(labels map[string]string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: labels}
}

// shop is a small three-tier application: frontend → api → db, with a
// default deny on ingress in shop and an egress policy on the frontend.
func shop() Cluster {
	return Cluster{
		Namespaces: []corev1.Namespace{mkNs("shop", map[string]string{"team": "shop"}), mkNs("ops", nil)},
		Pods: []corev1.Pod{
			mkPod("shop", "frontend-0", "10.0.0.10", map[string]string{"app": "frontend"}, cport("http", corev1.ProtocolTCP, 8080)),
			mkPod("shop", "api-0", "10.0.0.20", map[string]string{"app": "api"}, cport("http", corev1.ProtocolTCP, 9090)),
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}, cport("pg", corev1.ProtocolTCP, 5432)),
			mkPod("ops", "monitor-0", "10.0.1.10", map[string]string{"app": "monitor"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "default-deny", nil, nil),
			mkPolicy("shop", "frontend-from-anywhere", map[string]string{"app": "frontend"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))}}}
			}),
			mkPolicy("shop", "api-from-frontend", map[string]string{"app": "api"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "frontend"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))},
				}}
			}),
			mkPolicy("shop", "db-from-api", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "api"})}, {NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "ops"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(5432))},
				}}
			}),
			mkPolicy("shop", "frontend-egress", map[string]string{"app": "frontend"}, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
				s.Egress = []networkingv1.NetworkPolicyEgressRule{
					{To: []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "api"})}}},
					{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(443))}},
				}
			}),
		},
	}
}

func mustCompile(t testing.TB, c Cluster, opts ...Option) *Model {
	t.Helper()
	m, err := Compile(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
