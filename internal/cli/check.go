package cli

import (
	"fmt"
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

Show which policies select the pod for ingress and egress, their rules, and
every pod it may receive from and send to, with the ports.

Flags:
` + commonFlags

const explainExamples = `  netpolsim explain -f deploy/ shop/db-0
`

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
	pod := simulate.PodID{Namespace: ns, Name: name}
	in, out, err := m.Selecting(pod)
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim explain:", err)
		return exitError
	}
	w := e.stdout
	fmt.Fprintln(w, pod)
	for _, d := range []struct {
		name     string
		policies []*policy.Policy
	}{{"ingress", in}, {"egress", out}} {
		if len(d.policies) == 0 {
			fmt.Fprintf(w, "  %s: not isolated: no policy selects it, so all %s traffic is allowed on this side\n", d.name, d.name)
			continue
		}
		fmt.Fprintf(w, "  %s: isolated by %d %s\n", d.name, len(d.policies), plural(len(d.policies), "policy", "policies"))
		for _, p := range d.policies {
			rules := p.IngressRules
			if d.name == "egress" {
				rules = p.EgressRules
			}
			if len(rules) == 0 {
				fmt.Fprintf(w, "    %s: no %s rules (denies all on its own)\n", p.ID(), d.name)
				continue
			}
			for i, r := range rules {
				fmt.Fprintf(w, "    %s %s[%d]: %s\n", p.ID(), d.name, i, describeRule(r, d.name))
			}
		}
	}
	mx := m.Matrix()
	for _, d := range []string{"receive from", "send to"} {
		fmt.Fprintf(w, "  may %s:\n", d)
		n := 0
		for _, other := range m.Pods() {
			if other == pod {
				continue
			}
			ports := mx.Ports(other, pod)
			if d == "send to" {
				ports = mx.Ports(pod, other)
			}
			if !ports.IsEmpty() {
				fmt.Fprintf(w, "    %s  %s\n", other, ports)
				n++
			}
		}
		if n == 0 {
			fmt.Fprintln(w, "    (no pod)")
		}
	}
	return exitOK
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
