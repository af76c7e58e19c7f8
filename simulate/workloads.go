package simulate

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Workload is a group of pods: those one controller owns, or a pod without
// a controller on its own.
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
	// Pods are the members, sorted; never empty.
	Pods []PodID
}

// WorkloadOf returns the kind and name of the controller that owns pod: the
// owner reference marked as controller. A pod a ReplicaSet owns whose
// pod-template-hash label ends the ReplicaSet's name belongs to the
// Deployment that made the ReplicaSet, as in a live cluster. ok is false
// for a pod without a controller.
func WorkloadOf(pod *corev1.Pod) (kind, name string, ok bool) {
	ref := metav1.GetControllerOfNoCopy(pod)
	if ref == nil {
		return "", "", false
	}
	if ref.Kind == "ReplicaSet" {
		if h := pod.Labels[appsv1.DefaultDeploymentUniqueLabelKey]; h != "" {
			if base, cut := strings.CutSuffix(ref.Name, "-"+h); cut && base != "" {
				return "Deployment", base, true
			}
		}
	}
	return ref.Kind, ref.Name, true
}

// workloadIndex is the model's grouping of pods into workloads.
type workloadIndex struct {
	list  []Workload
	byID  map[string]int32
	ofPod []int32   // per pod: its workload
	pods  [][]int32 // per workload: its pods, in pod order
}

// workloads returns the model's workloadIndex, built on first use in
// O(pods).
func (m *Model) workloads() *workloadIndex {
	m.workloadOnce.Do(func() {
		type key struct{ namespace, kind, name string }
		index := map[key]int32{}
		ix := &workloadIndex{ofPod: make([]int32, len(m.pods))}
		for p := range m.pods {
			pi := &m.pods[p]
			k := key{pi.id.Namespace, "Pod", pi.id.Name}
			if kind, name, ok := WorkloadOf(pi.pod); ok {
				k = key{pi.id.Namespace, kind, name}
			}
			w, ok := index[k]
			if !ok {
				w = int32(len(ix.list))
				index[k] = w
				ix.list = append(ix.list, Workload{ID: k.namespace + "/" + k.name, Kind: k.kind, Namespace: k.namespace, Name: k.name})
				ix.pods = append(ix.pods, nil)
			}
			ix.ofPod[p] = w
			ix.pods[w] = append(ix.pods[w], int32(p))
		}
		count := map[string]int{}
		for _, w := range ix.list {
			count[w.ID]++
		}
		for i, w := range ix.list {
			if count[w.ID] > 1 && w.Kind != "Pod" {
				ix.list[i].ID = w.Namespace + "/" + strings.ToLower(w.Kind) + "/" + w.Name
			}
		}
		// Number workloads by ID.
		order := make([]int32, len(ix.list))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(ix.list[a].ID, ix.list[b].ID) })
		renum := make([]int32, len(order))
		list := make([]Workload, len(order))
		pods := make([][]int32, len(order))
		ix.byID = make(map[string]int32, len(order))
		for i, old := range order {
			renum[old] = int32(i)
			list[i] = ix.list[old]
			pods[i] = ix.pods[old]
			ix.byID[list[i].ID] = int32(i)
		}
		for p, w := range ix.ofPod {
			ix.ofPod[p] = renum[w]
		}
		ix.list, ix.pods = list, pods
		m.workloadIx = ix
	})
	return m.workloadIx
}

// Workloads groups the pods of m by the workload that owns them (see
// [WorkloadOf]), sorted by ID. The slices are fresh. It costs O(pods).
func (m *Model) Workloads() []Workload {
	ix := m.workloads()
	out := make([]Workload, len(ix.list))
	for i, w := range ix.list {
		w.Pods = make([]PodID, len(ix.pods[i]))
		for j, p := range ix.pods[i] {
			w.Pods[j] = m.pods[p].id
		}
		out[i] = w
	}
	return out
}

