package simulate

import (
	"slices"
	"strconv"
	"strings"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/selector"
)

// classSets evaluates selectors over classes.
type classSets struct {
	n         int
	byPod     *selector.Index       // classes by their pods' labels
	byNs      *selector.Index       // classes by their namespace's labels
	notHost   bitset.Set            // classes of pods that selectors can match
	nsList    [][]int32             // per namespace: its classes, as a list
	rulePeers map[string]int32      // rule peers (see rulePeerID) → interned set
	ipBlocks  map[string]bitset.Set // ipBlock (as IPBlock.String) → classes it holds
	podSel    map[string]bitset.Set // pod selector (as String) → classes
	nsSel     map[string]bitset.Set // namespace selector (as String) → classes
}

// cached evaluates s on ix once per distinct selector. The result is shared:
// callers must not change it.
func cached(cache map[string]bitset.Set, ix *selector.Index, s selector.Selector) bitset.Set {
	key := s.String()
	if r, ok := cache[key]; ok {
		return r
	}
	r := ix.Select(s)
	cache[key] = r
	return r
}

func (m *Model) newClassSets() *classSets {
	n := len(m.classes)
	podLabels := make([]map[string]string, n)
	nsLabels := make([]map[string]string, n)
	cs := &classSets{n: n, notHost: bitset.Full(n), ipBlocks: map[string]bitset.Set{}, podSel: map[string]bitset.Set{}, nsSel: map[string]bitset.Set{},
		nsList: make([][]int32, len(m.namespaces)), rulePeers: map[string]int32{}}
	for c, ci := range m.classes {
		podLabels[c] = m.pods[ci.rep].labels
		nsLabels[c] = m.namespaces[ci.ns].labels
		cs.nsList[ci.ns] = append(cs.nsList[ci.ns], int32(c))
		if ci.host {
			cs.notHost.Remove(c)
		}
	}
	cs.byPod = selector.NewIndex(podLabels)
	cs.byNs = selector.NewIndex(nsLabels)
	return cs
}

// inNamespace returns the classes of namespace ns whose pods sel matches,
// hostNetwork pods excluded. A namespace holds few classes, so matching
// them one by one beats any operation on a bitset of all classes.
func (m *Model) inNamespace(cs *classSets, ns string, sel selector.Selector) []int32 {
	var out []int32
	for _, c := range cs.nsList[m.nsByName[ns]] {
		if !m.classes[c].host && sel.Matches(m.pods[m.classes[c].rep].labels) {
			out = append(out, c)
		}
	}
	return out
}

// rulePeerID returns the interned set of classes that rule ri of policy pi
// in direction d admits as peers. Rules with the same peer key (see
// rulePeerKey) share one computation.
func (m *Model) rulePeerID(cs *classSets, in *interner, pi, d, ri int) int32 {
	key := m.ruleKeys[pi][d][ri]
	if id, ok := cs.rulePeers[key]; ok {
		return id
	}
	p := m.policies[pi]
	rules := p.IngressRules
	if d == egress {
		rules = p.EgressRules
	}
	id := in.intern(m.peerSet(cs, p, &rules[ri]))
	cs.rulePeers[key] = id
	return id
}

// peerSet returns the classes a rule of p admits as peers; nil when there
// are none.
func (m *Model) peerSet(cs *classSets, p *policy.Policy, r *policy.Rule) bitset.Set {
	if r.Peers == nil {
		return bitset.Full(cs.n)
	}
	// Peers of the policy's own namespace are a few classes; most often
	// none, and then no set of all classes needs to be made.
	var local []int32
	wide := false
	for _, peer := range r.Peers {
		if peer.Pods != nil && peer.Pods.SameNamespace {
			local = append(local, m.inNamespace(cs, p.Namespace, peer.Pods.Pods)...)
		} else {
			wide = true
		}
	}
	if !wide && len(local) == 0 {
		return nil
	}
	out := bitset.New(cs.n)
	for _, c := range local {
		out.Add(int(c))
	}
	for _, peer := range r.Peers {
		switch {
		case peer.Pods != nil && peer.Pods.SameNamespace:
			// Added above.
		case peer.Pods != nil:
			s := cached(cs.podSel, cs.byPod, peer.Pods.Pods).Clone()
			s.And(cached(cs.nsSel, cs.byNs, peer.Pods.Namespaces))
			s.And(cs.notHost)
			out.Or(s)
		case peer.IPBlock != nil && m.opts.ipBlockPods:
			out.Or(m.ipBlockClasses(cs, peer.IPBlock))
		}
	}
	return out
}

