package simulate_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
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

// BenchmarkTiered compares Compile of a generated cluster with and without
// ClusterNetworkPolicies (scale.WithClusterPolicies) and times Check on the
// tiered model: pod to pod (the two-bit path) and pod to an address outside
// the cluster (the path over the selecting policies' rules). Without -short
// it adds Kubernetes' limit of 150,000 pods with 300,000 NetworkPolicies
// and 1,000 ClusterNetworkPolicies; run that once (-benchtime 1x): it
// compiles the cluster four times.
func BenchmarkTiered(b *testing.B) {
	sizes := []struct{ pods, policies, cluster int }{{1000, 700, 100}, {150000, 300000, 1000}}
	for _, size := range sizes {
		if size.pods > 1000 && testing.Short() {
			continue
		}
		o := scale.Generate(size.pods, size.policies)
		plain, tiered := scaleCluster(o), scaleCluster(o)
		tiered.ClusterNetworkPolicies = scale.WithClusterPolicies(o, size.cluster).ClusterNetworkPolicies
		name := fmt.Sprintf("pods=%d/policies=%d/cluster=%d", size.pods, size.policies, size.cluster)
		compile := func(c simulate.Cluster) func(b *testing.B) {
			return func(b *testing.B) {
				b.ReportAllocs()
				var m *simulate.Model
				cpu0 := simulate.ProcessCPU()
				for b.Loop() {
					var err error
					if m, err = simulate.Compile(c); err != nil {
						b.Fatal(err)
					}
				}
				// CPU time of the process (every core, the collector too)
				// per Compile: on a loaded machine it varies less than the
				// wall-clock time.
				b.ReportMetric((simulate.ProcessCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(len(m.Classes())), "classes")
			}
		}
		b.Run(name+"/CompileWithout", compile(plain))
		b.Run(name+"/CompileWith", compile(tiered))
		m, err := simulate.Compile(tiered)
		if err != nil {
			b.Fatal(err)
		}
		pods := m.Pods()
		r := rand.New(rand.NewPCG(2, 3))
		type q struct{ from, to simulate.Endpoint }
		podPairs, outside := make([]q, 1024), make([]q, 1024)
		for i := range podPairs {
			a, z := pods[r.IntN(len(pods))], pods[r.IntN(len(pods))]
			podPairs[i] = q{simulate.Pod(a.Namespace, a.Name), simulate.Pod(z.Namespace, z.Name)}
			addr := netip.AddrFrom4([4]byte{203, 0, byte(r.IntN(256)), byte(r.IntN(256))})
			outside[i] = q{simulate.Pod(a.Namespace, a.Name), simulate.IP(addr)}
		}
		check := func(qs []q, port simulate.PortSpec) func(b *testing.B) {
			return func(b *testing.B) {
				b.ReportAllocs()
				i, allowed := 0, 0
				for b.Loop() {
					x := qs[i&1023]
					v, err := m.Check(x.from, x.to, port)
					if err != nil {
						b.Fatal(err)
					}
					if v.Allowed {
						allowed++
					}
					i++
				}
				b.ReportMetric(float64(allowed)/float64(i), "allowed")
			}
		}
		b.Run(name+"/CheckPodToPod", check(podPairs, simulate.TCP(9100)))
		b.Run(name+"/CheckPodToOutside", check(outside, simulate.TCP(443)))
	}
}
