package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// tierRule is rule ri of direction d of tiered policy ti (an index into
// linter.tiered, which is in evaluation order).
type tierRule struct{ ti, d, ri int }

// tieredState is what the tiered checks share, from the model.
type tieredState struct {
	tiered []*policy.ClusterPolicy  // in evaluation order
	tsubj  [][]simulate.ClassID     // per policy: the classes it selects, sorted
	tbits  []bitset.Set             // per policy: the same as a set
	tpeers [][2][]simulate.ClassSet // per policy, direction, rule: the peer classes
	tshad  map[tierRule]tierRule    // rules an earlier rule shadows, and by which
	tports map[tierPortKey]simulate.PortSet
}

type tierPortKey struct {
	r    tierRule
	dest simulate.PodID
}

func (l *linter) initTiered() {
	if l.tiered != nil || len(l.m.Tiered()) == 0 {
		return
	}
	t := &l.tieredState
	t.tiered = l.m.Tiered()
	t.tsubj = make([][]simulate.ClassID, len(t.tiered))
	t.tbits = make([]bitset.Set, len(t.tiered))
	t.tpeers = make([][2][]simulate.ClassSet, len(t.tiered))
	t.tports = map[tierPortKey]simulate.PortSet{}
	for ti, p := range t.tiered {
		var err error
		t.tsubj[ti], err = l.m.TieredSelectedClasses(simulate.TieredPolicyID{Kind: p.Kind, Name: p.Name})
		must(err)
		t.tbits[ti] = bitset.New(len(l.rep))
		for _, c := range t.tsubj[ti] {
			t.tbits[ti].Add(int(c))
		}
		for d := range dirNames {
			rs := tierRules(p, d)
			t.tpeers[ti][d] = make([]simulate.ClassSet, len(rs))
			for ri := range rs {
				t.tpeers[ti][d][ri], err = l.m.TieredRulePeerClasses(l.tref(tierRule{ti, d, ri}))
				must(err)
			}
		}
	}
	t.tshad = map[tierRule]tierRule{}
	for ti, p := range t.tiered {
		if len(t.tsubj[ti]) == 0 {
			continue
		}
		for d := range dirNames {
			for ri := range tierRules(p, d) {
				r := tierRule{ti, d, ri}
				if by, ok := l.shadowedBy(r); ok {
					t.tshad[r] = by
				}
			}
		}
	}
}

func tierRules(p *policy.ClusterPolicy, d int) []policy.ClusterRule {
	if d == ingress {
		return p.IngressRules
	}
	return p.EgressRules
}

func (l *linter) trule(r tierRule) *policy.ClusterRule {
	return &tierRules(l.tiered[r.ti], r.d)[r.ri]
}

// tref names a tiered rule for the model.
func (l *linter) tref(r tierRule) simulate.TieredRuleRef {
	p := l.tiered[r.ti]
	return simulate.TieredRuleRef{Policy: simulate.TieredPolicyID{Kind: p.Kind, Name: p.Name}, Direction: directions[r.d], Index: r.ri}
}

// tportsAt returns the ports rule r matches toward dest (zero: outside).
func (l *linter) tportsAt(r tierRule, dest simulate.PodID) simulate.PortSet {
	k := tierPortKey{r, dest}
	if ps, ok := l.tports[k]; ok {
		return ps
	}
	ps, err := l.m.TieredRulePorts(l.tref(r), dest)
	must(err)
	l.tports[k] = ps
	return ps
}

func tieredObject(p *policy.ClusterPolicy) Object { return Object{Kind: p.Kind, Name: p.Name} }

// hasPeerKind reports whether the rule has a peer of one of the kinds.
func hasPeerKind(r *policy.ClusterRule, kinds ...policy.PeerKind) bool {
	return slices.ContainsFunc(r.Peers, func(p policy.ClusterPeer) bool { return slices.Contains(kinds, p.Kind) })
}

// outsidePeers reports whether the rule may match addresses outside the
// cluster.
func outsidePeers(r *policy.ClusterRule) bool {
	return r.MatchesEverything() || hasPeerKind(r, policy.PeerNetworks, policy.PeerNodes, policy.PeerDomainNames)
}

func networks(r *policy.ClusterRule) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range r.Peers {
		if p.Kind == policy.PeerNetworks {
			out = append(out, p.Networks...)
		}
	}
	return out
}

// coversAllAddresses reports whether r's networks hold 0.0.0.0/0 and ::/0.
func coversAllAddresses(r *policy.ClusterRule) bool {
	nets := networks(r)
	return slices.ContainsFunc(nets, func(p netip.Prefix) bool { return p.Addr().Is4() && p.Bits() == 0 }) &&
		slices.ContainsFunc(nets, func(p netip.Prefix) bool { return p.Addr().Is6() && p.Bits() == 0 })
}

