package simulate_test

// Laws of NetworkPolicy that the engine must obey over random clusters from
// package fuzz. Where property_test.go proves the engine equal to the oracle
// cluster by cluster, these relate two clusters that differ by one edit
// (a rule added, a policy added, a default deny added) or compare the engine
// with itself, so that a bug shared by the engine and the oracle can still
// show up as a broken law:
//
//   - propAddRuleMonotone: adding a rule to a policy never removes a
//     connection (with the policy's policyTypes held fixed);
//   - propAddPolicyLocal: adding a policy changes no connection between
//     pods it does not select;
//   - propUnselectedPod: a pod that no policy selects is limited only by the
//     other end's policies;
//   - propDefaultDenyAll: a deny-all policy leaves in its namespace exactly
//     what the other policies allow explicitly;
//   - propCompileDeterministic: compiling a cluster twice gives the same
//     answers, and does not change the cluster.
//
// The connections compared are every ordered pair of pods (all ports, from
// Matrix.Ports) and, in both directions, every pod and an address outside
// the cluster drawn from probeAddrs (on every protocol at the port points of
// portPoints, between which no verdict can change). Each property draws
// whether ipBlocks match pod addresses (the IPBlockMatchesPods option).

import (
	"net/netip"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// lawNamespaces returns the namespaces of c, those with an object and those
// that pods or policies imply, sorted; "default" when there is none.
func lawNamespaces(c simulate.Cluster) []string {
	var names []string
	for _, ns := range c.Namespaces {
		names = append(names, ns.Name)
	}
	for _, p := range c.Pods {
		names = append(names, p.Namespace)
	}
	for _, np := range c.NetworkPolicies {
		names = append(names, np.Namespace)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		names = []string{"default"}
	}
	return names
}

// lawClone returns a deep copy of c.
func lawClone(c simulate.Cluster) simulate.Cluster {
	var out simulate.Cluster
	for _, ns := range c.Namespaces {
		out.Namespaces = append(out.Namespaces, *ns.DeepCopy())
	}
	for _, p := range c.Pods {
		out.Pods = append(out.Pods, *p.DeepCopy())
	}
	for _, s := range c.Services {
		out.Services = append(out.Services, *s.DeepCopy())
	}
	for _, np := range c.NetworkPolicies {
		out.NetworkPolicies = append(out.NetworkPolicies, *np.DeepCopy())
	}
	for _, n := range c.Nodes {
		out.Nodes = append(out.Nodes, *n.DeepCopy())
	}
	for _, in := range c.Ingresses {
		out.Ingresses = append(out.Ingresses, *in.DeepCopy())
	}
	return out
}

// lawOutside draws up to n addresses outside the cluster: probe addresses
// (ipBlock edges, fixed ones) that no non-hostNetwork pod of any of cs owns,
// so that they stay addresses in every cluster compared.
func lawOutside(t *rapid.T, n int, cs ...simulate.Cluster) []netip.Addr {
	owned := map[netip.Addr]bool{}
	var candidates []netip.Addr
	for _, c := range cs {
		for i := range c.Pods {
			if !c.Pods[i].Spec.HostNetwork {
				for _, a := range oraclePodIPs(&c.Pods[i]) {
					owned[a] = true
				}
			}
		}
		candidates = append(candidates, probeAddrs(c)...)
	}
	candidates = slices.DeleteFunc(candidates, func(a netip.Addr) bool { return owned[a] })
	slices.SortFunc(candidates, netip.Addr.Compare)
	candidates = slices.Compact(candidates)
	if len(candidates) == 0 || n == 0 {
		return nil
	}
	return rapid.SliceOfNDistinct(rapid.SampledFrom(candidates), 0, n, rapid.ID[netip.Addr]).Draw(t, "outside addresses")
}

// lawPairs returns the connections to compare: every ordered pair of pods
// of m (itself included), then every pod to and from every address.
func lawPairs(m *simulate.Model, addrs []netip.Addr) [][2]endpoint {
	var pairs [][2]endpoint
	pods := m.Pods()
	for _, a := range pods {
		for _, b := range pods {
			pairs = append(pairs, [2]endpoint{podEnd(a), podEnd(b)})
		}
	}
	for _, a := range pods {
		for _, x := range addrs {
			pairs = append(pairs, [2]endpoint{podEnd(a), ipEnd(x)}, [2]endpoint{ipEnd(x), podEnd(a)})
		}
	}
	return pairs
}

// lawPorts returns the ports m allows from → to: Matrix.Ports between two
// pods; otherwise the points pts (on every protocol) that Check allows, as
// single-port ranges.
func lawPorts(t *rapid.T, m *simulate.Model, mx *simulate.Matrix, from, to endpoint, pts []int32) simulate.PortSet {
	if from.name != "" && to.name != "" {
		return mustPortsX(mx.Ports(simulate.PodID{Namespace: from.namespace, Name: from.name}, simulate.PodID{Namespace: to.namespace, Name: to.name}))
	}
	var ranges []simulate.PortRange
	for _, proto := range protocols {
		for _, p := range pts {
			if check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Start: p, End: p}).Allowed {
				ranges = append(ranges, simulate.PortRange{Protocol: proto, Start: p, End: p})
			}
		}
	}
	return simulate.NewPortSet(ranges...)
}

