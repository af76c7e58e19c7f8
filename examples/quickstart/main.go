// Command quickstart builds a three-tier shop in Go, compiles it and asks the
// questions a reviewer would: may the frontend reach the database, may the
// api, and what does the whole matrix look like on the database port?
package main

import (
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/simulate"
)

func pod(name, app string, port int32) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, Labels: map[string]string{"app": app}}}
	p.Spec.Containers = []corev1.Container{{Name: app, Ports: []corev1.ContainerPort{{Name: "serve", ContainerPort: port}}}}
	return p
}

// allowFrom is a policy that lets pods labelled app=from reach pods labelled
// app=to on one TCP port.
func allowFrom(name, to, from string, port int32) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}}
	np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": to}}
	p := intstr.FromInt32(port)
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
		From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": from}}}},
		Ports: []networkingv1.NetworkPolicyPort{{Port: &p}},
	}}
	return np
}

func main() {
	cluster := simulate.Cluster{
		Pods: []corev1.Pod{pod("frontend-0", "frontend", 8080), pod("api-0", "api", 9090), pod("db-0", "db", 5432)},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			allowFrom("api-from-frontend", "api", "frontend", 9090),
			allowFrom("db-from-api", "db", "api", 5432),
		},
	}
	m, err := simulate.Compile(cluster)
	if err != nil {
		log.Fatal(err)
	}
	for _, from := range []string{"shop/frontend-0", "shop/api-0"} {
		src, err := simulate.ParseEndpoint(from)
		if err != nil {
			log.Fatal(err)
		}
		v, err := m.Check(src, simulate.Pod("shop", "db-0"), simulate.TCP(5432))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(v)
	}
	table, err := m.Matrix().TruthTable(simulate.TCP(5432))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print("\nTCP/5432 (. allowed, X denied):\n", table)
}
