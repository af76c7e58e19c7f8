package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

const checkUsage = `Usage: netpolsim check -f PATH... --from ENDPOINT --to ENDPOINT --port PORT

Answer one question and explain the answer. Exit status 0 when allowed, 1
when denied, 2 on error. For an endpoint that stands for several pods or
addresses, allowed means allowed for every one of them: every pair of pods,
and, for a CIDR or outside, every address of it on every port of PORT.

` + endpointUsage + `
A CIDR or outside is answered range by range: the addresses that are no
pod's are cut into the widest ranges that the pod at the other end treats
alike (ipBlock except ranges, tiered networks peers), each with its verdict
("allowed on TCP/80 only" when part of a port range is); the pods whose
addresses a CIDR holds are answered pair by pair, as for a selector.
Between two addresses outside the cluster there is nothing to judge: a
question with no pod at either end is an error. A port name needs a
destination pod: addresses outside the cluster serve no named port.

PORT is 5432, 5432/TCP, 53/udp, 8000-8080/TCP, or a port name (http, dns/UDP);
for a Service, a port of the Service (number or name).

Flags:
  --from ENDPOINT         where the connection starts
  --to ENDPOINT           where it goes
  --port PORT             destination port
` + commonFlags

// endpointUsage is the one grammar of endpoints, shown by every command
// that takes one.
const endpointUsage = `ENDPOINT is one of (the one grammar of every command that takes an endpoint)
  NAMESPACE/POD           a pod
  NAMESPACE/WORKLOAD      every pod of a workload (a Deployment, StatefulSet, ...),
                          where no pod has that name: shop/db for shop/db-0, ...
  NAMESPACE/SELECTOR      the pods of a namespace matching a label selector
                          (app=db,tier in (a,b)); NAMESPACE/* for all of them
  svc/NAMESPACE/NAME      a Service (destination only): judged at its backends
                          after port translation
  IP                      an address; outside the cluster unless it is a pod's
  CIDR                    every address of a block (10.0.0.0/8, 2001:db8::/32):
                          the pods whose addresses it holds, and its other
                          addresses, outside the cluster
  outside                 every address outside the cluster: every address
                          that is no pod's. Node addresses (so hostNetwork
                          pods, which use their node's) are outside; a node
                          may always reach its own pods (--node-traffic)
An endpoint that names nothing (an unknown pod, workload, Service or
namespace, a selector matching no pod) is an error (exit status 2), with the
nearest names; so is a port name that no destination pod serves. A CIDR
holding no pod's address is no error: its addresses are outside the cluster.
`

const checkExamples = `  netpolsim check -f deploy/ --from shop/frontend-0 --to shop/db-0 --port 5432
  netpolsim check -f deploy/ --from shop/app=frontend --to svc/shop/db --port pg
  netpolsim check -f deploy/ --from 203.0.113.7 --to shop/web-0 --port 443
  netpolsim check -f deploy/ --from outside --to shop/web --port 443
  netpolsim check -f deploy/ --from shop/api --to 10.0.0.0/8 --port 5432
`

func runCheck(e *env, args []string) int {
	c := lookup("check")
	var co common
	fs := newFlagSet(c, e, &co)
	from := fs.String("from", "", "source endpoint")
	to := fs.String("to", "", "destination endpoint")
	portFlag := fs.String("port", "", "destination port")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	for _, f := range []struct{ name, value string }{{"--from", *from}, {"--to", *to}, {"--port", *portFlag}} {
		if f.value == "" {
			return usageError(e, c.name, fmt.Errorf("%s is required", f.name))
		}
	}
	src, err := simulate.ParseEndpoint(*from)
	if err != nil {
		return usageError(e, c.name, err)
	}
	dst, err := simulate.ParseEndpoint(*to)
	if err != nil {
		return usageError(e, c.name, err)
	}
	port, err := simulate.ParsePortSpec(*portFlag)
	if err != nil {
		return usageError(e, c.name, err)
	}
	m, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	if err := resolveQuestion(m, src, dst, port); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim check:", clean(err))
		return exitError
	}
	if v, err := m.Check(src, dst, port); err == nil {
		fmt.Fprintln(e.stdout, v)
		if v.Allowed {
			return exitOK
		}
		return exitDenied
	}
	a, err := m.Query(src, dst, port)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim check:", clean(err))
		return exitError
	}
	fmt.Fprintln(e.stdout, a)
	if a.All() {
		return exitOK
	}
	return exitDenied
}