// lawSubset reports whether every port of a is in b.
func lawSubset(a, b simulate.PortSet) bool { return a.Intersect(b).Equal(a) }

// lawSelects reports whether np selects pod for dir, from the raw objects:
// the policy is in the pod's namespace, its podSelector matches the pod's
// labels, dir is among its effective policyTypes, and the pod is not
// hostNetwork (hostNetwork pods are never policy subjects).
func lawSelects(np *networkingv1.NetworkPolicy, pod *corev1.Pod, dir networkingv1.PolicyType) bool {
	return !pod.Spec.HostNetwork && np.Namespace == pod.Namespace &&
		oracleSelects(&np.Spec.PodSelector, pod.Labels) && slices.Contains(oracleEffectiveTypes(np), dir)
}

// lawExplicit reports whether some rule of some policy of c that selects
// subject for dir matches the remote end (remotePod, or remoteAddr when it
// is nil) and (proto, port) at dest: the oracle's side judgement without
// its "not isolated: allowed" default.
func lawExplicit(c simulate.Cluster, ipb bool, dir networkingv1.PolicyType, subject, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	for i := range c.NetworkPolicies {
		np := &c.NetworkPolicies[i]
		if !lawSelects(np, subject, dir) {
			continue
		}
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				if oraclePeersMatch(c, ipb, np, r.From, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
					return true
				}
			}
			continue
		}
		for _, r := range np.Spec.Egress {
			if oraclePeersMatch(c, ipb, np, r.To, remotePod, remoteAddr) && oraclePortsMatch(r.Ports, dest, proto, port) {
				return true
			}
		}
	}
	return false
}

// lawRule draws one rule from a generated policy with at least one rule:
// its direction and the rule, as an ingress or an egress rule.
func lawRule(t *rapid.T, namespaces []string) (networkingv1.PolicyType, networkingv1.NetworkPolicyIngressRule, networkingv1.NetworkPolicyEgressRule) {
	donor := fuzz.NetworkPolicy(namespaces).Filter(func(np networkingv1.NetworkPolicy) bool {
		return len(np.Spec.Ingress)+len(np.Spec.Egress) > 0
	}).Draw(t, "rule donor")
	i := rapid.IntRange(0, len(donor.Spec.Ingress)+len(donor.Spec.Egress)-1).Draw(t, "donor rule")
	if i < len(donor.Spec.Ingress) {
		return networkingv1.PolicyTypeIngress, donor.Spec.Ingress[i], networkingv1.NetworkPolicyEgressRule{}
	}
	return networkingv1.PolicyTypeEgress, networkingv1.NetworkPolicyIngressRule{}, donor.Spec.Egress[i-len(donor.Spec.Ingress)]
}

