package lint

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// exposedServices reports the NodePort and LoadBalancer Services through
// which any outside address may reach a backend, one finding per Service.
func (l *linter) exposedServices() []Finding {
	type exposure struct {
		pods               []int
		lbPorts, nodePorts simulate.PortSet
		podPorts           simulate.PortSet
		allocatedNodePort  bool
	}
	controllers := map[simulate.PodID]bool{}
	for _, id := range l.m.IngressControllers() {
		controllers[id] = true
	}
	byVia := map[string]*exposure{}
	for _, pe := range l.m.Exposure() {
		for _, r := range pe.Inbound {
			if (r.Kind != simulate.RouteNodePort && r.Kind != simulate.RouteLoadBalancer) || !r.Sources.Any {
				continue
			}
			x := byVia[r.Via]
			if x == nil {
				x = &exposure{}
				byVia[r.Via] = x
			}
			if i := l.podIdx[pe.Pod]; len(x.pods) == 0 || x.pods[len(x.pods)-1] != i {
				x.pods = append(x.pods, i)
			}
			x.podPorts = union(x.podPorts, r.PodPorts)
			switch {
			case r.Kind == simulate.RouteLoadBalancer:
				x.lbPorts = union(x.lbPorts, r.EntryPorts)
			case r.EntryPorts.IsEmpty():
				x.allocatedNodePort = true
			default:
				x.nodePorts = union(x.nodePorts, r.EntryPorts)
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
			if !controllers[l.pods[i]] {
				controller = false
			}
		}
		var entries []string
		if !x.lbPorts.IsEmpty() {
			entries = append(entries, "load balancer port "+x.lbPorts.String())
		}
		if !x.nodePorts.IsEmpty() {
			entries = append(entries, "node port "+x.nodePorts.String())
		}
		if x.allocatedNodePort {
			entries = append(entries, "node ports the cluster allocates")
		}
		f.Message = fmt.Sprintf("%s Service lets any address outside the cluster reach %s on %s through %s",
			svc.Spec.Type, listNames(names, 5), x.podPorts, strings.Join(entries, " and "))
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
