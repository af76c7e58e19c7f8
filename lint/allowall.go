package lint

import (
	"fmt"
	"strings"
)

// allowAllRules reports rules that match every connection of their
// direction (policy.Rule.AllowsAll): any peer, or every pod of every
// namespace, on every port.
func (l *linter) allowAllRules() []Finding {
	var out []Finding
	for _, p := range l.policies {
		for d := range dirNames {
			for ri, r := range rules(p, d) {
				if !r.AllowsAll() {
					continue
				}
				word, sev := "from", Warning
				if d == egress {
					word, sev = "to", Info
				}
				who, where := "any pod or address", ""
				if r.Peers != nil {
					who, where = "every pod of every namespace", "within the cluster "
				}
				out = append(out, Finding{Rule: "allow-all-rule", Severity: sev, Object: policyObject(p), Field: ruleField(d, ri),
					Message: fmt.Sprintf("the rule allows every %s connection %s %s on every port, so %sthe pods it selects are as open for %s as if no policy selected them",
						dirNames[d], word, who, where, dirNames[d]),
					Hint: fmt.Sprintf("list the peers and ports the pods need in %s (podSelector, namespaceSelector, ipBlock; ports), or delete the rule", ruleField(d, ri))})
			}
		}
	}
	return out
}

// ignoredRules reports policies whose policyTypes leave out rules they
// have (policy.Policy.IgnoredIngress and IgnoredEgress).
func (l *linter) ignoredRules() []Finding {
	var out []Finding
	for _, p := range l.policies {
		var types []string
		if p.Ingress {
			types = append(types, "Ingress")
		}
		if p.Egress {
			types = append(types, "Egress")
		}
		for d, n := range [2]int{p.IgnoredIngress, p.IgnoredEgress} {
			if n == 0 {
				continue
			}
			kind := "Ingress"
			if d == egress {
				kind = "Egress"
			}
			out = append(out, Finding{Rule: "policy-types-ignore-rules", Severity: Warning, Object: policyObject(p), Field: "spec.policyTypes",
				Message: fmt.Sprintf("policyTypes [%s] leaves out %s, so the %d spec.%s %s no effect and the policy does not isolate its pods for %s",
					strings.Join(types, ", "), kind, n, dirNames[d], plural(n, "rule has", "rules have"), dirNames[d]),
				Hint: fmt.Sprintf("add %s to spec.policyTypes to enforce the %s rules, or delete spec.%s", kind, dirNames[d], dirNames[d])})
		}
	}
	return out
}
