package simulate_test

import (
	"fmt"
	"testing"

	"github.com/netpolsim/netpolsim/internal/scale"
	"github.com/netpolsim/netpolsim/simulate"
)

func scaleCluster(o scale.Objects) simulate.Cluster {
	return simulate.Cluster{Namespaces: o.Namespaces, Nodes: o.Nodes, Pods: o.Pods, Services: o.Services, NetworkPolicies: o.NetworkPolicies}
}

// BenchmarkViews times the model's views on generated clusters (package
// scale): the 500-workload cluster of a medium team and, without -short,
// Kubernetes' limit of 150,000 pods with 300,000 policies. Each view is
// iterated to the end; "pairs" is the size of its output.
func BenchmarkViews(b *testing.B) {
	sizes := []struct{ pods, policies int }{{1000, 700}, {150000, 300000}}
	for _, size := range sizes {
		if size.pods > 1000 && testing.Short() {
			continue
		}
		o := scale.Generate(size.pods, size.policies)
		c, changed := scaleCluster(o), scaleCluster(scale.ChangePolicies(o))
		name := fmt.Sprintf("pods=%d/policies=%d", size.pods, size.policies)
		m, err := simulate.Compile(c)
		if err != nil {
			b.Fatal(err)
		}
		m2, err := simulate.Compile(changed)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/Compile", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := simulate.Compile(c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(m.Classes())), "classes")
		})
		count := func(b *testing.B, f func() int) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = f()
			}
			b.ReportMetric(float64(n), "pairs")
		}
		b.Run(name+"/ClassPairs", func(b *testing.B) {
			count(b, func() (n int) {
				for range m.ClassPairs() {
					n++
				}
				return n
			})
		})
		b.Run(name+"/WorkloadPairs", func(b *testing.B) {
			count(b, func() (n int) {
				for range m.WorkloadPairs(simulate.AnyMember) {
					n++
				}
				return n
			})
		})
		b.Run(name+"/MatrixAll", func(b *testing.B) {
			count(b, func() (n int) {
				for range m.Matrix().All() {
					n++
				}
				return n
			})
		})
		b.Run(name+"/Diff", func(b *testing.B) {
			count(b, func() int {
				d := simulate.Diff(m, m2)
				return len(d.Added) + len(d.Removed) + len(d.Changed)
			})
		})
	}
}
