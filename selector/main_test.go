package selector

import (
	"flag"
	"os"
	"testing"

	"github.com/netpolsim/netpolsim/internal/testflags"
)

// TestMain runs the apimachinery-agreement property 10,000 times by default.
func TestMain(m *testing.M) {
	flag.Parse()
	testflags.DefaultChecks("10000")
	os.Exit(m.Run())
}