// WorkloadOfPod returns the ID of the workload a pod belongs to; an unknown
// pod is an error.
func (m *Model) WorkloadOfPod(pod PodID) (string, error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return "", err
	}
	ix := m.workloads()
	return ix.list[ix.ofPod[i]].ID, nil
}

// Aggregate says how the ports between the pods of two groups add up to the
// ports between the groups.
type Aggregate uint8

const (
	// AnyMember: a port is allowed between two groups when some pod of the
	// first may reach some other pod of the second on it (the union; what
	// an attacker who holds the whole first group may reach).
	AnyMember Aggregate = iota
	// EveryMember: a port is allowed when every pod of the first may reach
	// every other pod of the second on it (the intersection; what a client
	// may count on whichever replica it runs in and talks to).
	EveryMember
)

func (a Aggregate) String() string {
	switch a {
	case AnyMember:
		return "any member"
	case EveryMember:
		return "every member"
	}
	return fmt.Sprintf("Aggregate(%d)", uint8(a))
}

// WorkloadPair is one cell of the workload matrix.
type WorkloadPair struct {
	From, To string // workload IDs
	Ports    PortSet
}

// WorkloadPorts returns the ports between two workloads (IDs as
// [Model.Workloads] gives them), added up as agg says over their pairs of
// distinct pods, exemptions (see [Matrix.Ports]) included. A workload
// paired with itself speaks of its distinct members; a workload of one pod
// has no such pair, and gets the empty set. An unknown ID is an error.
//
// It costs O(classes of the two workloads² × runs) plus, for hostNetwork
// members, O(pods of their nodes).
func (m *Model) WorkloadPorts(from, to string, agg Aggregate) (PortSet, error) {
	ix := m.workloads()
	a, ok := ix.byID[from]
	if !ok {
		return PortSet{}, fmt.Errorf("simulate: no workload %s", from)
	}
	b, ok := ix.byID[to]
	if !ok {
		return PortSet{}, fmt.Errorf("simulate: no workload %s", to)
	}
	return m.newWorkloadView().ports(a, b, agg), nil
}

// WorkloadPairs yields every ordered pair of distinct workloads whose
// ports (see [Model.WorkloadPorts]) are not empty, sorted by From and then
// To.
//
// It is built on the class view: with AnyMember it costs O(class pairs
// with some port × the workloads sharing each class + output log output);
// EveryMember then checks each candidate over its classes. Neither walks
// pod pairs.
func (m *Model) WorkloadPairs(agg Aggregate) iter.Seq[WorkloadPair] {
	return func(yield func(WorkloadPair) bool) {
		m.workloadCandidates(func(from, to string, anyMember PortSet, everyMember func() PortSet) bool {
			ports := anyMember
			if agg == EveryMember {
				ports = everyMember()
			}
			return ports.IsEmpty() || yield(WorkloadPair{From: from, To: to, Ports: ports})
		})
	}
}

// workloadCandidates calls each, sorted by from and then to, for every
// ordered pair of distinct workloads that some class pair with some port
// (or node traffic) joins, with the pair's AnyMember ports and a function
// that computes its EveryMember ports, until each returns false. Both of
// WorkloadPairs' aggregates come from this one pass.
func (m *Model) workloadCandidates(each func(from, to string, anyMember PortSet, everyMember func() PortSet) bool) {
	v := m.newWorkloadView()
	type key struct{ a, b int32 }
	cells := map[key]PortSet{}
	for cp := range m.ClassPairs() {
		for _, a := range v.ofClass[cp.From] {
			for _, b := range v.ofClass[cp.To] {
				if a == b {
					continue
				}
				k := key{a, b}
				cells[k] = cells[k].Union(cp.Ports)
			}
		}
	}
	for a, hosts := range v.hosts {
		for _, h := range hosts {
			for _, q := range m.podsByNode[m.pods[h].pod.Spec.NodeName] {
				if b := v.ix.ofPod[q]; b != a && q != h {
					cells[key{a, b}] = AllPorts()
				}
			}
		}
	}
	keys := make([]key, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y key) int {
		if x.a != y.a {
			return int(x.a) - int(y.a)
		}
		return int(x.b) - int(y.b)
	})
	for _, k := range keys {
		every := func() PortSet { return v.ports(k.a, k.b, EveryMember) }
		if !each(v.ix.list[k.a].ID, v.ix.list[k.b].ID, cells[k], every) {
			return
		}
	}
}

