package manifest_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// TestLoadPathsMultiDocument checks every plain kind decoded in full from a
// multi-document YAML file, with empty documents skipped, namespaces
// defaulted and cleared, and the pod's addresses kept.
func TestLoadPathsMultiDocument(t *testing.T) {
	res, err := manifest.LoadPaths("testdata/multi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	port := intstr.FromInt32(5432)
	want := simulate.Cluster{
		Namespaces: []corev1.Namespace{{
			TypeMeta:   typeMeta("v1", "Namespace"),
			ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"team": "retail"}},
		}},
		Pods: []corev1.Pod{{
			TypeMeta:   typeMeta("v1", "Pod"),
			ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop", Labels: map[string]string{"app": "db"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:  "postgres",
				Image: "postgres:17",
				Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}},
			}}},
			Status: corev1.PodStatus{PodIP: "10.0.0.7", PodIPs: []corev1.PodIP{{IP: "10.0.0.7"}}},
		}},
		Services: []corev1.Service{{
			TypeMeta:   typeMeta("v1", "Service"),
			ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"},
			Spec: corev1.ServiceSpec{
				Selector: map[string]string{"app": "db"},
				Ports:    []corev1.ServicePort{{Port: 5432, TargetPort: intstr.FromString("pg")}},
			},
		}},
		NetworkPolicies: []networkingv1.NetworkPolicy{{
			TypeMeta:   typeMeta("networking.k8s.io/v1", "NetworkPolicy"),
			ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{{
						PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
					}},
					Ports: []networkingv1.NetworkPolicyPort{{Port: &port}},
				}},
			},
		}},
		Nodes: []corev1.Node{{
			TypeMeta:   typeMeta("v1", "Node"),
			ObjectMeta: metav1.ObjectMeta{Name: "node-1"},
		}},
		Ingresses: []networkingv1.Ingress{{
			TypeMeta:   typeMeta("networking.k8s.io/v1", "Ingress"),
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
			Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{
				Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}},
			}},
		}},
	}
	if diff := cmp.Diff(want, res.Cluster); diff != "" {
		t.Errorf("cluster mismatch (-want +got):\n%s", diff)
	}
	if len(res.Notices) != 0 {
		t.Errorf("notices: %v", res.Notices)
	}
}

// summary renders the objects of a cluster one a line, in cluster order, with
// what tells generated pods apart.
func summary(c simulate.Cluster) []string {
	var out []string
	id := func(m metav1.ObjectMeta) string {
		if m.Namespace == "" {
			return m.Name
		}
		return m.Namespace + "/" + m.Name
	}
	for _, x := range c.Namespaces {
		out = append(out, x.Kind+" "+id(x.ObjectMeta))
	}
	for _, x := range c.Nodes {
		out = append(out, x.Kind+" "+id(x.ObjectMeta))
	}
	for _, x := range c.Pods {
		s := x.Kind + " " + id(x.ObjectMeta)
		if len(x.Labels) > 0 {
			var kv []string
			for _, k := range slices.Sorted(maps.Keys(x.Labels)) {
				kv = append(kv, k+"="+x.Labels[k])
			}
			s += " {" + strings.Join(kv, ",") + "}"
		}
		if kind, name, ok := simulate.WorkloadOf(&x); ok {
			s += " <- " + kind + " " + name
		}
		out = append(out, s)
	}
	for _, x := range c.Services {
		out = append(out, x.Kind+" "+id(x.ObjectMeta))
	}
	for _, x := range c.NetworkPolicies {
		out = append(out, x.Kind+" "+id(x.ObjectMeta))
	}
	for _, x := range c.Ingresses {
		out = append(out, x.Kind+" "+id(x.ObjectMeta))
	}
	return out
}

