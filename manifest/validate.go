package manifest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/internal/k8sname"
)

// This file validates what the API server would validate and the
// simulation depends on: names, namespaces, labels and port numbers, with
// apimachinery's own validation functions.

var metaPath = field.NewPath("metadata")

// nameChecks gives the rule for the names of each kind, as the API server
// checks them. NetworkPolicy is checked by policy.Compile.
var nameChecks = map[string]apivalidation.ValidateNameFunc{
	"Namespace":             apivalidation.ValidateNamespaceName,
	"Node":                  apivalidation.NameIsDNSSubdomain,
	"Pod":                   apivalidation.NameIsDNSSubdomain,
	"Service":               apivalidation.NameIsDNS1035Label,
	"Ingress":               apivalidation.NameIsDNSSubdomain,
	"ReplicationController": apivalidation.NameIsDNSSubdomain,
	"Deployment":            apivalidation.NameIsDNSSubdomain,
	"ReplicaSet":            apivalidation.NameIsDNSSubdomain,
	"StatefulSet":           apivalidation.NameIsDNSSubdomain,
	"DaemonSet":             apivalidation.NameIsDNSSubdomain,
	"Job":                   apivalidation.NameIsDNSSubdomain,
	"CronJob":               apivalidation.NameIsDNSSubdomain,
}

// checkMeta validates the name, namespace and labels of o.
func (l *decoder) checkMeta(o *object, m *metav1.ObjectMeta) {
	var errs field.ErrorList
	if check := nameChecks[o.kind]; check != nil {
		if !validName(o.kind, m.Name) {
			for _, msg := range check(m.Name, false) {
				errs = append(errs, field.Invalid(metaPath.Child("name"), m.Name, msg))
			}
		}
		if o.info.namespaced && !k8sname.DNS1123Label(m.Namespace) {
			for _, msg := range apivalidation.ValidateNamespaceName(m.Namespace, false) {
				errs = append(errs, field.Invalid(metaPath.Child("namespace"), m.Namespace, msg))
			}
		}
	}
	if !validLabels(m.Labels) {
		errs = append(errs, metav1validation.ValidateLabels(m.Labels, metaPath.Child("labels"))...)
	}
	l.fieldProblems(o, errs, nil)
}

// validName and validLabels accept exactly what apimachinery's validation
// functions accept, without regular expressions (internal/k8sname): they
// are asked first, and apimachinery's functions only for what they refuse,
// to word the problems. A load of a dump validates the name and labels of
// every pod.

// validName reports whether name is valid for an object of kind (one of
// nameChecks).
func validName(kind, name string) bool {
	switch kind {
	case "Namespace":
		return k8sname.DNS1123Label(name)
	case "Service":
		// An RFC 1035 label: an RFC 1123 label starting with a letter.
		return name != "" && 'a' <= name[0] && name[0] <= 'z' && k8sname.DNS1123Label(name)
	}
	return k8sname.DNS1123Subdomain(name)
}

// validLabels reports whether every key of labels is a qualified name and
// every value a label value.
func validLabels(labels map[string]string) bool {
	for k, v := range labels {
		if !k8sname.LabelKey(k) || !k8sname.LabelValue(v) {
			return false
		}
	}
	return true
}

// checkTemplate validates the labels and ports of a workload's pod
// template at path.
func (l *decoder) checkTemplate(o *object, t *corev1.PodTemplateSpec, path *field.Path) {
	if validLabels(t.Labels) && validPodPorts(t.Spec.InitContainers) && validPodPorts(t.Spec.Containers) {
		return
	}
	errs := metav1validation.ValidateLabels(t.Labels, path.Child("metadata", "labels"))
	errs = append(errs, podPorts(&t.Spec, path.Child("spec"))...)
	l.fieldProblems(o, errs, nil)
}

// podPorts validates the container ports of a pod spec at path: numbers,
// names (unique within a container) and protocols.
func podPorts(spec *corev1.PodSpec, path *field.Path) field.ErrorList {
	if validPodPorts(spec.InitContainers) && validPodPorts(spec.Containers) {
		return nil
	}
	return podPortProblems(spec, path)
}

// podPortProblems is podPorts without the fast check.
func podPortProblems(spec *corev1.PodSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, list := range []struct {
		name       string
		containers []corev1.Container
	}{{"initContainers", spec.InitContainers}, {"containers", spec.Containers}} {
		for i, c := range list.containers {
			names := sets.New[string]()
			for j, p := range c.Ports {
				at := path.Child(list.name).Index(i).Child("ports").Index(j)
				for _, msg := range validation.IsValidPortNum(int(p.ContainerPort)) {
					errs = append(errs, field.Invalid(at.Child("containerPort"), p.ContainerPort, msg))
				}
				if p.HostPort != 0 {
					for _, msg := range validation.IsValidPortNum(int(p.HostPort)) {
						errs = append(errs, field.Invalid(at.Child("hostPort"), p.HostPort, msg))
					}
				}
				if p.Name != "" {
					for _, msg := range validation.IsValidPortName(p.Name) {
						errs = append(errs, field.Invalid(at.Child("name"), p.Name, msg))
					}
					if names.Has(p.Name) {
						errs = append(errs, field.Duplicate(at.Child("name"), p.Name))
					}
					names.Insert(p.Name)
				}
				errs = append(errs, protocol(p.Protocol, at.Child("protocol"))...)
			}
		}
	}
	return errs
}

var protocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// protocol validates a protocol; empty means TCP.
func protocol(p corev1.Protocol, path *field.Path) field.ErrorList {
	switch p {
	case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	}
	return field.ErrorList{field.NotSupported(path, p, protocols)}
}

// servicePorts validates the ports of a Service: port, targetPort and
// nodePort numbers, a named targetPort, protocols.
func servicePorts(spec *corev1.ServiceSpec) field.ErrorList {
	if validServicePorts(spec.Ports) {
		return nil
	}
	return servicePortProblems(spec)
}

// servicePortProblems is servicePorts without the fast check.
func servicePortProblems(spec *corev1.ServiceSpec) field.ErrorList {
	var errs field.ErrorList
	for i, p := range spec.Ports {
		at := field.NewPath("spec", "ports").Index(i)
		for _, msg := range validation.IsValidPortNum(int(p.Port)) {
			errs = append(errs, field.Invalid(at.Child("port"), p.Port, msg))
		}
		switch {
		case p.TargetPort.Type == intstr.String:
			for _, msg := range validation.IsValidPortName(p.TargetPort.StrVal) {
				errs = append(errs, field.Invalid(at.Child("targetPort"), p.TargetPort.StrVal, msg))
			}
		case p.TargetPort.IntVal != 0:
			for _, msg := range validation.IsValidPortNum(int(p.TargetPort.IntVal)) {
				errs = append(errs, field.Invalid(at.Child("targetPort"), p.TargetPort.IntVal, msg))
			}
		}
		if p.NodePort != 0 {
			for _, msg := range validation.IsValidPortNum(int(p.NodePort)) {
				errs = append(errs, field.Invalid(at.Child("nodePort"), p.NodePort, msg))
			}
		}
		errs = append(errs, protocol(p.Protocol, at.Child("protocol"))...)
	}
	return errs
}

// validPortNum, validPodPorts and validServicePorts accept exactly what
// podPorts and servicePorts find no problem with, without building a
// field path per port (as validName and validLabels do for names).

func validPortNum(n int32) bool { return n >= 1 && n <= 65535 }

func validProtocol(p corev1.Protocol) bool {
	return p == "" || p == corev1.ProtocolTCP || p == corev1.ProtocolUDP || p == corev1.ProtocolSCTP
}

// validPodPorts reports whether the ports of every container are valid:
// numbers, names unique within the container, protocols.
func validPodPorts(containers []corev1.Container) bool {
	for _, c := range containers {
		if len(c.Ports) > 16 {
			return false // the names are checked for duplicates in pairs
		}
		for j, p := range c.Ports {
			if !validPortNum(p.ContainerPort) || p.HostPort != 0 && !validPortNum(p.HostPort) || !validProtocol(p.Protocol) {
				return false
			}
			if p.Name == "" {
				continue
			}
			if !k8sname.PortName(p.Name) {
				return false
			}
			for _, q := range c.Ports[:j] {
				if q.Name == p.Name {
					return false
				}
			}
		}
	}
	return true
}

// validServicePorts reports whether the ports of a Service are valid.
func validServicePorts(ports []corev1.ServicePort) bool {
	for _, p := range ports {
		if !validPortNum(p.Port) || p.NodePort != 0 && !validPortNum(p.NodePort) || !validProtocol(p.Protocol) {
			return false
		}
		switch {
		case p.TargetPort.Type == intstr.String:
			if !k8sname.PortName(p.TargetPort.StrVal) {
				return false
			}
		case p.TargetPort.IntVal != 0:
			if !validPortNum(p.TargetPort.IntVal) {
				return false
			}
		}
	}
	return true
}

// builtinNamespaces exist in every cluster with no labels but
// kubernetes.io/metadata.name, as an implied namespace has.
var builtinNamespaces = map[string]bool{
	metav1.NamespaceDefault:   true,
	metav1.NamespaceSystem:    true,
	metav1.NamespacePublic:    true,
	corev1.NamespaceNodeLease: true,
}

func impliedNamespaceMessage(ns string) string {
	return fmt.Sprintf("namespace %s has no Namespace object: it is taken to have no labels but %s=%s", ns, corev1.LabelMetadataName, ns)
}
