package simulate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Delta is the difference between the allow matrices of two models: what a
// change to a cluster's manifests does to who may reach whom, on which
// ports. Make one with [Diff].
//
// Pods are matched by namespace and name. A pod that is in only one of the
// models is listed in RemovedPods or AddedPods, and none of its pairs is
// listed as a connection added or removed: it has no counterpart to compare
// with, and listing every pair of a pod that a rollout renamed or a scale-up
// added would bury the changes between the pods that stayed. Ask the model
// itself ([Model.Matrix], [Model.Query]) what such a pod may do.
//
// A pod's traffic to itself is not compared, as [Matrix.All] does not list
// it. Every slice is sorted: pairs by From and then To, pods by namespace and
// then name. The zero Delta is empty.
type Delta struct {
	// Added holds the pairs with no port allowed in the first model and some
	// in the second; Ports are the second model's.
	Added []Pair
	// Removed holds the pairs with some port allowed in the first model and
	// none in the second; Ports are the first model's.
	Removed []Pair
	// Changed holds the pairs with ports allowed in both models, but not the
	// same ports.
	Changed []Change
	// RemovedPods are the pods only in the first model, AddedPods those only
	// in the second.
	RemovedPods, AddedPods []PodID
	// NewPairs holds the pairs of the second model with some port allowed
	// in which a pod of AddedPods takes part (as source or destination,
	// with pods old or new), so that a new pod's connections are known:
	// a new CronJob that may reach the database shows here. Ports are the
	// second model's; a pod's traffic to itself is left out.
	NewPairs []Pair
	// Exposure holds the pods of the second model whose exposure to
	// addresses outside the cluster differs from the first's (see
	// [ExposureChange]), by ID: a pod only in the second model is listed
	// when something outside may reach it; pods only in the first are not.
	Exposure []ExposureChange
}

// Change is a pair of pods whose allowed ports differ between two models.
type Change struct {
	From, To PodID
	// Before and After are the ports allowed in the first and the second
	// model.
	Before, After PortSet
}

// Gained returns the ports allowed after and not before.
func (c Change) Gained() PortSet { return c.After.Difference(c.Before) }

// Lost returns the ports allowed before and not after.
func (c Change) Lost() PortSet { return c.Before.Difference(c.After) }

// Summary says what c gained and lost: "gained TCP/9100", "lost TCP/53",
// "gained TCP/443; lost TCP/80".
func (c Change) Summary() string {
	var parts []string
	if g := c.Gained(); !g.IsEmpty() {
		parts = append(parts, "gained "+g.String())
	}
	if l := c.Lost(); !l.IsEmpty() {
		parts = append(parts, "lost "+l.String())
	}
	return strings.Join(parts, "; ")
}

// Diff compares the allow matrices of a (before) and b (after) over the pods
// they share, pair by pair, and lists the pods that only one of them has.
// The models may have been compiled with different options. It is
// a.Snapshot().Diff(b) without the workload parts of the Snapshot: to
// let a go before b is compiled, make the Snapshot first.
func Diff(a, b *Model) *Delta { return a.snapshot(false).Diff(b) }