// resolveQuestion refuses a question that names nothing of the model, so
// that a typo is an error and not a denial: an endpoint that
// simulate.Model.Resolve refuses (an unknown pod, workload, Service or
// namespace, a selector matching no pod), and a port name that no
// destination pod serves (for a pod or set of pods; a Service's port names
// are the Service's, checked by Query).
func resolveQuestion(m *simulate.Model, src, dst simulate.Endpoint, port simulate.PortSpec) error {
	if _, err := m.Resolve(src); err != nil {
		return fmt.Errorf("--from %s: %w", src, err)
	}
	pods, err := m.Resolve(dst)
	if err != nil {
		return fmt.Errorf("--to %s: %w", dst, err)
	}
	if port.Name == "" || dst.Kind() == simulate.ServiceEndpoint {
		return nil
	}
	if len(pods) == 0 {
		return fmt.Errorf("--port %s: a port name needs a destination pod, and %s is outside the cluster: give a number", port, dst)
	}
	if dst.Kind() == simulate.CIDREndpoint {
		return fmt.Errorf("--port %s: a port name needs a destination pod, and %s holds addresses outside the cluster too: give a number", port, dst)
	}
	for _, p := range pods {
		if n, err := m.NamedPort(p, port.Name, port.Protocol); err == nil && n != 0 {
			return nil
		}
	}
	if len(pods) == 1 {
		return fmt.Errorf("--port %s: %s serves no %s port named %q", port, pods[0], port.Protocol, port.Name)
	}
	return fmt.Errorf("--port %s: none of the %d pods of %s serves a %s port named %q", port, len(pods), dst, port.Protocol, port.Name)
}

const explainUsage = `Usage: netpolsim explain -f PATH... ENDPOINT

Show which policies select the pod for ingress and egress, their rules,
every pod it may receive from and send to, with the ports, and how it may be
reached from outside the cluster and what it may reach there (as exposure
shows them). The peers are computed per class of pods, so the cost grows
with the classes of the cluster, not its pods.

ENDPOINT is any endpoint (see ENDPOINT in 'netpolsim check --help'); one
standing for several pods (NAMESPACE/WORKLOAD, NAMESPACE/SELECTOR,
svc/NAMESPACE/NAME: the Service's backends) is explained pod after pod.
Addresses outside the cluster have no policies of their own: for an IP that
is no pod's, a CIDR or outside, explain lists every pod those addresses may
send to and every pod that may send to them, with the ranges of addresses
that each pod treats alike and the ports (a CIDR's own pods are explained
first, as pods). That costs O(pods × rules of their policies).

Flags:
` + commonFlags

const explainExamples = `  netpolsim explain -f deploy/ shop/db-0
  netpolsim explain -f deploy/ shop/api
  netpolsim explain -f deploy/ svc/shop/db
  netpolsim explain -f deploy/ 203.0.113.0/24
`

// runExplain is the explain command: it formats simulate.Model.Explain,
// which costs O(classes × runs of a row) plus the size of the answer, and
// one pod's exposure.
func runExplain(e *env, args []string) int {
	c := lookup("explain")
	var co common
	fs := newFlagSet(c, e, &co)
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) != 1 {
		return usageError(e, c.name, fmt.Errorf("want exactly one ENDPOINT, got %d arguments", len(pos)))
	}
	ep, err := simulate.ParseEndpoint(pos[0])
	if err != nil {
		return usageError(e, c.name, fmt.Errorf("%q: want NAMESPACE/POD, NAMESPACE/WORKLOAD, NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, an IP address, a CIDR or outside", pos[0]))
	}
	m, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	pods, err := m.Resolve(ep)
	addresses := ep.Kind() == simulate.CIDREndpoint || ep.Kind() == simulate.OutsideEndpoint ||
		(ep.Kind() == simulate.IPEndpoint && len(pods) == 0)
	if err == nil && len(pods) == 0 && !addresses {
		err = fmt.Errorf("%s has no pods to explain (a Service without backends)", ep)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim explain:", clean(err))
		return exitError
	}
	for i, p := range pods {
		x, err := m.Explain(p)
		if err != nil {
			fmt.Fprintln(e.stderr, "netpolsim explain:", clean(err))
			return exitError
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		writeExplanation(e.stdout, x)
	}
	if addresses {
		if len(pods) > 0 {
			fmt.Fprintln(e.stdout)
		}
		if err := writeAddresses(e.stdout, m, ep, len(pods) > 0); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim explain:", clean(err))
			return exitError
		}
	}
	return exitOK
}

