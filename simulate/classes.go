package simulate

import (
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/netpolsim/netpolsim/internal/bitset"
)

// ClassID names a class of a Model. IDs run from 0 to len(Model.Classes())-1,
// in the order of each class's first pod; they mean nothing across models.
type ClassID int32

// Class is a set of pods that no policy can tell apart: same namespace, same
// labels as far as any selector looks, same numbers behind the port names
// rules use, same ipBlocks holding their addresses, same hostNetwork. Every
// pod of a class is allowed the same ports to every pod of another class
// (see [Model.ClassPorts]), so the class view answers for all of them at
// once: a Deployment of 10,000 replicas is usually one class.
type Class struct {
	ID        ClassID
	Namespace string
	// Pods are the members, sorted by namespace and name; never empty. The
	// first one is the class's representative.
	Pods []PodID
	// HostNetwork is true for a class of hostNetwork pods that the model
	// treats as their node (no policy subjects, matched by no selector; see
	// [HostNetworkPods]); false with [HostNetworkAsPod], where they are pods
	// like any.
	HostNetwork bool
}

// ClassPair is one cell of the class matrix: a pod of From may open
// connections to a different pod of To on Ports.
type ClassPair struct {
	From, To ClassID
	Ports    PortSet
}

// Classes returns every class of m, sorted by ID. The slices are fresh: the
// caller may keep and change them. It costs O(pods).
func (m *Model) Classes() []Class {
	out := make([]Class, len(m.classes))
	for c, ci := range m.classes {
		pods := make([]PodID, len(ci.members))
		for i, p := range ci.members {
			pods[i] = m.pods[p].id
		}
		out[c] = Class{ID: ClassID(c), Namespace: m.namespaces[ci.ns].ns.Name, Pods: pods, HostNetwork: ci.host}
	}
	return out
}

// ClassOf returns the class of a pod; an unknown pod is an error.
func (m *Model) ClassOf(pod PodID) (ClassID, error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return 0, err
	}
	return ClassID(m.podClass[i]), nil
}

// podIndex returns the index of a pod, or an error naming it.
func (m *Model) podIndex(pod PodID) (int32, error) {
	i, ok := m.podByID[pod]
	if !ok {
		return 0, m.notFoundPod(Pod(pod.Namespace, pod.Name))
	}
	return i, nil
}

// ClassPorts returns the ports on which a pod of from may open connections
// to a different pod of to, as the policies of every tier decide. It leaves
// out the exemptions that depend on the pods themselves rather than their
// class: a pod to itself (see [SelfTraffic]) and a hostNetwork pod to the
// pods of its own node (see [NodeTraffic]); [Matrix.Ports] adds them.
// It costs O(runs of the two classes' rows) and panics for an ID that is not
// one of m's classes.
func (m *Model) ClassPorts(from, to ClassID) PortSet {
	if int(from) >= len(m.classes) || int(to) >= len(m.classes) || from < 0 || to < 0 {
		panic(fmt.Sprintf("simulate: ClassPorts(%d, %d): the model has %d classes", from, to, len(m.classes)))
	}
	return m.classPorts(int32(from), int32(to))
}

// classPorts walks the sender's egress row and the receiver's ingress row
// side by side.
func (m *Model) classPorts(ca, cb int32) PortSet {
	total := m.portClasses()
	er, ir := m.row(egress, ca), m.row(ingress, cb)
	var ranges []PortRange
	i, j := 0, 0
	for k := int32(0); k < total; {
		for i+1 < len(er) && er[i+1].start <= k {
			i++
		}
		for j+1 < len(ir) && ir[j+1].start <= k {
			j++
		}
		next := total
		if i+1 < len(er) {
			next = min(next, er[i+1].start)
		}
		if j+1 < len(ir) {
			next = min(next, ir[j+1].start)
		}
		if m.inRun(er, i, cb) && m.inRun(ir, j, ca) {
			first, last := m.classRange(k), m.classRange(next-1)
			if first.Protocol == last.Protocol {
				ranges = append(ranges, PortRange{first.Protocol, first.Start, last.End})
			} else {
				for q := k; q < next; q++ {
					ranges = append(ranges, m.classRange(q))
				}
			}
		}
		k = next
	}
	return NewPortSet(ranges...)
}

