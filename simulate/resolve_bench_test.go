package simulate

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// wideSelectorCluster is one pod and one policy whose podSelector has keys
// matchLabels entries, the shape that made buildClasses quadratic.
func wideSelectorCluster(keys int) Cluster {
	labels := make(map[string]string, keys)
	for i := range keys {
		labels[fmt.Sprintf("k%d", i)] = "v"
	}
	return Cluster{
		Pods:            []corev1.Pod{mkPod("ns", "p", "10.0.0.1", labels)},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("ns", "wide", labels, nil)},
	}
}

func BenchmarkCompileWideSelector(b *testing.B) {
	for _, keys := range []int{10000, 40000} {
		c := wideSelectorCluster(keys)
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			for b.Loop() {
				if _, err := Compile(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// manyBlocksCluster is one pod behind a NodePort Service and an Ingress, and
// one policy admitting blocks distinct /32 ipBlocks on TCP/80 and on the
// named port http.
func manyBlocksCluster(blocks int) Cluster {
	peers := make([]networkingv1.NetworkPolicyPeer, blocks)
	for i := range peers {
		peers[i] = networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: fmt.Sprintf("192.%d.%d.%d/32", i>>16&255, i>>8&255, i&255)}}
	}
	svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}
	svc.Spec.Type = corev1.ServiceTypeNodePort
	svc.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
	svc.Spec.Selector = map[string]string{"app": "web"}
	svc.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080}}
	return Cluster{
		Pods:     []corev1.Pod{mkPod("ns", "web-0", "10.0.0.1", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 8080))},
		Services: []corev1.Service{svc},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("ns", "blocks", map[string]string{"app": "web"}, func(s *networkingv1.NetworkPolicySpec) {
			s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: peers, Ports: []networkingv1.NetworkPolicyPort{
				npPort(corev1.ProtocolTCP, intstr.FromInt32(80)), npPort(corev1.ProtocolTCP, intstr.FromString("http"))}}}
			s.Egress = []networkingv1.NetworkPolicyEgressRule{{To: peers}}
		})},
	}
}

func BenchmarkExposureIPBlocks(b *testing.B) {
	for _, n := range []int{1000, 4000, 10000} {
		m, err := Compile(manyBlocksCluster(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("blocks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Exposure()
			}
		})
	}
}

// BenchmarkExposureServices is the bench cluster with a NodePort Service
// per workload and an ingress controller with an Ingress per namespace.
func BenchmarkExposureServices(b *testing.B) {
	c := benchCluster(5000, 10000)
	seen := map[string]bool{}
	for _, p := range c.Pods {
		app := p.Labels["app"]
		if seen[app] {
			continue
		}
		seen[app] = true
		svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: app}}
		svc.Spec.Type = corev1.ServiceTypeNodePort
		svc.Spec.Selector = map[string]string{"app": app}
		svc.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}}
		c.Services = append(c.Services, svc)
		ing := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: app}}
		ing.Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: app, Port: networkingv1.ServiceBackendPort{Number: 80}}}
		c.Ingresses = append(c.Ingresses, ing)
	}
	for i := range 4 {
		c.Pods = append(c.Pods, mkPod(DefaultIngressControllerNamespace, fmt.Sprintf("controller-%d", i), fmt.Sprintf("10.255.0.%d", i),
			map[string]string{DefaultIngressControllerLabel: DefaultIngressControllerValue}, cport("http", corev1.ProtocolTCP, 80)))
	}
	lb := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: DefaultIngressControllerNamespace, Name: "controller"}}
	lb.Spec.Type = corev1.ServiceTypeLoadBalancer
	lb.Spec.Selector = map[string]string{DefaultIngressControllerLabel: DefaultIngressControllerValue}
	lb.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}}
	c.Services = append(c.Services, lb)
	m, err := Compile(c)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Exposure()
	}
}
