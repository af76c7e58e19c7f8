package graph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// TestRestrictNamedEveryNumber: a named port keeps every number the
// destination serves under the name, in any container, and for a workload
// the numbers of every member.
func TestRestrictNamedEveryNumber(t *testing.T) {
	multi := mkPod("ns", "multi", "10.0.0.1", app("multi"), named("http", 8080))
	multi.Spec.Containers = append(multi.Spec.Containers, corev1.Container{Name: "side", Ports: []corev1.ContainerPort{named("http", 9090)}})
	c := simulate.Cluster{Pods: []corev1.Pod{
		mkPod("ns", "client", "10.0.0.2", app("client")),
		multi,
		owned(mkPod("ns", "w-0", "10.0.0.3", app("w"), named("http", 7000)), "Deployment", "w"),
		owned(mkPod("ns", "w-1", "10.0.0.4", app("w"), named("http", 7001)), "Deployment", "w"),
	}}
	m := compile(t, c)
	http := simulate.PortSpec{Protocol: corev1.ProtocolTCP, Name: "http"}
	for _, tc := range []struct {
		name string
		opts []graph.Option
		want []string
	}{
		{"pods", nil, []string{
			"ns/client -(TCP/8080,TCP/9090)-> ns/multi",
			"ns/client -(TCP/7000)-> ns/w-0",
			"ns/client -(TCP/7001)-> ns/w-1",
		}},
		{"workloads", []graph.Option{graph.ByWorkload()}, []string{
			"ns/client -(TCP/8080,TCP/9090)-> ns/multi",
			"ns/client -(TCP/7000-7001)-> ns/w",
		}},
	} {
		r, err := graph.Restrict(build(t, m, tc.opts...), http)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range edges(r) {
			if e[:9] == "ns/client" {
				got = append(got, e)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: edges from ns/client (-want +got):\n%s", tc.name, diff)
		}
	}
}
