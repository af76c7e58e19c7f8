package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/netpolsim/netpolsim/simulate"
)

const diffUsage = `Usage: netpolsim diff -f OLD... --against NEW... [-o FORMAT] [--group workload]
       netpolsim diff OLD NEW [-o FORMAT] [--group workload]

Compare who may reach whom, on which ports, in two sets of manifests (say,
before and after a pull request). Endpoints (pods, or workloads with --group
workload) are matched by namespace and name. The output lists the
connections added, removed and changed (ports gained and lost) between
endpoints that exist on both sides, and the endpoints that exist on one side
only; the connections of those are not compared.

Exit status 0 when there is no difference, 1 when there are differences,
2 on error.

-f gives the old manifests and --against the new ones; standard input (-)
can stand for one side only. The engine flags apply to both sides.

-o json prints the lists endpoints_removed and endpoints_added (endpoints
as matrix -o json prints them), connections_added and connections_removed
(from, to, ports), and connections_changed (from, to, and the port lists
before, after, gained and lost), each sorted by id, or by from and then to.

Flags:
  --against PATH          new manifest file or directory, repeatable
  -o FORMAT               text (default), json, or md
  --group workload        one endpoint per workload (Deployment, StatefulSet, ...):
                          a pair lists the ports allowed from every member to every member
  --why                   (pods, text) say what decides each changed connection before
                          and after: an admin or baseline cluster policy rule,
                          NetworkPolicies, or nothing
` + commonFlags

const diffExamples = `  netpolsim diff main/deploy/ pr/deploy/
  netpolsim diff -f deploy/ --against <(helm template shop ./chart) -o md
  netpolsim diff -f old/ --against new/ --group workload -o json
`

// exitDifferent is the status of a diff that found differences, as with
// diff(1).
const exitDifferent = 1

// diffResult is what diff prints, and its JSON form.
type diffResult struct {
	EndpointsRemoved []endpoint   `json:"endpoints_removed"`
	EndpointsAdded   []endpoint   `json:"endpoints_added"`
	Added            []connection `json:"connections_added"`
	Removed          []connection `json:"connections_removed"`
	Changed          []diffChange `json:"connections_changed"`
	shared           int          // endpoints on both sides
}

// diffChange is a pair allowed on both sides, on different ports.
type diffChange struct {
	From   string     `json:"from"`
	To     string     `json:"to"`
	Before []portJSON `json:"before"`
	After  []portJSON `json:"after"`
	Gained []portJSON `json:"gained"`
	Lost   []portJSON `json:"lost"`

	change simulate.Change
}

func (r *diffResult) empty() bool {
	return len(r.EndpointsRemoved)+len(r.EndpointsAdded)+len(r.Added)+len(r.Removed)+len(r.Changed) == 0
}

// runDiff is the diff command. After loading and compiling both sides, the
// pod diff costs what simulate.Diff costs; with --group workload it is
// simulate.DiffWorkloads over both models' workload views: O(pods + class
// pairs with some port in each model + output × log output), never pairs
// of pods.
func runDiff(e *env, args []string) int {
	c := lookup("diff")
	var co common
	fs := newFlagSet(c, e, &co)
	var against paths
	fs.Var(&against, "against", "new manifests")
	output := fs.String("o", "text", "output format")
	group := fs.String("group", "", "group pods: workload")
	why := fs.Bool("why", false, "say what decided each connection before and after")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	switch {
	case len(pos) > 0 && (len(co.files) > 0 || len(against) > 0):
		return usageError(e, c.name, fmt.Errorf("give either -f OLD... --against NEW... or two paths OLD NEW, not both"))
	case len(pos) == 2:
		co.files, against = paths{pos[0]}, paths{pos[1]}
	case len(pos) > 0:
		return usageError(e, c.name, fmt.Errorf("want two paths OLD NEW, got %d", len(pos)))
	case len(co.files) == 0 && len(against) == 0:
		return usageError(e, c.name, fmt.Errorf("nothing to compare: give -f OLD... --against NEW..., or two paths OLD NEW"))
	case len(co.files) == 0:
		return usageError(e, c.name, fmt.Errorf("--against needs -f OLD to compare with"))
	case len(against) == 0:
		return usageError(e, c.name, fmt.Errorf("-f needs --against NEW to compare with"))
	}
	if slices.Contains(co.files, "-") && slices.Contains(against, "-") {
		return usageError(e, c.name, fmt.Errorf("standard input (-) can be read on one side only"))
	}
	if !slices.Contains([]string{"text", "json", "md"}, *output) {
		return usageError(e, c.name, fmt.Errorf("-o %s: want text, json or md", *output))
	}
	if *group != "" && *group != "workload" {
		return usageError(e, c.name, fmt.Errorf("--group %s: the only grouping is workload", *group))
	}
	if *why && (*group != "" || *output != "text") {
		return usageError(e, c.name, fmt.Errorf("--why works with pods in text output, not with --group or -o %s", *output))
	}
	old, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	newCo := co
	newCo.files = against
	cur, _, ok := newCo.load(e)
	if !ok {
		return exitError
	}

	var r diffResult
	if *group == "workload" {
		r = diffGrouped(old, cur)
	} else {
		r = diffPods(old, cur)
	}
	switch *output {
	case "json":
		if err := writeDiffJSON(e.stdout, r); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim diff:", err)
			return exitError
		}
	case "md":
		writeDiffMarkdown(e.stdout, r)
	default:
		writeDiffText(e.stdout, r)
		if *why {
			xs, err := simulate.Attribute(old, cur, simulate.Diff(old, cur))
			if err != nil {
				fmt.Fprintln(e.stderr, "netpolsim diff:", err)
				return exitError
			}
			writeAttributions(e.stdout, xs)
		}
	}
	if r.empty() {
		return exitOK
	}
	return exitDifferent
}

