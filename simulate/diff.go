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
// The models may have been compiled with different options.
//
// Pods that neither model can tell apart have the same connections, so Diff
// compares the ports of each pair of such groups once. It costs
// O(shared pods²) table lookups plus one comparison per pair of groups, and
// memory in O(shared pods + the result); see BenchmarkDiff.
func Diff(a, b *Model) *Delta {
	d := &Delta{}
	// A shared pod is in both models: its index in each, and its joint
	// class, the pair (class in a, class in b). The ports between two
	// distinct pods in a model depend only on their classes, so two pairs of
	// pods with the same joint classes have the same before and after.
	type shared struct{ ia, ib, joint int32 }
	var pods []shared
	joints := map[[2]int32]int32{}
	for ia := range a.pods {
		ib, ok := b.podByID[a.pods[ia].id]
		if !ok {
			d.RemovedPods = append(d.RemovedPods, a.pods[ia].id)
			continue
		}
		key := [2]int32{a.podClass[ia], b.podClass[ib]}
		j, seen := joints[key]
		if !seen {
			j = int32(len(joints))
			joints[key] = j
		}
		pods = append(pods, shared{int32(ia), ib, j})
	}
	for ib := range b.pods {
		if _, ok := a.podByID[b.pods[ib].id]; !ok {
			d.AddedPods = append(d.AddedPods, b.pods[ib].id)
		}
	}

	// Take the sources joint class by joint class, so that one row of
	// results serves all the sources of a class: row[j] is 0 while the
	// destinations of joint class j are not compared yet, 1 when their ports
	// are the same in both models, or 2 + the index in cells of the ports.
	sources := slices.Clone(pods)
	slices.SortStableFunc(sources, func(x, y shared) int { return cmp.Compare(x.joint, y.joint) })
	type cell struct{ before, after PortSet }
	var cells []cell
	row := make([]int32, len(joints))
	for i, from := range sources {
		if i > 0 && from.joint != sources[i-1].joint {
			clear(row)
			cells = cells[:0]
		}
		for _, to := range pods {
			if from.ia == to.ia {
				continue
			}
			k := row[to.joint]
			if k == 0 {
				c := cell{a.pairPorts(from.ia, to.ia), b.pairPorts(from.ib, to.ib)}
				k = 1
				if !c.before.Equal(c.after) {
					k = int32(len(cells)) + 2
					cells = append(cells, c)
				}
				row[to.joint] = k
			}
			if k == 1 {
				continue
			}
			c := cells[k-2]
			f, t := a.pods[from.ia].id, a.pods[to.ia].id
			switch {
			case c.before.IsEmpty():
				d.Added = append(d.Added, Pair{From: f, To: t, Ports: c.after})
			case c.after.IsEmpty():
				d.Removed = append(d.Removed, Pair{From: f, To: t, Ports: c.before})
			default:
				d.Changed = append(d.Changed, Change{From: f, To: t, Before: c.before, After: c.after})
			}
		}
	}
	// Pods are sorted by namespace and name in a model, and within a joint
	// class sources and destinations come in that order: sort by source.
	bySource := func(x, y PodID) int { return cmp.Compare(a.podByID[x], a.podByID[y]) }
	slices.SortStableFunc(d.Added, func(x, y Pair) int { return bySource(x.From, y.From) })
	slices.SortStableFunc(d.Removed, func(x, y Pair) int { return bySource(x.From, y.From) })
	slices.SortStableFunc(d.Changed, func(x, y Change) int { return bySource(x.From, y.From) })
	return d
}

// Empty reports whether d records no difference at all.
func (d *Delta) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 &&
		len(d.RemovedPods) == 0 && len(d.AddedPods) == 0
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
