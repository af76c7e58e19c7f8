package graph_test

import (
	"flag"
	"os"
	"testing"

	"github.com/netpolsim/netpolsim/internal/testflags"
)

// TestMain runs the properties 1,000 times by default: the generated
// clusters are small and a graph of a few pods is cheap to build.
func TestMain(m *testing.M) {
	flag.Parse()
	testflags.DefaultChecks("1000")
	os.Exit(m.Run())
}
