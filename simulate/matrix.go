package simulate

import (
	"iter"
	"slices"
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
// option says no). An unknown pod is an error.
// It costs O(runs of the two pods' rows).
func (mx *Matrix) Ports(from, to PodID) (PortSet, error) {
	a, err := mx.m.podIndex(from)
	if err != nil {
		return PortSet{}, err
	}
	b, err := mx.m.podIndex(to)
	if err != nil {
		return PortSet{}, err
	}
	return mx.m.pairPorts(a, b), nil
}

// pairPorts returns the ports pod a may reach pod b on: its classes'
// ports plus the exemptions of the pods themselves.
func (m *Model) pairPorts(a, b int32) PortSet {
	if m.exempt(a, b) {
		return AllPorts()
	}
	return m.classPorts(m.podClass[a], m.podClass[b])
}

// exempt reports whether traffic from pod a to pod b is allowed whatever
// the policies say: a pod to itself, a hostNetwork pod (which sends with its
// node's address) to the pods of its own node.
func (m *Model) exempt(a, b int32) bool {
	if a == b {
		return m.opts.selfAllowed
	}
	return m.hostOnNodeOf(a, b)
}

// Pair is one cell of the matrix.
type Pair struct {
	From, To PodID
	Ports    PortSet
}

// All yields every ordered pair of distinct pods with at least one allowed
// port, sorted by From and then To.
//
// It is built on the class view ([Model.ClassPairs]): the ports of a pair
// of classes are computed once for the namespace of the source and then
// expanded to their member pods, so it costs O(classes + class pairs
// considered + output × log output), not O(pods²).
func (mx *Matrix) All() iter.Seq[Pair] {
	return func(yield func(Pair) bool) {
		m := mx.m
		n := len(m.classes)
		stamp := make([]int32, n)
		for i := range stamp {
			stamp[i] = -1
		}
		type dest struct {
			pod   int32
			ports PortSet
		}
		adj := map[int32][]ClassPair{} // per source class of the current namespace
		curNs := int32(-1)
		var cand []int32
		var out []dest
		for a := range m.pods {
			ca := m.podClass[a]
			if ns := m.pods[a].ns; ns != curNs {
				curNs = ns
				clear(adj)
			}
			pairs, ok := adj[ca]
			if !ok {
				cand = m.candidates(ca, stamp, cand[:0])
				for _, cb := range cand {
					if ports := m.classPorts(ca, cb); !ports.IsEmpty() {
						pairs = append(pairs, ClassPair{From: ClassID(ca), To: ClassID(cb), Ports: ports})
					}
				}
				adj[ca] = pairs
			}
			out = out[:0]
			for _, p := range pairs {
				for _, b := range m.classes[p.To].members {
					if b != int32(a) {
						out = append(out, dest{b, p.Ports})
					}
				}
			}
			if m.opts.nodeAllowed && m.pods[a].host && m.pods[a].pod.Spec.NodeName != "" {
				// Node traffic: every pod of the node, on every port.
				out = slices.DeleteFunc(out, func(d dest) bool { return m.exempt(int32(a), d.pod) })
				for _, b := range m.podsByNode[m.pods[a].pod.Spec.NodeName] {
					if b != int32(a) {
						out = append(out, dest{b, AllPorts()})
					}
				}
			}
			slices.SortFunc(out, func(x, y dest) int { return int(x.pod) - int(y.pod) })
			for _, d := range out {
				if !yield(Pair{From: m.pods[a].id, To: m.pods[d.pod].id, Ports: d.ports}) {
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
