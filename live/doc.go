// Package live reads the objects that netpolsim simulates from a running
// cluster's API server into a [simulate.Cluster], so that a live cluster can
// be checked exactly as manifests are.
//
// [Read] lists Namespaces, Nodes, Pods, Services, NetworkPolicies and
// Ingresses (and the tiered cluster policies, below), each with paged List
// calls (the limit and continue parameters) so that no single response
// holds a whole large cluster. The pods of one
// namespace, or of all namespaces, are read; Namespaces and Nodes are
// cluster-scoped and always read in full, since policies select namespaces
// by their labels and node addresses decide node traffic.
//
// Objects come back as the API server stores them, with apiVersion and kind
// set (a List response leaves them out of its items) and without
// managedFields, which nothing here reads. Pods in phase Succeeded or Failed
// run nothing and may share their old address with a running pod; they are
// left out with one [Notice] that counts them.
//
// # Tiered cluster policies
//
// When the API server serves the tiered cluster policies of
// policy.networking.k8s.io (their CRDs are installed), Read finds out by
// discovery and lists them too: ClusterNetworkPolicy in v1beta1, or in
// v1alpha2 when only that version is served (its fields are those of
// v1beta1; the objects come back as v1beta1 ones, as the manifest loader
// converts them), AdminNetworkPolicy and BaselineAdminNetworkPolicy in
// v1alpha1. They go into the cluster's fields of the same names. A kind
// that is not served is not read and is no error; a served kind that the
// user may not list is an error, as for any other kind, since the answers
// would be wrong without its policies.
//
// # Errors
//
// A List call that fails ends the read with an error naming the resource,
// the namespace and, when the API server refuses it, the permission
// missing:
//
//	live: cannot list pods in namespace shop: forbidden (needs list on pods)
//
// The error wraps the API server's, so apierrors.IsForbidden and the like
// work on it:
//
//	live: cannot list adminnetworkpolicies.policy.networking.k8s.io: forbidden (needs list on adminnetworkpolicies.policy.networking.k8s.io)
//
// Two refusals are not errors but notices, since many users
// may read their namespace and nothing cluster-wide: nodes that may not be
// listed (their addresses then are unknown), and, when one namespace is
// read, namespaces that may not be listed if that one namespace may be
// read with get.
package live