// workloadView holds what the workload matrix needs of the classes.
type workloadView struct {
	m       *Model
	ix      *workloadIndex
	ofClass map[ClassID][]int32     // class → the workloads with a member in it
	members map[[2]int32]memberInfo // (workload, class) → its members there
	classes [][]int32               // per workload: its classes, sorted
	hosts   map[int32][]int32       // workload → its hostNetwork pods on a node
}

// memberInfo sums up the members of one workload in one class.
type memberInfo struct {
	count    int
	node     string // the node of the first member
	nodes    bool   // members on two nodes or more
	noNode   bool   // a member without a node
	hostPods bool
}

func (m *Model) newWorkloadView() *workloadView {
	ix := m.workloads()
	v := &workloadView{m: m, ix: ix, ofClass: map[ClassID][]int32{}, members: map[[2]int32]memberInfo{},
		classes: make([][]int32, len(ix.list)), hosts: map[int32][]int32{}}
	for w, pods := range ix.pods {
		for _, p := range pods {
			c := m.podClass[p]
			k := [2]int32{int32(w), c}
			mi, seen := v.members[k]
			node := m.pods[p].pod.Spec.NodeName
			if !seen {
				v.classes[w] = append(v.classes[w], c)
				v.ofClass[ClassID(c)] = append(v.ofClass[ClassID(c)], int32(w))
				mi.node = node
			} else if node != mi.node {
				mi.nodes = true
			}
			mi.count++
			mi.noNode = mi.noNode || node == ""
			mi.hostPods = mi.hostPods || m.pods[p].host
			v.members[k] = mi
			if m.pods[p].host && node != "" && m.opts.nodeAllowed {
				v.hosts[int32(w)] = append(v.hosts[int32(w)], p)
			}
		}
		slices.Sort(v.classes[w])
	}
	return v
}

// ports adds up the ports between workloads a and b over their classes.
func (v *workloadView) ports(a, b int32, agg Aggregate) PortSet {
	m := v.m
	var out PortSet
	first := true
	for _, ca := range v.classes[a] {
		for _, cb := range v.classes[b] {
			ma, mb := v.members[[2]int32{a, ca}], v.members[[2]int32{b, cb}]
			if a == b && ca == cb && ma.count < 2 {
				continue // no pair of distinct pods
			}
			ports := m.classPorts(ca, cb)
			exempt := m.opts.nodeAllowed && ma.hostPods
			switch {
			case agg == AnyMember:
				out = out.Union(ports)
				continue
			case exempt && !ma.noNode && !ma.nodes && !mb.noNode && !mb.nodes && ma.node == mb.node:
				// Every pair of these members is node traffic, allowed on
				// every port: it constrains nothing.
				continue
			}
			if first {
				out, first = ports, false
			} else {
				out = out.Intersect(ports)
			}
		}
	}
	if agg == AnyMember {
		for _, h := range v.hosts[a] {
			for _, q := range m.podsByNode[m.pods[h].pod.Spec.NodeName] {
				if q != h && v.ix.ofPod[q] == b {
					return AllPorts()
				}
			}
		}
	}
	if first && agg == EveryMember {
		if a == b && len(v.ix.pods[a]) < 2 {
			return PortSet{}
		}
		// Every pair was node traffic.
		return AllPorts()
	}
	return out
}
