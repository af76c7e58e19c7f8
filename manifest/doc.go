// Package manifest reads Kubernetes manifests — YAML or JSON files,
// directories of them, standard input, dumps that kubectl writes — into a
// [simulate.Cluster], turning workloads into the pods they would run.
//
// # Input
//
// A file holds YAML documents separated by "---" lines, or a stream of JSON
// values when its first non-space character is '{' and its first value is
// JSON; documents are split as kubectl splits them. Documents that hold
// nothing (comments, blank lines, null) are skipped. Every other document
// must be an object with apiVersion and kind, except in a directory walk,
// where a document that is not a Kubernetes object (a Helm values.yaml, a
// JSON report) is skipped with a notice.
//
// Objects are decoded strictly, as the API server does with field
// validation Strict: field names are case-sensitive, and an unknown field, a
// field given twice or a value of the wrong type is a problem. A typo such
// as podSelectr would otherwise silently widen a policy. What the API
// server writes never fails a load: unknown fields and fields given twice
// in status (a status that cannot be read at all is dropped with a notice), the fields of
// metadata and spec that older versions carried (metadata.clusterName,
// metadata.initializers, Service spec.topologyKeys), and the metadata of
// lists.
//
// Documents are turned into JSON, and objects decoded, on every core; the
// result and every message come in input order all the same. YAML is read
// as go-yaml v2 (through sigs.k8s.io/yaml) reads it, with YAML 1.1 scalars:
// yes, on and off are booleans, 0755 is an octal number; block-style YAML
// takes a faster path that gives the same JSON.
//
// Of a Pod's status only phase, podIP, podIPs, hostIP and hostIPs are read,
// which is all the simulation uses; the rest of it is skipped.
//
// [LoadKustomizations] builds kustomizations (kubectl's -k) in process and
// reads their output the same way; its problems name the kustomization file.
//
// # Kinds
//
// These kinds are read:
//
//   - v1: Namespace, Node (cluster-scoped), Pod, Service
//   - networking.k8s.io/v1: NetworkPolicy, Ingress
//   - policy.networking.k8s.io: ClusterNetworkPolicy (v1beta1, and v1alpha2,
//     which has the same fields and is converted to v1beta1),
//     AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1), all
//     cluster-scoped and validated as their CRDs validate them
//   - workloads: Deployment, ReplicaSet, StatefulSet and DaemonSet
//     (apps/v1), Job and CronJob (batch/v1), ReplicationController (v1)
//   - lists: v1 List, whose items may be of any kind (lists too), and the
//     list of each kind above in its version (PodList, DeploymentList, …),
//     whose items may leave out apiVersion and kind
//
// Older versions that clusters served are converted, each with a
// [Converted] notice: batch/v1beta1 CronJob; extensions/v1beta1 and
// networking.k8s.io/v1beta1 Ingress (serviceName and servicePort become
// service.name and service.port, backend becomes defaultBackend, a path
// without pathType is ImplementationSpecific); extensions/v1beta1
// NetworkPolicy; Deployment, ReplicaSet and DaemonSet of extensions/v1beta1
// and apps/v1beta2, Deployment and StatefulSet of apps/v1beta1. Each is
// decoded strictly as its own version first.
//
// A namespaced object without a namespace is put in "default"; the
// namespace of a cluster-scoped object is cleared. Names, namespaces and
// labels are validated as the API server validates them, and so are the
// port numbers, names and protocols of containers and Services. A
// NetworkPolicy is validated with [policy.Validate], a tiered policy with
// the tiered Compile function of its kind. Pods keep the addresses
// their status gives, if any; pods in phase Succeeded or Failed are left
// out, with one [Finished] notice that counts them, since they run nothing
// and their addresses may belong to running pods by now.
//
// Any other kind is skipped with a [Skipped] notice, CRDs included, even one
// named NetworkPolicy in another group. A supported kind in a version that
// is neither read nor converted is a problem rather than a notice: skipping
// a policy would change every answer.
//
// Pods in a namespace that has no Namespace object get one
// [ImpliedNamespace] notice per namespace (but for default, kube-system,
// kube-public and kube-node-lease): the namespace is taken to have no labels
// but kubernetes.io/metadata.name.
//
// # Workloads
//
// A workload becomes the pods it would run, built from its pod template and
// named after it:
//
//   - Deployment, ReplicaSet, StatefulSet, ReplicationController:
//     spec.replicas pods (1 when absent, none when 0);
//   - Job: spec.parallelism pods (1 when absent), at most spec.completions;
//   - DaemonSet: one pod, since the nodes it would run on are not known;
//   - CronJob: one pod, from spec.jobTemplate.spec.template.
//
// A workload that some object of the input names as its controller (its
// pods, its ReplicaSets, its Jobs, as in a dump of a cluster) generates no
// pods: those objects stand for it.
//
// The pods are named <workload>-0, <workload>-1, …; when workloads of two
// kinds share a name in a namespace, the pods of the one read later are
// named <workload>-<kind>-0, … (say web-statefulset-0) so that they do not
// collide. The pods live in the workload's namespace, and carry the
// template's labels, annotations and spec, and an ownerReference to the
// workload with controller set, which [simulate.WorkloadOf] reads back. Labels that
// the controllers set deterministically are added:
// statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index for a
// StatefulSet, batch.kubernetes.io/job-name and job-name for a Job. The
// pods of one workload share the template's labels and annotations maps
// and the slices of its spec (a StatefulSet's pods have labels of their
// own): a Deployment of 150,000 replicas costs one labels map. Treat the
// pods of a result as read-only.
//
// # Limits
//
// A load holds at most [Options.MaxPods] pods (150,000, the most a cluster
// supports, by default), given and generated together. It reads at most
// [Options.MaxBytes] of input in all (files and kustomize output) and
// [Options.MaxDocumentBytes] per document or list item, each a problem
// whose Err is [ErrMaxBytes] or [ErrMaxDocumentBytes]; a NUL byte ends the reading of a file at once, so
// that /dev/zero or an endless stream fails with a problem, not out of
// memory.
//
// # Problems
//
// The loader reads all of its input whatever it finds, and reports every
// problem in an *[Error], one [Problem] a line, each naming the file, the
// document and the line of the field concerned (or of the object), the
// object and the field when known:
//
//	manifest: deploy/db.yaml: document 2 (line 21): NetworkPolicy shop/db: spec.ingress[0].ports[1].endPort: invalid value 79: must be greater than or equal to `port`
//
// Two objects of the same kind, namespace and name are a problem naming both
// places, generated pods included. A load with any problem returns no
// result. With [Options.Strict], every notice is a problem too.
package manifest
