package lint

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// exposedServices reports the NodePort and LoadBalancer Services through
// which any outside address may reach a backend, one finding per Service.
func (l *linter) exposedServices() []Finding {
	type exposure struct {
		kind              simulate.RouteKind
		pods              []int
		entry, podPorts   simulate.PortSet
		allocatedNodePort bool
	}
	byVia := map[string]*exposure{}
	for _, pe := range l.m.Exposure() {
		for _, r := range pe.Inbound {
			if (r.Kind != simulate.RouteNodePort && r.Kind != simulate.RouteLoadBalancer) || !r.Sources.Any {
				continue
			}
			x := byVia[r.Via]
			if x == nil {
				x = &exposure{kind: r.Kind}
				byVia[r.Via] = x
			}
			if i := l.podIdx[pe.Pod]; len(x.pods) == 0 || x.pods[len(x.pods)-1] != i {
				x.pods = append(x.pods, i)
			}
			x.entry = union(x.entry, r.EntryPorts)
			x.podPorts = union(x.podPorts, r.PodPorts)
			if r.EntryPorts.IsEmpty() {
				x.allocatedNodePort = true
			}
		}
	}
	var out []Finding
	for _, svc := range l.m.ServiceObjects() {
		x := byVia["svc/"+svc.Namespace+"/"+svc.Name]
		if x == nil {
			continue
		}
		f := Finding{Rule: "exposed-service", Severity: Warning, Object: Object{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}}
		controller := true
		names := make([]string, len(x.pods))
		for j, i := range x.pods {
			names[j] = l.pods[i].Name
			f.Related = append(f.Related, l.podObject(i))
			if l.pods[i].Namespace != l.cfg.controllerNs || len(l.cfg.controllerLabels) == 0 || !labelsInclude(l.objs[i].Labels, l.cfg.controllerLabels) {
				controller = false
			}
		}
		entry := "node port " + x.entry.String()
		if x.kind == simulate.RouteLoadBalancer {
			entry = "load balancer port " + x.entry.String()
		}
		switch {
		case x.entry.IsEmpty():
			entry = "a node port the cluster allocates"
		case x.allocatedNodePort:
			entry += " and node ports the cluster allocates"
		}
		f.Message = fmt.Sprintf("%s Service lets any address outside the cluster reach %s on %s through %s",
			x.kind, listNames(names, 5), x.podPorts, entry)
		local := svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
		switch {
		case controller:
			f.Severity = Info
			f.Message += ": the ingress controller's entry point"
			f.Hint = "expected for the ingress controller; to narrow who may use it, admit only client ranges with ipBlock ingress rules on the controller pods"
			if !local {
				f.Hint += ", after setting externalTrafficPolicy: Local so that they see the client's address"
			}
		case local:
			f.Hint = "make it a ClusterIP Service published through an Ingress, or admit only the client ranges with ipBlock ingress rules on its backends (externalTrafficPolicy Local keeps the client's address)"
		default:
			f.Hint = "make it a ClusterIP Service published through an Ingress; with externalTrafficPolicy Cluster the backends see a node's address, which no NetworkPolicy can filter, so use Local and ipBlock ingress rules to admit only client ranges"
		}
		out = append(out, f)
	}
	return out
}

func union(a, b simulate.PortSet) simulate.PortSet {
	return simulate.NewPortSet(append(a.Ranges(), b.Ranges()...)...)
}
