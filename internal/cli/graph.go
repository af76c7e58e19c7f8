package cli

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/simulate"
)

// graphFlags are the flags of the commands over the reachability graph.
type graphFlags struct {
	group string
	port  string
}

func (gf *graphFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&gf.group, "group", "workload", "workload or pod")
	fs.StringVar(&gf.port, "port", "", "only connections on this port")
}

const graphFlagsUsage = `  --group GROUP           workload (default): one node per workload, with an edge
                          when some pod of one may reach some pod of the other
                          (an attacker holding one pod may take its siblings);
                          pod: one node per pod, exact
  --port PORT             only the connections on PORT: 80, 5432/TCP, 53/udp,
                          8000-8080/TCP (any port of the range) or a port name
`

// nodeUsage says what a NODE argument may be.
const nodeUsage = `NODE is an endpoint (see ENDPOINT in 'netpolsim check --help') that stands
for one node of the graph:
  NAMESPACE/WORKLOAD      a workload (NAMESPACE/KIND/NAME when a workload
                          shares its name with another object)
  NAMESPACE/POD           a pod: its workload's node, or its own with
                          --group pod
  NAMESPACE/SELECTOR      the pods of a selector, the backends of a Service,
  svc/NAMESPACE/NAME      or the pod with an address, when they are all in
  IP                      one node (one workload, or one pod with --group pod)
  outside                 every address outside the cluster (one node)
  CIDR                    the addresses of a block that are no pod's, as one
                          node in place of outside (10.0.0.0/8, 2001:db8::/32);
                          its edges are exact over the block's ranges
As --to of paths, outside or a CIDR asks how traffic may leave the cluster
for those addresses.
`

// check validates the flags before anything is loaded.
func (gf *graphFlags) check() (simulate.PortSpec, error) {
	if gf.group != "workload" && gf.group != "pod" {
		return simulate.PortSpec{}, fmt.Errorf("--group %s: want workload or pod", gf.group)
	}
	if gf.port == "" {
		return simulate.PortSpec{}, nil
	}
	return simulate.ParsePortSpec(gf.port)
}

// outsideNode returns the graph option for a NODE argument that is a CIDR
// (graph.OutsideBlock), or nil; a CIDR that does not parse is a usage
// error.
func outsideNode(s string) (graph.Option, bool, error) {
	if s == graph.OutsideName {
		return nil, true, nil
	}
	ep, err := simulate.ParseEndpoint(s)
	if err != nil || ep.Kind() != simulate.CIDREndpoint {
		return nil, false, nil // not a CIDR: node resolves it
	}
	p, err := netip.ParsePrefix(ep.String())
	if err != nil {
		return nil, false, err
	}
	return graph.OutsideBlock(p), true, nil
}

// build loads the manifests and builds the graph the flags ask for.
func (gf *graphFlags) build(e *env, co *common, outside bool, more ...graph.Option) (*graph.Graph, bool) {
	port, _ := gf.check() // checked before
	m, _, ok := co.load(e)
	if !ok {
		return nil, false
	}
	var opts []graph.Option
	if gf.group == "workload" {
		opts = append(opts, graph.ByWorkload())
	}
	if outside {
		opts = append(opts, graph.Outside())
		opts = append(opts, more...)
	}
	g, err := graph.New(m, opts...)
	if err == nil && gf.port != "" {
		g, err = graph.Restrict(g, port)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim:", clean(err))
		return nil, false
	}
	return g, true
}

// node finds the node a NODE argument names: a node's own name (a
// workload ID, a pod with --group pod, "outside"), a pod (standing for its
// workload's node unless --group pod), or any other endpoint that
// simulate.Model.Resolve resolves (a selector, svc/NAMESPACE/NAME, an
// address of a pod) when all its pods are in one node.
func (gf *graphFlags) node(g *graph.Graph, s string) (*graph.Node, error) {
	if n := g.NodeNamed(s); n != nil {
		return n, nil
	}
	if o := g.Outside(); o != nil && s == graph.OutsideName {
		return o.(*graph.Node), nil // a CIDR's node is the outside node
	}
	ep, err := simulate.ParseEndpoint(s)
	if err != nil {
		return nil, fmt.Errorf("%q: want a workload, a pod, a NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, a pod's address or outside", s)
	}
	pods, err := g.Model().Resolve(ep)
	if err != nil {
		return nil, err
	}
	if len(pods) == 0 {
		// An address outside the cluster, or a Service without backends.
		if ep.Kind() == simulate.IPEndpoint {
			return nil, fmt.Errorf("%s is no pod's address: say outside for addresses outside the cluster", s)
		}
		return nil, fmt.Errorf("%s has no pods", s)
	}
	var nodes []*graph.Node
	for _, p := range pods {
		if n := g.NodeOf(p); n != nil && !slices.Contains(nodes, n) {
			nodes = append(nodes, n)
		}
	}
	if len(nodes) != 1 {
		names := make([]string, len(nodes))
		for i, n := range nodes {
			names[i] = n.Name()
		}
		return nil, fmt.Errorf("%s stands for %d nodes (%s): name one", s, len(nodes), strings.Join(names, ", "))
	}
	return nodes[0], nil
}

