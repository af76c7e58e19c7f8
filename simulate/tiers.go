package simulate

import (
	"errors"
	"fmt"
	corev1 "k8s.io/api/core/v1"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/selector"
)

// Tiered cluster policies in the engine.
//
// Semantics, per direction (the sender's egress and the receiver's
// ingress are judged separately and both must allow):
//
//  1. Admin tier: the rules of the Admin ClusterNetworkPolicies and
//     AdminNetworkPolicies that select the pod, policies by ascending
//     priority (ties: see [policy.CompareClusterPolicies]), rules in spec
//     order. The first rule that matches the remote end and the port
//     decides: Accept allows, Deny denies, Pass skips the rest of the tier.
//  2. NetworkPolicies: a pod some NetworkPolicy isolates for the direction
//     gets its answer there (rules add up, as always).
//  3. Baseline tier, for pods no NetworkPolicy isolates for the direction:
//     the Baseline ClusterNetworkPolicies, then the
//     BaselineAdminNetworkPolicy; the first match decides.
//  4. Otherwise the connection is allowed.
//
// hostNetwork pods are never subjects and never matched by namespaces or
// pods peers. A networks peer matches addresses inside the cluster too (a
// pod's, a hostNetwork pod's, which is its node's) whatever the
// IPBlockMatchesPods option says, as the API states. A nodes peer matches
// the addresses of the selected nodes: inside the cluster, the hostNetwork
// pods running on those nodes (spec.nodeName; nodes' labels come from the
// cluster's Node objects); outside it, an address a selected Node lists in
// status.addresses. A domainNames peer cannot be evaluated from manifests:
// it matches no pod and no address, and verdicts that might depend on it say
// so. Named ports resolve at the destination pod whatever its protocol.
//
// In the engine every tiered rule is a class set (its peers) and port
// class ranges, like a NetworkPolicy rule; classes are grouped per
// direction by the admin, NetworkPolicy and baseline policies that select
// them, and each group's row holds the one effective set of allowed peer
// classes per port class: Accepted ∪ (X − Denied) where Accepted and Denied
// are the Admin tier's first-match outcome and X is the NetworkPolicy row
// for isolated classes, else everything the Baseline tier does not deny.

// tierState is what the engine knows of tiered policies.
type tierState struct {
	policies []*policy.ClusterPolicy // in evaluation order
	// Per policy, direction and rule: the interned set of classes the
	// rule's peers match (-1: none).
	peers [][2][]int32
	// Per policy: the classes it selects.
	subjects [][]int32
	// Per direction and class: the policies (indices into policies, in
	// evaluation order) that select it and have rules in that direction.
	selecting [2][][]int32
	// Per direction and group: the tiered policies of the group.
	groups [2][][]int32
	// Policies by ID ("Kind/name").
	byID map[string]int32
	// Nodes by name: labels and addresses.
	nodeLabels map[string]map[string]string
}

// addTiered compiles the tiered policies (failing closed on peers with no
// field set, as the API tells a consumer to) and orders them.
func (m *Model) addTiered(c Cluster) []error {
	var errs []error
	seen := map[string]bool{}
	add := func(p *policy.ClusterPolicy, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		if seen[p.ID()] {
			errs = append(errs, fmt.Errorf("simulate: duplicate %s %s", p.Kind, p.Name))
			return
		}
		seen[p.ID()] = true
		m.tier.policies = append(m.tier.policies, p)
	}
	fc := policy.EmptyPeersFailClosed()
	for i := range c.ClusterNetworkPolicies {
		add(policy.CompileClusterNetworkPolicy(&c.ClusterNetworkPolicies[i], fc))
	}
	for i := range c.AdminNetworkPolicies {
		add(policy.CompileAdminNetworkPolicy(&c.AdminNetworkPolicies[i], fc))
	}
	for i := range c.BaselineAdminNetworkPolicies {
		add(policy.CompileBaselineAdminNetworkPolicy(&c.BaselineAdminNetworkPolicies[i], fc))
	}
	slices.SortFunc(m.tier.policies, policy.CompareClusterPolicies)
	m.tier.byID = make(map[string]int32, len(m.tier.policies))
	for ti, p := range m.tier.policies {
		m.tier.byID[p.ID()] = int32(ti)
	}
	m.tier.nodeLabels = map[string]map[string]string{}
	for i := range c.Nodes {
		n := &c.Nodes[i]
		if _, dup := m.tier.nodeLabels[n.Name]; n.Name != "" && !dup {
			m.tier.nodeLabels[n.Name] = n.Labels
		}
	}
	if len(errs) > 0 {
		return []error{errors.Join(errs...)}
	}
	return nil
}