func TestLoadPaths(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		want    []string
		notices []string
	}{{
		name:  "json stream",
		paths: []string{"testdata/objects.json"},
		want:  []string{"Namespace shop", "Pod shop/web {app=web}"},
	}, {
		name:  "v1 list with nested list",
		paths: []string{"testdata/list.yaml"},
		want: []string{
			"Namespace shop",
			"Pod shop/web-0 {app=web} <- Deployment web",
			"Pod shop/web-1 {app=web} <- Deployment web",
			"Service shop/web",
		},
		notices: []string{"manifest: testdata/list.yaml: document 0 (line 40): items[2].items[1]: ConfigMap shop/settings: skipped: v1 ConfigMap is not simulated"},
	}, {
		name:    "typed list",
		paths:   []string{"testdata/typedlist.json"},
		want:    []string{"Pod shop/a {app=a}", "Pod default/b {app=b}"},
		notices: []string{"manifest: testdata/typedlist.json: document 0 (line 6): items[0]: Pod shop/a: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop"},
	}, {
		name:  "every workload kind",
		paths: []string{"testdata/workloads.yaml"},
		want: []string{
			"Pod shop/web-0 {app=web} <- Deployment web",
			// Deployment idle has replicas: 0.
			"Pod shop/cache-0 {app=cache} <- ReplicaSet cache",
			"Pod shop/cache-1 {app=cache} <- ReplicaSet cache",
			"Pod shop/db-0 {app=db,apps.kubernetes.io/pod-index=0,statefulset.kubernetes.io/pod-name=db-0} <- StatefulSet db",
			"Pod shop/db-1 {app=db,apps.kubernetes.io/pod-index=1,statefulset.kubernetes.io/pod-name=db-1} <- StatefulSet db",
			"Pod shop/db-2 {app=db,apps.kubernetes.io/pod-index=2,statefulset.kubernetes.io/pod-name=db-2} <- StatefulSet db",
			"Pod kube-system/agent-0 {app=agent} <- DaemonSet agent",
			// parallelism 3, but only 2 completions.
			"Pod shop/migrate-0 {app=migrate,batch.kubernetes.io/job-name=migrate,job-name=migrate} <- Job migrate",
			"Pod shop/migrate-1 {app=migrate,batch.kubernetes.io/job-name=migrate,job-name=migrate} <- Job migrate",
			"Pod shop/once-0 {batch.kubernetes.io/job-name=once,job-name=once} <- Job once",
			// One pod per CronJob whatever the job's parallelism.
			"Pod shop/report-0 {app=report} <- CronJob report",
			"Pod default/legacy-0 {app=legacy} <- ReplicationController legacy",
			"Pod default/legacy-1 {app=legacy} <- ReplicationController legacy",
		},
		// Namespaces kube-system and default need no Namespace object.
		notices: []string{"manifest: testdata/workloads.yaml: document 0 (line 1): Pod shop/web-0: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop"},
	}, {
		name:  "directory walked recursively in lexical order",
		paths: []string{"testdata/tree"},
		// UPPER.YAML and notes.txt do not have a manifest extension.
		want: []string{"Pod default/a-y", "Pod default/a-z", "Pod default/b", "Pod default/c-d-e"},
	}, {
		name:  "files named explicitly, in the order given, whatever their extension",
		paths: []string{"testdata/tree/UPPER.YAML", "testdata/tree/b.yaml"},
		want:  []string{"Pod default/upper", "Pod default/b"},
	}, {
		name:  "unknown kinds",
		paths: []string{"testdata/unknown.yaml"},
		want:  []string{"Pod default/web"},
		notices: []string{
			"manifest: testdata/unknown.yaml: document 0 (line 1): ConfigMap shop/settings: skipped: v1 ConfigMap is not simulated",
			"manifest: testdata/unknown.yaml: document 1 (line 9): NetworkPolicy shop/deny-all: skipped: projectcalico.org/v3 NetworkPolicy is not simulated",
			"manifest: testdata/unknown.yaml: document 2 (line 17): CustomResourceDefinition widgets.example.com: skipped: apiextensions.k8s.io/v1 CustomResourceDefinition is not simulated",
		},
	}, {
		name:  "no paths",
		paths: nil,
		want:  nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := manifest.LoadPaths(tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(res.Cluster)); diff != "" {
				t.Errorf("objects mismatch (-want +got):\n%s", diff)
			}
			var notices []string
			for _, n := range res.Notices {
				notices = append(notices, n.String())
			}
			if diff := cmp.Diff(tt.notices, notices); diff != "" {
				t.Errorf("notices mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGeneratedPod checks a generated pod in full: the template's labels,
// annotations and spec, the workload's namespace and a controller reference.
func TestGeneratedPod(t *testing.T) {
	res, err := manifest.LoadPaths("testdata/workloads.yaml")
	if err != nil {
		t.Fatal(err)
	}
	controller := true
	want := corev1.Pod{
		TypeMeta: typeMeta("v1", "Pod"),
		ObjectMeta: metav1.ObjectMeta{
			Name:        "web-0",
			Namespace:   "shop",
			Labels:      map[string]string{"app": "web"},
			Annotations: map[string]string{"note": "from-template"},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Controller: &controller,
			}},
		},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "nginx",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		}}},
	}
	if diff := cmp.Diff(want, res.Cluster.Pods[0]); diff != "" {
		t.Errorf("pod mismatch (-want +got):\n%s", diff)
	}

	// Pods of one workload share no memory.
	db0, db1 := &res.Cluster.Pods[3], &res.Cluster.Pods[4]
	db0.Labels["app"] = "changed"
	if db1.Labels["app"] != "db" {
		t.Errorf("pods of StatefulSet db share their labels")
	}
}

