package simulate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// benchCluster builds a cluster shaped like a large real one: about ten pods
// per namespace in workloads of one to twelve replicas, two policies per pod
// of which a quarter are default-deny policies with no rules, most others
// selecting one workload and opening one port to one or two peers, and a few
// peers that select a third of all pods across namespaces.
func benchCluster(pods, policies int) Cluster {
	r := rand.New(rand.NewPCG(1, uint64(pods)))
	nsCount := max(1, pods/10)
	c := Cluster{}
	tiers := []string{"web", "api", "db"}
	for i := range nsCount {
		c.Namespaces = append(c.Namespaces, mkNs(fmt.Sprintf("ns-%d", i), map[string]string{"team": fmt.Sprintf("team-%d", i%50), "env": []string{"prod", "dev"}[i%2]}))
	}
	type workload struct {
		ns, app string
		port    int32
	}
	var workloads []workload
	for p := 0; p < pods; {
		ns := fmt.Sprintf("ns-%d", r.IntN(nsCount))
		w := workload{ns: ns, app: fmt.Sprintf("app-%d", len(workloads)), port: int32(1000 + r.IntN(9000))}
		workloads = append(workloads, w)
		replicas := 1 + r.IntN(12)
		tier := tiers[r.IntN(3)]
		for j := 0; j < replicas && p < pods; j++ {
			labels := map[string]string{"app": w.app, "tier": tier, "pod-template-hash": fmt.Sprintf("h%d", len(workloads)), "statefulset.kubernetes.io/pod-name": fmt.Sprintf("%s-%d", w.app, j)}
			ip := fmt.Sprintf("10.%d.%d.%d", p>>16&255, p>>8&255, p&255)
			c.Pods = append(c.Pods, mkPod(ns, fmt.Sprintf("%s-%d", w.app, j), ip, labels, cport("http", corev1.ProtocolTCP, w.port), cport("metrics", corev1.ProtocolTCP, 9100)))
			p++
		}
	}
	for i := 0; i < policies; i++ {
		w := workloads[r.IntN(len(workloads))]
		name := fmt.Sprintf("pol-%d", i)
		switch k := r.IntN(20); {
		case k < 5: // default deny, no rules
			c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(w.ns, name, nil, nil))
		case k < 15: // one workload opens one port to a workload of its namespace
			peer := workloads[r.IntN(len(workloads))]
			c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(w.ns, name, map[string]string{"app": w.app}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": peer.app})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(w.port))},
				}}
			}))
		case k < 17: // a tier across namespaces of one team, on a named port
			c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(w.ns, name, map[string]string{"app": w.app}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{{
						NamespaceSelector: sel(map[string]string{"team": fmt.Sprintf("team-%d", r.IntN(50))}),
						PodSelector:       sel(map[string]string{"tier": tiers[r.IntN(3)]}),
					}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromString("http"))},
				}}
			}))
		case k < 19: // monitoring: a third of all pods, everywhere, on metrics
			c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(w.ns, name, nil, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: sel(map[string]string{"tier": "web"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(9100))},
				}}
			}))
		default: // egress: DNS and an external range
			c.NetworkPolicies = append(c.NetworkPolicies, mkPolicy(w.ns, name, map[string]string{"app": w.app}, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
				s.Egress = []networkingv1.NetworkPolicyEgressRule{
					{To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: sel(map[string]string{corev1.LabelMetadataName: "ns-0"})}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolUDP, intstr.FromInt32(53))}},
					{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}}, Ports: []networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolTCP, intstr.FromInt32(443))}},
				}
			}))
		}
	}
	return c
}

var benchSizes = []struct{ pods, policies int }{{1000, 2000}, {10000, 20000}, {50000, 100000}}

// BenchmarkCompileLimits compiles a cluster at Kubernetes' own limit of
// 150,000 pods (with 15,000 namespaces and 300,000 policies, more than the
// limits ask). It takes tens of seconds per run, so -short skips it.
func BenchmarkCompileLimits(b *testing.B) {
	if testing.Short() {
		b.Skip("150k pods: run without -short")
	}
	benchCompile(b, benchCluster(150000, 300000))
}

// benchCompile times Compile of c and reports the model's classes,
// interned sets and live heap.
func benchCompile(b *testing.B, c Cluster) {
	b.ReportAllocs()
	var m *Model
	cpu0 := ProcessCPU()
	for b.Loop() {
		var err error
		if m, err = Compile(c); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// CPU time of the process (every core, the collector too) per Compile:
	// on a loaded machine it varies less than the wall-clock time.
	b.ReportMetric((ProcessCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(m.classes)), "classes")
	b.ReportMetric(float64(len(m.sets)), "sets")
	m = nil // let modelBytes see only the model it compiles
	b.ReportMetric(float64(modelBytes(c))/(1<<20), "model-MiB")
}

func BenchmarkCompile(b *testing.B) {
	for _, size := range benchSizes {
		c := benchCluster(size.pods, size.policies)
		b.Run(fmt.Sprintf("pods=%d/policies=%d", size.pods, size.policies), func(b *testing.B) { benchCompile(b, c) })
	}
}

// modelBytes measures the live heap a compiled model of c holds.
func modelBytes(c Cluster) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, _ := Compile(c)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	runtime.KeepAlive(c) // the model keeps only parts of c: count none of c
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

func BenchmarkCheck(b *testing.B) {
	for _, size := range benchSizes {
		c := benchCluster(size.pods, size.policies)
		m, err := Compile(c)
		if err != nil {
			b.Fatal(err)
		}
		pods := m.Pods()
		r := rand.New(rand.NewPCG(2, 3))
		type q struct{ from, to Endpoint }
		qs := make([]q, 1024)
		for i := range qs {
			a, z := pods[r.IntN(len(pods))], pods[r.IntN(len(pods))]
			qs[i] = q{Pod(a.Namespace, a.Name), Pod(z.Namespace, z.Name)}
		}
		b.Run(fmt.Sprintf("pods=%d/policies=%d", size.pods, size.policies), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				x := qs[i&1023]
				if _, err := m.Check(x.from, x.to, TCP(5432)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
