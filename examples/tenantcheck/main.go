// Command tenantcheck loads the multi-tenant manifests and checks the promise
// a platform team makes to its tenants: no pod of one tenant can open a
// connection to a pod of another, and monitoring reaches each tenant only on
// the metrics port. It exits non-zero when the promise is broken.
//
// Run it from the repository root:
//
//	go run ./examples/tenantcheck
package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func main() {
	broken, err := check("examples/manifests/multitenant", os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	if broken > 0 {
		os.Exit(1)
	}
}

// check prints what it finds in the manifests under dir and returns the
// number of broken promises.
func check(dir string, w io.Writer) (int, error) {
	res, err := manifest.LoadPaths(dir)
	if err != nil {
		return 0, err
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		return 0, err
	}
	tenant := map[string]bool{"tenant-a": true, "tenant-b": true}
	broken := 0
	for p := range m.Matrix().All() {
		switch {
		case tenant[p.From.Namespace] && tenant[p.To.Namespace] && p.From.Namespace != p.To.Namespace:
			fmt.Fprintf(w, "BROKEN: %s reaches another tenant's %s on %s\n", p.From, p.To, p.Ports)
			broken++
		case p.From.Namespace == "monitoring" && tenant[p.To.Namespace]:
			if p.Ports.String() != "TCP/9100" {
				fmt.Fprintf(w, "BROKEN: monitoring %s reaches %s on %s, not only TCP/9100\n", p.From, p.To, p.Ports)
				broken++
			} else {
				fmt.Fprintf(w, "ok: %s scrapes %s on %s\n", p.From, p.To, p.Ports)
			}
		}
	}
	v, err := m.Check(simulate.Pod("tenant-a", "web-0"), simulate.Pod("tenant-b", "web-0"), simulate.TCP(8080))
	if err != nil {
		return 0, err
	}
	fmt.Fprintln(w, v)
	if broken == 0 {
		fmt.Fprintln(w, "tenants are isolated")
	}
	return broken, nil
}
