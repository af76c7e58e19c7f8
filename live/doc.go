// Package live reads the objects that netpolsim simulates from a running
// cluster's API server into a [simulate.Cluster], so that a live cluster can
// be checked exactly as manifests are.
//
// [Read] lists Namespaces, Nodes, Pods, Services, NetworkPolicies and
// Ingresses, each with paged List calls (the limit and continue parameters)
// so that no single response holds a whole large cluster. The pods of one
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
// When the API server serves the policy.networking.k8s.io group
// (ClusterNetworkPolicy v1beta1 and v1alpha2, AdminNetworkPolicy and
// BaselineAdminNetworkPolicy v1alpha1), Read finds out by discovery and
// counts the objects of each served kind. [simulate.Cluster] has no place
// for them yet, so they are reported by a [Notice] rather than read: the
// answers then leave them out, as they leave out any kind a manifest holds
// that is not simulated. For the same reason a user who may not list them
// gets a notice, not an error.
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
// work on it. Two refusals are not errors but notices, since many users
// may read their namespace and nothing cluster-wide: nodes that may not be
// listed (their addresses then are unknown), and, when one namespace is
// read, namespaces that may not be listed if that one namespace may be
// read with get.
package live
