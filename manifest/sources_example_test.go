package manifest_test

import (
	"fmt"
	"strings"

	"github.com/netpolsim/netpolsim/manifest"
)

func ExampleResult_FieldSource() {
	const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: api}}
`
	res, err := manifest.LoadReader("policies.yaml", strings.NewReader(policies))
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := res.Source("NetworkPolicy", "shop", "db")
	fmt.Println(src)
	src, _ = res.FieldSource("NetworkPolicy", "shop", "db", "spec.ingress[0].from[0]")
	fmt.Println(src)
	_, ok := res.Source("NetworkPolicy", "shop", "web")
	fmt.Println(ok)
	// Output:
	// policies.yaml: document 0 (line 1)
	// policies.yaml: document 0 (line 10)
	// false
}
