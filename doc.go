// Package netpolsim simulates Kubernetes network policy from manifests alone,
// without a cluster: which pods can talk to which, on which ports, through
// which services, and why.
//
// This package holds no code; it maps the packages below it.
//
// # Asking questions
//
// Package simulate is the engine. Build a simulate.Cluster from Kubernetes
// API objects, compile it with simulate.Compile, and ask the model:
// Model.Check for one connection with an explanation, Model.Query between
// sets of pods and Services, Model.Matrix for every pair.
//
// # Building blocks
//
// Package selector compiles label selectors with the exact semantics of
// apimachinery and evaluates them over populations as bitsets. Package policy
// validates a NetworkPolicy as the API server does and turns it into a
// normalized form the engine evaluates.
//
// # Loading manifests
//
// Package manifest reads YAML and JSON manifests (files, directories, stdin)
// into a simulate.Cluster, turning workloads into the pods they would run.
//
// # Testing
//
// Package fuzz holds rapid generators of valid namespaces, pods, policies and
// whole clusters, for property tests of this project and of its users.
package netpolsim
