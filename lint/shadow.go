package lint

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// ruleRef is rule ri of direction d of policy pi; refs order by policy
// (namespace/name) and then index.
type ruleRef struct{ pi, d, ri int }

func (a ruleRef) before(b ruleRef) bool { return a.pi < b.pi || (a.pi == b.pi && a.ri < b.ri) }

// shadowedRules reports the rules that another rule makes redundant; see
// the package documentation for the exact definition.
func (l *linter) shadowedRules() []Finding {
	// Candidates by namespace and direction: rules of policies that select
	// some pod, except those whose selector peers match nothing.
	type key struct {
		ns string
		d  int
	}
	groups := map[key][]ruleRef{}
	var order []key
	for pi, p := range l.policies {
		if len(l.subjects[pi]) == 0 {
			continue
		}
		for d := range dirNames {
			for ri, r := range rules(p, d) {
				if only, _ := selectorPeersOnly(r); only && l.rulePeers(pi, d, ri).IsEmpty() {
					continue
				}
				k := key{p.Namespace, d}
				if groups[k] == nil {
					order = append(order, k)
				}
				groups[k] = append(groups[k], ruleRef{pi, d, ri})
			}
		}
	}
	var out []Finding
	for _, k := range order {
		refs := groups[k]
		for _, r := range refs {
			for _, by := range refs {
				if by == r || !l.covers(by, r) || (l.covers(r, by) && r.before(by)) {
					continue
				}
				out = append(out, l.shadowFinding(r, by))
				break
			}
		}
	}
	return out
}

func (l *linter) shadowFinding(r, by ruleRef) Finding {
	p, q := l.policies[r.pi], l.policies[by.pi]
	f := Finding{Rule: "shadowed-rule", Severity: Info, Object: policyObject(p), Field: ruleField(r.d, r.ri),
		Hint: "remove the rule, or change it if it was meant to allow something the other rule does not"}
	if by.pi == r.pi {
		f.Message = fmt.Sprintf("%s of this policy already allows every peer and port this rule allows", ruleField(by.d, by.ri))
	} else {
		f.Message = fmt.Sprintf("%s of NetworkPolicy %s, which selects every pod this policy selects, already allows every peer and port this rule allows",
			ruleField(by.d, by.ri), q.ID())
		f.Related = []Object{policyObject(q)}
	}
	return f
}

// covers reports whether rule a allows, at every pod the policy of b
// selects, everything that rule b allows there.
func (l *linter) covers(a, b ruleRef) bool {
	ra, rb := rules(l.policies[a.pi], a.d)[a.ri], rules(l.policies[b.pi], b.d)[b.ri]
	if !sortedSubset(l.subjects[b.pi], l.subjects[a.pi]) {
		return false
	}
	// Pod addresses change: a selector of b is not taken as covered by the
	// hold an ipBlock of a has on today's pod addresses.
	if hasSelectorPeer(rb) && admitsOutside(ra) && ra.Peers != nil {
		return false
	}
	peersB := l.rulePeers(b.pi, b.d, b.ri)
	if !peersB.SubsetOf(l.rulePeers(a.pi, a.d, a.ri)) || !outsideCovered(rb.Peers, ra.Peers) {
		return false
	}
	if ra.Ports == nil {
		return true
	}
	outside := func(r ruleRef) simulate.PortSet { return l.rulePorts(r.pi, r.d, r.ri, -1) }
	if b.d == egress && admitsOutside(rb) && !subset(outside(b), outside(a)) {
		return false
	}
	if !hasNamed(ra) && !hasNamed(rb) {
		return subset(outside(b), outside(a))
	}
	// Named ports resolve at the destination: the subject for ingress, the
	// peer for egress; the model resolves them at one pod of each class.
	dests := l.subjects[b.pi]
	if b.d == egress {
		dests = slices.Collect(peersB.All())
	}
	for _, c := range dests {
		if !subset(l.rulePorts(b.pi, b.d, b.ri, c), l.rulePorts(a.pi, a.d, a.ri, c)) {
			return false
		}
	}
	return true
}

func hasSelectorPeer(r policy.Rule) bool {
	for _, p := range r.Peers {
		if p.Pods != nil {
			return true
		}
	}
	return false
}

func hasNamed(r policy.Rule) bool {
	for _, p := range r.Ports {
		if p.Name != "" {
			return true
		}
	}
	return false
}

// admitsOutside reports whether r admits some address outside the cluster.
func admitsOutside(r policy.Rule) bool {
	if r.Peers == nil {
		return true
	}
	for _, p := range r.Peers {
		if p.IPBlock != nil {
			return true
		}
	}
	return false
}

// outsideCovered reports whether the peers a admit every outside address
// the peers b admit (nil peers: any address), each ipBlock of b inside
// one ipBlock of a. It may say no for a union of blocks that covers b.
func outsideCovered(b, a []policy.Peer) bool {
	if a == nil {
		return true
	}
	if b == nil {
		return false
	}
	for _, pb := range b {
		if pb.IPBlock == nil {
			continue
		}
		inside := false
		for _, pa := range a {
			if pa.IPBlock != nil && blockWithin(*pb.IPBlock, *pa.IPBlock) {
				inside = true
				break
			}
		}
		if !inside {
			return false
		}
	}
	return true
}

// blockWithin reports whether every address of inner is in outer: inner's
// CIDR lies in outer's, and each exception of outer that overlaps inner's
// CIDR lies within one exception of inner. It may say no when exceptions of
// inner cover one of outer's only together.
func blockWithin(inner, outer policy.IPBlock) bool {
	if !prefixWithin(inner.CIDR, outer.CIDR) {
		return false
	}
	for _, e := range outer.Except {
		if !e.Overlaps(inner.CIDR) {
			continue
		}
		covered := false
		for _, x := range inner.Except {
			if prefixWithin(e, x) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

// prefixWithin reports whether every address of p is in q.
func prefixWithin(p, q netip.Prefix) bool {
	return p.Addr().Is4() == q.Addr().Is4() && q.Bits() <= p.Bits() && q.Contains(p.Addr())
}
