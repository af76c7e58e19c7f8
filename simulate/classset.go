package simulate

import (
	"fmt"
	"iter"
	"slices"

	"github.com/netpolsim/netpolsim/internal/bitset"
)

// ClassSet is an immutable set of the classes of one Model (see [Class]).
// The zero ClassSet is empty. Sets of one model compare and combine in
// O(classes/64); sets of different models mean nothing together.
type ClassSet struct {
	s bitset.Set // nil: empty; shared with the model, never changed
}

// Has reports whether c is in s.
func (s ClassSet) Has(c ClassID) bool { return s.s.Has(int(c)) }

// IsEmpty reports whether s has no class.
func (s ClassSet) IsEmpty() bool { return s.s.IsEmpty() }

// Len returns the number of classes in s.
func (s ClassSet) Len() int { return s.s.Count() }

// All yields the classes of s in increasing order.
func (s ClassSet) All() iter.Seq[ClassID] {
	return func(yield func(ClassID) bool) {
		for c := range s.s.Members() {
			if !yield(ClassID(c)) {
				return
			}
		}
	}
}

// SubsetOf reports whether every class of s is in o.
func (s ClassSet) SubsetOf(o ClassSet) bool {
	for i, w := range s.s {
		var ow uint64
		if i < len(o.s) {
			ow = o.s[i]
		}
		if w&^ow != 0 {
			return false
		}
	}
	return true
}

// Intersects reports whether some class is in both s and o.
func (s ClassSet) Intersects(o ClassSet) bool {
	for i := range min(len(s.s), len(o.s)) {
		if s.s[i]&o.s[i] != 0 {
			return true
		}
	}
	return false
}

// Union returns the classes in s or in o.
func (s ClassSet) Union(o ClassSet) ClassSet {
	if len(s.s) < len(o.s) {
		s, o = o, s
	}
	if o.s.IsEmpty() {
		return s
	}
	u := s.s.Clone()
	for i, w := range o.s {
		u[i] |= w
	}
	return ClassSet{u}
}

// classSetOf makes a ClassSet of the given classes.
func (m *Model) classSetOf(classes []int32) ClassSet {
	if len(classes) == 0 {
		return ClassSet{}
	}
	s := bitset.New(len(m.classes))
	for _, c := range classes {
		s.Add(int(c))
	}
	return ClassSet{s}
}

// SelectedClasses returns the classes of the pods the NetworkPolicy id
// selects (its subjects), sorted; none when it selects none. Every pod of a
// returned class is selected. It costs O(result); an unknown policy is a
// *[NotFoundError].
func (m *Model) SelectedClasses(id ObjectID) ([]ClassID, error) {
	pi, err := m.policyIndex(id)
	if err != nil {
		return nil, err
	}
	out := make([]ClassID, len(m.subjects[pi]))
	for i, c := range m.subjects[pi] {
		out[i] = ClassID(c)
	}
	slices.Sort(out)
	return out, nil
}

// ruleIndex finds a rule: its policy's index, direction and index.
func (m *Model) ruleIndex(ref RuleRef) (int32, int, error) {
	pi, err := m.policyIndex(ref.Policy)
	if err != nil {
		return 0, 0, err
	}
	d := ref.Direction.index()
	if d < 0 {
		return 0, 0, fmt.Errorf("simulate: rule %s: %s is not a direction: want Ingress or Egress", ref, ref.Direction)
	}
	if ref.Index < 0 || ref.Index >= len(m.rulePeers[pi][d]) {
		return 0, 0, fmt.Errorf("simulate: NetworkPolicy %s has no %s rule %d", ref.Policy, ref.Direction, ref.Index)
	}
	return pi, d, nil
}

// RulePeerClasses returns the classes whose pods a rule admits as peers
// (the class form of [Model.RulePeers]): every pod of a returned class is
// admitted. It costs O(1): the set is the model's own. An unknown policy,
// direction or rule is an error.
func (m *Model) RulePeerClasses(ref RuleRef) (ClassSet, error) {
	pi, d, err := m.ruleIndex(ref)
	if err != nil {
		return ClassSet{}, err
	}
	id := m.rulePeers[pi][d][ref.Index]
	if id < 0 {
		return ClassSet{}, nil
	}
	return ClassSet{m.sets[id]}, nil
}