// writeAddresses explains addresses outside the cluster (an IP, a CIDR or
// outside): for each pod, the ranges of them that may send to it and that
// it may send to, with the ports (simulate.Model.AddressAccess); ranges
// allowed nothing are left out. It costs O(pods × rules of their policies).
func writeAddresses(w io.Writer, m *simulate.Model, ep simulate.Endpoint, pods bool) error {
	what := "addresses outside the cluster"
	switch {
	case ep.Kind() == simulate.CIDREndpoint && pods:
		what = "its addresses outside the cluster; its pods are explained above"
	case ep.Kind() == simulate.CIDREndpoint:
		what = "its addresses, all outside the cluster"
	case ep.Kind() == simulate.OutsideEndpoint:
		what = "every address that is no pod's"
	case ep.Kind() == simulate.IPEndpoint:
		what = "an address outside the cluster"
	}
	fmt.Fprintf(w, "%s (%s)\n", ep, what)
	for _, d := range []struct {
		heading string
		dir     simulate.Direction
	}{{"may send to", simulate.Ingress}, {"may receive from", simulate.Egress}} {
		fmt.Fprintf(w, "  %s:\n", d.heading)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		n := 0
		for _, p := range m.Pods() {
			pieces, err := m.AddressAccess(p, ep, d.dir)
			if err != nil {
				return err
			}
			for _, piece := range pieces {
				if !piece.Ports.IsEmpty() {
					fmt.Fprintf(tw, "    %s\t%s\t%s\n", p, piece.Addresses, piece.Ports)
					n++
				}
			}
		}
		tw.Flush()
		if n == 0 {
			fmt.Fprintln(w, "    (no pod)")
		}
	}
	return nil
}

// writeExplanation prints an explanation: the policies per direction with
// their rules, the pods it may receive from and send to (its peer classes
// expanded to pods, sorted) and the ports open to and from addresses
// outside the cluster, then its routes from and access to outside the
// cluster in detail.
func writeExplanation(w io.Writer, x simulate.Explanation) {
	fmt.Fprintln(w, x.Pod)
	for _, d := range []struct {
		name     string
		policies []simulate.PolicyRules
		tiered   []simulate.TieredRules
	}{{"ingress", x.Ingress, x.TieredIngress}, {"egress", x.Egress, x.TieredEgress}} {
		writeTier(w, d.tiered, policy.Admin, d.name, "admin tier, first: the first matching rule decides; Pass goes on to NetworkPolicies")
		if len(d.policies) == 0 && len(d.tiered) > 0 {
			fmt.Fprintf(w, "  %s: no NetworkPolicy isolates it, so what the admin tier passes or does not match goes to the baseline tier\n", d.name)
			writeTier(w, d.tiered, policy.Baseline, d.name, "baseline tier, last: the first matching rule decides; no match allows")
			continue
		}
		if len(d.policies) == 0 {
			fmt.Fprintf(w, "  %s: not isolated: no policy selects it, so all %s traffic is allowed on this side\n", d.name, d.name)
			continue
		}
		fmt.Fprintf(w, "  %s: isolated by %d %s\n", d.name, len(d.policies), plural(len(d.policies), "policy", "policies"))
		for _, p := range d.policies {
			if len(p.Rules) == 0 {
				fmt.Fprintf(w, "    %s: no %s rules (denies all on its own)\n", p.Policy.ID(), d.name)
				continue
			}
			for i, r := range p.Rules {
				fmt.Fprintf(w, "    %s %s[%d]: %s\n", p.Policy.ID(), d.name, i, describeRule(r, d.name))
			}
		}
	}
	for _, d := range []struct {
		name  string
		peers []simulate.Peers
	}{{"receive from", x.From}, {"send to", x.To}} {
		fmt.Fprintf(w, "  may %s:\n", d.name)
		type line struct {
			pod   simulate.PodID
			ports simulate.PortSet
		}
		var lines []line
		for _, g := range d.peers {
			for _, p := range g.Pods {
				lines = append(lines, line{p, g.Ports})
			}
		}
		slices.SortFunc(lines, func(a, b line) int {
			return cmp.Or(strings.Compare(a.pod.Namespace, b.pod.Namespace), strings.Compare(a.pod.Name, b.pod.Name))
		})
		for _, l := range lines {
			fmt.Fprintf(w, "    %s  %s\n", l.pod, l.ports)
		}
		// Addresses outside the cluster, by any route (details below).
		var outside simulate.PortSet
		if d.name == "receive from" {
			for _, r := range x.Inbound {
				if !r.Sources.IsEmpty() {
					outside = outside.Union(r.PodPorts)
				}
			}
		} else {
			for _, a := range x.Outbound {
				if !a.Sources.IsEmpty() {
					outside = outside.Union(a.Ports)
				}
			}
		}
		if !outside.IsEmpty() {
			fmt.Fprintf(w, "    outside the cluster  %s (below)\n", outside)
		}
		if len(lines) == 0 && outside.IsEmpty() {
			fmt.Fprintln(w, "    (no pod or address)")
		}
	}
	fmt.Fprintln(w, "  may be reached from outside the cluster:")
	n := 0
	for _, r := range x.Inbound {
		if !r.Sources.IsEmpty() {
			fmt.Fprintf(w, "    %s\n", r)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "    (no route)")
	}
	fmt.Fprintln(w, "  may reach outside the cluster:")
	for _, a := range x.Outbound {
		fmt.Fprintf(w, "    %s to %s\n", a.Ports, a.Sources)
	}
	if len(x.Outbound) == 0 {
		fmt.Fprintln(w, "    (no address)")
	}
}

