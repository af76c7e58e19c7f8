package simulate

import (
	"fmt"
	"slices"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
)

// LeftToDefault returns the classes of the pods with which some connection
// of direction d at pod (what it receives for Ingress, what it sends for
// Egress) is decided by no policy at all, and so allowed by default. A
// connection is decided when
//
//   - a NetworkPolicy isolates pod for d (its rules decide everything, so
//     the result is empty), or
//   - the first Admin tier rule that matches it is an Accept or a Deny, or
//   - the first Baseline tier rule that matches it is an Accept or a Deny.
//
// A Pass in the Admin tier sends the connection on (for a pod no
// NetworkPolicy isolates: to the Baseline tier); a Pass in the Baseline tier
// leaves it to the default. Rules are matched as verdicts match them (peers,
// ports, named ports resolved at the destination, rules that fail closed).
//
// This is the tiered form of isolation: a pod is isolated for d in the
// sense of "every connection is allowed only if a rule says so" towards the
// pods of the returned set's complement. With no NetworkPolicy and no
// tiered policy selecting pod for d the result holds every class. A
// hostNetwork pod that the model treats as its node (see [HostNetworkPods])
// is no policy subject: every class. The remote pods' own exemptions (a pod
// to itself, node traffic) are not considered: they are facts of pods, not
// classes. Addresses outside the cluster are not part of the answer.
//
// It costs O(P × R × classes/64) for the pod's class, P being the number
// of port boundaries of the R tiered rules that select it, plus
// O(classes) per named port of an egress rule; an unknown pod or an
// invalid direction is an error.
func (m *Model) LeftToDefault(pod PodID, d Direction) (ClassSet, error) {
	di := d.index()
	if di < 0 {
		return ClassSet{}, fmt.Errorf("simulate: %s is not a direction: want Ingress or Egress", d)
	}
	i, err := m.podIndex(pod)
	if err != nil {
		return ClassSet{}, err
	}
	s := m.podClass[i]
	n := len(m.classes)
	full := bitset.Full(n)
	if m.classes[s].host {
		return ClassSet{full}, nil
	}
	if g := m.dir[di].group[s]; g >= 0 && len(m.dir[di].policies[g]) > 0 {
		return ClassSet{}, nil
	}
	tps := m.tier.selecting[di][s]
	if len(tps) == 0 {
		return ClassSet{full}, nil
	}
	u := m.newUndecided(di, s, tps)
	open := bitset.New(n)
	for _, k := range u.points {
		open.Or(u.at(k))
		if open.Equal(full) {
			break
		}
	}
	if open.IsEmpty() {
		return ClassSet{}, nil
	}
	return ClassSet{open}, nil
}

// undecided computes, for one subject class and direction, the peer classes
// that no tiered rule decides on a port class.
type undecided struct {
	m     *Model
	d     int
	class int32
	tps   []int32
	// points are the port classes at which some rule's match may change:
	// between two points every rule matches the same peers.
	points []int32
	// servers[np][v]: the classes serving named port np as number v (for
	// egress named ports, which resolve at the peer).
	servers map[namedPort]map[int32]bitset.Set
	// scratch
	matched, leftAdmin, leftBase, decided, out bitset.Set
}

func (m *Model) newUndecided(d int, class int32, tps []int32) *undecided {
	n := len(m.classes)
	u := &undecided{m: m, d: d, class: class, tps: tps, servers: map[namedPort]map[int32]bitset.Set{},
		matched: bitset.New(n), leftAdmin: bitset.New(n), leftBase: bitset.New(n), decided: bitset.New(n), out: bitset.New(n)}
	points := []int32{0}
	total := m.portClasses()
	for _, ti := range tps {
		for _, r := range m.tieredRules(ti, d) {
			if r.Ports == nil || r.FailClosed {
				continue
			}
			for _, port := range r.Ports {
				if port.Name == "" {
					p := protoIndex(port.Protocol)
					points = append(points, m.portClass(p, port.Start), m.portClass(p, port.End)+1)
					continue
				}
				for _, proto := range protocols {
					p := protoIndex(proto)
					np := namedPort{port.Name, proto}
					for v := range u.named(np) {
						k := m.portClass(p, v)
						points = append(points, k, k+1)
					}
				}
			}
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	for len(points) > 0 && points[len(points)-1] >= total {
		points = points[:len(points)-1]
	}
	u.points = points
	return u
}

// named returns, for the named port np, the numbers it stands for with the
// classes that serve each: at the subject for ingress, at any peer class
// for egress.
func (u *undecided) named(np namedPort) map[int32]bitset.Set {
	if got, ok := u.servers[np]; ok {
		return got
	}
	m := u.m
	byNum := map[int32]bitset.Set{}
	add := func(c int32) {
		for _, v := range m.classes[c].named[np] {
			if byNum[v] == nil {
				byNum[v] = bitset.New(len(m.classes))
			}
			byNum[v].Add(int(c))
		}
	}
	if u.d == ingress {
		add(u.class)
	} else {
		for c := range m.classes {
			add(int32(c))
		}
	}
	u.servers[np] = byNum
	return byNum
}

// match sets u.matched to the peer classes rule ri of policy ti matches on
// port class k.
func (u *undecided) match(ti int32, ri int, k int32) {
	m := u.m
	r := &m.tieredRules(ti, u.d)[ri]
	clear(u.matched)
	switch {
	case r.MatchesNothing():
		return
	case r.MatchesEverything():
		copy(u.matched, bitset.Full(len(m.classes)))
		return
	}
	id := m.tier.peers[ti][u.d][ri]
	if id < 0 {
		return
	}
	peers := m.sets[id]
	if r.Ports == nil {
		copy(u.matched, peers)
		return
	}
	pr := m.classRange(k)
	for _, port := range r.Ports {
		if port.Name == "" {
			if port.Protocol == pr.Protocol && port.Start <= pr.Start && pr.Start <= port.End {
				copy(u.matched, peers)
				return
			}
			continue
		}
		servers := u.named(namedPort{port.Name, pr.Protocol})[pr.Start]
		if servers == nil {
			continue
		}
		if u.d == ingress {
			copy(u.matched, peers) // the subject serves it
			return
		}
		for w := range u.matched {
			u.matched[w] |= peers[w] & servers[w]
		}
	}
}

// at returns the classes no tiered rule decides on port class k (shared
// scratch: valid until the next call).
func (u *undecided) at(k int32) bitset.Set {
	m := u.m
	full := bitset.Full(len(m.classes))
	copy(u.leftAdmin, full)
	copy(u.leftBase, full)
	clear(u.decided)
	for _, ti := range u.tps {
		left := u.leftAdmin
		if m.tier.policies[ti].Tier == policy.Baseline {
			left = u.leftBase
		}
		for ri, r := range m.tieredRules(ti, u.d) {
			u.match(ti, ri, k)
			u.matched.And(left) // the first match in the tier decides
			left.AndNot(u.matched)
			if r.Action != policy.Pass {
				u.decided.Or(u.matched)
			}
		}
	}
	copy(u.out, full)
	u.out.AndNot(u.decided)
	return u.out
}