// propAddRuleMonotone: adding a rule (ingress or egress, any peers and ports,
// at any position) to a policy never removes an allowed connection, provided
// the policy's policyTypes do not change. The proviso matters: a policy with
// defaulted policyTypes and no egress rule does not isolate for egress, and
// its first egress rule turns egress isolation on (see
// TestAddFirstEgressRuleIsolates). So the property first pins the policy's
// policyTypes to their effective value, which must change nothing, then adds
// the rule:
//
//   - if the rule's direction is among the pinned policyTypes, every
//     connection allowed before is allowed after;
//   - otherwise the rule is inert and nothing changes at all.
func propAddRuleMonotone(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	namespaces := lawNamespaces(c)
	if len(c.NetworkPolicies) == 0 {
		c.NetworkPolicies = append(c.NetworkPolicies, fuzz.NetworkPolicy(namespaces).Draw(t, "policy"))
	}
	k := rapid.IntRange(0, len(c.NetworkPolicies)-1).Draw(t, "policy to extend")

	pinned := lawClone(c)
	host := &pinned.NetworkPolicies[k]
	host.Spec.PolicyTypes = slices.Clone(oracleEffectiveTypes(host))

	dir, in, eg := lawRule(t, namespaces)
	after := lawClone(pinned)
	np := &after.NetworkPolicies[k]
	if dir == networkingv1.PolicyTypeIngress {
		at := rapid.IntRange(0, len(np.Spec.Ingress)).Draw(t, "position")
		np.Spec.Ingress = slices.Insert(np.Spec.Ingress, at, in)
	} else {
		at := rapid.IntRange(0, len(np.Spec.Egress)).Draw(t, "position")
		np.Spec.Egress = slices.Insert(np.Spec.Egress, at, eg)
	}
	active := slices.Contains(host.Spec.PolicyTypes, dir)

	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	addrs := lawOutside(t, 1, after)
	pts := portPoints(after)
	m0, m1, m2 := compile(t, c, ipb), compile(t, pinned, ipb), compile(t, after, ipb)
	mx0, mx1, mx2 := m0.Matrix(), m1.Matrix(), m2.Matrix()
	for _, pair := range lawPairs(m1, addrs) {
		from, to := pair[0], pair[1]
		p1, p2 := lawPorts(t, m1, mx1, from, to, pts), lawPorts(t, m2, mx2, from, to, pts)
		// Pinning is checked between pods only, to save time.
		p0 := p1
		if from.name != "" && to.name != "" {
			p0 = lawPorts(t, m0, mx0, from, to, pts)
		}
		if !p0.Equal(p1) {
			t.Fatalf("IPBlockMatchesPods(%v): pinning the policyTypes of %s/%s to %v changed %v → %v: %v, then %v\n%s",
				ipb, host.Namespace, host.Name, host.Spec.PolicyTypes, from, to, p0, p1, describe(c))
		}
		switch {
		case active && !lawSubset(p1, p2):
			t.Fatalf("IPBlockMatchesPods(%v): adding a %s rule to %s/%s removed some of %v → %v: before %v, after %v\nbefore: %s\nafter: %s",
				ipb, dir, np.Namespace, np.Name, from, to, p1, p2, describe(pinned), describe(after))
		case !active && !p1.Equal(p2):
			t.Fatalf("IPBlockMatchesPods(%v): adding a %s rule to %s/%s, whose policyTypes are %v, changed %v → %v: %v, then %v\nbefore: %s\nafter: %s",
				ipb, dir, np.Namespace, np.Name, host.Spec.PolicyTypes, from, to, p1, p2, describe(pinned), describe(after))
		}
	}
}

func TestAddRuleMonotone(t *testing.T) { rapid.Check(t, propAddRuleMonotone) }

func FuzzAddRuleMonotone(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propAddRuleMonotone)) }

// TestAddFirstEgressRuleIsolates pins down the proviso of
// propAddRuleMonotone: without explicit policyTypes, adding a first egress
// rule makes the policy isolate its pods for egress, and a connection the
// rule does not allow is lost.
func TestAddFirstEgressRuleIsolates(t *testing.T) {
	c := simulate.Cluster{
		Pods: []corev1.Pod{
			oPod("a", "web", "10.0.0.1", map[string]string{"app": "web"}),
			oPod("a", "db", "10.0.0.2", map[string]string{"app": "db"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			oPolicy("a", "web", oSel("app", "web"), networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}),
		},
	}
	web, db := simulate.PodID{Namespace: "a", Name: "web"}, simulate.PodID{Namespace: "a", Name: "db"}
	before, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	after := lawClone(c)
	after.NetworkPolicies[0].Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{oPort("", oNum(443))}}}
	m, err := simulate.Compile(after)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustPortsX(before.Matrix().Ports(web, db)); !got.IsAll() {
		t.Errorf("before: web → db on %v, want all", got)
	}
	if got, want := mustPortsX(m.Matrix().Ports(web, db)), simulate.NewPortSet(simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: 443, End: 443}); !got.Equal(want) {
		t.Errorf("after a first egress rule: web → db on %v, want %v", got, want)
	}
}

