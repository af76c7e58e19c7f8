package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

var benchManifests = flag.String("bench-manifests", "", "with TestWriteBenchManifests: write the benchmark clusters' manifests to this directory")

// oneDeployment is a namespace with one Deployment of replicas pods and a
// policy that denies everything in and out: the matrix is empty.
func oneDeployment(replicas int) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata: {name: big}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: big}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: big}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`, replicas)
}

// teams is a cluster of 50 team namespaces, each with ten Deployments of
// two replicas (web, api, worker, db, cache tiers; 500 workloads, 1000
// pods) and fourteen policies (700): default deny, DNS egress, the web tier
// open to the internet, each tier open to the one before it on a port or a
// named port, api open to the api tier of every prod namespace, api egress
// to the next team's api, workers and batch jobs out to ipBlocks, and
// metrics scraped from a monitoring namespace.
func teams() string {
	var b strings.Builder
	doc := func(format string, args ...any) {
		fmt.Fprintf(&b, "---\n"+format, args...)
	}
	tiers := []struct{ name, tier, port string }{
		{"web-a", "web", "8080"}, {"web-b", "web", "8080"},
		{"api-a", "api", "8080"}, {"api-b", "api", "8080"}, {"api-c", "api", "8080"},
		{"worker-a", "worker", "8080"}, {"worker-b", "worker", "8080"},
		{"db-a", "db", "5432"}, {"cache-a", "cache", "6379"}, {"batch-a", "batch", "8080"},
	}
	for t := range 50 {
		ns := fmt.Sprintf("team-%02d", t)
		env := "prod"
		if t%3 == 2 {
			env = "staging"
		}
		doc("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s, labels: {team: %s, env: %s}}\n", ns, ns, env)
		for _, w := range tiers {
			doc(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %s, namespace: %s}
spec:
  replicas: 2
  selector: {matchLabels: {app: %s}}
  template:
    metadata: {labels: {app: %s, tier: %s, team: %s}}
    spec: {containers: [{name: main, image: img, ports: [{name: serve, containerPort: %s}, {name: metrics, containerPort: 9090}]}]}
`, w.name, ns, w.name, w.name, w.tier, ns, w.port)
		}
		next := fmt.Sprintf("team-%02d", (t+1)%50)
		policies := []string{
			`{name: default-deny}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`,
			`{name: allow-dns}, spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}]}`,
			`{name: web-from-internet}, spec: {podSelector: {matchLabels: {tier: web}}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: serve}]}]}`,
			`{name: web-to-api}, spec: {podSelector: {matchLabels: {tier: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {tier: api}}}], ports: [{port: 8080}]}]}`,
			`{name: api-from-web}, spec: {podSelector: {matchLabels: {tier: api}}, ingress: [{from: [{podSelector: {matchLabels: {tier: web}}}], ports: [{port: serve}]}]}`,
			`{name: api-from-prod}, spec: {podSelector: {matchLabels: {tier: api}}, ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {tier: api}}}], ports: [{port: 8080}]}]}`,
			fmt.Sprintf(`{name: api-egress}, spec: {podSelector: {matchLabels: {tier: api}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {tier: db}}}], ports: [{port: 5432}]}, {to: [{podSelector: {matchLabels: {tier: cache}}}], ports: [{port: 6379}]}, {to: [{namespaceSelector: {matchLabels: {team: %s}}, podSelector: {matchLabels: {tier: api}}}], ports: [{port: 8080}]}]}`, next),
			`{name: db-from-api}, spec: {podSelector: {matchLabels: {tier: db}}, ingress: [{from: [{podSelector: {matchLabels: {tier: api}}}], ports: [{port: 5432}]}]}`,
			`{name: cache-from-api-worker}, spec: {podSelector: {matchLabels: {tier: cache}}, ingress: [{from: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [api, worker]}]}}], ports: [{port: 6379}]}]}`,
			`{name: worker-egress}, spec: {podSelector: {matchLabels: {tier: worker}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {tier: cache}}}], ports: [{port: 6379}]}, {to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 443}]}]}`,
			`{name: worker-from-api}, spec: {podSelector: {matchLabels: {tier: worker}}, ingress: [{from: [{podSelector: {matchLabels: {tier: api}}}], ports: [{port: 8080}]}]}`,
			`{name: batch-egress}, spec: {podSelector: {matchLabels: {tier: batch}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]}`,
			`{name: metrics}, spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}], ports: [{port: metrics}]}]}`,
			`{name: api-b-from-batch}, spec: {podSelector: {matchLabels: {app: api-b}}, ingress: [{from: [{podSelector: {matchLabels: {tier: batch}}}], ports: [{port: 8080}, {port: 8443, endPort: 8450}]}]}`,
		}
		for _, p := range policies {
			meta, spec, _ := strings.Cut(p, "}, spec: ")
			doc("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: %s, namespace: %s}\nspec: %s\n", meta, ns, strings.TrimSuffix(spec, "}")+"}")
		}
	}
	return b.String()
}

// loadBench loads manifests given as YAML text.
func loadBench(tb testing.TB, name, yaml string) simulate.Cluster {
	tb.Helper()
	res, err := manifest.LoadReader(name, strings.NewReader(yaml))
	if err != nil {
		tb.Fatal(err)
	}
	return res.Cluster
}

func TestBenchClusters(t *testing.T) {
	c := loadBench(t, "teams.yaml", teams())
	if len(c.Pods) != 1000 || len(c.NetworkPolicies) != 700 {
		t.Fatalf("teams: %d pods, %d policies; want 1000 and 700", len(c.Pods), len(c.NetworkPolicies))
	}
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Workloads()); n != 500 {
		t.Fatalf("teams: %d workloads, want 500", n)
	}
	if *benchManifests != "" {
		for name, yaml := range map[string]string{"teams.yaml": teams(), "one-deployment-10000.yaml": oneDeployment(10000)} {
			if err := os.WriteFile(filepath.Join(*benchManifests, name), []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// cpuTime returns the CPU time (user and system) the process has used so
// far: on a machine shared with other work, a fairer figure than the wall
// time, as long as nothing else runs in the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMatrix times everything matrix does after loading the
// manifests: Compile, the endpoints and connections, and the output.
func BenchmarkMatrix(b *testing.B) {
	for _, c := range []struct {
		name     string
		cluster  simulate.Cluster
		output   string
		workload bool
	}{
		{"one-deployment-10000-deny/text", loadBench(b, "one.yaml", oneDeployment(10000)), "text", false},
		{"one-deployment-10000-deny/workload-json", loadBench(b, "one.yaml", oneDeployment(10000)), "json", true},
		{"teams-500w-1000p-700np/workload-json", loadBench(b, "teams.yaml", teams()), "json", true},
		{"teams-500w-1000p-700np/text", loadBench(b, "teams.yaml", teams()), "text", false},
	} {
		b.Run(c.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				m, err := simulate.Compile(c.cluster)
				if err != nil {
					b.Fatal(err)
				}
				if err := writeMatrix(io.Discard, m, c.output, c.workload, "", simulate.PortSpec{}, pairFilter{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
