package manifest_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func Example() {
	const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - ports: [{port: http}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
`
	res, err := manifest.LoadReader("shop.yaml", strings.NewReader(manifests))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, pod := range res.Cluster.Pods {
		kind, name, _ := simulate.WorkloadOf(&pod)
		fmt.Printf("pod %s/%s app=%s from %s %s\n", pod.Namespace, pod.Name, pod.Labels["app"], kind, name)
	}
	for _, np := range res.Cluster.NetworkPolicies {
		fmt.Printf("policy %s/%s\n", np.Namespace, np.Name)
	}
	for _, n := range res.Notices {
		fmt.Println(n)
	}
	// Output:
	// pod shop/web-0 app=web from Deployment web
	// pod shop/web-1 app=web from Deployment web
	// policy shop/web
	// manifest: shop.yaml: document 2 (line 30): ConfigMap shop/settings: skipped: v1 ConfigMap is not simulated
	// manifest: shop.yaml: document 0 (line 2): Pod shop/web-0: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop
}

// Every problem of the input is reported, one a line, with where it is.
func ExampleError() {
	const manifests = `apiVersion: v1
kind: Pod
metadata:
  name: db
  namespace: shop
spec:
  containers:
  - name: postgres
    ports:
    - containerPort: "5432"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
spec:
  podSelectr: {}
  ingress:
  - ports:
    - port: 9000
      endPort: 8000
`
	_, err := manifest.LoadReader("db.yaml", strings.NewReader(manifests))
	fmt.Println(err)
	// Output:
	// manifest: db.yaml: document 0 (line 10): Pod shop/db: spec.containers[0].ports[0].containerPort: expected integer, got string
	// manifest: db.yaml: document 1 (line 18): NetworkPolicy shop/db: spec.podSelectr: unknown field
	// manifest: db.yaml: document 1 (line 22): NetworkPolicy shop/db: spec.ingress[0].ports[0].endPort: invalid value 8000: must be greater than or equal to `port`
}

// A strict load, for CI, fails on what would otherwise be notices; a
// dump's finished pods would be one.
func ExampleOptions() {
	const dump = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: job-x1, namespace: default}
  status: {phase: Succeeded, podIP: 10.0.0.4}
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: default}
  status: {phase: Running, podIP: 10.0.0.4}
`
	res, err := manifest.LoadReader("dump.yaml", strings.NewReader(dump))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Cluster.Pods), "pod;", res.Notices[0].Reason)

	_, err = manifest.Options{Strict: true, MaxPods: 1000}.LoadReader("dump.yaml", strings.NewReader(dump))
	fmt.Println(err)
	fmt.Println(errors.Is(err, manifest.ErrNotice))
	// Output:
	// 1 pod; finished
	// manifest: dump.yaml: document 0 (line 4): items[0]: Pod default/job-x1: skipped: in phase Succeeded or Failed, the pod runs nothing, and its address may belong to a running pod by now (strict)
	// true
}
