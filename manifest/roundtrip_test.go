package manifest_test

// A round-trip property: any cluster that package fuzz generates, written
// out as manifests (a multi-document YAML stream, or a stream of JSON
// objects) and loaded back with LoadReader, has the same objects and
// compiles to the same allow matrix.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
	"sigs.k8s.io/yaml"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// rtObjects returns every object of c with its apiVersion and kind set, as
// a manifest carries them: Namespaces, Pods, Services, NetworkPolicies,
// Nodes and Ingresses, in that order. The objects are copies.
func rtObjects(c simulate.Cluster) []any {
	tm := func(apiVersion, kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
	}
	var objs []any
	for _, o := range c.Namespaces {
		o := o.DeepCopy()
		o.TypeMeta = tm("v1", "Namespace")
		objs = append(objs, o)
	}
	for _, o := range c.Pods {
		o := o.DeepCopy()
		o.TypeMeta = tm("v1", "Pod")
		objs = append(objs, o)
	}
	for _, o := range c.Services {
		o := o.DeepCopy()
		o.TypeMeta = tm("v1", "Service")
		objs = append(objs, o)
	}
	for _, o := range c.NetworkPolicies {
		o := o.DeepCopy()
		o.TypeMeta = tm("networking.k8s.io/v1", "NetworkPolicy")
		objs = append(objs, o)
	}
	for _, o := range c.Nodes {
		o := o.DeepCopy()
		o.TypeMeta = tm("v1", "Node")
		objs = append(objs, o)
	}
	for _, o := range c.Ingresses {
		o := o.DeepCopy()
		o.TypeMeta = tm("networking.k8s.io/v1", "Ingress")
		objs = append(objs, o)
	}
	return objs
}

// rtEncode writes objs as one stream: YAML documents separated by "---"
// lines, or JSON objects one after another.
func rtEncode(t *rapid.T, objs []any, asJSON bool) []byte {
	var buf bytes.Buffer
	for _, o := range objs {
		var doc []byte
		var err error
		if asJSON {
			doc, err = json.Marshal(o)
		} else {
			doc, err = yaml.Marshal(o)
			buf.WriteString("---\n")
		}
		if err != nil {
			t.Fatalf("marshal %T: %v", o, err)
		}
		buf.Write(doc)
		buf.WriteString("\n")
	}
	return buf.Bytes()
}

