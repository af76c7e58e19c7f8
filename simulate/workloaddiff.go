package simulate

import (
	"cmp"
	"slices"
	"strings"
)

// WorkloadDelta is the difference between the workload matrices of two
// models (see [Model.WorkloadPairs]): what a change to a cluster's
// manifests does to which workload may reach which, on which ports. Make
// one with [DiffWorkloads].
//
// Workloads are matched by ID. A workload in only one of the models is
// listed in RemovedWorkloads or AddedWorkloads and none of its pairs is
// compared, as [Delta] does for pods. Pairs are sorted by From and then To,
// workloads by ID. The zero WorkloadDelta is empty.
type WorkloadDelta struct {
	// Added holds the pairs with no port allowed in the first model and
	// some in the second; Ports are the second model's.
	Added []WorkloadPair
	// Removed holds the pairs with some port allowed in the first model and
	// none in the second; Ports are the first model's.
	Removed []WorkloadPair
	// Changed holds the pairs with ports allowed in both models, but not
	// the same ports.
	Changed []WorkloadChange
	// RemovedWorkloads are the workloads only in the first model (with its
	// pods), AddedWorkloads those only in the second.
	RemovedWorkloads, AddedWorkloads []Workload
	// Shared is the number of workloads in both models.
	Shared int
	// NewPairs holds the pairs of the second model (as agg adds them up) in
	// which a workload of AddedWorkloads takes part, as [Delta.NewPairs].
	NewPairs []WorkloadPair
	// Exposure holds the workloads of the second model whose exposure to
	// addresses outside the cluster (the union over their pods) differs from
	// the first's, as [Delta.Exposure] does for pods.
	Exposure []ExposureChange
}

// WorkloadChange is a pair of workloads whose allowed ports differ between
// two models.
type WorkloadChange struct {
	From, To string
	// Before and After are the ports allowed in the first and the second
	// model.
	Before, After PortSet
}

// Gained returns the ports allowed after and not before.
func (c WorkloadChange) Gained() PortSet { return c.After.Difference(c.Before) }

// Lost returns the ports allowed before and not after.
func (c WorkloadChange) Lost() PortSet { return c.Before.Difference(c.After) }

// Summary says what c gained and lost, as [Change.Summary] does.
func (c WorkloadChange) Summary() string {
	return Change{Before: c.Before, After: c.After}.Summary()
}

// Empty reports whether d records no difference at all.
func (d *WorkloadDelta) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 &&
		len(d.RemovedWorkloads) == 0 && len(d.AddedWorkloads) == 0 && len(d.Exposure) == 0
}

// DiffWorkloads compares the workload matrices of a (before) and b (after),
// each added up over member pods as agg says, over the workloads they
// share, and lists the workloads only one of them has. The models may have
// been compiled with different options.
//
// It walks the two models' [Model.WorkloadPairs], never pairs of pods: it
// costs O(pods) to group the pods into workloads plus what WorkloadPairs
// costs in each model (about the class pairs with some port, for
// EveryMember also their members' classes) plus O(pairs listed × log pairs
// listed). It is a.Snapshot().DiffWorkloads(b, agg) without the parts of
// the Snapshot it does not use: to let a go before b is compiled, make the
// Snapshot first.
func DiffWorkloads(a, b *Model, agg Aggregate) *WorkloadDelta {
	return a.snapshot(true, agg).DiffWorkloads(b, agg)
}

// DiffWorkloads compares the workload matrices of base's model (before)
// and after, as the package function [DiffWorkloads] does.
func (base *Snapshot) DiffWorkloads(after *Model, agg Aggregate) *WorkloadDelta {
	b := after
	if agg != EveryMember {
		agg = AnyMember // as WorkloadPairs reads it
	}
	d := &WorkloadDelta{}
	wa, wb := base.workloads, b.Workloads()
	inA := make(map[string]bool, len(wa))
	inB := make(map[string]bool, len(wb))
	for _, w := range wa {
		inA[w.ID] = true
	}
	for _, w := range wb {
		inB[w.ID] = true
		if !inA[w.ID] {
			d.AddedWorkloads = append(d.AddedWorkloads, w)
		}
	}
	for _, w := range wa {
		if inB[w.ID] {
			d.Shared++
		} else {
			w.Pods = slices.Clone(w.Pods) // the Delta's own, as Workloads gives them
			d.RemovedWorkloads = append(d.RemovedWorkloads, w)
		}
	}
	type key struct{ from, to string }
	before := map[key]PortSet{}
	for _, p := range base.wpairs[agg] {
		if inB[p.From] && inB[p.To] {
			before[key{p.From, p.To}] = p.Ports
		}
	}
	for p := range b.WorkloadPairs(agg) {
		if !inA[p.From] || !inA[p.To] {
			continue
		}
		k := key{p.From, p.To}
		ports, was := before[k]
		delete(before, k)
		switch {
		case !was:
			d.Added = append(d.Added, p)
		case !ports.Equal(p.Ports):
			d.Changed = append(d.Changed, WorkloadChange{From: p.From, To: p.To, Before: ports, After: p.Ports})
		}
	}
	for k, ports := range before {
		d.Removed = append(d.Removed, WorkloadPair{From: k.from, To: k.to, Ports: ports})
	}
	byPair := func(f1, t1, f2, t2 string) int { return cmp.Or(strings.Compare(f1, f2), strings.Compare(t1, t2)) }
	slices.SortFunc(d.Removed, func(x, y WorkloadPair) int { return byPair(x.From, x.To, y.From, y.To) })
	// Added and Changed come in the order of b's pairs: by From and To.
	d.addNewPairs(b, agg)
	d.addExposure(base, b, wa, wb)
	return d
}
