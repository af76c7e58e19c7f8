package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/simulate"
)

// Severity says how much a finding matters. Severities are ordered: Info <
// Warning < Error.
type Severity int

// The severities, least severe first.
const (
	// Info is worth knowing; nothing is wrong as such.
	Info Severity = iota
	// Warning is a gap or a likely mistake: traffic open that probably
	// should not be, or a policy that does less than it says.
	Warning
	// Error is almost certainly broken: traffic the pods need is denied.
	Error
)

var severityNames = [...]string{Info: "info", Warning: "warning", Error: "error"}

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	if s < Info || s > Error {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads "info", "warning" or "error" (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("lint: severity %q: want info, warning or error", s)
}

// MarshalText renders s as String does, so that JSON carries the name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Error {
		return nil, fmt.Errorf("lint: invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a severity as ParseSeverity does.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Object names a Kubernetes object: its kind ("Namespace", "NetworkPolicy",
// "Service", "Pod"), namespace (empty for a Namespace) and name.
type Object struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String renders o as "NetworkPolicy shop/db" or "Namespace shop".
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// scope is the namespace o is in, or is.
func (o Object) scope() string { return cmp.Or(o.Namespace, o.Name) }

func compareObjects(a, b Object) int {
	return cmp.Or(strings.Compare(a.scope(), b.scope()), strings.Compare(a.Kind, b.Kind),
		strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}

// Finding is one problem found by one check.
type Finding struct {
	// Rule is the check's stable id, such as "no-default-deny-ingress"
	// (see Rules).
	Rule string `json:"rule"`
	// Severity is how much the finding matters; one check may give
	// different severities to different findings.
	Severity Severity `json:"severity"`
	// Object is what the finding is about.
	Object Object `json:"object"`
	// Field is the path inside Object of what the finding is about, such as
	// spec.ingress[0].ports[1]; empty when it is the whole object.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, in one line.
	Message string `json:"message"`
	// Hint says how to fix it, in one line.
	Hint string `json:"hint"`
	// Related are the other objects concerned, sorted: the pods of a
	// namespace finding, the policy of a shadowing rule, the backends of a
	// Service. Nil when there are none.
	Related []Object `json:"related,omitempty"`
}

// String renders f on one line: "warning[rule] Object field: message".
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s[%s] %s", f.Severity, f.Rule, f.Object)
	if f.Field != "" {
		b.WriteString(" " + f.Field)
	}
	b.WriteString(": " + f.Message)
	return b.String()
}

// compareFindings orders findings by where they are (namespace, kind, name,
// field), then by check and message.
func compareFindings(a, b Finding) int {
	return cmp.Or(compareObjects(a.Object, b.Object), strings.Compare(a.Field, b.Field),
		strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message), int(b.Severity-a.Severity))
}

// RuleInfo describes one check.
type RuleInfo struct {
	// ID is the stable id findings carry in Finding.Rule.
	ID string
	// Summary says in one line what the check looks for.
	Summary string
}

type check struct {
	RuleInfo
	run func(l *linter) []Finding
}

var checks = []check{
	{RuleInfo{"no-default-deny-ingress", "pods without a default deny for ingress (warning): some connection from some pod is decided by no NetworkPolicy and no Admin or Baseline rule; one finding per namespace"}, (*linter).noDefaultDenyIngress},
	{RuleInfo{"no-default-deny-egress", "pods without a default deny for egress (info): some connection to some pod is decided by no NetworkPolicy and no Admin or Baseline rule; one finding per namespace"}, (*linter).noDefaultDenyEgress},
	{RuleInfo{"exposed-service", "NodePort and LoadBalancer Services whose backends any address may reach (info for the ingress controller)"}, (*linter).exposedServices},
	{RuleInfo{"policy-selects-nothing", "policies whose podSelector selects no pod"}, (*linter).policiesSelectingNothing},
	{RuleInfo{"peer-matches-nothing", "rules whose selector peers match no pod, so they allow nothing"}, (*linter).peersMatchingNothing},
	{RuleInfo{"shadowed-rule", "rules that allow nothing another rule does not already allow (info)"}, (*linter).shadowedRules},
	{RuleInfo{"egress-blocks-dns", "pods isolated for egress that use Services but cannot reach DNS on UDP/53 (error) or TCP/53 (warning)"}, (*linter).egressBlocksDNS},
	{RuleInfo{"named-port-unserved", "rule ports named after a port no pod serves where the name resolves"}, (*linter).namedPortsUnserved},
	{RuleInfo{"service-selects-nothing", "Services whose selector selects no pod, so they have no backends"}, (*linter).servicesWithoutBackends},
	{RuleInfo{"target-port-unserved", "Service ports whose named targetPort some backend does not serve"}, (*linter).targetPortsUnserved},
	{RuleInfo{"allow-all-rule", "rules that allow every peer (or every pod of every namespace) on every port: warning for ingress, info for egress"}, (*linter).allowAllRules},
	{RuleInfo{"policy-types-ignore-rules", "policies whose policyTypes leave out rules they have, which then have no effect"}, (*linter).ignoredRules},
	{RuleInfo{"port-name-repeated", "port names that two containers of a pod both use (warning when their numbers differ)"}, (*linter).portNamesRepeated},
	{RuleInfo{"tiered-shadowed-rule", "tiered rules that an earlier rule (in evaluation order) makes unreachable: info when its action is the same, warning when it differs"}, (*linter).tieredShadowedRules},
	{RuleInfo{"pass-with-nothing-below", "Admin Pass rules whose traffic no NetworkPolicy isolates and no Baseline rule matches, so Pass acts as Accept (warning)"}, (*linter).passWithNothingBelow},
	{RuleInfo{"admin-priority-tie", "Admin policies with the same priority whose rules overlap with different actions: their order is undefined (warning)"}, (*linter).adminPriorityTies},
	{RuleInfo{"baseline-deny-unrelaxable", "Baseline Deny rules whose pod traffic the Admin tier decides entirely, so no NetworkPolicy can relax them (info)"}, (*linter).baselineDenyUnrelaxable},
	{RuleInfo{"domain-names-unchecked", "tiered egress rules with domainNames peers, which cannot be evaluated from manifests"}, (*linter).domainNamesUnchecked},
}

// Rules lists the checks Run makes, in a fixed order.
func Rules() []RuleInfo {
	out := make([]RuleInfo, len(checks))
	for i, c := range checks {
		out[i] = c.RuleInfo
	}
	return out
}

// Option changes what Run checks.
type Option func(*config)

type config struct {
	disabled  map[string]bool
	dnsNs     string
	dnsLabels map[string]string
}

// Disable turns off the checks with the given ids; ids that are not in
// Rules are ignored.
func Disable(ids ...string) Option {
	return func(c *config) {
		for _, id := range ids {
			c.disabled[id] = true
		}
	}
}

// DNS says which pods serve cluster DNS: the pods of namespace whose labels
// include all of labels. The default is kube-system and k8s-app=kube-dns,
// the label both kube-dns and CoreDNS installations carry.
func DNS(namespace string, labels map[string]string) Option {
	return func(c *config) { c.dnsNs, c.dnsLabels = namespace, labels }
}

// Run runs every check not disabled over m and returns the findings, sorted
// by object (namespace, kind, name), field, check and message.
//
// Run costs about O(policies × pods) for the model's SelectedBy and
// RulePeers, plus, for shadowed-rule, O(rules² × pods / 64) over the rules
// of each namespace and direction; 5,000 pods under 10,000 policies take
// about half a second (see BenchmarkRun). The tiered checks add
// O(tiered rules² × classes/64) for the cover and overlap tests and, for
// baseline-deny-unrelaxable, what its definition in the package
// documentation says (see BenchmarkRunTiered).
func Run(m *simulate.Model, opts ...Option) []Finding {
	cfg := config{
		disabled:  map[string]bool{},
		dnsNs:     "kube-system",
		dnsLabels: map[string]string{"k8s-app": "kube-dns"},
	}
	for _, o := range opts {
		o(&cfg)
	}
	l := newLinter(m, cfg)
	var out []Finding
	for _, c := range checks {
		if !cfg.disabled[c.ID] {
			out = append(out, c.run(l)...)
		}
	}
	slices.SortFunc(out, compareFindings)
	return out
}