// diffPods compares two models pod by pod, with simulate.Diff.
func diffPods(a, b *simulate.Model) diffResult {
	d := simulate.Diff(a, b)
	r := diffResult{shared: len(a.Pods()) - len(d.RemovedPods)}
	byID := func(eps []endpoint) map[string]endpoint {
		out := make(map[string]endpoint, len(eps))
		for _, ep := range eps {
			out[ep.ID] = ep
		}
		return out
	}
	epsA, epsB := byID(endpoints(a, false, "")), byID(endpoints(b, false, ""))
	for _, p := range d.RemovedPods {
		r.EndpointsRemoved = append(r.EndpointsRemoved, epsA[p.String()])
	}
	for _, p := range d.AddedPods {
		r.EndpointsAdded = append(r.EndpointsAdded, epsB[p.String()])
	}
	for _, p := range d.Added {
		r.Added = append(r.Added, diffConnection(p.From.String(), p.To.String(), p.Ports))
	}
	for _, p := range d.Removed {
		r.Removed = append(r.Removed, diffConnection(p.From.String(), p.To.String(), p.Ports))
	}
	for _, ch := range d.Changed {
		r.Changed = append(r.Changed, newDiffChange(ch.From.String(), ch.To.String(), ch.Before, ch.After))
	}
	r.sort()
	return r
}

// diffGrouped compares two models workload by workload, over the endpoints
// and connections that matrix --group workload prints, with
// simulate.DiffWorkloads.
func diffGrouped(a, b *simulate.Model) diffResult {
	d := simulate.DiffWorkloads(a, b, simulate.EveryMember)
	r := diffResult{shared: d.Shared}
	for _, w := range d.RemovedWorkloads {
		r.EndpointsRemoved = append(r.EndpointsRemoved, workloadEndpoint(w))
	}
	for _, w := range d.AddedWorkloads {
		r.EndpointsAdded = append(r.EndpointsAdded, workloadEndpoint(w))
	}
	for _, p := range d.Added {
		r.Added = append(r.Added, diffConnection(p.From, p.To, p.Ports))
	}
	for _, p := range d.Removed {
		r.Removed = append(r.Removed, diffConnection(p.From, p.To, p.Ports))
	}
	for _, ch := range d.Changed {
		r.Changed = append(r.Changed, newDiffChange(ch.From, ch.To, ch.Before, ch.After))
	}
	r.sort()
	return r
}

// sort orders every list by ID, then From and To, as the matrix command
// orders its endpoints and connections.
func (r *diffResult) sort() {
	byID := func(a, b endpoint) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(r.EndpointsRemoved, byID)
	slices.SortFunc(r.EndpointsAdded, byID)
	byPair := func(a, b connection) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	}
	slices.SortFunc(r.Added, byPair)
	slices.SortFunc(r.Removed, byPair)
	slices.SortFunc(r.Changed, func(a, b diffChange) int {
		return byPair(connection{From: a.From, To: a.To}, connection{From: b.From, To: b.To})
	})
}

func diffConnection(from, to string, set simulate.PortSet) connection {
	return connection{From: from, To: to, Ports: portsJSON(set), set: set}
}

func newDiffChange(from, to string, before, after simulate.PortSet) diffChange {
	ch := simulate.Change{Before: before, After: after}
	return diffChange{
		From: from, To: to,
		Before: portsJSON(before), After: portsJSON(after),
		Gained: portsJSON(ch.Gained()), Lost: portsJSON(ch.Lost()),
		change: ch,
	}
}

