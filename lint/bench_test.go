package lint_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/internal/scale"
	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/simulate"
)

// benchCluster builds about ten pods per namespace in workloads of one to
// eight replicas, a ClusterIP Service per workload, and two policies per
// pod: default denies, one port from one workload, egress to one workload
// and to DNS.
func benchCluster(pods int) simulate.Cluster {
	r := rand.New(rand.NewPCG(7, uint64(pods)))
	nsCount := max(1, pods/10)
	var c simulate.Cluster
	type workload struct{ ns, app string }
	var ws []workload
	proto := corev1.ProtocolTCP
	for p := 0; p < pods; {
		w := workload{fmt.Sprintf("ns-%d", r.IntN(nsCount)), fmt.Sprintf("app-%d", len(ws))}
		ws = append(ws, w)
		for j := range 1 + r.IntN(8) {
			if p == pods {
				break
			}
			pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: fmt.Sprintf("%s-%d", w.app, j), Labels: map[string]string{"app": w.app}}}
			pod.Spec.Containers = []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}
			c.Pods = append(c.Pods, pod)
			p++
		}
		svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: w.app}}
		svc.Spec.Selector = map[string]string{"app": w.app}
		svc.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}}
		c.Services = append(c.Services, svc)
	}
	for i := range 2 * pods {
		w := ws[r.IntN(len(ws))]
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: fmt.Sprintf("pol-%d", i)}}
		np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": w.app}}
		peer := ws[r.IntN(len(ws))]
		port := intstr.FromString("http")
		switch k := r.IntN(4); k {
		case 0:
			np.Spec.PodSelector = metav1.LabelSelector{}
		case 1:
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": peer.app}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &proto, Port: &port}},
			}}
		default:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: peer.ns}}, PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": peer.app}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &proto, Port: &port}},
			}}
		}
		c.NetworkPolicies = append(c.NetworkPolicies, np)
	}
	return c
}

func BenchmarkRun(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		m, err := simulate.Compile(benchCluster(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lint.Run(m)
			}
		})
	}
}

// BenchmarkRunIPBlocks lints one pod behind a NodePort Service under one
// policy with n /32 ipBlock peers in and out.
func BenchmarkRunIPBlocks(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		peers := make([]networkingv1.NetworkPolicyPeer, n)
		for i := range peers {
			peers[i] = networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: fmt.Sprintf("192.%d.%d.%d/32", i>>16&255, i>>8&255, i&255)}}
		}
		pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-0", Labels: map[string]string{"app": "web"}}}
		pod.Spec.Containers = []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}
		pod.Status.PodIP = "10.0.0.1"
		svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}
		svc.Spec.Type = corev1.ServiceTypeNodePort
		svc.Spec.Selector = map[string]string{"app": "web"}
		svc.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}}
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "blocks"}}
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: peers}}
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: peers}}
		m, err := simulate.Compile(simulate.Cluster{Pods: []corev1.Pod{pod}, Services: []corev1.Service{svc}, NetworkPolicies: []networkingv1.NetworkPolicy{np}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("blocks=%d", n), func(b *testing.B) {
			for b.Loop() {
				lint.Run(m)
			}
		})
	}
}

// BenchmarkRunTiered lints a generated cluster (internal/scale) with 1,000
// ClusterNetworkPolicies: the tiered checks compare every tiered rule with
// the rules before it.
func BenchmarkRunTiered(b *testing.B) {
	for _, size := range []struct{ pods, policies, cluster int }{{1000, 700, 100}, {5000, 3500, 1000}} {
		if size.pods > 1000 && testing.Short() {
			continue
		}
		o := scale.WithClusterPolicies(scale.Generate(size.pods, size.policies), size.cluster)
		m, err := simulate.Compile(simulate.Cluster{Namespaces: o.Namespaces, Nodes: o.Nodes, Pods: o.Pods, Services: o.Services,
			NetworkPolicies: o.NetworkPolicies, ClusterNetworkPolicies: o.ClusterNetworkPolicies})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pods=%d/cluster=%d", size.pods, size.cluster), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(lint.Run(m))
			}
			b.ReportMetric(float64(n), "findings")
		})
	}
}
