package conformance_test

import (
	"testing"

	"github.com/netpolsim/netpolsim/simulate"
)

// step is one change to the cluster of an update scenario, and the tables
// that must hold once the changed cluster is compiled again.
type step struct {
	name   string
	change func(*simulate.Cluster) // nil for the initial state
	probes []probe
}

// runSteps applies the steps in turn to one cluster, compiling it after
// each. Each change edits a deep copy, never the objects an earlier model
// was compiled from (the Cluster contract forbids that). It also checks
// that a model compiled earlier still gives its own tables once the
// cluster has moved on: a Model is a snapshot.
func runSteps(t *testing.T, c simulate.Cluster, steps []step) {
	t.Helper()
	type done struct {
		m      *simulate.Model
		probes []probe
	}
	var prev *done
	for i, s := range steps {
		if s.change != nil {
			c = deepCopy(c)
			s.change(&c)
		}
		m, err := simulate.Compile(c)
		if err != nil {
			t.Fatalf("step %d (%s): Compile: %v", i, s.name, err)
		}
		earlier := prev
		ok := t.Run(s.name, func(t *testing.T) {
			assertProbes(t, m, s.probes)
			if earlier != nil {
				t.Run("earlier model unchanged", func(t *testing.T) { assertProbes(t, earlier.m, earlier.probes) })
			}
		})
		if !ok {
			return // the following steps build on this one
		}
		prev = &done{m: m, probes: s.probes}
	}
}

// TestUpdateLabels changes the labels of namespaces and pods under a fixed
// policy: x/a admits pods labelled role=client in namespaces labelled
// team=blue.
func TestUpdateLabels(t *testing.T) {
	t.Parallel()
	c := newModel()
	applyPolicy(&c, netpol("x", "a-from-blue-clients", podLabel("a"), ingress(from(peers(
		nsPodsPeer(matchLabels("team", "blue"), matchLabels("role", "client")),
	)))))
	ports := []simulate.PortSpec{tcp80, tcp81, udp80}
	runSteps(t, c, []step{
		{
			name:   "no namespace has team=blue",
			probes: []probe{expect(newTruth(true).col("x/a", false), ports...)},
		},
		{
			// Both selectors must match: y is blue but holds no client.
			name:   "label namespace y team=blue",
			change: func(c *simulate.Cluster) { labelNamespace(c, "y", "team", "blue") },
			probes: []probe{expect(newTruth(true).col("x/a", false), ports...)},
		},
		{
			name:   "label pod y/b role=client",
			change: func(c *simulate.Cluster) { labelPods(c, "y/b", "role", "client") },
			probes: []probe{expect(newTruth(true).col("x/a", false).set("y/b", "x/a", true), ports...)},
		},
		{
			// z/a is a client but z is not blue yet.
			name: "label pods z/a and z/c role=client",
			change: func(c *simulate.Cluster) {
				labelPods(c, "z/a", "role", "client")
				labelPods(c, "z/c", "role", "client")
			},
			probes: []probe{expect(newTruth(true).col("x/a", false).set("y/b", "x/a", true), ports...)},
		},
		{
			name:   "label namespace z team=blue",
			change: func(c *simulate.Cluster) { labelNamespace(c, "z", "team", "blue") },
			probes: []probe{expect(newTruth(true).col("x/a", false).set("y/b", "x/a", true).set("z/a", "x/a", true).set("z/c", "x/a", true), ports...)},
		},
		{
			name:   "remove label team from namespace y",
			change: func(c *simulate.Cluster) { labelNamespace(c, "y", "team", "") },
			probes: []probe{expect(newTruth(true).col("x/a", false).set("z/a", "x/a", true).set("z/c", "x/a", true), ports...)},
		},
		{
			name:   "remove label role from pod z/a",
			change: func(c *simulate.Cluster) { labelPods(c, "z/a", "role", "") },
			probes: []probe{expect(newTruth(true).col("x/a", false).set("z/c", "x/a", true), ports...)},
		},
		{
			// The policy no longer selects x/a: it is open again.
			name:   "relabel pod x/a pod=a to pod=gone",
			change: func(c *simulate.Cluster) { labelPods(c, "x/a", "pod", "gone") },
			probes: []probe{expect(newTruth(true), ports...)},
		},
		{
			// Now the policy selects x/b instead.
			name:   "relabel pod x/b pod=b to pod=a",
			change: func(c *simulate.Cluster) { labelPods(c, "x/b", "pod", "a") },
			probes: []probe{expect(newTruth(true).col("x/b", false).set("z/c", "x/b", true), ports...)},
		},
	})
}