// tieredRules returns the rules of tiered policy ti in direction d.
func (m *Model) tieredRules(ti int32, d int) []policy.ClusterRule {
	if d == ingress {
		return m.tier.policies[ti].IngressRules
	}
	return m.tier.policies[ti].EgressRules
}

// noteTiered tells buildClasses what tiered policies look at: pod label
// keys and values (through note), named ports (in every protocol, since a
// tiered named port has none), networks CIDRs (always: they match pods
// whatever the options say); it returns the node label keys and values
// nodes peers look at, which tell hostNetwork pods apart.
func (m *Model) noteTiered(note func(selector.Selector), names map[namedPort]bool, prefixes *[]netip.Prefix) map[string]map[string]bool {
	var nodeKeys map[string]map[string]bool
	for _, p := range m.tier.policies {
		note(p.Subject.Pods)
		for _, rules := range [2][]policy.ClusterRule{p.IngressRules, p.EgressRules} {
			for _, r := range rules {
				for _, peer := range r.Peers {
					switch peer.Kind {
					case policy.PeerNamespaces, policy.PeerPods:
						note(peer.Pods)
					case policy.PeerNetworks:
						*prefixes = append(*prefixes, peer.Networks...)
					case policy.PeerNodes:
						if nodeKeys == nil {
							nodeKeys = map[string]map[string]bool{}
						}
						for _, k := range peer.Nodes.Keys() {
							vs, _ := peer.Nodes.Values(k)
							if nodeKeys[k] == nil {
								nodeKeys[k] = map[string]bool{}
							}
							for _, v := range vs {
								nodeKeys[k][v] = true
							}
						}
					}
				}
				for _, port := range r.Ports {
					if port.Name != "" {
						for _, proto := range protocols {
							names[namedPort{port.Name, proto}] = true
						}
					}
				}
			}
		}
	}
	return nodeKeys
}