// Diff compares the allow matrices of base's model (before) and after, as
// the package function [Diff] does.
//
// It works on the class view: shared pods are grouped by their pair of
// classes (class before, class after), and only the pairs of such groups
// that some class pair of either model allows anything between are
// compared, once each; pod pairs are expanded for the output only. Pairs
// that node traffic exempts (a hostNetwork pod to the pods of its node) in
// either model are compared pod by pod. It costs O(pods × log pods + class
// pairs with some port in either model × the groups sharing their classes
// + output × log output), plus what after's [Model.Exposure] costs, never
// O(pods²); see BenchmarkDiff.
func (base *Snapshot) Diff(after *Model) *Delta {
	b := after
	d := &Delta{}
	// A joint class is a pair (class before, class after) of shared pods.
	type shared struct{ ia, ib int32 }
	joints := map[[2]int32]int32{}
	var members [][]shared     // per joint class: its pods, in base's order
	byA := map[int32][]int32{} // class before → joint classes
	byB := map[int32][]int32{} // class after → joint classes
	var jointKey [][2]int32    // per joint class: its classes
	for ia := range base.pods {
		ib, ok := b.podByID[base.pods[ia].id]
		if !ok {
			d.RemovedPods = append(d.RemovedPods, base.pods[ia].id)
			continue
		}
		key := [2]int32{base.pods[ia].class, b.podClass[ib]}
		j, seen := joints[key]
		if !seen {
			j = int32(len(members))
			joints[key] = j
			members = append(members, nil)
			jointKey = append(jointKey, key)
			byA[key[0]] = append(byA[key[0]], j)
			byB[key[1]] = append(byB[key[1]], j)
		}
		members[j] = append(members[j], shared{int32(ia), ib})
	}
	for ib := range b.pods {
		if base.index(b.pods[ib].id) < 0 {
			d.AddedPods = append(d.AddedPods, b.pods[ib].id)
		}
	}

	// Candidate pairs of joint classes: those some class pair of either
	// model allows anything between.
	candidates := map[[2]int32]bool{}
	for cp := range base.pairs {
		for _, j1 := range byA[cp[0]] {
			for _, j2 := range byA[cp[1]] {
				candidates[[2]int32{j1, j2}] = true
			}
		}
	}
	for cp := range b.ClassPairs() {
		for _, j1 := range byB[int32(cp.From)] {
			for _, j2 := range byB[int32(cp.To)] {
				candidates[[2]int32{j1, j2}] = true
			}
		}
	}
	record := func(from, to shared, before, after PortSet) {
		f, t := base.pods[from.ia].id, base.pods[to.ia].id
		switch {
		case before.Equal(after):
		case before.IsEmpty():
			d.Added = append(d.Added, Pair{From: f, To: t, Ports: after})
		case after.IsEmpty():
			d.Removed = append(d.Removed, Pair{From: f, To: t, Ports: before})
		default:
			d.Changed = append(d.Changed, Change{From: f, To: t, Before: before, After: after})
		}
	}
	exempt := func(from, to shared) bool {
		return from.ia != to.ia && (base.exempt(from.ia, to.ia) || b.exempt(from.ib, to.ib))
	}
	// The pairs of joint classes whose ports differ, expanded twice: once
	// to count the pod pairs of each kind, so that each list is made once
	// at its size (at 150,000 pods, growing them made about three times
	// their size in garbage), then to fill them.
	type differing struct {
		from, to      int32 // joint classes
		before, after PortSet
	}
	var work []differing
	for jj := range candidates {
		from, to := jointKey[jj[0]], jointKey[jj[1]]
		before, after := base.classPorts(from[0], to[0]), b.classPorts(from[1], to[1])
		if !before.Equal(after) {
			work = append(work, differing{jj[0], jj[1], before, after})
		}
	}
	expand := func(w differing, each func(from, to shared)) {
		for _, from := range members[w.from] {
			for _, to := range members[w.to] {
				if from.ia != to.ia && !exempt(from, to) {
					each(from, to)
				}
			}
		}
	}
	var added, removed, changed int
	for _, w := range work {
		n := 0
		expand(w, func(shared, shared) { n++ })
		switch {
		case w.before.IsEmpty():
			added += n
		case w.after.IsEmpty():
			removed += n
		default:
			changed += n
		}
	}
	if added > 0 {
		d.Added = make([]Pair, 0, added)
	}
	if removed > 0 {
		d.Removed = make([]Pair, 0, removed)
	}
	if changed > 0 {
		d.Changed = make([]Change, 0, changed)
	}
	for _, w := range work {
		expand(w, func(from, to shared) { record(from, to, w.before, w.after) })
	}
	// Node traffic, pod by pod: every shared hostNetwork pod (in either
	// model) and the shared pods of its node in the model where it is a
	// hostNetwork pod (a pod of its node in the other model only is not
	// exempt in either).
	for _, pods := range members {
		for _, from := range pods {
			hostA, hostB := base.pods[from.ia].host, b.pods[from.ib].host
			if !hostA && !hostB {
				continue
			}
			seen := map[int32]bool{}
			consider := func(ta, tb int32) {
				to := shared{ta, tb}
				if ta < 0 || tb < 0 || seen[ta] || !exempt(from, to) {
					return
				}
				seen[ta] = true
				record(from, to, base.pairPorts(from.ia, ta), b.pairPorts(from.ib, tb))
			}
			if hostA {
				for _, ta := range base.byNode[base.pods[from.ia].node] {
					tb, ok := b.podByID[base.pods[ta].id]
					if !ok {
						tb = -1
					}
					consider(ta, tb)
				}
			}
			if hostB {
				for _, tb := range b.podsByNode[b.pods[from.ib].pod.Spec.NodeName] {
					consider(base.index(b.pods[tb].id), tb)
				}
			}
		}
	}
	// Pods are sorted by namespace and name in base, and members in
	// base's order.
	order := func(x, y PodID) int { return cmpID(x, y) }
	slices.SortFunc(d.Added, func(x, y Pair) int { return cmp.Or(order(x.From, y.From), order(x.To, y.To)) })
	slices.SortFunc(d.Removed, func(x, y Pair) int { return cmp.Or(order(x.From, y.From), order(x.To, y.To)) })
	slices.SortFunc(d.Changed, func(x, y Change) int { return cmp.Or(order(x.From, y.From), order(x.To, y.To)) })
	d.addNewPairs(b)
	d.addExposure(base, b)
	return d
}

