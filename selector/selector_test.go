package selector

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"
)

// Keys and values are drawn from small pools so that selectors and objects
// collide often; a few of them break label syntax on purpose.
var (
	keyPool   = []string{"app", "tier", "env", "example.com/team", "a", "kubernetes.io/metadata.name", "Bad Key", "-x", ""}
	valuePool = []string{"", "db", "web", "prod", "x", "a.b-c_d", "bad value", "-lead"}
	opPool    = []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist, "Equals", ""}
)

// validKeys and validValues never break label syntax.
var (
	validKeys   = keyPool[:6]
	validValues = valuePool[:6]
)

func genLabels(keys, values []string) *rapid.Generator[map[string]string] {
	return rapid.MapOfN(rapid.SampledFrom(keys), rapid.SampledFrom(values), 0, 4)
}

func genSelector(keys, values []string, ops []metav1.LabelSelectorOperator) *rapid.Generator[*metav1.LabelSelector] {
	return rapid.Custom(func(t *rapid.T) *metav1.LabelSelector {
		if rapid.IntRange(0, 9).Draw(t, "nil") == 0 {
			return nil
		}
		ls := &metav1.LabelSelector{}
		if rapid.Bool().Draw(t, "hasMatchLabels") {
			ls.MatchLabels = genLabels(keys, values).Draw(t, "matchLabels")
		}
		n := rapid.IntRange(0, 3).Draw(t, "expressions")
		for i := 0; i < n; i++ {
			ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{
				Key:      rapid.SampledFrom(keys).Draw(t, "key"),
				Operator: rapid.SampledFrom(ops).Draw(t, "op"),
				Values:   rapid.SliceOfN(rapid.SampledFrom(values), 0, 3).Draw(t, "values"),
			})
		}
		return ls
	})
}

// TestMatchesAgreesWithApimachinery is the main property: for any selector,
// Compile fails exactly when apimachinery refuses it, and otherwise Matches
// and Index.Select give apimachinery's answer for every object.
func TestMatchesAgreesWithApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var ls *metav1.LabelSelector
		if rapid.Bool().Draw(t, "onlyValid") {
			ls = genSelector(validKeys, validValues, opPool[:4]).Draw(t, "selector")
		} else {
			ls = genSelector(keyPool, valuePool, opPool).Draw(t, "selector")
		}
		objects := rapid.SliceOfN(genLabels(validKeys, validValues), 0, 12).Draw(t, "objects")

		ref, refErr := metav1.LabelSelectorAsSelector(ls)
		got, err := Compile(ls)
		if (err != nil) != (refErr != nil) {
			t.Fatalf("Compile error %v, apimachinery error %v", err, refErr)
		}
		if errs := ValidateAt(ls, nil); (len(errs) > 0) != (refErr != nil) {
			t.Fatalf("ValidateAt errors %v, apimachinery error %v", errs, refErr)
		}
		if err != nil {
			return
		}
		ix := NewIndex(objects)
		sel := ix.Select(got)
		for i, obj := range objects {
			want := ref.Matches(labels.Set(obj))
			if got.Matches(obj) != want {
				t.Fatalf("selector %s on %v: Matches = %v, apimachinery says %v", got, obj, !want, want)
			}
			if sel.Has(i) != want {
				t.Fatalf("selector %s on object %d %v: Index.Select = %v, apimachinery says %v", got, i, obj, !want, want)
			}
		}
		if sel.Count() > len(objects) {
			t.Fatalf("Index.Select returned %v for %d objects", sel, len(objects))
		}
	})
}

func TestNilAndEmpty(t *testing.T) {
	none, err := Compile(nil)
	if err != nil || !none.MatchesNothing() || none.Matches(map[string]string{}) || none.Matches(nil) {
		t.Errorf("nil selector: %v %v, should match nothing", none, err)
	}
	all, err := Compile(&metav1.LabelSelector{})
	if err != nil || !all.MatchesEverything() || !all.Matches(nil) {
		t.Errorf("empty selector: %v %v, should match everything", all, err)
	}
	if (Selector{}).Matches(map[string]string{"a": "b"}) {
		t.Error("zero Selector matched")
	}
}

