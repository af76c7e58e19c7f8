package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTenantsIsolated(t *testing.T) {
	var out strings.Builder
	broken, err := check("../manifests/multitenant", &out)
	if err != nil {
		t.Fatal(err)
	}
	want := `ok: monitoring/prometheus-0 scrapes tenant-a/web-0 on TCP/9100
ok: monitoring/prometheus-0 scrapes tenant-b/web-0 on TCP/9100
denied: tenant-b/web-0 is isolated for ingress by tenant-b/isolate-tenant; no ingress rule allows tenant-a/web-0 on TCP/8080
tenants are isolated
`
	if broken != 0 || out.String() != want {
		t.Errorf("broken = %d, output:\n%s\nwant:\n%s", broken, out.String(), want)
	}
}

// TestBrokenPromiseIsReported drops tenant-b's policy and expects tenant-a to
// reach it.
func TestBrokenPromiseIsReported(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"tenants.yaml", "workloads.yaml"} {
		data, err := os.ReadFile(filepath.Join("../manifests/multitenant", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	broken, err := check(dir, &out)
	if err != nil {
		t.Fatal(err)
	}
	if broken == 0 || !strings.Contains(out.String(), "BROKEN: tenant-a/web-0 reaches another tenant's tenant-b/web-0 on all") {
		t.Errorf("broken = %d, output:\n%s", broken, out.String())
	}
}