// ipBlockClasses returns the classes whose pods have an address in b. Many
// policies repeat the same block, so each distinct block is computed once.
func (m *Model) ipBlockClasses(cs *classSets, b *policy.IPBlock) bitset.Set {
	key := b.String()
	if s, ok := cs.ipBlocks[key]; ok {
		return s
	}
	s := bitset.New(cs.n)
	for c, ci := range m.classes {
		if slices.ContainsFunc(m.pods[ci.rep].ips, b.Contains) {
			s.Add(c)
		}
	}
	cs.ipBlocks[key] = s
	return s
}

// buildPortClasses cuts each protocol's port space at every boundary a rule
// or a named port in use can draw.
func (m *Model) buildPortClasses() {
	var cuts [3][]int32
	for p := range cuts {
		cuts[p] = []int32{1}
	}
	for _, pol := range m.policies {
		for _, rules := range [2][]policy.Rule{pol.IngressRules, pol.EgressRules} {
			for _, r := range rules {
				for _, port := range r.Ports {
					if port.Name == "" {
						p := protoIndex(port.Protocol)
						cuts[p] = append(cuts[p], port.Start, port.End+1)
					}
				}
			}
		}
	}
	m.tierPortCuts(&cuts)
	for _, ci := range m.classes {
		for np, numbers := range ci.named {
			p := protoIndex(np.proto)
			for _, v := range numbers {
				cuts[p] = append(cuts[p], v, v+1)
			}
		}
	}
	next := int32(0)
	for p := range cuts {
		c := cuts[p]
		slices.Sort(c)
		c = slices.Compact(c)
		if c[len(c)-1] > 65535 {
			c = c[:len(c)-1]
		}
		m.bounds[p] = c
		m.base[p] = next
		next += int32(len(c))
	}
}

// portClasses returns the number of port classes of all protocols.
func (m *Model) portClasses() int32 { return m.base[2] + int32(len(m.bounds[2])) }

// portClass returns the port class of port on the protocol with index p.
func (m *Model) portClass(p int, port int32) int32 {
	b := m.bounds[p]
	i, found := slices.BinarySearch(b, port)
	if !found {
		i--
	}
	return m.base[p] + int32(i)
}

// classRange returns the protocol and port range of port class k.
func (m *Model) classRange(k int32) PortRange {
	p := 2
	for p > 0 && k < m.base[p] {
		p--
	}
	i := k - m.base[p]
	end := int32(65535)
	if int(i)+1 < len(m.bounds[p]) {
		end = m.bounds[p][i+1] - 1
	}
	return PortRange{Protocol: protocols[p], Start: m.bounds[p][i], End: end}
}

// contrib says that the peers in set are allowed on port classes lo..hi.
type contrib struct {
	lo, hi int32
	set    bitset.Set
}