// rtEncodeList writes objs as kubectl get -o yaml|json writes a dump: one
// v1 List whose items carry the metadata the API server sets (uid,
// resourceVersion, creationTimestamp, managedFields) and a status.
func rtEncodeList(t *rapid.T, objs []any, asJSON bool) []byte {
	items := make([]any, len(objs))
	for i, o := range objs {
		js, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("marshal %T: %v", o, err)
		}
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatal(err)
		}
		meta, _ := m["metadata"].(map[string]any)
		meta["uid"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		meta["resourceVersion"] = fmt.Sprint(1000 + i)
		meta["creationTimestamp"] = "2024-05-01T10:00:00Z"
		meta["managedFields"] = []any{map[string]any{
			"manager": "kubectl", "operation": "Update", "apiVersion": m["apiVersion"],
			"time": "2024-05-01T10:00:00Z", "fieldsType": "FieldsV1",
			"fieldsV1": map[string]any{"f:metadata": map[string]any{}},
		}}
		if _, ok := m["status"]; !ok {
			m["status"] = map[string]any{}
		}
		items[i] = m
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}, "items": items}
	var out []byte
	var err error
	if asJSON {
		out, err = json.MarshalIndent(list, "", "    ")
	} else {
		out, err = yaml.Marshal(list)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rtCompile(t *rapid.T, c simulate.Cluster, ipb bool, what string) *simulate.Model {
	m, err := simulate.Compile(c, simulate.IPBlockMatchesPods(ipb))
	if err != nil {
		t.Fatalf("Compile(%s): %v", what, err)
	}
	return m
}

// propRoundTrip: serialize a generated cluster (as a stream of documents,
// or as one List such as kubectl writes for a dump), load it back, and compare
// the object counts and, with ipBlocks matching pods or not, the two
// models: their pods, the pods each policy selects and each of its rules
// admits (Model.SelectedBy, Model.RulePeers), and the ports of every
// ordered pair of pods. Objects
// are not compared field by field: the loader may set fields such as
// apiVersion and kind.
func propRoundTrip(t *rapid.T) {
	c := fuzz.Cluster().Draw(t, "cluster")
	asJSON := rapid.Bool().Draw(t, "as JSON")
	var data []byte
	if rapid.Bool().Draw(t, "as a kubectl List dump") {
		data = rtEncodeList(t, rtObjects(c), asJSON)
	} else {
		data = rtEncode(t, rtObjects(c), asJSON)
	}
	res, err := manifest.LoadReader("roundtrip", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("LoadReader: %v\ninput:\n%s", err, data)
	}
	for _, n := range res.Notices {
		// The generated clusters need not have a Namespace object for
		// every namespace of their pods.
		if n.Reason != manifest.ImpliedNamespace {
			t.Fatalf("LoadReader skipped objects: %v\ninput:\n%s", res.Notices, data)
		}
	}
	got := res.Cluster
	for _, n := range []struct {
		kind      string
		want, got int
	}{
		{"Namespace", len(c.Namespaces), len(got.Namespaces)},
		{"Pod", len(c.Pods), len(got.Pods)},
		{"Service", len(c.Services), len(got.Services)},
		{"NetworkPolicy", len(c.NetworkPolicies), len(got.NetworkPolicies)},
		{"Node", len(c.Nodes), len(got.Nodes)},
		{"Ingress", len(c.Ingresses), len(got.Ingresses)},
	} {
		if n.got != n.want {
			t.Fatalf("%d %s objects written, %d loaded\ninput:\n%s", n.want, n.kind, n.got, data)
		}
	}
	for _, ipb := range []bool{true, false} {
		m1, m2 := rtCompile(t, c, ipb, "generated"), rtCompile(t, got, ipb, "loaded")
		pods := m1.Pods()
		if p2 := m2.Pods(); !slices.Equal(pods, p2) {
			t.Fatalf("pods %v, loaded %v\ninput:\n%s", pods, p2, data)
		}
		// Which pods each policy selects, and each of its rules admits:
		// these show a lost label even where other rules hide it in the
		// matrix.
		for _, p := range m1.Policies() {
			id := simulate.ObjectID{Namespace: p.Namespace, Name: p.Name}
			rtSame(t, data, "SelectedBy("+id.String()+")", func(m *simulate.Model) ([]simulate.PodID, error) { return m.SelectedBy(id) }, m1, m2)
			for _, d := range []struct {
				dir   simulate.Direction
				rules int
			}{{simulate.Ingress, len(p.IngressRules)}, {simulate.Egress, len(p.EgressRules)}} {
				for i := range d.rules {
					rtSame(t, data, fmt.Sprintf("RulePeers(%s, %s, %d)", id, d.dir, i), func(m *simulate.Model) ([]simulate.PodID, error) {
						return m.RulePeers(simulate.RuleRef{Policy: id, Direction: d.dir, Index: i})
					}, m1, m2)
				}
			}
		}
		mx1, mx2 := m1.Matrix(), m2.Matrix()
		for _, a := range pods {
			for _, b := range pods {
				if p1, p2 := mustPorts(mx1.Ports(a, b)), mustPorts(mx2.Ports(a, b)); !p1.Equal(p2) {
					t.Fatalf("IPBlockMatchesPods(%v): %v → %v: generated cluster allows %v, loaded one %v\ninput:\n%s", ipb, a, b, p1, p2, data)
				}
			}
		}
	}
}

// rtSame fails unless q gives the same pods on both models.
func rtSame(t *rapid.T, data []byte, what string, q func(*simulate.Model) ([]simulate.PodID, error), m1, m2 *simulate.Model) {
	p1, err1 := q(m1)
	p2, err2 := q(m2)
	if err1 != nil || err2 != nil || !slices.Equal(p1, p2) {
		t.Fatalf("%s: generated cluster %v (%v), loaded one %v (%v)\ninput:\n%s", what, p1, err1, p2, err2, data)
	}
}

func TestRoundTrip(t *testing.T) { rapid.Check(t, propRoundTrip) }

func FuzzRoundTrip(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propRoundTrip)) }
