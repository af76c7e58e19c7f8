package simulate

import "net/netip"

// Option sets one implementation-defined behaviour of the engine. Each has a
// default that matches the upstream Kubernetes conformance tests.
type Option func(*options)

type options struct {
	ipBlockPods      bool
	selfAllowed      bool
	nodeAllowed      bool
	nodeAddrs        []netip.Addr
	controllerNs     string
	controllerLabels map[string]string
	hostPods         HostNetworkMode
}

// Default ingress controller: the conventional ingress-nginx installation.
const (
	DefaultIngressControllerNamespace = "ingress-nginx"
	DefaultIngressControllerLabel     = "app.kubernetes.io/name"
	DefaultIngressControllerValue     = "ingress-nginx"
)

func defaultOptions() options {
	return options{
		ipBlockPods: true, selfAllowed: true, nodeAllowed: true, hostPods: HostNetworkAsNode,
		controllerNs:     DefaultIngressControllerNamespace,
		controllerLabels: map[string]string{DefaultIngressControllerLabel: DefaultIngressControllerValue},
	}
}

// IPBlockMatchesPods sets whether ipBlock peers match pod IPs (default true,
// as the upstream conformance tests expect). With false, an ipBlock matches
// only addresses outside the cluster, as some CNIs (Cilium, for one) do.
func IPBlockMatchesPods(on bool) Option { return func(o *options) { o.ipBlockPods = on } }

// SelfTraffic sets whether a pod may always reach itself whatever the
// policies say (default true: NetworkPolicy implementations do not police a
// pod's traffic to its own address).
func SelfTraffic(allowed bool) Option { return func(o *options) { o.selfAllowed = allowed } }

// NodeTraffic sets whether traffic from a node to the pods running on it is
// always allowed (default true: kubelet health checks must reach their pods,
// and implementations exempt the pod's own node).
func NodeTraffic(allowed bool) Option { return func(o *options) { o.nodeAllowed = allowed } }

// NodeAddresses adds node addresses to those of the cluster's Node objects
// (status.addresses of type InternalIP and ExternalIP). Exposure uses them
// for traffic that reaches a pod with a node's address as its source, as
// NodePort and LoadBalancer traffic with externalTrafficPolicy: Cluster does.
func NodeAddresses(addrs ...netip.Addr) Option {
	return func(o *options) {
		for _, a := range addrs {
			o.nodeAddrs = append(o.nodeAddrs, a.WithZone("").Unmap())
		}
	}
}

// IngressController says which pods implement Ingress objects: the pods of
// namespace whose labels include all of labels. The default is the
// conventional ingress-nginx installation: namespace ingress-nginx, label
// app.kubernetes.io/name=ingress-nginx.
func IngressController(namespace string, labels map[string]string) Option {
	return func(o *options) { o.controllerNs, o.controllerLabels = namespace, labels }
}

// HostNetworkMode says how the engine treats pods with spec.hostNetwork.
type HostNetworkMode string

// The modes of [HostNetworkPods].
const (
	// HostNetworkAsNode (the default) treats a hostNetwork pod as its node:
	// it is no policy subject, pod and namespace selectors never match it
	// (ipBlocks see it by its address, which is its node's), and its
	// traffic to the pods of its own node is node traffic (see
	// [NodeTraffic]). The Kubernetes documentation leaves hostNetwork pods
	// to the plugin, between two behaviours, and names this one the most
	// common (kubernetes.io/docs/concepts/services-networking/network-policies,
	// "NetworkPolicy and hostNetwork pods").
	HostNetworkAsNode HostNetworkMode = "node"
	// HostNetworkAsPod treats a hostNetwork pod like any pod, the other
	// behaviour the documentation allows, for plugins that can tell its
	// traffic from its node's: policies of its namespace select it, pod and namespace
	// selectors match it (tiered policies' too), and its traffic to the
	// pods of its node is judged by policy, not exempt as node traffic.
	// Its address is still its node's: [IP] of that address is not the
	// pod, and a tiered nodes peer matches it only by that address.
	HostNetworkAsPod HostNetworkMode = "pod"
)

// HostNetworkPods sets how hostNetwork pods are treated (default
// [HostNetworkAsNode]). Any other mode is reported by [Compile].
func HostNetworkPods(mode HostNetworkMode) Option { return func(o *options) { o.hostPods = mode } }
