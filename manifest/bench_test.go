package manifest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/netpolsim/netpolsim/manifest"
)

// benchYAML is 1,000 namespaces, each with a Deployment of 3 replicas, a
// Service and a NetworkPolicy: 4,000 documents, 3,000 pods, in hand-written
// style (flow mappings), about 1 MB.
func benchYAML() string {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, `---
apiVersion: v1
kind: Namespace
metadata: {name: ns-%[1]d, labels: {team: t%[2]d}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ns-%[1]d}
spec:
  replicas: 3
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app, tier: backend}}
    spec:
      containers:
      - name: main
        image: example/app:1
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: ns-%[1]d}
spec:
  selector: {app: app}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app, namespace: ns-%[1]d}
spec:
  podSelector: {matchLabels: {app: app}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: t%[2]d}}
    - podSelector: {matchExpressions: [{key: tier, operator: In, values: [frontend]}]}
    ports: [{port: http}, {port: 9000, endPort: 9100, protocol: TCP}]
`, i, i%10)
	}
	return sb.String()
}

// benchLoad loads in repeatedly and checks it gives pods pods.
func benchLoad(b *testing.B, name, in string, pods int) {
	b.SetBytes(int64(len(in)))
	var cpu time.Duration
	for b.Loop() {
		t0 := cpuTime()
		res, err := manifest.LoadReader(name, strings.NewReader(in))
		cpu += cpuTime() - t0
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Cluster.Pods) != pods {
			b.Fatalf("%d pods", len(res.Cluster.Pods))
		}
	}
	reportCPU(b, len(in), cpu)
}

// BenchmarkLoadReader loads benchYAML as YAML.
func BenchmarkLoadReader(b *testing.B) {
	benchLoad(b, "bench.yaml", benchYAML(), 3000)
}

// BenchmarkLoadJSON loads the same objects as a stream of JSON objects,
// one a line.
func BenchmarkLoadJSON(b *testing.B) {
	var sb strings.Builder
	for doc := range strings.SplitSeq(benchYAML(), "---\n") {
		if doc == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			b.Fatal(err)
		}
		sb.Write(js)
		sb.WriteByte('\n')
	}
	benchLoad(b, "bench.json", sb.String(), 3000)
}

// dumpPod is a pod as kubectl get pods -o json writes it (without
// managedFields, which kubectl leaves out by default), about 1.9 KB.
func dumpPod(i int) map[string]any {
	ns := fmt.Sprintf("ns-%d", i/10)
	name := fmt.Sprintf("app-%d-7d9c8b5f4-%05d", i/10, i)
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata": map[string]any{
			"name": name, "namespace": ns, "generateName": fmt.Sprintf("app-%d-7d9c8b5f4-", i/10),
			"uid": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "resourceVersion": fmt.Sprint(100000 + i),
			"creationTimestamp": "2024-05-01T10:00:00Z",
			"labels":            map[string]any{"app": fmt.Sprintf("app-%d", i/10), "pod-template-hash": "7d9c8b5f4", "tier": "backend"},
			"ownerReferences": []any{map[string]any{
				"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": fmt.Sprintf("app-%d-7d9c8b5f4", i/10),
				"uid": "11111111-0000-4000-8000-000000000000", "controller": true, "blockOwnerDeletion": true,
			}},
		},
		"spec": map[string]any{
			"containers": []any{map[string]any{
				"name": "main", "image": "registry.example/app:1.2.3", "imagePullPolicy": "IfNotPresent",
				"ports":     []any{map[string]any{"name": "http", "containerPort": 8080, "protocol": "TCP"}},
				"resources": map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}},
				"env":       []any{map[string]any{"name": "MODE", "value": "production"}},
				"volumeMounts": []any{map[string]any{
					"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true,
				}},
				"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
			}},
			"dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "nodeName": fmt.Sprintf("node-%d", i%100),
			"restartPolicy": "Always", "schedulerName": "default-scheduler", "serviceAccountName": "default",
			"terminationGracePeriodSeconds": 30,
			"tolerations":                   []any{map[string]any{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}},
		},
		"status": map[string]any{
			"phase": "Running", "hostIP": fmt.Sprintf("192.168.%d.%d", i%100/250, i%100+1),
			"podIP":     fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			"podIPs":    []any{map[string]any{"ip": fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)}},
			"qosClass":  "Burstable",
			"startTime": "2024-05-01T10:00:01Z",
			"conditions": []any{
				map[string]any{"type": "Ready", "status": "True", "lastTransitionTime": "2024-05-01T10:00:05Z"},
				map[string]any{"type": "PodScheduled", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z"},
			},
			"containerStatuses": []any{map[string]any{
				"name": "main", "ready": true, "restartCount": 0, "started": true,
				"image": "registry.example/app:1.2.3", "imageID": "registry.example/app@sha256:0123456789abcdef",
				"containerID": fmt.Sprintf("containerd://%064d", i),
				"state":       map[string]any{"running": map[string]any{"startedAt": "2024-05-01T10:00:03Z"}},
			}},
		},
	}
}

