package simulate_test

import (
	"encoding/json"
	"fmt"

	"github.com/netpolsim/netpolsim/simulate"
)

// An ObjectID names a pod, a Service or a NetworkPolicy; it prints, and
// marshals to JSON, as "namespace/name".
func ExampleParseObjectID() {
	id, err := simulate.ParseObjectID("shop/db-allow-api")
	fmt.Printf("%#v %v\n", id, err)
	b, _ := json.Marshal(struct{ Policy simulate.ObjectID }{id})
	fmt.Println(string(b))
	_, err = simulate.ParseObjectID("db-allow-api")
	fmt.Println(err)
	// Output:
	// simulate.ObjectID{Namespace:"shop", Name:"db-allow-api"} <nil>
	// {"Policy":"shop/db-allow-api"}
	// simulate: object ID "db-allow-api": want NAMESPACE/NAME
}

// Tiered cluster policies are cluster-scoped: their kind tells two of one
// name apart.
func ExampleParseTieredPolicyID() {
	id, err := simulate.ParseTieredPolicyID("AdminNetworkPolicy/deny-ops")
	fmt.Println(id.Kind, id.Name, err)
	_, err = simulate.ParseTieredPolicyID("Pod/deny-ops")
	fmt.Println(err)
	// Output:
	// AdminNetworkPolicy deny-ops <nil>
	// simulate: tiered policy ID "Pod/deny-ops": kind "Pod": want ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy
}

// Services and policies are looked up by ObjectID; an unknown one is a
// NotFoundError with the nearest names.
func ExampleModel_Backends() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Backends(simulate.ObjectID{Namespace: "shop", Name: "db"}))
	fmt.Println(m.SelectedBy(simulate.ObjectID{Namespace: "shop", Name: "db-allow-api"}))
	_, err = m.Backends(simulate.ObjectID{Namespace: "shop", Name: "dv"})
	fmt.Println(err)
	// Output:
	// [shop/db-0] <nil>
	// [shop/db-0] <nil>
	// simulate: no service shop/dv; did you mean shop/db?
}

// A verdict names the rules of tiered policies that matched by a
// TieredRuleRef (kind, name, direction, index), with the policy's tier and
// priority and the rule's action.
func ExampleTieredMatch() {
	c := exampleCluster()
	c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, denyFrontendToDB())
	m, _ := simulate.Compile(c)
	v, _ := m.Check(simulate.Pod("shop", "frontend-1"), simulate.Pod("shop", "db-0"), simulate.TCP(5432))
	for _, r := range v.Egress().Tiered {
		fmt.Println(r.TieredRuleRef)
		fmt.Println(r)
	}
	// Output:
	// ClusterNetworkPolicy/no-frontend-to-db egress[0]
	// admin policy no-frontend-to-db (priority 10) egress rule 0
}
