package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

const exposureUsage = `Usage: netpolsim exposure -f PATH... [-o FORMAT] [-n NAMESPACE]

Show, for every pod, the ways into it from outside the cluster and the
outside addresses that may use each, and what the pod may reach outside.
A way in is one of
  Direct        the pod's own address, where the network routes pod addresses
  NodePort      a NodePort Service's port on every node
  LoadBalancer  a LoadBalancer Service's load balancer
  Ingress       an Ingress rule (host, path, TLS), through the ingress
                controller pods (namespace ingress-nginx, label
                app.kubernetes.io/name=ingress-nginx)
The text output starts with the entry points: every NodePort, LoadBalancer
and Ingress route open to some outside address, with the pods behind it.

Flags:
  -o FORMAT               text (default) or json
` + commonFlags

const exposureExamples = `  netpolsim exposure -f deploy/
  netpolsim exposure -f deploy/ -o json -n shop
`

// The JSON document -o json prints.
type (
	exposureJSON struct {
		Pods []podExposureJSON `json:"pods"`
	}
	podExposureJSON struct {
		Pod       string       `json:"pod"`
		Namespace string       `json:"namespace"`
		Name      string       `json:"name"`
		Exposed   bool         `json:"exposed"`
		Direct    bool         `json:"direct"`
		Inbound   []routeJSON  `json:"inbound"`
		Outbound  []accessJSON `json:"outbound"`
	}
	routeJSON struct {
		Kind       string      `json:"kind"`
		Via        string      `json:"via,omitempty"`
		Host       string      `json:"host,omitempty"`
		Path       string      `json:"path,omitempty"`
		TLS        bool        `json:"tls,omitempty"`
		EntryPorts []portJSON  `json:"entryPorts"`
		PodPorts   []portJSON  `json:"podPorts"`
		Sources    sourcesJSON `json:"sources"`
		Note       string      `json:"note,omitempty"`
	}
	accessJSON struct {
		Ports []portJSON  `json:"ports"`
		To    sourcesJSON `json:"to"`
	}
	sourcesJSON struct {
		Any    bool        `json:"any"`
		Blocks []blockJSON `json:"blocks"`
	}
	blockJSON struct {
		CIDR   string   `json:"cidr"`
		Except []string `json:"except,omitempty"`
	}
)

func sourcesToJSON(s simulate.Sources) sourcesJSON {
	out := sourcesJSON{Any: s.Any, Blocks: []blockJSON{}}
	if s.Any {
		return out
	}
	for _, b := range s.Blocks {
		bj := blockJSON{CIDR: b.CIDR.String()}
		for _, x := range b.Except {
			bj.Except = append(bj.Except, x.String())
		}
		out.Blocks = append(out.Blocks, bj)
	}
	return out
}

func runExposure(e *env, args []string) int {
	c := lookup("exposure")
	var co common
	fs := newFlagSet(c, e, &co)
	output := fs.String("o", "text", "output format")
	co.namespaceFilter = true
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *output != "text" && *output != "json" {
		return usageError(e, c.name, fmt.Errorf("-o %s: want text or json", *output))
	}
	m, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	var pods []simulate.PodExposure
	for _, pe := range m.Exposure() {
		if co.namespace == "" || pe.Pod.Namespace == co.namespace {
			pods = append(pods, pe)
		}
	}
	if *output == "json" {
		out := exposureJSON{Pods: []podExposureJSON{}}
		for _, pe := range pods {
			pj := podExposureJSON{Pod: pe.Pod.String(), Namespace: pe.Pod.Namespace, Name: pe.Pod.Name,
				Exposed: pe.Exposed(false), Direct: directOpen(pe), Inbound: []routeJSON{}, Outbound: []accessJSON{}}
			for _, r := range pe.Inbound {
				pj.Inbound = append(pj.Inbound, routeJSON{Kind: string(r.Kind), Via: r.Via, Host: r.Host, Path: r.Path, TLS: r.TLS,
					EntryPorts: portsJSON(r.EntryPorts), PodPorts: portsJSON(r.PodPorts), Sources: sourcesToJSON(r.Sources), Note: r.Note})
			}
			for _, a := range pe.Outbound {
				pj.Outbound = append(pj.Outbound, accessJSON{Ports: portsJSON(a.Ports), To: sourcesToJSON(a.Sources)})
			}
			out.Pods = append(out.Pods, pj)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim exposure:", clean(err))
			return exitError
		}
		return exitOK
	}
	writeExposureText(e.stdout, m, pods)
	return exitOK
}

// directOpen reports whether some outside address may reach the pod's own
// address.
func directOpen(pe simulate.PodExposure) bool {
	for _, r := range pe.Inbound {
		if r.Kind == simulate.RouteDirect && !r.Sources.IsEmpty() {
			return true
		}
	}
	return false
}

// entryPoint is a NodePort, LoadBalancer or Ingress route open to some
// outside address, with the pods behind it.
type entryPoint struct {
	kind              simulate.RouteKind
	via, host, path   string
	tls               bool
	sources           string
	entry, podPorts   simulate.PortSet
	pods              []string
	allocatedNodePort bool
	order             int
}

