// Package strictjson is a fast path for strict JSON decoding into
// Kubernetes API types: it decodes as sigs.k8s.io/json's UnmarshalStrict
// does (encoding/json v1 semantics, case-sensitive member names, unknown
// and duplicate members refused), or it declines.
//
// Decode(data, v) returns true only when UnmarshalStrict(data, v) would
// return a nil error and no strict errors, and then *v holds exactly what
// UnmarshalStrict would have stored (equal under reflect.DeepEqual). When
// it returns false, *v may be partly written: the caller zeroes it and
// decodes with UnmarshalStrict, which also gives the messages. A false
// says nothing about the input; it may be valid.
//
// What it decodes, into a zero value:
//
//   - strings into string kinds (named ones too), true and false into
//     bool kinds, integer literals into the integer kinds (range-checked;
//     a fraction or an exponent declines);
//   - pointers (allocated), slices ([] gives an empty non-nil slice),
//     maps whose keys are of a string kind ({} gives an empty non-nil map;
//     a key given twice declines), structs (member names as encoding/json
//     derives them from tags and embedded structs; an unknown member or a
//     member given twice declines);
//   - types whose pointer implements json.Unmarshaler (such as
//     resource.Quantity and metav1.Time): UnmarshalJSON is called with the
//     value's own bytes, null included, as encoding/json calls it; an
//     error from it declines. intstr.IntOrString, in every Service and
//     policy port, is decoded as its UnmarshalJSON does (a string, or an
//     integer in the int32 range), without the call;
//   - null into anything else leaves the zero value.
//
// It declines on any type rule it does not handle: a non-null value for
// an interface, array, []byte, float, complex, channel or function, a map
// whose key is not of a string kind, a type implementing
// encoding.TextUnmarshaler but not json.Unmarshaler, a struct with
// member names that clash, a ",string" option, an embedded pointer or
// unexported embedded struct, or an unusual tag name. It also declines on
// any syntax error, invalid UTF-8 in a string, control characters in a
// string, trailing data after the value, and nesting deeper than
// maxDepth.
//
// Short strings that come again (labels, images, protocols) are the same
// string, in one decoded value and across values: a small cache per
// goroutine interns them, which saves their allocations.
//
// The decode plan of each type is computed once and kept for the life of
// the process; a struct's members are found by a perfect hash of their
// names, and written at its offset in the struct: values are stored
// through unsafe pointers at the offsets and sizes the plan took from
// reflect, not through reflect's setters (which check every write). Every
// store of a value that holds pointers (a string, a
// pointer, a slice, a map) is a store of a Go type that holds them, so the
// collector's write barriers see it. Decode is safe for concurrent use, never panics on any
// input (it panics only if an UnmarshalJSON it calls does), and its cost is
// linear in len(data) plus the allocations of the result.
package strictjson
