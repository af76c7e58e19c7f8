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

// exposedPorts returns, per pod of m, the pod ports some outside address
// may reach it on by some route. It costs what [Model.Exposure] costs.
func exposedPorts(m *Model) map[PodID]PortSet {
	out := map[PodID]PortSet{}
	for _, x := range m.Exposure() {
		var ports PortSet
		for _, r := range x.Inbound {
			if !r.Sources.IsEmpty() {
				ports = ports.Union(r.PodPorts)
			}
		}
		out[x.Pod] = ports
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

// addExposure fills d.Exposure for Diff.
func (d *Delta) addExposure(a, b *Model) {
	ma, mb := map[string][]PodID{}, map[string][]PodID{}
	for i := range a.pods {
		ma[a.pods[i].id.String()] = []PodID{a.pods[i].id}
	}
	for i := range b.pods {
		mb[b.pods[i].id.String()] = []PodID{b.pods[i].id}
	}
	d.Exposure = exposureChanges(exposedPorts(a), exposedPorts(b), sortedIDs(mb), ma, mb)
}

// addNewPairs fills d.NewPairs for Diff: the ports of b between each pod
// only in b and every other pod of b, both ways, as [Matrix.Ports] gives
// them (node traffic included), so O(added pods × pods).
func (d *Delta) addNewPairs(b *Model) {
	added := map[int32]bool{}
	for _, p := range d.AddedPods {
		added[b.podByID[p]] = true
	}
	for _, p := range d.AddedPods {
		i := b.podByID[p]
		for j := range int32(len(b.pods)) {
			if j == i {
				continue
			}
			if ports := b.pairPorts(i, j); !ports.IsEmpty() {
				d.NewPairs = append(d.NewPairs, Pair{From: p, To: b.pods[j].id, Ports: ports})
			}
			// A pair of two added pods is listed once, from each From.
			if ports := b.pairPorts(j, i); !added[j] && !ports.IsEmpty() {
				d.NewPairs = append(d.NewPairs, Pair{From: b.pods[j].id, To: p, Ports: ports})
			}
		}
	}
	slices.SortFunc(d.NewPairs, func(x, y Pair) int {
		return cmp.Or(cmpID(x.From, y.From), cmpID(x.To, y.To))
	})
}

// addWorkloadExposure fills d.Exposure for DiffWorkloads: a workload's
// exposure is the union over its pods.
func (d *WorkloadDelta) addExposure(a, b *Model, wa, wb []Workload) {
	ma, mb := map[string][]PodID{}, map[string][]PodID{}
	for _, w := range wa {
		ma[w.ID] = w.Pods
	}
	for _, w := range wb {
		mb[w.ID] = w.Pods
	}
	d.Exposure = exposureChanges(exposedPorts(a), exposedPorts(b), sortedIDs(mb), ma, mb)
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