// dumpJSON is kubectl get pods -A -o json of n pods: one v1 List,
// indented as kubectl indents it.
func dumpJSON(b testing.TB, n int) []byte {
	items := make([]any, n)
	for i := range items {
		items[i] = dumpPod(i)
	}
	out, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": items, "metadata": map[string]any{"resourceVersion": ""}}, "", "    ")
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkLoadDump loads kubectl dumps of 10,000 and (without -short)
// 150,000 pods, reporting the live heap per pod after the load.
func BenchmarkLoadDump(b *testing.B) {
	for _, n := range []int{10_000, 150_000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			if n > 10_000 && testing.Short() {
				b.Skip("-short")
			}
			in := dumpJSON(b, n)
			b.SetBytes(int64(len(in)))
			var perPod float64
			var cpu time.Duration
			for b.Loop() {
				before := liveHeap()
				t0 := cpuTime()
				res, err := manifest.LoadReader("dump.json", bytes.NewReader(in))
				cpu += cpuTime() - t0
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Cluster.Pods) != n {
					b.Fatalf("%d pods", len(res.Cluster.Pods))
				}
				perPod = float64(liveHeap()-before) / float64(n)
				runtime.KeepAlive(res)
			}
			reportCPU(b, len(in), cpu)
			b.ReportMetric(perPod, "live-B/pod")
		})
	}
}

// BenchmarkLoadDumpFile loads the file named by $NETPOLSIM_BENCH_DUMP, so
// that the peak RSS of a load can be measured without the making of the
// input (/usr/bin/time -v manifest.test -test.bench LoadDumpFile); write
// one with NETPOLSIM_WRITE_DUMP=path:pods go test -run TestWriteDump.
func BenchmarkLoadDumpFile(b *testing.B) {
	path := os.Getenv("NETPOLSIM_BENCH_DUMP")
	if path == "" {
		b.Skip("NETPOLSIM_BENCH_DUMP not set")
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for b.Loop() {
		res, err := manifest.LoadPaths(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(res.Cluster.Pods)), "pods")
	}
}

// TestWriteDump writes a kubectl dump of pods for BenchmarkLoadDumpFile
// when $NETPOLSIM_WRITE_DUMP is path:pods.
func TestWriteDump(t *testing.T) {
	spec := os.Getenv("NETPOLSIM_WRITE_DUMP")
	if spec == "" {
		t.Skip("NETPOLSIM_WRITE_DUMP not set")
	}
	path, count, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, dumpJSON(t, n), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGeneratedPods loads a Deployment of 150,000 replicas whose
// template has 300 labels, reporting the live heap per generated pod.
func BenchmarkGeneratedPods(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 150000\n  template:\n    metadata:\n      labels:\n")
	for i := range 300 {
		fmt.Fprintf(&sb, "        key-%d: value-%d\n", i, i)
	}
	sb.WriteString("    spec:\n      containers: [{name: c, image: c, ports: [{name: http, containerPort: 8080}]}]\n")
	in := sb.String()
	var perPod float64
	for b.Loop() {
		before := liveHeap()
		res, err := manifest.LoadReader("big.yaml", strings.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		perPod = float64(liveHeap()-before) / float64(len(res.Cluster.Pods))
		runtime.KeepAlive(res)
	}
	b.ReportMetric(perPod, "live-B/pod")
}

// reportCPU reports cpu, the CPU time (user and system, all threads,
// garbage collection included) that the loads of the benchmark took, per
// op and as MB of input per CPU second: the throughput per core. On a
// machine shared with other work, CPU time says more than wall time.
func reportCPU(b *testing.B, size int, cpu time.Duration) {
	perOp := cpu.Seconds() / float64(b.N)
	b.ReportMetric(perOp*1000, "cpu-ms/op")
	b.ReportMetric(float64(size)/1e6/perOp, "MB/cpu-s")
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// liveHeap returns the live heap after a collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
