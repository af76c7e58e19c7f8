package simulate

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// Cluster is the input of the simulation: plain Kubernetes API objects as a
// manifest or an API server would give them. It is data only; [Compile]
// validates it and builds the engine.
//
// Order of the slices never changes an answer (the order of tiered
// policies is their priority, see [Compile]). A Pod whose namespace has no
// Namespace object gets one implicitly. Every Namespace carries the label
// kubernetes.io/metadata.name=<name>, as the API server guarantees, whatever
// the manifest says.
//
// A Model keeps references to the objects of the Cluster it was compiled
// from (pods, their labels and container ports, services) rather than
// copying them: do not change them after Compile. To simulate a change,
// build a new Cluster (sharing the unchanged objects is fine) and compile
// it.
type Cluster struct {
	Namespaces      []corev1.Namespace
	Pods            []corev1.Pod
	Services        []corev1.Service
	NetworkPolicies []networkingv1.NetworkPolicy
	Nodes           []corev1.Node
	Ingresses       []networkingv1.Ingress

	// ClusterNetworkPolicies are the tiered policies of
	// policy.networking.k8s.io (Admin and Baseline tiers). The v1alpha2
	// version has the same fields as v1beta1; convert it (the manifest
	// loader does). Names are unique among them.
	ClusterNetworkPolicies []v1beta1.ClusterNetworkPolicy

	// AdminNetworkPolicies (v1alpha1) are read as Admin tier policies
	// (Allow is Accept), ordered with the Admin ClusterNetworkPolicies by
	// priority. Names are unique among them.
	AdminNetworkPolicies []v1alpha1.AdminNetworkPolicy

	// BaselineAdminNetworkPolicies (v1alpha1) holds at most one policy,
	// named "default", read as a Baseline tier policy evaluated after the
	// Baseline ClusterNetworkPolicies.
	BaselineAdminNetworkPolicies []v1alpha1.BaselineAdminNetworkPolicy
}