// shadowedBy finds the first rule, in evaluation order, that comes before
// r and matches all of r's traffic (see tiered-shadowed-rule in doc.go).
func (l *linter) shadowedBy(r tierRule) (tierRule, bool) {
	rr := l.trule(r)
	if rr.MatchesNothing() || (l.tpeers[r.ti][r.d][r.ri].IsEmpty() && !outsidePeers(rr)) {
		return tierRule{}, false // matches nothing: not for this check
	}
	for tj := 0; tj <= r.ti; tj++ {
		rules := tierRules(l.tiered[tj], r.d)
		for rj := range rules {
			by := tierRule{tj, r.d, rj}
			if tj == r.ti && rj >= r.ri {
				break
			}
			if l.tcovers(by, r) {
				return by, true
			}
		}
	}
	return tierRule{}, false
}

// tcovers reports whether rule a, coming before b, matches everything b
// matches: subjects, peer pods, outside addresses and ports.
func (l *linter) tcovers(a, b tierRule) bool {
	ra, rb := l.trule(a), l.trule(b)
	pa, pb := l.tiered[a.ti], l.tiered[b.ti]
	if pa.Tier == policy.Admin && pb.Tier == policy.Baseline && ra.Action == policy.Pass {
		return false // a Pass sends traffic on to NetworkPolicies and Baseline
	}
	if ra.MatchesNothing() || !subsetBits(l.tbits[b.ti], l.tbits[a.ti]) {
		return false
	}
	if !ra.MatchesEverything() {
		if !l.tpeers[b.ti][b.d][b.ri].SubsetOf(l.tpeers[a.ti][a.d][a.ri]) {
			return false
		}
		if rb.MatchesEverything() {
			return false
		}
		// Pods and namespaces peers stand for pods whatever their
		// addresses: a networks or nodes peer of a does not stand in.
		if hasPeerKind(rb, policy.PeerNamespaces, policy.PeerPods) && hasPeerKind(ra, policy.PeerNetworks, policy.PeerNodes) {
			return false
		}
		for _, peer := range rb.Peers {
			switch peer.Kind {
			case policy.PeerNetworks:
				for _, n := range peer.Networks {
					if !slices.ContainsFunc(networks(ra), func(q netip.Prefix) bool { return prefixWithin(n, q) }) {
						return false
					}
				}
			case policy.PeerNodes:
				if !slices.ContainsFunc(ra.Peers, func(q policy.ClusterPeer) bool {
					return q.Kind == policy.PeerNodes && q.Nodes.String() == peer.Nodes.String()
				}) {
					return false
				}
			case policy.PeerDomainNames:
				if !coversAllAddresses(ra) {
					return false
				}
			}
		}
	}
	within := func(dest simulate.PodID) bool {
		return l.tportsAt(b, dest).Difference(l.tportsAt(a, dest)).IsEmpty()
	}
	if b.d == ingress {
		for _, c := range l.tsubj[b.ti] {
			if !within(l.rep[c]) {
				return false
			}
		}
	} else {
		for c := range l.tpeers[b.ti][b.d][b.ri].All() {
			if !within(l.rep[c]) {
				return false
			}
		}
	}
	if outsidePeers(rb) && !within(simulate.PodID{}) {
		return false
	}
	return true
}

func (l *linter) tieredShadowedRules() []Finding {
	l.initTiered()
	var out []Finding
	for r, by := range l.tshad {
		p, q := l.tiered[r.ti], l.tiered[by.ti]
		f := Finding{Rule: "tiered-shadowed-rule", Object: tieredObject(p), Field: ruleField(r.d, r.ri),
			Hint: "remove the rule, or move it (or its policy, by priority) before the rule that shadows it"}
		where := "of this policy"
		if by.ti != r.ti {
			where = "of " + q.Kind + " " + q.Name
			f.Related = []Object{tieredObject(q)}
		}
		ra, rb := l.trule(r), l.trule(by)
		if ra.Action == rb.Action {
			f.Severity = Info
			f.Message = fmt.Sprintf("never matches: %s rule %d %s (%s) comes first in evaluation order and matches every pod, address and port this rule matches, with the same action",
				dirNames[by.d], by.ri, where, rb.Action)
		} else {
			f.Severity = Warning
			f.Message = fmt.Sprintf("never takes effect: %s rule %d %s (%s) comes first in evaluation order and matches every pod, address and port this %s rule matches",
				dirNames[by.d], by.ri, where, rb.Action, ra.Action)
		}
		out = append(out, f)
	}
	return out
}

