// Package scale generates clusters shaped like large real ones, for
// benchmarks and whole-CLI runs at Kubernetes' own limits (150,000 pods,
// 10,000 namespaces and Services). It is deterministic: the same sizes give
// the same objects.
package scale

import (
	"fmt"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// Objects are the objects of a generated cluster, ready to be put in a
// simulate.Cluster or written as manifests.
type Objects struct {
	Namespaces      []corev1.Namespace
	Nodes           []corev1.Node
	Pods            []corev1.Pod
	Services        []corev1.Service
	NetworkPolicies []networkingv1.NetworkPolicy

	// ClusterNetworkPolicies are empty unless added by
	// [WithClusterPolicies].
	ClusterNetworkPolicies []v1beta1.ClusterNetworkPolicy
}

// Generate returns a cluster of the given number of pods and policies: about
// ten pods per namespace in Deployments of one to twelve replicas (pods
// owned through a ReplicaSet, as in a live cluster), plus kube-system with
// coredns and monitoring with prometheus; one Service per Deployment up to
// 10,000; a node per 30 pods. Of the policies, a quarter deny by default,
// half open one port of one workload to another of its namespace, a tenth
// open a named port to a tier of one other namespace, a tenth open the
// metrics port to prometheus, and the rest limit egress to DNS in
// kube-system and to addresses outside the cluster on 443.
func Generate(pods, policies int) Objects {
	r := rand.New(rand.NewPCG(1, uint64(pods)))
	nsCount := max(1, pods/10)
	var o Objects
	tiers := []string{"web", "api", "db"}
	for i := range nsCount {
		ns := corev1.Namespace{}
		ns.APIVersion, ns.Kind = "v1", "Namespace"
		ns.Name = fmt.Sprintf("ns-%d", i)
		ns.Labels = map[string]string{"team": fmt.Sprintf("team-%d", i%50), "env": []string{"prod", "dev"}[i%2]}
		o.Namespaces = append(o.Namespaces, ns)
	}
	nodes := max(1, pods/30)
	for i := range nodes {
		n := corev1.Node{}
		n.APIVersion, n.Kind = "v1", "Node"
		n.Name = fmt.Sprintf("node-%d", i)
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("192.168.%d.%d", i>>8&255, i&255)}}
		o.Nodes = append(o.Nodes, n)
	}
	type workload struct {
		ns, app string
		port    int32
	}
	var workloads []workload
	byNs := map[string][]workload{}
	for _, sys := range []string{"kube-system", "monitoring"} {
		ns := corev1.Namespace{}
		ns.APIVersion, ns.Kind = "v1", "Namespace"
		ns.Name = sys
		o.Namespaces = append(o.Namespaces, ns)
	}
	yes := true
	for p := 0; p < pods; {
		ns := fmt.Sprintf("ns-%d", r.IntN(nsCount))
		app, replicas, tier := fmt.Sprintf("app-%d", len(workloads)), 1+r.IntN(12), tiers[r.IntN(3)]
		switch len(workloads) {
		case 0:
			ns, app, replicas, tier = "kube-system", "coredns", 2, "system"
		case 1:
			ns, app, replicas, tier = "monitoring", "prometheus", 2, "system"
		}
		w := workload{ns: ns, app: app, port: int32(1000 + r.IntN(9000))}
		workloads = append(workloads, w)
		byNs[ns] = append(byNs[ns], w)
		hash := fmt.Sprintf("h%x", len(workloads))
		for j := 0; j < replicas && p < pods; j++ {
			pod := corev1.Pod{}
			pod.APIVersion, pod.Kind = "v1", "Pod"
			pod.Namespace, pod.Name = ns, fmt.Sprintf("%s-%s-%d", w.app, hash, j)
			pod.Labels = map[string]string{"app": w.app, "tier": tier, "pod-template-hash": hash}
			pod.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: w.app + "-" + hash, UID: types.UID("uid-" + hash), Controller: &yes}}
			pod.Spec.NodeName = fmt.Sprintf("node-%d", r.IntN(nodes))
			pod.Spec.Containers = []corev1.Container{{Name: "app", Image: "registry.example/app:1", Ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: w.port, Protocol: corev1.ProtocolTCP},
				{Name: "metrics", ContainerPort: 9100, Protocol: corev1.ProtocolTCP},
			}}}
			ip := fmt.Sprintf("10.%d.%d.%d", p>>16&255, p>>8&255, p&255)
			pod.Status.Phase = corev1.PodRunning
			pod.Status.PodIP, pod.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
			o.Pods = append(o.Pods, pod)
			p++
		}
		if len(o.Services) < 10000 {
			svc := corev1.Service{}
			svc.APIVersion, svc.Kind = "v1", "Service"
			svc.Namespace, svc.Name = ns, w.app
			svc.Spec.Selector = map[string]string{"app": w.app}
			svc.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}}
			o.Services = append(o.Services, svc)
		}
	}
	sel := func(labels map[string]string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: labels}
	}
	port := func(proto corev1.Protocol, p intstr.IntOrString) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
	}
	for i := range policies {
		w := workloads[r.IntN(len(workloads))]
		np := networkingv1.NetworkPolicy{}
		np.APIVersion, np.Kind = "networking.k8s.io/v1", "NetworkPolicy"
		np.Namespace, np.Name = w.ns, fmt.Sprintf("pol-%d", i)
		s := &np.Spec
		switch k := r.IntN(20); {
		case k < 5: // default deny, no rules
		case k < 15: // one workload opens one port to a workload of its namespace
			peers := byNs[w.ns]
			peer := peers[r.IntN(len(peers))]
			s.PodSelector = *sel(map[string]string{"app": w.app})
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": peer.app})}},
				Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, intstr.FromInt32(w.port))},
			}}
		case k < 17: // a tier of one other namespace, on a named port
			s.PodSelector = *sel(map[string]string{"app": w.app})
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: fmt.Sprintf("ns-%d", r.IntN(nsCount))}),
					PodSelector:       sel(map[string]string{"tier": tiers[r.IntN(3)]}),
				}},
				Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, intstr.FromString("http"))},
			}}
		case k < 19: // monitoring: prometheus scrapes the metrics port
			s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "monitoring"}), PodSelector: sel(map[string]string{"app": "prometheus"})}},
				Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, intstr.FromInt32(9100))},
			}}
		default: // egress: DNS and an external range
			s.PodSelector = *sel(map[string]string{"app": w.app})
			s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
			s.Egress = []networkingv1.NetworkPolicyEgressRule{
				{To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "kube-system"}), PodSelector: sel(map[string]string{"app": "coredns"})}}, Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, intstr.FromInt32(53))}},
				{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}}, Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, intstr.FromInt32(443))}},
			}
		}
		o.NetworkPolicies = append(o.NetworkPolicies, np)
	}
	return o
}

// ChangePolicies returns a copy of o in which every hundredth policy
// (1%) opens its port to one more workload's peers, or, for a policy
// without ingress rules, allows DNS from its namespace: a change of the
// size a pull request makes, for diff runs.
func ChangePolicies(o Objects) Objects {
	c := o
	c.NetworkPolicies = make([]networkingv1.NetworkPolicy, len(o.NetworkPolicies))
	for i := range o.NetworkPolicies {
		np := o.NetworkPolicies[i]
		if i%100 == 0 {
			np = *np.DeepCopy()
			udp, dns := corev1.ProtocolUDP, intstr.FromInt32(53)
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{
				From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dns}},
			})
		}
		c.NetworkPolicies[i] = np
	}
	return c
}
