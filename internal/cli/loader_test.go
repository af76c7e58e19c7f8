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
