package simulate_test

import (
	"encoding/json"
	"fmt"

	"github.com/netpolsim/netpolsim/simulate"
)

// A RuleRef names a rule by its policy, its list (Ingress or Egress) and its
// position; in JSON the direction is a word.
func ExampleDirection() {
	ref := simulate.RuleRef{Policy: simulate.ObjectID{Namespace: "shop", Name: "db-from-api"}, Direction: simulate.Ingress, Index: 0}
	b, _ := json.Marshal(ref)
	fmt.Println(ref)
	fmt.Println(string(b))
	var back simulate.RuleRef
	err := json.Unmarshal([]byte(`{"Policy":"shop/web","Direction":"egress","Index":2}`), &back)
	fmt.Println(back, err)
	// Output:
	// shop/db-from-api ingress[0]
	// {"Policy":"shop/db-from-api","Direction":"ingress","Index":0}
	// shop/web egress[2] <nil>
}

// Protocols returns a new slice each time: changing it changes nothing else.
func ExampleProtocols() {
	p := simulate.Protocols()
	fmt.Println(p)
	p[0] = "ICMP"
	fmt.Println(simulate.Protocols())
	// Output:
	// [TCP UDP SCTP]
	// [TCP UDP SCTP]
}
