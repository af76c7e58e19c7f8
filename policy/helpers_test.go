package policy

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/selector"
)

// cmpOpts compares compiled policies: selectors by their canonical rendering
// (package selector sorts requirements and values) and prefixes by value.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b selector.Selector) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// decode reads a NetworkPolicy from JSON, refusing unknown fields so that a
// typo in a test case cannot pass silently.
func decode(t testing.TB, js string) *networkingv1.NetworkPolicy {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.DisallowUnknownFields()
	var np networkingv1.NetworkPolicy
	if err := dec.Decode(&np); err != nil {
		t.Fatalf("decoding test policy %s: %v", js, err)
	}
	return &np
}

// shopDB wraps a spec given as JSON into the policy shop/db.
func shopDB(spec string) string {
	return `{"metadata":{"namespace":"shop","name":"db"},"spec":` + spec + `}`
}

// sel compiles a selector given as JSON ("null" for nil) or fails the test.
func sel(t testing.TB, js string) selector.Selector {
	t.Helper()
	var ls *metav1.LabelSelector
	if err := json.Unmarshal([]byte(js), &ls); err != nil {
		t.Fatalf("decoding selector %s: %v", js, err)
	}
	s, err := selector.Compile(ls)
	if err != nil {
		t.Fatalf("compiling selector %s: %v", js, err)
	}
	return s
}

func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
