package selector

import (
	"iter"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/internal/fielderr"
	"github.com/netpolsim/netpolsim/internal/k8sname"
)

// kind says which of the three shapes a Selector has.
type kind uint8

const (
	nothing    kind = iota // nil selector: matches no object
	everything             // {}: matches every object
	someLabels             // one or more requirements, ANDed
)

// Selector is a compiled, validated label selector. Matching never fails.
//
// The zero Selector matches nothing, like a nil *metav1.LabelSelector.
// Selectors are immutable values, safe to copy and to use concurrently.
type Selector struct {
	kind kind
	reqs []requirement // sorted by key, then operator; only for someLabels
}

// requirement is one clause of a selector: key op values.
type requirement struct {
	key    string
	op     selection.Operator // Equals, In, NotIn, Exists or DoesNotExist
	values []string           // sorted and deduplicated; empty for Exists and DoesNotExist
}

// Nothing returns the selector that matches no object (a nil selector).
func Nothing() Selector { return Selector{} }

// Everything returns the selector that matches every object ({}).
func Everything() Selector { return Selector{kind: everything} }

// Error is the error returned by [Compile]: every problem of one selector as
// field errors, in the order they were found.
type Error struct {
	Errs field.ErrorList
}

func (e *Error) Error() string { return fielderr.Lines("selector", e.Errs) }

// Compile validates ls as the API server validates a label selector and
// compiles it. A nil ls compiles to [Nothing] and an empty one to
// [Everything]. On invalid input it returns an *[Error] listing every problem.
func Compile(ls *metav1.LabelSelector) (Selector, error) {
	s, errs := CompileAt(ls, nil)
	if len(errs) > 0 {
		return Selector{}, &Error{Errs: errs}
	}
	return s, nil
}

// CompileAt is [Compile] for a selector that sits at path inside a larger
// object (path may be nil): the problems come back as field errors whose paths
// start with path, for the caller to report with its own.
func CompileAt(ls *metav1.LabelSelector, path *field.Path) (Selector, field.ErrorList) {
	if ls == nil {
		return Nothing(), nil
	}
	if errs := ValidateAt(ls, path); len(errs) > 0 {
		return Selector{}, errs
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return Everything(), nil
	}
	keys := make([]string, 0, len(ls.MatchLabels))
	for k := range ls.MatchLabels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	reqs := make([]requirement, 0, len(keys)+len(ls.MatchExpressions))
	for _, k := range keys {
		reqs = append(reqs, requirement{key: k, op: selection.Equals, values: []string{ls.MatchLabels[k]}})
	}
	for _, expr := range ls.MatchExpressions {
		r := requirement{key: expr.Key, values: slices.Compact(slices.Sorted(slices.Values(expr.Values)))}
		switch expr.Operator {
		case metav1.LabelSelectorOpIn:
			r.op = selection.In
		case metav1.LabelSelectorOpNotIn:
			r.op = selection.NotIn
		case metav1.LabelSelectorOpExists:
			r.op, r.values = selection.Exists, nil
		case metav1.LabelSelectorOpDoesNotExist:
			r.op, r.values = selection.DoesNotExist, nil
		}
		reqs = append(reqs, r)
	}
	slices.SortStableFunc(reqs, func(a, b requirement) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(string(a.op), string(b.op))
	})
	return Selector{kind: someLabels, reqs: reqs}, nil
}

