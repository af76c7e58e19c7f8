package simulate_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/netpolsim/netpolsim/simulate"
)

// TestSnapshotHoldsNoModel checks what Snapshot is for: once the Snapshot
// is made, the model and its Cluster can be collected, and the Snapshot
// still gives the same deltas as the model did.
func TestSnapshotHoldsNoModel(t *testing.T) {
	c := exampleCluster()
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	changed := exampleCluster()
	changed.NetworkPolicies = nil
	after, err := simulate.Compile(changed)
	if err != nil {
		t.Fatal(err)
	}
	want, wantW := simulate.Diff(m, after), simulate.DiffWorkloads(m, after, simulate.EveryMember)
	if want.Empty() || wantW.Empty() {
		t.Fatal("the example change makes no difference; the test would prove nothing")
	}
	freed := make(chan string, 2)
	runtime.AddCleanup(m, func(what string) { freed <- what }, "the model")
	runtime.AddCleanup(&c.Pods[0], func(what string) { freed <- what }, "the Cluster's pods")
	base := m.Snapshot()
	m, c = nil, simulate.Cluster{}
	for got := 0; got < 2; {
		runtime.GC()
		select {
		case <-freed:
			got++
		case <-time.After(time.Second):
			t.Fatalf("the Snapshot keeps the model or its Cluster alive (%d of 2 collected)", got)
		}
	}
	if got := base.Diff(after); got.String() != want.String() {
		t.Errorf("Snapshot.Diff after the model is gone:\n%s\nwant:\n%s", got, want)
	}
	if got := base.DiffWorkloads(after, simulate.EveryMember); fmt.Sprint(got) != fmt.Sprint(wantW) {
		t.Errorf("Snapshot.DiffWorkloads after the model is gone:\n%v\nwant:\n%v", got, wantW)
	}
	if ws := base.Workloads(); len(ws) != 3 {
		t.Errorf("Snapshot.Workloads: %d workloads, want the example's 3", len(ws))
	}
}

// TestSnapshotWorkloadsFresh checks that the workloads a Snapshot returns,
// and those of its deltas, are the caller's to change.
func TestSnapshotWorkloadsFresh(t *testing.T) {
	m, empty := exampleAndEmpty(t)
	base := m.Snapshot()
	base.Workloads()[0].Pods[0].Name = "changed"
	base.DiffWorkloads(empty, simulate.AnyMember).RemovedWorkloads[0].Pods[0].Name = "changed"
	if got := base.Workloads()[0].Pods[0].Name; got == "changed" {
		t.Fatal("changing what Workloads or DiffWorkloads returned changed the Snapshot")
	}
}

// The Snapshot lets the model before a change go before the model after
// it is compiled, so that only one model is held at a time.
func ExampleSnapshot() {
	before, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	base := before.Snapshot()
	before = nil // the model can be collected now

	c := exampleCluster()
	c.NetworkPolicies = nil // the pull request drops the database's policy
	after, err := simulate.Compile(c)
	if err != nil {
		panic(err)
	}
	for _, p := range base.Diff(after).Added {
		fmt.Printf("added %s → %s: %s\n", p.From, p.To, p.Ports)
	}
	// Output:
	// added shop/frontend-1 → shop/db-0: all
}

// TestSnapshotZero checks the zero Snapshot against the Snapshot of a
// model without pods.
func TestSnapshotZero(t *testing.T) {
	m, empty := exampleAndEmpty(t)
	var zero simulate.Snapshot
	if got, want := zero.Diff(m).String(), simulate.Diff(empty, m).String(); got != want {
		t.Errorf("zero Snapshot's Diff:\n%s\nwant:\n%s", got, want)
	}
	for _, agg := range []simulate.Aggregate{simulate.AnyMember, simulate.EveryMember} {
		if got, want := fmt.Sprint(zero.DiffWorkloads(m, agg)), fmt.Sprint(simulate.DiffWorkloads(empty, m, agg)); got != want {
			t.Errorf("zero Snapshot's DiffWorkloads(%s):\n%s\nwant:\n%s", agg, got, want)
		}
	}
	if ws := zero.Workloads(); len(ws) != 0 {
		t.Errorf("zero Snapshot's Workloads: %v", ws)
	}
}

// exampleAndEmpty compiles the example cluster and a cluster without
// objects.
func exampleAndEmpty(t *testing.T) (example, empty *simulate.Model) {
	t.Helper()
	example, err := simulate.Compile(exampleCluster())
	if err != nil {
		t.Fatal(err)
	}
	if empty, err = simulate.Compile(simulate.Cluster{}); err != nil {
		t.Fatal(err)
	}
	return example, empty
}
