package manifest_test

import (
	"fmt"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// Build a kustomize overlay (a base of workloads plus a component of
// NetworkPolicies, put in one namespace) and print who may reach whom.
func ExampleLoadKustomizations() {
	res, err := manifest.LoadKustomizations("../examples/kustomize/overlay")
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := simulate.Compile(res.Cluster)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p := range model.Matrix().All() {
		fmt.Printf("%s → %s: %s\n", p.From, p.To, p.Ports)
	}
	// Output:
	// shop-prod/api-0 → shop-prod/db-0: TCP/5432
	// shop-prod/frontend-0 → shop-prod/api-0: TCP/9090
	// shop-prod/frontend-1 → shop-prod/api-0: TCP/9090
}
