package manifest_test

// Tests of issue 12's failures: dumps as kubectl writes them, files that
// are not Kubernetes objects, older API versions, bounded and validated
// input, and problems at the line of their field.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func notices(res *manifest.Result) []string {
	var out []string
	for _, n := range res.Notices {
		out = append(out, n.String())
	}
	return out
}

func mustLoad(t *testing.T, o manifest.Options, in string) *manifest.Result {
	t.Helper()
	res, err := o.LoadReader("in.yaml", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A dump of kubectl get pods -A -o yaml where a finished Job pod keeps the
// address a running pod now has: it used to fail to compile ("both have
// IP 172.17.0.4"); finished pods are left out with one notice.
func TestDumpFinishedPods(t *testing.T) {
	const dump = `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: demo-28391-abcde
    namespace: default
    uid: 5a1c6f0e-0000-4000-8000-000000000001
    resourceVersion: "4711"
    creationTimestamp: "2024-05-01T10:00:00Z"
    managedFields:
    - manager: kube-controller-manager
      operation: Update
      apiVersion: v1
      time: "2024-05-01T10:00:00Z"
      fieldsType: FieldsV1
      fieldsV1: {"f:metadata": {"f:labels": {}}}
  spec:
    containers: [{name: demo, image: busybox}]
  status:
    phase: Succeeded
    podIP: 172.17.0.4
    podIPs: [{ip: 172.17.0.4}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: ingress-nginx-admission-patch-xyz
    namespace: ingress-nginx
  spec:
    containers: [{name: patch, image: patch}]
  status:
    phase: Failed
    podIP: 172.17.0.5
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: default
  spec:
    containers: [{name: web, image: nginx}]
  status:
    phase: Running
    podIP: 172.17.0.4
    podIPs: [{ip: 172.17.0.4}]
    someFieldOfANewerVersion: true
- apiVersion: v1
  kind: Pod
  metadata: {name: pending, namespace: default}
  status: {phase: Pending}
`
	res := mustLoad(t, manifest.Options{}, dump)
	if diff := cmp.Diff([]string{"Pod default/web-1", "Pod default/pending"}, summary(res.Cluster)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	want := []string{"manifest: in.yaml: document 0 (line 6): items[0]: Pod default/demo-28391-abcde: skipped, with 1 more pods in phase Succeeded or Failed: they run nothing, and their addresses may belong to running pods by now"}
	if diff := cmp.Diff(want, notices(res)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	if res.Notices[0].Reason != manifest.Finished {
		t.Errorf("reason %q", res.Notices[0].Reason)
	}
	if _, err := simulate.Compile(res.Cluster); err != nil {
		t.Errorf("Compile: %v", err)
	}
}

// Status and server-written metadata never fail a load; a typo in a
// policy's spec, or in metadata, still does.
func TestDumpStrictWhereItMatters(t *testing.T) {
	res := mustLoad(t, manifest.Options{}, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: default
  clusterName: ""
  generation: 3
  uid: 5a1c6f0e-0000-4000-8000-000000000002
  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
spec:
  podSelector: {}
status: {}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  topologyKeys: ["*"]
  selector: {app: web}
  ports: [{port: 80}]
status:
  loadBalancer: {}
  conditions: 7
`)
	if diff := cmp.Diff([]string{"Service default/web", "NetworkPolicy default/deny"}, summary(res.Cluster)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	want := []string{"manifest: in.yaml: document 1 (line 14): Service default/web: status ignored: status.conditions: expected array, got number"}
	if diff := cmp.Diff(want, notices(res)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}

	_, err := manifest.LoadReader("in.yaml", strings.NewReader(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: default, namespcae: shop}
spec:
  podSelectr: {}
status: {}
`))
	wantErr := []string{
		"manifest: in.yaml: document 0 (line 3): NetworkPolicy default/deny: metadata.namespcae: unknown field",
		"manifest: in.yaml: document 0 (line 5): NetworkPolicy default/deny: spec.podSelectr: unknown field",
	}
	if diff := cmp.Diff(wantErr, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// Older versions of supported kinds are converted, with a notice each.
func TestConversions(t *testing.T) {
	const in = `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {containers: [{name: r, image: r}]}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: shop}
spec:
  backend: {serviceName: web, servicePort: 80}
  rules:
  - host: shop.example
    http:
      paths:
      - path: /api
        backend: {serviceName: api, servicePort: http}
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: newer, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example], secretName: tls}]
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {serviceName: web, servicePort: 8080}
---
apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
    ports: [{port: 5432, protocol: TCP}, {port: 6000, endPort: 6010}]
  egress: []
  policyTypes: [Ingress, Egress]
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  replicas: 2
  rollbackTo: {revision: 1}
  template: {metadata: {labels: {app: a}}}
---
apiVersion: apps/v1beta1
kind: StatefulSet
metadata: {name: b, namespace: shop}
spec:
  replicas: 1
  template: {metadata: {labels: {app: b}}}
---
apiVersion: apps/v1beta2
kind: DaemonSet
metadata: {name: c, namespace: shop}
spec:
  template: {metadata: {labels: {app: c}}}
---
apiVersion: apps/v1beta2
kind: ReplicaSet
metadata: {name: d, namespace: shop}
spec:
  template: {metadata: {labels: {app: d}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`
	res := mustLoad(t, manifest.Options{}, in)
	wantObjs := []string{
		"Namespace shop",
		"Pod shop/report-0 {app=report} <- CronJob report",
		"Pod shop/a-0 {app=a} <- Deployment a",
		"Pod shop/a-1 {app=a} <- Deployment a",
		"Pod shop/b-0 {app=b,apps.kubernetes.io/pod-index=0,statefulset.kubernetes.io/pod-name=b-0} <- StatefulSet b",
		"Pod shop/c-0 {app=c} <- DaemonSet c",
		"Pod shop/d-0 {app=d} <- ReplicaSet d",
		"NetworkPolicy shop/db",
		"Ingress shop/old",
		"Ingress shop/newer",
	}
	if diff := cmp.Diff(wantObjs, summary(res.Cluster)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	wantNotices := []string{
		"manifest: in.yaml: document 0 (line 1): CronJob shop/report: converted: batch/v1beta1 CronJob is read as batch/v1 CronJob",
		"manifest: in.yaml: document 1 (line 12): Ingress shop/old: converted: extensions/v1beta1 Ingress is read as networking.k8s.io/v1 Ingress",
		"manifest: in.yaml: document 2 (line 24): Ingress shop/newer: converted: networking.k8s.io/v1beta1 Ingress is read as networking.k8s.io/v1 Ingress",
		"manifest: in.yaml: document 3 (line 37): NetworkPolicy shop/db: converted: extensions/v1beta1 NetworkPolicy is read as networking.k8s.io/v1 NetworkPolicy",
		"manifest: in.yaml: document 4 (line 48): Deployment shop/a: converted: extensions/v1beta1 Deployment is read as apps/v1 Deployment",
		"manifest: in.yaml: document 5 (line 56): StatefulSet shop/b: converted: apps/v1beta1 StatefulSet is read as apps/v1 StatefulSet",
		"manifest: in.yaml: document 6 (line 63): DaemonSet shop/c: converted: apps/v1beta2 DaemonSet is read as apps/v1 DaemonSet",
		"manifest: in.yaml: document 7 (line 69): ReplicaSet shop/d: converted: apps/v1beta2 ReplicaSet is read as apps/v1 ReplicaSet",
	}
	if diff := cmp.Diff(wantNotices, notices(res)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	for _, n := range res.Notices {
		if n.Reason != manifest.Converted {
			t.Errorf("reason %q of %v", n.Reason, n)
		}
	}

	// The converted objects, field by field.
	tcp := corev1.ProtocolTCP
	port := func(p intstr.IntOrString) *intstr.IntOrString { return &p }
	end := int32(6010)
	wantPolicy := networkingv1.NetworkPolicy{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "NetworkPolicy"),
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{
					{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
					{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.1.0.0/16"}}},
				},
				Ports: []networkingv1.NetworkPolicyPort{
					{Port: port(intstr.FromInt32(5432)), Protocol: &tcp},
					{Port: port(intstr.FromInt32(6000)), EndPort: &end},
				},
			}},
			Egress:      []networkingv1.NetworkPolicyEgressRule{},
			PolicyTypes: []networkingv1.PolicyType{"Ingress", "Egress"},
		},
	}
	if diff := cmp.Diff(wantPolicy, res.Cluster.NetworkPolicies[0]); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	impl, prefix := networkingv1.PathTypeImplementationSpecific, networkingv1.PathTypePrefix
	class := "nginx"
	wantIngresses := []networkingv1.Ingress{{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "Ingress"),
		ObjectMeta: metav1.ObjectMeta{Name: "old", Namespace: "shop"},
		Spec: networkingv1.IngressSpec{
			DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}},
			Rules: []networkingv1.IngressRule{{Host: "shop.example", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/api", PathType: &impl,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "api", Port: networkingv1.ServiceBackendPort{Name: "http"}}},
			}}}}}},
		},
	}, {
		TypeMeta:   typeMeta("networking.k8s.io/v1", "Ingress"),
		ObjectMeta: metav1.ObjectMeta{Name: "newer", Namespace: "shop"},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			TLS:              []networkingv1.IngressTLS{{Hosts: []string{"shop.example"}, SecretName: "tls"}},
			Rules: []networkingv1.IngressRule{{IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 8080}}},
			}}}}}},
		},
	}}
	if diff := cmp.Diff(wantIngresses, res.Cluster.Ingresses); diff != "" {
		t.Errorf("ingresses (-want +got):\n%s", diff)
	}

	// Each version is read strictly as itself; a version that is neither
	// supported nor converted stays a problem.
	_, err := manifest.LoadReader("in.yaml", strings.NewReader(`apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: p}
spec: {podSelectr: {}}
---
apiVersion: networking.k8s.io/v1beta1
kind: NetworkPolicy
metadata: {name: q}
`))
	wantErr := []string{
		"manifest: in.yaml: document 0 (line 4): NetworkPolicy default/p: spec.podSelectr: unknown field",
		`manifest: in.yaml: document 1 (line 6): NetworkPolicy q: apiVersion: unsupported value "networking.k8s.io/v1beta1": NetworkPolicy is read as networking.k8s.io/v1`,
	}
	if diff := cmp.Diff(wantErr, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// A dump holds the workloads and their pods (and ReplicaSets): the pods
// stand for the workload, which generates none.
func TestDumpWorkloadsWithTheirPods(t *testing.T) {
	const in = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: default}
  spec: {replicas: 2, template: {metadata: {labels: {app: web}}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-5d8f
    namespace: default
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
  spec: {replicas: 2, template: {metadata: {labels: {app: web}}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-old
    namespace: default
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
  spec: {replicas: 0, template: {metadata: {labels: {app: web}}}}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-5d8f-abcde
    namespace: default
    labels: {app: web}
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u2, controller: true}]
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: db, namespace: default}
  spec: {replicas: 1, template: {metadata: {labels: {app: db}}}}
`
	res := mustLoad(t, manifest.Options{}, in)
	want := []string{
		"Pod default/web-5d8f-abcde {app=web} <- ReplicaSet web-5d8f",
		"Pod default/db-0 {app=db,apps.kubernetes.io/pod-index=0,statefulset.kubernetes.io/pod-name=db-0} <- StatefulSet db",
	}
	if diff := cmp.Diff(want, summary(res.Cluster)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

// A directory of a repository holds files that are not Kubernetes objects:
// a walk skips them with a notice; named explicitly, they are problems.
func TestDirectoryOfARepository(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"chart/Chart.yaml":          "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
		"chart/values.yaml":         "replicaCount: 2\nimage: {repository: nginx}\n",
		"deploy/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pod.yaml]\n",
		"deploy/pod.yaml":           "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
		"report.json":               "[{\"check\": \"ok\"}]\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := manifest.LoadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Pod default/web"}, summary(res.Cluster)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	want := []string{
		dir + "/chart/Chart.yaml: document 0 (line 1): skipped: not a Kubernetes object: no apiVersion and kind",
		dir + "/chart/values.yaml: document 0 (line 1): skipped: not a Kubernetes object: no apiVersion and kind",
		dir + "/deploy/kustomization.yaml: document 0 (line 1): Kustomization: skipped: kustomize.config.k8s.io/v1beta1 Kustomization is not simulated",
		dir + "/report.json: document 0 (line 1): skipped: not a Kubernetes object: expected object, got array",
	}
	got := notices(res)
	for i := range got {
		got[i] = strings.TrimPrefix(got[i], "manifest: ")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}

	_, err = manifest.LoadPaths(filepath.Join(dir, "chart/values.yaml"))
	wantErr := []string{
		"manifest: " + dir + "/chart/values.yaml: document 0 (line 1): kind: required value",
		"manifest: " + dir + "/chart/values.yaml: document 0 (line 1): apiVersion: required value",
	}
	if diff := cmp.Diff(wantErr, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}

	// Strict: every notice is a problem.
	_, err = manifest.Options{Strict: true}.LoadPaths(dir)
	if got := lines(t, nil, err); len(got) != 4 || !strings.HasSuffix(got[0], "no apiVersion and kind (strict)") {
		t.Errorf("strict load: %q", got)
	}
}

// A problem names the line of its field, not the document's first line.
func TestProblemAtTheFieldsLine(t *testing.T) {
	var in strings.Builder
	for i := range 4 {
		fmt.Fprintf(&in, "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns%d}\n---\n", i)
	}
	in.WriteString(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: ns0
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/33
`)
	_, err := manifest.LoadReader("in.yaml", strings.NewReader(in.String()))
	want := []string{`manifest: in.yaml: document 4 (line 27): NetworkPolicy ns0/db: spec.ingress[0].from[0].ipBlock.cidr: invalid value "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`}
	got := lines(t, nil, err)
	if len(got) != 1 || !strings.HasPrefix(got[0], "manifest: in.yaml: document 4 (line 27): NetworkPolicy ns0/db: spec.ingress[0].from[0].ipBlock.cidr: invalid value \"10.0.0.0/33\"") {
		t.Errorf("error:\n%q\nwant:\n%q", got, want)
	}

	// The same in a JSON list, one item a line.
	js := `{"apiVersion": "v1", "kind": "List", "items": [
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"},
 "spec": {"containers": [{"name": "c",
   "ports": [{"containerPort": 99999}]}]}}
]}`
	_, err = manifest.LoadReader("in.json", strings.NewReader(js))
	wantJSON := []string{"manifest: in.json: document 0 (line 5): items[1]: Pod default/b: spec.containers[0].ports[0].containerPort: invalid value 99999: must be between 1 and 65535, inclusive"}
	if diff := cmp.Diff(wantJSON, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// Names, namespaces, labels and ports are validated as the API server
// does.
func TestMetadataValidation(t *testing.T) {
	const in = `apiVersion: v1
kind: Pod
metadata: {name: a/b}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: Bad_NS
  labels: {bad key: x}
spec:
  containers:
  - name: c
    ports:
    - {containerPort: 99999, name: http, protocol: ICMP}
    - {containerPort: 80, name: http, hostPort: 70000}
---
apiVersion: v1
kind: Service
metadata: {name: Web}
spec:
  ports: [{port: 0, targetPort: 70000}, {port: 80, targetPort: not_a_name}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata: {labels: {app: "bad value!"}}
`
	_, err := manifest.LoadReader("in.yaml", strings.NewReader(in))
	got := lines(t, nil, err)
	wantPrefixes := []string{
		`manifest: in.yaml: document 0 (line 3): Pod default/a/b: metadata.name: invalid value "a/b": a lowercase RFC 1123 subdomain`,
		`manifest: in.yaml: document 1 (line 9): Pod Bad_NS/p: metadata.namespace: invalid value "Bad_NS": a lowercase RFC 1123 label`,
		`manifest: in.yaml: document 1 (line 10): Pod Bad_NS/p: metadata.labels: invalid value "bad key": name part must consist of`,
		`manifest: in.yaml: document 1 (line 15): Pod Bad_NS/p: spec.containers[0].ports[0].containerPort: invalid value 99999: must be between 1 and 65535, inclusive`,
		`manifest: in.yaml: document 1 (line 15): Pod Bad_NS/p: spec.containers[0].ports[0].protocol: unsupported value "ICMP": supported values: "TCP", "UDP", "SCTP"`,
		`manifest: in.yaml: document 1 (line 16): Pod Bad_NS/p: spec.containers[0].ports[1].hostPort: invalid value 70000: must be between 1 and 65535, inclusive`,
		`manifest: in.yaml: document 1 (line 16): Pod Bad_NS/p: spec.containers[0].ports[1].name: duplicate value`,
		`manifest: in.yaml: document 2 (line 20): Service default/Web: metadata.name: invalid value "Web": a DNS-1035 label`,
		`manifest: in.yaml: document 2 (line 22): Service default/Web: spec.ports[0].port: invalid value 0: must be between 1 and 65535, inclusive`,
		`manifest: in.yaml: document 2 (line 22): Service default/Web: spec.ports[0].targetPort: invalid value 70000: must be between 1 and 65535, inclusive`,
		`manifest: in.yaml: document 2 (line 22): Service default/Web: spec.ports[1].targetPort: invalid value "not_a_name"`,
		`manifest: in.yaml: document 3 (line 29): Deployment default/d: spec.template.metadata.labels: invalid value "bad value!": a valid label must be`,
	}
	if len(got) != len(wantPrefixes) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(wantPrefixes), strings.Join(got, "\n"))
	}
	for i, w := range wantPrefixes {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d:\n%s\nwant prefix:\n%s", i, got[i], w)
		}
	}
}

