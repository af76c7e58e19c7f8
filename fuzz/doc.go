// Package fuzz provides rapid generators of valid Kubernetes objects for
// property-based tests of network policy: label sets, label selectors,
// namespaces, pods, nodes, Services, Ingresses, NetworkPolicies and whole
// [simulate.Cluster] values.
//
// Every generator is built with rapid.Custom from labelled draws, so a
// failing property prints a readable trace of what was drawn and rapid
// shrinks counterexamples field by field. Use them in your own properties:
//
//	rapid.Check(t, func(t *rapid.T) {
//		c := fuzz.Cluster().Draw(t, "cluster")
//		m, err := simulate.Compile(c)
//		...
//	})
//
// # Validity
//
// Every generated object passes the API server's validation: label keys and
// values, selector operators (In and NotIn with values, Exists and
// DoesNotExist without), object names, container port numbers (1-65535),
// port names (IANA service names, unique within a pod), NetworkPolicy port
// numbers and endPort (endPort >= port, and only with a numeric port),
// canonical ipBlock CIDRs with every except strictly inside its cidr, and
// policyTypes, Service types with the fields each allows (headless only as
// ClusterIP, node ports 30000-32767 and externalTrafficPolicy only on
// NodePort and LoadBalancer, loadBalancerSourceRanges and
// allocateLoadBalancerNodePorts only on LoadBalancer, port names required
// when a Service has several ports), and Ingresses with a default backend
// or rules, absolute paths with a pathType, and backends by port name or
// number. [Cluster] also makes names unique per namespace and the
// addresses of pods unique across the cluster (hostNetwork pods excepted:
// they share their node's).
//
// Two deliberate liberties: two containers of one pod occasionally serve
// the same port name, which the API server accepts (it validates names per
// container) although the API documentation asks for names unique within
// the pod; and a generated Namespace sometimes carries a stale
// kubernetes.io/metadata.name label naming another namespace, as a
// hand-written manifest might; the API server (and package simulate)
// overwrite that label with the namespace's own name.
//
// # Collisions
//
// Values are drawn from small pools so that selectors, named ports and IP
// blocks match generated objects often:
//
//   - label keys app, tier, env and example.com/team with values web, db
//     and the empty value; selectors have at most three requirements;
//     namespace selectors mostly use kubernetes.io/metadata.name with
//     namespace names as values;
//   - namespaces default, shop and ops (and ghost, which never has pods;
//     and ingress-nginx, where some clusters run their ingress controller);
//   - container ports 53, 80, 443, 5432, 8080 and 8443 (occasionally any
//     port), named http, dns, metrics or after their number and protocol
//     such as serve-80-tcp; policies also name ports no pod serves;
//   - pod addresses in 10.0.0.0/23, 192.168.1.0/24 and fd00::/56, node
//     (and hostNetwork pod) addresses 172.16.0.i and fd10::i, node
//     ExternalIPs 198.51.100.i, and ipBlock CIDRs that cover, split and miss
//     those ranges; in a [Cluster], half of the ipBlocks are built around
//     an address of one of its pods or nodes (the address alone, or a
//     prefix holding it, with excepts around the cluster's addresses);
//   - nodes node-1, node-2 and node-3; Services s0 … s3, whose named
//     targetPorts and the policies' named ports in a [Cluster] are often
//     names its pods serve; Ingresses ing0 … ing2 whose backends mostly
//     name Services and ports of the cluster.
//
// The shapes cover every form the API allows: nil and empty selectors,
// every selector operator, peers by podSelector, namespaceSelector, both,
// or ipBlock with excepts; absent, empty and non-empty ingress, egress,
// from, to and ports; policyTypes absent, empty or explicit; ports with a
// protocol only, a number, a number and endPort, a name; pods without IPs,
// with an IPv4 or IPv6 address or both (sometimes a single address in
// status.podIP only, as older manifests give it), pods scheduled to a node
// or not, and (rarely) hostNetwork pods; Services of every type (numeric,
// named and absent targetPorts, headless, ExternalName,
// externalTrafficPolicy Local, Cluster or defaulted,
// loadBalancerSourceRanges, allocateLoadBalancerNodePorts); Ingresses with
// and without TLS, default backends and host rules; and, in some clusters,
// an ingress controller where [simulate.IngressController]'s default looks
// for it.
package fuzz
