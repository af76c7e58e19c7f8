package simulate

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
)

// nsNameLabel is the label the API server puts on every namespace.
const nsNameLabel = corev1.LabelMetadataName

// Model is a compiled cluster: every answer is a lookup. A Model is immutable
// and safe for concurrent queries without locks, as long as the objects of
// the Cluster it was compiled from are not changed (see [Cluster]).
type Model struct {
	opts options

	namespaces []nsInfo // sorted by name
	nsByName   map[string]int32
	pods       []podInfo // sorted by namespace, then name
	podByID    map[PodID]int32
	podByIP    map[netip.Addr]int32
	nodeByName map[string][]netip.Addr
	podsByNode map[string][]int32 // spec.nodeName → pods, in pod order
	services   []*corev1.Service  // sorted by namespace, then name
	svcByID    map[PodID]int32
	policies   []*policy.Policy        // sorted by namespace, then name
	ingresses  []*networkingv1.Ingress // sorted by namespace, then name
	nodeAddrs  []netip.Addr            // every known node address, sorted

	// Pods that no selector, named port or ipBlock tells apart share a class.
	podClass []int32
	classes  []classInfo

	// The port space of all protocols, TCP then UDP then SCTP, is cut at
	// every rule boundary into port classes numbered from 0. Port class k of
	// protocol p starts at bounds[p][k-base[p]].
	bounds [3][]int32
	base   [3]int32

	// Per direction: the group of each class (-1 when not isolated), and
	// per group the policies that select it and its row of verdicts.
	dir [2]direction

	// sets interns every distinct class set the rows use.
	sets []bitset.Set

	// Per policy, the classes it selects.
	subjects [][]int32

	// Per policy and direction, the class set each rule's peers select, as
	// an index into sets (-1: none).
	rulePeers [][2][]int32

	// While Compile runs: per policy and direction, each rule's peer key
	// (see rulePeerKey), and what the policies' selectors look at.
	ruleKeys [][2][]string
	use      *selectorUse

	lazyIndexes
	resolveIndexes

	// The tiered cluster policies (see tiers.go).
	tier tierState
}

type nsInfo struct {
	ns     *corev1.Namespace
	labels map[string]string
}

type podInfo struct {
	pod    *corev1.Pod
	id     PodID
	ns     int32
	ips    []netip.Addr
	host   bool // hostNetwork: not a policy subject, not matched by selectors
	labels map[string]string
}

type classInfo struct {
	rep     int32   // a member pod
	members []int32 // every member pod, in pod order
	ns      int32
	host    bool
	named   map[namedPort][]int32 // container port numbers by (name, protocol)
}

type namedPort struct {
	name  string
	proto corev1.Protocol
}

// Direction numbering inside the engine.
const (
	ingress = 0
	egress  = 1
)

type direction struct {
	group    []int32   // per class: group, or -1 when no policy isolates it
	policies [][]int32 // per group: indices of the policies that select it
	rows     [][]run   // per group: the verdict row
}

// run says that from port class start on (until the next run), the peers
// that may be reached (egress) or may connect (ingress) are sets[set]; -1
// is the empty set.
type run struct {
	start int32
	set   int32
}

