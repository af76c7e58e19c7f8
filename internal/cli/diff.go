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

const diffUsage = `Usage: netpolsim diff [OLD INPUT] NEW INPUT [-o FORMAT] [--group workload]
       netpolsim diff OLD NEW [-o FORMAT] [--group workload]

Compare who may reach whom, on which ports, in two clusters (say, before
and after a pull request, or a live cluster and the manifests about to be
applied to it). Endpoints (pods, or workloads with --group workload) are
matched by namespace and name. The output lists the connections added,
removed and changed (ports gained and lost) between endpoints that exist on
both sides, and the endpoints that exist on one side only. The connections
of an endpoint only in NEW (say, a new CronJob that may reach the
database) are listed as "new", with any endpoint of NEW; an endpoint only
in OLD is gone with its connections. Rows "exposure" list the endpoints of
NEW whose ports open to some address outside the cluster (by any route:
directly, NodePort, LoadBalancer, Ingress) changed.

Exit status 0 when there is no difference, 1 when there are differences,
2 on error.

The old side is read as by every command: manifests (-f), kustomizations
(-k), or, without either, the cluster of a kubeconfig context (--kubeconfig,
--context, -n, -A), as kubectl diff compares the live cluster with files.
The new side is one of:
  --against PATH          manifest file or directory, repeatable
  --against-k DIR         kustomization directory, built in process, repeatable
  --against-context NAME  the cluster of another context of the same
                          kubeconfig; only when the old side is a cluster too
OLD NEW as two arguments are two manifest paths (-f OLD --against NEW).
Standard input (-) can stand for one side only. The engine flags apply to
both sides.

When the old side is a cluster read in one namespace (-n, or the context's
namespace without -A), the new side is read in that namespace too, and only
that namespace's endpoints and the connections among them are compared; -n
does the same for manifests on both sides.

-o json prints the lists endpointsRemoved and endpointsAdded (endpoints
as matrix -o json prints them), connectionsAdded, connectionsRemoved and
connectionsNew (from, to, ports), connectionsChanged (from, to, and the
port lists before, after, gained and lost) and exposureChanged (as
connectionsChanged, from "outside"), each sorted by id, or by from and then
to (schema: docs/schemas/diff.schema.json).

Flags:
  -o FORMAT               text (default), json, or md (a Markdown summary to
                          post as a pull-request comment)
  --limit N               -o md lists at most N rows per section and counts
                          the rest (default 50; 0 lists every row)
  --group workload        one endpoint per workload (Deployment, StatefulSet, ...):
                          a pair lists the ports allowed from every member to every member
  --why                   (pods, text) say what decides each changed connection before
                          and after: an admin or baseline cluster policy rule,
                          NetworkPolicies, or nothing
` + pairFilterUsage + `                          (resolved on both sides; changes of exposure to
                          outside show only without --from)
` + commonFlags

const diffExamples = `  netpolsim diff main/deploy/ pr/deploy/
  netpolsim diff -f deploy/ --against <(helm template shop ./chart) -o md
  netpolsim diff -f old/ --against new/ --group workload -o json
  netpolsim diff -k main/overlays/prod --against-k pr/overlays/prod
  netpolsim diff --context prod -n shop --against-k overlays/prod
  netpolsim diff --context staging -A --against-context prod
  netpolsim diff main/deploy/ pr/deploy/ --to shop/app=db
`

// exitDifferent is the status of a diff that found differences, as with
// diff(1).
const exitDifferent = 1

// diffResult is what diff prints, and its JSON form.
type diffResult struct {
	EndpointsRemoved []endpoint   `json:"endpointsRemoved"`
	EndpointsAdded   []endpoint   `json:"endpointsAdded"`
	Added            []connection `json:"connectionsAdded"`
	Removed          []connection `json:"connectionsRemoved"`
	Changed          []diffChange `json:"connectionsChanged"`
	// New are the connections of the endpoints only in NEW (with any
	// endpoint of NEW), which Added does not compare.
	New []connection `json:"connectionsNew"`
	// Exposure are the endpoints of NEW whose ports open to some address
	// outside the cluster changed, as connections from "outside".
	Exposure []diffChange `json:"exposureChanged"`
	shared   int          // endpoints on both sides
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
	return len(r.EndpointsRemoved)+len(r.EndpointsAdded)+len(r.Added)+len(r.Removed)+len(r.Changed)+len(r.Exposure) == 0
}

