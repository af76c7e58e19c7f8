package lint

import (
	"fmt"
	"slices"
)

func (l *linter) noDefaultDenyIngress() []Finding { return l.noDefaultDeny(ingress) }
func (l *linter) noDefaultDenyEgress() []Finding  { return l.noDefaultDeny(egress) }

// noDefaultDeny reports, per namespace, the pods that no policy isolates
// for direction d. hostNetwork pods are not counted: policies never apply to
// them.
func (l *linter) noDefaultDeny(d int) []Finding {
	type nsPods struct {
		open  []int
		total int
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
		if len(l.isolatingPod(d, i)) == 0 {
			g.open = append(g.open, i)
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
		switch {
		case g.total == 1:
			f.Message = fmt.Sprintf("the only pod is not isolated for %s and %s: %s", dirNames[d], what, names[0])
		case len(g.open) == g.total:
			f.Message = fmt.Sprintf("none of the %d pods is isolated for %s; all %s: %s", g.total, dirNames[d], what, listNames(names, 5))
		default:
			f.Message = fmt.Sprintf("%d of %d pods %s not isolated for %s and %s: %s",
				len(g.open), g.total, plural(len(g.open), "is", "are"), dirNames[d], what, listNames(names, 5))
		}
		f.Hint = fmt.Sprintf("add a NetworkPolicy to namespace %s with podSelector: {} and policyTypes: [%s] (a default deny), then allow what each pod needs", ns, typ)
		out = append(out, f)
	}
	slices.SortFunc(out, compareFindings)
	return out
}