// describeRule renders a rule as "from PEERS on PORTS".
func describeRule(r policy.Rule, dir string) string {
	word := "from"
	if dir == "egress" {
		word = "to"
	}
	peers := "any peer"
	if r.Peers != nil {
		parts := make([]string, len(r.Peers))
		for i, p := range r.Peers {
			parts[i] = p.String()
		}
		peers = strings.Join(parts, " or ")
	}
	ports := "all ports"
	if r.Ports != nil {
		parts := make([]string, len(r.Ports))
		for i, p := range r.Ports {
			parts[i] = p.String()
		}
		ports = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s %s on %s", word, peers, ports)
}

// writeTier prints the rules of the policies of tier t in ps (evaluation
// order), under a heading; nothing when there are none.
func writeTier(w io.Writer, ps []simulate.TieredRules, t policy.Tier, dir, heading string) {
	first := true
	for _, p := range ps {
		if p.Policy.Tier != t {
			continue
		}
		if first {
			fmt.Fprintf(w, "  %s: %s\n", dir, heading)
			first = false
		}
		prio := ""
		if p.Policy.Kind != policy.KindBaselineAdminNetworkPolicy {
			prio = fmt.Sprintf(" (priority %d)", p.Policy.Priority)
		}
		for i, r := range p.Rules {
			fmt.Fprintf(w, "    %s%s %s[%d]: %s\n", p.Policy.DisplayName(), prio, dir, i, describeClusterRule(r, dir))
		}
	}
}

// describeClusterRule renders a tiered rule: "Deny to namespaces(...) on
// TCP/80".
func describeClusterRule(r policy.ClusterRule, dir string) string {
	word := "from"
	if dir == "egress" {
		word = "to"
	}
	parts := make([]string, len(r.Peers))
	for i, p := range r.Peers {
		parts[i] = p.String()
	}
	peers := strings.Join(parts, " or ")
	switch {
	case r.MatchesEverything():
		peers = "everything (a peer with no field fails closed)"
	case r.MatchesNothing():
		peers = "nothing (a peer with no field fails closed)"
	}
	ports := "all ports"
	if r.Ports != nil {
		parts := make([]string, len(r.Ports))
		for i, p := range r.Ports {
			parts[i] = p.String()
		}
		ports = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s %s %s on %s", r.Action, word, peers, ports)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