// runDiff is the diff command. It loads and compiles the old side, keeps
// its simulate.Snapshot and lets the old model go (unless --why), then
// loads and compiles the new side: one model is held at a time. The pod
// diff costs what simulate.Snapshot.Diff costs; with --group workload it is
// simulate.Snapshot.DiffWorkloads over both sides' workload views:
// O(pods + class pairs with some port in each model + output × log
// output), never pairs of pods.
func runDiff(e *env, args []string) int {
	c := lookup("diff")
	var co common
	fs := newFlagSet(c, e, &co)
	co.namespaceFilter = true
	var against, againstK paths
	fs.Var(&against, "against", "new manifests")
	fs.Var(&againstK, "against-k", "new kustomization")
	againstContext := fs.String("against-context", "", "new cluster: a kubeconfig context")
	output := fs.String("o", "text", "output format")
	group := fs.String("group", "", "group pods: workload")
	limit := fs.Int("limit", defaultMarkdownLimit, "rows per list in -o md")
	why := fs.Bool("why", false, "say what decided each connection before and after")
	fromFlag := fs.String("from", "", "only these sources")
	toFlag := fs.String("to", "", "only these destinations")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	sides := 0
	for _, given := range []bool{len(against) > 0, len(againstK) > 0, *againstContext != ""} {
		if given {
			sides++
		}
	}
	oldGiven := len(co.files) > 0 || len(co.kustomizations) > 0
	oldLive := co.kubeconfig != "" || co.kubeContext != "" || co.allNamespaces
	switch {
	case len(pos) > 0 && (oldGiven || oldLive || sides > 0):
		return usageError(e, c.name, fmt.Errorf("give either two paths OLD NEW or the old input and --against, --against-k or --against-context, not both"))
	case len(pos) == 2:
		co.files, against = paths{pos[0]}, paths{pos[1]}
	case len(pos) > 0:
		return usageError(e, c.name, fmt.Errorf("want two paths OLD NEW, got %d", len(pos)))
	case sides == 0 && !oldGiven && !oldLive:
		return usageError(e, c.name, fmt.Errorf("nothing to compare: give two paths OLD NEW, or the old input (-f, -k, or a cluster) and the new one (--against, --against-k or --against-context)"))
	case sides == 0:
		return usageError(e, c.name, fmt.Errorf("nothing to compare with: give the new side with --against PATH, --against-k DIR or --against-context NAME"))
	case sides > 1:
		return usageError(e, c.name, fmt.Errorf("give one new side: --against, --against-k or --against-context"))
	case *againstContext != "" && oldGiven:
		return usageError(e, c.name, fmt.Errorf("--against-context compares two clusters; to compare manifests with a cluster, read the cluster as the old side (no -f or -k) and give the manifests with --against or --against-k"))
	}
	if slices.Contains(co.files, "-") && slices.Contains(against, "-") {
		return usageError(e, c.name, fmt.Errorf("standard input (-) can be read on one side only"))
	}
	if !slices.Contains([]string{"text", "json", "md"}, *output) {
		return usageError(e, c.name, fmt.Errorf("-o %s: want text, json or md", *output))
	}
	if *limit < 0 {
		return usageError(e, c.name, fmt.Errorf("--limit %d: want a number of rows, 0 for no limit", *limit))
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
	// What the diff needs of the old side is taken now, and the old model
	// let go before the new side is loaded (unless --why, which explains
	// with both models): one model is held at a time.
	fromF, toF := newEndpointFlag("--from", *fromFlag), newEndpointFlag("--to", *toFlag)
	fromF.add(old)
	toF.add(old)
	base := old.Snapshot()
	if !*why {
		old = nil
	}
	// The new side: the old one's engine flags and namespace, its own
	// input. A cluster read in one namespace on the old side makes that
	// namespace the one compared.
	ns := co.namespace
	if !oldGiven && !co.allNamespaces {
		ns = co.liveNamespace
	}
	newCo := co
	newCo.namespace = ns
	if *againstContext != "" {
		newCo.kubeContext = *againstContext
	} else {
		newCo.files, newCo.kustomizations = against, againstK
		newCo.kubeconfig, newCo.kubeContext, newCo.allNamespaces = "", "", false
	}
	cur, _, ok := newCo.load(e)
	if !ok {
		return exitError
	}

	fromF.add(cur)
	toF.add(cur)
	f, err := fromF.pairFilter(toF)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim diff:", clean(err))
		return exitError
	}
	var r diffResult
	if *group == "workload" {
		r = diffGrouped(base, cur, ns, f)
	} else {
		r = diffPods(base, cur, ns, f)
	}
	if !*why {
		base, cur = nil, nil // the rows hold all the output needs
	}
	switch *output {
	case "json":
		if err := writeDiffJSON(e.stdout, r); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim diff:", clean(err))
			return exitError
		}
	case "md":
		writeDiffMarkdown(e.stdout, r, *limit)
	default:
		writeDiffText(e.stdout, r)
		if *why {
			xs, err := simulate.Attribute(old, cur, simulate.Diff(old, cur))
			if err != nil {
				fmt.Fprintln(e.stderr, "netpolsim diff:", err)
				return exitError
			}
			xs = slices.DeleteFunc(xs, func(x simulate.Attribution) bool {
				return (ns != "" && (x.From.Namespace != ns || x.To.Namespace != ns)) || !f.from.hasPod(x.From) || !f.to.hasPod(x.To)
			})
			writeAttributions(e.stdout, xs)
		}
	}
	if r.empty() {
		return exitOK
	}
	return exitDifferent
}

