package simulate

import (
	"reflect"
)

// SetParallel makes every walk of Compile from min items on run in workers
// pieces, batch items at a time, and returns a function that restores the
// defaults. Tests use it to split the work of a small cluster.
func SetParallel(min, workers, batch int) (restore func()) {
	oldMin, oldWorkers, oldBatch := parallelMin, parallelWorkers, parallelBatch
	parallelMin, parallelWorkers, parallelBatch = min, workers, batch
	return func() { parallelMin, parallelWorkers, parallelBatch = oldMin, oldWorkers, oldBatch }
}

// SameModel reports whether a and b hold the same classes, port classes,
// rows and interned sets: what Compile computes, to the set numbers.
func SameModel(a, b *Model) bool {
	return reflect.DeepEqual(a.podClass, b.podClass) &&
		reflect.DeepEqual(a.classes, b.classes) &&
		reflect.DeepEqual(a.bounds, b.bounds) && a.base == b.base &&
		reflect.DeepEqual(a.dir, b.dir) &&
		reflect.DeepEqual(a.sets, b.sets) &&
		reflect.DeepEqual(a.subjects, b.subjects) &&
		reflect.DeepEqual(a.rulePeers, b.rulePeers) &&
		reflect.DeepEqual(a.tier.peers, b.tier.peers) &&
		reflect.DeepEqual(a.tier.groups, b.tier.groups)
}
