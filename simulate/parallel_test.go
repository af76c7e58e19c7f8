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
