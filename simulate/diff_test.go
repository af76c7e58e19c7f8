package simulate_test

// Tests of Diff: a hand-made change with every kind of difference, the port
// arithmetic of Change, and a property over generated clusters and their
// mutations: the delta lists exactly the (pair, port) cells where the two
// allow matrices differ.

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

func diffPod(ns, name, app string, ports ...int32) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": app}}}
	c := corev1.Container{Name: "main"}
	for _, n := range ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: n})
	}
	p.Spec.Containers = []corev1.Container{c}
	return p
}

// diffIngress is a policy of namespace shop that selects the pods of app
// subject (all pods for "") and lets in the pods of the apps from (a nil
// from: no rule at all) on the given TCP ports (none: every port).
func diffIngress(name, subject string, from []string, ports ...int32) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}}
	if subject != "" {
		np.Spec.PodSelector.MatchLabels = map[string]string{"app": subject}
	}
	if from == nil {
		return np
	}
	rule := networkingv1.NetworkPolicyIngressRule{}
	for _, app := range from {
		rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}})
	}
	for _, n := range ports {
		port := intstr.FromInt32(n)
		rule.Ports = append(rule.Ports, networkingv1.NetworkPolicyPort{Port: &port})
	}
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{rule}
	return np
}

// diffBefore and diffAfter are one change to a small shop: the frontend
// may now reach the db, the api's callback to the frontend is gone, the api
// serves the frontend on 9100 instead of 9090, pod old-0 was replaced by
// new-0, and ops/monitor-0 (never isolated) stays as it was.
func diffBefore() simulate.Cluster {
	return simulate.Cluster{
		Pods: []corev1.Pod{
			diffPod("shop", "frontend-0", "frontend", 8080), diffPod("shop", "frontend-1", "frontend", 8080),
			diffPod("shop", "api-0", "api", 9090, 9100), diffPod("shop", "db-0", "db", 5432),
			diffPod("shop", "old-0", "old"), diffPod("ops", "monitor-0", "monitor"),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			diffIngress("default-deny", "", nil),
			diffIngress("api", "api", []string{"frontend"}, 9090),
			diffIngress("db", "db", []string{"api"}, 5432),
			diffIngress("frontend", "frontend", []string{"api"}, 8080),
			diffIngress("old", "old", []string{"frontend"}),
		},
	}
}

func diffAfter() simulate.Cluster {
	return simulate.Cluster{
		Pods: []corev1.Pod{
			diffPod("shop", "frontend-0", "frontend", 8080), diffPod("shop", "frontend-1", "frontend", 8080),
			diffPod("shop", "api-0", "api", 9090, 9100), diffPod("shop", "db-0", "db", 5432),
			diffPod("shop", "new-0", "new"), diffPod("ops", "monitor-0", "monitor"),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			diffIngress("default-deny", "", nil),
			diffIngress("api", "api", []string{"frontend"}, 9100),
			diffIngress("db", "db", []string{"api", "frontend"}, 5432),
			diffIngress("new", "new", []string{"frontend"}),
		},
	}
}

