package policy

import (
	"cmp"
	"fmt"
	"net/netip"
	"strings"

	"github.com/netpolsim/netpolsim/selector"
)

// This file holds the tiered normal form: the one shape into which
// ClusterNetworkPolicy (policy.networking.k8s.io v1beta1 and v1alpha2),
// AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) compile.
// The compilers are in tiered_compile.go.

// The kinds of tiered policies, as [ClusterPolicy.Kind] holds them.
const (
	KindClusterNetworkPolicy       = "ClusterNetworkPolicy"
	KindAdminNetworkPolicy         = "AdminNetworkPolicy"
	KindBaselineAdminNetworkPolicy = "BaselineAdminNetworkPolicy"
)

// Tier is the tier a cluster policy belongs to. The Admin tier is evaluated
// before NetworkPolicies, the Baseline tier after them, and only for pods
// that no NetworkPolicy selects in that direction.
type Tier uint8

// The tiers, in evaluation order.
const (
	Admin Tier = iota
	Baseline
)

// String returns "Admin" or "Baseline".
func (t Tier) String() string {
	if t == Admin {
		return "Admin"
	}
	return "Baseline"
}

// Action is what a tiered rule does with the traffic it matches.
type Action uint8

// The actions. An AdminNetworkPolicy or BaselineAdminNetworkPolicy "Allow"
// is Accept.
const (
	// Accept allows the traffic in this direction: no later rule of any
	// tier and no NetworkPolicy is consulted for it. An egress Accept does
	// not decide the destination's ingress.
	Accept Action = iota
	// Deny drops the traffic: no later rule and no NetworkPolicy is
	// consulted.
	Deny
	// Pass skips the rest of the rule's tier: NetworkPolicies decide next,
	// then (for pods no NetworkPolicy selects) the Baseline tier.
	Pass
)

// String returns "Accept", "Deny" or "Pass".
func (a Action) String() string {
	switch a {
	case Accept:
		return "Accept"
	case Deny:
		return "Deny"
	}
	return "Pass"
}

// ClusterPolicy is a validated tiered cluster policy in normalized form, as
// the Compile functions of this file return it: a ClusterNetworkPolicy, an
// AdminNetworkPolicy or a BaselineAdminNetworkPolicy. It is immutable by
// convention: the engine shares it between goroutines.
type ClusterPolicy struct {
	// Kind is one of KindClusterNetworkPolicy, KindAdminNetworkPolicy and
	// KindBaselineAdminNetworkPolicy; Name is the object's name. Both kinds
	// of policies are cluster-scoped.
	Kind, Name string

	// Tier is the policy's tier: spec.tier of a ClusterNetworkPolicy, Admin
	// for an AdminNetworkPolicy, Baseline for a BaselineAdminNetworkPolicy.
	Tier Tier

	// Priority is spec.priority, 0 to 1000; lower values are evaluated
	// first within the tier. A BaselineAdminNetworkPolicy has none (0); see
	// [CompareClusterPolicies] for where it goes.
	Priority int32

	// Subject selects the pods the policy applies to. hostNetwork pods are
	// never subjects.
	Subject ClusterSubject

	// IngressRules and EgressRules are spec.ingress and spec.egress in spec
	// order; a rule's index is its index in the spec. Nil when the spec has
	// none: then the policy does not affect that direction at all (unlike a
	// NetworkPolicy, a cluster policy never isolates a pod by itself).
	IngressRules, EgressRules []ClusterRule
}

// ID returns "Kind/name", unique among the tiered policies of a cluster.
func (p *ClusterPolicy) ID() string { return p.Kind + "/" + p.Name }

// DisplayName names p in sentences: the bare name for a
// ClusterNetworkPolicy, "Kind/name" for the legacy kinds.
func (p *ClusterPolicy) DisplayName() string {
	if p.Kind == KindClusterNetworkPolicy {
		return p.Name
	}
	return p.ID()
}

// String summarizes p on one line, e.g.
//
//	Admin ClusterNetworkPolicy deny-kube-system (priority 10, namespaces(team=a)): ingress 1 rule, egress 2 rules
func (p *ClusterPolicy) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s (", p.Tier, p.Kind, p.Name)
	if p.Kind != KindBaselineAdminNetworkPolicy {
		fmt.Fprintf(&b, "priority %d, ", p.Priority)
	}
	fmt.Fprintf(&b, "%s):", p.Subject)
	sep := " "
	for _, d := range []struct {
		name  string
		rules int
	}{{"ingress", len(p.IngressRules)}, {"egress", len(p.EgressRules)}} {
		if d.rules == 0 {
			continue
		}
		b.WriteString(sep)
		sep = ", "
		if d.rules == 1 {
			fmt.Fprintf(&b, "%s 1 rule", d.name)
		} else {
			fmt.Fprintf(&b, "%s %d rules", d.name, d.rules)
		}
	}
	if sep == " " {
		b.WriteString(" no rules")
	}
	return b.String()
}

// CompareClusterPolicies orders tiered policies the way the engine
// evaluates them: Admin tier before Baseline tier; within a tier by
// ascending priority. The API leaves the order of policies of equal
// priority to the implementation ("the implementation can apply any of the
// matching policies"); netpolsim makes it deterministic: ClusterNetworkPolicies
// before AdminNetworkPolicies, then by name. A BaselineAdminNetworkPolicy,
// which has no priority, comes after every Baseline ClusterNetworkPolicy
// (the API does not define how the two kinds mix).
func CompareClusterPolicies(a, b *ClusterPolicy) int {
	return cmp.Or(
		cmp.Compare(a.Tier, b.Tier),
		cmp.Compare(orderPriority(a), orderPriority(b)),
		cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
		strings.Compare(a.Name, b.Name),
	)
}

