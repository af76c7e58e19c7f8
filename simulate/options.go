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
}

// Default ingress controller: the conventional ingress-nginx installation.
const (
	DefaultIngressControllerNamespace = "ingress-nginx"
	DefaultIngressControllerLabel     = "app.kubernetes.io/name"
	DefaultIngressControllerValue     = "ingress-nginx"
)

func defaultOptions() options {
	return options{
		ipBlockPods: true, selfAllowed: true, nodeAllowed: true,
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
