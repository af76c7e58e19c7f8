package simulate_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// withWorkloads gives some pods of c a controller (one of a few names per
// kind) and puts some on nodes, some of those on the host network, so that
// workloads span classes and node traffic exempts some pairs.
func withWorkloads(t *rapid.T, c simulate.Cluster) simulate.Cluster {
	pods := slices.Clone(c.Pods)
	for i := range pods {
		p := pods[i].DeepCopy()
		if rapid.Bool().Draw(t, "owned") {
			kind := rapid.SampledFrom([]string{"Deployment", "StatefulSet", "DaemonSet"}).Draw(t, "kind")
			name := rapid.SampledFrom([]string{"web", "db"}).Draw(t, "controller")
			yes := true
			p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, UID: "u", Controller: &yes}}
		}
		p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2"}).Draw(t, "node")
		p.Spec.HostNetwork = p.Spec.HostNetwork || p.Spec.NodeName != "" && rapid.IntRange(0, 3).Draw(t, "host") == 0
		pods[i] = *p
	}
	c.Pods = pods
	return c
}

// propWorkloadViewMatchesPods: the workload matrix, computed over classes,
// equals the union (AnyMember) and the intersection (EveryMember) of the
// pod matrix over each pair of workloads' distinct member pods.
func propWorkloadViewMatchesPods(t *rapid.T) {
	c := withWorkloads(t, fuzz.Cluster().Draw(t, "cluster"))
	opts := []simulate.Option{simulate.NodeTraffic(rapid.Bool().Draw(t, "nodeTraffic"))}
	m, err := simulate.Compile(c, opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	mx := m.Matrix()
	ws := m.Workloads()
	total := 0
	for _, w := range ws {
		total += len(w.Pods)
		for _, p := range w.Pods {
			if got, err := m.WorkloadOfPod(p); err != nil || got != w.ID {
				t.Fatalf("WorkloadOfPod(%v) = %q, %v; want %q", p, got, err, w.ID)
			}
		}
	}
	if total != len(m.Pods()) {
		t.Fatalf("workloads hold %d pods, the model %d", total, len(m.Pods()))
	}
	for _, agg := range []simulate.Aggregate{simulate.AnyMember, simulate.EveryMember} {
		listed := map[[2]string]simulate.PortSet{}
		for p := range m.WorkloadPairs(agg) {
			listed[[2]string{p.From, p.To}] = p.Ports
		}
		for _, a := range ws {
			for _, b := range ws {
				var want simulate.PortSet
				pairs := 0
				for _, p := range a.Pods {
					for _, q := range b.Pods {
						if p == q {
							continue
						}
						ports := mustPortsX(mx.Ports(p, q))
						switch {
						case agg == simulate.AnyMember:
							want = want.Union(ports)
						case pairs == 0:
							want = ports
						default:
							want = want.Intersect(ports)
						}
						pairs++
					}
				}
				got, err := m.WorkloadPorts(a.ID, b.ID, agg)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(want) {
					t.Fatalf("%s: %s → %s: WorkloadPorts %v, pods say %v", agg, a.ID, b.ID, got, want)
				}
				l, ok := listed[[2]string{a.ID, b.ID}]
				if a.ID == b.ID {
					if ok {
						t.Fatalf("%s: WorkloadPairs lists %s with itself", agg, a.ID)
					}
					continue
				}
				if ok != !want.IsEmpty() || ok && !l.Equal(want) {
					t.Fatalf("%s: %s → %s: WorkloadPairs %v (listed %v), pods say %v", agg, a.ID, b.ID, l, ok, want)
				}
			}
		}
	}
}

func TestWorkloadViewMatchesPods(t *testing.T) {
	rapid.Check(t, propWorkloadViewMatchesPods)
}

func FuzzWorkloadViewMatchesPods(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propWorkloadViewMatchesPods))
}

func TestWorkloadOf(t *testing.T) {
	yes := true
	pod := func(kind, name string, labels map[string]string) *corev1.Pod {
		p := &corev1.Pod{}
		p.Labels = labels
		if kind != "" {
			p.OwnerReferences = []metav1.OwnerReference{{Kind: kind, Name: name, Controller: &yes}}
		}
		return p
	}
	for _, tc := range []struct {
		pod        *corev1.Pod
		kind, name string
		ok         bool
	}{
		{pod("", "", nil), "", "", false},
		{&corev1.Pod{ObjectMeta: metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{{Kind: "ConfigMap", Name: "c"}}}}, "", "", false},
		{&corev1.Pod{ObjectMeta: metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{
			{Kind: "ConfigMap", Name: "c"}, {Kind: "StatefulSet", Name: "db", Controller: &yes},
		}}}, "StatefulSet", "db", true},
		{pod("StatefulSet", "db", nil), "StatefulSet", "db", true},
		{pod("ReplicaSet", "web-5d9f8", map[string]string{"pod-template-hash": "5d9f8"}), "Deployment", "web", true},
		{pod("ReplicaSet", "web", nil), "ReplicaSet", "web", true},
		{pod("ReplicaSet", "web-abc", map[string]string{"pod-template-hash": "xyz"}), "ReplicaSet", "web-abc", true},
	} {
		kind, name, ok := simulate.WorkloadOf(tc.pod)
		if kind != tc.kind || name != tc.name || ok != tc.ok {
			t.Errorf("WorkloadOf(%v) = %q, %q, %v; want %q, %q, %v", tc.pod.OwnerReferences, kind, name, ok, tc.kind, tc.name, tc.ok)
		}
	}
}
