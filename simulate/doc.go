// Package simulate is the reachability engine: it compiles a cluster's pods,
// namespaces, services and NetworkPolicies into a [Model] that answers "may
// this connect to that, on this port, and why?".
//
// # Questions
//
// [Model.Check] answers one connection between two pods or a pod and an
// address, as a [Verdict] that explains itself. [Model.Query] answers
// between sets of pods and Services (traffic to a Service is judged at its
// backend pods after port translation). [Model.Matrix] gives the allow
// matrix over all pods, with the allowed ports of every pair.
//
// # Names
//
// A namespaced object (a pod, a Service, a NetworkPolicy) is named by an
// [ObjectID], namespace and name, everywhere the package takes or returns
// one; [PodID] is the same type, named for pods. A tiered cluster policy,
// cluster-scoped, is named by a [TieredPolicyID], kind and name. A rule is
// named by its policy's ID, its direction and its index: [RuleRef] for a
// NetworkPolicy, [TieredRuleRef] for a tiered policy. IDs print and marshal
// to text as "namespace/name" and "Kind/name" and parse back
// ([ParseObjectID], [ParseTieredPolicyID]). An ID the model does not hold is
// an error wrapping [ErrNotFound]. Questions name their ends with an
// [Endpoint], which may also stand for a set of pods or addresses.
//
// # Semantics
//
// The engine follows networking.k8s.io/v1 NetworkPolicy as the Kubernetes API
// documents it: a connection is allowed when the sender's egress and the
// receiver's ingress both allow it; a pod is isolated for a direction when a
// policy of its namespace selects it for that direction; rules of all
// selecting policies add up. Behaviour the API leaves to the implementation
// is an [Option]: whether ipBlock matches pod IPs, a pod to itself, a node to
// its own pods, and how hostNetwork pods count ([HostNetworkPods]). By
// default hostNetwork pods are their node: not policy subjects, and
// selectors never match them; only ipBlocks see them, by address, and their
// traffic to the pods of their node is node traffic. With
// [HostNetworkAsPod] they are pods like any. A pod without an address is
// matched by no ipBlock.
//
// # Port names and Services
//
// Each is resolved in one place and alike in every answer: a NetworkPolicy
// port given by name stands for every container port of the destination pod
// with that name and protocol, in any container (the API server only warns
// when two containers repeat a name; opening all of them is the safe side,
// see [Model.PortNameRepeats]). A Service's named targetPort, and a named
// port in a question ([PortSpec] with Name), stand for the first container
// port with that name and protocol, as the endpoints controller resolves
// it ([Model.NamedPort]). A Service selects the pods of its namespace whose
// labels include its selector; its backends are those the endpoints
// controller would list: not a pod whose status says it has no address yet
// (a pod without any status, as in manifests, stands for the running pod)
// ([Model.Backends], [Model.ServicePorts]).
//
// # Tiered cluster policies
//
// ClusterNetworkPolicies (policy.networking.k8s.io v1beta1; v1alpha2
// converted), AdminNetworkPolicies and the BaselineAdminNetworkPolicy
// (v1alpha1) are part of the same core. Per direction, a connection is
// judged first by the Admin tier (policies by ascending priority, rules in
// order; the first matching rule decides: Accept allows, Deny denies, Pass
// skips the rest of the tier), then by NetworkPolicies (a pod one isolates
// for the direction gets its answer there), then, only for pods no
// NetworkPolicy isolates, by the Baseline tier (first match); otherwise it
// is allowed. An egress Accept does not decide the destination's ingress.
// The API leaves the order of equal priorities to the implementation; the
// engine orders them by kind (ClusterNetworkPolicy first) and name, see
// [policy.CompareClusterPolicies]. Tiered subjects and namespaces or pods
// peers never match hostNetwork pods; networks CIDRs match pod and node
// addresses too; nodes peers match the addresses of the selected Nodes (so
// the hostNetwork pods on them); domainNames cannot be evaluated from
// manifests and match nothing, which verdicts say. A peer with no field set
// fails closed, as the API tells consumers: an Accept rule with one matches
// nothing, a Deny or Pass rule becomes a deny-all. Verdicts name the
// deciding tier, policy and rule ([Side.Tiered], [TieredMatch]);
// [Model.Explain] lists a pod's tiered policies per direction in evaluation
// order; [Attribute] says which tier, policy and rule (or NetworkPolicies)
// decided each connection of a [Diff] before and after. For checks over the
// tiered policies, [Model.TieredSelectedClasses],
// [Model.TieredRulePeerClasses], [Model.TieredRulePorts],
// [Model.AdminDecided] and [Model.LeftToDefault] (with which pods some
// connection is decided by no policy of any tier) give what verdicts see.
//
// # Scale
//
// Pods that no selector, named port or ipBlock can tell apart are grouped
// into classes; selectors are evaluated over classes as bitsets; each
// protocol's port space is cut at every rule boundary into port classes.
// For every group of classes selected by the same policies (NetworkPolicies
// and tiered ones), the engine
// stores, per port class, the one effective set of peer classes allowed
// (all tiers combined), interned so that
// equal sets are stored once. A verdict is then two binary searches and two
// bit tests.
//
// Comparing two large clusters need not hold two models: [Model.Snapshot]
// copies out what [Diff] and [DiffWorkloads] compare of the first (a small
// part of it), so that the first model can go before the second is
// compiled.
package simulate