// propAddPolicyLocal: adding a policy P never changes the traffic from a to
// b when P selects neither a for egress nor b for ingress (see lawSelects;
// an address outside the cluster is selected by nothing). Selection is
// computed from the raw objects, and Model.Selecting must agree with it.
func propAddPolicyLocal(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	np := fuzz.NetworkPolicy(lawNamespaces(c)).Draw(t, "new policy")
	np.Name = "law-added" // no generated policy has this name
	after := lawClone(c)
	after.NetworkPolicies = append(after.NetworkPolicies, np)

	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	addrs := lawOutside(t, 1, after)
	pts := portPoints(after)
	m1, m2 := compile(t, c, ipb), compile(t, after, ipb)
	mx1, mx2 := m1.Matrix(), m2.Matrix()

	selected := map[endpoint][2]bool{} // pod → selected for ingress, for egress
	for i := range after.Pods {
		p := &after.Pods[i]
		sel := [2]bool{lawSelects(&np, p, networkingv1.PolicyTypeIngress), lawSelects(&np, p, networkingv1.PolicyTypeEgress)}
		selected[podEnd(simulate.PodID{Namespace: p.Namespace, Name: p.Name})] = sel
		in, eg, err := m2.Selecting(simulate.PodID{Namespace: p.Namespace, Name: p.Name})
		if err != nil {
			t.Fatalf("Selecting(%s/%s): %v", p.Namespace, p.Name, err)
		}
		for d, list := range [2][]string{lawPolicyIDs(in), lawPolicyIDs(eg)} {
			if got := slices.Contains(list, np.Namespace+"/"+np.Name); got != sel[d] {
				t.Fatalf("Selecting(%s/%s) lists %v for %s; %s/%s selects it: %v\n%s",
					p.Namespace, p.Name, list, []string{"ingress", "egress"}[d], np.Namespace, np.Name, sel[d], describe(after))
			}
		}
	}
	for _, pair := range lawPairs(m1, addrs) {
		from, to := pair[0], pair[1]
		if selected[from][1] || selected[to][0] {
			continue
		}
		if p1, p2 := lawPorts(t, m1, mx1, from, to, pts), lawPorts(t, m2, mx2, from, to, pts); !p1.Equal(p2) {
			t.Fatalf("IPBlockMatchesPods(%v): adding %s/%s, which selects neither %v for egress nor %v for ingress, changed their traffic: %v, then %v\nbefore: %s\nafter: %s",
				ipb, np.Namespace, np.Name, from, to, p1, p2, describe(c), describe(after))
		}
	}
}

// lawPolicyIDs returns the "namespace/name" of each policy.
func lawPolicyIDs(ps []*policy.Policy) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.Namespace + "/" + p.Name
	}
	return ids
}

func TestAddPolicyLocal(t *testing.T) { rapid.Check(t, propAddPolicyLocal) }

func FuzzAddPolicyLocal(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propAddPolicyLocal)) }

// lonelyPod makes a pod that no policy of c selects, in namespace
// "law-lonely" where c has no policy, with an address that no generated pod
// has (10.0.1.255, inside several generated ipBlocks).
func lonelyPod(t *rapid.T) corev1.Pod {
	p := fuzz.Pod([]string{"law-lonely"}).Draw(t, "lonely pod")
	if !p.Spec.HostNetwork {
		p.Status.PodIP = "10.0.1.255"
		p.Status.PodIPs = []corev1.PodIP{{IP: "10.0.1.255"}}
	}
	return p
}

