package simulate

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Cluster is the input of the simulation: plain Kubernetes API objects as a
// manifest or an API server would give them. It is data only; [Compile]
// validates it and builds the engine.
//
// Order of the slices never changes an answer. A Pod whose namespace has no
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
}