func TestLoadPathsStdin(t *testing.T) {
	f, err := os.Open("testdata/objects.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()

	res, err := manifest.LoadPaths("-", "testdata/tree/b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Namespace shop", "Pod shop/web {app=web}", "Pod default/b"}
	if diff := cmp.Diff(want, summary(res.Cluster)); diff != "" {
		t.Errorf("objects mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		notices []manifest.Notice
	}{{
		name: "crlf line ends and a document without a final newline",
		in:   "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\n\r\n# b\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: b}",
		want: []string{"Namespace a"},
		notices: []manifest.Notice{{
			Source:     manifest.Source{File: "-", Document: 1, Line: 8},
			Reason:     manifest.Skipped,
			APIVersion: "v1", Kind: "ConfigMap", Name: "b",
			Message: "skipped: v1 ConfigMap is not simulated",
		}},
	}, {
		name: "documents of nothing are not counted",
		in:   "---\n---\n# c\n---\nnull\n---\n~\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
		notices: []manifest.Notice{{
			Source:     manifest.Source{File: "-", Document: 0, Line: 9},
			Reason:     manifest.Skipped,
			APIVersion: "v1", Kind: "Secret", Name: "s",
			Message: "skipped: v1 Secret is not simulated",
		}},
	}, {
		name: "json stream with lines",
		in:   "\n\n  {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\nnull\n{\"apiVersion\": \"v1\",\n \"kind\": \"Event\", \"metadata\": {\"name\": \"e\", \"namespace\": \"x\"}}",
		want: []string{"Pod default/a"},
		notices: []manifest.Notice{{
			Source:     manifest.Source{File: "-", Document: 1, Line: 5},
			Reason:     manifest.Skipped,
			APIVersion: "v1", Kind: "Event", Namespace: "x", Name: "e",
			Message: "skipped: v1 Event is not simulated",
		}},
	}, {
		name: "yaml flow mappings that look like json at first",
		in:   "{apiVersion: v1, kind: Pod, metadata: {name: f}}\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: ns}}\n",
		want: []string{"Namespace ns", "Pod default/f"},
	}, {
		name: "empty input",
		in:   "",
	}, {
		name: "a workload with no template runs empty pods",
		in:   "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\n",
		want: []string{"Pod default/d-0 <- DaemonSet d"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := manifest.LoadReader("-", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(res.Cluster)); diff != "" {
				t.Errorf("objects mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notices, res.Notices); diff != "" {
				t.Errorf("notices mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDirectoryDuplicateAcrossFiles checks that a duplicate names both
// files.
func TestDirectoryDuplicateAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n"
	for _, name := range []string{"b.yaml", "a.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(pod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := manifest.LoadPaths(dir)
	want := fmt.Sprintf("manifest: %[1]s/b.yaml: document 0 (line 1): Pod ns/p: duplicate object, first defined at %[1]s/a.yaml: document 0 (line 1)", dir)
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// TestPathGivenTwice: a file reached twice (the same path, another
// spelling, a symbolic link, or inside a directory also given) is read
// once, so its objects are no duplicates of themselves.
func TestPathGivenTwice(t *testing.T) {
	dir := t.TempDir()
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n"
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.yaml")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{
		{file, file},
		{file, dir + "/./a.yaml"},
		{dir, file},
		{file, dir},
		{link, file},
	} {
		res, err := manifest.LoadPaths(paths...)
		if err != nil {
			t.Errorf("LoadPaths(%q): %v", paths, err)
			continue
		}
		if len(res.Cluster.Pods) != 1 {
			t.Errorf("LoadPaths(%q): %d pods; want 1", paths, len(res.Cluster.Pods))
		}
	}
}