// Compile validates the cluster and builds its Model. Every problem found is
// reported, joined in one error: duplicate objects, pods in namespaces that
// are named inconsistently, and policies that fail validation (as
// [policy.Compile] reports them).
//
// Compile costs about O(pods × labels + policies × classes/64 × rules);
// see BENCHMARKS.md for figures at Kubernetes' scale limits. A large
// cluster is compiled on every core (GOMAXPROCS goroutines); the model is
// the same whatever the number of cores. Compile does not change c, and
// the model keeps pointers into c's pods, Services and Ingresses: c must
// not be changed while the model is in use.
func Compile(c Cluster, opts ...Option) (*Model, error) {
	m := &Model{opts: defaultOptions()}
	for _, o := range opts {
		o(&m.opts)
	}
	var errs []error
	if m.opts.hostPods != HostNetworkAsNode && m.opts.hostPods != HostNetworkAsPod {
		errs = append(errs, fmt.Errorf("simulate: hostNetwork pods mode %q: want %q or %q", m.opts.hostPods, HostNetworkAsNode, HostNetworkAsPod))
	}
	errs = append(errs, m.addNamespaces(c)...)
	errs = append(errs, m.addPods(c)...)
	errs = append(errs, m.addServices(c)...)
	errs = append(errs, m.addPolicies(c)...)
	errs = append(errs, m.addNodes(c)...)
	errs = append(errs, m.addIngresses(c)...)
	errs = append(errs, m.addTiered(c)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.buildClasses()
	m.buildPortClasses()
	m.buildRows()
	return m, nil
}

func (m *Model) addNamespaces(c Cluster) []error {
	var errs []error
	m.nsByName = map[string]int32{}
	seen := map[string]bool{}
	for i := range c.Namespaces {
		ns := &c.Namespaces[i]
		switch {
		case ns.Name == "":
			errs = append(errs, fmt.Errorf("simulate: namespace #%d: metadata.name: required", i))
			continue
		case seen[ns.Name]:
			errs = append(errs, fmt.Errorf("simulate: duplicate Namespace %s", ns.Name))
			continue
		}
		seen[ns.Name] = true
		m.namespaces = append(m.namespaces, nsInfo{ns: ns})
	}
	// Pods and policies in a namespace without a Namespace object get one.
	implied := make([]string, 0, len(c.Pods)+len(c.NetworkPolicies))
	for i := range c.Pods {
		implied = append(implied, c.Pods[i].Namespace)
	}
	for i := range c.NetworkPolicies {
		implied = append(implied, c.NetworkPolicies[i].Namespace)
	}
	for _, name := range implied {
		if name != "" && !seen[name] {
			seen[name] = true
			ns := &corev1.Namespace{}
			ns.Name = name
			m.namespaces = append(m.namespaces, nsInfo{ns: ns})
		}
	}
	slices.SortFunc(m.namespaces, func(a, b nsInfo) int { return strings.Compare(a.ns.Name, b.ns.Name) })
	for i := range m.namespaces {
		ni := &m.namespaces[i]
		ni.labels = make(map[string]string, len(ni.ns.Labels)+1)
		for k, v := range ni.ns.Labels {
			ni.labels[k] = v
		}
		ni.labels[nsNameLabel] = ni.ns.Name
		m.nsByName[ni.ns.Name] = int32(i)
	}
	return errs
}

func (m *Model) addPods(c Cluster) []error {
	// Each pod's record (and its address errors) on every core, then the
	// sort by namespace and name, where duplicates meet, on one.
	n := len(c.Pods)
	infos := make([]podInfo, n)
	perr := make([][]error, n)
	named := make([]bool, n)
	parallel(n, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			infos[i], perr[i], named[i] = m.podInfo(&c.Pods[i], i)
		}
	})
	// Sort by namespace (pi.ns ranks namespaces by name), name and input
	// order, moving small keys rather than whole podInfos: of two pods
	// with one name, the later one is the duplicate.
	type keyed struct {
		ns   int32
		i    int32
		name string
	}
	ks := make([]keyed, 0, n)
	for i := range infos {
		if named[i] {
			ks = append(ks, keyed{infos[i].ns, int32(i), infos[i].id.Name})
		}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.ns != b.ns {
			return int(a.ns - b.ns)
		}
		return cmp.Or(strings.Compare(a.name, b.name), int(a.i-b.i))
	})
	m.pods = make([]podInfo, 0, len(ks))
	for j, k := range ks {
		if j > 0 && ks[j-1].ns == k.ns && ks[j-1].name == k.name {
			perr[k.i] = []error{fmt.Errorf("simulate: duplicate Pod %s", infos[k.i].id)}
			continue
		}
		m.pods = append(m.pods, infos[k.i])
	}
	var errs []error
	for _, e := range perr {
		errs = append(errs, e...)
	}
	m.podByID = make(map[PodID]int32, len(m.pods))
	m.podByIP = make(map[netip.Addr]int32, len(m.pods))
	m.podsByNode = map[string][]int32{}
	for i := range m.pods {
		pi := &m.pods[i]
		m.podByID[pi.id] = int32(i)
		if node := pi.pod.Spec.NodeName; node != "" {
			m.podsByNode[node] = append(m.podsByNode[node], int32(i))
		}
		if pi.pod.Spec.HostNetwork {
			continue // a hostNetwork pod shares its node's address, in either mode
		}
		for _, a := range pi.ips {
			if other, dup := m.podByIP[a]; dup {
				errs = append(errs, fmt.Errorf("simulate: pods %s and %s both have IP %s", m.pods[other].id, pi.id, a))
				continue
			}
			m.podByIP[a] = int32(i)
		}
	}
	return errs
}

