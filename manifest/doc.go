// Package manifest reads Kubernetes manifests — YAML or JSON files,
// directories of them, standard input — into a [simulate.Cluster], turning
// workloads into the pods they would run.
//
// # Input
//
// A file holds YAML documents separated by "---" lines, or a stream of JSON
// objects when its first non-space character is '{'; documents are split as
// kubectl splits them. Documents that hold nothing (comments, blank lines,
// null) are skipped. Every other document must be an object with apiVersion
// and kind.
//
// Objects are decoded strictly, as the API server does with field
// validation Strict: field names are case-sensitive, and an unknown field, a
// field given twice or a value of the wrong type is a problem. A typo such
// as podSelectr would otherwise silently widen a policy.
//
// [LoadKustomizations] builds kustomizations (kubectl's -k) in process and
// reads their output the same way; its problems name the kustomization file.
//
// # Kinds
//
// These kinds are read, each in the one version given:
//
//   - v1: Namespace, Node (cluster-scoped), Pod, Service
//   - networking.k8s.io/v1: NetworkPolicy, Ingress
//   - workloads: Deployment, ReplicaSet, StatefulSet and DaemonSet
//     (apps/v1), Job and CronJob (batch/v1), ReplicationController (v1)
//   - lists: v1 List, whose items may be of any kind (lists too), and the
//     list of each kind above in its version (PodList, DeploymentList, …),
//     whose items may leave out apiVersion and kind
//
// A namespaced object without a namespace is put in "default"; the
// namespace of a cluster-scoped object is cleared. A NetworkPolicy is
// validated with [policy.Compile]. Pods keep the addresses their status
// gives, if any.
//
// Any other kind is skipped with a [Notice], CRDs included, even one named
// NetworkPolicy in another group. A supported kind in another version of its
// group, or in the retired extensions group (extensions/v1beta1 Ingress,
// batch/v1beta1 CronJob, …), is a problem rather than a notice: skipping a
// policy would change every answer.
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
// The pods are named <workload>-0, <workload>-1, …; when workloads of two
// kinds share a name in a namespace, the pods of the one read later are
// named <workload>-<kind>-0, … (say web-statefulset-0) so that they do not
// collide. The pods live in the workload's namespace, and carry the template's labels, annotations and spec, and an
// ownerReference to the workload with controller set, which [WorkloadOf]
// reads back. Labels that the controllers set deterministically are added:
// statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index for a
// StatefulSet, batch.kubernetes.io/job-name and job-name for a Job. A load
// generates at most 150,000 pods, the most a cluster supports.
//
// # Problems
//
// The loader reads all of its input whatever it finds, and reports every
// problem in an *[Error], one [Problem] a line, each naming the file, the
// document and its line, the object and the field when known:
//
//	manifest: deploy/db.yaml: document 2 (line 14): NetworkPolicy shop/db: spec.ingress[0].ports[1].endPort: invalid value 79: must be greater than or equal to `port`
//
// Two objects of the same kind, namespace and name are a problem naming both
// places, generated pods included. A load with any problem returns no
// result.
package manifest
