package manifest

import (
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// This file reads the kinds that older clusters served in other versions,
// converting each to the version the cluster holds (kinds.go), with a
// notice naming the conversion. Each is decoded strictly as its own
// version first: a field that version does not have is a problem there
// too.

// conversions lists the versions read besides the supported one, by
// "apiVersion Kind".
var conversions = map[string]struct{}{
	"batch/v1beta1 CronJob":             {},
	"extensions/v1beta1 Ingress":        {},
	"networking.k8s.io/v1beta1 Ingress": {},
	"extensions/v1beta1 NetworkPolicy":  {},
	"extensions/v1beta1 Deployment":     {},
	"extensions/v1beta1 DaemonSet":      {},
	"extensions/v1beta1 ReplicaSet":     {},
	"apps/v1beta1 Deployment":           {},
	"apps/v1beta1 StatefulSet":          {},
	"apps/v1beta2 Deployment":           {},
	"apps/v1beta2 StatefulSet":          {},
	"apps/v1beta2 DaemonSet":            {},
	"apps/v1beta2 ReplicaSet":           {},
}

// loadConverted loads an object of a kind in one of the conversions.
// Only what the simulation reads differs between the versions: workloads
// keep their replicas and pod template, which every version has in the
// same shape.
func (l *decoder) loadConverted(o *object, raw []byte) {
	switch o.apiVersion + " " + o.kind {
	case "batch/v1beta1 CronJob":
		if x := typed[batchv1beta1.CronJob](l, o, raw); x != nil {
			l.workload(o, &x.ObjectMeta, &x.Spec.JobTemplate.Spec.Template, 1, nil, nil)
		}
	case "extensions/v1beta1 Ingress", "networking.k8s.io/v1beta1 Ingress":
		// The two versions have one schema.
		if x := typed[networkingv1beta1.Ingress](l, o, raw); x != nil {
			l.ingress(o, ingressFromV1beta1(x))
		}
	case "extensions/v1beta1 NetworkPolicy":
		if x := typed[extensionsv1beta1.NetworkPolicy](l, o, raw); x != nil {
			l.networkPolicy(o, networkPolicyFromV1beta1(x))
		}
	case "extensions/v1beta1 Deployment":
		if x := typed[extensionsv1beta1.Deployment](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "extensions/v1beta1 DaemonSet":
		if x := typed[extensionsv1beta1.DaemonSet](l, o, raw); x != nil {
			l.workload(o, &x.ObjectMeta, &x.Spec.Template, 1, nil, nil)
		}
	case "extensions/v1beta1 ReplicaSet":
		if x := typed[extensionsv1beta1.ReplicaSet](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "apps/v1beta1 Deployment":
		if x := typed[appsv1beta1.Deployment](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "apps/v1beta1 StatefulSet":
		if x := typed[appsv1beta1.StatefulSet](l, o, raw); x != nil {
			l.statefulSet(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "apps/v1beta2 Deployment":
		if x := typed[appsv1beta2.Deployment](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "apps/v1beta2 StatefulSet":
		if x := typed[appsv1beta2.StatefulSet](l, o, raw); x != nil {
			l.statefulSet(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "apps/v1beta2 DaemonSet":
		if x := typed[appsv1beta2.DaemonSet](l, o, raw); x != nil {
			l.workload(o, &x.ObjectMeta, &x.Spec.Template, 1, nil, nil)
		}
	case "apps/v1beta2 ReplicaSet":
		if x := typed[appsv1beta2.ReplicaSet](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	}
}

// ingressFromV1beta1 converts an Ingress as the API server does: a backend
// names its Service by serviceName and servicePort (a number or a port
// name), spec.backend became spec.defaultBackend, and a path without a
// pathType is ImplementationSpecific.
func ingressFromV1beta1(in *networkingv1beta1.Ingress) *networkingv1.Ingress {
	out := &networkingv1.Ingress{TypeMeta: in.TypeMeta, ObjectMeta: in.ObjectMeta}
	out.Spec.IngressClassName = in.Spec.IngressClassName
	out.Spec.DefaultBackend = ingressBackendFromV1beta1(in.Spec.Backend)
	for _, t := range in.Spec.TLS {
		out.Spec.TLS = append(out.Spec.TLS, networkingv1.IngressTLS{Hosts: t.Hosts, SecretName: t.SecretName})
	}
	for _, r := range in.Spec.Rules {
		rule := networkingv1.IngressRule{Host: r.Host}
		if r.HTTP != nil {
			rule.HTTP = &networkingv1.HTTPIngressRuleValue{}
			for _, p := range r.HTTP.Paths {
				pathType := networkingv1.PathTypeImplementationSpecific
				if p.PathType != nil {
					pathType = networkingv1.PathType(*p.PathType)
				}
				rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
					Path:     p.Path,
					PathType: &pathType,
					Backend:  *ingressBackendFromV1beta1(&p.Backend),
				})
			}
		}
		out.Spec.Rules = append(out.Spec.Rules, rule)
	}
	for _, lb := range in.Status.LoadBalancer.Ingress {
		ing := networkingv1.IngressLoadBalancerIngress{IP: lb.IP, Hostname: lb.Hostname}
		for _, p := range lb.Ports {
			ing.Ports = append(ing.Ports, networkingv1.IngressPortStatus{Port: p.Port, Protocol: p.Protocol, Error: p.Error})
		}
		out.Status.LoadBalancer.Ingress = append(out.Status.LoadBalancer.Ingress, ing)
	}
	out.Kind, out.APIVersion = "Ingress", "networking.k8s.io/v1"
	return out
}

func ingressBackendFromV1beta1(b *networkingv1beta1.IngressBackend) *networkingv1.IngressBackend {
	if b == nil {
		return nil
	}
	out := &networkingv1.IngressBackend{Resource: b.Resource}
	if b.ServiceName != "" {
		svc := &networkingv1.IngressServiceBackend{Name: b.ServiceName}
		if b.ServicePort.Type == intstr.String {
			svc.Port.Name = b.ServicePort.StrVal
		} else {
			svc.Port.Number = b.ServicePort.IntVal
		}
		out.Service = svc
	}
	return out
}

// networkPolicyFromV1beta1 converts a NetworkPolicy: the two versions
// differ in nothing but their Go types.
func networkPolicyFromV1beta1(in *extensionsv1beta1.NetworkPolicy) *networkingv1.NetworkPolicy {
	out := &networkingv1.NetworkPolicy{TypeMeta: in.TypeMeta, ObjectMeta: in.ObjectMeta}
	out.Spec.PodSelector = in.Spec.PodSelector
	// Empty lists stay empty and absent ones absent.
	if in.Spec.PolicyTypes != nil {
		out.Spec.PolicyTypes = make([]networkingv1.PolicyType, 0, len(in.Spec.PolicyTypes))
	}
	if in.Spec.Ingress != nil {
		out.Spec.Ingress = make([]networkingv1.NetworkPolicyIngressRule, 0, len(in.Spec.Ingress))
	}
	if in.Spec.Egress != nil {
		out.Spec.Egress = make([]networkingv1.NetworkPolicyEgressRule, 0, len(in.Spec.Egress))
	}
	for _, t := range in.Spec.PolicyTypes {
		out.Spec.PolicyTypes = append(out.Spec.PolicyTypes, networkingv1.PolicyType(t))
	}
	for _, r := range in.Spec.Ingress {
		out.Spec.Ingress = append(out.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{
			Ports: policyPortsFromV1beta1(r.Ports),
			From:  policyPeersFromV1beta1(r.From),
		})
	}
	for _, r := range in.Spec.Egress {
		out.Spec.Egress = append(out.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
			Ports: policyPortsFromV1beta1(r.Ports),
			To:    policyPeersFromV1beta1(r.To),
		})
	}
	out.Kind, out.APIVersion = "NetworkPolicy", "networking.k8s.io/v1"
	return out
}

func policyPortsFromV1beta1(in []extensionsv1beta1.NetworkPolicyPort) []networkingv1.NetworkPolicyPort {
	if in == nil {
		return nil
	}
	out := make([]networkingv1.NetworkPolicyPort, len(in))
	for i, p := range in {
		out[i] = networkingv1.NetworkPolicyPort{Protocol: p.Protocol, Port: p.Port, EndPort: p.EndPort}
	}
	return out
}

func policyPeersFromV1beta1(in []extensionsv1beta1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer {
	if in == nil {
		return nil
	}
	out := make([]networkingv1.NetworkPolicyPeer, len(in))
	for i, p := range in {
		out[i] = networkingv1.NetworkPolicyPeer{PodSelector: p.PodSelector, NamespaceSelector: p.NamespaceSelector}
		if p.IPBlock != nil {
			out[i].IPBlock = &networkingv1.IPBlock{CIDR: p.IPBlock.CIDR, Except: p.IPBlock.Except}
		}
	}
	return out
}
