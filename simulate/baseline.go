package simulate

import (
	"slices"
)

// Baseline is what [Diff] and [DiffWorkloads] compare of the model before a
// change, kept apart from the model: its pods (by ID, with their class,
// node and host network flag), the ports of every class pair with some
// port, what outside the cluster may reach of each pod, and its workloads
// with their pairs. It holds no pointer into the model or its Cluster, so
// a caller comparing two large clusters can make the first model's
// Baseline, let that model go, and only then load and compile the second:
// at 150,000 pods a Baseline is a small part of its model (see
// BENCHMARKS.md).
//
// Make one with [Model.Baseline]. A Baseline is read-only and safe for
// concurrent use; the zero Baseline is a model without pods.
type Baseline struct {
	pods        []basePod            // sorted by ID, as the model's pods
	pairs       map[[2]int32]PortSet // class pair → its ports, for the pairs with some
	nodeAllowed bool                 // the model's Options.NodeTraffic
	byNode      map[string][]int32   // node → its pods, for the nodes with a hostNetwork pod
	exposed     map[PodID]PortSet    // pod → the ports outside may reach, when some
	workloads   []Workload
	wpairs      map[Aggregate][]WorkloadPair // kept only for the aggregates asked for
}

// basePod is one pod of a Baseline.
type basePod struct {
	id    PodID
	class int32
	host  bool
	node  string
}

// Baseline returns what Diff and DiffWorkloads need of m as the model
// before a change. It costs what m's [Model.ClassPairs], [Model.Exposure],
// [Model.Workloads] and [Model.WorkloadPairs] (for both aggregates) cost,
// and holds O(pods + class pairs with some port + workload pairs).
func (m *Model) Baseline() *Baseline {
	return m.baseline(true, AnyMember, EveryMember)
}

// baseline makes the Baseline of m, with the workloads when workloads is
// set and the workload pairs of each aggregate in aggs.
func (m *Model) baseline(workloads bool, aggs ...Aggregate) *Baseline {
	base := &Baseline{
		pods:        make([]basePod, len(m.pods)),
		pairs:       map[[2]int32]PortSet{},
		nodeAllowed: m.opts.nodeAllowed,
		byNode:      map[string][]int32{},
		exposed:     exposedPorts(m),
	}
	for i := range m.pods {
		p := &m.pods[i]
		base.pods[i] = basePod{id: p.id, class: m.podClass[i], host: p.host, node: p.pod.Spec.NodeName}
		if p.host && p.pod.Spec.NodeName != "" {
			base.byNode[p.pod.Spec.NodeName] = nil
		}
	}
	for i, p := range base.pods {
		if q, ok := base.byNode[p.node]; ok {
			base.byNode[p.node] = append(q, int32(i))
		}
	}
	for cp := range m.ClassPairs() {
		base.pairs[[2]int32{int32(cp.From), int32(cp.To)}] = cp.Ports
	}
	if workloads {
		base.workloads = m.Workloads()
	}
	if len(aggs) > 0 {
		base.wpairs = map[Aggregate][]WorkloadPair{}
		for _, agg := range aggs {
			if agg != EveryMember {
				agg = AnyMember // as WorkloadPairs reads it
			}
			base.wpairs[agg] = slices.Collect(m.WorkloadPairs(agg))
		}
	}
	return base
}

// Workloads returns the workloads of the model b was made of, as
// [Model.Workloads] gave them, sorted by ID. The slices are fresh.
func (b *Baseline) Workloads() []Workload {
	out := make([]Workload, len(b.workloads))
	for i, w := range b.workloads {
		w.Pods = slices.Clone(w.Pods)
		out[i] = w
	}
	return out
}

// index returns the index of pod id in b, or -1.
func (b *Baseline) index(id PodID) int32 {
	i, ok := slices.BinarySearchFunc(b.pods, id, func(p basePod, id PodID) int { return cmpID(p.id, id) })
	if !ok {
		return -1
	}
	return int32(i)
}

// classPorts returns the ports of a pair of b's classes.
func (b *Baseline) classPorts(from, to int32) PortSet { return b.pairs[[2]int32{from, to}] }

// exempt reports whether node traffic allows everything from pod i to a
// different pod j of b: a hostNetwork pod to the pods of its node.
func (b *Baseline) exempt(i, j int32) bool {
	p := b.pods[i]
	return b.nodeAllowed && p.host && p.node != "" && p.node == b.pods[j].node
}

// pairPorts returns the ports allowed from pod i to a different pod j of b.
func (b *Baseline) pairPorts(i, j int32) PortSet {
	if b.exempt(i, j) {
		return AllPorts()
	}
	return b.classPorts(b.pods[i].class, b.pods[j].class)
}
