package cli

// Semantic tests of the golden-tested commands: the goldens pin the
// formatting, these tests pin the meaning. Each one compiles the same
// manifests with the library (manifest.LoadPaths, simulate.Compile,
// graph.New), the one place where semantics live, and checks that what the
// command prints says what the library computes.

import (
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
	corev1 "k8s.io/api/core/v1"
)

// compile loads and compiles paths as the commands do with their default
// flags, plus opts.
func compile(t *testing.T, opts []simulate.Option, paths ...string) *simulate.Model {
	t.Helper()
	res, err := manifest.LoadPaths(paths...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mustRun runs the command line and fails unless its exit status is code.
func mustRun(t *testing.T, code int, args ...string) string {
	t.Helper()
	out, errOut, got := run(t, "", args...)
	if got != code {
		t.Fatalf("%v: exit status %d, want %d; stderr:\n%s", args, got, code, errOut)
	}
	return out
}

// jsonPorts is the port list every -o json prints.
type jsonPorts []struct {
	Protocol string `json:"protocol"`
	Start    int32  `json:"start"`
	End      int32  `json:"end"`
}

// set reads the list back as a port set; it fails on ranges that are not
// disjoint and sorted as PortSet.Ranges gives them, since a port set
// printed twice, or out of order, is a defect of the writer.
func (p jsonPorts) set(t *testing.T) simulate.PortSet {
	t.Helper()
	rs := make([]simulate.PortRange, len(p))
	for i, r := range p {
		rs[i] = simulate.PortRange{Protocol: corev1.Protocol(r.Protocol), Start: r.Start, End: r.End}
	}
	s := simulate.NewPortSet(rs...)
	if len(s.Ranges()) != len(rs) {
		t.Errorf("ports %v are not in canonical form (%s)", p, s)
	}
	return s
}

// TestMatrixJSONSemantics checks matrix -o json against
// simulate.Model.Matrix (pods) and simulate.Model.WorkloadPorts
// (workloads): the endpoints are the model's, every pair listed has the
// library's ports, and every ordered pair of distinct endpoints with some
// port is listed, once.
func TestMatrixJSONSemantics(t *testing.T) {
	for _, c := range []struct {
		name      string
		path      string
		workloads bool
		opts      []simulate.Option
		flags     []string
	}{
		{"shop pods", shop, false, nil, nil},
		{"shop workloads", shop, true, nil, []string{"--group", "workload"}},
		{"multitenant pods", multitenant, false, []simulate.Option{simulate.IPBlockMatchesPods(false)}, []string{"--ipblock-pods=false"}},
		{"rollout workloads", rollout, true, nil, []string{"--group", "workload"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := compile(t, c.opts, c.path)
			out := mustRun(t, 0, append([]string{"matrix", "-f", c.path, "-o", "json"}, c.flags...)...)
			var doc struct {
				Endpoints []struct {
					ID string `json:"id"`
				} `json:"endpoints"`
				Connections []struct {
					From  string    `json:"from"`
					To    string    `json:"to"`
					Ports jsonPorts `json:"ports"`
				} `json:"connections"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			var ids []string
			if c.workloads {
				for _, w := range m.Workloads() {
					ids = append(ids, w.ID)
				}
			} else {
				for _, p := range m.Pods() {
					ids = append(ids, p.String())
				}
			}
			var got []string
			for _, ep := range doc.Endpoints {
				got = append(got, ep.ID)
			}
			if strings.Join(got, " ") != strings.Join(ids, " ") {
				t.Errorf("endpoints %v, want %v", got, ids)
			}
			ports := func(from, to string) simulate.PortSet {
				if c.workloads {
					s, err := m.WorkloadPorts(from, to, simulate.EveryMember)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
				ns, name, _ := strings.Cut(from, "/")
				ns2, name2, _ := strings.Cut(to, "/")
				return mustPorts(t)(m.Matrix().Ports(simulate.PodID{Namespace: ns, Name: name}, simulate.PodID{Namespace: ns2, Name: name2}))
			}
			listed := map[[2]string]simulate.PortSet{}
			for _, cn := range doc.Connections {
				k := [2]string{cn.From, cn.To}
				if _, dup := listed[k]; dup {
					t.Errorf("%s -> %s listed twice", cn.From, cn.To)
				}
				listed[k] = cn.Ports.set(t)
			}
			pairs := 0
			for _, from := range ids {
				for _, to := range ids {
					if from == to {
						continue
					}
					want := ports(from, to)
					got, ok := listed[[2]string{from, to}]
					delete(listed, [2]string{from, to})
					switch {
					case want.IsEmpty() && ok:
						t.Errorf("%s -> %s listed with %s; the library allows nothing", from, to, got)
					case !want.IsEmpty() && !ok:
						t.Errorf("%s -> %s missing; the library allows %s", from, to, want)
					case ok && !got.Equal(want):
						t.Errorf("%s -> %s: %s, the library says %s", from, to, got, want)
					}
					if !want.IsEmpty() {
						pairs++
					}
				}
			}
			for k := range listed {
				t.Errorf("%s -> %s listed, but is no pair of distinct endpoints", k[0], k[1])
			}
			if pairs == 0 {
				t.Error("no pair with ports: the test asserts nothing")
			}
		})
	}
}

// TestCheckSemantics checks check's exit status against
// simulate.Model.Check (or Query, for questions Check does not answer)
// over every pair of the shop's pods and workloads on a few ports, and
// that the verdict line is the library's.
func TestCheckSemantics(t *testing.T) {
	m := compile(t, nil, shop)
	var eps []string
	for _, p := range m.Pods() {
		eps = append(eps, p.String())
	}
	for _, w := range m.Workloads() {
		eps = append(eps, w.ID)
	}
	eps = append(eps, "svc/shop/db")
	allowed, denied, refused := 0, 0, 0
	for _, port := range []string{"5432", "53/UDP", "9090", "http"} {
		ps, err := simulate.ParsePortSpec(port)
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range eps {
			if strings.HasPrefix(from, "svc/") {
				continue
			}
			for _, to := range eps {
				src, err1 := simulate.ParseEndpoint(from)
				dst, err2 := simulate.ParseEndpoint(to)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				var want int
				var line string
				if v, err := m.Check(src, dst, ps); err == nil {
					want, line = exitDenied, v.String()
					if v.Allowed {
						want = exitOK
					}
				} else if a, err := m.Query(src, dst, ps); err == nil {
					want, line = exitDenied, a.String()
					if a.All() {
						want = exitOK
					}
				} else {
					continue // a question the library refuses: TestErrors' business
				}
				out, errOut, code := run(t, "", "check", "-f", shop, "--from", from, "--to", to, "--port", port)
				if code == exitError && strings.Contains(errOut, "serves no") {
					// The CLI refuses a port name that no destination
					// serves, as a likely typo; the library must deny it.
					if want == exitOK {
						t.Errorf("check %s -> %s on %s refused (%q), but the library allows it", from, to, port, errOut)
					}
					refused++
					continue
				}
				if code != want {
					t.Errorf("check %s -> %s on %s: exit %d, the library says %d (%s); stderr %q", from, to, port, code, want, line, errOut)
				}
				if strings.TrimSuffix(out, "\n") != line {
					t.Errorf("check %s -> %s on %s: printed %q, the library says %q", from, to, port, out, line)
				}
				if code == exitOK {
					allowed++
				} else if code == exitDenied {
					denied++
				}
			}
		}
	}
	if allowed == 0 || denied == 0 || refused == 0 {
		t.Errorf("%d allowed, %d denied and %d refused questions: want some of each", allowed, denied, refused)
	}
}

// TestExposureJSONSemantics checks exposure -o json against
// simulate.Model.Exposure: the same pods, and for each the same routes
// (kind, via, host, path, TLS, entry and pod ports, sources, note) and the
// same outbound access.
func TestExposureJSONSemantics(t *testing.T) {
	type sources struct {
		Any    bool `json:"any"`
		Blocks []struct {
			CIDR   string   `json:"cidr"`
			Except []string `json:"except"`
		} `json:"blocks"`
	}
	render := func(s sources) string {
		if s.Any {
			return "any"
		}
		var parts []string
		for _, b := range s.Blocks {
			parts = append(parts, b.CIDR+" except "+strings.Join(b.Except, ","))
		}
		return strings.Join(parts, "; ")
	}
	want := func(s simulate.Sources) string {
		if s.Any {
			return "any"
		}
		var parts []string
		for _, b := range s.Blocks {
			var ex []string
			for _, x := range b.Except {
				ex = append(ex, x.String())
			}
			parts = append(parts, b.CIDR.String()+" except "+strings.Join(ex, ","))
		}
		return strings.Join(parts, "; ")
	}
	routes, exposed := 0, 0
	for _, c := range []struct {
		name, path, ns string
	}{{"shop", shop, ""}, {"exposed-after", exposedAfter, "store"}} {
		t.Run(c.name, func(t *testing.T) {
			m := compile(t, nil, c.path)
			args := []string{"exposure", "-f", c.path, "-o", "json"}
			if c.ns != "" {
				args = append(args, "-n", c.ns)
			}
			var doc struct {
				Pods []struct {
					Pod     string `json:"pod"`
					Exposed bool   `json:"exposed"`
					Inbound []struct {
						Kind       string    `json:"kind"`
						Via        string    `json:"via"`
						Host       string    `json:"host"`
						Path       string    `json:"path"`
						TLS        bool      `json:"tls"`
						EntryPorts jsonPorts `json:"entryPorts"`
						PodPorts   jsonPorts `json:"podPorts"`
						Sources    sources   `json:"sources"`
						Note       string    `json:"note"`
					} `json:"inbound"`
					Outbound []struct {
						Ports jsonPorts `json:"ports"`
						To    sources   `json:"to"`
					} `json:"outbound"`
				} `json:"pods"`
			}
			if err := json.Unmarshal([]byte(mustRun(t, 0, args...)), &doc); err != nil {
				t.Fatal(err)
			}
			var lib []simulate.PodExposure
			for _, pe := range m.Exposure() {
				if c.ns == "" || pe.Pod.Namespace == c.ns {
					lib = append(lib, pe)
				}
			}
			if len(doc.Pods) != len(lib) {
				t.Fatalf("%d pods, the library has %d", len(doc.Pods), len(lib))
			}
			for i, pe := range lib {
				p := doc.Pods[i]
				if p.Pod != pe.Pod.String() {
					t.Errorf("pod %d is %s, the library's is %s", i, p.Pod, pe.Pod)
					continue
				}
				if p.Exposed != pe.Exposed(false) {
					t.Errorf("%s: exposed %v, the library says %v", p.Pod, p.Exposed, pe.Exposed(false))
				}
				if p.Exposed {
					exposed++
				}
				if len(p.Inbound) != len(pe.Inbound) {
					t.Errorf("%s: %d routes, the library has %d", p.Pod, len(p.Inbound), len(pe.Inbound))
					continue
				}
				for j, r := range pe.Inbound {
					g := p.Inbound[j]
					routes++
					if g.Kind != string(r.Kind) || g.Via != r.Via || g.Host != r.Host || g.Path != r.Path || g.TLS != r.TLS || g.Note != r.Note {
						t.Errorf("%s route %d: %+v, the library's is %s", p.Pod, j, g, r)
					}
					if !g.EntryPorts.set(t).Equal(r.EntryPorts) || !g.PodPorts.set(t).Equal(r.PodPorts) {
						t.Errorf("%s route %d: entry %v pod %v, the library's are %s and %s", p.Pod, j, g.EntryPorts, g.PodPorts, r.EntryPorts, r.PodPorts)
					}
					if render(g.Sources) != want(r.Sources) {
						t.Errorf("%s route %d: sources %s, the library's are %s", p.Pod, j, render(g.Sources), want(r.Sources))
					}
				}
				if len(p.Outbound) != len(pe.Outbound) {
					t.Errorf("%s: %d outbound, the library has %d", p.Pod, len(p.Outbound), len(pe.Outbound))
					continue
				}
				for j, a := range pe.Outbound {
					g := p.Outbound[j]
					if !g.Ports.set(t).Equal(a.Ports) || render(g.To) != want(a.Sources) {
						t.Errorf("%s outbound %d: %v to %s, the library's is %s to %s", p.Pod, j, g.Ports, render(g.To), a.Ports, want(a.Sources))
					}
				}
			}
		})
	}
	if routes == 0 || exposed == 0 {
		t.Errorf("%d routes, %d exposed pods: the test asserts too little", routes, exposed)
	}
}

// TestExplainSemantics checks that explain lists under "may receive
// from" and "may send to" exactly the pods and ports of
// simulate.Model.Explain's From and To, for every pod of the shop and the
// rollout.
func TestExplainSemantics(t *testing.T) {
	peerLine := regexp.MustCompile(`^    (\S+/\S+)  (\S+)$`)
	peers := 0
	for _, path := range []string{shop, rollout} {
		m := compile(t, nil, path)
		for _, pod := range m.Pods() {
			x, err := m.Explain(pod)
			if err != nil {
				t.Fatal(err)
			}
			out := mustRun(t, 0, "explain", "-f", path, pod.String())
			got := map[string]map[string]string{}
			section := ""
			for _, l := range strings.Split(out, "\n") {
				switch l {
				case "  may receive from:", "  may send to:":
					section = l
					got[section] = map[string]string{}
					continue
				}
				if !strings.HasPrefix(l, "    ") {
					section = ""
				}
				if section == "" {
					continue
				}
				if sm := peerLine.FindStringSubmatch(l); sm != nil {
					got[section][sm[1]] = sm[2]
				}
			}
			for _, d := range []struct {
				section string
				peers   []simulate.Peers
			}{{"  may receive from:", x.From}, {"  may send to:", x.To}} {
				want := map[string]string{}
				for _, g := range d.peers {
					for _, p := range g.Pods {
						want[p.String()] = g.Ports.String()
					}
				}
				peers += len(want)
				if len(got[d.section]) != len(want) {
					t.Errorf("explain %s%s %v, the library says %v", pod, strings.TrimSuffix(d.section, ":"), got[d.section], want)
					continue
				}
				for p, ports := range want {
					if got[d.section][p] != ports {
						t.Errorf("explain %s%s %s: %q, the library says %q", pod, strings.TrimSuffix(d.section, ":"), p, got[d.section][p], ports)
					}
				}
			}
		}
	}
	if peers == 0 {
		t.Error("no peers: the test asserts nothing")
	}
}

// TestGraphDOTSemantics checks that the edges of graph -o dot are exactly
// those of graph.New (and graph.Restrict) with the same options, each
// labelled with its ports.
func TestGraphDOTSemantics(t *testing.T) {
	edge := regexp.MustCompile(`(?m)^  ("[^"]+"|\S+) -> ("[^"]+"|\S+) \[(?:\n\s*)?label="([^"]*)"`)
	for _, c := range []struct {
		name  string
		path  string
		flags []string
		opts  []graph.Option
		port  string
	}{
		{"shop", shop, nil, []graph.Option{graph.ByWorkload(), graph.Outside(), graph.OutsideEgress()}, ""},
		{"shop pods 5432", shop, []string{"--group", "pod", "--port", "5432", "--outside=false"}, nil, "5432"},
		{"multitenant", multitenant, nil, []graph.Option{graph.ByWorkload(), graph.Outside(), graph.OutsideEgress()}, ""},
		{"rollout", rollout, []string{"--outside=false"}, []graph.Option{graph.ByWorkload()}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := graph.New(compile(t, nil, c.path), c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.port != "" {
				ps, err := simulate.ParsePortSpec(c.port)
				if err != nil {
					t.Fatal(err)
				}
				if g, err = graph.Restrict(g, ps); err != nil {
					t.Fatal(err)
				}
			}
			want := map[string]string{}
			for _, e := range g.Edges() {
				label := e.Ports().String()
				if e.Ports().IsAll() {
					label = "all ports"
				}
				want[e.From().(*graph.Node).Name()+" -> "+e.To().(*graph.Node).Name()] = label
			}
			out := mustRun(t, 0, append([]string{"graph", "-f", c.path}, c.flags...)...)
			got := map[string]string{}
			for _, sm := range edge.FindAllStringSubmatch(out, -1) {
				unq := func(s string) string {
					if u, err := strconv.Unquote(s); err == nil {
						return u
					}
					return s
				}
				k := unq(sm[1]) + " -> " + unq(sm[2])
				if _, dup := got[k]; dup {
					t.Errorf("edge %s drawn twice", k)
				}
				got[k] = sm[3]
			}
			if n := strings.Count(out, " -> "); n != len(got) {
				t.Errorf("%d arrows, %d of them parsed", n, len(got))
			}
			if len(want) == 0 {
				t.Fatal("the graph has no edge: the test asserts nothing")
			}
			for k, l := range want {
				if got[k] != l {
					t.Errorf("edge %s: label %q, the graph package says %q", k, got[k], l)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("edge %s drawn, but not in the graph package's graph", k)
				}
			}
		})
	}
}

// graphNode finds the node that name stands for in g as the graph
// commands document it: the outside node, a node's own name, or the node
// of the pods an endpoint resolves to (simulate.Model.Resolve).
func graphNode(t *testing.T, g *graph.Graph, name string) *graph.Node {
	t.Helper()
	if name == graph.OutsideName {
		return g.Outside().(*graph.Node)
	}
	if n := g.NodeNamed(name); n != nil {
		return n
	}
	e, err := simulate.ParseEndpoint(name)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := g.Model().Resolve(e)
	if err != nil || len(pods) == 0 {
		t.Fatalf("%s: %v", name, err)
	}
	return g.NodeOf(pods[0])
}

// graphCase is a graph command's graph options as the library takes them.
type graphCase struct {
	path   string
	pods   bool   // --group pod
	port   string // --port
	block  string // a CIDR named as --from, --to or NODE: graph.OutsideBlock
	egress bool   // paths --to outside or a CIDR: graph.OutsideEgress
}

func (c graphCase) build(t *testing.T) *graph.Graph {
	t.Helper()
	opts := []graph.Option{graph.Outside()}
	if c.block != "" {
		opts = append(opts, graph.OutsideBlock(netip.MustParsePrefix(c.block)))
	}
	if c.egress {
		opts = append(opts, graph.OutsideEgress())
	}
	if !c.pods {
		opts = append(opts, graph.ByWorkload())
	}
	g, err := graph.New(compile(t, nil, c.path), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if c.port != "" {
		ps, err := simulate.ParsePortSpec(c.port)
		if err != nil {
			t.Fatal(err)
		}
		if g, err = graph.Restrict(g, ps); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func (c graphCase) flags() []string {
	out := []string{"-f", c.path}
	// c.block and c.egress follow from the NODE arguments.
	if c.pods {
		out = append(out, "--group", "pod")
	}
	if c.port != "" {
		out = append(out, "--port", c.port)
	}
	return out
}

// hops renders a path as its nodes and the ports of each hop, one string
// per hop: the structure paths prints, read back from its text or taken
// from a graph.Path.
func hops(p graph.Path) []string {
	var out []string
	for i := range p.Len() {
		out = append(out, p.Nodes[i].(*graph.Node).Name()+" -("+p.Ports[i].String()+")-> "+p.Nodes[i+1].(*graph.Node).Name())
	}
	return out
}

var hopText = regexp.MustCompile(`(\S+) -\(([^)]*)\)-> `)

func parseHops(line string) []string {
	line = strings.TrimSpace(line)
	var out []string
	ms := hopText.FindAllStringSubmatchIndex(line, -1)
	for i, l := range ms {
		next := strings.TrimSpace(line[l[1]:]) // the last node
		if i+1 < len(ms) {
			next = line[ms[i+1][2]:ms[i+1][3]]
		}
		out = append(out, line[l[2]:l[3]]+" -("+line[l[4]:l[5]]+")-> "+next)
	}
	return out
}

// TestPathsSemantics checks that paths lists exactly the paths of
// graph.AllPaths, hop by hop with their ports, and when there are none,
// the shortest path of graph.ShortestPath, if any, and the exit status that
// goes with it.
func TestPathsSemantics(t *testing.T) {
	listed := 0
	for _, c := range []struct {
		graphCase
		from, to string
		maxHops  int
	}{
		{graphCase{path: shop}, "outside", "shop/db", 3},
		{graphCase{path: shop, pods: true}, "shop/frontend-0", "shop/db-0", 4},
		{graphCase{path: shop}, "shop/db-0", "shop/api", 2},
		{graphCase{path: shop}, "shop/db-0", "shop/api", 4},
		{graphCase{path: shop, port: "9090"}, "shop/db", "shop/api", 3},
		{graphCase{path: shop}, "outside", "svc/shop/db", 3},
		{graphCase{path: multitenant, pods: true}, "outside", "tenant-b/web-0", 3},
		{graphCase{path: shop, block: "203.0.113.0/24"}, "203.0.113.0/24", "shop/db", 3},
		{graphCase{path: shop, egress: true}, "shop/frontend", "outside", 3},
		{graphCase{path: shop, block: "192.0.2.0/24", egress: true, pods: true}, "shop/api-0", "192.0.2.0/24", 2},
		{graphCase{path: exposedAfter, block: "192.0.2.0/28"}, "192.0.2.0/28", "kube-system/coredns", 2},
	} {
		g := c.build(t)
		src, dst := graphNode(t, g, c.from), graphNode(t, g, c.to)
		want := graph.AllPaths(g, src, dst, c.maxHops)
		code := exitOK
		if len(want) == 0 {
			code = exitDenied
		}
		out := mustRun(t, code, append(append([]string{"paths"}, c.flags()...), "--from", c.from, "--to", c.to, "--max-hops", strconv.Itoa(c.maxHops))...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")[1:]
		if len(want) == 0 {
			if p, ok := graph.ShortestPath(g, src, dst); ok {
				want = []graph.Path{p}
			}
		}
		if len(lines) != len(want) {
			t.Errorf("paths %s -> %s: %d paths printed, the graph package has %d:\n%s", c.from, c.to, len(lines), len(want), out)
			continue
		}
		for i, p := range want {
			got, w := parseHops(lines[i]), hops(p)
			if strings.Join(got, "; ") != strings.Join(w, "; ") {
				t.Errorf("paths %s -> %s, path %d: %v, the graph package says %v", c.from, c.to, i, got, w)
			}
			listed++
		}
	}
	if listed == 0 {
		t.Error("no path listed: the test asserts nothing")
	}
}

// TestBlastRadiusSemantics checks that blast-radius lists exactly the
// nodes of graph.Reach with their hop counts, each reached over an edge of
// the graph from a node one hop nearer (or the root) with that edge's
// ports; and that the row "outside", when there is one, names a node of
// the radius whose pods simulate.Model.AddressAccess (simulate.Outside(),
// simulate.Egress, asked pod by pod) lets reach some address outside on
// exactly the ports shown.
func TestBlastRadiusSemantics(t *testing.T) {
	rows := 0
	for _, c := range []struct {
		graphCase
		root string
		hops int
	}{
		{graphCase{path: shop}, "shop/frontend-0", -1},
		{graphCase{path: shop, pods: true}, "shop/frontend-0", 1},
		{graphCase{path: shop, pods: true}, "shop/frontend-0", -1},
		{graphCase{path: shop}, "outside", -1},
		{graphCase{path: shop}, "kube-system/coredns", -1},
		{graphCase{path: shop}, "shop/app=api", -1},
		{graphCase{path: shop, port: "443"}, "kube-system/coredns", -1},
		{graphCase{path: shop, port: "5432"}, "shop/db", -1},
		{graphCase{path: multitenant, pods: true}, "outside", 2},
		{graphCase{path: shop, block: "203.0.113.0/24"}, "203.0.113.0/24", -1},
		{graphCase{path: shop, block: "10.0.0.0/8", pods: true}, "10.0.0.0/8", 2},
		{graphCase{path: exposedAfter, block: "192.0.2.0/28"}, "192.0.2.0/28", -1},
		{graphCase{path: exposedAfter}, "kube-system/coredns", -1},
	} {
		g := c.build(t)
		root := graphNode(t, g, c.root)
		r := graph.Reach(g, root, c.hops)
		args := append(append([]string{"blast-radius"}, c.flags()...), c.root)
		if c.hops >= 0 {
			args = append(args, "--hops", strconv.Itoa(c.hops))
		}
		out := mustRun(t, 0, args...)
		got := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			if len(f) != 4 || f[0] == "HOPS" {
				continue
			}
			d, err := strconv.Atoi(f[0])
			if err != nil {
				continue
			}
			node, via, ports := f[1], f[2], f[3]
			rows++
			if node == graph.OutsideName {
				var want simulate.PortSet
				for _, pod := range graphNode(t, g, via).Pods() {
					pieces, err := g.Model().AddressAccess(pod, simulate.Outside(), simulate.Egress)
					if err != nil {
						t.Fatal(err)
					}
					for _, piece := range pieces {
						want = want.Union(piece.Ports)
					}
				}
				if c.port != "" {
					ps, _ := simulate.ParsePortSpec(c.port)
					want = want.Intersect(simulate.NewPortSet(simulate.PortRange{Protocol: ps.Protocol, Start: ps.Start, End: ps.End}))
				}
				label := want.String()
				if want.IsAll() {
					label = "all"
				}
				if want.IsEmpty() || ports != label {
					t.Errorf("blast-radius %s: outside via %s on %s, the library says %q", c.root, via, ports, label)
				}
				if via != root.Name() {
					if h, ok := r.Hops(graphNode(t, g, via).ID()); !ok || h+1 != d {
						t.Errorf("blast-radius %s: outside in %d hops via %s, which is %d hops away (reached %v)", c.root, d, via, h, ok)
					}
				}
				continue
			}
			n := graphNode(t, g, node)
			got[node] = true
			if h, ok := r.Hops(n.ID()); !ok || h != d {
				t.Errorf("blast-radius %s: %s at %d hops, graph.Reach says %d (reached %v)", c.root, node, d, h, ok)
			}
			v := graphNode(t, g, via)
			if hv, _ := r.Hops(v.ID()); v.ID() != root.ID() && hv != d-1 {
				t.Errorf("blast-radius %s: %s via %s, which is %d hops away, not %d", c.root, node, via, hv, d-1)
			}
			e := g.EdgeFromTo(v.ID(), n.ID())
			if e == nil {
				t.Errorf("blast-radius %s: %s via %s, but the graph has no such edge", c.root, node, via)
				continue
			}
			label := e.Ports().String()
			if e.Ports().IsAll() {
				label = "all"
			}
			if ports != label {
				t.Errorf("blast-radius %s: %s via %s on %s, the edge has %s", c.root, node, via, ports, label)
			}
		}
		for _, n := range r.Nodes() {
			if name := n.(*graph.Node).Name(); !got[name] {
				t.Errorf("blast-radius %s: %s missing; graph.Reach reaches it", c.root, name)
			}
		}
		if len(got) != r.Len() {
			t.Errorf("blast-radius %s: %d nodes listed, graph.Reach reaches %d", c.root, len(got), r.Len())
		}
	}
	if rows == 0 {
		t.Error("no row: the test asserts nothing")
	}
}

// TestDiffJSONSemantics checks diff -o json (pods) against the two
// models' matrices (simulate.Matrix.Ports), compared naively pair by pair:
// the endpoints only on one side, the pairs of shared pods added, removed
// and changed (with the ports gained and lost), and the connections of the
// new pods; and the exit status (1 when something differs).
func TestDiffJSONSemantics(t *testing.T) {
	changes := 0
	for _, c := range [][2]string{{prBefore, prAfter}, {prAfter, prBefore}, {shop, prBefore}, {shop, multitenant}} {
		ma, mb := compile(t, nil, c[0]), compile(t, nil, c[1])
		type pair struct{ from, to string }
		type conn struct {
			From  string    `json:"from"`
			To    string    `json:"to"`
			Ports jsonPorts `json:"ports"`
		}
		var doc struct {
			Removed []struct {
				ID string `json:"id"`
			} `json:"endpointsRemoved"`
			Added []struct {
				ID string `json:"id"`
			} `json:"endpointsAdded"`
			ConnAdded   []conn `json:"connectionsAdded"`
			ConnRemoved []conn `json:"connectionsRemoved"`
			ConnNew     []conn `json:"connectionsNew"`
			Changed     []struct {
				From   string    `json:"from"`
				To     string    `json:"to"`
				Before jsonPorts `json:"before"`
				After  jsonPorts `json:"after"`
				Gained jsonPorts `json:"gained"`
				Lost   jsonPorts `json:"lost"`
			} `json:"connectionsChanged"`
		}
		out, errOut, code := run(t, "", "diff", c[0], c[1], "-o", "json")
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("diff %s %s: %v; stderr %s", c[0], c[1], err, errOut)
		}
		inA, inB := map[simulate.PodID]bool{}, map[simulate.PodID]bool{}
		for _, p := range ma.Pods() {
			inA[p] = true
		}
		for _, p := range mb.Pods() {
			inB[p] = true
		}
		var wantRemoved, wantAdded []string
		for _, p := range ma.Pods() {
			if !inB[p] {
				wantRemoved = append(wantRemoved, p.String())
			}
		}
		for _, p := range mb.Pods() {
			if !inA[p] {
				wantAdded = append(wantAdded, p.String())
			}
		}
		var gotRemoved, gotAdded []string
		for _, e := range doc.Removed {
			gotRemoved = append(gotRemoved, e.ID)
		}
		for _, e := range doc.Added {
			gotAdded = append(gotAdded, e.ID)
		}
		if !slices.Equal(gotRemoved, wantRemoved) || !slices.Equal(gotAdded, wantAdded) {
			t.Errorf("diff %s %s: endpoints removed %v added %v, want %v and %v", c[0], c[1], gotRemoved, gotAdded, wantRemoved, wantAdded)
		}
		// What the JSON says of each pair, by list.
		got := map[string]map[pair]simulate.PortSet{"added": {}, "removed": {}, "new": {}, "before": {}, "after": {}}
		for name, list := range map[string][]conn{"added": doc.ConnAdded, "removed": doc.ConnRemoved, "new": doc.ConnNew} {
			for _, cn := range list {
				got[name][pair{cn.From, cn.To}] = cn.Ports.set(t)
			}
		}
		for _, ch := range doc.Changed {
			k := pair{ch.From, ch.To}
			before, after := ch.Before.set(t), ch.After.set(t)
			got["before"][k], got["after"][k] = before, after
			if !ch.Gained.set(t).Equal(after.Difference(before)) || !ch.Lost.set(t).Equal(before.Difference(after)) {
				t.Errorf("diff %s %s: %s -> %s gained %v lost %v, not after minus before and back", c[0], c[1], ch.From, ch.To, ch.Gained, ch.Lost)
			}
		}
		want := map[string]map[pair]simulate.PortSet{"added": {}, "removed": {}, "new": {}, "before": {}, "after": {}}
		for _, a := range mb.Pods() {
			for _, b := range mb.Pods() {
				if a == b {
					continue
				}
				k := pair{a.String(), b.String()}
				after := mustPorts(t)(mb.Matrix().Ports(a, b))
				if !inA[a] || !inA[b] {
					if !after.IsEmpty() {
						want["new"][k] = after
					}
					continue
				}
				before := mustPorts(t)(ma.Matrix().Ports(a, b))
				switch {
				case before.Equal(after):
				case before.IsEmpty():
					want["added"][k] = after
				case after.IsEmpty():
					want["removed"][k] = before
				default:
					want["before"][k], want["after"][k] = before, after
				}
			}
		}
		differs := len(wantRemoved)+len(wantAdded) > 0
		for name, w := range want {
			differs = differs || len(w) > 0
			changes += len(w)
			for k, ports := range w {
				if g, ok := got[name][k]; !ok || !g.Equal(ports) {
					t.Errorf("diff %s %s: %s %s -> %s: %v (listed %v), want %s", c[0], c[1], name, k.from, k.to, g, ok, ports)
				}
			}
			for k, ports := range got[name] {
				if _, ok := w[k]; !ok {
					t.Errorf("diff %s %s: %s %s -> %s listed with %s; the matrices do not say so", c[0], c[1], name, k.from, k.to, ports)
				}
			}
		}
		if wantCode := map[bool]int{false: exitOK, true: exitDenied}[differs]; code != wantCode {
			t.Errorf("diff %s %s: exit %d, want %d", c[0], c[1], code, wantCode)
		}
	}
	if changes == 0 {
		t.Error("no change: the test asserts nothing")
	}
}

// TestLintJSONSemantics checks lint -o json against lint.Run: the same
// findings in the same order (compared as JSON values, so that formatting
// does not matter), with -n keeping exactly the findings of that namespace;
// counts by severity; failed and the exit status as --fail-on says.
func TestLintJSONSemantics(t *testing.T) {
	findings := 0
	for _, c := range []struct {
		path, ns, failOn string
	}{
		{exposedBefore, "", "warning"}, {exposedBefore, "store", "error"}, {exposedAfter, "", "info"},
		{exposedAfter, "", "warning"}, {shop, "", "warning"}, {multitenant, "", "error"},
	} {
		m := compile(t, nil, c.path)
		failOn, err := lint.ParseSeverity(c.failOn)
		if err != nil {
			t.Fatal(err)
		}
		var want []lint.Finding
		counts := map[lint.Severity]int{}
		failed := false
		for _, f := range lint.Run(m) {
			scope := f.Object.Namespace
			if f.Object.Kind == "Namespace" {
				scope = f.Object.Name
			}
			if c.ns != "" && scope != c.ns {
				continue
			}
			want = append(want, f)
			counts[f.Severity]++
			failed = failed || f.Severity >= failOn
		}
		args := []string{"lint", "-f", c.path, "-o", "json", "--fail-on", c.failOn}
		if c.ns != "" {
			args = append(args, "-n", c.ns)
		}
		out, errOut, code := run(t, "", args...)
		if wantCode := map[bool]int{false: exitOK, true: exitDenied}[failed]; code != wantCode {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, wantCode, errOut)
		}
		var doc struct {
			Findings json.RawMessage `json:"findings"`
			Counts   struct {
				Error   int `json:"error"`
				Warning int `json:"warning"`
				Info    int `json:"info"`
			} `json:"counts"`
			Failed bool `json:"failed"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var gotV, wantV any
		if err := json.Unmarshal(doc.Findings, &gotV); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(wantJSON, &wantV); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			wantV = []any{}
		}
		if diff := cmp.Diff(wantV, gotV); diff != "" {
			t.Errorf("%v: findings differ from lint.Run's (-lint.Run +printed):\n%s", args, diff)
		}
		if doc.Counts.Error != counts[lint.Error] || doc.Counts.Warning != counts[lint.Warning] || doc.Counts.Info != counts[lint.Info] {
			t.Errorf("%v: counts %+v, lint.Run gives %v", args, doc.Counts, counts)
		}
		if doc.Failed != failed {
			t.Errorf("%v: failed %v, want %v", args, doc.Failed, failed)
		}
		findings += len(want)
	}
	if findings == 0 {
		t.Error("no finding: the test asserts nothing")
	}
}

// TestMatrixCSVAndTruthTableSemantics checks the other structured forms of
// matrix: the CSV rows of each pair add up to simulate.Matrix.Ports for
// that pair, and every pair with ports has rows; each truth-table cell is
// "." exactly when simulate.Model.Check allows the port for every pair of
// member pods (a pod with itself included).
func TestMatrixCSVAndTruthTableSemantics(t *testing.T) {
	m := compile(t, nil, shop)
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, 0, "matrix", "-f", shop, "-o", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]simulate.PortSet{}
	for _, r := range rows[1:] {
		start, err1 := strconv.Atoi(r[3])
		end, err2 := strconv.Atoi(r[4])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %v: %v %v", r, err1, err2)
		}
		k := [2]string{r[0], r[1]}
		got[k] = got[k].Union(simulate.NewPortSet(simulate.PortRange{Protocol: corev1.Protocol(r[2]), Start: int32(start), End: int32(end)}))
	}
	for _, a := range m.Pods() {
		for _, b := range m.Pods() {
			if a == b {
				continue
			}
			k := [2]string{a.String(), b.String()}
			if want := mustPorts(t)(m.Matrix().Ports(a, b)); !got[k].Equal(want) {
				t.Errorf("csv %s -> %s: %s, the library says %s", a, b, got[k], want)
			}
			delete(got, k)
		}
	}
	for k := range got {
		t.Errorf("csv lists %s -> %s, no pair of distinct pods", k[0], k[1])
	}

	for _, c := range []struct {
		port      string
		workloads bool
	}{{"5432", false}, {"53/UDP", false}, {"http", true}, {"9090", true}} {
		ps, err := simulate.ParsePortSpec(c.port)
		if err != nil {
			t.Fatal(err)
		}
		members := map[string][]simulate.PodID{}
		var ids []string
		for _, w := range m.Workloads() {
			if c.workloads {
				ids = append(ids, w.ID)
				members[w.ID] = w.Pods
				continue
			}
			for _, p := range w.Pods {
				ids = append(ids, p.String())
				members[p.String()] = []simulate.PodID{p}
			}
		}
		slices.Sort(ids)
		args := []string{"matrix", "-f", shop, "-o", "truthtable", "--port", c.port}
		if c.workloads {
			args = append(args, "--group", "workload")
		}
		lines := strings.Split(strings.TrimSuffix(mustRun(t, 0, args...), "\n"), "\n")
		if head := strings.Fields(lines[0]); !slices.Equal(head[1:], ids) {
			t.Fatalf("truth table on %s: columns %v, want %v", c.port, head[1:], ids)
		}
		if len(lines) != len(ids)+1 {
			t.Fatalf("truth table on %s: %d rows, want %d", c.port, len(lines)-1, len(ids))
		}
		allowed, denied := 0, 0
		for i, from := range ids {
			cells := strings.Fields(lines[i+1])
			if cells[0] != from {
				t.Errorf("truth table on %s: row %d is %s, want %s", c.port, i, cells[0], from)
			}
			for j, to := range ids {
				want := "."
				for _, a := range members[from] {
					for _, b := range members[to] {
						v, err := m.Check(simulate.Pod(a.Namespace, a.Name), simulate.Pod(b.Namespace, b.Name), ps)
						if err != nil {
							t.Fatal(err)
						}
						if !v.Allowed {
							want = "X"
						}
					}
				}
				if cells[j+1] != want {
					t.Errorf("truth table on %s: %s -> %s is %q, the library says %q", c.port, from, to, cells[j+1], want)
				}
				if want == "." && from != to {
					allowed++
				} else if want == "X" {
					denied++
				}
			}
		}
		if allowed == 0 || denied == 0 {
			t.Errorf("truth table on %s: %d allowed and %d denied cells, want some of each", c.port, allowed, denied)
		}
	}
}

// mustPorts returns a function that takes what Matrix.Ports returns and
// gives the port set, failing t on an error.
func mustPorts(t testing.TB) func(simulate.PortSet, error) simulate.PortSet {
	return func(ports simulate.PortSet, err error) simulate.PortSet {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ports
	}
}