// Empty reports whether d records no difference at all.
func (d *Delta) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 &&
		len(d.RemovedPods) == 0 && len(d.AddedPods) == 0 && len(d.Exposure) == 0
}

// String renders d one item a line, in sections that are left out when
// empty, or "no differences":
//
//	pods removed:
//	  shop/db-1
//	connections added:
//	  shop/frontend-0 → shop/db-0: TCP/5432
//	connections removed:
//	  shop/api-0 → shop/db-0: TCP/5432
//	connections changed:
//	  shop/api-0 → kube-system/coredns-0: TCP/53,UDP/53 → UDP/53 (lost TCP/53)
//	connections of added pods:
//	  shop/report-0 → shop/db-0: TCP/5432
//	exposure to outside the cluster changed:
//	  shop/web-0: none → TCP/8080
func (d *Delta) String() string {
	if d.Empty() {
		return "no differences"
	}
	var b strings.Builder
	section := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(title)
		b.WriteByte(':')
		for i := range n {
			b.WriteString("\n  ")
			b.WriteString(line(i))
		}
	}
	section("pods removed", len(d.RemovedPods), func(i int) string { return d.RemovedPods[i].String() })
	section("pods added", len(d.AddedPods), func(i int) string { return d.AddedPods[i].String() })
	section("connections added", len(d.Added), func(i int) string {
		p := d.Added[i]
		return fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports)
	})
	section("connections removed", len(d.Removed), func(i int) string {
		p := d.Removed[i]
		return fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports)
	})
	section("connections changed", len(d.Changed), func(i int) string {
		c := d.Changed[i]
		return fmt.Sprintf("%s → %s: %s → %s (%s)", c.From, c.To, c.Before, c.After, c.Summary())
	})
	section("connections of added pods", len(d.NewPairs), func(i int) string {
		p := d.NewPairs[i]
		return fmt.Sprintf("%s → %s: %s", p.From, p.To, p.Ports)
	})
	section("exposure to outside the cluster changed", len(d.Exposure), func(i int) string {
		x := d.Exposure[i]
		return fmt.Sprintf("%s: %s → %s", x.ID, x.Before, x.After)
	})
	return b.String()
}

// Difference returns the ports of s that are not in o.
func (s PortSet) Difference(o PortSet) PortSet {
	var out []PortRange
	j := 0
	for _, r := range s.ranges {
		// Skip the ranges of o that end before r starts, in (protocol, port)
		// order; o's ranges are sorted and disjoint, so they stay skipped for
		// the later ranges of s too.
		for j < len(o.ranges) && comparePortEnd(o.ranges[j], r.Protocol, r.Start) < 0 {
			j++
		}
		start := r.Start
		for k := j; k < len(o.ranges) && o.ranges[k].Protocol == r.Protocol && o.ranges[k].Start <= r.End; k++ {
			cut := o.ranges[k]
			if cut.Start > start {
				out = append(out, PortRange{r.Protocol, start, cut.Start - 1})
			}
			start = max(start, cut.End+1)
		}
		if start <= r.End {
			out = append(out, PortRange{r.Protocol, start, r.End})
		}
	}
	return PortSet{ranges: out}
}

// comparePortEnd compares the end of r with (proto, port) in the order of
// PortSet: protocol first, then port.
func comparePortEnd(r PortRange, proto corev1.Protocol, port int32) int {
	if c := protoIndex(r.Protocol) - protoIndex(proto); c != 0 {
		return c
	}
	return cmp.Compare(r.End, port)
}
