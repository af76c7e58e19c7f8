package simulate_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/simulate"
)

// exampleCluster is a frontend and a database in namespace shop; the
// database accepts TCP/5432 from the api pods only.
func exampleCluster() simulate.Cluster {
	pod := func(name, app string, port int32) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, Labels: map[string]string{"app": app}}}
		p.Spec.Containers = []corev1.Container{{Name: app, Ports: []corev1.ContainerPort{{Name: "serve", ContainerPort: port}}}}
		return p
	}
	dbPolicy := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db-allow-api"}}
	dbPolicy.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}
	port := intstr.FromInt32(5432)
	dbPolicy.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
		From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}}}},
		Ports: []networkingv1.NetworkPolicyPort{{Port: &port}},
	}}
	svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"}}
	svc.Spec.Selector = map[string]string{"app": "db"}
	svc.Spec.Ports = []corev1.ServicePort{{Name: "pg", Port: 5432, TargetPort: intstr.FromString("serve")}}
	return simulate.Cluster{
		Pods:            []corev1.Pod{pod("frontend-1", "frontend", 8080), pod("api-1", "api", 9090), pod("db-0", "db", 5432)},
		Services:        []corev1.Service{svc},
		NetworkPolicies: []networkingv1.NetworkPolicy{dbPolicy},
	}
}

func ExampleModel_Check() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	v, err := m.Check(simulate.Pod("shop", "frontend-1"), simulate.Pod("shop", "db-0"), simulate.TCP(5432))
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Allowed)
	fmt.Println(v)
	// Output:
	// false
	// denied: shop/db-0 is isolated for ingress by shop/db-allow-api; no ingress rule allows shop/frontend-1 on TCP/5432
}

func ExampleModel_Query_service() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	api, err := simulate.ParseEndpoint("shop/app=api")
	if err != nil {
		panic(err)
	}
	a, err := m.Query(api, simulate.Service("shop", "db"), simulate.PortSpec{Protocol: corev1.ProtocolTCP, Name: "pg"})
	if err != nil {
		panic(err)
	}
	fmt.Println(a)
	// Output:
	// shop/app=api → svc/shop/db on TCP/pg: allowed for the one pair
	//   allowed: shop/api-1 → shop/db-0 on TCP/5432 (serve): shop/api-1 is not isolated for egress; ingress allowed by shop/db-allow-api ingress[0]
}

func ExampleMatrix_TruthTable() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	table, err := m.Matrix().TruthTable(simulate.TCP(5432))
	if err != nil {
		panic(err)
	}
	fmt.Print(table)
	// Output:
	// -	shop/api-1	shop/db-0	shop/frontend-1
	// shop/api-1	.	.	.
	// shop/db-0	.	.	.
	// shop/frontend-1	.	X	.
}

func ExampleMatrix_All() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	for p := range m.Matrix().All() {
		fmt.Printf("%s → %s: %s\n", p.From, p.To, p.Ports)
	}
	// Output:
	// shop/api-1 → shop/db-0: TCP/5432
	// shop/api-1 → shop/frontend-1: all
	// shop/db-0 → shop/api-1: all
	// shop/db-0 → shop/frontend-1: all
	// shop/frontend-1 → shop/api-1: all
}

func ExampleModel_Query_cidr() {
	c := exampleCluster()
	web := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "frontend-from-office"}}
	web.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "frontend"}}
	web.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
		IPBlock: &networkingv1.IPBlock{CIDR: "198.51.100.0/24", Except: []string{"198.51.100.128/25"}},
	}}}}
	c.NetworkPolicies = append(c.NetworkPolicies, web)
	m, err := simulate.Compile(c)
	if err != nil {
		panic(err)
	}
	office, err := simulate.ParseEndpoint("198.51.100.0/23")
	if err != nil {
		panic(err)
	}
	a, err := m.Query(office, simulate.Pod("shop", "frontend-1"), simulate.TCP(8080))
	if err != nil {
		panic(err)
	}
	fmt.Println(a.All(), a.Any())
	fmt.Println(a)
	// Output:
	// false true
	// 198.51.100.0/23 → shop/frontend-1 on TCP/8080: allowed for 1 of 2 address ranges
	//   allowed: 198.51.100.0/25 → shop/frontend-1 on TCP/8080 (addresses outside the cluster)
	//   denied: 198.51.100.128-198.51.101.255 → shop/frontend-1 on TCP/8080 (addresses outside the cluster)
}
