// Command netpolsim simulates Kubernetes NetworkPolicy from manifests: which
// pods can talk to which, on which ports, and why.
//
//	netpolsim matrix  -f PATH... [-o text|json|csv|md|truthtable]
//	netpolsim check   -f PATH... --from ENDPOINT --to ENDPOINT --port PORT
//	netpolsim explain -f PATH... NAMESPACE/POD
//
// Run 'netpolsim help' for the commands and 'netpolsim COMMAND --help' for
// their flags. check exits 0 when allowed, 1 when denied and 2 on error.
package main

import (
	"os"

	"github.com/netpolsim/netpolsim/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
