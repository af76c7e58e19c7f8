// Package lint finds mistakes and risky gaps in a cluster's network policies:
// pods no policy isolates, Services open to any address, policies and peers
// that select nothing, rules that other rules make redundant, egress
// isolation that cuts pods off from DNS, named ports nobody serves, port
// names that containers repeat, rules that allow everything and rules that
// policyTypes leave without effect; and for the tiered cluster policies
// (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy),
// rules earlier rules make unreachable, Pass rules with nothing below,
// priority ties, Baseline denials nothing can relax and domain names that
// cannot be checked.
//
// Run checks a compiled simulate.Model and returns Findings, each naming
// its check (a stable id such as "no-default-deny-ingress"), a Severity,
// the object and field concerned, what is wrong and how to fix it. Rules
// lists the checks. Every check reads the model through its public API, so
// a finding is about the cluster as the manifests describe it: the pods
// that exist, the labels they carry, the ports they serve. Every fact that
// bears on a verdict comes from the model, resolved as its verdicts resolve
// it: which pods a policy, a rule or a Service selects, what a named port or
// a targetPort stands for (a policy's named port: every container port of
// that name; a targetPort: the first), which pods are the ingress
// controller (the model's simulate.IngressController option). lint
// evaluates no selector or rule of its own.
//
// Run costs about O(pods + policies × rules + rule pairs of a namespace ×
// classes/64) and holds no set of pods per policy: the sets it compares are
// the model's sets of classes.
//
// # Checks
//
// no-default-deny-ingress (warning) and no-default-deny-egress (info): pods
// of a namespace without a default deny for that direction. A pod has one
// when every connection of the direction with every pod of the cluster, on
// every port, is decided by some policy rather than allowed by default
// (Model.LeftToDefault, which judges as verdicts do):
//
//   - a NetworkPolicy isolates it for the direction (its rules decide
//     everything; this is the only way when there are no cluster policies),
//     or
//   - for each remote pod and port, the first matching Admin tier rule is an
//     Accept or a Deny, or (the pod being isolated by no NetworkPolicy) the
//     first matching Baseline tier rule is. So an Admin policy whose subject
//     holds the pod and whose rules end in a Deny of every namespace
//     (namespaces: {}) is a default deny, and so is such a Baseline policy
//     (BaselineAdminNetworkPolicy included) for pods no NetworkPolicy
//     isolates. A Pass (in the Admin tier, when no Baseline rule decides
//     the passed connection; in the Baseline tier always) leaves the
//     connection to the default, as does a Deny of some ports or peers only.
//
// Remote pods are those the model treats as pods: hostNetwork pods that it
// treats as their node (simulate.HostNetworkAsNode, the default) are not
// counted, since namespaces and pods peers cannot name them; neither are
// addresses outside the cluster, which tiered ingress rules cannot name
// (exposed-service reports what they reach). An Accept counts as a decision
// as an allowing NetworkPolicy rule does: the check asks whether anything is
// open by default, not whether the rules are narrow.
//
// One finding per namespace and direction, on the Namespace, listing the
// pods in Related, rather than one per pod: the fix, a default-deny policy,
// is per namespace. When cluster policies apply to some of those pods but
// leave connections to the default, the message says so; when the model has
// cluster policies, the hint names that fix too. hostNetwork pods that the
// model treats as their node are left out as subjects: policies never apply
// to them.
//
// exposed-service (warning): a NodePort or LoadBalancer Service through
// which any address outside the cluster may reach one of its backends on
// some port, as Model.Exposure decides (a route whose Sources.Any is true).
// Info instead of warning when every such backend is an ingress controller
// pod (Model.IngressControllers, as the simulate.IngressController option
// of the model names them): that is the intended entry point.
//
// policy-selects-nothing (warning): a policy whose spec.podSelector selects
// no pod of its namespace.
//
// peer-matches-nothing: an ingress or egress rule whose peers are all
// pod/namespace selectors (no ipBlock, which may match addresses outside)
// and match no pod, so that the rule allows nothing. A warning when some
// peer has no namespaceSelector (it looks in the policy's own namespace,
// which the manifests describe); info when every peer looks in other
// namespaces, whose pods the manifests may not include.
//
// shadowed-rule (info): a rule R of policy P that allows nothing that a
// rule R' (R' ≠ R, same direction) of a policy P' does not already allow,
// where P' selects every pod that P selects (P' = P included). Precisely,
// with the pods of the model:
//
//   - P selects at least one pod, and P' selects each of them;
//   - every pod R admits as a peer (Model.RulePeers), R' admits too, and
//     when R has a pod/namespace-selector peer, R' has no ipBlock peer (pod
//     addresses change, so a block holding today's pods does not stand in
//     for a selector);
//   - R admits no outside address that R' does not: R' has no peers (any),
//     or R has peers and each ipBlock of R lies inside one ipBlock of R'
//     (its CIDR within that CIDR, and each of that block's exceptions that
//     overlaps it within one of its own exceptions);
//   - on every port: for ingress, at each pod P selects, the ports of R
//     (named ports resolved at that pod) are among those of R'; for egress,
//     at each peer pod of R, the ports of R (named ports resolved at the
//     peer) are among those of R', and toward outside addresses the numeric
//     ports of R are among those of R'.
//
// Removing R then changes no verdict of the model. When two rules shadow
// each other (they allow the same), only the one that comes later (by
// policy namespace/name, then index) is reported, so that removing every
// reported rule at once is safe too. A rule whose selector peers match
// nothing is left to peer-matches-nothing.
//
// egress-blocks-dns: pods isolated for egress that cannot reach cluster DNS
// but may reach another pod on a port that a Service's port translates to
// there (so they need DNS names to use it; a pod's own Services do not
// count). DNS is the pods labelled k8s-app=kube-dns in kube-system (see
// DNS). An error when UDP/53 is blocked, a warning when only TCP/53 is
// (large answers fall back to TCP). When the model has no DNS pod (the
// manifests describe only the application), the pods' egress rules are
// evaluated against a hypothetical one (Model.EgressToUnknown): labels
// k8s-app=kube-dns in kube-system, container ports dns (UDP/53) and dns-tcp
// (TCP/53). Its address and its namespace's labels are not known, so an
// ipBlock peer counts as allowing it (when the model lets ipBlocks match
// pods), and so does a peer whose podSelector matches it, whatever its
// namespaceSelector (many clusters select kube-system by a label of their
// own). A Service's port counts where it translates to a backend's port
// (Model.ServicePorts: a named targetPort is the backend's first container
// port of that name). Pods with dnsPolicy Default or None do not use
// cluster DNS and are left out, as are DNS pods themselves. One finding per
// namespace and severity, listing the pods and the policies that isolate
// them in Related.
//
// named-port-unserved (warning): a rule's port given by name that no pod
// serves where the name is resolved (Model.NamedPorts): for ingress, no pod
// the policy selects has a container port of that name and protocol; for
// egress, no peer pod of the rule has (addresses outside the cluster serve
// no named port). Left
// out when the policy selects nothing, or when the rule's selector peers
// match nothing, which the checks above report.
//
// service-selects-nothing (warning): a Service with a selector that selects
// no pod of its namespace, so it has no backends. Services without a
// selector (endpoints kept by hand) and ExternalName Services are left out.
//
// target-port-unserved (warning): a Service port whose targetPort is a name
// that some backend does not serve with the port's protocol; those backends
// get no traffic on that port. One finding per Service port, listing the
// backends in Related.
//
// port-name-repeated: a port name that two or more containers of a pod use
// (Model.PortNameRepeats; the API server accepts it with a warning, and
// rejects a name repeated within one container). A warning when two of
// those ports have the same protocol and different numbers: a policy rule
// naming the port opens all of them, while a Service's targetPort, a probe
// or a question by name reaches only the first, so the policy opens a port
// no Service uses, or a rule written for the second container's port is
// read as the first's. Info otherwise (same number, or only the protocols
// differ): harmless today. One finding per workload (the pod's controlling
// owner, with Field under its pod template, such as
// spec.template.spec.containers[1].ports[0], and the pods in Related) and
// name, or per pod for a pod without a controller; Field is the second
// container's port.
//
// allow-all-rule: a rule that matches every connection of its direction
// (policy.Rule.AllowsAll): no from/to (`ingress: [{}]`, `egress: [{}]`),
// or a peer with namespaceSelector {} and an empty or absent podSelector
// (every pod of every namespace), with no ports (every port). The policy
// still isolates its pods, but this rule opens them again, so it reads as a
// restriction while it restricts nothing (for a peer that matches every pod,
// nothing inside the cluster). A warning for ingress, info for egress (as
// no-default-deny-egress is). A rule with ports, or with narrower peers, is
// left out: `to: [{namespaceSelector: {}}]` on port 53 is the usual DNS
// rule.
//
// policy-types-ignore-rules (warning): a policy whose spec.policyTypes
// leaves out a direction for which it has rules (policy.Policy's
// IgnoredIngress and IgnoredEgress), such as policyTypes [Egress] with
// spec.ingress rules. The API server keeps them, but they have no effect
// and the policy does not isolate its pods for that direction. One finding
// per policy and direction, on spec.policyTypes.
//
// # Checks of tiered cluster policies
//
// These read the model's tiered policies (Model.Tiered) in evaluation
// order, the classes each selects (Model.TieredSelectedClasses), the
// classes each rule matches (Model.TieredRulePeerClasses) and its ports at
// a pod (Model.TieredRulePorts), all as verdicts see them. A finding's
// Object is the ClusterNetworkPolicy, AdminNetworkPolicy or
// BaselineAdminNetworkPolicy (cluster-scoped: no namespace) and Field the
// rule, such as spec.ingress[1].
//
// tiered-shadowed-rule: a rule R that never matches because a rule R'
// before it in evaluation order matches all its traffic. R' comes first
// when its policy does (policy.CompareClusterPolicies: Admin before
// Baseline, then priority, kind and name) or it is earlier in the same
// policy; an Admin Pass never shadows a Baseline rule (Pass sends the
// traffic on). Precisely: R's policy selects at least one pod and R'
// selects every pod R's policy selects; R' fails closed as a Deny or Pass
// (it matches everything), or else: every pod R matches R' matches, R has
// no namespaces or pods peer when R' has a networks or nodes peer (pod
// addresses change), each networks CIDR of R lies inside one of R', each
// nodes peer of R has a nodes peer of R' with the same selector, and a
// domainNames peer of R needs R' to hold 0.0.0.0/0 and ::/0; on every
// port: at each pod R's policy selects (ingress) or each pod R matches
// (egress), the ports of R there (named ports resolved there) are among
// those of R', and toward outside addresses (when R may match one) its
// numeric ports are among those of R'. The first such R' is named. Info when both have
// the same action (R is redundant), warning when not (R was meant to do
// something it never does). Rules that match nothing at all are left out.
//
// pass-with-nothing-below (warning): an Admin Pass rule whose passed
// traffic meets neither a NetworkPolicy nor a Baseline rule at some pod it
// applies to, so that it is allowed as if the rule said Accept. For each
// pod the policy selects: none of the NetworkPolicies that isolate the pod
// for the rule's direction, and no Baseline policy selecting the pod has a
// rule in that direction whose peers may meet the Pass rule's (a pod both
// match, or outside addresses both may match; a rule that fails closed
// meets everything). Ports are not compared, so a Baseline rule on other
// ports silences it. One finding per rule, counting the pods and listing
// their namespaces in Related. Rules tiered-shadowed-rule reports are left
// out.
//
// admin-priority-tie (warning): two Admin policies (ClusterNetworkPolicies
// of the Admin tier or AdminNetworkPolicies) with the same priority that
// select a common pod and have, in one direction, a rule each with
// different actions that may match one connection: for ingress, a peer pod
// both match on a port both match at a common subject; for egress, a peer
// pod both match on a port both match there; or outside addresses both may
// match (overlapping networks, nodes peers on both, or a rule that fails
// closed) on a common numeric port. The API leaves the order of equal
// priorities to the implementation, so the verdict for such a connection
// depends on the network plugin. One finding per pair of policies, on the
// one this tool evaluates second (ClusterNetworkPolicy before
// AdminNetworkPolicy, then by name), with the other in Related.
//
// baseline-deny-unrelaxable (info): a Baseline Deny rule that no
// NetworkPolicy can relax because the Admin tier decides all its pod
// traffic first. NetworkPolicies relax a Baseline Deny by isolating the
// pod (the Baseline tier is then not consulted), but only for traffic the
// Admin tier passes or does not match. Precisely: the rule has only
// namespaces and pods peers (outside addresses are not enumerated, so rules
// that may match them are not checked), its policy selects a pod and the
// rule matches a pod, and for every class of pods the policy selects and
// every class the rule matches, every port the rule matches there is one
// on which the first matching Admin rule is an Accept or a Deny
// (Model.AdminDecided, which judges as verdicts do). Such a rule never
// decides anything. When one Admin rule does all of it, tiered-shadowed-rule
// reports it instead. It costs O(subject classes × peer classes × port
// classes × Admin rules) in the worst case, when the finding holds; the
// first pair left to NetworkPolicies ends the search.
//
// domain-names-unchecked: a tiered egress rule with domainNames peers,
// which cannot be evaluated from manifests (the names resolve at run
// time); verdicts take them as matching no address. A warning for Deny
// (answers may allow what the cluster denies), info for Accept and Pass.
// Field is the rule's to.
//
// Kubernetes rejects an ipBlock whose except entries are not inside its
// cidr, and so does policy.Compile, so a model never holds one and no check
// looks for it.
package lint