// openRow is the row of a class no policy isolates: every peer on every port.
var openRow = []run{{start: 0, set: openSet}}

// openSet stands for the set of every class in a run of openRow.
const openSet = -2

// row returns the verdict row of class c in direction d.
func (m *Model) row(d int, c int32) []run {
	g := m.dir[d].group[c]
	if g < 0 {
		return openRow
	}
	return m.dir[d].rows[g]
}

// inRun reports whether run i of row holds class c.
func (m *Model) inRun(row []run, i int, c int32) bool {
	switch id := row[i].set; id {
	case openSet:
		return true
	case -1:
		return false
	default:
		return m.sets[id].Has(int(c))
	}
}

// ClassPairs yields every ordered pair of classes (From may equal To when
// the class has two pods or more) whose ports, as [Model.ClassPorts] gives
// them, are not empty; sorted by From and then To.
//
// It costs O(classes + the pairs it considers), where the pairs considered
// are, for each class, the peers its egress rules name (when it is isolated
// for egress) or the peers that admit it for ingress: about the size of the
// output on clusters whose pods are isolated, never O(pods²).
func (m *Model) ClassPairs() iter.Seq[ClassPair] {
	return func(yield func(ClassPair) bool) {
		n := len(m.classes)
		stamp := make([]int32, n)
		for i := range stamp {
			stamp[i] = -1
		}
		var cand []int32
		for a := range int32(n) {
			cand = m.candidates(a, stamp, cand[:0])
			for _, b := range cand {
				if a == b && len(m.classes[a].members) < 2 {
					continue
				}
				ports := m.classPorts(a, b)
				if ports.IsEmpty() {
					continue
				}
				if !yield(ClassPair{From: ClassID(a), To: ClassID(b), Ports: ports}) {
					return
				}
			}
		}
	}
}

// candidates appends to out, sorted and without repeats, every class that
// class a may reach on some port as far as the cheaper of its two sides
// tells: a's egress row when a is isolated for egress, else the classes
// whose ingress admits a. The caller still computes the ports.
func (m *Model) candidates(a int32, stamp []int32, out []int32) []int32 {
	add := func(c int32) {
		if stamp[c] != a {
			stamp[c] = a
			out = append(out, c)
		}
	}
	if g := m.dir[egress].group[a]; g >= 0 {
		seen := map[int32]bool{}
		for _, r := range m.dir[egress].rows[g] {
			if r.set < 0 || seen[r.set] {
				continue
			}
			seen[r.set] = true
			for c := range m.sets[r.set].Members() {
				add(int32(c))
			}
		}
	} else {
		ix := m.admitting()
		for _, c := range ix.open {
			add(c)
		}
		for _, g := range ix.groups[a] {
			for _, c := range ix.members[g] {
				add(c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// admitIndex is the ingress side turned around: for each class, the
// ingress groups that admit it on some port.
type admitIndex struct {
	open    []int32   // classes no policy isolates for ingress
	members [][]int32 // per ingress group: its classes
	groups  [][]int32 // per class: the ingress groups that admit it
}

// admitting returns the model's admitIndex, built on first use. It costs
// O(classes + the sum over ingress groups of the classes they admit).
func (m *Model) admitting() *admitIndex {
	m.admitOnce.Do(func() {
		ix := &admitIndex{members: make([][]int32, len(m.dir[ingress].rows)), groups: make([][]int32, len(m.classes))}
		for c, g := range m.dir[ingress].group {
			if g < 0 {
				ix.open = append(ix.open, int32(c))
			} else {
				ix.members[g] = append(ix.members[g], int32(c))
			}
		}
		union := bitset.New(len(m.classes))
		for g, row := range m.dir[ingress].rows {
			clear(union)
			for _, r := range row {
				if r.set >= 0 {
					union.Or(m.sets[r.set])
				}
			}
			for c := range union.Members() {
				ix.groups[c] = append(ix.groups[c], int32(g))
			}
		}
		m.admit = ix
	})
	return m.admit
}

// lazyIndexes holds what a Model builds on first use; the zero value is
// ready.
type lazyIndexes struct {
	admitOnce sync.Once
	admit     *admitIndex

	workloadOnce sync.Once
	workloadIx   *workloadIndex

	exposerOnce  sync.Once
	exposerState *exposer
}
