// Command blastradius loads the example shop's manifests and prints the
// blast radius of a compromised frontend pod: every pod an attacker holding
// shop/frontend-0 may reach within 1, 2 and 3 hops, with the shortest path
// to each and the ports of every hop.
//
// Run it from the root of the repository:
//
//	go run ./examples/blastradius
//
// It reads examples/manifests/shop (or ../manifests/shop, when run from its
// own directory); give another directory and pod as arguments to look at
// your own cluster: go run ./examples/blastradius deploy/ shop/web-0
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func main() {
	log.SetFlags(0)
	dir, pod := manifests(), "shop/frontend-0"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if len(os.Args) > 2 {
		pod = os.Args[2]
	}
	if err := run(os.Stdout, dir, pod); err != nil {
		log.Fatal(err)
	}
}

// run prints the blast radius of pod in the manifests of dir to w.
func run(w io.Writer, dir, pod string) error {
	res, err := manifest.LoadPaths(dir)
	if err != nil {
		return err
	}
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		return err
	}
	// One node per pod: the answer is exact for the one pod the attacker
	// holds. (graph.ByWorkload would assume it takes its siblings too.)
	g, err := graph.New(m)
	if err != nil {
		return err
	}
	ns, name, _ := strings.Cut(pod, "/")
	start := g.NodeOf(simulate.PodID{Namespace: ns, Name: name})
	if start == nil {
		return fmt.Errorf("blastradius: no pod %s in %s", pod, dir)
	}
	fmt.Fprintf(w, "An attacker who holds %s may reach:\n", start)
	for k := 1; k <= 3; k++ {
		r := graph.Reach(g, start, k)
		fmt.Fprintf(w, "\nwithin %d %s: %d of %d other pods\n", k, plural(k, "hop", "hops"), r.Len(), g.Nodes().Len()-1)
		for _, n := range r.Nodes() {
			fmt.Fprintf(w, "  %s\n", r.Path(n.ID()))
		}
	}
	return nil
}

// manifests returns the example shop's directory, from the repository's
// root or from this example's directory.
func manifests() string {
	for _, dir := range []string{"examples/manifests/shop", "../manifests/shop"} {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	return "examples/manifests/shop"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
