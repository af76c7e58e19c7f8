package manifest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/manifest"
)

// BenchmarkLoadReader loads 1,000 namespaces, each with a Deployment of 3
// replicas, a Service and a NetworkPolicy: 4,000 documents, 3,000 pods.
func BenchmarkLoadReader(b *testing.B) {
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
	in := sb.String()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		res, err := manifest.LoadReader("bench.yaml", strings.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Cluster.Pods) != 3000 {
			b.Fatalf("%d pods", len(res.Cluster.Pods))
		}
	}
}