// orderPriority is the priority used for ordering: a
// BaselineAdminNetworkPolicy goes after every priority.
func orderPriority(p *ClusterPolicy) int32 {
	if p.Kind == KindBaselineAdminNetworkPolicy {
		return 1001
	}
	return p.Priority
}

func kindRank(kind string) int {
	switch kind {
	case KindClusterNetworkPolicy:
		return 0
	case KindAdminNetworkPolicy:
		return 1
	}
	return 2
}

// ClusterSubject is the spec.subject of a tiered policy: the pods of the
// namespaces Namespaces selects that Pods selects. A `namespaces` subject
// has Pods = [selector.Everything]. Empty selectors ({}) select everything.
type ClusterSubject struct {
	Namespaces, Pods selector.Selector
}

// String renders s as "namespaces(N)" or "pods(N/P)" with the selectors
// as [selector.Selector.String] renders them.
func (s ClusterSubject) String() string {
	if s.Pods.MatchesEverything() {
		return "namespaces(" + s.Namespaces.String() + ")"
	}
	return "pods(" + s.Namespaces.String() + "/" + s.Pods.String() + ")"
}

// ClusterRule is one spec.ingress[i] or spec.egress[i] entry of a tiered
// policy. A connection matches the rule when its remote end matches one of
// Peers and its destination port matches one of Ports; the first matching
// rule in evaluation order decides the direction with its Action.
type ClusterRule struct {
	// Name is the rule's optional name, for messages.
	Name string

	// Action is what the rule does with the traffic it matches.
	Action Action

	// Peers are the rule's from (ingress) or to (egress) entries in spec
	// order; never empty. Peers with no field set are left out (see
	// FailClosed).
	Peers []ClusterPeer

	// Ports are the rule's ports (v1alpha1) or protocols (ClusterNetworkPolicy)
	// in spec order. Nil means every port of every protocol. A named port
	// has Protocol "": it matches the destination pod's container port of
	// that name, whatever its protocol.
	Ports []Port

	// FailClosed is true when the rule had a peer with no field set, which
	// the API says to read as a field this version does not know, failing
	// closed: an Accept rule then matches no traffic, and a Deny or Pass rule
	// becomes a rule that denies everything (Action is then Deny, and the
	// rule matches every peer, outside addresses included, on every port).
	// Only [EmptyPeersFailClosed] compiles such rules; by default a peer
	// with no field set is a validation error, as the CRD schema makes it.
	FailClosed bool
}

// MatchesNothing reports whether r can match no traffic: an Accept rule
// that failed closed.
func (r *ClusterRule) MatchesNothing() bool { return r.FailClosed && r.Action == Accept }

// MatchesEverything reports whether r matches every connection: a Deny or
// Pass rule that failed closed (now a Deny).
func (r *ClusterRule) MatchesEverything() bool { return r.FailClosed && r.Action != Accept }

// PeerKind says which field of a tiered peer was set.
type PeerKind uint8

// The kinds of tiered peers.
const (
	// PeerNamespaces: every pod of the namespaces Namespaces selects
	// (hostNetwork pods excluded).
	PeerNamespaces PeerKind = iota
	// PeerPods: the pods Pods selects in the namespaces Namespaces selects
	// (hostNetwork pods excluded).
	PeerPods
	// PeerNodes: the addresses of the nodes Nodes selects (egress only).
	PeerNodes
	// PeerNetworks: the addresses in Networks, inside the cluster or not
	// (egress only).
	PeerNetworks
	// PeerDomainNames: the DNS names in DomainNames (egress only). They
	// cannot be evaluated from manifests.
	PeerDomainNames
)

// ClusterPeer is one from/to entry of a tiered rule.
type ClusterPeer struct {
	Kind PeerKind

	// Namespaces and Pods are the selectors of a PeerNamespaces peer (Pods
	// is [selector.Everything]) or a PeerPods peer.
	Namespaces, Pods selector.Selector

	// Nodes is the node selector of a PeerNodes peer; {} selects every
	// node.
	Nodes selector.Selector

	// Networks are the CIDRs of a PeerNetworks peer, in spec order, each
	// masked (the API requires it), IPv4 ones unmapped.
	Networks []netip.Prefix

	// DomainNames are the names of a PeerDomainNames peer, in spec order.
	DomainNames []string
}

// String renders p as "namespaces(N)", "pods(N/P)", "nodes(S)",
// "networks(10.0.0.0/8,fd00::/8)" or "domainNames(example.com)".
func (p ClusterPeer) String() string {
	switch p.Kind {
	case PeerNamespaces:
		return "namespaces(" + p.Namespaces.String() + ")"
	case PeerPods:
		return "pods(" + p.Namespaces.String() + "/" + p.Pods.String() + ")"
	case PeerNodes:
		return "nodes(" + p.Nodes.String() + ")"
	case PeerNetworks:
		parts := make([]string, len(p.Networks))
		for i, n := range p.Networks {
			parts[i] = n.String()
		}
		return "networks(" + strings.Join(parts, ",") + ")"
	}
	return "domainNames(" + strings.Join(p.DomainNames, ",") + ")"
}

// ContainsAddr reports whether the address a (outside the cluster, or a
// pod's) is in one of the Networks of a PeerNetworks peer. It is false for
// other kinds. IPv4-mapped IPv6 addresses are read as IPv4, zones ignored.
func (p ClusterPeer) ContainsAddr(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	for _, n := range p.Networks {
		if n.Contains(a) {
			return true
		}
	}
	return false
}
