package fielderr

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"shop/db":     "shop/db",
		"a\nb":        `a\nb`,
		"\r\t\x00é":   `\r\t\x00é`,
		"x\u0085y":    `x\u0085y`,
		"ends\n":      `ends\n`,
		`"quoted" \n`: `"quoted" \n`,
	} {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLinesOnePerError: names, field paths and details taken from input
// cannot split a problem over two lines.
func TestLinesOnePerError(t *testing.T) {
	errs := field.ErrorList{
		field.Invalid(field.NewPath("spec", "podSelector", "matchLabels").Key("a\nb"), "v\n", "bad\ndetail"),
		field.Required(field.NewPath("metadata", "name"), "name\nor generateName is required"),
	}
	out := Lines("policy: \n/x", errs)
	lines := strings.Split(out, "\n")
	if len(lines) != len(errs) {
		t.Fatalf("%d errors rendered as %d lines:\n%s", len(errs), len(lines), out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `policy: \n/x: `) {
			t.Errorf("line %q lacks the escaped prefix", l)
		}
	}
	if want := `policy: \n/x: spec.podSelector.matchLabels[a\nb]: invalid value "v\n": bad\ndetail`; lines[0] != want {
		t.Errorf("first line\n got %s\nwant %s", lines[0], want)
	}
}
