package simulate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// bruteWorkloadMatrix is the workload matrix of m added up over every pair
// of distinct member pods of the pod matrix, the naive way.
func bruteWorkloadMatrix(m *simulate.Model, agg simulate.Aggregate) map[[2]string]simulate.PortSet {
	mx := m.Matrix()
	out := map[[2]string]simulate.PortSet{}
	ws := m.Workloads()
	for _, a := range ws {
		for _, b := range ws {
			if a.ID == b.ID {
				continue
			}
			var ports simulate.PortSet
			for i, p := range a.Pods {
				for j, q := range b.Pods {
					switch {
					case agg == simulate.AnyMember:
						ports = ports.Union(mustPortsX(mx.Ports(p, q)))
					case i == 0 && j == 0:
						ports = mustPortsX(mx.Ports(p, q))
					default:
						ports = ports.Intersect(mustPortsX(mx.Ports(p, q)))
					}
				}
			}
			if !ports.IsEmpty() {
				out[[2]string{a.ID, b.ID}] = ports
			}
		}
	}
	return out
}

// propDiffWorkloads: DiffWorkloads is the difference of the two workload
// matrices computed naively over pods, on a cluster and a variant of it
// with some pods and policies gone.
func propDiffWorkloads(t *rapid.T) {
	ca := withWorkloads(t, fuzz.Cluster().Draw(t, "cluster"))
	cb := ca
	cb.Pods = nil
	for i, p := range ca.Pods {
		if rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("drop pod %d", i)) > 0 {
			cb.Pods = append(cb.Pods, p)
		}
	}
	cb.NetworkPolicies = nil
	for i, np := range ca.NetworkPolicies {
		if rapid.Bool().Draw(t, fmt.Sprintf("keep policy %d", i)) {
			cb.NetworkPolicies = append(cb.NetworkPolicies, np)
		}
	}
	if rapid.Bool().Draw(t, "swap") {
		ca, cb = cb, ca
	}
	a, err := simulate.Compile(ca)
	if err != nil {
		t.Fatal(err)
	}
	b, err := simulate.Compile(cb, simulate.NodeTraffic(rapid.Bool().Draw(t, "nodeTraffic in b")))
	if err != nil {
		t.Fatal(err)
	}
	agg := rapid.SampledFrom([]simulate.Aggregate{simulate.AnyMember, simulate.EveryMember}).Draw(t, "aggregate")
	got := simulate.DiffWorkloads(a, b, agg)
	if rapid.Bool().Draw(t, "through a Snapshot") {
		got = a.Snapshot().DiffWorkloads(b, agg)
	}

	ids := func(m *simulate.Model) map[string]bool {
		out := map[string]bool{}
		for _, w := range m.Workloads() {
			out[w.ID] = true
		}
		return out
	}
	inA, inB := ids(a), ids(b)
	want := &simulate.WorkloadDelta{}
	for _, w := range a.Workloads() {
		if inB[w.ID] {
			want.Shared++
		} else {
			want.RemovedWorkloads = append(want.RemovedWorkloads, w)
		}
	}
	for _, w := range b.Workloads() {
		if !inA[w.ID] {
			want.AddedWorkloads = append(want.AddedWorkloads, w)
		}
	}
	before, after := bruteWorkloadMatrix(a, agg), bruteWorkloadMatrix(b, agg)
	var keys [][2]string
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y [2]string) int {
		if x[0] != y[0] {
			return strings.Compare(x[0], y[0])
		}
		return strings.Compare(x[1], y[1])
	})
	for _, k := range keys {
		if !inA[k[0]] || !inA[k[1]] || !inB[k[0]] || !inB[k[1]] {
			continue
		}
		x, y := before[k], after[k]
		switch {
		case x.IsEmpty():
			want.Added = append(want.Added, simulate.WorkloadPair{From: k[0], To: k[1], Ports: y})
		case y.IsEmpty():
			want.Removed = append(want.Removed, simulate.WorkloadPair{From: k[0], To: k[1], Ports: x})
		case !x.Equal(y):
			want.Changed = append(want.Changed, simulate.WorkloadChange{From: k[0], To: k[1], Before: x, After: y})
		}
	}
	for _, k := range keys {
		if !inA[k[0]] || !inA[k[1]] {
			if y, ok := after[k]; ok {
				want.NewPairs = append(want.NewPairs, simulate.WorkloadPair{From: k[0], To: k[1], Ports: y})
			}
		}
	}
	exposed := func(m *simulate.Model) map[string]simulate.PortSet {
		of := map[simulate.PodID]string{}
		for _, w := range m.Workloads() {
			for _, p := range w.Pods {
				of[p] = w.ID
			}
		}
		out := map[string]simulate.PortSet{}
		for _, x := range m.Exposure() {
			for _, r := range x.Inbound {
				if !r.Sources.IsEmpty() {
					out[of[x.Pod]] = out[of[x.Pod]].Union(r.PodPorts)
				}
			}
		}
		return out
	}
	ea, eb := exposed(a), exposed(b)
	for _, w := range b.Workloads() {
		if !ea[w.ID].Equal(eb[w.ID]) {
			want.Exposure = append(want.Exposure, simulate.ExposureChange{ID: w.ID, Before: ea[w.ID], After: eb[w.ID]})
		}
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(x, y simulate.PortSet) bool { return x.Equal(y) })); diff != "" {
		t.Fatalf("DiffWorkloads (-naive +got):\n%s", diff)
	}
	if got.Empty() != (len(want.Added)+len(want.Removed)+len(want.Changed)+len(want.AddedWorkloads)+len(want.RemovedWorkloads)+len(want.Exposure) == 0) {
		t.Fatalf("Empty() = %t", got.Empty())
	}
}

func TestDiffWorkloads(t *testing.T) {
	rapid.Check(t, propDiffWorkloads)
}

func FuzzDiffWorkloads(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propDiffWorkloads))
}

func ExampleDiffWorkloads() {
	before, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	c := exampleCluster()
	c.NetworkPolicies = nil // the pull request drops the database's policy
	after, err := simulate.Compile(c)
	if err != nil {
		panic(err)
	}
	d := simulate.DiffWorkloads(before, after, simulate.EveryMember)
	for _, p := range d.Added {
		fmt.Printf("added %s → %s: %s\n", p.From, p.To, p.Ports)
	}
	for _, ch := range d.Changed {
		fmt.Printf("changed %s → %s: %s\n", ch.From, ch.To, ch.Summary())
	}
	fmt.Println(d.Shared, "workloads on both sides")
	// Output:
	// added shop/frontend-1 → shop/db-0: all
	// changed shop/api-1 → shop/db-0: gained TCP/1-5431,TCP/5433-65535,UDP/1-65535,SCTP/1-65535
	// 3 workloads on both sides
}