// buildRows computes, for every group of classes selected by the same
// policies, which peers are allowed on which port class.
func (m *Model) buildRows() {
	cs := m.newClassSets()
	n := len(m.classes)

	// Peers of every rule, once, interned.
	in := newInterner()
	m.rulePeers = make([][2][]int32, len(m.policies))
	m.subjects = make([][]int32, len(m.policies))
	selecting := [2][][]int32{make([][]int32, n), make([][]int32, n)}
	for pi, p := range m.policies {
		for d, rules := range [2][]policy.Rule{p.IngressRules, p.EgressRules} {
			m.rulePeers[pi][d] = make([]int32, len(rules))
			for ri := range rules {
				m.rulePeers[pi][d][ri] = m.rulePeerID(cs, in, pi, d, ri)
			}
		}
		m.subjects[pi] = m.inNamespace(cs, p.Namespace, p.Subject)
		for _, c := range m.subjects[pi] {
			if p.Ingress {
				selecting[ingress][c] = append(selecting[ingress][c], int32(pi))
			}
			if p.Egress {
				selecting[egress][c] = append(selecting[egress][c], int32(pi))
			}
		}
	}

	m.buildTierSets(cs, in)

	// Classes that serve each named port, by number, for egress rules.
	serving := map[namedPort]map[int32]bitset.Set{}
	for c, ci := range m.classes {
		for np, numbers := range ci.named {
			byNum := serving[np]
			if byNum == nil {
				byNum = map[int32]bitset.Set{}
				serving[np] = byNum
			}
			for _, v := range numbers {
				if byNum[v] == nil {
					byNum[v] = bitset.New(n)
				}
				byNum[v].Add(c)
			}
		}
	}

	for d := range m.dir {
		dir := &m.dir[d]
		dir.group = make([]int32, n)
		groups := map[string]int32{}
		var key strings.Builder
		for c := range m.classes {
			pols := selecting[d][c]
			tps := m.tier.selecting[d][c]
			if len(pols) == 0 && len(tps) == 0 {
				dir.group[c] = -1
				continue
			}
			key.Reset()
			for _, p := range pols {
				key.WriteString(strconv.Itoa(int(p)))
				key.WriteByte(',')
			}
			key.WriteByte('|')
			for _, p := range tps {
				key.WriteString(strconv.Itoa(int(p)))
				key.WriteByte(',')
			}
			if d == ingress {
				// Named ports of ingress rules resolve at the subject itself.
				for _, np := range sortedNamed(m.classes[c].named) {
					key.WriteString(np.name + "/" + string(np.proto) + "=")
					for _, v := range m.classes[c].named[np] {
						key.WriteString(strconv.Itoa(int(v)) + ",")
					}
				}
			}
			g, ok := groups[key.String()]
			if !ok {
				g = int32(len(dir.rows))
				groups[key.String()] = g
				dir.policies = append(dir.policies, pols)
				m.tier.groups[d] = append(m.tier.groups[d], tps)
				if len(tps) == 0 {
					dir.rows = append(dir.rows, m.buildRow(d, int32(c), pols, serving, in))
				} else {
					dir.rows = append(dir.rows, m.tierRow(d, int32(c), pols, tps, serving, in))
				}
			}
			dir.group[c] = g
		}
	}
	m.sets = in.sets
	m.ruleKeys = nil
}

// buildRow computes the verdict row of a class selected for direction d by pols.
func (m *Model) buildRow(d int, class int32, pols []int32, serving map[namedPort]map[int32]bitset.Set, in *interner) []run {
	var contribs []contrib
	for _, pi := range pols {
		p := m.policies[pi]
		rules := p.IngressRules
		if d == egress {
			rules = p.EgressRules
		}
		for ri, r := range rules {
			id := m.rulePeers[pi][d][ri]
			if id < 0 {
				continue // the rule's peers match no pod
			}
			peers := in.sets[id]
			if r.Ports == nil {
				for p := range protocols {
					contribs = append(contribs, contrib{m.base[p], m.base[p] + int32(len(m.bounds[p])) - 1, peers})
				}
				continue
			}
			for _, port := range r.Ports {
				p := protoIndex(port.Protocol)
				if port.Name == "" {
					contribs = append(contribs, contrib{m.portClass(p, port.Start), m.portClass(p, port.End), peers})
					continue
				}
				contribs = m.namedContribs(contribs, d, class, namedPort{port.Name, port.Protocol}, peers, serving)
			}
		}
	}
	return sweep(contribs, m.portClasses(), len(m.classes), in)
}

