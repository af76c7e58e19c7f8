package conformance_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// hostNetworkScenarios: x/a runs on the host network of node-1 (its
// address is the node's, 172.16.0.1); x/b runs on node-1 too, on the pod
// network. The Kubernetes documentation leaves hostNetwork pods to the
// plugin, between two behaviours (simulate.HostNetworkPods):
//   - node (the default, the most common): x/a is its node: no policy
//     selects it, no pod or namespace selector matches it, and its traffic
//     to x/b (a pod of its node) is node traffic, always allowed;
//   - pod: x/a is a pod like any: policies select it, selectors match it,
//     and its traffic to x/b is judged by policy.
func hostNetworkScenarios() []scenario {
	onNode := func(c *simulate.Cluster) {
		a, b := findPod(c, "x/a"), findPod(c, "x/b")
		a.Spec.HostNetwork, a.Spec.NodeName = true, "node-1"
		a.Status.PodIP, a.Status.PodIPs = "172.16.0.1", []corev1.PodIP{{IP: "172.16.0.1"}}
		b.Spec.NodeName = "node-1"
		var n corev1.Node
		n.Name = "node-1"
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.16.0.1"}}
		c.Nodes = append(c.Nodes, n)
	}
	asNode := []simulate.Option{simulate.HostNetworkPods(simulate.HostNetworkAsNode)}
	asPod := []simulate.Option{simulate.HostNetworkPods(simulate.HostNetworkAsPod)}
	denyX := pols(netpol("x", "deny-ingress", everything()))
	fromA := pols(netpol("x", "c-from-a", podLabel("c"), ingress(from(peers(podsPeer(podLabel("a")))))))
	fromX := pols(netpol("y", "from-x", everything(), ingress(from(peers(nsPeer(nsName("x")))))))
	aNoEgress := pols(netpol("x", "a-no-egress", podLabel("a"), policyTypes(typeEgress)))
	return []scenario{
		{
			// node: x/a is not isolated; x/a → x/b is node traffic.
			name: "hostNetwork node: default deny ingress", setup: onNode, opts: asNode, policies: denyX,
			probes: []probe{expect(newTruth(true).col("x/*", false).col("x/a", true).set("x/a", "x/b", true), served...)},
		},
		{
			// The default is node.
			name: "hostNetwork default: default deny ingress", setup: onNode, policies: denyX,
			probes: []probe{expect(newTruth(true).col("x/*", false).col("x/a", true).set("x/a", "x/b", true), served...)},
		},
		{
			// pod: x/a is isolated like its namespace; x/a → x/b is denied.
			name: "hostNetwork pod: default deny ingress", setup: onNode, opts: asPod, policies: denyX,
			probes: []probe{expect(newTruth(true).col("x/*", false), served...)},
		},
		{
			// node: the podSelector does not match x/a, so x/c receives
			// from nobody.
			name: "hostNetwork node: podSelector peer", setup: onNode, opts: asNode, policies: fromA,
			probes: []probe{expect(newTruth(true).col("x/c", false), served...)},
		},
		{
			name: "hostNetwork pod: podSelector peer", setup: onNode, opts: asPod, policies: fromA,
			probes: []probe{expect(newTruth(true).col("x/c", false).set("x/a", "x/c", true), served...)},
		},
		{
			// node: the namespaceSelector matches x/b and x/c, not x/a.
			name: "hostNetwork node: namespaceSelector peer", setup: onNode, opts: asNode, policies: fromX,
			probes: []probe{expect(newTruth(true).col("y/*", false).set("x/*", "y/*", true).set("x/a", "y/*", false), served...)},
		},
		{
			name: "hostNetwork pod: namespaceSelector peer", setup: onNode, opts: asPod, policies: fromX,
			probes: []probe{expect(newTruth(true).col("y/*", false).set("x/*", "y/*", true), served...)},
		},
		{
			// node: a policy selecting x/a does not isolate it.
			name: "hostNetwork node: egress deny of the host pod", setup: onNode, opts: asNode, policies: aNoEgress,
			probes: []probe{expect(newTruth(true), served...)},
		},
		{
			name: "hostNetwork pod: egress deny of the host pod", setup: onNode, opts: asPod, policies: aNoEgress,
			probes: []probe{expect(newTruth(true).row("x/a", false), served...)},
		},
	}
}

func TestHostNetworkConformance(t *testing.T) {
	for _, s := range hostNetworkScenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			c := newModel()
			s.setup(&c)
			c.NetworkPolicies = s.policies
			m, err := simulate.Compile(c, s.opts...)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			assertProbes(t, m, s.probes)
		})
	}
}

func TestHostNetworkModeInvalid(t *testing.T) {
	_, err := simulate.Compile(newModel(), simulate.HostNetworkPods("bridge"))
	const want = `simulate: hostNetwork pods mode "bridge": want "node" or "pod"`
	if err == nil || err.Error() != want {
		t.Errorf("Compile with mode bridge: %v, want %q", err, want)
	}
}