var routeOrder = map[simulate.RouteKind]int{simulate.RouteDirect: 0, simulate.RouteNodePort: 1, simulate.RouteLoadBalancer: 2, simulate.RouteIngress: 3}

func entryPoints(pods []simulate.PodExposure) []*entryPoint {
	byKey := map[string]*entryPoint{}
	var out []*entryPoint
	for _, pe := range pods {
		for _, r := range pe.Inbound {
			if r.Kind == simulate.RouteDirect || r.Sources.IsEmpty() {
				continue
			}
			key := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%t\x00%s", r.Kind, r.Via, r.Host, r.Path, r.TLS, r.Sources)
			ep := byKey[key]
			if ep == nil {
				ep = &entryPoint{kind: r.Kind, via: r.Via, host: r.Host, path: r.Path, tls: r.TLS, sources: r.Sources.String(), order: routeOrder[r.Kind]}
				byKey[key] = ep
				out = append(out, ep)
			}
			ep.entry = simulate.NewPortSet(append(ep.entry.Ranges(), r.EntryPorts.Ranges()...)...)
			ep.podPorts = simulate.NewPortSet(append(ep.podPorts.Ranges(), r.PodPorts.Ranges()...)...)
			if r.EntryPorts.IsEmpty() {
				ep.allocatedNodePort = true
			}
			if id := pe.Pod.String(); len(ep.pods) == 0 || ep.pods[len(ep.pods)-1] != id {
				ep.pods = append(ep.pods, id)
			}
		}
	}
	slices.SortFunc(out, func(a, b *entryPoint) int {
		return cmp.Or(a.order-b.order, strings.Compare(a.via, b.via), strings.Compare(a.host, b.host),
			strings.Compare(a.path, b.path), strings.Compare(a.sources, b.sources))
	})
	return out
}

func (ep *entryPoint) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", ep.kind, ep.via)
	if ep.kind == simulate.RouteIngress {
		fmt.Fprintf(&b, " host %s path %s", cmp.Or(ep.host, "*"), cmp.Or(ep.path, "/"))
		if ep.tls {
			b.WriteString(" (TLS)")
		}
	}
	switch {
	case ep.entry.IsEmpty():
		b.WriteString(" on an allocated node port")
	case ep.allocatedNodePort:
		fmt.Fprintf(&b, " on %s and allocated node ports", ep.entry)
	default:
		fmt.Fprintf(&b, " on %s", ep.entry)
	}
	fmt.Fprintf(&b, " from %s", ep.sources)
	return b.String()
}

// writeExposureText prints the entry points, then every pod's routes in
// and access out, then a summary.
func writeExposureText(w io.Writer, m *simulate.Model, pods []simulate.PodExposure) {
	eps := entryPoints(pods)
	fmt.Fprintln(w, "Entry points from outside the cluster (NodePort, LoadBalancer, Ingress):")
	if len(eps) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, ep := range eps {
		fmt.Fprintf(w, "  %s\n    → %s on %s\n", ep, strings.Join(ep.pods, ", "), ep.podPorts)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Pods:")
	var exposed, direct, outbound int
	for _, pe := range pods {
		fmt.Fprintf(w, "  %s\n", pe.Pod)
		in, out, _ := m.Selecting(pe.Pod)
		n := 0
		for _, r := range pe.Inbound {
			switch {
			case r.Kind != simulate.RouteDirect:
				fmt.Fprintf(w, "    in   %s\n", r)
			case r.Sources.IsEmpty():
				continue // listed by the engine for completeness; says nothing here
			default:
				fmt.Fprintf(w, "    in   Direct → pod %s from %s (its own address, where the network routes it; %s)\n",
					r.PodPorts, r.Sources, isolation(in, "ingress"))
			}
			n++
		}
		if n == 0 {
			fmt.Fprintln(w, "    in   none")
		}
		for _, a := range pe.Outbound {
			fmt.Fprintf(w, "    out  %s to %s (%s)\n", a.Ports, a.Sources, isolation(out, "egress"))
		}
		if len(pe.Outbound) == 0 {
			fmt.Fprintln(w, "    out  none")
		}
		switch {
		case pe.Exposed(false):
			exposed++
		case directOpen(pe):
			direct++
		}
		if len(pe.Outbound) > 0 {
			outbound++
		}
	}
	fmt.Fprintf(w, "\n%d %s: %d reachable from outside through a Service or an Ingress, %d more only on %s own address; %d may reach outside.\n",
		len(pods), plural(len(pods), "pod", "pods"), exposed, direct, plural(direct, "its", "their"), outbound)
}

// isolation says why a pod admits or reaches outside addresses directly.
func isolation(policies []*policy.Policy, dir string) string {
	if len(policies) == 0 {
		return "not isolated for " + dir
	}
	return "allowed by its " + dir + " rules"
}
