package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/netpolsim/netpolsim/policy"
)

// Compile a policy that lets the api pods of its namespace, and anything in
// 10.0.0.0/8 outside 10.1.0.0/16, reach the database on TCP 5432, and look
// at its normalized form.
func Example() {
	const manifest = `{
		"metadata": {"namespace": "shop", "name": "db-allow-api"},
		"spec": {
			"podSelector": {"matchLabels": {"app": "db"}},
			"ingress": [{
				"from": [
					{"podSelector": {"matchLabels": {"app": "api"}}},
					{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}
				],
				"ports": [{"port": 5432}, {"protocol": "UDP", "port": 8000, "endPort": 8080}, {"port": "metrics"}]
			}]
		}
	}`
	var np networkingv1.NetworkPolicy
	if err := json.Unmarshal([]byte(manifest), &np); err != nil {
		panic(err)
	}
	p, err := policy.Compile(&np)
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	for i, r := range p.IngressRules {
		fmt.Printf("ingress[%d] peers: %v\n", i, r.Peers)
		fmt.Printf("ingress[%d] ports: %v\n", i, r.Ports)
	}
	block := p.IngressRules[0].Peers[1].IPBlock
	for _, a := range []string{"10.0.0.1", "10.1.0.1", "192.168.0.1"} {
		fmt.Printf("%s in ipBlock: %v\n", a, block.Contains(netip.MustParseAddr(a)))
	}
	// Output:
	// shop/db-allow-api (app=db): ingress 1 rule
	// ingress[0] peers: [pods(app=api) ipBlock(10.0.0.0/8 except 10.1.0.0/16)]
	// ingress[0] ports: [TCP/5432 UDP/8000-8080 TCP/metrics]
	// 10.0.0.1 in ipBlock: true
	// 10.1.0.1 in ipBlock: false
	// 192.168.0.1 in ipBlock: false
}

// An invalid policy is reported with every problem, one a line, each naming
// the field at fault.
func ExampleCompile_invalid() {
	const manifest = `{
		"metadata": {"namespace": "shop", "name": "db"},
		"spec": {
			"podSelector": {},
			"ingress": [{
				"from": [{}],
				"ports": [{"port": "80"}, {"port": 8080, "endPort": 80}]
			}],
			"policyTypes": ["Ingress", "Sideways"]
		}
	}`
	var np networkingv1.NetworkPolicy
	if err := json.Unmarshal([]byte(manifest), &np); err != nil {
		panic(err)
	}
	_, err := policy.Compile(&np)
	fmt.Println(err)

	var perr *policy.Error
	if errors.As(err, &perr) {
		fmt.Println(len(perr.Errs), "problems, the first at", perr.Errs[0].Field)
	}
	// Output:
	// policy: shop/db: spec.ingress[0].ports[0].port: invalid value "80": must contain at least one letter (a-z)
	// policy: shop/db: spec.ingress[0].ports[1].endPort: invalid value 80: must be greater than or equal to `port`
	// policy: shop/db: spec.ingress[0].from[0]: must specify a peer
	// policy: shop/db: spec.policyTypes[1]: unsupported value "Sideways": supported values: "Ingress", "Egress"
	// 4 problems, the first at spec.ingress[0].ports[0].port
}

// Validate checks a policy as Compile does, for a caller that only needs
// to know whether, and where, it is wrong.
func ExampleValidate() {
	for _, spec := range []string{
		`{"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"ports": [{"port": "http"}]}]}`,
		`{"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"ports": [{"port": "HTTP"}]}]}`,
	} {
		var np networkingv1.NetworkPolicy
		if err := json.Unmarshal([]byte(`{"metadata": {"namespace": "shop", "name": "db"}, "spec": `+spec+`}`), &np); err != nil {
			panic(err)
		}
		fmt.Println(policy.Validate(&np))
	}
	// Output:
	// <nil>
	// policy: shop/db: spec.ingress[0].ports[0].port: invalid value "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)
	// policy: shop/db: spec.ingress[0].ports[0].port: invalid value "HTTP": must contain at least one letter (a-z)
}
