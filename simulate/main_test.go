package simulate_test

import (
	"flag"
	"os"
	"testing"

	"github.com/netpolsim/netpolsim/internal/testflags"
)

// TestMain runs the properties 2,000 times by default. It is the only
// TestMain of the simulate test binary (internal and external tests share
// one binary, so there must be no other).
func TestMain(m *testing.M) {
	flag.Parse()
	testflags.DefaultChecks("2000")
	os.Exit(m.Run())
}