// hostNodeKey is the part of a hostNetwork pod's class key that nodes
// peers look at: whether its node is known, and its labels cut down to the
// keys and values node selectors mention. nodeKeys nil: no nodes peers.
func (m *Model) hostNodeKey(pi *podInfo, nodeKeys map[string]map[string]bool) string {
	if nodeKeys == nil {
		return ""
	}
	labels, known := m.tier.nodeLabels[pi.pod.Spec.NodeName]
	if !known {
		return "|nonode"
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if _, ok := nodeKeys[k]; ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("|node")
	for _, k := range keys {
		b.WriteString("|" + strconv.Quote(k))
		if v := labels[k]; nodeKeys[k][v] {
			b.WriteString(strconv.Quote(v))
		}
	}
	return b.String()
}

// tierPortCuts adds the port boundaries of tiered rules to cuts.
func (m *Model) tierPortCuts(cuts *[3][]int32) {
	for _, p := range m.tier.policies {
		for _, rules := range [2][]policy.ClusterRule{p.IngressRules, p.EgressRules} {
			for _, r := range rules {
				for _, port := range r.Ports {
					if port.Name == "" {
						pi := protoIndex(port.Protocol)
						cuts[pi] = append(cuts[pi], port.Start, port.End+1)
					}
				}
			}
		}
	}
}

// buildTierSets computes the subjects and rule peer sets of tiered
// policies, and which policies select each class per direction.
func (m *Model) buildTierSets(cs *classSets, in *interner) {
	t := &m.tier
	n := len(m.classes)
	t.peers = make([][2][]int32, len(t.policies))
	t.subjects = make([][]int32, len(t.policies))
	t.selecting = [2][][]int32{make([][]int32, n), make([][]int32, n)}
	for ti, p := range t.policies {
		subj := cs.cached(cs.nsSel, cs.byNs, p.Subject.Namespaces).Clone()
		subj.And(cs.cached(cs.podSel, cs.byPod, p.Subject.Pods))
		subj.And(cs.notHost)
		for c := range subj.Members() {
			t.subjects[ti] = append(t.subjects[ti], int32(c))
			if len(p.IngressRules) > 0 {
				t.selecting[ingress][c] = append(t.selecting[ingress][c], int32(ti))
			}
			if len(p.EgressRules) > 0 {
				t.selecting[egress][c] = append(t.selecting[egress][c], int32(ti))
			}
		}
		for d, rules := range [2][]policy.ClusterRule{p.IngressRules, p.EgressRules} {
			t.peers[ti][d] = make([]int32, len(rules))
			for ri := range rules {
				t.peers[ti][d][ri] = m.tierPeerID(cs, in, &rules[ri])
			}
		}
	}
}

// tierPeerID returns the interned set of classes a tiered rule's peers
// match; rules with the same peers share one computation.
func (m *Model) tierPeerID(cs *classSets, in *interner, r *policy.ClusterRule) int32 {
	var key strings.Builder
	key.WriteString("T")
	for _, peer := range r.Peers {
		key.WriteString("|" + peer.String())
	}
	if id, ok := cs.rulePeers[key.String()]; ok {
		return id
	}
	s := bitset.New(cs.n)
	for _, peer := range r.Peers {
		switch peer.Kind {
		case policy.PeerNamespaces, policy.PeerPods:
			p := cs.cached(cs.nsSel, cs.byNs, peer.Namespaces).Clone()
			p.And(cs.cached(cs.podSel, cs.byPod, peer.Pods))
			p.And(cs.notHost)
			s.Or(p)
		case policy.PeerNetworks:
			for _, n := range peer.Networks {
				s.Or(m.ipBlockClasses(cs, &policy.IPBlock{CIDR: n}))
			}
		case policy.PeerNodes:
			for c, ci := range m.classes {
				if ci.host && m.onSelectedNode(m.classes[c].rep, peer.Nodes) {
					s.Add(c)
				}
			}
		}
	}
	id := in.intern(s)
	cs.rulePeers[key.String()] = id
	return id
}

// onSelectedNode reports whether pod runs on a Node that sel selects.
func (m *Model) onSelectedNode(pod int32, sel selector.Selector) bool {
	labels, ok := m.tier.nodeLabels[m.pods[pod].pod.Spec.NodeName]
	return ok && sel.Matches(labels)
}

// tierContribs returns where rule ri of tiered policy ti (direction d,
// subject class) matches: peer class sets per port class range, with named
// ports resolved at the subject (ingress) or the peer (egress).
func (m *Model) tierContribs(d int, class, ti int32, ri int, serving map[namedPort]map[int32]bitset.Set, in *interner) []contrib {
	r := &m.tieredRules(ti, d)[ri]
	total := m.portClasses()
	if r.MatchesNothing() {
		return nil
	}
	if r.MatchesEverything() {
		return []contrib{{0, total - 1, bitset.Full(len(m.classes))}}
	}
	id := m.tier.peers[ti][d][ri]
	if id < 0 {
		return nil
	}
	peers := in.set(id)
	if r.Ports == nil {
		return []contrib{{0, total - 1, peers}}
	}
	var out []contrib
	for _, port := range r.Ports {
		if port.Name == "" {
			p := protoIndex(port.Protocol)
			out = append(out, contrib{m.portClass(p, port.Start), m.portClass(p, port.End), peers})
			continue
		}
		// A tiered named port has no protocol: every protocol's port of
		// that name.
		for _, proto := range protocols {
			out = m.namedContribs(out, d, class, namedPort{port.Name, proto}, peers, serving)
		}
	}
	return out
}

// tierRun is the tiers' outcome on the port classes from start to the next
// run's start: acc and deny are the peers the Admin tier accepts and denies
// (in priority order, a Pass leaving the rest undecided), and base the peers
// the Baseline tier leaves allowed to a class no NetworkPolicy isolates. Each
// is an interned set, -1 when empty.
type tierRun struct {
	start           int32
	acc, deny, base int32
}

// tierOutcome computes the tiers' outcome for a class selected in direction
// d by the tiered policies tps. It depends on the class only through its
// named ports, for ingress.
func (m *Model) tierOutcome(d int, class int32, tps []int32, serving map[namedPort]map[int32]bitset.Set, in *interner) []tierRun {
	n := len(m.classes)
	total := m.portClasses()
	type trule struct {
		admin    bool
		action   policy.Action
		contribs []contrib
	}
	var rules []trule
	points := []int32{0}
	for _, ti := range tps {
		p := m.tier.policies[ti]
		for ri, r := range m.tieredRules(ti, d) {
			cs := m.tierContribs(d, class, ti, ri, serving, in)
			if len(cs) == 0 {
				continue
			}
			for _, c := range cs {
				points = append(points, c.lo, c.hi+1)
			}
			rules = append(rules, trule{admin: p.Tier == policy.Admin, action: r.Action, contribs: cs})
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)

	var runs []tierRun
	full := bitset.Full(n)
	undecided, active := bitset.New(n), bitset.New(n)
	acc, deny, base := bitset.New(n), bitset.New(n), bitset.New(n)
	for _, at := range points {
		if at >= total {
			break
		}
		clear(acc)
		clear(deny)
		copy(base, full)
		copy(undecided, full)
		baseline := false
		for _, r := range rules {
			if !r.admin && !baseline {
				// The Baseline tier judges what the Admin tier left;
				// its outcome applies only where no NetworkPolicy isolates.
				baseline = true
				copy(undecided, full)
			}
			if !slices.ContainsFunc(r.contribs, func(c contrib) bool { return c.lo <= at && at <= c.hi }) {
				continue // the rule matches nothing on this port class
			}
			clear(active)
			for _, c := range r.contribs {
				if c.lo <= at && at <= c.hi {
					active.Or(c.set)
				}
			}
			active.And(undecided)
			undecided.AndNot(active)
			switch {
			case r.admin && r.action == policy.Accept:
				acc.Or(active)
			case r.admin && r.action == policy.Deny:
				deny.Or(active)
			case !r.admin && r.action == policy.Deny:
				base.AndNot(active)
			}
		}
		t := tierRun{start: at, acc: in.internCopy(acc), deny: in.internCopy(deny), base: in.internCopy(base)}
		if len(runs) > 0 {
			if last := runs[len(runs)-1]; last.acc == t.acc && last.deny == t.deny && last.base == t.base {
				continue
			}
		}
		runs = append(runs, t)
	}
	return runs
}

// tierRow combines a class's NetworkPolicy row np (ignored when isolated is
// false: no NetworkPolicy selects the class) with the tiers' outcome tr:
// what the Admin tier accepts, plus what the NetworkPolicies allow (or, for
// a class they do not isolate, what the Baseline tier leaves), minus what
// the Admin tier denies. It costs O(runs) set operations over n classes.
func tierRow(np []run, isolated bool, tr []tierRun, n int, in *interner) []run {
	var (
		out     []run
		scratch bitset.Set
		i, j    int // the runs of np and tr that hold at
	)
	for at := int32(0); ; {
		for isolated && i+1 < len(np) && np[i+1].start <= at {
			i++
		}
		for j+1 < len(tr) && tr[j+1].start <= at {
			j++
		}
		t := tr[j]
		x := t.base
		if isolated {
			x = np[i].set
		}
		id := x
		if t.acc >= 0 || t.deny >= 0 {
			if scratch == nil {
				scratch = bitset.New(n)
			}
			clear(scratch)
			if x >= 0 {
				copy(scratch, in.set(x))
			}
			if t.deny >= 0 {
				scratch.AndNot(in.set(t.deny))
			}
			if t.acc >= 0 {
				scratch.Or(in.set(t.acc))
			}
			id = in.internCopy(scratch)
		}
		if len(out) == 0 || out[len(out)-1].set != id {
			out = append(out, run{start: at, set: id})
		}
		// The next point where either row changes.
		next := int32(-1)
		if isolated && i+1 < len(np) {
			next = np[i+1].start
		}
		if j+1 < len(tr) && (next < 0 || tr[j+1].start < next) {
			next = tr[j+1].start
		}
		if next < 0 {
			return out
		}
		at = next
	}
}

// hasTiers reports whether group g of direction d has tiered policies.
func (m *Model) hasTiers(d int, g int32) bool {
	return g >= 0 && int(g) < len(m.tier.groups[d]) && len(m.tier.groups[d][g]) > 0
}

// tierDecision is how one direction of one connection on one port class
// was decided, found on the slow path straight from the rules.
type tierDecision struct {
	allowed bool
	// by: 'a' admin rule, 'n' NetworkPolicies, 'b' baseline rule, 0 no
	// policy matched (allowed by default).
	by byte
	// ti, ri: the deciding rule of a tiered policy (by 'a' or 'b').
	ti int32
	ri int
	// passTi, passRi: the admin Pass rule that sent the connection on, or
	// passTi -1.
	passTi int32
	passRi int
	// domains is true when a rule with domainNames peers that could not be
	// evaluated came before the decision.
	domains bool
}

// tierDecide judges direction d at the pod subject (group g) for the
// remote end peer (a pod, or the address addr when peer is -1) on port
// class k, from the rules. It agrees with the rows (a property test says
// so) and is the path for addresses outside the cluster and explanations.
func (m *Model) tierDecide(d int, g, subject, peer int32, addr netip.Addr, k int32) tierDecision {
	dec := tierDecision{passTi: -1}
	tps := m.tier.groups[d][g]
	// first returns the first matching rule of the policies of tier t, in
	// order: the policy, the rule, and whether there is one.
	first := func(t policy.Tier) (int32, int, bool) {
		for _, ti := range tps {
			if m.tier.policies[ti].Tier != t {
				continue
			}
			for ri := range m.tieredRules(ti, d) {
				match, domains := m.tierRuleMatches(ti, d, ri, subject, peer, addr, k)
				dec.domains = dec.domains || domains
				if match {
					return ti, ri, true
				}
			}
		}
		return 0, 0, false
	}
	if ti, ri, ok := first(policy.Admin); ok {
		if m.tieredRules(ti, d)[ri].Action != policy.Pass {
			dec.by, dec.ti, dec.ri = 'a', ti, ri
			dec.allowed = m.tieredRules(ti, d)[ri].Action == policy.Accept
			return dec
		}
		dec.passTi, dec.passRi = ti, ri
	}
	if np := m.dir[d].policies[g]; len(np) > 0 {
		dec.by = 'n'
		for _, pi := range np {
			for ri := range m.rules(pi, d) {
				if m.ruleAllows(pi, d, ri, subject, peer, addr, k) {
					dec.allowed = true
					return dec
				}
			}
		}
		return dec
	}
	if ti, ri, ok := first(policy.Baseline); ok {
		// A Baseline Pass skips the rest of the tier: nothing is below it.
		dec.by, dec.ti, dec.ri = 'b', ti, ri
		dec.allowed = m.tieredRules(ti, d)[ri].Action != policy.Deny
		return dec
	}
	dec.allowed = true
	return dec
}

// tierRuleMatches reports whether rule ri of tiered policy ti (direction d,
// at the pod subject) matches the remote end (the pod peer, or addr when
// peer is -1) on port class k; domains is true when the rule has
// domainNames peers, which cannot be evaluated, and does not match
// otherwise.
func (m *Model) tierRuleMatches(ti int32, d, ri int, subject, peer int32, addr netip.Addr, k int32) (match, domains bool) {
	r := &m.tieredRules(ti, d)[ri]
	switch {
	case r.MatchesNothing():
		return false, false
	case r.MatchesEverything():
		return true, false
	}
	if peer >= 0 {
		// Domain names do not name pods: no doubt there.
		if id := m.tier.peers[ti][d][ri]; id < 0 || !m.sets[id].Has(int(m.podClass[peer])) {
			return false, false
		}
	} else if !slices.ContainsFunc(r.Peers, func(p policy.ClusterPeer) bool {
		switch p.Kind {
		case policy.PeerNetworks:
			return p.ContainsAddr(addr)
		case policy.PeerNodes:
			return m.isSelectedNodeAddr(addr, p.Nodes)
		}
		return false
	}) {
		return false, hasDomains(r)
	}
	if r.Ports == nil {
		return true, false
	}
	pr := m.classRange(k)
	dest := subject // ingress: named ports resolve at the subject
	if d == egress {
		dest = peer
	}
	for _, port := range r.Ports {
		if port.Name == "" {
			if port.Protocol == pr.Protocol && port.Start <= pr.Start && pr.Start <= port.End {
				return true, false
			}
			continue
		}
		if dest >= 0 && slices.Contains(m.classes[m.podClass[dest]].named[namedPort{port.Name, pr.Protocol}], pr.Start) {
			return true, false
		}
	}
	return false, false
}

func hasDomains(r *policy.ClusterRule) bool {
	return slices.ContainsFunc(r.Peers, func(p policy.ClusterPeer) bool { return p.Kind == policy.PeerDomainNames })
}

// isSelectedNodeAddr reports whether addr is an address of a Node that sel
// selects.
func (m *Model) isSelectedNodeAddr(addr netip.Addr, sel selector.Selector) bool {
	for name, addrs := range m.nodeByName {
		if slices.Contains(addrs, addr) && sel.Matches(m.tier.nodeLabels[name]) {
			return true
		}
	}
	return false
}

func (m *Model) tierRef(ti int32, d, ri int) TieredMatch {
	p := m.tier.policies[ti]
	tier := "admin"
	if p.Tier == policy.Baseline {
		tier = "baseline"
	}
	return TieredMatch{TieredRuleRef: TieredRuleRef{Policy: TieredPolicyID{p.Kind, p.Name}, Direction: directionOf(d), Index: ri},
		Tier: tier, Priority: p.Priority, Action: m.tieredRules(ti, d)[ri].Action.String()}
}

// tierSide explains a side whose group has tiered policies; s has Pod and
// Allowed set.
func (m *Model) tierSide(v Verdict, d int, g, subject, peer int32, addr netip.Addr, s Side) Side {
	np := m.dir[d].policies[g]
	s.Isolated = len(np) > 0
	for _, pi := range np {
		s.Policies = append(s.Policies, m.policyID(pi))
	}
	exempt := v.reason == bySelf || v.reason == byNode
	if v.reason == byNoSuchPort {
		s.Allowed = false
	}
	if v.Port.Start == 0 {
		return s
	}
	p := protoIndex(v.Port.Protocol)
	for k, last := m.portClass(p, v.Port.Start), m.portClass(p, v.Port.End); k <= last; k++ {
		dec := m.tierDecide(d, g, subject, peer, addr, k)
		if dec.passTi >= 0 {
			s.Tiered = appendRef(s.Tiered, m.tierRef(dec.passTi, d, dec.passRi))
		}
		if dec.by == 'a' || dec.by == 'b' {
			s.Tiered = appendRef(s.Tiered, m.tierRef(dec.ti, d, dec.ri))
		}
		if dec.by == 'n' && dec.allowed {
			for _, pi := range np {
				for ri := range m.rules(pi, d) {
					if m.ruleAllows(pi, d, ri, subject, peer, addr, k) {
						ref := RuleRef{Policy: m.policyID(pi), Direction: directionOf(d), Index: ri}
						if !slices.Contains(s.AllowedBy, ref) {
							s.AllowedBy = append(s.AllowedBy, ref)
						}
					}
				}
			}
		}
		s.Allowed = s.Allowed && dec.allowed
	}
	s.Allowed = s.Allowed || exempt
	return s
}

func appendRef(refs []TieredMatch, r TieredMatch) []TieredMatch {
	if slices.Contains(refs, r) {
		return refs
	}
	return append(refs, r)
}

// tierSentence explains one side of v whose group has tiered policies, or
// returns "" when the side has nothing to say (it allows and v is denied).
func (v Verdict) tierSentence(d int, s Side) string {
	m := v.m
	subject, peer, addr := v.from, v.to, v.To.addr
	other := v.To
	if d == ingress {
		subject, peer, addr = v.to, v.from, v.From.addr
		other = v.From
	}
	g := m.dir[d].group[m.podClass[subject]]
	port := v.Port.String()
	// The deciding port class: the first one denied, else the first.
	p := protoIndex(v.Port.Protocol)
	first, last := m.portClass(p, v.Port.Start), m.portClass(p, v.Port.End)
	dec := m.tierDecide(d, g, subject, peer, addr, first)
	for k := first; k <= last; k++ {
		if dk := m.tierDecide(d, g, subject, peer, addr, k); !dk.allowed {
			dec = dk
			break
		}
	}
	if dec.allowed && !v.Allowed {
		return ""
	}
	var parts []string
	// A denied side names its pod, as the NetworkPolicy sentences do.
	who := ""
	if !dec.allowed {
		who = s.Pod.String() + " "
	}
	if dec.passTi >= 0 {
		parts = append(parts, fmt.Sprintf("%s%s passed by %s to NetworkPolicies", who, dirName[d], m.tierRef(dec.passTi, d, dec.passRi)))
	}
	switch dec.by {
	case 'a':
		verb := "accepted"
		if !dec.allowed {
			verb = "denied"
		}
		parts = append(parts, fmt.Sprintf("%s%s %s by %s before any NetworkPolicy", who, dirName[d], verb, m.tierRef(dec.ti, d, dec.ri)))
	case 'b':
		verb := "accepted"
		switch m.tieredRules(dec.ti, d)[dec.ri].Action {
		case policy.Deny:
			verb = "denied"
		case policy.Pass:
			verb = "passed (allowed, no tier is below)"
		}
		parts = append(parts, fmt.Sprintf("%s is isolated for %s by no NetworkPolicy; %s by %s", s.Pod, dirName[d], verb, m.tierRef(dec.ti, d, dec.ri)))
	case 'n':
		if dec.allowed {
			refs := make([]string, len(s.AllowedBy))
			for i, r := range s.AllowedBy {
				refs[i] = r.String()
			}
			parts = append(parts, fmt.Sprintf("%s allowed by %s", dirName[d], strings.Join(refs, ", ")))
		} else {
			parts = append(parts, fmt.Sprintf("%s is isolated for %s by %s; no %s rule allows %s on %s", s.Pod, dirName[d], joinIDs(s.Policies), dirName[d], other, port))
		}
	default:
		parts = append(parts, fmt.Sprintf("%s is not isolated for %s and no cluster policy rule matches", s.Pod, dirName[d]))
	}
	if dec.domains {
		parts = append(parts, "a rule with domainNames peers came first and cannot be checked from manifests (taken as not matching)")
	}
	return strings.Join(parts, "; ")
}

// Tiered returns the compiled tiered cluster policies of the model in
// evaluation order (see [policy.CompareClusterPolicies]). They are shared:
// callers must not change them.
func (m *Model) Tiered() []*policy.ClusterPolicy { return slices.Clone(m.tier.policies) }

// SelectingTiered returns the tiered policies that apply to pod for ingress
// and for egress (those whose subject selects it and that have rules in
// that direction), each in evaluation order. hostNetwork pods have none.
func (m *Model) SelectingTiered(pod PodID) (ingressPolicies, egressPolicies []*policy.ClusterPolicy, err error) {
	i, ok := m.podByID[pod]
	if !ok {
		return nil, nil, fmt.Errorf("simulate: no pod %s", pod)
	}
	out := [2][]*policy.ClusterPolicy{}
	c := m.podClass[i]
	for d := range out {
		for _, ti := range m.tier.selecting[d][c] {
			out[d] = append(out[d], m.tier.policies[ti])
		}
	}
	return out[ingress], out[egress], nil
}

// subjectOf returns the pod whose policies judge direction d of v.
func (v Verdict) subjectOf(d int) int32 {
	if d == ingress {
		return v.to
	}
	return v.from
}

// tierOutsideAccess is outsideAccess for a pod whose group (g, direction
// d) has tiered policies, where what outside addresses may do is not a
// union of blocks: Deny rules carve holes. The address space is cut into
// the atoms of every prefix a rule of the group can test (networks CIDRs,
// ipBlock CIDRs and exceptions, node addresses): each atom is a prefix
// minus the largest prefixes of the family inside it, and every address of
// an atom gets the same answer, found for one representative address from
// the rules. Atoms with the same ports are listed together.
func (m *Model) tierOutsideAccess(d int, g, pod int32) []Access {
	family := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}
	for _, pi := range m.dir[d].policies[g] {
		for _, r := range m.rules(pi, d) {
			for _, p := range r.Peers {
				if p.IPBlock != nil {
					family = append(family, p.IPBlock.CIDR)
					family = append(family, p.IPBlock.Except...)
				}
			}
		}
	}
	nodes := false
	for _, ti := range m.tier.groups[d][g] {
		for _, r := range m.tieredRules(ti, d) {
			for _, p := range r.Peers {
				family = append(family, p.Networks...)
				nodes = nodes || p.Kind == policy.PeerNodes
			}
		}
	}
	if nodes {
		for _, a := range m.nodeAddrs {
			family = append(family, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	slices.SortFunc(family, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	family = slices.Compact(family)

	type atom struct {
		block policy.IPBlock
		ports PortSet
	}
	var atoms []atom
	total := m.portClasses()
	points := m.decisionPoints(d, g, pod)
	for _, p := range family {
		// The children: the largest prefixes of the family strictly
		// inside p.
		var children []netip.Prefix
		for _, q := range family {
			if q.Bits() > p.Bits() && p.Contains(q.Addr()) && q.Addr().BitLen() == p.Addr().BitLen() &&
				!slices.ContainsFunc(children, func(c netip.Prefix) bool { return c.Contains(q.Addr()) }) {
				children = append(children, q)
			}
		}
		rep, ok := representative(p, children)
		if !ok {
			continue // the children cover p
		}
		var ranges []PortRange
		for i, k := range points {
			if m.tierDecide(d, g, pod, -1, rep, k).allowed {
				end := total
				if i+1 < len(points) {
					end = points[i+1]
				}
				lo, hi := m.classRange(k), m.classRange(end-1)
				ranges = append(ranges, PortRange{Protocol: lo.Protocol, Start: lo.Start, End: hi.End})
			}
		}
		atoms = append(atoms, atom{policy.IPBlock{CIDR: p, Except: children}, NewPortSet(ranges...)})
	}
	byPorts := map[string]*Access{}
	var keys []string
	all := true
	for _, a := range atoms {
		if a.ports.IsEmpty() {
			all = false
			continue
		}
		key := a.ports.String()
		if acc, ok := byPorts[key]; ok {
			acc.Sources = acc.Sources.union(Sources{Blocks: []policy.IPBlock{a.block}})
			continue
		}
		byPorts[key] = &Access{Ports: a.ports, Sources: Sources{Blocks: []policy.IPBlock{a.block}}}
		keys = append(keys, key)
	}
	if all && len(keys) == 1 {
		return []Access{{Ports: byPorts[keys[0]].Ports, Sources: Sources{Any: true}}}
	}
	out := make([]Access, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byPorts[k])
	}
	slices.SortFunc(out, func(a, b Access) int { return strings.Compare(a.Sources.String(), b.Sources.String()) })
	return out
}

// decisionPoints returns, sorted, the port classes where the decision of
// group g in direction d about an address outside the cluster can change:
// the first port class of each protocol, and the bounds of every port of
// the rules of the group's NetworkPolicies and tiered policies (a named
// port at the numbers the pod's class serves under the name). Between two
// points every rule matches a port class alike, so one decision per point
// stands for the port classes up to the next.
func (m *Model) decisionPoints(d int, g, pod int32) []int32 {
	total := m.portClasses()
	points := []int32{m.base[0], m.base[1], m.base[2]}
	named := m.classes[m.podClass[pod]].named
	span := func(proto corev1.Protocol, start, end int32) {
		p := protoIndex(proto)
		points = append(points, m.portClass(p, start), m.portClass(p, end)+1)
	}
	for _, pi := range m.dir[d].policies[g] {
		for _, r := range m.rules(pi, d) {
			for _, port := range r.Ports {
				if port.Name == "" {
					span(port.Protocol, port.Start, port.End)
					continue
				}
				for _, v := range named[namedPort{port.Name, port.Protocol}] {
					span(port.Protocol, v, v)
				}
			}
		}
	}
	for _, ti := range m.tier.groups[d][g] {
		for _, r := range m.tieredRules(ti, d) {
			for _, port := range r.Ports {
				if port.Name == "" {
					span(port.Protocol, port.Start, port.End)
					continue
				}
				for _, proto := range protocols {
					for _, v := range named[namedPort{port.Name, proto}] {
						span(proto, v, v)
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
	return points
}

// representative returns an address of p that is in none of children
// (disjoint prefixes strictly inside p), or false when they cover p.
func representative(p netip.Prefix, children []netip.Prefix) (netip.Addr, bool) {
	var inside []netip.Prefix
	for _, c := range children {
		if c.Bits() <= p.Bits() && c.Contains(p.Addr()) {
			return netip.Addr{}, false // c covers p
		}
		if p.Contains(c.Addr()) {
			inside = append(inside, c)
		}
	}
	if len(inside) == 0 {
		return p.Addr(), true
	}
	if p.Bits() == p.Addr().BitLen() {
		return netip.Addr{}, false
	}
	lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
	hiAddr := p.Addr().As16()
	bit := p.Bits() + (128 - p.Addr().BitLen())
	hiAddr[bit/8] |= 0x80 >> (bit % 8)
	hi := netip.AddrFrom16(hiAddr)
	if p.Addr().Is4() {
		hi = hi.Unmap()
	}
	for _, half := range []netip.Prefix{lo, netip.PrefixFrom(hi, p.Bits()+1)} {
		if a, ok := representative(half, inside); ok {
			return a, true
		}
	}
	return netip.Addr{}, false
}