// diffPods compares two models pod by pod, with simulate.Diff; with ns,
// only the pods of namespace ns and the connections among them.
func diffPods(a *simulate.Snapshot, b *simulate.Model, ns string, f pairFilter) diffResult {
	d := a.Diff(b)
	var r diffResult
	// The endpoints of the pods only one side has, and the count of the
	// pods kept, without an endpoint for every pod.
	only := func(ws []simulate.Workload, pods []simulate.PodID) (eps []endpoint, kept int) {
		set := make(map[simulate.PodID]bool, len(pods))
		for _, p := range pods {
			set[p] = true
		}
		for _, w := range ws {
			if ns != "" && w.Namespace != ns {
				continue
			}
			for _, id := range w.Pods {
				if !f.pod(id) {
					continue
				}
				kept++
				if set[id] {
					eps = append(eps, podEndpoint(w, id))
				}
			}
		}
		return eps, kept
	}
	r.EndpointsRemoved, r.shared = only(a.Workloads(), d.RemovedPods)
	r.shared -= len(r.EndpointsRemoved)
	r.EndpointsAdded, _ = only(b.Workloads(), d.AddedPods)
	in := func(from, to simulate.PodID) bool {
		return (ns == "" || from.Namespace == ns && to.Namespace == ns) && f.from.hasPod(from) && f.to.hasPod(to)
	}
	for _, p := range d.Added {
		if in(p.From, p.To) {
			r.Added = append(r.Added, diffConnection(p.From.String(), p.To.String(), p.Ports))
		}
	}
	for _, p := range d.Removed {
		if in(p.From, p.To) {
			r.Removed = append(r.Removed, diffConnection(p.From.String(), p.To.String(), p.Ports))
		}
	}
	for _, ch := range d.Changed {
		if in(ch.From, ch.To) {
			r.Changed = append(r.Changed, newDiffChange(ch.From.String(), ch.To.String(), ch.Before, ch.After))
		}
	}
	for _, p := range d.NewPairs {
		if in(p.From, p.To) {
			r.New = append(r.New, diffConnection(p.From.String(), p.To.String(), p.Ports))
		}
	}
	for _, x := range d.Exposure {
		if (ns == "" || strings.HasPrefix(x.ID, ns+"/")) && f.from == nil && f.to.has(x.ID, false) {
			r.Exposure = append(r.Exposure, newDiffChange("outside", x.ID, x.Before, x.After))
		}
	}
	r.sort()
	return r
}

