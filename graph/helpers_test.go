package graph_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	gonum "gonum.org/v1/gonum/graph"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// Helpers that build clusters for the tests of this package.

func mkPod(ns, name, ip string, labels map[string]string, ports ...corev1.ContainerPort) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}}
	p.Spec.Containers = []corev1.Container{{Name: "main", Ports: ports}}
	p.Status.PodIP = ip
	return p
}

// owned makes p a pod of the workload kind/name, as manifest.LoadPaths does.
func owned(p corev1.Pod, kind, name string) corev1.Pod {
	yes := true
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, Controller: &yes}}
	return p
}

func tcp(n int32) corev1.ContainerPort { return corev1.ContainerPort{ContainerPort: n} }

func named(name string, n int32) corev1.ContainerPort {
	return corev1.ContainerPort{Name: name, ContainerPort: n}
}

func app(v string) map[string]string { return map[string]string{"app": v} }

// ingress is an ingress-only policy on the pods labelled app=subject (all
// pods of ns when subject is empty).
func ingress(ns, name, subject string, rules ...networkingv1.NetworkPolicyIngressRule) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if subject != "" {
		np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: app(subject)}
	}
	np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	np.Spec.Ingress = rules
	return np
}

// from is a rule admitting the pods labelled app in apps, on ports.
func from(apps []string, ports ...networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{
		From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: apps}},
		}}},
		Ports: ports,
	}
}

// fromCIDR is a rule admitting cidr minus except, on ports.
func fromCIDR(cidr string, except []string, ports ...networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{
		From:  []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}},
		Ports: ports,
	}
}

func port(n int32) networkingv1.NetworkPolicyPort {
	p := intstr.FromInt32(n)
	return networkingv1.NetworkPolicyPort{Port: &p}
}

func udp(n int32) networkingv1.NetworkPolicyPort {
	p, proto := intstr.FromInt32(n), corev1.ProtocolUDP
	return networkingv1.NetworkPolicyPort{Port: &p, Protocol: &proto}
}

func portNamed(name string) networkingv1.NetworkPolicyPort {
	p := intstr.FromString(name)
	return networkingv1.NetworkPolicyPort{Port: &p}
}

// shop is the cluster most tests use. Every pod is isolated for ingress:
//
//	outside → web on TCP/443 (0.0.0.0/0 except 10.0.0.0/8)
//	outside → api on TCP/8443 (a partner, 198.51.100.0/24)
//	admin → web on TCP/443, admin → db on TCP/5432
//	web → api on TCP/8080, cache → api on TCP/8080
//	api → db on TCP/5432, api → cache on TCP/6379
//
// so api and cache reach each other, and nothing reaches admin.
func shop() simulate.Cluster {
	return simulate.Cluster{
		Pods: []corev1.Pod{
			mkPod("shop", "web", "10.0.0.1", app("web"), tcp(443)),
			mkPod("shop", "api", "10.0.0.2", app("api"), named("http", 8080), tcp(8443)),
			mkPod("shop", "db", "10.0.0.3", app("db"), named("pg", 5432)),
			mkPod("shop", "cache", "10.0.0.4", app("cache"), tcp(6379)),
			mkPod("shop", "admin", "10.0.0.5", app("admin")),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			ingress("shop", "default-deny", ""),
			ingress("shop", "web", "web",
				fromCIDR("0.0.0.0/0", []string{"10.0.0.0/8"}, port(443)),
				from([]string{"admin"}, port(443))),
			ingress("shop", "api", "api",
				from([]string{"web", "cache"}, portNamed("http")),
				fromCIDR("198.51.100.0/24", nil, port(8443))),
			ingress("shop", "db", "db", from([]string{"api", "admin"}, port(5432))),
			ingress("shop", "cache", "cache", from([]string{"api"}, port(6379))),
		},
	}
}

func compile(t testing.TB, c simulate.Cluster, opts ...simulate.Option) *simulate.Model {
	t.Helper()
	m, err := simulate.Compile(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func build(t testing.TB, m *simulate.Model, opts ...graph.Option) *graph.Graph {
	t.Helper()
	g, err := graph.New(m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// node returns the node named name, failing the test when there is none.
func node(t testing.TB, g *graph.Graph, name string) *graph.Node {
	t.Helper()
	n := g.NodeNamed(name)
	if n == nil {
		t.Fatalf("no node %s", name)
	}
	return n
}

// edges renders every edge of g, one a line.
func edges(g *graph.Graph) []string {
	var out []string
	for _, e := range g.Edges() {
		out = append(out, e.String())
	}
	return out
}

// names renders nodes by name.
func names(nodes []gonum.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.(*graph.Node).Name()
	}
	return out
}

func paths(ps []graph.Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// groups renders components as "a b c" strings.
func groups(cs [][]gonum.Node) []string {
	var out []string
	for _, c := range cs {
		out = append(out, strings.Join(names(c), " "))
	}
	return out
}