// A namespace that has pods but no Namespace object gets one notice.
func TestImpliedNamespace(t *testing.T) {
	res := mustLoad(t, manifest.Options{}, `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: d}
---
apiVersion: v1
kind: Namespace
metadata: {name: billing}
---
apiVersion: v1
kind: Pod
metadata: {name: e, namespace: billing}
`)
	want := []string{"manifest: in.yaml: document 0 (line 1): Pod shop/a: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop"}
	if diff := cmp.Diff(want, notices(res)); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

// One limit bounds all pods, given and generated.
func TestPodLimit(t *testing.T) {
	pods := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name string
		max  int
		in   string
		want string
	}{{
		name: "bare pods",
		max:  3,
		in:   pods(5),
		want: "manifest: in.yaml: document 3 (line 14): Pod default/p3: more than 3 pods in all, given and generated: the limit of one load (see Options.MaxPods)",
	}, {
		name: "bare and generated",
		max:  4,
		in:   pods(2) + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 3}\n",
		want: "manifest: in.yaml: document 2 (line 10): Deployment default/d: spec.replicas: invalid value 3: more than 4 pods in all, given and generated: the limit of one load (see Options.MaxPods)",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := manifest.Options{MaxPods: tt.max}.LoadReader("in.yaml", strings.NewReader(tt.in))
			if diff := cmp.Diff([]string{tt.want}, lines(t, nil, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	// At the limit, all is well; the default limit is Kubernetes'.
	if res := mustLoad(t, manifest.Options{MaxPods: 5}, pods(5)); len(res.Cluster.Pods) != 5 {
		t.Errorf("%d pods", len(res.Cluster.Pods))
	}
	if manifest.DefaultMaxPods != 150_000 {
		t.Errorf("DefaultMaxPods = %d", manifest.DefaultMaxPods)
	}
}

// Replicas share their template's labels, so that a Deployment with many
// replicas and many labels costs one labels map.
func TestReplicasShareLabels(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 50000\n  template:\n    metadata:\n      labels:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "        key-%d: value-%d\n", i, i)
	}
	before := heapInUse()
	res := mustLoad(t, manifest.Options{}, b.String())
	pods := res.Cluster.Pods
	if len(pods) != 50_000 {
		t.Fatalf("%d pods", len(pods))
	}
	first := reflect.ValueOf(pods[0].Labels).UnsafePointer()
	for i := range pods {
		if reflect.ValueOf(pods[i].Labels).UnsafePointer() != first {
			t.Fatalf("pod %d has a labels map of its own", i)
		}
	}
	// 50,000 pods of about 1.4 KB; copies of 3,000 labels would be
	// 50,000 × ~200 KB = 10 GB.
	if grown := heapInUse() - before; grown > 512<<20 {
		t.Errorf("the load holds %d MiB", grown>>20)
	}
	runtime.KeepAlive(res)
}

// endless is a reader that never ends.
type endless struct{ line []byte }

func (e endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], e.line)
	}
	return n, nil
}