// TestNotInMatchesMissingKey pins the case two other tools get wrong.
func TestNotInMatchesMissingKey(t *testing.T) {
	s, err := Compile(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"prod"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		labels map[string]string
		want   bool
	}{
		{nil, true},
		{map[string]string{"app": "db"}, true},
		{map[string]string{"env": "dev"}, true},
		{map[string]string{"env": "prod"}, false},
	} {
		if got := s.Matches(c.labels); got != c.want {
			t.Errorf("env notin (prod) on %v = %v, want %v", c.labels, got, c.want)
		}
	}
	ix := NewIndex([]map[string]string{nil, {"app": "db"}, {"env": "dev"}, {"env": "prod"}})
	if got := ix.Select(s).Slice(); !cmp.Equal(got, []int{0, 1, 2}) {
		t.Errorf("Index.Select = %v, want [0 1 2]", got)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		in   *metav1.LabelSelector
		want string
	}{
		{
			name: "unknown operator",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Equals", Values: []string{"b"}}}},
			want: `selector: matchExpressions[0].operator: invalid value "Equals": not a valid selector operator`,
		},
		{
			name: "In without values",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpIn}}},
			want: "selector: matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
		},
		{
			name: "NotIn without values",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpNotIn}}},
			want: "selector: matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
		},
		{
			name: "Exists with values",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpExists, Values: []string{"b"}}}},
			want: "selector: matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		},
		{
			name: "DoesNotExist with values",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpDoesNotExist, Values: []string{"b"}}}},
			want: "selector: matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		},
		{
			name: "bad key in matchLabels",
			in:   &metav1.LabelSelector{MatchLabels: map[string]string{"bad key": "x"}},
			want: `selector: matchLabels[bad key]: invalid value "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		},
		{
			name: "bad value in expression",
			in:   &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpIn, Values: []string{"ok", "-bad"}}}},
			want: `selector: matchExpressions[0].values[1]: invalid value "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.in)
			if err == nil {
				t.Fatal("Compile succeeded")
			}
			if diff := cmp.Diff(c.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileReportsEveryProblemInOrder checks that all problems come back,
// matchLabels in key order, then expressions in spec order.
func TestCompileReportsEveryProblemInOrder(t *testing.T) {
	_, errs := CompileAt(&metav1.LabelSelector{
		MatchLabels: map[string]string{"z z": "1", "a a": "1"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "k", Operator: metav1.LabelSelectorOpIn},
			{Key: "k", Operator: "Bogus"},
		},
	}, nil)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	want := []string{"matchLabels[a a]", "matchLabels[z z]", "matchExpressions[0].values", "matchExpressions[1].operator"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}

// TestValidateAt: ValidateAt reports what CompileAt reports, in the same
// order with the same paths, and allocates nothing for a valid selector.
func TestValidateAt(t *testing.T) {
	bad := &metav1.LabelSelector{
		MatchLabels: map[string]string{"z z": "1", "a a": "1", "ok": "ok"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "k", Operator: metav1.LabelSelectorOpIn},
			{Key: "k", Operator: metav1.LabelSelectorOpIn, Values: []string{"v"}},
			{Key: "k", Operator: "Bogus"},
		},
	}
	path := field.NewPath("spec", "podSelector")
	_, want := CompileAt(bad, path)
	if diff := cmp.Diff(want, ValidateAt(bad, path)); diff != "" || len(want) != 4 {
		t.Errorf("ValidateAt (-CompileAt +ValidateAt):\n%s", diff)
	}
	valid := &metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": "web", "example.com/team": "a"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"db", "x"}}},
	}
	for _, ls := range []*metav1.LabelSelector{nil, {}, valid} {
		if errs := ValidateAt(ls, path); errs != nil {
			t.Errorf("ValidateAt(%v) = %v", ls, errs)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ValidateAt(valid, path) }); n != 0 {
		t.Errorf("ValidateAt of a valid selector: %v allocations", n)
	}
}

