package cli

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/graph"
	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

const reportUsage = `Usage: netpolsim report -f PATH... -o FILE [--title TEXT]

Write one self-contained HTML page about the manifests, to open in a
browser or attach to a review: it fetches nothing from the network (its
styles, script and pictures are inline) and works without its script.

The page shows:
  - the allow matrix as a heat map of workloads (Deployments, StatefulSets,
    ..., and bare pods), grouped by namespace: each cell is colored by what
    the row's workload may open to the column's (every port; some ports,
    from every member to every member; only some members or some ports;
    nothing), and hovering a cell shows the ports and the policy rules
    that decide the first of them (between the first members it is
    allowed between), or what isolates the two sides;
  - the lint findings, as netpolsim lint prints them (every check on);
  - the exposure table: each route into a pod from outside the cluster,
    and what each pod may reach outside, with ports and addresses;
  - the reachability graph of the workloads, laid out on a circle by
    namespace, with the world outside the cluster in the middle.

-o - writes the page to standard output. Progress goes to standard error
when it is a terminal.

Flags:
  -o FILE                 the HTML file to write (required; - for stdout)
  --title TEXT            the page's title (default: the -f paths)
` + commonFlags

const reportExamples = `  netpolsim report -f deploy/ -o report.html
  helm template shop ./chart | netpolsim report -f - -o - > report.html
`

// Heat map levels, from nothing allowed to everything allowed.
const (
	levelNone    = "none"    // nothing allowed
	levelPartial = "partial" // some member to some member only
	levelPorts   = "ports"   // some ports, every member to every member
	levelAll     = "all"     // every port, every member to every member
	levelSelf    = "self"    // the diagonal: a workload and itself
)

type (
	reportPage struct {
		Title     string
		Summary   string
		Legend    []reportLegend
		Heat      reportHeat
		Findings  []reportFinding
		LintLine  string
		Exposure  []reportExposure
		Unexposed int
		Graph     template.HTML
		GraphNote string
	}
	reportLegend struct{ Level, Text string }
	reportHeat   struct {
		Namespaces []reportNSHead
		Cols       []reportWorkload
		Rows       []reportRow
		Cells      int
		Allowed    int
		// ByNamespace is true when the map has one row and column per
		// namespace, because one per workload would pass maxHeatCells.
		ByNamespace bool
		Workloads   int
	}
	reportNSHead struct {
		Name string
		Span int
	}

	reportWorkload struct {
		ID, Namespace, Name, Kind string
		Pods                      int
	}
	reportRow struct {
		W       reportWorkload
		NSStart bool // first row of its namespace
		NSSpan  int
		Cells   []reportCell
	}
	reportCell struct {
		To    string
		Level string
		Ports string
		Title string
	}
	reportFinding struct {
		Severity, Rule, Object, Field, Message, Hint, Where string
	}
	reportExposure struct {
		Pod, Direction, Route, Ports, Addresses, Note string
	}
)