// summary is the last line of the text and markdown output.
func (r *diffResult) summary() string {
	if r.empty() {
		return fmt.Sprintf("no differences: %d %s on both sides.", r.shared, plural(r.shared, "endpoint", "endpoints"))
	}
	return fmt.Sprintf("%d %s added, %d removed, %d changed; %d %s only in OLD, %d only in NEW.",
		len(r.Added), plural(len(r.Added), "connection", "connections"), len(r.Removed), len(r.Changed),
		len(r.EndpointsRemoved), plural(len(r.EndpointsRemoved), "endpoint", "endpoints"), len(r.EndpointsAdded))
}

// rows returns the connection changes as table rows: change, from, to,
// ports.
func (r *diffResult) rows() [][4]string {
	var out [][4]string
	for _, cn := range r.Added {
		out = append(out, [4]string{"added", cn.From, cn.To, cn.set.String()})
	}
	for _, cn := range r.Removed {
		out = append(out, [4]string{"removed", cn.From, cn.To, cn.set.String()})
	}
	for _, ch := range r.Changed {
		out = append(out, [4]string{"changed", ch.From, ch.To,
			fmt.Sprintf("%s → %s (%s)", ch.change.Before, ch.change.After, ch.change.Summary())})
	}
	return out
}

func writeDiffText(w io.Writer, r diffResult) {
	for _, ep := range r.EndpointsRemoved {
		fmt.Fprintf(w, "only in OLD: %s (%s)\n", ep.ID, ep.Kind)
	}
	for _, ep := range r.EndpointsAdded {
		fmt.Fprintf(w, "only in NEW: %s (%s)\n", ep.ID, ep.Kind)
	}
	if rows := r.rows(); len(rows) > 0 {
		if len(r.EndpointsRemoved)+len(r.EndpointsAdded) > 0 {
			fmt.Fprintln(w)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CHANGE\tFROM\tTO\tPORTS")
		for _, row := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", row[0], row[1], row[2], row[3])
		}
		tw.Flush()
	}
	if !r.empty() {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, r.summary())
}

// writeAttributions prints, per changed connection (sorted by from and
// to), what decided each direction before and after on its first
// differing port (simulate.Attribute).
func writeAttributions(w io.Writer, xs []simulate.Attribution) {
	if len(xs) == 0 {
		return
	}
	slices.SortFunc(xs, func(a, b simulate.Attribution) int {
		return cmp.Or(strings.Compare(a.From.String(), b.From.String()), strings.Compare(a.To.String(), b.To.String()))
	})
	fmt.Fprintln(w, "\nWhy (what decides each direction, before and after, on the first port that differs):")
	for _, x := range xs {
		tag := ""
		if x.ClusterPolicies() {
			tag = " [cluster policies]"
		}
		fmt.Fprintf(w, "%s → %s on %s%s\n", x.From, x.To, x.Port, tag)
		fmt.Fprintf(w, "  before: egress %s; ingress %s\n", x.BeforeEgress, x.BeforeIngress)
		fmt.Fprintf(w, "  after:  egress %s; ingress %s\n", x.AfterEgress, x.AfterIngress)
	}
}

func writeDiffMarkdown(w io.Writer, r diffResult) {
	if rows := r.rows(); len(rows) > 0 {
		fmt.Fprintln(w, "| change | from | to | ports |")
		fmt.Fprintln(w, "|---|---|---|---|")
		for _, row := range rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", row[0], row[1], row[2], row[3])
		}
		fmt.Fprintln(w)
	}
	for _, side := range []struct {
		name string
		eps  []endpoint
	}{{"OLD", r.EndpointsRemoved}, {"NEW", r.EndpointsAdded}} {
		if len(side.eps) == 0 {
			continue
		}
		fmt.Fprintf(w, "Only in %s (connections not compared):\n\n", side.name)
		for _, ep := range side.eps {
			fmt.Fprintf(w, "- %s (%s)\n", ep.ID, ep.Kind)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, r.summary())
}

func writeDiffJSON(w io.Writer, r diffResult) error {
	for _, list := range []*[]endpoint{&r.EndpointsRemoved, &r.EndpointsAdded} {
		if *list == nil {
			*list = []endpoint{}
		}
	}
	for _, list := range []*[]connection{&r.Added, &r.Removed} {
		if *list == nil {
			*list = []connection{}
		}
	}
	if r.Changed == nil {
		r.Changed = []diffChange{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
