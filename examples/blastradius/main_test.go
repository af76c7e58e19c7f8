package main

import (
	"os"
	"strings"
	"testing"
)

// TestRun keeps the example working: run from this directory, it finds the
// shop through ../manifests/shop.
func TestRun(t *testing.T) {
	var b strings.Builder
	if err := run(&b, manifests(), "shop/frontend-0"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"within 1 hop: 3 of 5 other pods",
		"within 2 hops: 5 of 5 other pods",
		"shop/frontend-0 -(TCP/9090)-> shop/api-0 -(TCP/5432)-> shop/db-0",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output does not contain %q:\n%s", want, b.String())
		}
	}
	if err := run(&b, manifests(), "shop/nope"); err == nil {
		t.Error("no error for a pod that does not exist")
	}
	if _, err := os.Stat("../manifests/shop"); err != nil {
		t.Fatal(err)
	}
}
