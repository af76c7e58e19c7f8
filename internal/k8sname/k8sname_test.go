package k8sname

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
	"pgregory.net/rapid"
)

// text draws strings from the characters the grammars care about, so that
// valid and invalid values both come up often, with lengths around the
// limits of 63 and 253.
func text() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		parts := rapid.SliceOfN(rapid.OneOf(
			rapid.SampledFrom([]string{"a", "b", "Z", "0", "9", "-", "_", ".", "/", "é", " "}),
			rapid.SampledFrom([]string{"ab", "x1", "Q", "--", "http", "7"}),
			rapid.SampledFrom([]string{strings.Repeat("a", 62), strings.Repeat("b", 63), strings.Repeat("c", 64), strings.Repeat("d.", 120)}),
		), 0, 12).Draw(t, "parts")
		return strings.Join(parts, "")
	})
}

func TestMatchesApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := text().Draw(t, "s")
		for _, c := range []struct {
			name string
			fast func(string) bool
			slow func(string) []string
		}{
			{"DNS1123Label", DNS1123Label, validation.IsDNS1123Label},
			{"DNS1123Subdomain", DNS1123Subdomain, validation.IsDNS1123Subdomain},
			{"LabelValue", LabelValue, validation.IsValidLabelValue},
			{"LabelKey", LabelKey, validation.IsQualifiedName},
			{"PortName", PortName, validation.IsValidPortName},
		} {
			if got, want := c.fast(s), len(c.slow(s)) == 0; got != want {
				t.Fatalf("%s(%q) = %v, apimachinery says valid = %v (%v)", c.name, s, got, want, c.slow(s))
			}
		}
	})
}

func TestExamples(t *testing.T) {
	for _, c := range []struct {
		s                          string
		label, subdomain, val, key bool
	}{
		{"", false, false, true, false},
		{"web", true, true, true, true},
		{"Web", false, false, true, true},
		{"a.b", false, true, true, true},
		{"-a", false, false, false, false},
		{"a_b", false, false, true, true},
		{"kubernetes.io/metadata.name", false, false, false, true},
		{"/a", false, false, false, false},
		{"a/b/c", false, false, false, false},
		{"A.io/b", false, false, false, false},
		{strings.Repeat("a", 63), true, true, true, true},
		{strings.Repeat("a", 64), false, true, false, false},
	} {
		if DNS1123Label(c.s) != c.label || DNS1123Subdomain(c.s) != c.subdomain || LabelValue(c.s) != c.val || LabelKey(c.s) != c.key {
			t.Errorf("%q: got %v %v %v %v, want %v %v %v %v", c.s, DNS1123Label(c.s), DNS1123Subdomain(c.s), LabelValue(c.s), LabelKey(c.s), c.label, c.subdomain, c.val, c.key)
		}
	}
}

// TestPortNameEdges: the edges of port names, each checked against
// apimachinery.
func TestPortNameEdges(t *testing.T) {
	for _, s := range []string{"", "a", "0", "80", "http", "h-2", "h--2", "-h", "h-", "Http", "h_2", "h.2",
		strings.Repeat("a", 15), strings.Repeat("a", 16), "1" + strings.Repeat("-1", 7), "a" + strings.Repeat("-1", 7)} {
		if got, want := PortName(s), len(validation.IsValidPortName(s)) == 0; got != want {
			t.Errorf("PortName(%q) = %v, apimachinery says %v", s, got, want)
		}
	}
}