// podInfo makes the record of pod p (input position i): ok is false, with
// the error, when it has no namespace or name; otherwise the errors are
// those of its addresses, which are left out.
func (m *Model) podInfo(p *corev1.Pod, i int) (pi podInfo, errs []error, ok bool) {
	id := PodID{p.Namespace, p.Name}
	if p.Namespace == "" || p.Name == "" {
		return pi, []error{fmt.Errorf("simulate: pod #%d %q: metadata.namespace and metadata.name are required", i, id)}, false
	}
	pi = podInfo{pod: p, id: id, ns: m.nsByName[p.Namespace], host: p.Spec.HostNetwork && m.opts.hostPods == HostNetworkAsNode, labels: p.Labels}
	add := func(path func() string, ip string) {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			errs = append(errs, fmt.Errorf("simulate: pod %s: %s: invalid IP address %q", id, path(), ip))
			return
		}
		a = a.WithZone("").Unmap()
		if !slices.Contains(pi.ips, a) {
			pi.ips = append(pi.ips, a)
		}
	}
	if p.Status.PodIP != "" {
		add(func() string { return "status.podIP" }, p.Status.PodIP)
	}
	for j, ip := range p.Status.PodIPs {
		if ip.IP != p.Status.PodIP {
			add(func() string { return fmt.Sprintf("status.podIPs[%d].ip", j) }, ip.IP)
		}
	}
	return pi, errs, true
}

func cmpID(a, b PodID) int {
	return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}

func (m *Model) addServices(c Cluster) []error {
	var errs []error
	m.svcByID = map[PodID]int32{}
	for i := range c.Services {
		s := &c.Services[i]
		id := PodID{s.Namespace, s.Name}
		if s.Namespace == "" || s.Name == "" {
			errs = append(errs, fmt.Errorf("simulate: service #%d %q: metadata.namespace and metadata.name are required", i, id))
			continue
		}
		if _, dup := m.svcByID[id]; dup {
			errs = append(errs, fmt.Errorf("simulate: duplicate Service %s", id))
			continue
		}
		m.svcByID[id] = -1
		m.services = append(m.services, s)
	}
	slices.SortFunc(m.services, func(a, b *corev1.Service) int {
		return cmpID(PodID{a.Namespace, a.Name}, PodID{b.Namespace, b.Name})
	})
	for i, s := range m.services {
		m.svcByID[PodID{s.Namespace, s.Name}] = int32(i)
	}
	return errs
}

func (m *Model) addPolicies(c Cluster) []error {
	// Validation dominates and each policy stands alone: compile them on
	// every core (noting, while each is at hand, what its selectors look at
	// and its rules' peer keys), then check them in input order.
	type result struct {
		p    *policy.Policy
		err  error
		keys [2][]string
	}
	results := make([]result, len(c.NetworkPolicies))
	var uses []*selectorUse
	var mu sync.Mutex
	parallel(len(c.NetworkPolicies), func(_, lo, hi int) {
		u := newSelectorUse()
		var buf []byte
		for i := lo; i < hi; i++ {
			r := &results[i]
			if r.p, r.err = policy.Compile(&c.NetworkPolicies[i]); r.err == nil {
				r.keys, buf = u.notePolicy(r.p, m.opts.ipBlockPods, buf)
			}
		}
		mu.Lock()
		uses = append(uses, u)
		mu.Unlock()
	})
	m.use = newSelectorUse()
	for _, u := range uses {
		m.use.merge(u) // the merged sets do not depend on the order
	}

	// Sort by namespace and name (namespaces ranked once, so that most
	// comparisons compare two integers), then input order: of two policies
	// with one name, the later one is the duplicate.
	rank := map[string]int{}
	for _, r := range results {
		if r.err == nil {
			rank[r.p.Namespace] = 0
		}
	}
	for i, ns := range slices.Sorted(maps.Keys(rank)) {
		rank[ns] = i
	}
	type keyed struct {
		ns, i int32
		name  string
	}
	ks := make([]keyed, 0, len(results))
	for i, r := range results {
		if r.err == nil {
			ks = append(ks, keyed{int32(rank[r.p.Namespace]), int32(i), r.p.Name})
		}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.ns != b.ns {
			return int(a.ns - b.ns)
		}
		return cmp.Or(strings.Compare(a.name, b.name), int(a.i-b.i))
	})
	m.policies = make([]*policy.Policy, 0, len(ks))
	m.ruleKeys = make([][2][]string, 0, len(ks))
	for j, k := range ks {
		r := &results[k.i]
		if j > 0 && ks[j-1].ns == k.ns && ks[j-1].name == k.name {
			r.err = fmt.Errorf("simulate: duplicate NetworkPolicy %s/%s", r.p.Namespace, r.p.Name)
			continue
		}
		m.policies = append(m.policies, r.p)
		m.ruleKeys = append(m.ruleKeys, r.keys)
	}
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return errs
}

