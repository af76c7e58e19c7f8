package manifest

import (
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	const input = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
# a comment
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector: {}
  - ports:
    - port: 5432
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a, namespace: shop}
  spec: {ports: [{port: 80}]}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    replicas: 2
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: c, image: i}]}
`
	res, err := LoadReader("in.yaml", strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind, ns, name, path string
		doc, line            int
		item                 string
	}{
		{"Namespace", "", "shop", "", 0, 1, ""},
		{"NetworkPolicy", "shop", "db", "", 1, 7, ""},
		{"NetworkPolicy", "shop", "db", "spec.ingress[1]", 1, 17, ""},
		{"NetworkPolicy", "shop", "db", "spec.ingress[1].ports[0].port", 1, 18, ""},
		{"NetworkPolicy", "shop", "db", "spec.nosuchfield", 1, 12, ""}, // the nearest enclosing field
		{"Service", "shop", "a", "", 2, 23, "items[0]"},
		{"Deployment", "default", "web", "", 2, 27, "items[1]"},
		{"Pod", "default", "web-1", "", 2, 27, "items[1]"},
		{"Pod", "default", "web-1", "spec.containers[0]", 2, 35, "items[1]"},
		{"Pod", "default", "web-1", "metadata.labels[app]", 2, 34, "items[1]"},
		{"Pod", "default", "web-1", "metadata.name", 2, 33, "items[1]"},
	} {
		src, ok := res.FieldSource(c.kind, c.ns, c.name, c.path)
		if !ok {
			t.Errorf("%s %s/%s: not found", c.kind, c.ns, c.name)
			continue
		}
		if src.File != "in.yaml" || src.Document != c.doc || src.Line != c.line || src.Item != c.item {
			t.Errorf("%s %s/%s %q: got %+v, want document %d line %d item %q", c.kind, c.ns, c.name, c.path, src, c.doc, c.line, c.item)
		}
	}
	if src, ok := res.Source("NetworkPolicy", "shop", "db"); !ok || src.Line != 7 {
		t.Errorf("Source: %+v %v", src, ok)
	}
	if _, ok := res.Source("Namespace", "", "default"); ok {
		t.Error("the implied namespace default has a source")
	}
	if _, ok := res.Source("NetworkPolicy", "shop", "nope"); ok {
		t.Error("a missing object has a source")
	}
	var none *Result
	if _, ok := none.Source("Pod", "a", "b"); ok {
		t.Error("a nil Result has a source")
	}
}

// FuzzFieldSource looks up arbitrary field paths in arbitrary input: it
// must never panic, and a line it gives is inside the input.
func FuzzFieldSource(f *testing.F) {
	f.Add("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\nspec: {ports: [{port: 80}]}\n", "spec.ports[0].port")
	f.Add(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","namespace":"b"}}]}`, "metadata[")
	f.Add("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\n", "spec.ports[99].x[y]..[-1]")
	f.Fuzz(func(t *testing.T, input, path string) {
		res, err := LoadReader("in", strings.NewReader(input))
		if err != nil {
			return
		}
		lines := strings.Count(input, "\n") + 1
		for k := range res.origins {
			src, ok := res.FieldSource(k.kind, k.namespace, k.name, path)
			if !ok {
				t.Fatalf("%v: no source", k)
			}
			if src.Line < 0 || src.Line > lines {
				t.Fatalf("%v %q: line %d of %d", k, path, src.Line, lines)
			}
		}
	})
}

func TestTemplatePath(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{"Deployment", "spec.containers[1].ports[0]", "spec.template.spec.containers[1].ports[0]"},
		{"StatefulSet", "spec", "spec.template.spec"},
		{"CronJob", "spec.containers[0]", "spec.jobTemplate.spec.template.spec.containers[0]"},
		{"Job", "metadata.labels[app]", "spec.template.metadata.labels[app]"},
		{"DaemonSet", "metadata.annotations.a", "spec.template.metadata.annotations.a"},
		{"Deployment", "metadata.name", "spec.template"},
		{"Deployment", "specimen", "spec.template"},
	} {
		if got := templatePath(c.kind, c.in); got != c.want {
			t.Errorf("templatePath(%s, %s) = %s, want %s", c.kind, c.in, got, c.want)
		}
	}
}

// TestDropText: with Options.DropText every object keeps its own line
// (items of JSON and YAML lists included), FieldSource falls back to it,
// and no object still reaches its document's text.
func TestDropText(t *testing.T) {
	const yamlIn = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: db, namespace: shop}
  spec:
    podSelector: {}
    ingress:
    - from: [{podSelector: {}}]
`
	const jsonIn = `{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop"},"spec":{"containers":[{"name":"c","image":"i"}]}},
{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"shop"},
 "spec":{"ports":[{"port":80}]}}]}
`
	for name, in := range map[string]string{"in.yaml": yamlIn, "in.json": jsonIn} {
		kept, err := LoadReader(name, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		dropped, err := Options{DropText: true}.LoadReader(name, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(dropped.origins) != len(kept.origins) || len(kept.origins) == 0 {
			t.Fatalf("%s: %d objects with DropText, %d without", name, len(dropped.origins), len(kept.origins))
		}
		for k, at := range dropped.origins {
			if at.o.d != nil {
				t.Errorf("%s: %v still reaches its document", name, k)
			}
			want, _ := kept.Source(k.kind, k.namespace, k.name)
			got, ok := dropped.Source(k.kind, k.namespace, k.name)
			if !ok || got != want || got.Line == 0 {
				t.Errorf("%s: Source of %v = %v, %v; want %v", name, k, got, ok, want)
			}
			if field, ok := dropped.FieldSource(k.kind, k.namespace, k.name, "spec"); !ok || field != want {
				t.Errorf("%s: FieldSource of %v spec = %v, %v; want the object's %v", name, k, field, ok, want)
			}
		}
	}
}

// TestDropTextMergeProblems: problems that the merge finds (a duplicate)
// still name the items' own lines when the text is dropped before it.
func TestDropTextMergeProblems(t *testing.T) {
	const in = `{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}},

{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}]}
`
	for _, drop := range []bool{false, true} {
		_, err := Options{DropText: drop}.LoadReader("in.json", strings.NewReader(in))
		want := "in.json: document 0 (line 4): items[1]: Namespace shop: duplicate object, first defined at in.json: document 0 (line 2): items[0]"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DropText %v: error %v, want %q", drop, err, want)
		}
	}
}