const graphUsage = `Usage: netpolsim graph -f PATH... [-o dot|svg] [--group workload|pod] [--port PORT] [--outside=BOOL]

Draw the reachability graph: a node per workload (or pod) inside a box per
namespace, and an edge wherever the first may open connections to the second,
labelled with the ports. Green nodes are isolated for ingress by a
NetworkPolicy; red, dashed ones accept every connection. The node "outside
the cluster" has an edge to every pod some address outside the cluster may
reach, and an edge from every pod that may open connections to some address
outside the cluster (egress), with the ports.

Flags:
  -o FORMAT               dot (default): Graphviz source; svg: a picture, made by
                          running Graphviz's dot -Tsvg, which must be on PATH
` + graphFlagsUsage + `  --outside=BOOL          draw the outside node and its edges (default true)
` + commonFlags

const graphExamples = `  netpolsim graph -f deploy/ > cluster.dot
  netpolsim graph -f deploy/ -o svg > cluster.svg
  netpolsim graph -f deploy/ --group pod --port 5432 | dot -Tpng > db.png
`

// runGraph is the graph command. Building the graph costs what graph.New
// costs: O(pods + classes + class pairs considered + edges × log edges),
// plus for the outside node one simulate.Model.ClassAddressAccess per class
// and direction and one NodeTrafficFrom per pod of the classes not open on
// every port; drawing it costs O(nodes + edges).
func runGraph(e *env, args []string) int {
	c := lookup("graph")
	var co common
	var gf graphFlags
	fs := newFlagSet(c, e, &co)
	gf.add(fs)
	output := fs.String("o", "dot", "dot or svg")
	outside := fs.Bool("outside", true, "draw the outside node")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *output != "dot" && *output != "svg" {
		return usageError(e, c.name, fmt.Errorf("-o %s: want dot or svg", *output))
	}
	if _, err := gf.check(); err != nil {
		return usageError(e, c.name, err)
	}
	var dotPath string
	if *output == "svg" {
		if dotPath, err = exec.LookPath("dot"); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim graph: -o svg runs Graphviz's dot, which is not on PATH: install graphviz (apt-get install graphviz, brew install graphviz, ...) or use -o dot and render the output elsewhere")
			return exitError
		}
	}
	g, ok := gf.build(e, &co, *outside, graph.OutsideEgress())
	if !ok {
		return exitError
	}
	src, err := graph.DOT(g)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim graph:", clean(err))
		return exitError
	}
	if *output == "dot" {
		e.stdout.Write(src)
		return exitOK
	}
	var svg, stderr bytes.Buffer
	cmd := exec.Command(dotPath, "-Tsvg")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(src), &svg, &stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(e.stderr, "netpolsim graph: %s -Tsvg: %v\n%s", dotPath, err, stderr.Bytes())
		return exitError
	}
	e.stdout.Write(svg.Bytes())
	return exitOK
}

const pathsUsage = `Usage: netpolsim paths -f PATH... --from NODE --to NODE [--max-hops K] [--group workload|pod] [--port PORT]

Print every path of at most K hops along which --from may reach --to, a hop
being one allowed connection, with the ports allowed on each hop; shortest
paths first. A path visits no node twice. Exit status 0 when there is a path,
1 when there is none within K hops, 2 on error.

` + nodeUsage + `
Flags:
  --from NODE             where the attacker starts (outside: the internet)
  --to NODE               what it wants to reach (outside or a CIDR: paths out
                          of the cluster, through the pods that may reach
                          those addresses)
  --max-hops K            longest path to list (default 3)
` + graphFlagsUsage + commonFlags

const pathsExamples = `  netpolsim paths -f deploy/ --from outside --to shop/db
  netpolsim paths -f deploy/ --from shop/frontend-0 --to shop/db-0 --group pod --max-hops 4
  netpolsim paths -f deploy/ --from shop/web --to shop/db --port 5432
  netpolsim paths -f deploy/ --from 203.0.113.0/24 --to shop/db
  netpolsim paths -f deploy/ --from shop/web --to outside
`