// overlaps reports whether rules a and b, at subject classes subj, may
// match one connection: a peer pod both match on a port both match there,
// or both match outside addresses on a common numeric port.
func (l *linter) overlaps(a, b tierRule, subj []simulate.ClassID) bool {
	ra, rb := l.trule(a), l.trule(b)
	common := func(dest simulate.PodID) bool {
		return !l.tportsAt(a, dest).Intersect(l.tportsAt(b, dest)).IsEmpty()
	}
	pa, pb := l.tpeers[a.ti][a.d][a.ri], l.tpeers[b.ti][b.d][b.ri]
	if pa.Intersects(pb) {
		if a.d == ingress {
			if slices.ContainsFunc(subj, func(c simulate.ClassID) bool { return common(l.rep[c]) }) {
				return true
			}
		} else {
			for c := range pa.All() {
				if pb.Has(c) && common(l.rep[c]) {
					return true
				}
			}
		}
	}
	return outsideOverlap(ra, rb) && common(simulate.PodID{})
}

// outsideOverlap reports whether two rules may both match some address
// outside the cluster: both match every address, or networks overlap, or
// both have nodes peers (a node may carry both labels), or one matches every
// address and the other has any outside peer.
func outsideOverlap(a, b *policy.ClusterRule) bool {
	if !outsidePeers(a) || !outsidePeers(b) {
		return false
	}
	if a.MatchesEverything() || b.MatchesEverything() {
		return true
	}
	if hasPeerKind(a, policy.PeerNodes) && hasPeerKind(b, policy.PeerNodes) {
		return true
	}
	for _, p := range networks(a) {
		for _, q := range networks(b) {
			if p.Overlaps(q) {
				return true
			}
		}
	}
	return false
}

