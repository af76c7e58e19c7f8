package manifest

import (
	"errors"
	"fmt"
	"maps"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// kindInfo describes a supported kind.
type kindInfo struct {
	apiVersion string // the version read; convert.go reads older ones, tiered.go alsoReads
	namespaced bool
	kind       string // the kind's name, the key
}

// kinds lists the supported kinds. Their lists (PodList, …) in the same
// version are supported too.
var kinds = map[string]*kindInfo{
	"Namespace":             {"v1", false, "Namespace"},
	"Node":                  {"v1", false, "Node"},
	"Pod":                   {"v1", true, "Pod"},
	"Service":               {"v1", true, "Service"},
	"ReplicationController": {"v1", true, "ReplicationController"},
	"NetworkPolicy":         {"networking.k8s.io/v1", true, "NetworkPolicy"},
	"Ingress":               {"networking.k8s.io/v1", true, "Ingress"},
	"Deployment":            {"apps/v1", true, "Deployment"},
	"ReplicaSet":            {"apps/v1", true, "ReplicaSet"},
	"StatefulSet":           {"apps/v1", true, "StatefulSet"},
	"DaemonSet":             {"apps/v1", true, "DaemonSet"},
	"Job":                   {"batch/v1", true, "Job"},
	"CronJob":               {"batch/v1", true, "CronJob"},

	"ClusterNetworkPolicy":       {policyGroup + "/v1beta1", false, "ClusterNetworkPolicy"},
	"AdminNetworkPolicy":         {policyGroup + "/v1alpha1", false, "AdminNetworkPolicy"},
	"BaselineAdminNetworkPolicy": {policyGroup + "/v1alpha1", false, "BaselineAdminNetworkPolicy"},
}

// apiObject is a pointer to a Kubernetes API object type.
type apiObject[T any] interface {
	*T
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// typed decodes raw as the object o of type T: strictly, with apiVersion
// and kind set to the supported version, the namespace defaulted to
// "default" (namespaced kinds) or cleared (cluster-scoped kinds), and the
// metadata validated. It returns nil when the object cannot be used; the
// problems are recorded.
func typed[T any, P apiObject[T]](l *decoder, o *object, raw []byte) P {
	p, ok := l.into.(P)
	if !ok {
		p = P(new(T))
	}
	if !l.decode(o, raw, p) {
		return nil
	}
	return finishTyped(l, o, p)
}

// finishTyped is typed after the decoding of p.
func finishTyped[T any, P apiObject[T]](l *decoder, o *object, p P) P {
	k := o.info
	if tm, ok := p.GetObjectKind().(*metav1.TypeMeta); ok {
		// The table's strings, rather than new ones for every object.
		tm.APIVersion, tm.Kind = k.apiVersion, k.kind
	} else {
		p.GetObjectKind().SetGroupVersionKind(schema.FromAPIVersionAndKind(k.apiVersion, o.kind))
	}
	if !k.namespaced {
		p.SetNamespace("")
	} else if p.GetNamespace() == "" {
		p.SetNamespace(metav1.NamespaceDefault)
	}
	o.namespace, o.name = p.GetNamespace(), p.GetName()
	if o.name == "" {
		l.objProblem(o, "metadata.name", "required value", nil)
		return nil
	}
	if m, ok := any(p).(interface{ GetObjectMeta() metav1.Object }); ok {
		if om, ok := m.GetObjectMeta().(*metav1.ObjectMeta); ok {
			l.checkMeta(o, om)
		}
	}
	return p
}

// entry is an object for the cluster, added in input order by the merge.
type entry struct {
	o                     *object // where it is, for messages
	kind, namespace, name string
	// obj is the object, for kinds other than Pod and the workloads: a
	// pointer to it (see addTo).
	obj any
	// pod is a Pod; nil with dropped set when it is left out.
	pod     *corev1.Pod
	dropped dropReason
	// work is a workload's pods to generate.
	work *workload
	// owner is the controller of a pod or workload, when it has one.
	owner *ownerKey
}

type dropReason int

const (
	keep      dropReason = iota
	finished             // a pod in phase Succeeded or Failed
	overLimit            // a pod past MaxPods, not kept while decoding
)

// ownerKey names a controller: kind, namespace, name.
type ownerKey struct{ kind, namespace, name string }

// controllerOf returns the controller of an object in namespace ns.
func controllerOf(m metav1.Object, ns string) *ownerKey {
	ref := metav1.GetControllerOfNoCopy(m)
	if ref == nil {
		return nil
	}
	return &ownerKey{ref.Kind, ns, ref.Name}
}

// loadPod loads a Pod, into l.into when that is set.
func (l *decoder) loadPod(o *object, raw []byte) {
	var x *corev1.Pod
	ok := false
	if fastPaths {
		x, ok = l.fastPod(o, raw)
	}
	if !ok {
		if into, _ := l.into.(*corev1.Pod); into != nil {
			*into = corev1.Pod{} // what fastPod wrote
		}
		x = typed[corev1.Pod](l, o, podStatusRead(raw))
	}
	if x != nil {
		l.fieldProblems(o, podPorts(&x.Spec, specPath), nil)
		l.pod(o, x)
	}
}

// appendInPlace appends *x to s. When x is the element of s's array just
// past its end, as an object decoded into a store is unless an object
// before it was left out, it is not copied. Appending objects of a store
// in input order never overwrites one still to come: each has its own
// place, at or after the end of s.
func appendInPlace[T any](s []T, x *T) []T {
	if n := len(s); n < cap(s) && &s[:n+1][n] == x {
		return s[:n+1]
	}
	return append(s, *x)
}

// add records the object x, a pointer to one of the types addTo takes; the
// merge adds it to the cluster unless it is a duplicate.
func (l *decoder) add(o *object, x any) {
	l.events = append(l.events, event{entry: &entry{o: o, kind: o.kind, namespace: o.namespace, name: o.name, obj: x}})
}

// addTo appends the object x that add recorded to c.
func addTo(c *simulate.Cluster, x any) {
	switch x := x.(type) {
	case *corev1.Namespace:
		c.Namespaces = appendInPlace(c.Namespaces, x)
	case *corev1.Node:
		c.Nodes = appendInPlace(c.Nodes, x)
	case *corev1.Service:
		c.Services = appendInPlace(c.Services, x)
	case *networkingv1.Ingress:
		c.Ingresses = appendInPlace(c.Ingresses, x)
	case *networkingv1.NetworkPolicy:
		c.NetworkPolicies = appendInPlace(c.NetworkPolicies, x)
	case *v1beta1.ClusterNetworkPolicy:
		c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, *x)
	case *v1alpha1.AdminNetworkPolicy:
		c.AdminNetworkPolicies = append(c.AdminNetworkPolicies, *x)
	case *v1alpha1.BaselineAdminNetworkPolicy:
		c.BaselineAdminNetworkPolicies = append(c.BaselineAdminNetworkPolicies, *x)
	default:
		panic(fmt.Sprintf("manifest: addTo %T", x)) // a bug of this package
	}
}

// load loads an object of a supported kind, in its supported version or
// one that is converted to it.
func (l *decoder) load(o *object, raw []byte) {
	if !reads(o.kind, o.info, o.apiVersion) {
		l.loadConverted(o, raw)
		return
	}
	switch o.kind {
	case "Namespace":
		if x := typed[corev1.Namespace](l, o, raw); x != nil {
			l.add(o, x)
		}
	case "Node":
		if x := typed[corev1.Node](l, o, raw); x != nil {
			l.add(o, x)
		}
	case "Pod":
		l.loadPod(o, raw)
	case "Service":
		if x := typed[corev1.Service](l, o, raw); x != nil {
			l.fieldProblems(o, servicePorts(&x.Spec), nil)
			l.add(o, x)
		}
	case "Ingress":
		if x := typed[networkingv1.Ingress](l, o, raw); x != nil {
			l.ingress(o, x)
		}
	case "NetworkPolicy":
		if x := typed[networkingv1.NetworkPolicy](l, o, raw); x != nil {
			l.networkPolicy(o, x)
		}
	case "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy":
		l.loadTiered(o, raw)

	case "Deployment":
		if x := typed[appsv1.Deployment](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "ReplicaSet":
		if x := typed[appsv1.ReplicaSet](l, o, raw); x != nil {
			l.replicated(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "StatefulSet":
		if x := typed[appsv1.StatefulSet](l, o, raw); x != nil {
			l.statefulSet(o, &x.ObjectMeta, x.Spec.Replicas, &x.Spec.Template)
		}
	case "DaemonSet":
		if x := typed[appsv1.DaemonSet](l, o, raw); x != nil {
			l.workload(o, &x.ObjectMeta, &x.Spec.Template, 1, nil, nil)
		}
	case "ReplicationController":
		if x := typed[corev1.ReplicationController](l, o, raw); x != nil {
			n := l.count(o, x.Spec.Replicas, replicasPath)
			if x.Spec.Template == nil {
				if n > 0 {
					l.fieldProblems(o, field.ErrorList{field.Required(specPath.Child("template"), "")}, nil)
				}
				l.workload(o, &x.ObjectMeta, &corev1.PodTemplateSpec{}, 0, nil, nil)
				return
			}
			l.workload(o, &x.ObjectMeta, x.Spec.Template, n, replicasPath, nil)
		}
	case "Job":
		if x := typed[batchv1.Job](l, o, raw); x != nil {
			l.job(o, &x.ObjectMeta, x.Spec.Parallelism, x.Spec.Completions, &x.Spec.Template, specPath)
		}
	case "CronJob":
		if x := typed[batchv1.CronJob](l, o, raw); x != nil {
			l.workload(o, &x.ObjectMeta, &x.Spec.JobTemplate.Spec.Template, 1, nil, nil)
		}
	}
}

// Paths that every object of a kind needs; built once (a field.Path is
// not changed by Child or Index).
var (
	specPath               = field.NewPath("spec")
	replicasPath           = specPath.Child("replicas")
	podTemplatePath        = specPath.Child("template")
	cronJobPodTemplatePath = field.NewPath("spec", "jobTemplate", "spec", "template")
)

// legacyJobNameLabel is the unprefixed label the job controller still sets
// besides batchv1.JobNameLabel.
const legacyJobNameLabel = "job-name"

// pod records a Pod. A pod in phase Succeeded or Failed is left out: it
// runs nothing, and its address may belong to a running pod by now. A pod
// past MaxPods is not kept.
func (l *decoder) pod(o *object, x *corev1.Pod) {
	e := &entry{o: o, kind: o.kind, namespace: o.namespace, name: o.name, owner: controllerOf(x, o.namespace)}
	switch {
	case x.Status.Phase == corev1.PodSucceeded || x.Status.Phase == corev1.PodFailed:
		e.dropped = finished
	case l.l.podsDecoded.Add(1) > int64(l.l.opts.maxPods()):
		e.dropped = overLimit
	default:
		e.pod = x
	}
	l.events = append(l.events, event{entry: e})
}

// ingress records an Ingress.
func (l *decoder) ingress(o *object, x *networkingv1.Ingress) {
	l.add(o, x)
}

// networkPolicy validates a NetworkPolicy as the API server does and
// records it.
func (l *decoder) networkPolicy(o *object, x *networkingv1.NetworkPolicy) {
	l.checkPolicy(o, x)
	l.l.share.networkPolicy(x)
	l.add(o, x)
}

// replicated records a Deployment, ReplicaSet or ReplicationController.
func (l *decoder) replicated(o *object, m *metav1.ObjectMeta, replicas *int32, tmpl *corev1.PodTemplateSpec) {
	n := l.count(o, replicas, replicasPath)
	l.workload(o, m, tmpl, n, replicasPath, nil)
}

// statefulSet records a StatefulSet, whose pods carry their name and index
// as labels.
func (l *decoder) statefulSet(o *object, m *metav1.ObjectMeta, replicas *int32, tmpl *corev1.PodTemplateSpec) {
	n := l.count(o, replicas, replicasPath)
	l.workload(o, m, tmpl, n, replicasPath, func(i int, pod string) map[string]string {
		return map[string]string{
			appsv1.StatefulSetPodNameLabel: pod,
			appsv1.PodIndexLabel:           strconv.Itoa(i),
		}
	})
}

// job records a Job: parallelism pods, at most completions.
func (l *decoder) job(o *object, m *metav1.ObjectMeta, parallelism, completions *int32, tmpl *corev1.PodTemplateSpec, spec *field.Path) {
	n := l.count(o, parallelism, spec.Child("parallelism"))
	if completions != nil {
		n = min(n, l.count(o, completions, spec.Child("completions")))
	}
	name := o.name
	labels := maps.Clone(tmpl.Labels)
	if labels == nil {
		labels = make(map[string]string, 2)
	}
	labels[batchv1.JobNameLabel] = name
	labels[legacyJobNameLabel] = name
	shared := *tmpl
	shared.Labels = labels
	l.workload(o, m, &shared, n, spec.Child("parallelism"), nil)
}

// count reads a replica count: 1 when n is nil.
func (l *decoder) count(o *object, n *int32, path *field.Path) int {
	switch {
	case n == nil:
		return 1
	case *n < 0:
		l.fieldProblems(o, field.ErrorList{field.Invalid(path, *n, "must be greater than or equal to 0")}, nil)
		return 0
	}
	return int(*n)
}

// workload is what a workload generates: n pods from a template.
type workload struct {
	apiVersion string // the workload's, for the owner reference
	tmpl       *corev1.PodTemplateSpec
	n          int
	countPath  *field.Path // the field that set n, or nil
	// extra, when not nil, gives the labels that pod i, named pod, carries
	// besides the template's (and wins over them).
	extra func(i int, pod string) map[string]string
	// owners is the pods' controller reference to the workload.
	owners []metav1.OwnerReference
}

// workload records the workload o with metadata m, which runs n pods from
// tmpl; countPath is the field that set n. The template is validated here;
// the pods are generated by the merge (see generate), unless the input
// holds the workload's own pods or ReplicaSets.
func (l *decoder) workload(o *object, m *metav1.ObjectMeta, tmpl *corev1.PodTemplateSpec, n int, countPath *field.Path, extra func(i int, pod string) map[string]string) {
	path := podTemplatePath
	if o.kind == "CronJob" {
		path = cronJobPodTemplatePath
	}
	l.checkTemplate(o, tmpl, path)
	controller := true
	apiVersion := o.info.apiVersion
	l.events = append(l.events, event{entry: &entry{
		o: o, kind: o.kind, namespace: o.namespace, name: o.name,
		owner: controllerOf(m, o.namespace),
		work: &workload{apiVersion: apiVersion, tmpl: tmpl, n: n, countPath: countPath, extra: extra,
			owners: []metav1.OwnerReference{{APIVersion: apiVersion, Kind: o.kind, Name: o.name, Controller: &controller}}},
	}})
}

// checkPolicy validates a NetworkPolicy as the API server does.
func (l *decoder) checkPolicy(o *object, np *networkingv1.NetworkPolicy) {
	err := policy.Validate(np)
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

// limitMessage says that a load has more than max pods.
func limitMessage(max int) string {
	return fmt.Sprintf("more than %d pods in all, given and generated: the limit of one load (see Options.MaxPods)", max)
}
