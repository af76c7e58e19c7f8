// Package selector compiles Kubernetes label selectors once and evaluates them
// many times, one object at a time or over a whole population at once.
//
// # Semantics
//
// A compiled [Selector] means exactly what apimachinery's
// metav1.LabelSelectorAsSelector followed by labels.Selector.Matches means:
//
//   - a nil *metav1.LabelSelector matches nothing;
//   - an empty selector ({}) matches everything;
//   - matchLabels and matchExpressions are ANDed;
//   - NotIn and DoesNotExist match objects that lack the key.
//
// Validation is the API server's (metav1 validation of keys, values and
// operators) and happens in [Compile] ([ValidateAt] does it alone);
// matching never fails.
//
// # Populations
//
// An [Index] is an inverted index (key → value → members) over a fixed
// population of labelled objects such as the pods or namespaces of a cluster.
// [Index.Select] evaluates a selector with a few bitset operations per
// requirement instead of one match per member.
package selector
