package simulate

import (
	"slices"
	"strconv"
	"sync"

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
	rulePeers map[string]int32      // tiered rule peers (see tierPeerID) → interned set
	ipBlocks  map[string]bitset.Set // ipBlock (as IPBlock.String) → classes it holds
	podSel    map[string]bitset.Set // pod selector (as String) → classes
	nsSel     map[string]bitset.Set // namespace selector (as String) → classes
	mu        sync.Mutex            // guards ipBlocks, podSel and nsSel
}

// cached evaluates s on ix once per distinct selector. The result is shared:
// callers must not change it. It is safe for concurrent use.
func (cs *classSets) cached(cache map[string]bitset.Set, ix *selector.Index, s selector.Selector) bitset.Set {
	key := s.String()
	cs.mu.Lock()
	r, ok := cache[key]
	cs.mu.Unlock()
	if ok {
		return r
	}
	r = ix.Select(s)
	cs.mu.Lock()
	if old, ok := cache[key]; ok {
		r = old // another goroutine was first: keep one
	} else {
		cache[key] = r
	}
	cs.mu.Unlock()
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
			s := cs.cached(cs.podSel, cs.byPod, peer.Pods.Pods).Clone()
			s.And(cs.cached(cs.nsSel, cs.byNs, peer.Pods.Namespaces))
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
	cs.mu.Lock()
	s, ok := cs.ipBlocks[key]
	cs.mu.Unlock()
	if ok {
		return s
	}
	s = bitset.New(cs.n)
	for c, ci := range m.classes {
		if slices.ContainsFunc(m.pods[ci.rep].ips, b.Contains) {
			s.Add(c)
		}
	}
	cs.mu.Lock()
	if old, ok := cs.ipBlocks[key]; ok {
		s = old
	} else {
		cs.ipBlocks[key] = s
	}
	cs.mu.Unlock()
	return s
}

