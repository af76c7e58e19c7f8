package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// servicesWithoutBackends reports Services with a selector that selects no
// pod: traffic to them goes nowhere, which is most often a label typo.
// ExternalName Services and Services without a selector (endpoints kept by
// hand) are left alone.
func (l *linter) servicesWithoutBackends() []Finding {
	var out []Finding
	for _, svc := range l.m.ServiceObjects() {
		if svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
			continue
		}
		backends, err := l.m.Backends(simulate.ObjectID{Namespace: svc.Namespace, Name: svc.Name})
		must(err)
		if len(backends) > 0 {
			continue
		}
		out = append(out, Finding{Rule: "service-selects-nothing", Severity: Warning,
			Object:  Object{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
			Field:   "spec.selector",
			Message: fmt.Sprintf("selector %s selects no pod of namespace %s, so the Service has no backends", formatSet(svc.Spec.Selector), svc.Namespace),
			Hint:    "make spec.selector match the labels of the pods it fronts, or delete the Service if they are gone"})
	}
	return out
}

// targetPortsUnserved reports Service ports whose named targetPort some
// backend does not serve (name and protocol, as the model resolves a
// targetPort): that backend gets no traffic on that port.
func (l *linter) targetPortsUnserved() []Finding {
	var out []Finding
	for _, svc := range l.m.ServiceObjects() {
		targets, err := l.m.ServicePorts(simulate.ObjectID{Namespace: svc.Namespace, Name: svc.Name})
		must(err)
		missing := make([][]int, len(svc.Spec.Ports)) // per Service port: backends that serve no such name
		for _, t := range targets {
			if t.Name != "" && t.Port == 0 {
				missing[t.Index] = append(missing[t.Index], l.podIdx[t.Backend])
			}
		}
		for j, pods := range missing {
			if len(pods) == 0 {
				continue
			}
			sp := svc.Spec.Ports[j]
			proto := cmp.Or(sp.Protocol, corev1.ProtocolTCP)
			f := Finding{Rule: "target-port-unserved", Severity: Warning,
				Object: Object{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
				Field:  fmt.Sprintf("spec.ports[%d].targetPort", j)}
			names := make([]string, len(pods))
			for k, i := range pods {
				names[k] = l.pods[i].Name
				f.Related = append(f.Related, l.podObject(i))
			}
			f.Message = fmt.Sprintf("targetPort %s/%s is not a container port of %s, which get no traffic on port %d",
				proto, sp.TargetPort.StrVal, listNames(names, 5), sp.Port)
			f.Hint = "name the container port " + sp.TargetPort.StrVal + " (with protocol " + string(proto) + ") in every backend, or point targetPort at a port they serve"
			out = append(out, f)
		}
	}
	return out
}

// formatSet renders a Service selector as "app=db,tier=data", keys sorted.
func formatSet(set map[string]string) string {
	parts := make([]string, 0, len(set))
	for k, v := range set {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}
