package simulate_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// propClassViewMatchesCheck: the class view is the pod view in classes.
// Every pod is in exactly one class; for every ordered pair of distinct pods
// whose source is not a hostNetwork pod on the destination's node, the
// ports of their classes (ClassPorts, and the pair's entry in ClassPairs)
// are exactly the ports Check allows; ClassPairs lists exactly the pairs with
// some port; Matrix.All lists exactly the pod pairs with some port, with
// Matrix.Ports as their ports.
func propClassViewMatchesCheck(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	pts := portPoints(c)
	for _, ipb := range []bool{true, false} {
		m := compile(t, c, ipb)
		classes := m.Classes()
		seen := map[simulate.PodID]simulate.ClassID{}
		for i, cl := range classes {
			if cl.ID != simulate.ClassID(i) || len(cl.Pods) == 0 {
				t.Fatalf("class %d: ID %d, %d pods", i, cl.ID, len(cl.Pods))
			}
			for _, p := range cl.Pods {
				if _, dup := seen[p]; dup {
					t.Fatalf("pod %v in two classes", p)
				}
				seen[p] = cl.ID
				if got, err := m.ClassOf(p); err != nil || got != cl.ID {
					t.Fatalf("ClassOf(%v) = %v, %v; want %v", p, got, err, cl.ID)
				}
				if p.Namespace != cl.Namespace {
					t.Fatalf("pod %v in class %d of namespace %s", p, cl.ID, cl.Namespace)
				}
			}
		}
		if len(seen) != len(m.Pods()) {
			t.Fatalf("classes hold %d pods, the model %d", len(seen), len(m.Pods()))
		}
		listed := map[[2]simulate.ClassID]simulate.PortSet{}
		var last *simulate.ClassPair
		for p := range m.ClassPairs() {
			if last != nil && (p.From < last.From || p.From == last.From && p.To <= last.To) {
				t.Fatalf("ClassPairs out of order: %v after %v", p, *last)
			}
			last = &p
			listed[[2]simulate.ClassID{p.From, p.To}] = p.Ports
		}
		for _, a := range classes {
			for _, b := range classes {
				want := m.ClassPorts(a.ID, b.ID)
				got, ok := listed[[2]simulate.ClassID{a.ID, b.ID}]
				multi := a.ID != b.ID || len(a.Pods) > 1
				if ok != (!want.IsEmpty() && multi) || ok && !got.Equal(want) {
					t.Fatalf("class %d → %d: ClassPairs has %v (listed %v), ClassPorts %v", a.ID, b.ID, got, ok, want)
				}
			}
		}
		host := map[simulate.PodID]string{}
		for _, p := range c.Pods {
			if p.Spec.HostNetwork {
				host[simulate.PodID{Namespace: p.Namespace, Name: p.Name}] = p.Spec.NodeName
			}
		}
		node := map[simulate.PodID]string{}
		for _, p := range c.Pods {
			node[simulate.PodID{Namespace: p.Namespace, Name: p.Name}] = p.Spec.NodeName
		}
		all := map[[2]simulate.PodID]simulate.PortSet{}
		for p := range m.Matrix().All() {
			all[[2]simulate.PodID{p.From, p.To}] = p.Ports
		}
		mx := m.Matrix()
		for _, a := range m.Pods() {
			for _, b := range m.Pods() {
				ports := mustPortsX(mx.Ports(a, b))
				got, ok := all[[2]simulate.PodID{a, b}]
				if a != b && (ok != !ports.IsEmpty() || ok && !got.Equal(ports)) {
					t.Fatalf("Matrix.All has %v → %v: %v (listed %v); Matrix.Ports %v", a, b, got, ok, ports)
				}
				if a == b {
					continue
				}
				if n, isHost := host[a]; isHost && n != "" && n == node[b] {
					continue // node traffic: a pod exemption, not a class fact
				}
				cp := m.ClassPorts(seen[a], seen[b])
				if !cp.Equal(ports) {
					t.Fatalf("%v → %v: ClassPorts %v, Matrix.Ports %v", a, b, cp, ports)
				}
				for _, proto := range protocols {
					for _, pt := range pts {
						v := check(t, m, simulate.Pod(a.Namespace, a.Name), simulate.Pod(b.Namespace, b.Name), simulate.PortSpec{Protocol: proto, Start: pt, End: pt})
						if cp.Contains(proto, pt) != v.Allowed {
							t.Fatalf("IPBlockMatchesPods(%v): %v → %v on %s/%d: class ports %v, Check: %v\n%s", ipb, a, b, proto, pt, cp, v, describe(c))
						}
					}
				}
			}
		}
	}
}

func TestClassViewMatchesCheck(t *testing.T) {
	rapid.Check(t, propClassViewMatchesCheck)
}

func FuzzClassViewMatchesCheck(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propClassViewMatchesCheck))
}

func TestClassPortsPanicsOnForeignID(t *testing.T) {
	m, err := simulate.Compile(simulate.Cluster{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("ClassPorts(0, 0) on a model without classes did not panic")
		}
	}()
	m.ClassPorts(0, 0)
}
