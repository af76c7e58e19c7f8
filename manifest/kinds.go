package manifest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/policy"
)

// maxGeneratedPods bounds the pods generated from workloads in one load: the
// most pods a Kubernetes cluster supports.
const maxGeneratedPods = 150_000

// kindInfo describes a supported kind.
type kindInfo struct {
	apiVersion string // the one version read (but see alsoReads)
	namespaced bool
}

// kinds lists the supported kinds. Their lists (PodList, …) in the same
// version are supported too.
var kinds = map[string]kindInfo{
	"Namespace":             {"v1", false},
	"Node":                  {"v1", false},
	"Pod":                   {"v1", true},
	"Service":               {"v1", true},
	"ReplicationController": {"v1", true},
	"NetworkPolicy":         {"networking.k8s.io/v1", true},
	"Ingress":               {"networking.k8s.io/v1", true},
	"Deployment":            {"apps/v1", true},
	"ReplicaSet":            {"apps/v1", true},
	"StatefulSet":           {"apps/v1", true},
	"DaemonSet":             {"apps/v1", true},
	"Job":                   {"batch/v1", true},
	"CronJob":               {"batch/v1", true},

	"ClusterNetworkPolicy":       {policyGroup + "/v1beta1", false},
	"AdminNetworkPolicy":         {policyGroup + "/v1alpha1", false},
	"BaselineAdminNetworkPolicy": {policyGroup + "/v1alpha1", false},
}