// runPaths is the paths command: graph.New (see runGraph), then
// graph.AllPaths, which grows with the number of simple paths of at most
// --max-hops hops.
func runPaths(e *env, args []string) int {
	c := lookup("paths")
	var co common
	var gf graphFlags
	fs := newFlagSet(c, e, &co)
	gf.add(fs)
	from := fs.String("from", "", "start node")
	to := fs.String("to", "", "end node")
	maxHops := fs.Int("max-hops", 3, "longest path")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	for _, f := range []struct{ name, value string }{{"--from", *from}, {"--to", *to}} {
		if f.value == "" {
			return usageError(e, c.name, fmt.Errorf("%s is required", f.name))
		}
	}
	fromBlock, fromOutside, err := outsideNode(*from)
	if err != nil {
		return usageError(e, c.name, fmt.Errorf("--from %s: %w", *from, err))
	}
	toBlock, toOutside, err := outsideNode(*to)
	if err != nil {
		return usageError(e, c.name, fmt.Errorf("--to %s: %w", *to, err))
	}
	if fromOutside && toOutside {
		return usageError(e, c.name, errors.New("--from and --to are both outside the cluster: name a pod or workload at one end"))
	}
	var more []graph.Option
	for _, o := range []graph.Option{fromBlock, toBlock} {
		if o != nil {
			more = append(more, o)
		}
	}
	if toOutside {
		// Only then: with edges into the outside node, paths between pods
		// could go out of the cluster and back in, which no one host can.
		more = append(more, graph.OutsideEgress())
	}
	if *maxHops < 0 {
		return usageError(e, c.name, fmt.Errorf("--max-hops %d: want 0 or more", *maxHops))
	}
	if _, err := gf.check(); err != nil {
		return usageError(e, c.name, err)
	}
	g, ok := gf.build(e, &co, true, more...)
	if !ok {
		return exitError
	}
	src, err := gf.node(g, *from)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim paths: --from:", clean(err))
		return exitError
	}
	dst, err := gf.node(g, *to)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim paths: --to:", clean(err))
		return exitError
	}
	found := graph.AllPaths(g, src, dst, *maxHops)
	within := fmt.Sprintf("within %d %s", *maxHops, plural(*maxHops, "hop", "hops"))
	if len(found) == 0 {
		fmt.Fprintf(e.stdout, "no path from %s to %s %s", src, dst, within)
		if p, ok := graph.ShortestPath(g, src, dst); ok {
			fmt.Fprintf(e.stdout, "; the shortest has %d hops:\n  %s\n", p.Len(), p)
		} else {
			fmt.Fprintln(e.stdout, ", nor any longer.")
		}
		return exitDenied
	}
	fmt.Fprintf(e.stdout, "%d %s from %s to %s %s:\n", len(found), plural(len(found), "path", "paths"), src, dst, within)
	for _, p := range found {
		fmt.Fprintf(e.stdout, "  %s\n", p)
	}
	return exitOK
}

const blastUsage = `Usage: netpolsim blast-radius -f PATH... NODE [--hops K] [--group workload|pod] [--port PORT]

Print what an attacker who holds NODE may reach, hop by hop: every node
reachable in at most K hops, with its distance, the node before it on a
shortest path, and the ports of that last hop. A row "outside" says how
soon the attacker may open connections to addresses outside the cluster
(to send data out or fetch tools): through the nearest node whose pods may
reach some outside address, on the ports they may use there.

` + nodeUsage + `
Flags:
  --hops K                at most K hops (default: no limit)
` + graphFlagsUsage + commonFlags

const blastExamples = `  netpolsim blast-radius -f deploy/ shop/frontend-0
  netpolsim blast-radius -f deploy/ shop/frontend-0 --group pod --hops 2
  netpolsim blast-radius -f deploy/ outside
  netpolsim blast-radius -f deploy/ 198.51.100.0/24
`