// runReport is the report command. After loading and Compile it costs
// O(workloads² + class pairs × workloads sharing a class) for the heat map
// (two WorkloadPairs walks, and one explained Check per allowed cell: the
// explanation walks the two pods' selecting policies' rules), what lint.Run
// and Model.Exposure cost, and O(graph nodes + edges) for the picture.
func runReport(e *env, args []string) int {
	c := lookup("report")
	var co common
	fs := newFlagSet(c, e, &co)
	output := fs.String("o", "", "HTML file")
	title := fs.String("title", "", "page title")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *output == "" {
		return usageError(e, c.name, fmt.Errorf("no output file: give -o FILE (- for stdout)"))
	}
	if *output != "-" && slices.Contains(co.files, *output) {
		return usageError(e, c.name, fmt.Errorf("-o %s is also an input", *output))
	}
	co.fieldLines = true // findings name their fields' lines
	m, res, ok := co.load(e)
	if !ok {
		return exitError
	}
	res.Cluster = simulate.Cluster{} // as in lint: the model holds what the report reads
	// The progress line is cleared before anything else goes to stderr.
	prog := newTermProgress(e.stderr)
	defer prog.done()
	page, err := buildReport(m, res, cmp.Or(*title, "netpolsim report: "+strings.Join(co.files, ", ")), prog)
	prog.done()
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim report:", err)
		return exitError
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim report:", err)
		return exitError
	}
	if *output == "-" {
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim report:", err)
			return exitError
		}
		return exitOK
	}
	if err := writeFileAtomic(*output, buf.Bytes()); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim report:", err)
		return exitError
	}
	return exitOK
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it over path, so that a failed run leaves no half-written page.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// buildReport computes everything the page shows.
func buildReport(m *simulate.Model, res *manifest.Result, title string, prog *termProgress) (*reportPage, error) {
	page := &reportPage{Title: title}
	page.Legend = []reportLegend{
		{levelAll, "every port, from every member to every member"},
		{levelPorts, "some ports, from every member to every member"},
		{levelPartial, "only from some members, or to some members"},
		{levelNone, "nothing allowed"},
		{levelSelf, "the workload and itself"},
	}
	prog.step("report: heat map")
	heat, err := buildHeat(m, prog)
	if err != nil {
		return nil, err
	}
	page.Heat = heat
	if heat.ByNamespace {
		page.Legend = []reportLegend{
			{levelPorts, "every pair of their workloads allows something"},
			{levelPartial, "some pairs of their workloads allow something"},
			{levelNone, "nothing allowed"},
		}
	}
	pods := len(m.Pods())
	workloads, namespaces, unit := len(heat.Rows), len(heat.Namespaces), "workloads"
	if heat.ByNamespace {
		workloads, unit = heat.Workloads, "namespaces"
	}
	page.Summary = fmt.Sprintf("%d %s in %d %s and %d %s; %d NetworkPolicies, %d tiered cluster policies; %d of %d ordered pairs of %s allow something.",
		pods, plural(pods, "pod", "pods"), workloads, plural(workloads, "workload", "workloads"),
		namespaces, plural(namespaces, "namespace", "namespaces"),
		len(m.Policies()), len(m.Tiered()), heat.Allowed, heat.Cells, unit)

	prog.step("report: lint")
	counts := map[lint.Severity]int{}
	for _, f := range lint.Run(m) {
		counts[f.Severity]++
		page.Findings = append(page.Findings, reportFinding{
			Severity: f.Severity.String(), Rule: f.Rule, Object: f.Object.String(), Field: f.Field, Message: f.Message, Hint: f.Hint,
			Where: findingWhere(res, f),
		})
	}
	page.LintLine = fmt.Sprintf("%d %s: %d error, %d warning, %d info.", len(page.Findings), plural(len(page.Findings), "finding", "findings"),
		counts[lint.Error], counts[lint.Warning], counts[lint.Info])

	prog.step("report: exposure")
	for _, pe := range m.Exposure() {
		rows := 0
		for _, r := range pe.Inbound {
			if r.Sources.IsEmpty() {
				continue
			}
			route := string(r.Kind)
			if r.Via != "" {
				route += " " + r.Via
			}
			if r.Host != "" || r.Path != "" {
				route += " " + cmp.Or(r.Host, "*") + r.Path
			}
			ports := r.PodPorts.String()
			if r.Kind != simulate.RouteDirect && !r.EntryPorts.IsEmpty() {
				ports = r.EntryPorts.String() + " → " + ports
			}
			page.Exposure = append(page.Exposure, reportExposure{Pod: pe.Pod.String(), Direction: "in", Route: route, Ports: ports, Addresses: r.Sources.String(), Note: r.Note})
			rows++
		}
		for _, a := range pe.Outbound {
			page.Exposure = append(page.Exposure, reportExposure{Pod: pe.Pod.String(), Direction: "out", Route: "to outside", Ports: a.Ports.String(), Addresses: a.Sources.String()})
			rows++
		}
		if rows == 0 {
			page.Unexposed++
		}
	}

	prog.step("report: graph")
	g, err := graph.New(m, graph.ByWorkload(), graph.Outside())
	if err != nil {
		return nil, err
	}
	svg, note := graphSVG(g)
	page.Graph, page.GraphNote = template.HTML(svg), note
	return page, nil
}

