package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/simulate"
)

var lintUsage = `Usage: netpolsim lint -f PATH... [-o FORMAT] [--fail-on SEVERITY] [--disable CHECK] [-n NAMESPACE]

Check the network policies of the manifests for mistakes and gaps, and print
each finding with its severity, its check, the object and field concerned,
and a hint to fix it. Exit status 1 when some finding is at or above
--fail-on, 0 when none is, 2 on error.

Checks:
` + lintChecks + `
Flags:
  -o FORMAT               text (default), json, or sarif (SARIF 2.1.0 for
                          code-scanning tools: each finding located at the
                          line of its policy's file)
  --fail-on SEVERITY      info, warning (default) or error: the least severe
                          finding that makes the exit status 1
  --disable CHECK         turn a check off; repeatable, or comma-separated
` + commonFlags

const lintExamples = `  netpolsim lint -f deploy/
  netpolsim lint -f deploy/ --fail-on error --disable no-default-deny-egress
  helm template shop ./chart | netpolsim lint -f - -o json
`

// lintChecks lists the checks for the help text.
var lintChecks = func() string {
	var b strings.Builder
	for _, r := range lint.Rules() {
		fmt.Fprintf(&b, "  %s\n      %s\n", r.ID, r.Summary)
	}
	return b.String()
}()

// lintJSON is the document -o json prints.
type lintJSON struct {
	Findings []lint.Finding `json:"findings"`
	Counts   lintCounts     `json:"counts"`
	FailOn   lint.Severity  `json:"failOn"`
	Failed   bool           `json:"failed"`
}

type lintCounts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// list is a repeatable flag whose values may also be comma-separated.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }
func (l *list) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runLint(e *env, args []string) int {
	c := lookup("lint")
	var co common
	fs := newFlagSet(c, e, &co)
	output := fs.String("o", "text", "output format")
	failOnFlag := fs.String("fail-on", "warning", "least severity that fails")
	co.namespaceFilter = true
	var disabled list
	fs.Var(&disabled, "disable", "check to turn off")
	pos, err := parse(fs, args)
	if err != nil {
		return usageError(e, c.name, err)
	}
	if len(pos) > 0 {
		return usageError(e, c.name, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *output != "text" && *output != "json" && *output != "sarif" {
		return usageError(e, c.name, fmt.Errorf("-o %s: want text, json or sarif", *output))
	}
	failOn, err := lint.ParseSeverity(*failOnFlag)
	if err != nil {
		return usageError(e, c.name, fmt.Errorf("--fail-on %s: want info, warning or error", *failOnFlag))
	}
	var ids []string
	for _, r := range lint.Rules() {
		ids = append(ids, r.ID)
	}
	for _, d := range disabled {
		if !slices.Contains(ids, d) {
			return usageError(e, c.name, fmt.Errorf("--disable %s: no such check (want one of %s)", d, strings.Join(ids, ", ")))
		}
	}
	co.fieldLines = *output == "sarif"
	m, res, ok := co.load(e)
	if !ok {
		return exitError
	}
	if err := somethingToLint(m, res.Cluster, co.namespace); err != nil {
		fmt.Fprintln(e.stderr, "netpolsim lint:", clean(err))
		return exitError
	}
	// The model holds what lint reads; res stays for its sources, without
	// the typed objects (at 150,000 pods, about 300 MB of policies).
	res.Cluster = simulate.Cluster{}
	out := lintJSON{Findings: []lint.Finding{}, FailOn: failOn}
	for _, f := range lint.Run(m, lint.Disable(disabled...)) {
		scope := f.Object.Namespace
		if f.Object.Kind == "Namespace" {
			scope = f.Object.Name
		}
		if co.namespace != "" && scope != co.namespace {
			continue
		}
		out.Findings = append(out.Findings, f)
		switch f.Severity {
		case lint.Error:
			out.Counts.Error++
		case lint.Warning:
			out.Counts.Warning++
		default:
			out.Counts.Info++
		}
		if f.Severity >= failOn {
			out.Failed = true
		}
	}
	if *output == "sarif" {
		if err := writeLintSARIF(e.stdout, out, res); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim lint:", err)
			return exitError
		}
	} else if *output == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(e.stderr, "netpolsim lint:", clean(err))
			return exitError
		}
	} else {
		writeLintText(e.stdout, out)
	}
	if out.Failed {
		return exitDenied
	}
	return exitOK
}

// writeLintText prints each finding with its hint, then a summary.
func writeLintText(w io.Writer, out lintJSON) {
	for _, f := range out.Findings {
		fmt.Fprintln(w, f)
		fmt.Fprintf(w, "    hint: %s\n\n", f.Hint)
	}
	n := len(out.Findings)
	if n == 0 {
		fmt.Fprintln(w, "no findings.")
		return
	}
	var parts []string
	for _, c := range []struct {
		n         int
		one, many string
	}{{out.Counts.Error, "error", "errors"}, {out.Counts.Warning, "warning", "warnings"}, {out.Counts.Info, "info", "info"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, plural(c.n, c.one, c.many)))
		}
	}
	fmt.Fprintf(w, "%d %s (%s); ", n, plural(n, "finding", "findings"), strings.Join(parts, ", "))
	if out.Failed {
		fmt.Fprintf(w, "failing: some are at or above %s.\n", out.FailOn)
	} else {
		fmt.Fprintf(w, "passing: none is at or above %s.\n", out.FailOn)
	}
}

// somethingToLint refuses manifests without pods and without policies of
// any kind (an empty directory, a wrong path), where "no findings" would
// pass for a clean bill, and a namespace (-n, when not empty) that the
// model does not have.
func somethingToLint(m *simulate.Model, c simulate.Cluster, ns string) error {
	if len(c.Pods)+len(c.NetworkPolicies)+len(c.ClusterNetworkPolicies)+len(c.AdminNetworkPolicies)+len(c.BaselineAdminNetworkPolicies) == 0 {
		return errors.New("the manifests hold no pods and no network policies: nothing to lint")
	}
	if ns == "" {
		return nil
	}
	if err := m.LookupNamespace(ns); err != nil {
		return fmt.Errorf("-n %s: %w", ns, err)
	}
	return nil
}
