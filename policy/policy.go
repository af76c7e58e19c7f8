package policy

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/selector"
)

// Policy is a validated NetworkPolicy in normalized form, as returned by
// [Compile]. It is immutable by convention: the engine shares it between
// goroutines, so callers must not modify it.
type Policy struct {
	// Namespace and Name identify the policy. Both are valid API names.
	Namespace, Name string

	// Subject is spec.podSelector. It selects pods of Namespace only; an
	// empty podSelector ({}) selects every pod of the namespace.
	Subject selector.Selector

	// Ingress and Egress are the effective policyTypes: whether the policy
	// isolates the pods it selects for that direction. At least one is true.
	Ingress, Egress bool

	// IngressRules are the spec.ingress rules in spec order; a rule's index
	// in the slice is its index in spec.ingress. Nil when Ingress is false.
	// Nil with Ingress true means every ingress connection is denied.
	IngressRules []Rule

	// EgressRules are the spec.egress rules in spec order, as IngressRules.
	// Nil when Egress is false; nil with Egress true denies all egress.
	EgressRules []Rule

	// IgnoredIngress and IgnoredEgress count the spec.ingress and
	// spec.egress rules that the effective policyTypes leave out: rules the
	// API server stores but that have no effect, such as ingress rules of a
	// policy whose policyTypes is [Egress]. Zero when there are none.
	IgnoredIngress, IgnoredEgress int
}

// ID returns "namespace/name".
func (p *Policy) ID() string { return p.Namespace + "/" + p.Name }

// String summarizes p on one line: its ID, its subject selector (in the
// syntax of [selector.Selector.String]) and, for each direction in effect,
// the number of rules or "deny all", e.g.
//
//	shop/db (app=db): ingress 2 rules, egress deny all
func (p *Policy) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s):", p.ID(), p.Subject)
	sep := " "
	for _, d := range []struct {
		name  string
		on    bool
		rules int
	}{{"ingress", p.Ingress, len(p.IngressRules)}, {"egress", p.Egress, len(p.EgressRules)}} {
		if !d.on {
			continue
		}
		b.WriteString(sep)
		sep = ", "
		switch d.rules {
		case 0:
			fmt.Fprintf(&b, "%s deny all", d.name)
		case 1:
			fmt.Fprintf(&b, "%s 1 rule", d.name)
		default:
			fmt.Fprintf(&b, "%s %d rules", d.name, d.rules)
		}
	}
	return b.String()
}

// Rule is one spec.ingress[i] or spec.egress[i] entry. A connection matches
// the rule when its remote end matches one of Peers and its destination port
// matches one of Ports.
type Rule struct {
	// Peers are the rule's from (ingress) or to (egress) entries in spec
	// order. Nil means any peer: the field was absent or empty.
	Peers []Peer

	// Ports are the rule's ports entries in spec order. Nil means every port
	// of every protocol: the field was absent or empty.
	Ports []Port
}

// AllowsAll reports whether r matches every connection of its direction:
// any peer (no from/to, or a peer matching every pod of every namespace,
// see [Peer.AllPods]) on every port. With any peer it matches addresses
// outside the cluster too; with only [Peer.AllPods] it matches every pod.
func (r Rule) AllowsAll() bool {
	if r.Ports != nil {
		return false
	}
	if r.Peers == nil {
		return true
	}
	for _, p := range r.Peers {
		if p.AllPods() {
			return true
		}
	}
	return false
}

// AllPods reports whether p matches every pod of every namespace: a
// namespaceSelector {} with a podSelector {} or none.
func (p Peer) AllPods() bool {
	return p.Pods != nil && !p.Pods.SameNamespace && p.Pods.Namespaces.MatchesEverything() && p.Pods.Pods.MatchesEverything()
}

// Peer is one from/to entry of a rule. Exactly one of Pods and IPBlock is
// non-nil.
type Peer struct {
	Pods    *PodPeer
	IPBlock *IPBlock
}