// diffGrouped compares two models workload by workload, over the endpoints
// and connections that matrix --group workload prints, with
// simulate.DiffWorkloads; with ns, only the workloads of namespace ns and
// the connections among them.
func diffGrouped(a *simulate.Snapshot, b *simulate.Model, ns string, f pairFilter) diffResult {
	d := a.DiffWorkloads(b, simulate.EveryMember)
	r := diffResult{shared: d.Shared}
	inNS := func(w simulate.Workload) bool { return (ns == "" || w.Namespace == ns) && f.endpoint(w.ID, true) }
	for _, w := range d.RemovedWorkloads {
		if inNS(w) {
			r.EndpointsRemoved = append(r.EndpointsRemoved, workloadEndpoint(w))
		}
	}
	for _, w := range d.AddedWorkloads {
		if inNS(w) {
			r.EndpointsAdded = append(r.EndpointsAdded, workloadEndpoint(w))
		}
	}
	if ns != "" || f != (pairFilter{}) {
		kept := slices.DeleteFunc(endpoints(a.Workloads(), true, ns), func(ep endpoint) bool { return !f.endpoint(ep.ID, true) })
		r.shared = len(kept) - len(r.EndpointsRemoved)
	}
	// Workload IDs start with their namespace.
	in := func(from, to string) bool {
		return (ns == "" || strings.HasPrefix(from, ns+"/") && strings.HasPrefix(to, ns+"/")) && f.keep(from, to, true)
	}
	for _, p := range d.Added {
		if in(p.From, p.To) {
			r.Added = append(r.Added, diffConnection(p.From, p.To, p.Ports))
		}
	}
	for _, p := range d.Removed {
		if in(p.From, p.To) {
			r.Removed = append(r.Removed, diffConnection(p.From, p.To, p.Ports))
		}
	}
	for _, ch := range d.Changed {
		if in(ch.From, ch.To) {
			r.Changed = append(r.Changed, newDiffChange(ch.From, ch.To, ch.Before, ch.After))
		}
	}
	for _, p := range d.NewPairs {
		if in(p.From, p.To) {
			r.New = append(r.New, diffConnection(p.From, p.To, p.Ports))
		}
	}
	for _, x := range d.Exposure {
		if (ns == "" || strings.HasPrefix(x.ID, ns+"/")) && f.from == nil && f.to.has(x.ID, true) {
			r.Exposure = append(r.Exposure, newDiffChange("outside", x.ID, x.Before, x.After))
		}
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
	slices.SortFunc(r.New, byPair)
	slices.SortFunc(r.Exposure, func(a, b diffChange) int { return strings.Compare(a.To, b.To) })
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
	line := fmt.Sprintf("%d %s added, %d removed, %d changed; %d %s only in OLD, %d only in NEW",
		len(r.Added), plural(len(r.Added), "connection", "connections"), len(r.Removed), len(r.Changed),
		len(r.EndpointsRemoved), plural(len(r.EndpointsRemoved), "endpoint", "endpoints"), len(r.EndpointsAdded))
	if len(r.EndpointsAdded) > 0 {
		line += fmt.Sprintf(" with %d %s", len(r.New), plural(len(r.New), "connection", "connections"))
	}
	if len(r.Exposure) > 0 {
		line += fmt.Sprintf("; exposure to outside the cluster changed for %d", len(r.Exposure))
	}
	return line + "."
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
	for _, cn := range r.New {
		out = append(out, [4]string{"new", cn.From, cn.To, cn.set.String()})
	}
	for _, ch := range r.Exposure {
		out = append(out, [4]string{"exposure", ch.From, ch.To,
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

func writeDiffJSON(w io.Writer, r diffResult) error {
	for _, list := range []*[]endpoint{&r.EndpointsRemoved, &r.EndpointsAdded} {
		if *list == nil {
			*list = []endpoint{}
		}
	}
	for _, list := range []*[]connection{&r.Added, &r.Removed, &r.New} {
		if *list == nil {
			*list = []connection{}
		}
	}
	for _, list := range []*[]diffChange{&r.Changed, &r.Exposure} {
		if *list == nil {
			*list = []diffChange{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
