package simulate

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/netpolsim/netpolsim/policy"
)

// tieredIndex finds a tiered policy by its ID; an unknown one is a
// *NotFoundError with the nearest tiered policies: those of the same name
// (another kind), else the nearest IDs.
func (m *Model) tieredIndex(id TieredPolicyID) (int32, error) {
	if ti, ok := m.tier.byID[id.String()]; ok {
		return ti, nil
	}
	// A policy of the same name and another kind is the nearest; else the
	// nearest IDs.
	var same, names []string
	for _, p := range m.tier.policies {
		if p.Name == id.Name {
			same = append(same, p.ID())
		}
		names = append(names, p.ID())
	}
	if len(same) == 0 {
		same = suggest(id.String(), names)
	}
	return 0, &NotFoundError{What: "tiered policy", Name: id.String(), Suggestions: same}
}

// tieredRuleIndex finds a tiered rule: its policy's index and direction.
func (m *Model) tieredRuleIndex(ref TieredRuleRef) (int32, int, error) {
	ti, err := m.tieredIndex(ref.Policy)
	if err != nil {
		return 0, 0, err
	}
	d := ref.Direction.index()
	if d < 0 {
		return 0, 0, fmt.Errorf("simulate: rule %s: %s is not a direction: want Ingress or Egress", ref, ref.Direction)
	}
	if ref.Index < 0 || ref.Index >= len(m.tieredRules(ti, d)) {
		return 0, 0, fmt.Errorf("simulate: %s has no %s rule %d", ref.Policy, ref.Direction, ref.Index)
	}
	return ti, d, nil
}

// TieredSelectedClasses returns the classes of the pods the tiered policy
// id selects, sorted; none when it selects none; hostNetwork pods are never
// among them. It costs O(result); an unknown policy is a *[NotFoundError].
func (m *Model) TieredSelectedClasses(id TieredPolicyID) ([]ClassID, error) {
	ti, err := m.tieredIndex(id)
	if err != nil {
		return nil, err
	}
	out := make([]ClassID, len(m.tier.subjects[ti]))
	for i, c := range m.tier.subjects[ti] {
		out[i] = ClassID(c)
	}
	slices.Sort(out)
	return out, nil
}

// TieredRulePeerClasses returns the classes whose pods a tiered rule
// matches as the remote end, as verdicts match them. A rule that fails closed matches every class
// (Deny, Pass) or none (Accept); namespaces and pods peers never match
// hostNetwork pods, networks peers match pods by address, nodes peers the
// hostNetwork pods of the selected Nodes, domainNames peers nothing. Every
// pod of a returned class is matched. It costs O(1) (the model's own set)
// or O(classes) for a rule that fails closed. An unknown policy, direction
// or rule is an error (an unknown policy a *[NotFoundError]).
func (m *Model) TieredRulePeerClasses(ref TieredRuleRef) (ClassSet, error) {
	ti, d, err := m.tieredRuleIndex(ref)
	if err != nil {
		return ClassSet{}, err
	}
	r := &m.tieredRules(ti, d)[ref.Index]
	switch {
	case r.MatchesNothing():
		return ClassSet{}, nil
	case r.MatchesEverything():
		all := make([]int32, len(m.classes))
		for c := range all {
			all[c] = int32(c)
		}
		return m.classSetOf(all), nil
	}
	id := m.tier.peers[ti][d][ref.Index]
	if id < 0 {
		return ClassSet{}, nil
	}
	return ClassSet{m.sets[id]}, nil
}

// TieredRulePorts returns the ports a tiered rule matches toward the pod
// dest: its numbers and ranges, and its named ports resolved at dest (a
// tiered named port has no protocol: every container port of that name, in
// any protocol). The zero PodID stands for an address outside the cluster,
// where a named port matches nothing. A rule without ports matches every
// port. An unknown policy, direction, rule or pod is an error (an unknown
// policy or pod a *[NotFoundError]).
func (m *Model) TieredRulePorts(ref TieredRuleRef, dest PodID) (PortSet, error) {
	ti, d, err := m.tieredRuleIndex(ref)
	if err != nil {
		return PortSet{}, err
	}
	r := &m.tieredRules(ti, d)[ref.Index]
	if r.Ports == nil || r.MatchesEverything() {
		return AllPorts(), nil
	}
	var pod int32 = -1
	if dest != (PodID{}) {
		if pod, err = m.podIndex(dest); err != nil {
			return PortSet{}, err
		}
	}
	var ranges []PortRange
	for _, p := range r.Ports {
		if p.Name == "" {
			ranges = append(ranges, PortRange{p.Protocol, p.Start, p.End})
			continue
		}
		if pod < 0 {
			continue
		}
		for _, proto := range protocols {
			for _, n := range policyNamedPorts(m.pods[pod].pod, p.Name, proto) {
				ranges = append(ranges, PortRange{proto, n, n})
			}
		}
	}
	return NewPortSet(ranges...), nil
}

// AdminDecided returns the ports on which the Admin tier decides direction
// ("ingress" or "egress") at the pod subject for the pod peer: those where
// the first matching Admin rule is an Accept or a Deny, so that no
// NetworkPolicy or Baseline rule is consulted (a Pass, or no matching
// rule, leaves the port to them). It judges as verdicts do, from the same
// rules. It costs O(port classes × Admin rules selecting subject); unknown
// pods or direction are an error.
func (m *Model) AdminDecided(direction string, subject, peer PodID) (PortSet, error) {
	d := slices.Index(dirName[:], direction)
	if d < 0 {
		return PortSet{}, fmt.Errorf("simulate: direction %q: want ingress or egress", direction)
	}
	s, err := m.podIndex(subject)
	if err != nil {
		return PortSet{}, err
	}
	p, err := m.podIndex(peer)
	if err != nil {
		return PortSet{}, err
	}
	g := m.dir[d].group[m.podClass[s]]
	if !m.hasTiers(d, g) {
		return PortSet{}, nil
	}
	var ranges []PortRange
	for k := range m.portClasses() {
		if m.adminFirst(d, g, s, p, k) {
			ranges = append(ranges, m.classRange(k))
		}
	}
	return NewPortSet(ranges...), nil
}

// adminFirst reports whether the first Admin rule of group g (direction
// d) matching peer on port class k is an Accept or a Deny.
func (m *Model) adminFirst(d int, g, subject, peer, k int32) bool {
	for _, ti := range m.tier.groups[d][g] {
		if m.tier.policies[ti].Tier != policy.Admin {
			continue
		}
		for ri, r := range m.tieredRules(ti, d) {
			if match, _ := m.tierRuleMatches(ti, d, ri, subject, peer, netip.Addr{}, k); match {
				return r.Action != policy.Pass
			}
		}
	}
	return false
}