// String renders p as "pods(S)" for pods of the policy's namespace,
// "namespaces(N) pods(S)" for pods of other namespaces, or "ipBlock(B)",
// where S and N are selectors as [selector.Selector.String] renders them and
// B is [IPBlock.String].
func (p Peer) String() string {
	switch {
	case p.IPBlock != nil:
		return "ipBlock(" + p.IPBlock.String() + ")"
	case p.Pods == nil:
		return "<invalid peer>"
	case p.Pods.SameNamespace:
		return "pods(" + p.Pods.Pods.String() + ")"
	default:
		return "namespaces(" + p.Pods.Namespaces.String() + ") pods(" + p.Pods.Pods.String() + ")"
	}
}

// PodPeer is a peer given by label selectors.
type PodPeer struct {
	// SameNamespace is true when the peer had no namespaceSelector: only
	// pods of the policy's own namespace match, and Namespaces is unused.
	SameNamespace bool

	// Namespaces is the namespaceSelector when SameNamespace is false. An
	// empty namespaceSelector ({}) matches every namespace.
	Namespaces selector.Selector

	// Pods is the podSelector; [selector.Everything] when the peer had none.
	Pods selector.Selector
}

// IPBlock is a peer given by addresses: CIDR minus the Except ranges.
//
// An IPv4-mapped IPv6 CIDR with a prefix of at least 96 bits (such as
// ::ffff:10.0.0.0/104) is read as the IPv4 CIDR it maps (10.0.0.0/8), as the
// API server's own containment check reads it.
type IPBlock struct {
	// CIDR is the block, masked (no bits set beyond the prefix length).
	CIDR netip.Prefix

	// Except are the carved-out ranges in spec order, masked, each of the
	// same family as CIDR and strictly inside it (a longer prefix). Nil when
	// there are none.
	Except []netip.Prefix
}

// Contains reports whether a is in b.CIDR and in none of b.Except. An
// address of the other family is not contained. An IPv4-mapped IPv6 address
// is treated as the IPv4 address it maps, and an IPv6 zone is ignored. The
// zero IPBlock contains nothing.
func (b IPBlock) Contains(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	if !b.CIDR.Contains(a) {
		return false
	}
	for _, e := range b.Except {
		if e.Contains(a) {
			return false
		}
	}
	return true
}

// String renders b as "10.0.0.0/8" or, with exceptions,
// "10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16".
func (b IPBlock) String() string {
	if len(b.Except) == 0 {
		return b.CIDR.String()
	}
	parts := make([]string, len(b.Except))
	for i, e := range b.Except {
		parts[i] = e.String()
	}
	return b.CIDR.String() + " except " + strings.Join(parts, ",")
}

// Port is one ports entry of a rule: a protocol and either a named port or an
// inclusive range of port numbers.
type Port struct {
	// Protocol is TCP, UDP or SCTP; TCP when the entry had none. It is
	// empty only for a named port of a tiered policy ([ClusterRule]), which
	// matches the destination's port of that name whatever its protocol.
	Protocol corev1.Protocol

	// Name is a named port, resolved later against the container ports of
	// the destination pod (name and protocol both matching). When Name is
	// set, Start and End are 0.
	Name string

	// Start and End bound the inclusive range of port numbers, 1 <= Start <=
	// End <= 65535. Start == End for a single port; 1 and 65535 when the
	// entry had no port.
	Start, End int32
}

// String renders p as PROTOCOL/PORTS where PORTS is the port name
// ("TCP/http"; a tiered policy's named port, which has no protocol, is the
// name alone), the single number ("TCP/5432"), the range
// ("UDP/8000-8080"), or "*" when the range is every port ("SCTP/*").
func (p Port) String() string {
	switch {
	case p.Name != "" && p.Protocol == "":
		return p.Name
	case p.Name != "":
		return string(p.Protocol) + "/" + p.Name
	case p.Start == 1 && p.End == 65535:
		return string(p.Protocol) + "/*"
	case p.Start == p.End:
		return fmt.Sprintf("%s/%d", p.Protocol, p.Start)
	default:
		return fmt.Sprintf("%s/%d-%d", p.Protocol, p.Start, p.End)
	}
}
