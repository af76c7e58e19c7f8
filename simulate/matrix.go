package simulate

import (
	"iter"
	"strings"
)

// Matrix is the allow matrix over all pods of a model: for each ordered pair
// of pods, the ports on which the first may open connections to the second.
// It is computed pair by pair when asked, from the model's class rows.
type Matrix struct {
	m *Model
}

// Matrix returns the allow matrix of m.
func (m *Model) Matrix() *Matrix { return &Matrix{m: m} }

// Pods returns every pod of the model, sorted by namespace and name.
func (m *Model) Pods() []PodID {
	out := make([]PodID, len(m.pods))
	for i := range m.pods {
		out[i] = m.pods[i].id
	}
	return out
}

// Ports returns every (protocol, port) on which from may reach to. A pod
// reaches itself on every port (unless the SelfTraffic option says no), and
// so does a hostNetwork pod every pod of its node (unless the NodeTraffic
// option says no). Both
// pods must exist; an unknown pod gets the empty set.
// It costs O(runs of the two pods' rows).
func (mx *Matrix) Ports(from, to PodID) PortSet {
	a, okA := mx.m.podByID[from]
	b, okB := mx.m.podByID[to]
	if !okA || !okB {
		return PortSet{}
	}
	return mx.m.pairPorts(a, b)
}

func (m *Model) pairPorts(a, b int32) PortSet {
	if a == b && m.opts.selfAllowed || m.hostOnNodeOf(a, b) {
		return AllPorts()
	}
	ca, cb := m.podClass[a], m.podClass[b]
	total := m.portClasses()
	var ranges []PortRange
	for k := int32(0); k < total; {
		next := min(m.nextChange(egress, ca, k), m.nextChange(ingress, cb, k))
		if m.allows(egress, ca, cb, k) && m.allows(ingress, cb, ca, k) {
			for j := k; j < next; j++ {
				ranges = append(ranges, m.classRange(j))
			}
		}
		k = next
	}
	return NewPortSet(ranges...)
}

// nextChange returns the first port class after k where the row of class c
// in direction d may change, or the number of port classes.
func (m *Model) nextChange(d int, c, k int32) int32 {
	total := m.portClasses()
	g := m.dir[d].group[c]
	if g < 0 {
		return total
	}
	for _, r := range m.dir[d].rows[g] {
		if r.start > k {
			return r.start
		}
	}
	return total
}

// Pair is one cell of the matrix.
type Pair struct {
	From, To PodID
	Ports    PortSet
}

// All yields every ordered pair of distinct pods with at least one allowed
// port, sorted by From and then To.
func (mx *Matrix) All() iter.Seq[Pair] {
	return func(yield func(Pair) bool) {
		m := mx.m
		for a := range m.pods {
			for b := range m.pods {
				if a == b {
					continue
				}
				ports := m.pairPorts(int32(a), int32(b))
				if ports.IsEmpty() {
					continue
				}
				if !yield(Pair{From: m.pods[a].id, To: m.pods[b].id, Ports: ports}) {
					return
				}
			}
		}
	}
}

// TruthTable renders the matrix for one port the way the upstream e2e tests
// print it: a header row of destination pods, then one row per source pod,
// "." where the connection is allowed and "X" where it is denied. A named
// port is resolved per destination pod. The pods are all pods, sorted. It
// fails only for an invalid port.
func (mx *Matrix) TruthTable(port PortSpec) (string, error) {
	if err := port.validate(); err != nil {
		return "", err
	}
	m := mx.m
	var b strings.Builder
	b.WriteByte('-')
	for i := range m.pods {
		b.WriteByte('\t')
		b.WriteString(m.pods[i].id.String())
	}
	b.WriteByte('\n')
	for a := range m.pods {
		b.WriteString(m.pods[a].id.String())
		for c := range m.pods {
			v := Verdict{Port: port, from: int32(a), to: int32(c), m: m}
			m.decide(&v)
			b.WriteByte('\t')
			if v.Allowed {
				b.WriteByte('.')
			} else {
				b.WriteByte('X')
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