// runBlastRadius is the blast-radius command: graph.New (see runGraph),
// then one breadth-first search, O(nodes + edges).
func runBlastRadius(e *env, args []string) int {
	c := lookup("blast-radius")
	var co common
	var gf graphFlags
	fs := newFlagSet(c, e, &co)
	gf.add(fs)
	hops := fs.Int("hops", -1, "most hops")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) != 1 {
		return usageError(e, c.name, fmt.Errorf("want exactly one NODE, got %d arguments", len(pos)))
	}
	hopsSet := false
	fs.Visit(func(f *flag.Flag) { hopsSet = hopsSet || f.Name == "hops" })
	if hopsSet && *hops < 0 {
		return usageError(e, c.name, fmt.Errorf("--hops %d: want 0 or more", *hops))
	}
	port, err := gf.check()
	if err != nil {
		return usageError(e, c.name, err)
	}
	block, _, err := outsideNode(pos[0])
	if err != nil {
		return usageError(e, c.name, err)
	}
	var more []graph.Option
	if block != nil {
		more = append(more, block)
	}
	g, ok := gf.build(e, &co, true, more...)
	if !ok {
		return exitError
	}
	root, err := gf.node(g, pos[0])
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim blast-radius:", clean(err))
		return exitError
	}
	r := graph.Reach(g, root, *hops)
	w := e.stdout
	fmt.Fprintf(w, "blast radius of %s:\n", describe(root))
	type row struct {
		hops      int
		node, via string
		ports     simulate.PortSet
	}
	var rows []row
	for _, n := range r.Nodes() {
		p := r.Path(n.ID())
		d, _ := r.Hops(n.ID())
		rows = append(rows, row{d, n.(*graph.Node).Name(), p.Nodes[len(p.Nodes)-2].(*graph.Node).Name(), p.Ports[len(p.Ports)-1]})
	}
	out, hasOut := exfiltration(g, root, r, *hops, gf.port != "", port)
	if hasOut {
		rows = append(rows, row{out.hops, "outside", out.via.Name(), out.ports})
		slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.hops, b.hops) })
	}
	if len(rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOPS\tNODE\tVIA\tPORTS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.hops, r.node, r.via, r.ports)
		}
		tw.Flush()
	}
	others := g.Nodes().Len() - 1 // the root
	if o := g.Outside(); o != nil && o.ID() != root.ID() {
		others-- // nothing reaches the outside node
	}
	limit := "with no hop limit"
	if *hops >= 0 {
		limit = fmt.Sprintf("within %d %s", *hops, plural(*hops, "hop", "hops"))
	}
	fmt.Fprintf(w, "\n%d of %d other %s reachable %s", r.Len(), others, plural(others, "node", "nodes"), limit)
	switch {
	case root.IsOutside():
		fmt.Fprintln(w, ".")
	case hasOut:
		fmt.Fprintf(w, "; addresses outside the cluster in %d %s.\n", out.hops, plural(out.hops, "hop", "hops"))
	default:
		fmt.Fprintln(w, "; no address outside the cluster.")
	}
	return exitOK
}

// exitHop is the first hop out of the cluster on a blast radius.
type exitHop struct {
	hops  int
	via   *graph.Node
	ports simulate.PortSet
}

// exfiltration finds the nearest node of the blast radius r of root (root
// included) whose pods may open connections to some address outside the
// cluster (the ports of the ranges simulate.Model.ClassAddressAccess gives
// for simulate.Outside() and simulate.Egress, as graph.OutsideEgress reads
// them, over the node's pods), within maxHops (negative: no limit), on
// port when restricted (addresses outside serve no named port). Nearest
// means fewest hops, then the order of r. It costs one ClassAddressAccess
// per class plus O(pods + nodes).
func exfiltration(g *graph.Graph, root *graph.Node, r graph.Reachable, maxHops int, restricted bool, port simulate.PortSpec) (exitHop, bool) {
	if root.IsOutside() || maxHops == 0 || (restricted && port.Name != "") {
		return exitHop{}, false
	}
	m := g.Model()
	classes := m.Classes()
	byClass := make([]simulate.PortSet, len(classes))
	for _, c := range classes {
		pieces, err := m.ClassAddressAccess(c.ID, simulate.Outside(), simulate.Egress)
		if err != nil {
			continue // cannot happen: Outside is an address endpoint, c a class of m
		}
		var ports simulate.PortSet
		for _, p := range pieces {
			ports = ports.Union(p.Ports)
		}
		if restricted {
			ports = ports.Intersect(simulate.NewPortSet(simulate.PortRange{Protocol: port.Protocol, Start: port.Start, End: port.End}))
		}
		byClass[c.ID] = ports
	}
	open := func(p simulate.PodID) simulate.PortSet {
		c, _ := m.ClassOf(p) // p is a pod of m
		return byClass[c]
	}
	of := func(n *graph.Node) simulate.PortSet {
		var ports simulate.PortSet
		for _, p := range n.Pods() {
			ports = ports.Union(open(p))
		}
		return ports
	}
	if ports := of(root); !ports.IsEmpty() {
		return exitHop{1, root, ports}, true
	}
	best := exitHop{hops: -1}
	for _, n := range r.Nodes() {
		gn := n.(*graph.Node)
		d, _ := r.Hops(n.ID())
		if gn.IsOutside() || (maxHops >= 0 && d+1 > maxHops) || (best.hops >= 0 && d+1 >= best.hops) {
			continue
		}
		if ports := of(gn); !ports.IsEmpty() {
			best = exitHop{d + 1, gn, ports}
		}
	}
	return best, best.hops >= 0
}

// describe names a node with what it stands for.
func describe(n *graph.Node) string {
	switch {
	case n.IsOutside() && n.Name() == graph.OutsideName:
		return "outside (every address outside the cluster)"
	case n.IsOutside():
		return n.Name() + " (its addresses outside the cluster)"
	case n.Kind() == "Pod":
		return n.Name() + " (Pod)"
	}
	pods := n.Pods()
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.String()
	}
	return fmt.Sprintf("%s (%s: %s)", n.Name(), n.Kind(), strings.Join(names, ", "))
}