// buildHeat computes the heat map of workloads: rows and columns sorted by
// namespace and then ID, one cell per ordered pair.
func buildHeat(m *simulate.Model, prog *termProgress) (reportHeat, error) {
	ws := slices.Clone(m.Workloads())
	slices.SortFunc(ws, func(a, b simulate.Workload) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.ID, b.ID))
	})
	if len(ws)*len(ws) > maxHeatCells {
		return buildNamespaceHeat(m, ws, prog), nil
	}
	type pair struct{ from, to string }
	every := map[pair]simulate.PortSet{}
	for p := range m.WorkloadPairs(simulate.EveryMember) {
		every[pair{p.From, p.To}] = p.Ports
	}
	some := map[pair]simulate.PortSet{}
	for p := range m.WorkloadPairs(simulate.AnyMember) {
		some[pair{p.From, p.To}] = p.Ports
	}
	// What isolates the first member of each workload, for the cells that
	// allow nothing: the sender's egress and the receiver's ingress.
	ingress, egress := make([]string, len(ws)), make([]string, len(ws))
	for i, w := range ws {
		in, out, err := m.Selecting(w.Pods[0])
		if err != nil {
			return reportHeat{}, err
		}
		ingress[i] = "ingress of " + w.Pods[0].String() + ": " + policyNames(in, "not isolated")
		egress[i] = "egress of " + w.Pods[0].String() + ": " + policyNames(out, "not isolated")
	}
	var h reportHeat
	for _, w := range ws {
		rw := reportWorkload{ID: w.ID, Namespace: w.Namespace, Name: w.Name, Kind: w.Kind, Pods: len(w.Pods)}
		h.Cols = append(h.Cols, rw)
		if n := len(h.Namespaces); n == 0 || h.Namespaces[n-1].Name != w.Namespace {
			h.Namespaces = append(h.Namespaces, reportNSHead{Name: w.Namespace})
		}
		h.Namespaces[len(h.Namespaces)-1].Span++
	}
	nsSpan := map[string]int{}
	for _, ns := range h.Namespaces {
		nsSpan[ns.Name] = ns.Span
	}
	for i, from := range ws {
		prog.progress("report: heat map", i, len(ws))
		row := reportRow{W: h.Cols[i], NSStart: i == 0 || ws[i-1].Namespace != from.Namespace, NSSpan: nsSpan[from.Namespace]}
		for j, to := range ws {
			cell := reportCell{To: to.ID}
			h.Cells++
			head := from.ID + " → " + to.ID
			switch e, s := every[pair{from.ID, to.ID}], some[pair{from.ID, to.ID}]; {
			case i == j:
				cell.Level = levelSelf
				cell.Title = head + "\nthe same workload"
			case s.IsEmpty():
				cell.Level = levelNone
				cell.Ports = "none"
				cell.Title = head + "\nnothing allowed\n" + egress[i] + "\n" + ingress[j]
			default:
				h.Allowed++
				cell.Ports = e.String()
				switch {
				case e.IsEmpty():
					cell.Level = levelPartial
					cell.Title = head + "\nevery member to every member: none\nsome member to some member: " + s.String()
				case e.IsAll():
					cell.Level = levelAll
					cell.Title = head + "\nports: all"
				default:
					cell.Level = levelPorts
					cell.Title = head + "\nports: " + e.String()
				}
				if cell.Level != levelPartial && !s.Equal(e) {
					cell.Title += "\nsome member to some member: " + s.String()
				}
				why, err := deciding(m, from, to, s)
				if err != nil {
					return reportHeat{}, err
				}
				cell.Title += "\n" + why
			}
			row.Cells = append(row.Cells, cell)
		}
		h.Rows = append(h.Rows, row)
	}
	return h, nil
}

// Width is the width in pixels of the namespace's label over its
// columns of the heat map: a longer name is cut, and shown whole on hover.
func (h reportNSHead) Width() int { return max(h.Span*15-6, 8) }

// maxHeatCells is the most cells of a heat map of workloads (500
// workloads); past it the map has one row and column per namespace, so
// that the page stays small enough for a browser (each cell is a table
// cell with its explanation: about 300 bytes).
var maxHeatCells = 250_000

