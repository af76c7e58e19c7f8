package cli

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

const matrixUsage = `Usage: netpolsim matrix -f PATH... [-o FORMAT] [--group workload] [-n NAMESPACE] [--port PORT] [--from ENDPOINT] [--to ENDPOINT]

Print every ordered pair of distinct endpoints (pods, or workloads with
--group workload) with the ports on which the first may open connections to
the second. A pair that is not listed has nothing allowed.

Flags:
  -o FORMAT               text (default), json, csv, md, or truthtable
  --port PORT             for -o truthtable: 80, 80/TCP, 53/udp or a port name;
                          a name is resolved per destination pod, and a pod
                          that does not serve it shows X
  --group workload        one endpoint per workload (Deployment, StatefulSet, ...):
                          a pair lists the ports allowed from every member to every member
` + pairFilterUsage + commonFlags

const matrixExamples = `  netpolsim matrix -f deploy/
  netpolsim matrix -f deploy/ -o json --group workload
  helm template shop ./chart | netpolsim matrix -f - -o truthtable --port 5432
  netpolsim matrix -k overlays/prod
  netpolsim matrix --context prod -n shop
  netpolsim matrix -f deploy/ --to shop/app=db --group workload
`

// endpoint is one row or column of the matrix: a pod, or a workload.
type endpoint struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Workload  string `json:"workload,omitempty"`

	members []simulate.PodID
}

type portJSON struct {
	Protocol string `json:"protocol"`
	Start    int32  `json:"start"`
	End      int32  `json:"end"`
}

// portsJSON renders a port set as the JSON ranges every command prints;
// never nil, so that JSON shows [] for no port.
func portsJSON(s simulate.PortSet) []portJSON {
	out := []portJSON{}
	for _, r := range s.Ranges() {
		out = append(out, portJSON{string(r.Protocol), r.Start, r.End})
	}
	return out
}

type connection struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Ports []portJSON `json:"ports"`

	set simulate.PortSet
}

type matrixJSON struct {
	Endpoints   []endpoint   `json:"endpoints"`
	Connections []connection `json:"connections"`
}

// runMatrix is the matrix command. After loading and Compile, every format
// but truthtable costs O(pods + classes + class pairs considered + output ×
// log output) (see writeMatrix): pods and workloads alike are expanded from
// the class view, never from pairs of pods.
func runMatrix(e *env, args []string) int {
	c := lookup("matrix")
	var co common
	fs := newFlagSet(c, e, &co)
	output := fs.String("o", "text", "output format")
	group := fs.String("group", "", "group pods: workload")
	co.namespaceFilter = true
	portFlag := fs.String("port", "", "port for -o truthtable")
	fromFlag := fs.String("from", "", "only these sources")
	toFlag := fs.String("to", "", "only these destinations")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if !slices.Contains([]string{"text", "json", "csv", "md", "truthtable"}, *output) {
		return usageError(e, c.name, fmt.Errorf("-o %s: want text, json, csv, md or truthtable", *output))
	}
	if *group != "" && *group != "workload" {
		return usageError(e, c.name, fmt.Errorf("--group %s: the only grouping is workload", *group))
	}
	var port simulate.PortSpec
	switch {
	case *output == "truthtable" && *portFlag == "":
		return usageError(e, c.name, fmt.Errorf("-o truthtable needs --port"))
	case *output != "truthtable" && *portFlag != "":
		return usageError(e, c.name, fmt.Errorf("--port goes with -o truthtable"))
	case *portFlag != "":
		if port, err = simulate.ParsePortSpec(*portFlag); err != nil {
			return usageError(e, c.name, err)
		}
	}
	m, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	if err := someEndpoints(m, co.namespace); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim matrix:", clean(err))
		return exitError
	}
	f, err := pairFilterFlags(*fromFlag, *toFlag, m)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim matrix:", clean(err))
		return exitError
	}
	if err := writeMatrix(e.stdout, m, *output, *group == "workload", co.namespace, port, f); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim matrix:", clean(err))
		return exitError
	}
	return exitOK
}

// someEndpoints refuses a matrix without rows: manifests without pods (an
// empty directory, a wrong path) and a namespace (-n, when not empty) that
// the model does not have or that has no pods.
func someEndpoints(m *simulate.Model, ns string) error {
	if len(m.Pods()) == 0 {
		return errors.New("the manifests hold no pods (nor workloads that make them): nothing to show")
	}
	if ns == "" {
		return nil
	}
	if _, err := m.Resolve(simulate.PodsMatching(ns, &metav1.LabelSelector{})); err != nil {
		return fmt.Errorf("-n %s: %w", ns, err)
	}
	return nil
}