func (l *linter) passWithNothingBelow() []Finding {
	l.initTiered()
	var out []Finding
	for ti, p := range l.tiered {
		if p.Tier != policy.Admin {
			continue
		}
		for d := range dirNames {
			for ri, r := range tierRules(p, d) {
				tr := tierRule{ti, d, ri}
				if r.Action != policy.Pass || len(l.tsubj[ti]) == 0 {
					continue
				}
				if _, shadowed := l.tshad[tr]; shadowed {
					continue
				}
				var pods int
				nss := map[string]bool{}
				for _, c := range l.tsubj[ti] {
					if l.judgedBelow(tr, c) {
						continue
					}
					for _, id := range l.classPods(c) {
						pods++
						nss[id.Namespace] = true
					}
				}
				if pods == 0 {
					continue
				}
				f := Finding{Rule: "pass-with-nothing-below", Severity: Warning, Object: tieredObject(p), Field: ruleField(d, ri),
					Message: fmt.Sprintf("passes the %s traffic of %d %s to NetworkPolicies, but no NetworkPolicy isolates them for %s and no Baseline rule matches the passed peers: it is allowed, as if the rule said Accept",
						dirNames[d], pods, plural(pods, "pod", "pods"), dirNames[d]),
					Hint: "write NetworkPolicies (or a Baseline rule) for the passed traffic, or say Accept if allowing it is meant"}
				for _, ns := range sortedKeys(nss) {
					f.Related = append(f.Related, Object{Kind: "Namespace", Name: ns})
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// judgedBelow reports whether traffic the Pass rule r passes at class c
// meets a NetworkPolicy (one isolates c for the direction) or a Baseline
// rule of a policy selecting c whose peers overlap r's (ports are not
// compared).
func (l *linter) judgedBelow(r tierRule, c simulate.ClassID) bool {
	if len(l.isolating[r.d][c]) > 0 {
		return true
	}
	rr := l.trule(r)
	for tj, q := range l.tiered {
		if q.Tier != policy.Baseline {
			continue
		}
		if _, ok := slices.BinarySearch(l.tsubj[tj], c); !ok {
			continue
		}
		for rj, b := range tierRules(q, r.d) {
			if b.MatchesNothing() {
				continue
			}
			if rr.MatchesEverything() || b.MatchesEverything() ||
				l.tpeers[r.ti][r.d][r.ri].Intersects(l.tpeers[tj][r.d][rj]) || outsideOverlap(rr, &b) {
				return true
			}
		}
	}
	return false
}

func (l *linter) adminPriorityTies() []Finding {
	l.initTiered()
	var out []Finding
	for ti, a := range l.tiered {
		for tj := ti + 1; tj < len(l.tiered); tj++ {
			b := l.tiered[tj]
			if a.Tier != policy.Admin || b.Tier != policy.Admin || a.Priority != b.Priority {
				continue
			}
			common := intersectSorted(l.tsubj[ti], l.tsubj[tj])
			if len(common) == 0 {
				continue
			}
			f, ok := l.tieFinding(ti, tj, common)
			if ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func (l *linter) tieFinding(ti, tj int, common []simulate.ClassID) (Finding, bool) {
	a, b := l.tiered[ti], l.tiered[tj]
	for d := range dirNames {
		for ri, ra := range tierRules(a, d) {
			for rj, rb := range tierRules(b, d) {
				if ra.Action == rb.Action || !l.overlaps(tierRule{ti, d, ri}, tierRule{tj, d, rj}, common) {
					continue
				}
				return Finding{Rule: "admin-priority-tie", Severity: Warning, Object: tieredObject(b), Field: ruleField(d, rj),
					Message: fmt.Sprintf("has priority %d like %s %s, whose %s rule %d (%s) matches some of the same traffic as this rule (%s): the API leaves their order undefined (this tool evaluates %s first)",
						a.Priority, a.Kind, a.Name, dirNames[d], ri, ra.Action, rb.Action, a.Name),
					Hint:    "give the two policies different priorities",
					Related: []Object{tieredObject(a)}}, true
			}
		}
	}
	return Finding{}, false
}

func (l *linter) baselineDenyUnrelaxable() []Finding {
	l.initTiered()
	var out []Finding
	for ti, p := range l.tiered {
		if p.Tier != policy.Baseline {
			continue
		}
		for d := range dirNames {
			for ri, r := range tierRules(p, d) {
				tr := tierRule{ti, d, ri}
				if r.Action != policy.Deny || outsidePeers(&r) || len(l.tsubj[ti]) == 0 || l.tpeers[ti][d][ri].IsEmpty() {
					continue
				}
				if _, shadowed := l.tshad[tr]; shadowed {
					continue
				}
				if !l.adminDecidesAll(tr) {
					continue
				}
				out = append(out, Finding{Rule: "baseline-deny-unrelaxable", Severity: Info, Object: tieredObject(p), Field: ruleField(d, ri),
					Message: "no NetworkPolicy can relax this Deny: for every pod the policy selects and every peer pod the rule matches, Admin rules accept or deny every port it matches before NetworkPolicies are consulted, so it never decides anything",
					Hint:    "remove the rule, or make the Admin rules Pass the traffic tenants should decide"})
			}
		}
	}
	return out
}

// adminDecidesAll reports whether the Admin tier decides (Accept or Deny)
// every port of baseline rule r for every subject and peer class.
func (l *linter) adminDecidesAll(r tierRule) bool {
	for _, s := range l.tsubj[r.ti] {
		for q := range l.tpeers[r.ti][r.d][r.ri].All() {
			subject, peer := l.rep[s], l.rep[q]
			dest := peer
			if r.d == ingress {
				dest = subject
			}
			decided, err := l.m.AdminDecided(dirNames[r.d], subject, peer)
			must(err)
			if !l.tportsAt(r, dest).Difference(decided).IsEmpty() {
				return false
			}
		}
	}
	return true
}

func (l *linter) domainNamesUnchecked() []Finding {
	l.initTiered()
	var out []Finding
	for _, p := range l.tiered {
		for ri, r := range p.EgressRules {
			var names []string
			for _, peer := range r.Peers {
				if peer.Kind == policy.PeerDomainNames {
					names = append(names, peer.DomainNames...)
				}
			}
			if len(names) == 0 {
				continue
			}
			f := Finding{Rule: "domain-names-unchecked", Severity: Info, Object: tieredObject(p), Field: ruleField(egress, ri) + ".to",
				Hint: "check this rule against the cluster's DNS answers; to have it simulated, use networks with the addresses the names resolve to"}
			what := "answers may deny what the cluster accepts"
			if r.Action == policy.Deny {
				f.Severity = Warning
				what = "answers may allow what the cluster denies"
			} else if r.Action == policy.Pass {
				what = "answers may judge by later rules what the cluster passes"
			}
			f.Message = fmt.Sprintf("domainNames peers (%s) cannot be checked from manifests: verdicts take them as matching no address, so %s", strings.Join(names, ", "), what)
			out = append(out, f)
		}
	}
	return out
}

// subsetBits reports whether every member of a is in b (sets of one size).
func subsetBits(a, b bitset.Set) bool {
	for i, w := range a {
		if w&^b[i] != 0 {
			return false
		}
	}
	return true
}

// classPods returns the pods of class c.
func (l *linter) classPods(c simulate.ClassID) []simulate.PodID { return l.members[c] }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// intersectSorted returns the classes in both sorted lists.
func intersectSorted(a, b []simulate.ClassID) []simulate.ClassID {
	var out []simulate.ClassID
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
