package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

const checkUsage = `Usage: netpolsim check -f PATH... --from ENDPOINT --to ENDPOINT --port PORT

Answer one question and explain the answer. Exit status 0 when allowed (for
every pair, with sets of pods or a Service), 1 when denied, 2 on error.

ENDPOINT is one of
  NAMESPACE/POD           a pod
  NAMESPACE/SELECTOR      the pods of a namespace matching a label selector (app=db,tier in (a,b))
  svc/NAMESPACE/NAME      a Service (destination only): judged at its backends after port translation
  IP                      an address; outside the cluster unless it is a pod's

PORT is 5432, 5432/TCP, 53/udp, 8000-8080/TCP, or a port name (http, dns/UDP);
for a Service, a port of the Service (number or name).

Flags:
  --from ENDPOINT         where the connection starts
  --to ENDPOINT           where it goes
  --port PORT             destination port
` + commonFlags

const checkExamples = `  netpolsim check -f deploy/ --from shop/frontend-0 --to shop/db-0 --port 5432
  netpolsim check -f deploy/ --from shop/app=frontend --to svc/shop/db --port pg
  netpolsim check -f deploy/ --from 203.0.113.7 --to shop/web-0 --port 443
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
	if v, err := m.Check(src, dst, port); err == nil {
		fmt.Fprintln(e.stdout, v)
		if v.Allowed {
			return exitOK
		}
		return exitDenied
	}
	a, err := m.Query(src, dst, port)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim check:", err)
		return exitError
	}
	fmt.Fprintln(e.stdout, a)
	if a.All() {
		return exitOK
	}
	return exitDenied
}

const explainUsage = `Usage: netpolsim explain -f PATH... NAMESPACE/POD

Show which policies select the pod for ingress and egress, their rules,
every pod it may receive from and send to, with the ports, and how it may be
reached from outside the cluster and what it may reach there (as exposure
shows them). The peers are computed per class of pods, so the cost grows
with the classes of the cluster, not its pods.

Flags:
` + commonFlags

const explainExamples = `  netpolsim explain -f deploy/ shop/db-0
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
		return usageError(e, c.name, fmt.Errorf("want exactly one NAMESPACE/POD, got %d arguments", len(pos)))
	}
	ns, name, ok := strings.Cut(pos[0], "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		return usageError(e, c.name, fmt.Errorf("%q: want NAMESPACE/POD", pos[0]))
	}
	m, _, ok := co.load(e)
	if !ok {
		return exitError
	}
	x, err := m.Explain(simulate.PodID{Namespace: ns, Name: name})
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim explain:", err)
		return exitError
	}
	writeExplanation(e.stdout, x)
	return exitOK
}

// writeExplanation prints an explanation: the policies per direction with
// their rules, the pods it may receive from and send to (its peer classes
// expanded to pods, sorted), and its routes from and access to outside the
// cluster.
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
		if len(lines) == 0 {
			fmt.Fprintln(w, "    (no pod)")
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
