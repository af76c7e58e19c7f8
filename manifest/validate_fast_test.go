package manifest

import (
	"strings"
	"testing"

	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"
)

// TestValidNamesMatchAPIMachinery: the checks that run before
// apimachinery's accept exactly what apimachinery accepts.
func TestValidNamesMatchAPIMachinery(t *testing.T) {
	edges := []string{"", "a", "-", "a-", "-a", "a.b", "a..b", ".a", "a.", "a/b", "a/b/c", "/a", "a/", "A", "9a", "a_b", "a.b-c_d",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab",
		"x/" + strings.Repeat("a", 63), "x/" + strings.Repeat("a", 64), strings.Repeat("a", 254) + "/b"}
	gen := rapid.OneOf(
		rapid.StringMatching(`[a-z0-9.\-/_A-Z]{0,12}`),
		rapid.StringMatching(`[a-z0-9]([a-z0-9\-]{0,70}[a-z0-9])?(\.[a-z0-9\-]{1,70}){0,4}`),
		rapid.StringMatching(`([a-z0-9.\-]{1,20}/)?[A-Za-z0-9._\-]{0,70}`),
	)
	for _, s := range edges {
		checkNames(t, s)
	}
	rapid.Check(t, func(t *rapid.T) { checkNames(t, gen.Draw(t, "s")) })
}

func checkNames(t fataler, s string) {
	for kind, check := range nameChecks {
		if want := len(check(s, false)) == 0; validName(kind, s) != want {
			t.Fatalf("validName(%s, %q) = %v, apimachinery says %v", kind, s, !want, want)
		}
	}
	for _, labels := range []map[string]string{{s: "v"}, {"k": s}} {
		if want := len(metav1validation.ValidateLabels(labels, field.NewPath("l"))) == 0; validLabels(labels) != want {
			t.Fatalf("validLabels(%q) = %v, apimachinery says %v", labels, !want, want)
		}
	}
}