func diffCompile(t testing.TB, c simulate.Cluster, opts ...simulate.Option) *simulate.Model {
	t.Helper()
	m, err := simulate.Compile(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// deltaView is a Delta with its port sets as strings, for cmp.
type deltaView struct {
	Added, Removed, Changed []string
	RemovedPods, AddedPods  []string
}

func viewDelta(d *simulate.Delta) deltaView {
	var v deltaView
	for _, p := range d.Added {
		v.Added = append(v.Added, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
	}
	for _, p := range d.Removed {
		v.Removed = append(v.Removed, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
	}
	for _, c := range d.Changed {
		v.Changed = append(v.Changed, fmt.Sprintf("%s → %s: %s → %s, gained %s, lost %s", c.From, c.To, c.Before, c.After, c.Gained(), c.Lost()))
	}
	for _, p := range d.RemovedPods {
		v.RemovedPods = append(v.RemovedPods, p.String())
	}
	for _, p := range d.AddedPods {
		v.AddedPods = append(v.AddedPods, p.String())
	}
	return v
}

func TestDiff(t *testing.T) {
	a, b := diffCompile(t, diffBefore()), diffCompile(t, diffAfter())
	want := deltaView{
		// Both frontends: pods of one class are expanded pair by pair.
		Added: []string{
			"shop/frontend-0 → shop/db-0: TCP/5432",
			"shop/frontend-1 → shop/db-0: TCP/5432",
		},
		Removed: []string{
			"shop/api-0 → shop/frontend-0: TCP/8080",
			"shop/api-0 → shop/frontend-1: TCP/8080",
		},
		Changed: []string{
			"shop/frontend-0 → shop/api-0: TCP/9090 → TCP/9100, gained TCP/9100, lost TCP/9090",
			"shop/frontend-1 → shop/api-0: TCP/9090 → TCP/9100, gained TCP/9100, lost TCP/9090",
		},
		// frontend → old-0 (every port before) and frontend → new-0 (every
		// port after) are not listed as removed and added.
		RemovedPods: []string{"shop/old-0"},
		AddedPods:   []string{"shop/new-0"},
	}
	d := simulate.Diff(a, b)
	if diff := cmp.Diff(want, viewDelta(d)); diff != "" {
		t.Errorf("Diff(before, after) (-want +got):\n%s", diff)
	}
	if d.Empty() {
		t.Error("Empty() = true for a delta with differences")
	}
	wantString := `pods removed:
  shop/old-0
pods added:
  shop/new-0
connections added:
  shop/frontend-0 → shop/db-0: TCP/5432
  shop/frontend-1 → shop/db-0: TCP/5432
connections removed:
  shop/api-0 → shop/frontend-0: TCP/8080
  shop/api-0 → shop/frontend-1: TCP/8080
connections changed:
  shop/frontend-0 → shop/api-0: TCP/9090 → TCP/9100 (gained TCP/9100; lost TCP/9090)
  shop/frontend-1 → shop/api-0: TCP/9090 → TCP/9100 (gained TCP/9100; lost TCP/9090)
connections of added pods:
  shop/frontend-0 → shop/new-0: all
  shop/frontend-1 → shop/new-0: all
  shop/new-0 → ops/monitor-0: all`
	if diff := cmp.Diff(wantString, d.String()); diff != "" {
		t.Errorf("String() (-want +got):\n%s", diff)
	}

	// The other way round, added and removed swap places.
	back := viewDelta(simulate.Diff(b, a))
	wantBack := deltaView{
		Added:   want.Removed,
		Removed: []string{"shop/frontend-0 → shop/db-0: TCP/5432", "shop/frontend-1 → shop/db-0: TCP/5432"},
		Changed: []string{
			"shop/frontend-0 → shop/api-0: TCP/9100 → TCP/9090, gained TCP/9090, lost TCP/9100",
			"shop/frontend-1 → shop/api-0: TCP/9100 → TCP/9090, gained TCP/9090, lost TCP/9100",
		},
		RemovedPods: []string{"shop/new-0"},
		AddedPods:   []string{"shop/old-0"},
	}
	if diff := cmp.Diff(wantBack, back); diff != "" {
		t.Errorf("Diff(after, before) (-want +got):\n%s", diff)
	}
}

func TestDiffEmpty(t *testing.T) {
	a := diffCompile(t, diffBefore())
	for _, c := range []struct {
		name string
		b    *simulate.Model
	}{
		{"same model", a},
		{"recompiled", diffCompile(t, diffBefore())},
		// Traffic of a pod to itself is not compared.
		{"self traffic denied", diffCompile(t, diffBefore(), simulate.SelfTraffic(false))},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := simulate.Diff(a, c.b)
			if !d.Empty() {
				t.Errorf("Diff is not empty:\n%s", d)
			}
			if got := d.String(); got != "no differences" {
				t.Errorf("String() = %q, want %q", got, "no differences")
			}
		})
	}
	if !(&simulate.Delta{}).Empty() {
		t.Error("the zero Delta is not empty")
	}
	empty := diffCompile(t, simulate.Cluster{})
	d := simulate.Diff(empty, a)
	if len(d.Added)+len(d.Removed)+len(d.Changed) != 0 || len(d.AddedPods) != 6 || len(d.RemovedPods) != 0 {
		t.Errorf("Diff(empty, a) = %+v, want only the 6 pods of a as added pods", viewDelta(d))
	}
}

func TestChangeGainedLost(t *testing.T) {
	tcp := func(lo, hi int32) simulate.PortRange {
		return simulate.PortRange{Protocol: corev1.ProtocolTCP, Start: lo, End: hi}
	}
	udp := func(lo, hi int32) simulate.PortRange {
		return simulate.PortRange{Protocol: corev1.ProtocolUDP, Start: lo, End: hi}
	}
	sctp := func(lo, hi int32) simulate.PortRange {
		return simulate.PortRange{Protocol: corev1.ProtocolSCTP, Start: lo, End: hi}
	}
	set := simulate.NewPortSet
	for _, c := range []struct {
		before, after simulate.PortSet
		gained, lost  string
		summary       string
	}{
		{set(), set(), "none", "none", ""},
		{set(tcp(80, 80)), set(tcp(80, 80)), "none", "none", ""},
		{set(), set(tcp(80, 80), udp(53, 53)), "TCP/80,UDP/53", "none", "gained TCP/80,UDP/53"},
		{set(tcp(53, 53), udp(53, 53)), set(udp(53, 53)), "none", "TCP/53", "lost TCP/53"},
		{set(tcp(9090, 9090)), set(tcp(9100, 9100)), "TCP/9100", "TCP/9090", "gained TCP/9100; lost TCP/9090"},
		// A hole punched in the middle, at the edges and across protocols.
		{simulate.AllPorts(), set(tcp(1, 79), tcp(81, 65535), udp(1, 65535), sctp(1, 65535)), "none", "TCP/80", "lost TCP/80"},
		{set(tcp(1, 100)), set(tcp(1, 1), tcp(100, 100)), "none", "TCP/2-99", "lost TCP/2-99"},
		{set(tcp(10, 20), tcp(30, 40)), set(tcp(15, 35)), "TCP/21-29", "TCP/10-14,TCP/36-40", "gained TCP/21-29; lost TCP/10-14,TCP/36-40"},
		{set(tcp(1, 65535)), set(udp(1, 65535)), "UDP/1-65535", "TCP/1-65535", "gained UDP/1-65535; lost TCP/1-65535"},
		{set(tcp(5, 5), udp(5, 5), sctp(5, 5)), set(tcp(1, 10), sctp(5, 6)), "TCP/1-4,TCP/6-10,SCTP/6", "UDP/5", "gained TCP/1-4,TCP/6-10,SCTP/6; lost UDP/5"},
		{set(udp(1, 10)), set(tcp(1, 10), sctp(1, 10)), "TCP/1-10,SCTP/1-10", "UDP/1-10", "gained TCP/1-10,SCTP/1-10; lost UDP/1-10"},
		{set(tcp(65535, 65535)), set(tcp(1, 65534)), "TCP/1-65534", "TCP/65535", "gained TCP/1-65534; lost TCP/65535"},
	} {
		ch := simulate.Change{Before: c.before, After: c.after}
		if got := ch.Gained().String(); got != c.gained {
			t.Errorf("%s → %s: Gained() = %s, want %s", c.before, c.after, got, c.gained)
		}
		if got := ch.Lost().String(); got != c.lost {
			t.Errorf("%s → %s: Lost() = %s, want %s", c.before, c.after, got, c.lost)
		}
		if got := ch.Summary(); got != c.summary {
			t.Errorf("%s → %s: Summary() = %q, want %q", c.before, c.after, got, c.summary)
		}
	}
}

// boundaries returns the ports worth probing for sets: the first and last
// port, and every range edge with its outer neighbours. Between two
// consecutive probes no set's membership changes.
func boundaries(sets ...simulate.PortSet) map[corev1.Protocol][]int32 {
	out := map[corev1.Protocol][]int32{}
	for _, p := range simulate.Protocols() {
		out[p] = []int32{1, 65535}
	}
	for _, s := range sets {
		for _, r := range s.Ranges() {
			for _, n := range []int32{r.Start - 1, r.Start, r.End, r.End + 1} {
				if n >= 1 && n <= 65535 {
					out[r.Protocol] = append(out[r.Protocol], n)
				}
			}
		}
	}
	for p := range out {
		slices.Sort(out[p])
		out[p] = slices.Compact(out[p])
	}
	return out
}

// differs reports whether before and after disagree on some port.
func differs(before, after simulate.PortSet) bool {
	for proto, ports := range boundaries(before, after) {
		for _, n := range ports {
			if before.Contains(proto, n) != after.Contains(proto, n) {
				return true
			}
		}
	}
	return false
}

// checkDelta checks d against the two matrices cell by cell.
func checkDelta(t *rapid.T, a, b *simulate.Model, d *simulate.Delta) {
	inA, inB := map[simulate.PodID]bool{}, map[simulate.PodID]bool{}
	for _, p := range a.Pods() {
		inA[p] = true
	}
	// NewPairs: every pair of b with a pod only in b, from the matrix.
	var wantNew []string
	mb := b.Matrix()
	for _, p := range b.Pods() {
		for _, q := range b.Pods() {
			if p != q && (!inA[p] || !inA[q]) {
				if ports := mustPortsX(mb.Ports(p, q)); !ports.IsEmpty() {
					wantNew = append(wantNew, fmt.Sprintf("%s → %s: %s", p, q, ports))
				}
			}
		}
	}
	var gotNew []string
	for _, p := range d.NewPairs {
		gotNew = append(gotNew, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
	}
	if !slices.Equal(wantNew, gotNew) {
		t.Fatalf("NewPairs (-naive +got):\n%s", cmp.Diff(wantNew, gotNew))
	}
	// Exposure: the inbound ports of each pod of b, by Model.Exposure.
	exposed := func(m *simulate.Model) map[simulate.PodID]simulate.PortSet {
		out := map[simulate.PodID]simulate.PortSet{}
		for _, x := range m.Exposure() {
			for _, r := range x.Inbound {
				if !r.Sources.IsEmpty() {
					out[x.Pod] = out[x.Pod].Union(r.PodPorts)
				}
			}
		}
		return out
	}
	ea, eb := exposed(a), exposed(b)
	var wantExp, gotExp []string
	for _, p := range b.Pods() {
		if !ea[p].Equal(eb[p]) {
			wantExp = append(wantExp, fmt.Sprintf("%s: %s → %s", p, ea[p], eb[p]))
		}
	}
	for _, x := range d.Exposure {
		gotExp = append(gotExp, fmt.Sprintf("%s: %s → %s", x.ID, x.Before, x.After))
	}
	if !slices.Equal(wantExp, gotExp) {
		t.Fatalf("Exposure (-naive +got):\n%s", cmp.Diff(wantExp, gotExp))
	}
	var shared, wantAdded []simulate.PodID
	for _, p := range b.Pods() {
		inB[p] = true
		if inA[p] {
			shared = append(shared, p)
		} else {
			wantAdded = append(wantAdded, p)
		}
	}
	var wantRemoved []simulate.PodID
	for _, p := range a.Pods() {
		if !inB[p] {
			wantRemoved = append(wantRemoved, p)
		}
	}
	if !slices.Equal(d.RemovedPods, wantRemoved) || !slices.Equal(d.AddedPods, wantAdded) {
		t.Fatalf("pods removed %v, added %v; want %v and %v", d.RemovedPods, d.AddedPods, wantRemoved, wantAdded)
	}

	type entry struct {
		kind          string
		before, after simulate.PortSet
	}
	got := map[[2]simulate.PodID]entry{}
	var order [][2]simulate.PodID
	add := func(kind string, from, to simulate.PodID, before, after simulate.PortSet) {
		key := [2]simulate.PodID{from, to}
		if prev, dup := got[key]; dup {
			t.Fatalf("%s → %s listed twice: %s and %s", from, to, prev.kind, kind)
		}
		if from == to || !inA[from] || !inA[to] || !inB[from] || !inB[to] {
			t.Fatalf("%s %s → %s: not a pair of distinct pods of both models", kind, from, to)
		}
		got[key] = entry{kind, before, after}
		order = append(order, key)
	}
	less := func(x, y [2]simulate.PodID) bool {
		for i := range 2 {
			if x[i] != y[i] {
				return x[i].Namespace < y[i].Namespace || (x[i].Namespace == y[i].Namespace && x[i].Name < y[i].Name)
			}
		}
		return false
	}
	for _, list := range []struct {
		kind  string
		pairs []simulate.Pair
	}{{"added", d.Added}, {"removed", d.Removed}} {
		order = order[:0]
		for _, p := range list.pairs {
			if list.kind == "added" {
				add("added", p.From, p.To, simulate.PortSet{}, p.Ports)
			} else {
				add("removed", p.From, p.To, p.Ports, simulate.PortSet{})
			}
		}
		for i := 1; i < len(order); i++ {
			if !less(order[i-1], order[i]) {
				t.Fatalf("%s is not sorted: %v before %v", list.kind, order[i-1], order[i])
			}
		}
	}
	order = order[:0]
	for _, c := range d.Changed {
		if c.Before.IsEmpty() || c.After.IsEmpty() {
			t.Fatalf("changed %s → %s: %s → %s: an empty side belongs in added or removed", c.From, c.To, c.Before, c.After)
		}
		add("changed", c.From, c.To, c.Before, c.After)
	}
	for i := 1; i < len(order); i++ {
		if !less(order[i-1], order[i]) {
			t.Fatalf("changed is not sorted: %v before %v", order[i-1], order[i])
		}
	}

	ma, mb := a.Matrix(), b.Matrix()
	for _, from := range shared {
		for _, to := range shared {
			if from == to {
				continue
			}
			before, after := mustPortsX(ma.Ports(from, to)), mustPortsX(mb.Ports(from, to))
			e, listed := got[[2]simulate.PodID{from, to}]
			if !differs(before, after) {
				if listed {
					t.Fatalf("%s → %s: listed as %s, but both matrices allow %s", from, to, e.kind, before)
				}
				continue
			}
			if !listed {
				t.Fatalf("%s → %s: %s before, %s after, but not listed", from, to, before, after)
			}
			if differs(e.before, before) || differs(e.after, after) {
				t.Fatalf("%s → %s: listed as %s %s → %s, but the matrices say %s → %s", from, to, e.kind, e.before, e.after, before, after)
			}
			// Every differing cell is gained or lost, and no other cell is.
			ch := simulate.Change{Before: e.before, After: e.after}
			gained, lost := ch.Gained(), ch.Lost()
			for proto, ports := range boundaries(before, after, gained, lost) {
				for _, n := range ports {
					was, is := before.Contains(proto, n), after.Contains(proto, n)
					if gained.Contains(proto, n) != (is && !was) || lost.Contains(proto, n) != (was && !is) {
						t.Fatalf("%s → %s on %s/%d: before %v, after %v, but gained %s and lost %s", from, to, proto, n, was, is, gained, lost)
					}
				}
			}
		}
	}
}

// mutate returns a copy of c with one to three changes that keep it valid:
// a policy dropped or added, a pod relabelled, dropped or added. The
// objects of c are not changed.
func mutate(t *rapid.T, c simulate.Cluster) simulate.Cluster {
	c.Pods = slices.Clone(c.Pods)
	c.NetworkPolicies = slices.Clone(c.NetworkPolicies)
	namespaces := []string{}
	for _, ns := range c.Namespaces {
		namespaces = append(namespaces, ns.Name)
	}
	for _, p := range c.Pods {
		namespaces = append(namespaces, p.Namespace)
	}
	slices.Sort(namespaces)
	namespaces = slices.Compact(namespaces)
	if len(namespaces) == 0 {
		namespaces = []string{"default"}
	}
	n := rapid.IntRange(1, 3).Draw(t, "mutations")
	for i := range n {
		switch rapid.SampledFrom([]string{"drop policy", "add policy", "relabel pod", "drop pod", "add pod", "move pod"}).Draw(t, "mutation") {
		case "move pod":
			// Another node, on or off the host network: node traffic
			// changes.
			if len(c.Pods) > 0 {
				k := rapid.IntRange(0, len(c.Pods)-1).Draw(t, "pod")
				p := c.Pods[k].DeepCopy()
				p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2"}).Draw(t, "node")
				if !p.Spec.HostNetwork && p.Spec.NodeName != "" && rapid.Bool().Draw(t, "to host") {
					p.Spec.HostNetwork = true
				}
				c.Pods[k] = *p
			}
		case "drop policy":
			if len(c.NetworkPolicies) > 0 {
				k := rapid.IntRange(0, len(c.NetworkPolicies)-1).Draw(t, "policy")
				c.NetworkPolicies = slices.Delete(c.NetworkPolicies, k, k+1)
			}
		case "add policy":
			np := fuzz.NetworkPolicy(namespaces).Draw(t, "new policy")
			np.Name = fmt.Sprintf("mutant-%d", i)
			c.NetworkPolicies = append(c.NetworkPolicies, np)
		case "relabel pod":
			if len(c.Pods) > 0 {
				k := rapid.IntRange(0, len(c.Pods)-1).Draw(t, "pod")
				p := c.Pods[k].DeepCopy()
				p.Labels = fuzz.Labels().Draw(t, "labels")
				c.Pods[k] = *p
			}
		case "drop pod":
			if len(c.Pods) > 0 {
				k := rapid.IntRange(0, len(c.Pods)-1).Draw(t, "pod")
				c.Pods = slices.Delete(c.Pods, k, k+1)
			}
		case "add pod":
			p := fuzz.Pod(namespaces).Draw(t, "new pod")
			p.Name = fmt.Sprintf("mutant-%d", i)
			p.Status.PodIP, p.Status.PodIPs = "", nil // no address clash
			c.Pods = append(c.Pods, p)
		}
	}
	return c
}

// diffKinds counts, over a run of the property, the deltas that had each
// kind of difference, to show that the mutations exercise them all.
var diffKinds = map[string]int{}

func propDiff(t *rapid.T) {
	ca := withWorkloads(t, fuzz.Cluster().Draw(t, "a"))
	cb := mutate(t, ca)
	a, err := simulate.Compile(ca)
	if err != nil {
		t.Fatalf("compile a: %v", err)
	}
	b, err := simulate.Compile(cb)
	if err != nil {
		t.Fatalf("compile b (a mutated): %v", err)
	}
	if d := simulate.Diff(a, a); !d.Empty() {
		t.Fatalf("Diff(a, a) is not empty:\n%s", d)
	}
	// The package function, or the Snapshot of the first model.
	diff := func(x, y *simulate.Model, label string) *simulate.Delta {
		if rapid.Bool().Draw(t, label+" through a Snapshot") {
			return x.Snapshot().Diff(y)
		}
		return simulate.Diff(x, y)
	}
	d := diff(a, b, "Diff(a, b)")
	checkDelta(t, a, b, d)
	back := diff(b, a, "Diff(b, a)")
	checkDelta(t, b, a, back)
	if len(back.Added) != len(d.Removed) || len(back.Removed) != len(d.Added) || len(back.Changed) != len(d.Changed) {
		t.Fatalf("Diff(b, a) does not mirror Diff(a, b):\n%s\n---\n%s", back, d)
	}
	for kind, n := range map[string]int{"added": len(d.Added), "removed": len(d.Removed), "changed": len(d.Changed), "pods removed": len(d.RemovedPods), "pods added": len(d.AddedPods)} {
		if n > 0 {
			diffKinds[kind]++
		}
	}
}

// TestDiffProperty runs the property and checks that the mutations reach
// every kind of difference. A kind is rare in some runs (a changed pair
// needs ports allowed both before and after), so the property runs again,
// up to four more times, while a kind is missing: a miss in all five runs
// means the mutations are too weak, not bad luck.
func TestDiffProperty(t *testing.T) {
	clear(diffKinds)
	kinds := []string{"added", "removed", "changed", "pods removed", "pods added"}
	missing := func() []string {
		var out []string
		for _, kind := range kinds {
			if diffKinds[kind] == 0 {
				out = append(out, kind)
			}
		}
		return out
	}
	rapid.Check(t, propDiff)
	for round := 0; round < 4 && len(missing()) > 0 && !t.Failed(); round++ {
		rapid.Check(t, propDiff)
	}
	for _, kind := range missing() {
		t.Errorf("no generated delta had %s in five runs; the mutations are too weak", kind)
	}
	t.Logf("deltas with each kind of difference: %v", diffKinds)
}

func FuzzDiff(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propDiff)) }

// diffBenchCluster is n pods in workloads of ten, each workload isolated
// for ingress and open on one port to the next workload; with moved, every
// tenth workload opens the next port instead.
func diffBenchCluster(n int, moved bool) simulate.Cluster {
	var c simulate.Cluster
	apps := max(1, n/10)
	for i := range n {
		app := fmt.Sprintf("app-%d", i%apps)
		c.Pods = append(c.Pods, diffPod("shop", fmt.Sprintf("%s-%d", app, i/apps), app, int32(1000+i%apps)))
	}
	for i := range apps {
		port := int32(1000 + i)
		if moved && i%10 == 0 {
			port++
		}
		c.NetworkPolicies = append(c.NetworkPolicies, diffIngress(fmt.Sprintf("app-%d", i), fmt.Sprintf("app-%d", i), []string{fmt.Sprintf("app-%d", (i+1)%apps)}, port))
	}
	return c
}

func BenchmarkDiff(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		before := diffCompile(b, diffBenchCluster(n, false))
		after := diffCompile(b, diffBenchCluster(n, true))
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			var d *simulate.Delta
			for b.Loop() {
				d = simulate.Diff(before, after)
			}
			b.ReportMetric(float64(len(d.Added)+len(d.Removed)+len(d.Changed)), "pairs")
		})
	}
}

