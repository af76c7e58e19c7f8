package simulate

// Option sets one implementation-defined behaviour of the engine. Each has a
// default that matches the upstream Kubernetes conformance tests.
type Option func(*options)

type options struct {
	ipBlockPods bool
	selfAllowed bool
	nodeAllowed bool
}

func defaultOptions() options {
	return options{ipBlockPods: true, selfAllowed: true, nodeAllowed: true}
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
