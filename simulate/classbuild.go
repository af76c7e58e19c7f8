package simulate

import (
	"cmp"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/selector"
)

// This file groups pods into classes. Its walks over every policy (done
// while addPolicies compiles them) and over every pod run on every core:
// each item is computed on its own, and the results are merged in order, so
// the classes are the same whatever the number of cores.

// The walks' split: parallelMin is the number of items below which a walk
// runs on one core, parallelWorkers the number of workers (0: one per
// core), parallelBatch the number of items inParallel hands out at once.
// They are variables so that tests can make every walk of a small cluster
// parallel, in many pieces.
var (
	parallelMin     = 4096
	parallelWorkers = 0
	parallelBatch   = 16384
)

// parallel calls fn on consecutive chunks [lo, hi) that cover 0..n-1, on
// every core when n is large; worker numbers the chunk's goroutine from 0
// to workers-1. It returns the number of workers.
func parallel(n int, fn func(worker, lo, hi int)) int {
	workers := 1
	if n >= parallelMin {
		workers = parallelWorkers
		if workers == 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		workers = min(workers, n/max(1, parallelMin/2))
	}
	if workers <= 1 {
		fn(0, 0, n)
		return 1
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(w, lo, hi) })
	}
	wg.Wait()
	return workers
}

// selectorUse is what the policies' pod selectors, named ports and ipBlocks
// look at: the facts that can tell two pods apart.
type selectorUse struct {
	keys     map[string]map[string]bool // label key → values compared with
	names    map[namedPort]bool         // named ports of rules
	prefixes []netip.Prefix             // ipBlock CIDRs and excepts
	cuts     [3][]int32                 // per protocol: where numbered rule ports start and end+1
}

func newSelectorUse() *selectorUse {
	return &selectorUse{keys: map[string]map[string]bool{}, names: map[namedPort]bool{}}
}

func (u *selectorUse) note(s selector.Selector) {
	for k, vs := range s.KeyValues() {
		set := u.keys[k]
		if set == nil {
			set = map[string]bool{}
			u.keys[k] = set
		}
		for _, v := range vs {
			set[v] = true
		}
	}
}

// merge adds what o saw to u.
func (u *selectorUse) merge(o *selectorUse) {
	for k, vs := range o.keys {
		set := u.keys[k]
		if set == nil {
			u.keys[k] = vs
			continue
		}
		for v := range vs {
			set[v] = true
		}
	}
	for np := range o.names {
		u.names[np] = true
	}
	u.prefixes = append(u.prefixes, o.prefixes...)
	for p := range u.cuts {
		u.cuts[p] = append(u.cuts[p], o.cuts[p]...)
	}
}

// notePolicy notes what p looks at (its selectors, named ports, ipBlocks
// and the bounds of its numbered ports) and returns its rules' peer keys (see
// rulePeerKey) per direction; buf is a reused buffer, returned for the next
// call.
func (u *selectorUse) notePolicy(p *policy.Policy, ipBlockPods bool, buf []byte) ([2][]string, []byte) {
	var out [2][]string
	u.note(p.Subject)
	for d, rules := range [2][]policy.Rule{p.IngressRules, p.EgressRules} {
		keys := make([]string, len(rules))
		for ri := range rules {
			r := &rules[ri]
			for _, peer := range r.Peers {
				if peer.Pods != nil {
					u.note(peer.Pods.Pods)
				}
				if peer.IPBlock != nil && ipBlockPods {
					u.prefixes = append(u.prefixes, peer.IPBlock.CIDR)
					u.prefixes = append(u.prefixes, peer.IPBlock.Except...)
				}
			}
			for _, port := range r.Ports {
				if port.Name != "" {
					u.names[namedPort{port.Name, port.Protocol}] = true
				} else {
					pi := protoIndex(port.Protocol)
					u.cuts[pi] = append(u.cuts[pi], port.Start, port.End+1)
				}
			}
			buf = rulePeerKey(buf[:0], p, r)
			keys[ri] = string(buf)
		}
		out[d] = keys
	}
	return out, buf
}

// rulePeerKey appends to b a key that two rules share exactly when their
// peers select the same pods: the peers as written, with the policy's
// namespace where a peer means its own namespace.
func rulePeerKey(b []byte, p *policy.Policy, r *policy.Rule) []byte {
	if r.Peers == nil {
		return append(b, '*')
	}
	for i := range r.Peers {
		peer := &r.Peers[i]
		if peer.Pods != nil && peer.Pods.SameNamespace {
			b = append(b, p.Namespace...)
		}
		b = append(b, '|')
		b = append(b, peer.String()...)
		b = append(b, '|')
	}
	return b
}

// classKeyer computes the class key of a pod from what the policies look
// at; it is read-only once made, so workers share it.
type classKeyer struct {
	m        *Model
	use      *selectorUse
	nodeKeys map[string]map[string]bool
	prefixID map[netip.Prefix]int
	lengths  []int // the distinct lengths of those prefixes, ascending
}