// buildPortClasses cuts each protocol's port space at every boundary a rule
// or a named port in use can draw.
func (m *Model) buildPortClasses() {
	// The NetworkPolicies' bounds were noted while they were compiled
	// (selectorUse.notePolicy).
	var cuts [3][]int32
	for p := range cuts {
		cuts[p] = append([]int32{1}, m.use.cuts[p]...)
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
// policies, which peers are allowed on which port class. The peer sets of
// the rules, the subjects of the policies and the rows are each computed on
// every core and interned in a fixed order, so the model is the same on any
// number of cores.
func (m *Model) buildRows() {
	cs := m.newClassSets()
	n := len(m.classes)
	in := newInterner()
	m.buildRulePeers(cs, in)

	m.subjects = make([][]int32, len(m.policies))
	parallel(len(m.policies), func(_, lo, hi int) {
		for pi := lo; pi < hi; pi++ {
			p := m.policies[pi]
			m.subjects[pi] = m.inNamespace(cs, p.Namespace, p.Subject)
		}
	})
	selecting := [2][][]int32{make([][]int32, n), make([][]int32, n)}
	for pi, p := range m.policies {
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

	// Group the classes; each new group is a row to compute. Groups that
	// tiered policies select share the tiers' outcome with every group of
	// the same tiered policies (and, for ingress, named ports).
	tierNames := map[string]bool{}
	for ti := range m.tier.policies {
		for d := range m.dir {
			for _, r := range m.tieredRules(int32(ti), d) {
				for _, port := range r.Ports {
					if port.Name != "" {
						tierNames[port.Name] = true
					}
				}
			}
		}
	}
	var tasks []rowTask
	var outcomes []rowTask // one per distinct tiered key
	for d := range m.dir {
		dir := &m.dir[d]
		dir.group = make([]int32, n)
		groups := map[string]int32{}
		tiered := map[string]int32{}
		var key, named, tnamed []byte
		for c := range m.classes {
			pols := selecting[d][c]
			tps := m.tier.selecting[d][c]
			if len(pols) == 0 && len(tps) == 0 {
				dir.group[c] = -1
				continue
			}
			// Named ports of ingress rules resolve at the subject itself:
			// the tiers' outcome depends on the numbers of the names
			// tiered rules use, the row on all of them.
			named, tnamed = named[:0], tnamed[:0]
			if d == ingress {
				for _, np := range sortedNamed(m.classes[c].named) {
					at := len(named)
					named = strconv.AppendQuote(named, np.name)
					named = append(named, '/')
					named = append(named, np.proto...)
					named = append(named, '=')
					for _, v := range m.classes[c].named[np] {
						named = strconv.AppendInt(named, int64(v), 10)
						named = append(named, ',')
					}
					if tierNames[np.name] {
						tnamed = append(tnamed, named[at:]...)
					}
				}
			}
			key = appendInts(key[:0], tps)
			key = append(key, '|')
			key = append(key, tnamed...)
			tier := int32(-1)
			if len(tps) > 0 {
				var ok bool
				if tier, ok = tiered[string(key)]; !ok {
					tier = int32(len(outcomes))
					tiered[string(key)] = tier
					outcomes = append(outcomes, rowTask{d: d, class: int32(c), tps: tps})
				}
			}
			key = append(key, '|')
			key = append(key, named...)
			key = append(key, '|')
			key = appendInts(key, pols)
			g, ok := groups[string(key)]
			if !ok {
				g = int32(len(dir.rows))
				groups[string(key)] = g
				dir.policies = append(dir.policies, pols)
				m.tier.groups[d] = append(m.tier.groups[d], tps)
				dir.rows = append(dir.rows, nil)
				tasks = append(tasks, rowTask{d: d, class: int32(c), pols: pols, tps: tps, tier: tier, g: g})
			}
			dir.group[c] = g
		}
	}

	// The tiers' outcomes, then the rows.
	tierRuns := make([][]tierRun, len(outcomes))
	inParallel(in, len(outcomes), func(f *interner, i int) {
		t := &outcomes[i]
		tierRuns[i] = m.tierOutcome(t.d, t.class, t.tps, serving, f)
	}, func(i int, adopt func(int32) int32) {
		for j := range tierRuns[i] {
			r := &tierRuns[i][j]
			r.acc, r.deny, r.base = adopt(r.acc), adopt(r.deny), adopt(r.base)
		}
	})
	inParallel(in, len(tasks), func(f *interner, i int) {
		t := &tasks[i]
		var row []run
		if len(t.pols) > 0 {
			row = m.buildRow(t.d, t.class, t.pols, serving, f)
		}
		if t.tier >= 0 {
			row = tierRow(row, len(t.pols) > 0, tierRuns[t.tier], n, f)
		}
		m.dir[t.d].rows[t.g] = row
	}, func(i int, adopt func(int32) int32) {
		t := &tasks[i]
		row := m.dir[t.d].rows[t.g]
		for j := range row {
			row[j].set = adopt(row[j].set)
		}
	})
	m.sets = in.sets
	m.ruleKeys, m.use = nil, nil
}

// rowTask is a row to compute: for class (the first of its group g) in
// direction d, selected by the NetworkPolicies pols and the tiered policies
// tps; tier indexes the tiers' outcome, -1 without tiered policies.
type rowTask struct {
	d         int
	class     int32
	pols, tps []int32
	tier, g   int32
}

func appendInts(b []byte, xs []int32) []byte {
	for _, x := range xs {
		b = strconv.AppendInt(b, int64(x), 10)
		b = append(b, ',')
	}
	return b
}

// inParallel calls do(f, i) for i in 0..n-1 on every core, each worker with
// its own fork f of in, then adopt(i, adopter) for i in order on one
// goroutine, where adopter maps an id of the fork that computed i to an id
// of in. Work is split into batches, so that forks stay small.
func inParallel(in *interner, n int, do func(f *interner, i int), adopt func(i int, adopter func(int32) int32)) {
	for lo := 0; lo < n; lo += parallelBatch {
		hi := min(lo+parallelBatch, n)
		var forks [][3]int // worker chunk bounds and fork index
		var fs []*interner
		var mu sync.Mutex
		parallel(hi-lo, func(_, a, b int) {
			f := in.fork()
			for i := lo + a; i < lo+b; i++ {
				do(f, i)
			}
			mu.Lock()
			forks = append(forks, [3]int{lo + a, lo + b, len(fs)})
			fs = append(fs, f)
			mu.Unlock()
		})
		slices.SortFunc(forks, func(x, y [3]int) int { return x[0] - y[0] })
		for _, fk := range forks {
			adopter := in.adopter(fs[fk[2]])
			for i := fk[0]; i < fk[1]; i++ {
				adopt(i, adopter)
			}
		}
	}
}

// buildRulePeers interns the set of classes each NetworkPolicy rule admits
// as peers into m.rulePeers. Rules with the same peer key (see rulePeerKey)
// share one computation; the distinct ones are computed on every core.
func (m *Model) buildRulePeers(cs *classSets, in *interner) {
	type ref struct {
		pi, d, ri int32
	}
	m.rulePeers = make([][2][]int32, len(m.policies))
	distinct := map[string]int32{}
	var firsts []ref
	for pi := range m.policies {
		for d := range 2 {
			keys := m.ruleKeys[pi][d]
			ids := make([]int32, len(keys))
			for ri, k := range keys {
				id, ok := distinct[k]
				if !ok {
					id = int32(len(firsts))
					distinct[k] = id
					firsts = append(firsts, ref{int32(pi), int32(d), int32(ri)})
				}
				ids[ri] = id
			}
			m.rulePeers[pi][d] = ids
		}
	}
	ids := make([]int32, len(firsts))
	inParallel(in, len(firsts), func(f *interner, i int) {
		r := firsts[i]
		p := m.policies[r.pi]
		rules := p.IngressRules
		if r.d == egress {
			rules = p.EgressRules
		}
		ids[i] = f.intern(m.peerSet(cs, p, &rules[r.ri]))
	}, func(i int, adopt func(int32) int32) {
		ids[i] = adopt(ids[i])
	})
	for pi := range m.rulePeers {
		for d := range 2 {
			for ri, id := range m.rulePeers[pi][d] {
				m.rulePeers[pi][d][ri] = ids[id]
			}
		}
	}
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
			peers := in.set(id)
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
				scratch = in.scratch(n)
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
