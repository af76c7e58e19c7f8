package lint

import (
	"fmt"
	"strings"

	"github.com/netpolsim/netpolsim/policy"
)

// policiesSelectingNothing reports policies whose podSelector selects no pod.
func (l *linter) policiesSelectingNothing() []Finding {
	inNs := map[string]int{}
	for i, id := range l.pods {
		if !l.host.Has(i) {
			inNs[id.Namespace]++
		}
	}
	var out []Finding
	for pi, p := range l.policies {
		if len(l.subjects[pi]) > 0 {
			continue
		}
		f := Finding{Rule: "policy-selects-nothing", Severity: Warning, Object: policyObject(p), Field: "spec.podSelector",
			Hint: "make spec.podSelector match the labels of the pods it is meant for, or delete the policy if they are gone"}
		if inNs[p.Namespace] == 0 {
			f.Message = fmt.Sprintf("namespace %s has no pods, so the policy applies to none", p.Namespace)
		} else {
			f.Message = fmt.Sprintf("podSelector %s selects none of the %d %s of namespace %s, so the policy applies to none",
				p.Subject, inNs[p.Namespace], plural(inNs[p.Namespace], "pod", "pods"), p.Namespace)
		}
		out = append(out, f)
	}
	return out
}

// selectorPeersOnly reports whether r has peers and all of them are
// pod/namespace selectors, and whether some of them look in the policy's
// own namespace.
func selectorPeersOnly(r policy.Rule) (only, sameNamespace bool) {
	if r.Peers == nil {
		return false, false
	}
	for _, p := range r.Peers {
		if p.Pods == nil {
			return false, false
		}
		if p.Pods.SameNamespace {
			sameNamespace = true
		}
	}
	return true, sameNamespace
}

// peersMatchingNothing reports rules whose peers are all selectors and match
// no pod.
func (l *linter) peersMatchingNothing() []Finding {
	var out []Finding
	for pi, p := range l.policies {
		for d := range dirNames {
			for ri, r := range rules(p, d) {
				only, same := selectorPeersOnly(r)
				if !only || !l.rulePeers(pi, d, ri).IsEmpty() {
					continue
				}
				peers := make([]string, len(r.Peers))
				for i, peer := range r.Peers {
					peers[i] = peer.String()
				}
				f := Finding{Rule: "peer-matches-nothing", Severity: Warning, Object: policyObject(p), Field: peersField(d, ri),
					Message: fmt.Sprintf("no pod matches %s, so the rule allows nothing", strings.Join(peers, " or ")),
					Hint:    "make the selectors match the peers' labels (a namespaceSelector matches namespace labels, such as kubernetes.io/metadata.name), or remove the rule"}
				if !same {
					f.Severity = Info
					f.Message += " (in the pods these manifests describe; other namespaces may hold more)"
				}
				out = append(out, f)
			}
		}
	}
	return out
}
