package simulate_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// denyFrontendToDB is an Admin ClusterNetworkPolicy that denies the
// frontend's egress to the database.
func denyFrontendToDB() v1beta1.ClusterNetworkPolicy {
	p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "no-frontend-to-db"}}
	p.Spec.Tier, p.Spec.Priority = v1beta1.AdminTier, 10
	p.Spec.Subject.Pods = &v1beta1.NamespacedPod{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "frontend"}}}
	p.Spec.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny",
		To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}}}}}
	return p
}

func ExampleAttribute() {
	before := exampleCluster()
	before.NetworkPolicies = nil // the database accepts anyone
	after := before
	after.ClusterNetworkPolicies = append(after.ClusterNetworkPolicies, denyFrontendToDB())
	a, _ := simulate.Compile(before)
	b, _ := simulate.Compile(after)
	xs, err := simulate.Attribute(a, b, simulate.Diff(a, b))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range xs {
		fmt.Printf("%s → %s on %s, cluster policies: %v\n", x.From, x.To, x.Port, x.ClusterPolicies())
		fmt.Println("  before egress:", x.BeforeEgress)
		fmt.Println("  after egress: ", x.AfterEgress)
	}
	// Output:
	// shop/frontend-1 → shop/db-0 on TCP/1, cluster policies: true
	//   before egress: allowed (no policy)
	//   after egress:  denied by admin policy no-frontend-to-db (priority 10) egress rule 0 (Deny)
}

func ExampleModel_AdminDecided() {
	c := exampleCluster()
	c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, denyFrontendToDB())
	m, _ := simulate.Compile(c)
	frontend, db := simulate.PodID{Namespace: "shop", Name: "frontend-1"}, simulate.PodID{Namespace: "shop", Name: "db-0"}
	egress, _ := m.AdminDecided("egress", frontend, db)
	ingress, _ := m.AdminDecided("ingress", db, frontend)
	fmt.Println("egress decided by the admin tier on:", egress)
	fmt.Println("ingress decided by the admin tier on:", ingress)
	// Output:
	// egress decided by the admin tier on: all
	// ingress decided by the admin tier on: none
}

func ExampleModel_LeftToDefault() {
	c := exampleCluster()
	c.NetworkPolicies = nil
	c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, denyFrontendToDB())
	m, _ := simulate.Compile(c)
	frontend := simulate.PodID{Namespace: "shop", Name: "frontend-1"}
	left, _ := m.LeftToDefault(frontend, simulate.Egress)
	classes := m.Classes()
	for c := range left.All() {
		fmt.Println("frontend-1 may reach by default:", classes[c].Pods)
	}
	// The Admin tier decides the connections to the database (Deny); the
	// others no policy decides.
	// Output:
	// frontend-1 may reach by default: [shop/api-1]
	// frontend-1 may reach by default: [shop/frontend-1]
}
