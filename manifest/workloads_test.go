package manifest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func TestWorkloads(t *testing.T) {
	const input = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: sh, image: sh}]}
`
	res, err := manifest.LoadReader("test.yaml", strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		t.Fatal(err)
	}
	want := []manifest.Workload{
		{ID: "shop/db", Kind: "StatefulSet", Namespace: "shop", Name: "db", Pods: []simulate.PodID{{Namespace: "shop", Name: "db-0"}}},
		{ID: "shop/deployment/web", Kind: "Deployment", Namespace: "shop", Name: "web", Pods: []simulate.PodID{{Namespace: "shop", Name: "web-0"}, {Namespace: "shop", Name: "web-1"}}},
		{ID: "shop/web", Kind: "Pod", Namespace: "shop", Name: "web", Pods: []simulate.PodID{{Namespace: "shop", Name: "web"}}},
	}
	if diff := cmp.Diff(want, manifest.Workloads(m)); diff != "" {
		t.Errorf("Workloads (-want +got):\n%s", diff)
	}
}
