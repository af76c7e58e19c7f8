package manifest

import (
	"fmt"
	"github.com/google/go-cmp/cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPipedLoads: inputs read in pieces, whose documents are split and
// prepared while they are read, load as they load without the fast paths
// (read in the same pieces):
// with a problem past the documents already handed over (a NUL byte, the
// limit of a load or of a document passed, a value that does not end), a
// problem in a document handed over (whose line needs the whole text), or
// none.
func TestPipedLoads(t *testing.T) {
	ns := func(i int) string {
		return fmt.Sprintf(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-%d","labels":{"team":"t%d"}}}`, i, i%3)
	}
	policy := func(i int) string {
		return fmt.Sprintf(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"ns-%d"},
"spec":{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"t1"}}}]}]}}`, i)
	}
	bad := []string{
		"\x00",
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"broken"}`,
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"Bad_Name"}}`,
		`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"q","namespace":"ns-1"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":70000}]}]}}`,
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"},"spec":{"finalizers":[1]}}`,
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"y"}} ]`,
		`null`,
		`7`,
		`{"apiVersion":"v1","kind":"List","items":[` + ns(90) + `,` + ns(91) + `]}`,
		// Problems found while a document is prepared (not set aside
		// for the stored kinds' step), whose lines are looked up then.
		`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns-1"},
"spec":{"replicas":"three"}}`,
		`{"apiVersion":"v1","kind":"Namespace" "metadata":{"name":"z"}}`,
	}
	compare := func(t fataler, opts Options, in string) {
		piped := renderStepped(t, opts, "in.json", in)
		fastPaths = false
		defer func() { fastPaths = true }()
		if slow := renderStepped(t, opts, "in.json", in); piped != slow {
			t.Fatalf("piped (+) and slow (-) loads differ:\n%s", cmp.Diff(slow, piped))
		}
	}
	// A document with a problem handed over, then a problem of the
	// input: only the input's is reported, and the documents handed over
	// (waiting for the whole text to name their lines) are let go.
	var many []string
	for i := range 40 {
		many = append(many, ns(i))
	}
	head := strings.Join(many[:20], "\n") + "\n" + bad[len(bad)-2] + "\n" + bad[len(bad)-1] + "\n" + strings.Join(many[20:], "\n")
	big := `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"big","annotations":{"a":"` + strings.Repeat("x", 300) + `"}}}`
	for _, c := range []struct {
		in   string
		opts Options
	}{
		{head, Options{}},
		{head + "\n\x00", Options{}},
		{head + "\n" + big, Options{MaxDocumentBytes: 250}},
		{head + "\n" + big, Options{MaxBytes: int64(len(head) + 20)}},
	} {
		compare(t, c.opts, c.in)
	}
	rapid.Check(t, func(t *rapid.T) {
		var parts []string
		for i := range rapid.IntRange(0, 30).Draw(t, "objects") {
			parts = append(parts, rapid.SampledFrom([]string{ns(i), policy(i)}).Draw(t, "object"))
		}
		for range rapid.IntRange(0, 2).Draw(t, "bad") {
			at := rapid.IntRange(0, len(parts)).Draw(t, "at")
			parts = append(parts[:at], append([]string{rapid.SampledFrom(bad).Draw(t, "what")}, parts[at:]...)...)
		}
		in := strings.Join(parts, rapid.SampledFrom([]string{"\n", " ", "\n\n  "}).Draw(t, "sep"))
		opts := Options{
			MaxBytes:         int64(rapid.SampledFrom([]int{1 << 20, len(in) / 2, len(in) - 1}).Draw(t, "max bytes")),
			MaxDocumentBytes: int64(rapid.SampledFrom([]int{1 << 20, 150, 230}).Draw(t, "max document bytes")),
		}
		if opts.MaxBytes <= 0 {
			opts.MaxBytes = 1
		}
		compare(t, opts, in)
	})
}

// TestPipedFiles: the documents of each file of a directory are prepared
// while the next file is read; the load is what it is without the fast
// paths, whatever the files hold and however a later file fails.
func TestPipedFiles(t *testing.T) {
	ns := func(i int) string {
		return fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-%d}\n", i)
	}
	files := []string{
		strings.Join([]string{ns(1), ns(2), ns(3)}, "---\n"),
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-4"}}` + "\n" + `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns-4"},"spec":{"replicas":"three"}}`,
		"values: {a: 1}\n", // not an object: skipped in a walk
		ns(5) + "---\n" + "apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name}\n",
		ns(1), // a duplicate of the first file's
		"\x00",
		ns(6),
	}
	rapid.Check(t, func(t *rapid.T) {
		dir, err := os.MkdirTemp("", "piped")
		if err != nil {
			t.Fatalf("%v", err)
		}
		defer os.RemoveAll(dir)
		for i, body := range rapid.SliceOfN(rapid.SampledFrom(files), 1, 6).Draw(t, "files") {
			ext := ".yaml"
			if strings.HasPrefix(body, "{") {
				ext = ".json"
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d%s", i, ext)), []byte(body), 0o644); err != nil {
				t.Fatalf("%v", err)
			}
		}
		render := func() string {
			res, err := Options{}.LoadPaths(dir)
			if err != nil {
				return strings.ReplaceAll(err.Error(), dir, "DIR")
			}
			return fmt.Sprint(len(res.Cluster.Namespaces), res.Notices)
		}
		piped := render()
		fastPaths = false
		defer func() { fastPaths = true }()
		if slow := render(); piped != slow {
			t.Fatalf("piped (+) and slow (-) loads differ:\n%s", cmp.Diff(slow, piped))
		}
	})
}
