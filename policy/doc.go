// Package policy validates networking.k8s.io/v1 NetworkPolicy objects the way
// the API server does and compiles them into a normalized form that the
// simulation engine evaluates without looking at the API types again.
//
// # Validation
//
// [Compile] checks a policy's name, namespace and spec as the API server does
// on create (every label selector, protocols, port numbers and names, endPort,
// peers, ipBlock CIDRs and their exceptions, policyTypes) and reports every
// problem it finds, in spec order, as an *[Error] carrying field errors with
// paths such as spec.ingress[0].ports[1].endPort. It never panics on any
// input. [Validate] reports the same problems without compiling, for a
// caller (such as a loader) that only checks policies.
//
// # The normalized form
//
// A compiled [Policy] has the API server's defaults applied and the optional
// parts of the spec spelled out, so that a consumer never has to tell a
// missing field from an empty one:
//
//   - [Policy.Ingress] and [Policy.Egress] are the effective policyTypes. When
//     spec.policyTypes is absent or empty, Ingress is true and Egress is true
//     exactly when spec.egress has at least one rule; otherwise they are the
//     types listed.
//   - [Policy.IngressRules] and [Policy.EgressRules] hold the rules of the
//     directions in effect, in spec order. No rules (nil) in a direction in
//     effect means that direction is denied; the rules of a direction that is
//     not in effect are validated and then dropped, because they have no
//     effect.
//   - In a [Rule], nil Peers means any peer (from/to absent or empty) and nil
//     Ports means every port of every protocol (ports absent or empty). A
//     non-nil slice is never empty.
//   - A [Peer] is either pods ([PodPeer]) or addresses ([IPBlock]). A peer
//     with only a podSelector selects pods of the policy's own namespace
//     (SameNamespace); with only a namespaceSelector, every pod of the matching
//     namespaces; with both, the matching pods of the matching namespaces.
//   - A [Port] has its protocol defaulted to TCP and is either a named port
//     (resolved later against the destination pod) or an inclusive numeric
//     range, 1-65535 when the port is absent.
//
// # Tiered cluster policies
//
// [CompileClusterNetworkPolicy] (policy.networking.k8s.io v1beta1; v1alpha2
// has the same fields), [CompileAdminNetworkPolicy] and
// [CompileBaselineAdminNetworkPolicy] (v1alpha1) validate the tiered kinds
// as their CRDs' schemas and CEL rules do and compile all of them into one
// normal form, [ClusterPolicy]: a [Tier] (Admin or Baseline), a priority, a
// [ClusterSubject] (namespace selector, or namespace and pod selectors) and
// per direction ordered [ClusterRule]s, each with an [Action] (Accept, Deny,
// Pass; the v1alpha1 Allow is Accept), peers ([ClusterPeer]: namespaces,
// pods, nodes, networks CIDRs, domain names) and ports ([Port]: a number, a
// range, or a name without protocol). [CompareClusterPolicies] is the
// evaluation order, ties included.
//
// The semantics the engine gives the normal form: per direction, the Admin
// tier's rules by ascending priority, rules in spec order, the first match
// deciding (Accept and Deny end the direction, Pass skips the rest of the
// tier); then NetworkPolicies (a pod one selects for the direction gets its
// answer there); then the Baseline tier's rules, first match; otherwise
// allowed. hostNetwork pods are never subjects and never matched by
// namespaces or pods peers; networks CIDRs match addresses inside the
// cluster too; domain names cannot be evaluated from manifests.
//
// Selectors keep the meaning of package selector: a nil selector matches
// nothing and an empty one ({}) matches everything. The spec's podSelector and
// a peer's present selectors are compiled as given; a peer's absent
// podSelector becomes [selector.Everything].
package policy