// namedContribs appends what a rule's named port np allows peers: for
// ingress, the numbers the subject class serves under the name (named ports
// resolve at the destination, the subject itself); for egress, per number,
// the peers that serve the name on that number.
func (m *Model) namedContribs(out []contrib, d int, class int32, np namedPort, peers bitset.Set, serving map[namedPort]map[int32]bitset.Set) []contrib {
	p := protoIndex(np.proto)
	if d == ingress {
		for _, v := range m.classes[class].named[np] {
			k := m.portClass(p, v)
			out = append(out, contrib{k, k, peers})
		}
		return out
	}
	for v, servers := range serving[np] {
		s := peers.Clone()
		s.And(servers)
		if !s.IsEmpty() {
			k := m.portClass(p, v)
			out = append(out, contrib{k, k, s})
		}
	}
	return out
}

// sweep turns overlapping contributions into runs over port classes 0..total-1.
func sweep(contribs []contrib, total int32, n int, in *interner) []run {
	points := []int32{0}
	for _, c := range contribs {
		points = append(points, c.lo, c.hi+1)
	}
	slices.Sort(points)
	points = slices.Compact(points)
	slices.SortFunc(contribs, func(a, b contrib) int { return int(a.lo) - int(b.lo) })
	var (
		runs    []run
		active  []contrib
		next    int
		scratch bitset.Set
	)
	for _, x := range points {
		if x >= total {
			break
		}
		active = slices.DeleteFunc(active, func(c contrib) bool { return c.hi < x })
		for next < len(contribs) && contribs[next].lo <= x {
			if contribs[next].hi >= x {
				active = append(active, contribs[next])
			}
			next++
		}
		id := int32(-1)
		switch len(active) {
		case 0:
		case 1:
			// Contributed sets are never changed after they are made,
			// so a lone one can be interned as it is.
			id = in.intern(active[0].set)
		default:
			if scratch == nil {
				scratch = bitset.New(n)
			}
			clear(scratch)
			for _, c := range active {
				scratch.Or(c.set)
			}
			id = in.internCopy(scratch)
		}
		if len(runs) > 0 && runs[len(runs)-1].set == id {
			continue
		}
		runs = append(runs, run{start: x, set: id})
	}
	return runs
}

// interner stores each distinct non-empty class set once.
type interner struct {
	sets  []bitset.Set
	index map[uint64][]int32
}

func newInterner() *interner { return &interner{index: map[uint64][]int32{}} }

// intern returns the id of s, storing s itself (not a copy) when it is new:
// the caller must not change s afterwards. The empty set is -1.
func (in *interner) intern(s bitset.Set) int32 {
	id, h := in.find(s)
	if id == -2 {
		id = in.add(s, h)
	}
	return id
}

// internCopy is intern for a set the caller reuses: a new set is stored as
// a copy.
func (in *interner) internCopy(s bitset.Set) int32 {
	id, h := in.find(s)
	if id == -2 {
		id = in.add(s.Clone(), h)
	}
	return id
}

// find returns the id of s and its hash; the id is -1 for the empty set and
// -2 when s is not interned yet.
func (in *interner) find(s bitset.Set) (int32, uint64) {
	h := uint64(14695981039346656037)
	empty := true
	for _, w := range s {
		h = (h ^ w) * 1099511628211
		if w != 0 {
			empty = false
		}
	}
	if empty {
		return -1, h
	}
	for _, id := range in.index[h] {
		if in.sets[id].Equal(s) {
			return id, h
		}
	}
	return -2, h
}

func (in *interner) add(s bitset.Set, h uint64) int32 {
	id := int32(len(in.sets))
	in.sets = append(in.sets, s)
	in.index[h] = append(in.index[h], id)
	return id
}

// allows reports whether class subject, in direction d, lets class peer
// through on port class k. A class no policy isolates lets everything through.
func (m *Model) allows(d int, subject, peer, k int32) bool {
	g := m.dir[d].group[subject]
	if g < 0 {
		return true
	}
	id := m.lookup(m.dir[d].rows[g], k)
	return id >= 0 && m.sets[id].Has(int(peer))
}

// lookup returns the set of the run that holds port class k.
func (m *Model) lookup(row []run, k int32) int32 {
	lo, hi := 0, len(row)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if row[mid].start <= k {
			lo = mid
		} else {
			hi = mid
		}
	}
	return row[lo].set
}