// ValidateAt returns the problems that [CompileAt] reports for ls at path,
// without compiling it: nil when ls is valid (a nil ls is). It costs
// O(labels + expressions) and allocates nothing for a valid selector.
func ValidateAt(ls *metav1.LabelSelector, path *field.Path) field.ErrorList {
	if ls == nil {
		return nil
	}
	valid := true
	for k, v := range ls.MatchLabels {
		// The common case, without apimachinery's regular expressions.
		valid = valid && k8sname.LabelKey(k) && k8sname.LabelValue(v)
	}
	for _, expr := range ls.MatchExpressions {
		valid = valid && requirementValid(expr) // nor a path
	}
	if valid {
		return nil
	}
	var errs field.ErrorList
	keys := make([]string, 0, len(ls.MatchLabels))
	for k := range ls.MatchLabels {
		keys = append(keys, k)
	}
	slices.Sort(keys) // map order must not decide the order of the errors
	for _, k := range keys {
		if k8sname.LabelKey(k) && k8sname.LabelValue(ls.MatchLabels[k]) {
			continue
		}
		errs = append(errs, metav1validation.ValidateLabels(map[string]string{k: ls.MatchLabels[k]}, path.Child("matchLabels").Key(k))...)
	}
	for i, expr := range ls.MatchExpressions {
		if requirementValid(expr) {
			continue
		}
		errs = append(errs, metav1validation.ValidateLabelSelectorRequirement(expr, metav1validation.LabelSelectorValidationOptions{}, path.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// requirementValid reports whether metav1validation.ValidateLabelSelectorRequirement
// (with default options) finds nothing wrong with r.
func requirementValid(r metav1.LabelSelectorRequirement) bool {
	switch r.Operator {
	case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
		if len(r.Values) == 0 {
			return false
		}
	case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			return false
		}
	default:
		return false
	}
	if !k8sname.LabelKey(r.Key) {
		return false
	}
	for _, v := range r.Values {
		if !k8sname.LabelValue(v) {
			return false
		}
	}
	return true
}

// MatchesNothing reports whether s is the nil selector. A selector that can
// match nothing for other reasons (say a=1 and a=2) still reports false.
func (s Selector) MatchesNothing() bool { return s.kind == nothing }

// MatchesEverything reports whether s is the empty selector {}.
func (s Selector) MatchesEverything() bool { return s.kind == everything }

// Matches reports whether an object with the given labels is selected.
// A nil labels map is an object without labels. It costs O(requirements).
func (s Selector) Matches(labels map[string]string) bool {
	switch s.kind {
	case nothing:
		return false
	case everything:
		return true
	}
	for _, r := range s.reqs {
		v, ok := labels[r.key]
		switch r.op {
		case selection.Exists:
			if !ok {
				return false
			}
		case selection.DoesNotExist:
			if ok {
				return false
			}
		case selection.NotIn:
			if ok && slices.Contains(r.values, v) {
				return false
			}
		default: // Equals, In
			if !ok || !slices.Contains(r.values, v) {
				return false
			}
		}
	}
	return true
}

// String renders s in kubectl's selector syntax, e.g.
// "app=db,tier in (a,b),!legacy". The nil selector renders as "<none>" and
// the empty one as "<all>", so that neither reads as the other.
func (s Selector) String() string {
	switch s.kind {
	case nothing:
		return "<none>"
	case everything:
		return "<all>"
	}
	n := 0
	for _, r := range s.reqs {
		n += len(r.key) + 10
		for _, v := range r.values {
			n += len(v) + 1
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i, r := range s.reqs {
		if i > 0 {
			b.WriteByte(',')
		}
		switch r.op {
		case selection.Equals:
			b.WriteString(r.key)
			b.WriteByte('=')
			b.WriteString(r.values[0])
		case selection.Exists:
			b.WriteString(r.key)
		case selection.DoesNotExist:
			b.WriteByte('!')
			b.WriteString(r.key)
		case selection.In, selection.NotIn:
			b.WriteString(r.key)
			if r.op == selection.In {
				b.WriteString(" in (")
			} else {
				b.WriteString(" notin (")
			}
			for j, v := range r.values {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(v)
			}
			b.WriteByte(')')
		}
	}
	return b.String()
}

// Keys returns the label keys s looks at, sorted, without duplicates.
func (s Selector) Keys() []string {
	keys := make([]string, 0, len(s.reqs))
	for _, r := range s.reqs {
		keys = append(keys, r.key)
	}
	return slices.Compact(keys)
}

// Values returns the values s compares key with (for =, in and notin), sorted,
// and whether s looks at key at all. It costs O(log requirements + values
// of key). Two objects whose values for every key
// of s are both absent, or both present and outside Values(key), are matched
// alike; the engine uses this to group objects that no selector tells apart.
func (s Selector) Values(key string) (values []string, mentioned bool) {
	// Requirements are sorted by key: those of key are one run.
	i, _ := slices.BinarySearchFunc(s.reqs, key, func(r requirement, k string) int { return strings.Compare(r.key, k) })
	j := i
	for j < len(s.reqs) && s.reqs[j].key == key {
		j++
	}
	return mergeValues(s.reqs[i:j]), i < j
}

// KeyValues yields every key s looks at, in sorted order, with the values
// s compares it with (as [Selector.Values] returns them). Walking a whole
// selector this way costs O(requirements + values), where calling Values
// for each of Keys would cost a search per key. A yielded slice may be s's
// own: it is valid after the yield returns, but the caller must not change
// it.
func (s Selector) KeyValues() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for i := 0; i < len(s.reqs); {
			j := i + 1
			for j < len(s.reqs) && s.reqs[j].key == s.reqs[i].key {
				j++
			}
			values := s.reqs[i].values
			if j > i+1 {
				values = mergeValues(s.reqs[i:j])
			}
			if !yield(s.reqs[i].key, values[:len(values):len(values)]) {
				return
			}
			i = j
		}
	}
}

// mergeValues returns the values of requirements of one key, sorted and
// without duplicates.
func mergeValues(reqs []requirement) []string {
	if len(reqs) == 1 {
		return slices.Clone(reqs[0].values)
	}
	var values []string
	for _, r := range reqs {
		values = append(values, r.values...)
	}
	return slices.Compact(slices.Sorted(slices.Values(values)))
}
