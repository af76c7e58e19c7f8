package simulate

import (
	"slices"
)

// Snapshot is what [Diff] and [DiffWorkloads] compare of the model before a
// change, kept apart from the model: its pods (by ID, with their class,
// node and host network flag), the ports of every class pair with some
// port, what outside the cluster may reach of each pod, and its workloads
// with their pairs. It holds no pointer into the model or its Cluster, so
// a caller comparing two large clusters can make the first model's
// Snapshot, let that model go, and only then load and compile the second:
// at 150,000 pods a Snapshot is a small part of its model (see
// BENCHMARKS.md).
//
// Make one with [Model.Snapshot]. A Snapshot is read-only and safe for
// concurrent use; the zero Snapshot is a model without pods.
type Snapshot struct {
	pods        []snapPod            // sorted by ID, as the model's pods
	pairs       map[[2]int32]PortSet // class pair → its ports, for the pairs with some
	nodeAllowed bool                 // the model's Options.NodeTraffic
	byNode      map[string][]int32   // node → its pods, for the nodes with a hostNetwork pod
	exposed     map[PodID]PortSet    // pod → the ports outside may reach, when some
	workloads   []Workload
	wpairs      map[Aggregate][]WorkloadPair // kept only for the aggregates asked for
}

// snapPod is one pod of a Snapshot.
type snapPod struct {
	id    PodID
	class int32
	host  bool
	node  string
}

// Snapshot returns what Diff and DiffWorkloads need of m as the model
// before a change. It costs what m's [Model.ClassPairs], [Model.Exposure],
// [Model.Workloads] and [Model.WorkloadPairs] cost (one pass gives the
// pairs of both aggregates),
// and holds O(pods + class pairs with some port + workload pairs).
func (m *Model) Snapshot() *Snapshot {
	return m.snapshot(true, AnyMember, EveryMember)
}

// snapshot makes the Snapshot of m, with the workloads when workloads is
// set and the workload pairs of each aggregate in aggs.
func (m *Model) snapshot(workloads bool, aggs ...Aggregate) *Snapshot {
	base := &Snapshot{
		pods:        make([]snapPod, len(m.pods)),
		pairs:       map[[2]int32]PortSet{},
		nodeAllowed: m.opts.nodeAllowed,
		byNode:      map[string][]int32{},
		exposed:     exposedPorts(m),
	}
	for i := range m.pods {
		p := &m.pods[i]
		base.pods[i] = snapPod{id: p.id, class: m.podClass[i], host: p.host, node: p.pod.Spec.NodeName}
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
		// Both aggregates' pairs from one pass over the candidates; only
		// those asked for are kept.
		keep := map[Aggregate]bool{}
		for _, agg := range aggs {
			if agg != EveryMember {
				agg = AnyMember // as WorkloadPairs reads it
			}
			keep[agg] = true
		}
		base.wpairs = map[Aggregate][]WorkloadPair{}
		m.workloadCandidates(func(from, to string, anyMember PortSet, everyMember func() PortSet) bool {
			if keep[AnyMember] && !anyMember.IsEmpty() {
				base.wpairs[AnyMember] = append(base.wpairs[AnyMember], WorkloadPair{From: from, To: to, Ports: anyMember})
			}
			if keep[EveryMember] {
				if ports := everyMember(); !ports.IsEmpty() {
					base.wpairs[EveryMember] = append(base.wpairs[EveryMember], WorkloadPair{From: from, To: to, Ports: ports})
				}
			}
			return true
		})
	}
	return base
}

// Workloads returns the workloads of the model b was made of, as
// [Model.Workloads] gave them, sorted by ID. The slices are fresh.
func (b *Snapshot) Workloads() []Workload {
	out := make([]Workload, len(b.workloads))
	for i, w := range b.workloads {
		w.Pods = slices.Clone(w.Pods)
		out[i] = w
	}
	return out
}

// index returns the index of pod id in b, or -1.
func (b *Snapshot) index(id PodID) int32 {
	i, ok := slices.BinarySearchFunc(b.pods, id, func(p snapPod, id PodID) int { return cmpID(p.id, id) })
	if !ok {
		return -1
	}
	return int32(i)
}

// classPorts returns the ports of a pair of b's classes.
func (b *Snapshot) classPorts(from, to int32) PortSet { return b.pairs[[2]int32{from, to}] }

// exempt reports whether node traffic allows everything from pod i to a
// different pod j of b: a hostNetwork pod to the pods of its node.
func (b *Snapshot) exempt(i, j int32) bool {
	p := b.pods[i]
	return b.nodeAllowed && p.host && p.node != "" && p.node == b.pods[j].node
}

// pairPorts returns the ports allowed from pod i to a different pod j of b.
func (b *Snapshot) pairPorts(i, j int32) PortSet {
	if b.exempt(i, j) {
		return AllPorts()
	}
	return b.classPorts(b.pods[i].class, b.pods[j].class)
}