// TestDiffNewPairsNodeTraffic: a hostNetwork pod added on a node reaches
// the pods of that node on every port (node traffic), whatever policies
// say, and NewPairs lists it so; the pods of the node do not reach it back
// beyond what the policies allow.
func TestDiffNewPairsNodeTraffic(t *testing.T) {
	pod := func(name, node, ip string, host bool) corev1.Pod {
		p := corev1.Pod{}
		p.Namespace, p.Name = "shop", name
		p.Labels = map[string]string{"app": name}
		p.Spec.NodeName, p.Spec.HostNetwork = node, host
		p.Spec.Containers = []corev1.Container{{Name: "c", Image: "i"}}
		p.Status.PodIP = ip
		return p
	}
	deny := networkingv1.NetworkPolicy{}
	deny.Namespace, deny.Name = "shop", "deny"
	deny.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	before := simulate.Cluster{Pods: []corev1.Pod{pod("web", "n1", "10.0.0.1", false)}, NetworkPolicies: []networkingv1.NetworkPolicy{deny}}
	after := before
	after.Pods = append(slices.Clone(before.Pods), pod("agent", "n1", "192.168.0.1", true))
	a, err := simulate.Compile(before)
	if err != nil {
		t.Fatal(err)
	}
	b, err := simulate.Compile(after)
	if err != nil {
		t.Fatal(err)
	}
	d := simulate.Diff(a, b)
	var got []string
	for _, p := range d.NewPairs {
		got = append(got, fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports))
	}
	// agent is not isolated (hostNetwork pods are no policy subjects), so
	// web's egress deny is what stops web → agent.
	want := []string{"shop/agent → shop/web: all"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewPairs (-want +got):\n%s", diff)
	}
}
