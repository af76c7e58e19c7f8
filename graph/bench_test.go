package graph_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// tiers returns n pods in ten namespaces, in four tiers that each admit
// only the tier before them (the first admits 0.0.0.0/0 on 443), grouped
// ten pods to a Deployment.
func tiers(n int) simulate.Cluster {
	var c simulate.Cluster
	names := []string{"web", "api", "db", "cache"}
	for i := range n {
		ns := fmt.Sprintf("ns%d", i%10)
		tier := names[i%4]
		p := mkPod(ns, fmt.Sprintf("%s-%d", tier, i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), app(tier), tcp(443), tcp(8080), tcp(5432))
		c.Pods = append(c.Pods, owned(p, "Deployment", fmt.Sprintf("%s-%d", tier, i/40)))
	}
	for i := range 10 {
		ns := fmt.Sprintf("ns%d", i)
		c.NetworkPolicies = append(c.NetworkPolicies,
			ingress(ns, "deny", ""),
			ingress(ns, "web", "web", fromCIDR("0.0.0.0/0", []string{"10.0.0.0/8"}, port(443))),
			ingress(ns, "api", "api", from([]string{"web"}, port(8080))),
			ingress(ns, "db", "db", from([]string{"api"}, port(5432))),
			ingress(ns, "cache", "cache", from([]string{"api", "db"}, port(6379))))
	}
	return c
}

func BenchmarkNew(b *testing.B) {
	for _, n := range []int{100, 1000} {
		m := compile(b, tiers(n))
		for _, c := range []struct {
			name string
			opts []graph.Option
		}{
			{"pods", nil},
			{"pods+outside", []graph.Option{graph.Outside()}},
			{"workloads", []graph.Option{graph.ByWorkload()}},
		} {
			b.Run(fmt.Sprintf("%s/pods=%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					build(b, m, c.opts...)
				}
			})
		}
	}
}

// BenchmarkAllPaths counts the simple paths of at most 3 hops between two
// pods of a namespace without policies, where every pod reaches every other.
func BenchmarkAllPaths(b *testing.B) {
	for _, n := range []int{10, 30} {
		var pods []corev1.Pod
		for i := range n {
			pods = append(pods, mkPod("ns", fmt.Sprintf("p%02d", i), fmt.Sprintf("10.0.0.%d", i+1), nil))
		}
		g := build(b, compile(b, simulate.Cluster{Pods: pods}))
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			for b.Loop() {
				graph.AllPaths(g, g.Node(0), g.Node(1), 3)
			}
		})
	}
}

func BenchmarkReach(b *testing.B) {
	g := build(b, compile(b, tiers(1000)), graph.Outside())
	for b.Loop() {
		graph.Reach(g, g.Outside(), -1)
	}
}
