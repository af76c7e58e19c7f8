// Package conformance is the NetworkPolicy conformance suite of the simulate
// engine: it checks the engine's answers against the published semantics of
// networking.k8s.io/v1 NetworkPolicy, scenario by scenario, on the standard
// model of the upstream Kubernetes e2e tests.
//
// The package holds tests only. The model has three namespaces x, y and z
// (labelled ns=<name>, and kubernetes.io/metadata.name=<name> by the engine),
// each with three pods a, b and c (labelled pod=<name>) that serve ports 80
// and 81 on TCP, UDP and SCTP under the container port names
// serve-<port>-<protocol in lower case>. Pod x/a has the address 10.0.0.1,
// x/b 10.0.0.2, y/a 10.0.1.1 and so on: 10.0.<namespace index>.<pod index+1>.
//
// Every scenario applies policies to the model and asserts complete 9×9
// truth tables, one per port that matters, built from "all allowed" or "all
// denied" by overriding cells, rows (all egress of a pod) and columns (all
// ingress of a pod). The expected tables are written from the semantics, not
// recorded from the engine. A pod's traffic to itself (the diagonal) is not
// judged. Only policy is modelled: a port that no container listens on is
// still "allowed" when the policies allow it.
//
// Tiered cluster policies are checked on the model of the upstream
// ClusterNetworkPolicy conformance suite (four house namespaces with two
// pods each, and hostNetwork pods on labelled Nodes for the node-peer
// tests; see tiered_test.go, tiered_rules_test.go and tiered_gress_test.go),
// transcribing its tests step by step, including the steps that patch a
// priority, an action, the order of rules (in one direction, or in both
// directions of a policy with ingress and egress rules), a port into a
// named port, or a namespace's labels. Transcribed: the priority-field and
// integration tests, the per-protocol ingress and egress tests of both
// tiers with their named-port variants, the inline-CIDR and node peer
// tests, and the combined ingress-and-egress ("gress") tests of both
// tiers.
//
// A failing scenario prints both tables as grids ("." allowed, "X" denied)
// in a go-cmp diff, and every differing cell with the engine's explanation.
package conformance
