package manifest

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// TestSharedParts: replicas with equal labels, owner and containers share
// one copy of each; a pod that differs in any of them keeps its own; what
// is loaded is what each pod says.
func TestSharedParts(t *testing.T) {
	pod := func(name, app, image string) string {
		return fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"namespace":"shop","labels":{"app":%q,"tier":"web"},
"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true}]},
"spec":{"containers":[{"name":"c","image":%q,"ports":[{"name":"http","containerPort":8080}]}]},"status":{"phase":"Running","podIP":"10.0.0.%d"}}`,
			name, app, image, len(name))
	}
	in := pod("a", "web", "i:1") + "\n" + pod("bb", "web", "i:1") + "\n" + pod("ccc", "api", "i:1") + "\n" + pod("dddd", "web", "i:2")
	res, err := LoadReader("pods.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	p := res.Cluster.Pods
	if len(p) != 4 {
		t.Fatalf("%d pods", len(p))
	}
	same := func(x, y any) bool { return reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer() }
	if !same(p[0].Labels, p[1].Labels) || !same(p[0].Labels, p[3].Labels) || same(p[0].Labels, p[2].Labels) {
		t.Error("labels: want a, bb and dddd to share, ccc its own")
	}
	if p[2].Labels["app"] != "api" || p[0].Labels["app"] != "web" {
		t.Errorf("labels %v, %v", p[0].Labels, p[2].Labels)
	}
	if !same(p[0].Spec.Containers, p[1].Spec.Containers) || !same(p[0].Spec.Containers, p[2].Spec.Containers) || same(p[0].Spec.Containers, p[3].Spec.Containers) {
		t.Error("containers: want a, bb and ccc to share, dddd its own")
	}
	if p[3].Spec.Containers[0].Image != "i:2" {
		t.Errorf("dddd's image %q", p[3].Spec.Containers[0].Image)
	}
	if !same(p[0].OwnerReferences, p[3].OwnerReferences) {
		t.Error("owner references: want all to share")
	}
}

// TestShareSelector: selectors share exactly when they are equal, nil and
// empty parts told apart.
func TestShareSelector(t *testing.T) {
	labels := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "c"}), 0, 2)
	gen := rapid.Custom(func(t *rapid.T) *metav1.LabelSelector {
		s := &metav1.LabelSelector{}
		if rapid.Bool().Draw(t, "labels") {
			s.MatchLabels = map[string]string{}
			for _, k := range labels.Draw(t, "keys") {
				s.MatchLabels[k] = rapid.SampledFrom([]string{"x", "y"}).Draw(t, "value")
			}
		}
		if rapid.Bool().Draw(t, "exprs") {
			s.MatchExpressions = []metav1.LabelSelectorRequirement{}
			for range rapid.IntRange(0, 2).Draw(t, "n") {
				r := metav1.LabelSelectorRequirement{Key: rapid.SampledFrom([]string{"a", "b"}).Draw(t, "key"), Operator: metav1.LabelSelectorOpIn}
				if rapid.Bool().Draw(t, "values") {
					r.Values = labels.Draw(t, "vs")
				}
				s.MatchExpressions = append(s.MatchExpressions, r)
			}
		}
		return s
	})
	in := func(values []string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpExists, Values: values}}}
	}
	for _, c := range [][2]*metav1.LabelSelector{
		{{}, {MatchLabels: map[string]string{}}},
		{{}, {MatchExpressions: []metav1.LabelSelectorRequirement{}}},
		{in(nil), in([]string{})},
		{in([]string{"x"}), in([]string{"y"})},
		{{MatchLabels: map[string]string{"a": "x"}}, {MatchLabels: map[string]string{"a": "y"}}},
	} {
		if selectorEqual(c[0], c[1]) || selectorEqual(c[1], c[0]) {
			t.Errorf("selectorEqual says %#v and %#v are equal", c[0], c[1])
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		s := newSharer()
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		if a.MatchLabels != nil && b.MatchLabels != nil && maps.Equal(a.MatchLabels, b.MatchLabels) && rapid.Bool().Draw(t, "one map") {
			b.MatchLabels = a.MatchLabels // as strictjson.Shared gives for one text
		}
		first := s.selector(a)
		got := s.selector(b)
		if first != a {
			t.Fatal("the first selector was not kept")
		}
		equal := reflect.DeepEqual(a, b)
		if selectorEqual(a, b) != equal {
			t.Fatalf("selectorEqual %v, DeepEqual %v:\n%#v\n%#v", !equal, equal, a, b)
		}
		if equal != (got == a) {
			t.Fatalf("DeepEqual %v, shared %v:\n%#v\n%#v", equal, got == a, a, b)
		}
	})
}

// TestKindNames: the kind each entry of the table sets on its objects is
// its own name, and every conversion is of a kind in the table.
func TestKindNames(t *testing.T) {
	for name, k := range kinds {
		if k.kind != name {
			t.Errorf("kinds[%q].kind = %q", name, k.kind)
		}
	}
	for c := range conversions {
		if _, kind, _ := strings.Cut(c, " "); kinds[kind] == nil {
			t.Errorf("conversion %q: %s is not in kinds", c, kind)
		}
	}
}