// TestUpdatePolicies creates, replaces and deletes policies.
func TestUpdatePolicies(t *testing.T) {
	t.Parallel()
	allowA := func(ns string, port int32) func(*simulate.Cluster) {
		return func(c *simulate.Cluster) {
			applyPolicy(c, netpol("y", "allow-a", podLabel("a"), ingress(from(peers(nsPeer(nsName(ns))), tcpPort(port)))))
		}
	}
	runSteps(t, newModel(), []step{
		{
			name:   "no policy",
			probes: []probe{expect(newTruth(true), served...)},
		},
		{
			name:   "create default deny ingress in y",
			change: func(c *simulate.Cluster) { applyPolicy(c, netpol("y", "deny", everything())) },
			probes: []probe{expect(newTruth(true).col("y/*", false), served...)},
		},
		{
			name:   "create allow-a: y/a admits x on TCP 80",
			change: allowA("x", 80),
			probes: []probe{
				expect(newTruth(true).col("y/*", false).set("x/*", "y/a", true), tcp80),
				expect(newTruth(true).col("y/*", false), except(served, tcp80)...),
			},
		},
		{
			// Replacing is not adding: x loses TCP/80.
			name:   "replace allow-a: y/a admits z on TCP 81",
			change: allowA("z", 81),
			probes: []probe{
				expect(newTruth(true).col("y/*", false).set("z/*", "y/a", true), tcp81),
				expect(newTruth(true).col("y/*", false), except(served, tcp81)...),
			},
		},
		{
			// Replace the deny with a deny of egress: y's ingress opens
			// except where allow-a still selects y/a.
			name: "replace deny: egress instead of ingress",
			change: func(c *simulate.Cluster) {
				applyPolicy(c, netpol("y", "deny", everything(), policyTypes(typeEgress)))
			},
			probes: []probe{
				expect(newTruth(true).row("y/*", false).col("y/a", false).set("z/*", "y/a", true), tcp81),
				expect(newTruth(true).row("y/*", false).col("y/a", false), except(served, tcp81)...),
			},
		},
		{
			name:   "delete deny",
			change: func(c *simulate.Cluster) { deletePolicy(c, "y", "deny") },
			probes: []probe{
				expect(newTruth(true).col("y/a", false).set("z/*", "y/a", true), tcp81),
				expect(newTruth(true).col("y/a", false), except(served, tcp81)...),
			},
		},
		{
			name:   "delete allow-a",
			change: func(c *simulate.Cluster) { deletePolicy(c, "y", "allow-a") },
			probes: []probe{expect(newTruth(true), served...)},
		},
	})
}

// deepCopy returns a copy of c that shares no object with it.
func deepCopy(c simulate.Cluster) simulate.Cluster {
	var out simulate.Cluster
	for i := range c.Namespaces {
		out.Namespaces = append(out.Namespaces, *c.Namespaces[i].DeepCopy())
	}
	for i := range c.Pods {
		out.Pods = append(out.Pods, *c.Pods[i].DeepCopy())
	}
	for i := range c.Services {
		out.Services = append(out.Services, *c.Services[i].DeepCopy())
	}
	for i := range c.NetworkPolicies {
		out.NetworkPolicies = append(out.NetworkPolicies, *c.NetworkPolicies[i].DeepCopy())
	}
	for i := range c.Nodes {
		out.Nodes = append(out.Nodes, *c.Nodes[i].DeepCopy())
	}
	for i := range c.Ingresses {
		out.Ingresses = append(out.Ingresses, *c.Ingresses[i].DeepCopy())
	}
	return out
}
