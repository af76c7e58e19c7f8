package lint_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// A namespace with a default deny whose allow rule names a port the
// database does not serve.
func Example() {
	const manifests = `
apiVersion: v1
kind: Pod
metadata: {namespace: shop, name: db-0, labels: {app: db}}
spec: {containers: [{name: postgres, image: postgres, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: shop, name: default-deny}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: shop, name: db}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{ports: [{port: postgres}]}]
`
	res, err := manifest.LoadReader("shop.yaml", strings.NewReader(manifests))
	if err != nil {
		log.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range lint.Run(m) {
		fmt.Println(f)
		fmt.Println("  hint:", f.Hint)
	}
	// Output:
	// warning[named-port-unserved] NetworkPolicy shop/db spec.ingress[0].ports[0]: no pod the policy selects serves a TCP port named "postgres", so TCP/postgres matches nothing
	//   hint: use the name of a container port of those pods (name and protocol must both match), or the port number
}