// Input is bounded: /dev/zero, an endless stream, a file or a document
// that is too large fail with a clear problem, without reading on.
func TestInputLimits(t *testing.T) {
	start := time.Now()
	_, err := manifest.LoadPaths("/dev/zero")
	if diff := cmp.Diff([]string{"manifest: /dev/zero: line 1: NUL byte: not a YAML or JSON text"}, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}

	_, err = manifest.Options{MaxDocumentBytes: 1 << 20}.LoadReader("-", endless{[]byte("y\n")})
	want := []string{"manifest: -: line 1: a document larger than 1048576 bytes (the limit per document; see Options.MaxDocumentBytes)"}
	if diff := cmp.Diff(want, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	// An endless stream of small documents meets the limit of the load.
	_, err = manifest.Options{MaxBytes: 1 << 20}.LoadReader("-", endless{[]byte("---\na: b\n")})
	want = []string{"manifest: -: input larger than 1048576 bytes in all (the limit of one load; see Options.MaxBytes): read 0 bytes before, 1048577 or more here"}
	if diff := cmp.Diff(want, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	// Endless JSON.
	_, err = manifest.Options{MaxDocumentBytes: 1 << 20}.LoadReader("-", io.MultiReader(strings.NewReader(`{"a": [`), endless{[]byte(`"x",`)}))
	if got := lines(t, nil, err); len(got) != 1 || !strings.Contains(got[0], "a document larger than 1048576 bytes") {
		t.Errorf("endless json: %q", got)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Logf("limits took %v", d) // a timing is no assertion; say it
	}

	// A file larger than the load's limit is not read at all.
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# comment\n", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = manifest.Options{MaxBytes: 5000}.LoadPaths(big)
	want = []string{"manifest: " + big + ": input larger than 5000 bytes in all (the limit of one load; see Options.MaxBytes): read 0 bytes before, 10000 or more here"}
	if diff := cmp.Diff(want, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}

	// A document past the limit is a problem, but a list is bounded by
	// its items.
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: \"" + strings.Repeat("x", 300) + "\"}}\n"
	_, err = manifest.Options{MaxDocumentBytes: 200}.LoadReader("in.yaml", strings.NewReader(pod))
	want = []string{"manifest: in.yaml: line 1: a document larger than 200 bytes (the limit per document; see Options.MaxDocumentBytes)"}
	if diff := cmp.Diff(want, lines(t, nil, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	var list strings.Builder
	list.WriteString(`{"apiVersion": "v1", "kind": "List", "items": [`)
	for i := range 20 {
		if i > 0 {
			list.WriteString(",")
		}
		fmt.Fprintf(&list, `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p%d"}}`, i)
	}
	list.WriteString("]}")
	if res, err := (manifest.Options{MaxDocumentBytes: 200}).LoadReader("in.json", strings.NewReader(list.String())); err != nil || len(res.Cluster.Pods) != 20 {
		t.Errorf("list of small items: %v", err)
	}
}

// heapInUse returns the bytes of live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}