func TestString(t *testing.T) {
	s, err := Compile(&metav1.LabelSelector{
		MatchLabels: map[string]string{"app": "db"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"b", "a", "b"}},
			{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist},
			{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"prod"}},
			{Key: "team", Operator: metav1.LabelSelectorOpExists},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "app=db,env notin (prod),!legacy,team,tier in (a,b)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := s.Keys(), []string{"app", "env", "legacy", "team", "tier"}; !cmp.Equal(got, want) {
		t.Errorf("Keys() = %v, want %v", got, want)
	}
	if Nothing().String() != "<none>" || Everything().String() != "<all>" {
		t.Errorf("Nothing %q, Everything %q", Nothing(), Everything())
	}
}

func FuzzCompile(f *testing.F) {
	f.Add("app", "In", "db", "web")
	f.Add("a b", "Exists", "", "")
	f.Add("example.com/x", "NotIn", "", "-")
	f.Fuzz(func(t *testing.T, key, op, v1, v2 string) {
		ls := &metav1.LabelSelector{
			MatchLabels:      map[string]string{key: v1},
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOperator(op), Values: []string{v1, v2}}},
		}
		ref, refErr := metav1.LabelSelectorAsSelector(ls)
		got, err := Compile(ls)
		if (err != nil) != (refErr != nil) {
			t.Fatalf("Compile error %v, apimachinery error %v", err, refErr)
		}
		if errs := ValidateAt(ls, nil); (len(errs) > 0) != (refErr != nil) {
			t.Fatalf("ValidateAt errors %v, apimachinery error %v", errs, refErr)
		}
		if err == nil {
			obj := map[string]string{key: v2}
			if got.Matches(obj) != ref.Matches(labels.Set(obj)) {
				t.Fatalf("selector %s disagrees with apimachinery on %v", got, obj)
			}
		}
	})
}

func TestValues(t *testing.T) {
	s, err := Compile(&metav1.LabelSelector{
		MatchLabels: map[string]string{"app": "db"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"web", "db"}},
			{Key: "team", Operator: metav1.LabelSelectorOpExists},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key       string
		values    []string
		mentioned bool
	}{
		{"app", []string{"db", "web"}, true},
		{"team", nil, true},
		{"env", nil, false},
	} {
		values, mentioned := s.Values(c.key)
		if !cmp.Equal(values, c.values, cmpopts.EquateEmpty()) || mentioned != c.mentioned {
			t.Errorf("Values(%q) = %v, %v; want %v, %v", c.key, values, mentioned, c.values, c.mentioned)
		}
	}
}

// TestKeyValuesAgreesWithRequirements checks Keys, Values and KeyValues
// against the selector as written: the keys of matchLabels and
// matchExpressions, and for each key the values of its =, in and notin
// requirements, sorted and without duplicates.
func TestKeyValuesAgreesWithRequirements(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := genSelector(validKeys, validValues, opPool[:4]).Draw(t, "selector")
		s, err := Compile(ls)
		if err != nil {
			t.Skip("invalid selector") // validity is TestMatchesAgreesWithApimachinery's
		}
		want := map[string][]string{}
		if ls != nil {
			for k, v := range ls.MatchLabels {
				want[k] = append(want[k], v)
			}
			for _, e := range ls.MatchExpressions {
				want[e.Key] = append(want[e.Key], e.Values...)
				if e.Operator == metav1.LabelSelectorOpExists || e.Operator == metav1.LabelSelectorOpDoesNotExist {
					want[e.Key] = want[e.Key][:len(want[e.Key])-len(e.Values)]
				}
			}
		}
		for k, vs := range want {
			want[k] = slices.Compact(slices.Sorted(slices.Values(vs)))
		}
		got := map[string][]string{}
		var order []string
		for k, vs := range s.KeyValues() {
			got[k] = vs
			order = append(order, k)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("KeyValues of %s (-want +got):\n%s", s, diff)
		}
		if !slices.Equal(order, s.Keys()) {
			t.Fatalf("KeyValues yields keys %v, Keys says %v", order, s.Keys())
		}
		for _, k := range validKeys {
			vs, ok := s.Values(k)
			_, mentioned := want[k]
			if ok != mentioned || !slices.Equal(vs, want[k]) && (len(vs) > 0 || len(want[k]) > 0) {
				t.Fatalf("Values(%q) of %s = %v, %v; want %v, %v", k, s, vs, ok, want[k], mentioned)
			}
		}
	})
}