// apiObject is a pointer to a Kubernetes API object type.
type apiObject[T any] interface {
	*T
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// typed decodes raw as the object o of type T: strictly, with apiVersion
// and kind set, and the namespace defaulted to "default" (namespaced kinds)
// or cleared (cluster-scoped kinds). It returns nil when the object cannot
// be used; the problems are recorded.
func typed[T any, P apiObject[T]](l *loader, o *object, raw []byte) P {
	p := P(new(T))
	if !l.decode(o, raw, p) {
		return nil
	}
	p.GetObjectKind().SetGroupVersionKind(schema.FromAPIVersionAndKind(o.apiVersion, o.kind))
	if !kinds[o.kind].namespaced {
		p.SetNamespace("")
	} else if p.GetNamespace() == "" {
		p.SetNamespace(metav1.NamespaceDefault)
	}
	o.namespace, o.name = p.GetNamespace(), p.GetName()
	if o.name == "" {
		l.objProblem(o, "metadata.name", "required value", nil)
		return nil
	}
	return p
}

// add records a new object and reports whether it is new.
func (l *loader) add(o *object) bool {
	return l.unique(o.src, o.kind, o.namespace, o.name, "")
}

// load loads an object of a supported kind in its supported version.
func (l *loader) load(o *object, raw []byte) {
	c := &l.cluster
	switch o.kind {
	case "Namespace":
		if x := typed[corev1.Namespace](l, o, raw); x != nil && l.add(o) {
			c.Namespaces = append(c.Namespaces, *x)
		}
	case "Node":
		if x := typed[corev1.Node](l, o, raw); x != nil && l.add(o) {
			c.Nodes = append(c.Nodes, *x)
		}
	case "Pod":
		if x := typed[corev1.Pod](l, o, raw); x != nil && l.add(o) {
			c.Pods = append(c.Pods, *x)
		}
	case "Service":
		if x := typed[corev1.Service](l, o, raw); x != nil && l.add(o) {
			c.Services = append(c.Services, *x)
		}
	case "Ingress":
		if x := typed[networkingv1.Ingress](l, o, raw); x != nil && l.add(o) {
			c.Ingresses = append(c.Ingresses, *x)
		}
	case "NetworkPolicy":
		if x := typed[networkingv1.NetworkPolicy](l, o, raw); x != nil {
			l.checkPolicy(o, x)
			if l.add(o) {
				c.NetworkPolicies = append(c.NetworkPolicies, *x)
			}
		}

	case "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy":
		l.loadTiered(o, raw)

	case "Deployment":
		if x := typed[appsv1.Deployment](l, o, raw); x != nil && l.add(o) {
			n := l.count(o, x.Spec.Replicas, specPath.Child("replicas"))
			l.workload(o, &x.Spec.Template, n, specPath.Child("replicas"), nil)
		}
	case "ReplicaSet":
		if x := typed[appsv1.ReplicaSet](l, o, raw); x != nil && l.add(o) {
			n := l.count(o, x.Spec.Replicas, specPath.Child("replicas"))
			l.workload(o, &x.Spec.Template, n, specPath.Child("replicas"), nil)
		}
	case "StatefulSet":
		if x := typed[appsv1.StatefulSet](l, o, raw); x != nil && l.add(o) {
			n := l.count(o, x.Spec.Replicas, specPath.Child("replicas"))
			l.workload(o, &x.Spec.Template, n, specPath.Child("replicas"), func(i int, pod string) map[string]string {
				return map[string]string{
					appsv1.StatefulSetPodNameLabel: pod,
					appsv1.PodIndexLabel:           strconv.Itoa(i),
				}
			})
		}
	case "DaemonSet":
		if x := typed[appsv1.DaemonSet](l, o, raw); x != nil && l.add(o) {
			l.workload(o, &x.Spec.Template, 1, nil, nil)
		}
	case "ReplicationController":
		if x := typed[corev1.ReplicationController](l, o, raw); x != nil && l.add(o) {
			n := l.count(o, x.Spec.Replicas, specPath.Child("replicas"))
			if x.Spec.Template == nil {
				if n > 0 {
					l.fieldProblems(o, field.ErrorList{field.Required(specPath.Child("template"), "")}, nil)
				}
				return
			}
			l.workload(o, x.Spec.Template, n, specPath.Child("replicas"), nil)
		}
	case "Job":
		if x := typed[batchv1.Job](l, o, raw); x != nil && l.add(o) {
			n := l.count(o, x.Spec.Parallelism, specPath.Child("parallelism"))
			if x.Spec.Completions != nil {
				n = min(n, l.count(o, x.Spec.Completions, specPath.Child("completions")))
			}
			name := o.name
			l.workload(o, &x.Spec.Template, n, specPath.Child("parallelism"), func(int, string) map[string]string {
				return map[string]string{
					batchv1.JobNameLabel: name,
					legacyJobNameLabel:   name,
				}
			})
		}
	case "CronJob":
		if x := typed[batchv1.CronJob](l, o, raw); x != nil && l.add(o) {
			l.workload(o, &x.Spec.JobTemplate.Spec.Template, 1, nil, nil)
		}
	}
}

var specPath = field.NewPath("spec")

// legacyJobNameLabel is the unprefixed label the job controller still sets
// besides batchv1.JobNameLabel.
const legacyJobNameLabel = "job-name"

// count reads a replica count: 1 when n is nil.
func (l *loader) count(o *object, n *int32, path *field.Path) int {
	switch {
	case n == nil:
		return 1
	case *n < 0:
		l.fieldProblems(o, field.ErrorList{field.Invalid(path, *n, "must be greater than or equal to 0")}, nil)
		return 0
	}
	return int(*n)
}

// workload generates the n pods of the workload o from its pod template:
// named <workload>-0, <workload>-1, …, in the workload's namespace, with the
// template's labels and annotations (plus, when extra is not nil, the labels
// it gives for pod i, which win), a copy of the template's spec, and a
// controller reference to the workload. countPath is the field that set n.
func (l *loader) workload(o *object, tmpl *corev1.PodTemplateSpec, n int, countPath *field.Path, extra func(i int, pod string) map[string]string) {
	if n <= 0 {
		return
	}
	if l.generated+n > maxGeneratedPods {
		msg := fmt.Sprintf("more than %d pods generated in all, the most a cluster can have", maxGeneratedPods)
		if countPath != nil {
			l.fieldProblems(o, field.ErrorList{field.Invalid(countPath, n, msg)}, nil)
		} else {
			l.objProblem(o, "", msg, nil)
		}
		return
	}
	l.generated += n
	l.cluster.Pods = slices.Grow(l.cluster.Pods, n)
	by := o.kind + " " + o.name
	// Workloads of two kinds may share a name; their real pods do not
	// collide, so neither may ours: the later one's pods carry its kind.
	prefix := o.name + "-"
	for i := range n {
		if first, taken := l.seen[objKey{"Pod", o.namespace, prefix + strconv.Itoa(i)}]; taken && first.by != "" && first.by != by {
			prefix = o.name + "-" + strings.ToLower(o.kind) + "-"
			break
		}
	}
	for i := range n {
		name := prefix + strconv.Itoa(i)
		if !l.unique(o.src, "Pod", o.namespace, name, by) {
			continue
		}
		labels := maps.Clone(tmpl.Labels)
		if extra != nil {
			if labels == nil {
				labels = make(map[string]string)
			}
			maps.Copy(labels, extra(i, name))
		}
		controller := true
		// Built in place: a Pod is too big to copy around 150,000 times.
		l.cluster.Pods = append(l.cluster.Pods, corev1.Pod{})
		pod := &l.cluster.Pods[len(l.cluster.Pods)-1]
		pod.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
		pod.ObjectMeta = metav1.ObjectMeta{
			Name:        name,
			Namespace:   o.namespace,
			Labels:      labels,
			Annotations: maps.Clone(tmpl.Annotations),
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: o.apiVersion,
				Kind:       o.kind,
				Name:       o.name,
				Controller: &controller,
			}},
		}
		tmpl.Spec.DeepCopyInto(&pod.Spec)
	}
}

// checkPolicy validates a NetworkPolicy as the API server does.
func (l *loader) checkPolicy(o *object, np *networkingv1.NetworkPolicy) {
	_, err := policy.Compile(np)
	if err == nil {
		return
	}
	var perr *policy.Error
	if errors.As(err, &perr) {
		l.fieldProblems(o, perr.Errs, perr)
		return
	}
	l.objProblem(o, "", err.Error(), err)
}
