package manifest

import (
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/simulate"
)

// Workload is a group of pods: those one controller owns (see [WorkloadOf]),
// or a pod without a controller on its own.
type Workload struct {
	// ID is "namespace/name". A workload whose namespace/name a bare pod or
	// a workload of another kind also has is "namespace/kind/name" instead,
	// with the kind in lower case (say "shop/deployment/web"), so that IDs
	// stay unique.
	ID string
	// Kind is the controller's kind ("Deployment", "StatefulSet", ...), or
	// "Pod" for a pod without a controller.
	Kind            string
	Namespace, Name string
	// Pods are the members, sorted.
	Pods []simulate.PodID
}

// Workloads groups the pods of m by the workload that owns them, sorted by
// ID. It costs O(pods).
func Workloads(m *simulate.Model) []Workload {
	type key struct{ namespace, kind, name string }
	index := map[key]int{}
	var out []Workload
	for _, id := range m.Pods() {
		k := key{id.Namespace, "Pod", id.Name}
		if kind, name, ok := WorkloadOf(m.PodObject(id)); ok {
			k = key{id.Namespace, kind, name}
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Workload{ID: k.namespace + "/" + k.name, Kind: k.kind, Namespace: k.namespace, Name: k.name})
		}
		out[i].Pods = append(out[i].Pods, id)
	}
	count := map[string]int{}
	for _, w := range out {
		count[w.ID]++
	}
	for i, w := range out {
		if count[w.ID] > 1 && w.Kind != "Pod" {
			out[i].ID = w.Namespace + "/" + strings.ToLower(w.Kind) + "/" + w.Name
		}
	}
	slices.SortFunc(out, func(a, b Workload) int { return strings.Compare(a.ID, b.ID) })
	return out
}