// keyScratch is one worker's reused buffers.
type keyScratch struct {
	labelKeys []string
	named     []namedNumber
}

type namedNumber struct {
	np namedPort
	v  int32
}

// key appends the class key of pod pi to b: its namespace; hostNetwork (and
// then its node's labels as far as node peers look); its labels cut down to
// the keys selectors name, each value kept only when some selector compares
// with it; the numbers behind the named ports rules use; and which ipBlock
// prefixes hold each of its addresses.
func (k *classKeyer) key(b []byte, pi *podInfo, sc *keyScratch) []byte {
	b = strconv.AppendInt(b, int64(pi.ns), 10)
	if pi.host {
		b = append(b, "|host"...)
		b = append(b, k.m.hostNodeKey(pi, k.nodeKeys)...)
	}
	sc.labelKeys = sc.labelKeys[:0]
	for key := range pi.labels {
		if _, ok := k.use.keys[key]; ok {
			sc.labelKeys = append(sc.labelKeys, key)
		}
	}
	slices.Sort(sc.labelKeys)
	for _, key := range sc.labelKeys {
		v := pi.labels[key]
		b = append(b, "|l"...)
		b = strconv.AppendQuote(b, key)
		if k.use.keys[key][v] {
			b = strconv.AppendQuote(b, v)
		}
	}
	// The numbers of the named ports in use, as policyNamedPorts gives
	// them: every valid container port of the name and protocol.
	sc.named = sc.named[:0]
	for _, c := range pi.pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == "" || cp.ContainerPort < 1 || cp.ContainerPort > 65535 {
				continue
			}
			if np := (namedPort{cp.Name, protocolOf(cp.Protocol)}); k.use.names[np] {
				sc.named = append(sc.named, namedNumber{np, cp.ContainerPort})
			}
		}
	}
	slices.SortFunc(sc.named, func(a, b namedNumber) int {
		return cmp.Or(strings.Compare(a.np.name, b.np.name), strings.Compare(string(a.np.proto), string(b.np.proto)), cmp.Compare(a.v, b.v))
	})
	for i, n := range sc.named {
		switch {
		case i > 0 && sc.named[i-1] == n:
			continue
		case i == 0 || sc.named[i-1].np != n.np:
			b = append(b, "|n"...)
			b = strconv.AppendQuote(b, n.np.name)
			b = append(b, '/')
			b = append(b, n.np.proto...)
			b = append(b, '=')
		}
		b = strconv.AppendInt(b, int64(n.v), 10)
		b = append(b, ',')
	}
	if len(k.prefixID) > 0 {
		for _, a := range pi.ips {
			b = append(b, "|i"...)
			for _, l := range k.lengths {
				if p, err := a.Prefix(l); err == nil {
					if id, ok := k.prefixID[p]; ok {
						b = strconv.AppendInt(b, int64(id), 10)
						b = append(b, ',')
					}
				}
			}
		}
	}
	return b
}

// buildClasses groups pods that no selector, named port or ipBlock of any
// policy (of any tier) can tell apart; see [Class]. Node traffic (a
// hostNetwork pod to the pods of its node) is a fact of two pods, not of
// their classes: the views add it pod by pod (see Model.exempt), so that a
// DaemonSet on the host network does not split every class by node.
//
// It costs O(policy rules + labels of all pods) on every core, then one map
// look-up per pod.
func (m *Model) buildClasses() {
	use := m.use
	var tierPrefixes []netip.Prefix
	nodeKeys := m.noteTiered(use.note, use.names, &tierPrefixes)
	use.prefixes = append(use.prefixes, tierPrefixes...)
	k := &classKeyer{m: m, use: use, nodeKeys: nodeKeys, prefixID: map[netip.Prefix]int{}}
	for _, p := range use.prefixes {
		if _, ok := k.prefixID[p]; !ok {
			k.prefixID[p] = len(k.prefixID)
			k.lengths = append(k.lengths, p.Bits())
		}
	}
	slices.Sort(k.lengths)
	k.lengths = slices.Compact(k.lengths)

	keys := make([]string, len(m.pods))
	parallel(len(m.pods), func(_, lo, hi int) {
		var b []byte
		var sc keyScratch
		for i := lo; i < hi; i++ {
			b = k.key(b[:0], &m.pods[i], &sc)
			keys[i] = string(b)
		}
	})

	byKey := make(map[string]int32)
	m.podClass = make([]int32, len(m.pods))
	for i, key := range keys {
		c, ok := byKey[key]
		if !ok {
			c = int32(len(m.classes))
			byKey[key] = c
			pi := &m.pods[i]
			m.classes = append(m.classes, classInfo{rep: int32(i), ns: pi.ns, host: pi.host, named: pi.namedPorts(use.names)})
		}
		m.podClass[i] = c
		m.classes[c].members = append(m.classes[c].members, int32(i))
	}
}
