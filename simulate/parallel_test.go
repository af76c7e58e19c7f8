package simulate_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// Compile splits its walks over policies, pods, rule peers and rows across
// cores, each worker interning sets in a fork that is adopted back in a
// fixed order. Whatever the split, the model must be the one a single core
// computes, to the numbering of its sets.
func TestParallelCompileSame(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c simulate.Cluster
		if rapid.Bool().Draw(t, "tiered") {
			c = fuzz.TieredCluster().Draw(t, "cluster")
		} else {
			c = fuzz.Cluster().Draw(t, "cluster")
		}
		serial, err := simulate.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		workers := rapid.IntRange(2, 5).Draw(t, "workers")
		batch := rapid.IntRange(1, 4).Draw(t, "batch")
		restore := simulate.SetParallel(2, workers, batch)
		split, err := simulate.Compile(c)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		if !simulate.SameModel(serial, split) {
			t.Fatalf("the model compiled in %d workers, %d items a batch, differs from the one compiled on one core", workers, batch)
		}
	})
}

// The errors of a cluster are the same, in the same order, however Compile
// splits its walks: duplicates and bad addresses among valid pods and
// policies.
func TestParallelCompileSameErrors(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.Cluster().Draw(t, "cluster")
		if len(c.Pods) == 0 || len(c.NetworkPolicies) == 0 {
			t.Skip("needs a pod and a policy to duplicate")
		}
		dupPod := c.Pods[rapid.IntRange(0, len(c.Pods)-1).Draw(t, "pod")]
		badIP := *dupPod.DeepCopy()
		badIP.Name, badIP.Status.PodIP = badIP.Name+"-bad", "10.0.0.300"
		dupPol := c.NetworkPolicies[rapid.IntRange(0, len(c.NetworkPolicies)-1).Draw(t, "policy")]
		c.Pods = append(c.Pods, dupPod, badIP)
		c.NetworkPolicies = append(c.NetworkPolicies, dupPol)
		_, serial := simulate.Compile(c)
		restore := simulate.SetParallel(2, rapid.IntRange(2, 5).Draw(t, "workers"), 1)
		_, split := simulate.Compile(c)
		restore()
		if serial == nil || split == nil || serial.Error() != split.Error() {
			t.Fatalf("errors differ:\none core: %v\nsplit:    %v", serial, split)
		}
	})
}