// buildNamespaceHeat is the heat map of a cluster with too many workloads:
// one cell per ordered pair of namespaces, colored by the workload pairs
// (some member to some member) that allow something. It costs one
// WorkloadPairs(AnyMember) walk and O(namespaces²).
func buildNamespaceHeat(m *simulate.Model, ws []simulate.Workload, prog *termProgress) reportHeat {
	h := reportHeat{ByNamespace: true, Workloads: len(ws)}
	index := map[string]int{}
	nsOf := map[string]int{} // workload ID → namespace index
	var counts []int
	pods := []int{}
	for _, w := range ws {
		i, ok := index[w.Namespace]
		if !ok {
			i = len(h.Cols)
			index[w.Namespace] = i
			h.Cols = append(h.Cols, reportWorkload{ID: w.Namespace, Namespace: w.Namespace, Name: w.Namespace, Kind: "Namespace"})
			h.Namespaces = append(h.Namespaces, reportNSHead{Name: w.Namespace, Span: 1})
			counts = append(counts, 0)
			pods = append(pods, 0)
		}
		nsOf[w.ID] = i
		counts[i]++
		pods[i] += len(w.Pods)
	}
	for i := range h.Cols {
		h.Cols[i].Pods = pods[i]
	}
	n := len(h.Cols)
	ports := make([]simulate.PortSet, n*n)
	pairs := make([]int, n*n)
	for p := range m.WorkloadPairs(simulate.AnyMember) {
		k := nsOf[p.From]*n + nsOf[p.To]
		ports[k] = ports[k].Union(p.Ports)
		pairs[k]++
	}
	for i := range n {
		prog.progress("report: heat map", i, n)
		row := reportRow{W: h.Cols[i], NSStart: true, NSSpan: 1}
		for j := range n {
			h.Cells++
			k := i*n + j
			total := counts[i] * counts[j]
			if i == j {
				total = counts[i] * (counts[i] - 1)
			}
			cell := reportCell{To: h.Cols[j].ID, Level: levelNone, Ports: "none"}
			head := "namespace " + h.Cols[i].ID + " → namespace " + h.Cols[j].ID
			if pairs[k] == 0 {
				cell.Title = head + "\nnothing allowed"
			} else {
				h.Allowed++
				cell.Level, cell.Ports = levelPorts, ports[k].String()
				if pairs[k] < total {
					cell.Level = levelPartial
				}
				cell.Title = fmt.Sprintf("%s\n%d of %d ordered pairs of workloads allow something (some member to some member)\nports: %s\nrun netpolsim report with fewer workloads, or netpolsim matrix --group workload, for the deciding rules",
					head, pairs[k], total, cell.Ports)
			}
			row.Cells = append(row.Cells, cell)
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

// policyNames lists the policies' namespace/name, or none when empty.
func policyNames[P interface{ ID() string }](ps []P, none string) string {
	if len(ps) == 0 {
		return none
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.ID()
	}
	slices.Sort(names)
	return "isolated by " + strings.Join(names, ", ")
}

// deciding explains the first allowed port of set between a member of from
// and a member of to that the port is allowed between: the rules that
// allow it on each side, as Verdict explanations name them.
func deciding(m *simulate.Model, from, to simulate.Workload, set simulate.PortSet) (string, error) {
	r := set.Ranges()[0]
	port := simulate.PortSpec{Protocol: r.Protocol, Start: r.Start, End: r.Start}
	var first simulate.Verdict
	for i, a := range from.Pods {
		for j, b := range to.Pods {
			if a == b {
				continue
			}
			v, err := m.Check(simulate.Pod(a.Namespace, a.Name), simulate.Pod(b.Namespace, b.Name), port)
			if err != nil {
				return "", err
			}
			if v.Allowed || (i == 0 && j == 0) {
				first = v
			}
			if v.Allowed {
				return "decided for " + a.String() + " → " + b.String() + " on " + port.String() + ":\n" + sideText("egress", v.Egress()) + "\n" + sideText("ingress", v.Ingress()), nil
			}
			if i+j > 8 {
				break // a few members are enough to find an allowed pair
			}
		}
	}
	return "on " + port.String() + ":\n" + sideText("egress", first.Egress()) + "\n" + sideText("ingress", first.Ingress()), nil
}

// sideText renders one side of a verdict: the rules that allow the port,
// the tiered rules that decided it, or that the pod is not isolated.
func sideText(dir string, s simulate.Side) string {
	var parts []string
	for _, t := range s.Tiered {
		parts = append(parts, t.String())
	}
	for _, r := range s.AllowedBy {
		parts = append(parts, r.String())
	}
	switch {
	case len(parts) > 0:
		return dir + " allowed by " + strings.Join(parts, ", ")
	case !s.Isolated && s.Allowed:
		return dir + ": not isolated, allows everything"
	case s.Allowed:
		return dir + ": exempt from policy"
	default:
		ids := make([]string, len(s.Policies))
		for i, id := range s.Policies {
			ids[i] = id.String()
		}
		return dir + ": denied (isolated by " + strings.Join(ids, ", ") + ")"
	}
}

// findingWhere is the file and line of a finding, or "" when the input
// does not say (standard input, an implied namespace).
func findingWhere(res *manifest.Result, f lint.Finding) string {
	src, _, ok := sarifLocate(res, f)
	if !ok || src.File == "" || src.File == "-" {
		return ""
	}
	if src.Line > 0 {
		return fmt.Sprintf("%s:%d", src.File, src.Line)
	}
	return src.File
}

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))