// propUnselectedPod: let p be a pod that no policy selects, for either
// direction (no policy of its namespace has a podSelector matching its
// labels, or it is hostNetwork). Its own side then never denies, so for
// every other pod q and every (protocol, port) point:
//
//   - p → q is allowed iff q's ingress alone admits p (or p is a
//     hostNetwork pod on q's node: node traffic is exempt): the oracle's
//     judgement of q's ingress side (oracleSideAllows, which is "not
//     isolated, or some rule of a policy isolating q matches p and the
//     port at q");
//   - q → p is allowed iff q's egress alone admits p, judged likewise with
//     the port resolved at p;
//
// and p reaches, and is reached from, every address outside the cluster on
// every port. The engine must also report no selecting policy for p. When
// the generated cluster has no such pod, one is added in a namespace
// without policies.
func propUnselectedPod(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	unselected := func() []int {
		var out []int
		for i := range c.Pods {
			if !slices.ContainsFunc(c.NetworkPolicies, func(np networkingv1.NetworkPolicy) bool {
				return lawSelects(&np, &c.Pods[i], networkingv1.PolicyTypeIngress) || lawSelects(&np, &c.Pods[i], networkingv1.PolicyTypeEgress)
			}) {
				out = append(out, i)
			}
		}
		return out
	}
	candidates := unselected()
	if len(candidates) == 0 {
		c.Pods = append(c.Pods, lonelyPod(t))
		candidates = unselected()
	}
	pod := &c.Pods[rapid.SampledFrom(candidates).Draw(t, "unselected pod")]
	pid := simulate.PodID{Namespace: pod.Namespace, Name: pod.Name}

	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	m := compile(t, c, ipb)
	mx := m.Matrix()
	if in, eg, err := m.Selecting(pid); err != nil || len(in)+len(eg) > 0 {
		t.Fatalf("Selecting(%v) = %v, %v, %v; no policy selects it\n%s", pid, lawPolicyIDs(in), lawPolicyIDs(eg), err, describe(c))
	}
	pts := portPoints(c)
	for i := range c.Pods {
		q := &c.Pods[i]
		if q == pod {
			continue
		}
		qid := simulate.PodID{Namespace: q.Namespace, Name: q.Name}
		out, in := mustPortsX(mx.Ports(pid, qid)), mustPortsX(mx.Ports(qid, pid))
		for _, proto := range protocols {
			for _, port := range pts {
				want := oracleSideAllows(c, ipb, networkingv1.PolicyTypeIngress, q, pod, netip.Addr{}, q, proto, port) ||
					oracleExempt(c, defaultOracleOpts(ipb), pod, q, netip.Addr{})
				if got := out.Contains(proto, port); got != want {
					t.Fatalf("IPBlockMatchesPods(%v): unselected %v → %v on %s/%d: matrix says %v, %v's ingress alone says %v (ports %v)\n%s",
						ipb, pid, qid, proto, port, got, qid, want, out, describe(c))
				}
				want = oracleSideAllows(c, ipb, networkingv1.PolicyTypeEgress, q, pod, netip.Addr{}, pod, proto, port) ||
					oracleExempt(c, defaultOracleOpts(ipb), q, pod, netip.Addr{})
				if got := in.Contains(proto, port); got != want {
					t.Fatalf("IPBlockMatchesPods(%v): %v → unselected %v on %s/%d: matrix says %v, %v's egress alone says %v (ports %v)\n%s",
						ipb, qid, pid, proto, port, got, qid, want, in, describe(c))
				}
			}
		}
	}
	for _, x := range lawOutside(t, 1, c) {
		for _, proto := range protocols {
			all := simulate.PortSpec{Protocol: proto, Start: 1, End: 65535}
			if v := check(t, m, simulate.Pod(pid.Namespace, pid.Name), simulate.IP(x), all); !v.Allowed {
				t.Fatalf("IPBlockMatchesPods(%v): unselected %v → %v on %v denied: %v\n%s", ipb, pid, x, all, v, describe(c))
			}
			if v := check(t, m, simulate.IP(x), simulate.Pod(pid.Namespace, pid.Name), all); !v.Allowed {
				t.Fatalf("IPBlockMatchesPods(%v): %v → unselected %v on %v denied: %v\n%s", ipb, x, pid, all, v, describe(c))
			}
		}
	}
}

func TestUnselectedPod(t *testing.T) { rapid.Check(t, propUnselectedPod) }

func FuzzUnselectedPod(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propUnselectedPod)) }

