package lint

import (
	"fmt"
	"slices"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

func (l *linter) noDefaultDenyIngress() []Finding { return l.noDefaultDeny(ingress) }
func (l *linter) noDefaultDenyEgress() []Finding  { return l.noDefaultDeny(egress) }

// noDefaultDeny reports, per namespace, the pods without a default deny
// for direction d: some connection with some pod (not hostNetwork) is
// decided by no policy, as the model's LeftToDefault says (NetworkPolicy
// isolation, or Admin and Baseline rules deciding every connection).
// hostNetwork pods are not counted: policies never apply to them.
func (l *linter) noDefaultDeny(d int) []Finding {
	type nsPods struct {
		open   []int
		total  int
		tiered bool // some open pod has tiered policies for d
	}
	byNs := map[string]*nsPods{}
	var order []string
	for i, id := range l.pods {
		if l.host.Has(i) {
			continue
		}
		g := byNs[id.Namespace]
		if g == nil {
			g = &nsPods{}
			byNs[id.Namespace] = g
			order = append(order, id.Namespace)
		}
		g.total++
		if open, tiered := l.openByDefault(d, l.classOf[i]); open {
			g.open = append(g.open, i)
			g.tiered = g.tiered || tiered
		}
	}
	var out []Finding
	for _, ns := range order {
		g := byNs[ns]
		if len(g.open) == 0 {
			continue
		}
		f := Finding{Severity: Warning, Rule: "no-default-deny-ingress", Object: Object{Kind: "Namespace", Name: ns}}
		what, typ := plural(len(g.open), "accepts", "accept")+" connections from any pod or address", "Ingress"
		if len(g.open) == g.total && g.total > 1 {
			what = "accept connections from any pod or address"
		}
		if d == egress {
			f.Severity, f.Rule = Info, "no-default-deny-egress"
			what, typ = "may open connections to any pod or address", "Egress"
		}
		names := make([]string, len(g.open))
		for j, i := range g.open {
			names[j] = l.pods[i].Name
			f.Related = append(f.Related, l.podObject(i))
		}
		const left = "cluster policies leave connections with some pods to the default (allowed)"
		switch {
		case g.tiered && g.total == 1:
			// Cluster policies decide some of their connections, not all.
			f.Message = fmt.Sprintf("the only pod has no default deny for %s: %s: %s", dirNames[d], left, names[0])
		case g.tiered && len(g.open) == g.total:
			f.Message = fmt.Sprintf("none of the %d pods has a default deny for %s: %s: %s", g.total, dirNames[d], left, listNames(names, 5))
		case g.tiered:
			f.Message = fmt.Sprintf("%d of %d pods %s no default deny for %s: %s: %s",
				len(g.open), g.total, plural(len(g.open), "has", "have"), dirNames[d], left, listNames(names, 5))
		case g.total == 1:
			f.Message = fmt.Sprintf("the only pod is not isolated for %s and %s: %s", dirNames[d], what, names[0])
		case len(g.open) == g.total:
			f.Message = fmt.Sprintf("none of the %d pods is isolated for %s; all %s: %s", g.total, dirNames[d], what, listNames(names, 5))
		default:
			f.Message = fmt.Sprintf("%d of %d pods %s not isolated for %s and %s: %s",
				len(g.open), g.total, plural(len(g.open), "is", "are"), dirNames[d], what, listNames(names, 5))
		}
		f.Hint = fmt.Sprintf("add a NetworkPolicy to namespace %s with podSelector: {} and policyTypes: [%s] (a default deny), then allow what each pod needs", ns, typ)
		if len(l.m.Tiered()) > 0 {
			f.Hint += fmt.Sprintf("; or a cluster policy whose subject holds them and whose last %s rule denies every namespace (Admin tier, or Baseline for pods no NetworkPolicy isolates)", dirNames[d])
		}
		out = append(out, f)
	}
	slices.SortFunc(out, compareFindings)
	return out
}

// openByDefault reports whether the pods of class c lack a default deny for
// direction d: the model leaves some connection with a pod that is not
// hostNetwork to the default (simulate.Model.LeftToDefault); and whether
// some tiered policy applies to them for d. Answers are kept per class.
func (l *linter) openByDefault(d int, c simulate.ClassID) (open, tiered bool) {
	if l.defaultOpen[d] == nil {
		l.defaultOpen[d] = map[simulate.ClassID][2]bool{}
	}
	if got, ok := l.defaultOpen[d][c]; ok {
		return got[0], got[1]
	}
	left, err := l.m.LeftToDefault(l.rep[c], directions[d])
	must(err)
	for rc := range left.All() {
		if !l.hostClass[rc] {
			open = true
			break
		}
	}
	if open {
		in, out, err := l.m.SelectingTiered(l.rep[c])
		must(err)
		tiered = len([2][]*policy.ClusterPolicy{in, out}[d]) > 0
	}
	l.defaultOpen[d][c] = [2]bool{open, tiered}
	return open, tiered
}
