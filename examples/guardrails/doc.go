// Package guardrails is a manifest set for a platform team's guardrails
// written as tiered cluster policies (ClusterNetworkPolicy): Admin rules
// that deny traffic to kube-system and to a sensitive namespace and pass
// tenants' traffic to their NetworkPolicies, and Baseline rules that deny
// traffic between tenants by default. README.md walks through it with the
// command line; guardrails_test.go asserts it with package simtest and
// keeps the README's outputs equal to the real ones. The package has no
// code of its own; run its tests with
//
//	go test ./examples/guardrails
package guardrails
