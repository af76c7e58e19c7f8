package simulate

import (
	"cmp"
	"slices"
	"strings"
)

// ExposureChange is a pod (or workload) whose exposure to addresses
// outside the cluster differs between two models: the ports on which some
// outside address may reach it by some route ([PodExposure.Inbound]:
// directly, through a NodePort or LoadBalancer Service, or through an
// Ingress), before and after. Before is empty for a pod only in the second
// model; pods only in the first are not compared.
type ExposureChange struct {
	// ID is the pod's ("namespace/name") or the workload's.
	ID            string
	Before, After PortSet
}

// exposedPorts returns, per pod of m that some outside address may reach
// by some route, the pod ports it may reach it on; the other pods are left
// out. It costs what [Model.Exposure] costs.
func exposedPorts(m *Model) map[PodID]PortSet {
	out := map[PodID]PortSet{}
	// Pod by pod as Exposure does, each pod's routes let go once summed.
	ex := m.exposer()
	memo := map[[2]int32][]Access{}
	for i := range m.pods {
		x := m.podExposure(int32(i), ex, memo)
		var ports PortSet
		for _, r := range x.Inbound {
			if !r.Sources.IsEmpty() {
				ports = ports.Union(r.PodPorts)
			}
		}
		if !ports.IsEmpty() {
			out[x.Pod] = ports
		}
	}
	return out
}

// exposureChanges compares the exposure of the members of each of ids in a
// and b (members maps an ID to its pods in each model; an ID absent from a
// model has none there), in the order of ids.
func exposureChanges(ea, eb map[PodID]PortSet, ids []string, membersA, membersB map[string][]PodID) []ExposureChange {
	var out []ExposureChange
	for _, id := range ids {
		var before, after PortSet
		for _, p := range membersA[id] {
			before = before.Union(ea[p])
		}
		for _, p := range membersB[id] {
			after = after.Union(eb[p])
		}
		if !before.Equal(after) {
			out = append(out, ExposureChange{ID: id, Before: before, After: after})
		}
	}
	return out
}

// sortedIDs returns the keys of m, sorted.
func sortedIDs(m map[string][]PodID) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// addExposure fills d.Exposure for Diff: the pods of b whose exposure
// differs from a's, where a pod only in b had none. Only the pods exposed
// on some side can differ, so it costs O(exposed pods × log) beyond what
// exposedPorts(b) costs, sorted by ID as a string as ExposureChange.ID is.
func (d *Delta) addExposure(a *Snapshot, b *Model) {
	eb := exposedPorts(b)
	var ids []PodID
	for id := range eb {
		ids = append(ids, id)
	}
	for id := range a.exposed {
		_, inB := b.podByID[id]
		if _, after := eb[id]; inB && !after {
			ids = append(ids, id) // exposed before, not after
		}
	}
	type keyed struct {
		s  string
		id PodID
	}
	ks := make([]keyed, len(ids))
	for i, id := range ids {
		ks[i] = keyed{id.String(), id}
	}
	slices.SortFunc(ks, func(x, y keyed) int { return strings.Compare(x.s, y.s) })
	for _, k := range ks {
		if before, after := a.exposed[k.id], eb[k.id]; !before.Equal(after) {
			d.Exposure = append(d.Exposure, ExposureChange{ID: k.s, Before: before, After: after})
		}
	}
}

// addNewPairs fills d.NewPairs for Diff: the ports of b between each pod
// only in b and every other pod of b, both ways, as [Matrix.Ports] gives
// them (node traffic included). It walks b's class pairs once and expands
// only those that touch the class of an added pod, then puts node traffic
// on top pod by pod: O(class pairs of b + output), not O(added pods × pods).
func (d *Delta) addNewPairs(b *Model) {
	if len(d.AddedPods) == 0 {
		return
	}
	added := map[int32]bool{}
	byClass := map[int32][]int32{} // class → its added pods
	for _, p := range d.AddedPods {
		i := b.podByID[p]
		added[i] = true
		byClass[b.podClass[i]] = append(byClass[b.podClass[i]], i)
	}
	type pair struct{ from, to int32 }
	cells := map[pair]PortSet{}
	for cp := range b.ClassPairs() {
		from, to := int32(cp.From), int32(cp.To)
		for _, i := range byClass[from] { // from an added pod, to any other
			for _, j := range b.classes[to].members {
				if j != i {
					cells[pair{i, j}] = cp.Ports
				}
			}
		}
		for _, i := range byClass[to] { // to an added pod, from one not added
			for _, j := range b.classes[from].members {
				if j != i && !added[j] {
					cells[pair{j, i}] = cp.Ports
				}
			}
		}
	}
	for i := range added {
		for _, j := range b.podsByNode[b.pods[i].pod.Spec.NodeName] {
			if j == i {
				continue
			}
			if b.exempt(i, j) {
				cells[pair{i, j}] = AllPorts()
			}
			if !added[j] && b.exempt(j, i) {
				cells[pair{j, i}] = AllPorts()
			}
		}
	}
	for k, ports := range cells {
		d.NewPairs = append(d.NewPairs, Pair{From: b.pods[k.from].id, To: b.pods[k.to].id, Ports: ports})
	}
	slices.SortFunc(d.NewPairs, func(x, y Pair) int {
		return cmp.Or(cmpID(x.From, y.From), cmpID(x.To, y.To))
	})
}

// addWorkloadExposure fills d.Exposure for DiffWorkloads: a workload's
// exposure is the union over its pods.
func (d *WorkloadDelta) addExposure(a *Snapshot, b *Model, wa, wb []Workload) {
	ma, mb := map[string][]PodID{}, map[string][]PodID{}
	for _, w := range wa {
		ma[w.ID] = w.Pods
	}
	for _, w := range wb {
		mb[w.ID] = w.Pods
	}
	d.Exposure = exposureChanges(a.exposed, exposedPorts(b), sortedIDs(mb), ma, mb)
}

// addNewPairs fills d.NewPairs for DiffWorkloads from b's pairs.
func (d *WorkloadDelta) addNewPairs(b *Model, agg Aggregate) {
	if len(d.AddedWorkloads) == 0 {
		return
	}
	added := map[string]bool{}
	for _, w := range d.AddedWorkloads {
		added[w.ID] = true
	}
	for p := range b.WorkloadPairs(agg) {
		if added[p.From] || added[p.To] {
			d.NewPairs = append(d.NewPairs, p)
		}
	}
	slices.SortFunc(d.NewPairs, func(x, y WorkloadPair) int {
		return cmp.Or(strings.Compare(x.From, y.From), strings.Compare(x.To, y.To))
	})
}
