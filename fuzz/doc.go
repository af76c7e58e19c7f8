// Package fuzz provides rapid generators of valid Kubernetes objects for
// property-based tests of network policy: label sets, label selectors,
// namespaces, pods, NetworkPolicies and whole [simulate.Cluster] values.
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
// policyTypes. [Cluster] also makes names unique per namespace and the
// addresses of pods unique across the cluster (hostNetwork pods excepted:
// they share their node's).
//
// One deliberate liberty: a generated Namespace sometimes carries a stale
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
//   - namespaces default, shop and ops (and ghost, which never has pods);
//   - container ports 53, 80, 443, 5432, 8080 and 8443 (occasionally any
//     port), named http, dns, metrics or after their number and protocol
//     such as serve-80-tcp; policies also name ports no pod serves;
//   - pod addresses in 10.0.0.0/23, 192.168.1.0/24 and fd00::/56, node
//     (hostNetwork) addresses in 172.16.0.0/24 and fd10::/64, and ipBlock
//     CIDRs that cover, split and miss those ranges.
//
// The shapes cover every form the API allows: nil and empty selectors,
// every selector operator, peers by podSelector, namespaceSelector, both,
// or ipBlock with excepts; absent, empty and non-empty ingress, egress,
// from, to and ports; policyTypes absent, empty or explicit; ports with a
// protocol only, a number, a number and endPort, a name; pods without IPs,
// with an IPv4 or IPv6 address or both (sometimes a single address in
// status.podIP only, as older manifests give it), and (rarely) hostNetwork
// pods.
package fuzz