// writeMatrix prints the matrix of m in format output (as -o takes it),
// over pods or workloads, restricted to namespace ns when not empty; port
// is for the truth table only. It is everything matrix does after loading.
//
// Every format but truthtable lists the connections that
// simulate.Matrix.All or simulate.Model.WorkloadPairs yield, built on the
// class view: O(pods + classes + class pairs considered + output × log
// output). The truth table prints a cell per pair of endpoints, each a
// simulate.Model.Check per pair of member pods: O(pods²) for pods, and for
// workloads O(pairs of member pods).
//
// With --from and --to (f), the endpoints are those of either, and the
// connections those from one of f.from to one of f.to; the truth table has
// the rows of f.from and the columns of f.to. The filter is a set lookup per
// endpoint and connection: the cost stays the class view's.
func writeMatrix(w io.Writer, m *simulate.Model, output string, byWorkload bool, ns string, port simulate.PortSpec, f pairFilter) error {
	eps := slices.DeleteFunc(endpoints(m.Workloads(), byWorkload, ns), func(ep endpoint) bool { return !f.endpoint(ep.ID, byWorkload) })
	if output == "truthtable" {
		rows := slices.DeleteFunc(slices.Clone(eps), func(ep endpoint) bool { return f.from != nil && !f.from.has(ep.ID, byWorkload) })
		cols := slices.DeleteFunc(slices.Clone(eps), func(ep endpoint) bool { return f.to != nil && !f.to.has(ep.ID, byWorkload) })
		return writeTruthTable(w, m, rows, cols, port)
	}
	conns := slices.DeleteFunc(connections(m, byWorkload, eps), func(c connection) bool { return !f.keep(c.From, c.To, byWorkload) })
	out := matrixJSON{Endpoints: eps, Connections: conns}
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if out.Connections == nil {
			out.Connections = []connection{}
		}
		if out.Endpoints == nil {
			out.Endpoints = []endpoint{}
		}
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"from", "to", "protocol", "start", "end"})
		for _, cn := range out.Connections {
			for _, p := range cn.Ports {
				_ = cw.Write([]string{cn.From, cn.To, p.Protocol, strconv.Itoa(int(p.Start)), strconv.Itoa(int(p.End))})
			}
		}
		cw.Flush()
		return cw.Error()
	case "md":
		fmt.Fprintln(w, "| from | to | ports |")
		fmt.Fprintln(w, "|---|---|---|")
		for _, cn := range out.Connections {
			fmt.Fprintf(w, "| %s | %s | %s |\n", cn.From, cn.To, cn.set)
		}
	default:
		writeText(w, out)
	}
	return nil
}

// endpoints lists the pods of the workloads ws (as simulate.Model.Workloads
// or simulate.Snapshot.Workloads give them), or with byWorkload the
// workloads themselves, sorted by id; with ns, only those of that
// namespace. It costs O(pods).
func endpoints(ws []simulate.Workload, byWorkload bool, ns string) []endpoint {
	var out []endpoint
	for _, w := range ws {
		if ns != "" && w.Namespace != ns {
			continue
		}
		if byWorkload {
			out = append(out, workloadEndpoint(w))
			continue
		}
		for _, id := range w.Pods {
			out = append(out, podEndpoint(w, id))
		}
	}
	slices.SortFunc(out, func(a, b endpoint) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// podEndpoint is the endpoint of pod id of workload w.
func podEndpoint(w simulate.Workload, id simulate.PodID) endpoint {
	ep := endpoint{ID: id.String(), Kind: "Pod", Namespace: id.Namespace, Name: id.Name, members: []simulate.PodID{id}}
	if w.Kind != "Pod" {
		ep.Workload = w.ID
	}
	return ep
}

// workloadEndpoint is the endpoint of a workload.
func workloadEndpoint(w simulate.Workload) endpoint {
	return endpoint{ID: w.ID, Kind: w.Kind, Namespace: w.Namespace, Name: w.Name, members: w.Pods}
}

// connections lists each ordered pair of distinct endpoints of eps with
// some port allowed, sorted by from and then to: for pods, the pairs of
// simulate.Matrix.All; for workloads (byWorkload), the pairs of
// simulate.Model.WorkloadPairs with simulate.EveryMember, the ports allowed
// from every member to every member. Both come from the model's class view,
// so it costs O(classes + class pairs considered + connections of the whole
// model × log), never O(pods²) beyond the connections themselves.
func connections(m *simulate.Model, byWorkload bool, eps []endpoint) []connection {
	in := make(map[string]bool, len(eps))
	for _, ep := range eps {
		in[ep.ID] = true
	}
	var out []connection
	add := func(from, to string, set simulate.PortSet) {
		if in[from] && in[to] {
			out = append(out, connection{From: from, To: to, Ports: portsJSON(set), set: set})
		}
	}
	if byWorkload {
		for p := range m.WorkloadPairs(simulate.EveryMember) {
			add(p.From, p.To, p.Ports)
		}
	} else {
		for p := range m.Matrix().All() {
			add(p.From.String(), p.To.String(), p.Ports)
		}
	}
	slices.SortFunc(out, func(a, b connection) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
	return out
}

func writeText(w io.Writer, out matrixJSON) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tPORTS")
	for _, cn := range out.Connections {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cn.From, cn.To, cn.set)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d %s, %d %s; a pair not listed has nothing allowed.\n",
		len(out.Endpoints), plural(len(out.Endpoints), "endpoint", "endpoints"),
		len(out.Connections), plural(len(out.Connections), "connection", "connections"))
}

// writeTruthTable prints the upstream e2e style table for one port: "." where
// every member of the row may reach every member of the column, "X" where not.
// The diagonal of a single pod is always "."; of a workload, it tells whether
// its members reach each other.
func writeTruthTable(w io.Writer, m *simulate.Model, rows, cols []endpoint, port simulate.PortSpec) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	fmt.Fprint(tw, "-")
	for _, b := range cols {
		fmt.Fprintf(tw, "\t%s", b.ID)
	}
	fmt.Fprintln(tw)
	for _, a := range rows {
		fmt.Fprint(tw, a.ID)
		for _, b := range cols {
			cell := "."
		pairs:
			for _, pa := range a.members {
				for _, pb := range b.members {
					v, err := m.Check(simulate.Pod(pa.Namespace, pa.Name), simulate.Pod(pb.Namespace, pb.Name), port)
					if err != nil {
						return err
					}
					if !v.Allowed {
						cell = "X"
						break pairs
					}
				}
			}
			fmt.Fprintf(tw, "\t%s", cell)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
