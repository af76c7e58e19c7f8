package simulate

import "github.com/netpolsim/netpolsim/policy"

// oid reads a "namespace/name" ID of a test's fixture; a malformed one is a
// bug of the test.
func oid(s string) ObjectID {
	id, err := ParseObjectID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// oids reads several IDs with oid.
func oids(s ...string) []ObjectID {
	out := make([]ObjectID, len(s))
	for i, x := range s {
		out[i] = oid(x)
	}
	return out
}

// cnpID is the ID of the ClusterNetworkPolicy name.
func cnpID(name string) TieredPolicyID {
	return TieredPolicyID{policy.KindClusterNetworkPolicy, name}
}
