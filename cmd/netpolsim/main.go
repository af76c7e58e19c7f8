// Command netpolsim simulates Kubernetes NetworkPolicy from manifests: which
// pods can talk to which, on which ports, and why.
//
//	netpolsim matrix  -f PATH... [-o text|json|csv|md|truthtable]
//	netpolsim check   -f PATH... --from ENDPOINT --to ENDPOINT --port PORT
//	netpolsim explain -f PATH... NAMESPACE/POD
//
// Run 'netpolsim help' for the commands and 'netpolsim COMMAND --help' for
// their flags. check exits 0 when allowed, 1 when denied and 2 on error.
//
// Unless the environment sets GOGC, the command runs Go's collector with
// GOGC=50, half its default headroom: its peak memory is then about 1.5
// times the live heap rather than twice (at Kubernetes' limit of 150,000
// pods, the difference between about 2.3 GB and 1.9 GB) for about a sixth
// more CPU. GOGC=100 restores the default.
package main

import (
	"os"
	"runtime/debug"

	"github.com/netpolsim/netpolsim/internal/cli"
)

// gcPercent is the collector's GOGC when the environment sets none.
const gcPercent = 50

func main() {
	setGCPercent(os.Getenv)
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// setGCPercent sets the collector's GOGC to gcPercent unless getenv gives
// GOGC a value, which the runtime has taken already.
func setGCPercent(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
