package fuzz_test

import (
	"flag"
	"os"
	"testing"

	"github.com/netpolsim/netpolsim/internal/testflags"
)

// TestMain checks the validity of 1,000 generated values of each kind by
// default; generating is cheap.
func TestMain(m *testing.M) {
	flag.Parse()
	testflags.DefaultChecks("1000")
	os.Exit(m.Run())
}