// propDefaultDenyAll: add to a namespace n of cluster c the policy
//
//	{podSelector: {}, policyTypes: [Ingress, Egress]}   (no rules)
//
// giving c'. For every connection a → b (pods, and pods to and from
// addresses outside the cluster; a ≠ b) and every (protocol, port) point:
//
//	allowed in c'  ⇔  a → b is exempt from policy (a node to its own pod), or
//	                  allowed in c
//	                  ∧ (a is not a pod of n, or is hostNetwork, or some rule of a policy of c selecting a for egress allows b on the port)
//	                  ∧ (b is not a pod of n, or is hostNetwork, or some rule of a policy of c selecting b for ingress allows a on the port)
//
// ("allowed in c" is the engine's answer on c; the explicit allowances are
// computed from the raw objects, see lawExplicit).
func propDefaultDenyAll(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	n := rapid.SampledFrom(lawNamespaces(c)).Draw(t, "namespace")
	deny := networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Namespace: n, Name: "law-deny-all"},
		Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
	after := lawClone(c)
	after.NetworkPolicies = append(after.NetworkPolicies, deny)

	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	addrs := lawOutside(t, 1, c)
	pts := portPoints(c)
	m1, m2 := compile(t, c, ipb), compile(t, after, ipb)
	mx1, mx2 := m1.Matrix(), m2.Matrix()
	denied := func(p *corev1.Pod) bool { return p != nil && p.Namespace == n && !p.Spec.HostNetwork }
	for _, pair := range lawPairs(m1, addrs) {
		from, to := pair[0], pair[1]
		if from == to {
			continue
		}
		fromPod, toPod := oracleResolve(c, from), oracleResolve(c, to)
		p1, p2 := lawPorts(t, m1, mx1, from, to, pts), lawPorts(t, m2, mx2, from, to, pts)
		for _, proto := range protocols {
			for _, port := range pts {
				egressOK := !denied(fromPod) || lawExplicit(c, ipb, networkingv1.PolicyTypeEgress, fromPod, toPod, to.addr, toPod, proto, port)
				ingressOK := !denied(toPod) || lawExplicit(c, ipb, networkingv1.PolicyTypeIngress, toPod, fromPod, from.addr, toPod, proto, port)
				before := p1.Contains(proto, port)
				exempt := oracleExempt(c, defaultOracleOpts(ipb), fromPod, toPod, from.addr)
				if got, want := p2.Contains(proto, port), exempt || before && egressOK && ingressOK; got != want {
					t.Fatalf("IPBlockMatchesPods(%v): after a deny-all in %s, %v → %v on %s/%d: engine says %v, want %v (before %v, egress explicitly allowed %v, ingress explicitly allowed %v)\nbefore: %s",
						ipb, n, from, to, proto, port, got, want, before, egressOK, ingressOK, describe(c))
				}
			}
		}
	}
}

func TestDefaultDenyAll(t *testing.T) { rapid.Check(t, propDefaultDenyAll) }

func FuzzDefaultDenyAll(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propDefaultDenyAll)) }

// propCompileDeterministic: two compiles of the same cluster list the same pods and policies, give the same ports for
// every ordered pair of pods, the same Matrix.All, the same truth tables
// and the same verdicts to and from addresses outside the cluster; and
// Compile leaves its input as it was.
func propCompileDeterministic(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	orig := lawClone(c)
	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	m1, m2 := compile(t, c, ipb), compile(t, c, ipb)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Compile changed its input\nbefore: %s\nafter: %s", describe(orig), describe(c))
	}
	if p1, p2 := m1.Pods(), m2.Pods(); !slices.Equal(p1, p2) {
		t.Fatalf("Pods: %v, then %v\n%s", p1, p2, describe(c))
	}
	if p1, p2 := lawPolicyIDs(m1.Policies()), lawPolicyIDs(m2.Policies()); !slices.Equal(p1, p2) {
		t.Fatalf("Policies: %v, then %v\n%s", p1, p2, describe(c))
	}
	mx1, mx2 := m1.Matrix(), m2.Matrix()
	addrs := lawOutside(t, 1, c)
	pts := portPoints(c)
	for _, pair := range lawPairs(m1, addrs) {
		from, to := pair[0], pair[1]
		if p1, p2 := lawPorts(t, m1, mx1, from, to, pts), lawPorts(t, m2, mx2, from, to, pts); !p1.Equal(p2) {
			t.Fatalf("IPBlockMatchesPods(%v): %v → %v: %v, then %v\n%s", ipb, from, to, p1, p2, describe(c))
		}
	}
	all1, all2 := slices.Collect(mx1.All()), slices.Collect(mx2.All())
	if !slices.EqualFunc(all1, all2, func(a, b simulate.Pair) bool { return a.From == b.From && a.To == b.To && a.Ports.Equal(b.Ports) }) {
		t.Fatalf("Matrix.All: %v, then %v\n%s", all1, all2, describe(c))
	}
	port := simulate.PortSpec{Protocol: rapid.SampledFrom(protocols).Draw(t, "truth table protocol")}
	port.Start = rapid.SampledFrom(pts).Draw(t, "truth table port")
	port.End = port.Start
	t1, err1 := mx1.TruthTable(port)
	t2, err2 := mx2.TruthTable(port)
	if err1 != nil || err2 != nil || t1 != t2 {
		t.Fatalf("TruthTable(%v): %q (%v), then %q (%v)\n%s", port, t1, err1, t2, err2, describe(c))
	}
}

func TestCompileDeterministic(t *testing.T) { rapid.Check(t, propCompileDeterministic) }

func FuzzCompileDeterministic(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propCompileDeterministic)) }
