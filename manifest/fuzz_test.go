package manifest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/manifest"
)

// FuzzLoadReader checks that no input makes LoadReader panic, and that it
// returns either a result or an error listing at least one problem, one
// line each.
func FuzzLoadReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := manifest.LoadReader("fuzz.yaml", bytes.NewReader(data))
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err == nil {
			for _, n := range res.Notices {
				if s := n.String(); strings.Contains(s, "\n") {
					t.Fatalf("notice on more than one line: %q", s)
				}
			}
			return
		}
		var merr *manifest.Error
		if !errors.As(err, &merr) || len(merr.Problems) == 0 {
			t.Fatalf("error without problems: %#v", err)
		}
		msg := err.Error()
		if got := strings.Count(msg, "\n") + 1; got != len(merr.Problems) {
			t.Fatalf("%d lines for %d problems:\n%s", got, len(merr.Problems), msg)
		}
		for line := range strings.SplitSeq(msg, "\n") {
			if !strings.HasPrefix(line, "manifest: fuzz.yaml") {
				t.Fatalf("line %q does not name the input", line)
			}
		}
	})
}