func (m *Model) addNodes(c Cluster) []error {
	var errs []error
	m.nodeByName = map[string][]netip.Addr{}
	for i := range c.Nodes {
		n := &c.Nodes[i]
		if n.Name == "" {
			errs = append(errs, fmt.Errorf("simulate: node #%d: metadata.name: required", i))
			continue
		}
		if _, dup := m.nodeByName[n.Name]; dup {
			errs = append(errs, fmt.Errorf("simulate: duplicate Node %s", n.Name))
			continue
		}
		addrs := []netip.Addr{}
		for j, a := range n.Status.Addresses {
			if a.Type != corev1.NodeInternalIP && a.Type != corev1.NodeExternalIP {
				continue
			}
			ip, err := netip.ParseAddr(a.Address)
			if err != nil {
				errs = append(errs, fmt.Errorf("simulate: node %s: status.addresses[%d].address: invalid IP address %q", n.Name, j, a.Address))
				continue
			}
			addrs = append(addrs, ip.WithZone("").Unmap())
		}
		m.nodeByName[n.Name] = addrs
		m.nodeAddrs = append(m.nodeAddrs, addrs...)
	}
	m.nodeAddrs = append(m.nodeAddrs, m.opts.nodeAddrs...)
	slices.SortFunc(m.nodeAddrs, netip.Addr.Compare)
	m.nodeAddrs = slices.Compact(m.nodeAddrs)
	return errs
}

func (m *Model) addIngresses(c Cluster) []error {
	var errs []error
	seen := map[PodID]bool{}
	for i := range c.Ingresses {
		ing := &c.Ingresses[i]
		id := PodID{ing.Namespace, ing.Name}
		switch {
		case ing.Namespace == "" || ing.Name == "":
			errs = append(errs, fmt.Errorf("simulate: ingress #%d %q: metadata.namespace and metadata.name are required", i, id))
			continue
		case seen[id]:
			errs = append(errs, fmt.Errorf("simulate: duplicate Ingress %s", id))
			continue
		}
		seen[id] = true
		m.ingresses = append(m.ingresses, ing)
	}
	slices.SortFunc(m.ingresses, func(a, b *networkingv1.Ingress) int {
		return cmpID(PodID{a.Namespace, a.Name}, PodID{b.Namespace, b.Name})
	})
	return errs
}

// namedPorts returns, for each name in use that p serves, the numbers a
// policy's named port stands for at p (see policyNamedPorts).
func (pi *podInfo) namedPorts(inUse map[namedPort]bool) map[namedPort][]int32 {
	var out map[namedPort][]int32
	for _, c := range pi.pod.Spec.Containers {
		for _, cp := range c.Ports {
			np := namedPort{cp.Name, protocolOf(cp.Protocol)}
			if cp.Name == "" || !inUse[np] || out[np] != nil {
				continue
			}
			if numbers := policyNamedPorts(pi.pod, np.name, np.proto); len(numbers) > 0 {
				if out == nil {
					out = map[namedPort][]int32{}
				}
				out[np] = numbers
			}
		}
	}
	return out
}

func sortedNamed(named map[namedPort][]int32) []namedPort {
	out := make([]namedPort, 0, len(named))
	for np := range named {
		out = append(out, np)
	}
	slices.SortFunc(out, func(a, b namedPort) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(string(a.proto), string(b.proto)))
	})
	return out
}
