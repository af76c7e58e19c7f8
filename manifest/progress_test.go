package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgress reads a file of a little over two ProgressChunks and a
// reader: every input is reported in steps of at most ProgressChunk bytes,
// growing, with the file's size as Total (-1 for the reader), and last
// with Done and everything read.
func TestProgress(t *testing.T) {
	var b strings.Builder
	pad := "# " + strings.Repeat("x", 1000) + "\n"
	for b.Len() < 2*ProgressChunk+1000 {
		b.WriteString(pad)
		if b.Len()%(100*len(pad)) < len(pad) {
			b.WriteString("---\n")
		}
	}
	b.WriteString("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []ReadProgress
	o := Options{Progress: func(p ReadProgress) { got = append(got, p) }}
	res, err := o.LoadPaths(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cluster.Namespaces) != 1 {
		t.Fatalf("namespaces %v, want shop", res.Cluster.Namespaces)
	}
	size := int64(b.Len())
	check := func(name string, total int64, reports []ReadProgress) {
		t.Helper()
		if len(reports) < 3 {
			t.Fatalf("%s: %d reports, want one per chunk and a last one: %+v", name, len(reports), reports)
		}
		var prev int64
		for i, p := range reports {
			if p.Name != name || p.Total != total || p.Read < prev || p.Read-prev > ProgressChunk || p.Done != (i == len(reports)-1) {
				t.Fatalf("%s: report %d of %d is %+v after %d bytes", name, i, len(reports), p, prev)
			}
			prev = p.Read
		}
		if prev != size {
			t.Fatalf("%s: last report at %d bytes, want %d", name, prev, size)
		}
	}
	check(path, size, got)

	got = nil
	if _, err := o.LoadReader("stdin", strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	check("stdin", -1, got)

	// Without Progress nothing is called, and the load is the same.
	if res2, err := (Options{}).LoadPaths(path); err != nil || len(res2.Cluster.Namespaces) != 1 {
		t.Fatalf("without Progress: %v, %v", res2, err)
	}
}
