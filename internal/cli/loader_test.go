package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noticesFile writes a manifest with a pod in a namespace that has no
// Namespace object and a ConfigMap, two notices, and returns its path.
func noticesFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notices.yaml")
	const in = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNoticeSummary(t *testing.T) {
	path := noticesFile(t)
	out, errOut, code := run(t, "", "matrix", "-f", path)
	if code != 0 || out == "" {
		t.Fatalf("exit status %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	want := "netpolsim: " + path + ": document 2 (line 9): ConfigMap c: skipped: v1 ConfigMap is not simulated\n" +
		"netpolsim: " + path + ": document 0 (line 1): Pod shop/a: namespace shop has no Namespace object: it is taken to have no labels but kubernetes.io/metadata.name=shop\n" +
		"netpolsim: 2 notices (1 implied-namespace, 1 skipped); --strict makes them errors\n"
	if errOut != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
}

func TestStrictAndMaxPods(t *testing.T) {
	path := noticesFile(t)
	runErrors(t, []errorCase{
		{"strict", []string{"matrix", "-f", path, "--strict"}, "ConfigMap c: skipped: v1 ConfigMap is not simulated (strict)"},
		{"strict summary", []string{"check", "--strict", "-f", path, "--from", "shop/a", "--to", "shop/b", "--port", "80"}, "\nnetpolsim: 2 notices, errors with --strict\n"},
		{"max pods", []string{"matrix", "-f", path, "--max-pods", "1"}, "document 1 (line 5): Pod shop/b: more than 1 pods in all, given and generated: the limit of one load"},
		{"no pods at all", []string{"matrix", "-f", path, "--max-pods", "0"}, "Pod shop/a: more than 0 pods in all"},
		{"negative max pods", []string{"matrix", "-f", path, "--max-pods", "-1"}, "netpolsim: --max-pods -1: want a number of pods, 0 or more"},
	})
	// Raised, the limit lets the pods through.
	if _, errOut, code := run(t, "", "matrix", "-f", path, "--max-pods", "200000"); code != 0 {
		t.Errorf("exit status %d; stderr:\n%s", code, errOut)
	}
	_, errOut, _ := run(t, "", "matrix", "-f", path, "--strict")
	if strings.Contains(errOut, "--strict makes them errors") {
		t.Errorf("strict run prints the summary of a lenient one:\n%s", errOut)
	}
}

func TestByteLimits(t *testing.T) {
	path := noticesFile(t) // 183 bytes, its last document 61 with its "---" line
	kdir := filepath.Dir(path)
	if err := os.WriteFile(filepath.Join(kdir, "kustomization.yaml"), []byte("resources: [notices.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runErrors(t, []errorCase{
		{"input", []string{"matrix", "-f", path, "--max-input-bytes", "100"}, ": input larger than 100 bytes in all (the limit of one load; see Options.MaxBytes): read 0 bytes before, 183 or more here\nnetpolsim: the input passes --max-input-bytes 100; raise it to read more\n"},
		{"input with suffix", []string{"matrix", "-f", path, "--max-input-bytes", "0Ki"}, "invalid value \"0Ki\" for flag -max-input-bytes: want a size in bytes above 0, such as 1048576, 64Mi or 2Gi"},
		{"document", []string{"matrix", "-f", path, "--max-document-bytes", "50"}, "line 8: a document larger than 50 bytes (the limit per document; see Options.MaxDocumentBytes)\nnetpolsim: a document passes --max-document-bytes 50; raise it to read larger ones\n"},
		{"not a size", []string{"matrix", "-f", path, "--max-document-bytes", "1.5Gi"}, "want a size in bytes above 0"},
		{"kustomization", []string{"matrix", "-k", kdir, "--max-input-bytes", "100"}, "kustomization.yaml: input larger than 100 bytes in all (the limit of one load; see Options.MaxBytes): read 0 bytes before, 185 or more here\nnetpolsim: the input passes --max-input-bytes 100; raise it to read more\n"},
	})
	// Raised, or at the default, the limits let the input through.
	for _, args := range [][]string{
		{"matrix", "-f", path, "--max-input-bytes", "1Ki", "--max-document-bytes", "1k"},
		{"matrix", "-f", path},
		{"matrix", "-k", kdir, "--max-input-bytes", "1k"},
	} {
		if _, errOut, code := run(t, "", args...); code != 0 {
			t.Errorf("%q: exit status %d; stderr:\n%s", args, code, errOut)
		}
	}
}

func TestByteSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		str  string
	}{
		{"1", 1, "1"},
		{"1000", 1000, "1000"},
		{"1k", 1000, "1000"},
		{"64Mi", 64 << 20, "64Mi"},
		{"2Gi", 2 << 30, "2Gi"},
		{"3G", 3e9, "3000000000"},
		{"1536Ki", 1536 << 10, "1536Ki"},
		{"1Ti", 1 << 40, "1Ti"},
	} {
		var b byteSize
		if err := b.Set(c.in); err != nil || int64(b) != c.want || b.String() != c.str {
			t.Errorf("Set(%q): %d %q %v, want %d %q", c.in, int64(b), b.String(), err, c.want, c.str)
		}
	}
	for _, in := range []string{"", "0", "-1", "Mi", "1.5Gi", "1mi", "1KiB", "9000000Ti", " 1"} {
		var b byteSize
		if err := b.Set(in); err == nil {
			t.Errorf("Set(%q) = %d, want an error", in, int64(b))
		}
	}
}
