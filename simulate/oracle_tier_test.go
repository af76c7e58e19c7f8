package simulate_test

// The tier oracle: a naive evaluator of the tiered cluster policies
// (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)
// on top of the NetworkPolicy oracle of oracle_test.go, written straight
// from the API's type documentation. It reads the raw API objects on every
// question and shares no code with the engine, package policy or package
// selector.

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// oTierPolicy is one tiered policy as the oracle reads it: the raw fields,
// with the v1alpha1 spellings mapped onto the v1beta1 ones by hand.
type oTierPolicy struct {
	kindRank  int // 0 ClusterNetworkPolicy, 1 AdminNetworkPolicy, 2 BaselineAdminNetworkPolicy
	name      string
	admin     bool
	priority  int32
	subjectNs *metav1.LabelSelector // namespaces subject, or the pods subject's namespaceSelector
	subjectPo *metav1.LabelSelector // nil for a namespaces subject
	ingress   []oTierRule
	egress    []oTierRule
}

type oTierRule struct {
	action string // Accept, Deny, Pass
	peers  []oTierPeer
	ports  []oTierPort // nil: any port
}

type oTierPeer struct {
	empty      bool // no field set
	namespaces *metav1.LabelSelector
	podsNs     *metav1.LabelSelector
	podsPod    *metav1.LabelSelector
	nodes      *metav1.LabelSelector
	networks   []string
	domains    bool
}

type oTierPort struct {
	proto      corev1.Protocol
	start, end int32
	name       string
}

// oracleTierPolicies reads every tiered policy of c, in the order the API
// and the engine's documented tie rule give: Admin before Baseline, by
// priority; on equal priority ClusterNetworkPolicy before
// AdminNetworkPolicy, then by name; the BaselineAdminNetworkPolicy after
// all Baseline ClusterNetworkPolicies.
func oracleTierPolicies(c simulate.Cluster) []oTierPolicy {
	var out []oTierPolicy
	for _, p := range c.ClusterNetworkPolicies {
		o := oTierPolicy{kindRank: 0, name: p.Name, admin: p.Spec.Tier == "Admin", priority: p.Spec.Priority}
		o.subjectNs = p.Spec.Subject.Namespaces
		if s := p.Spec.Subject.Pods; s != nil {
			o.subjectNs, o.subjectPo = &s.NamespaceSelector, &s.PodSelector
		}
		for _, r := range p.Spec.Ingress {
			or := oTierRule{action: string(r.Action)}
			for _, f := range r.From {
				op := oTierPeer{namespaces: f.Namespaces, empty: f.Namespaces == nil && f.Pods == nil}
				if f.Pods != nil {
					op.podsNs, op.podsPod = &f.Pods.NamespaceSelector, &f.Pods.PodSelector
				}
				or.peers = append(or.peers, op)
			}
			or.ports = oracleCNPPorts(r.Protocols)
			o.ingress = append(o.ingress, or)
		}
		for _, r := range p.Spec.Egress {
			or := oTierRule{action: string(r.Action)}
			for _, t := range r.To {
				op := oTierPeer{namespaces: t.Namespaces, nodes: t.Nodes, domains: len(t.DomainNames) > 0}
				if t.Pods != nil {
					op.podsNs, op.podsPod = &t.Pods.NamespaceSelector, &t.Pods.PodSelector
				}
				for _, n := range t.Networks {
					op.networks = append(op.networks, string(n))
				}
				op.empty = t.Namespaces == nil && t.Pods == nil && t.Nodes == nil && len(t.Networks) == 0 && len(t.DomainNames) == 0
				or.peers = append(or.peers, op)
			}
			or.ports = oracleCNPPorts(r.Protocols)
			o.egress = append(o.egress, or)
		}
		out = append(out, o)
	}
	action := func(a string) string {
		if a == "Allow" {
			return "Accept"
		}
		return a
	}
	for _, p := range c.AdminNetworkPolicies {
		o := oTierPolicy{kindRank: 1, name: p.Name, admin: true, priority: p.Spec.Priority}
		o.subjectNs = p.Spec.Subject.Namespaces
		if s := p.Spec.Subject.Pods; s != nil {
			o.subjectNs, o.subjectPo = &s.NamespaceSelector, &s.PodSelector
		}
		for _, r := range p.Spec.Ingress {
			or := oTierRule{action: action(string(r.Action)), ports: oracleANPPorts(r.Ports)}
			for _, f := range r.From {
				op := oTierPeer{namespaces: f.Namespaces, empty: f.Namespaces == nil && f.Pods == nil}
				if f.Pods != nil {
					op.podsNs, op.podsPod = &f.Pods.NamespaceSelector, &f.Pods.PodSelector
				}
				or.peers = append(or.peers, op)
			}
			o.ingress = append(o.ingress, or)
		}
		for _, r := range p.Spec.Egress {
			or := oTierRule{action: action(string(r.Action)), ports: oracleANPPorts(r.Ports)}
			for _, t := range r.To {
				op := oTierPeer{namespaces: t.Namespaces, nodes: t.Nodes, domains: len(t.DomainNames) > 0}
				if t.Pods != nil {
					op.podsNs, op.podsPod = &t.Pods.NamespaceSelector, &t.Pods.PodSelector
				}
				for _, n := range t.Networks {
					op.networks = append(op.networks, string(n))
				}
				op.empty = t.Namespaces == nil && t.Pods == nil && t.Nodes == nil && len(t.Networks) == 0 && len(t.DomainNames) == 0
				or.peers = append(or.peers, op)
			}
			o.egress = append(o.egress, or)
		}
		out = append(out, o)
	}
	for _, p := range c.BaselineAdminNetworkPolicies {
		o := oTierPolicy{kindRank: 2, name: p.Name, priority: 1001}
		o.subjectNs = p.Spec.Subject.Namespaces
		if s := p.Spec.Subject.Pods; s != nil {
			o.subjectNs, o.subjectPo = &s.NamespaceSelector, &s.PodSelector
		}
		for _, r := range p.Spec.Ingress {
			or := oTierRule{action: action(string(r.Action)), ports: oracleANPPorts(r.Ports)}
			for _, f := range r.From {
				op := oTierPeer{namespaces: f.Namespaces, empty: f.Namespaces == nil && f.Pods == nil}
				if f.Pods != nil {
					op.podsNs, op.podsPod = &f.Pods.NamespaceSelector, &f.Pods.PodSelector
				}
				or.peers = append(or.peers, op)
			}
			o.ingress = append(o.ingress, or)
		}
		for _, r := range p.Spec.Egress {
			or := oTierRule{action: action(string(r.Action)), ports: oracleANPPorts(r.Ports)}
			for _, t := range r.To {
				op := oTierPeer{namespaces: t.Namespaces, nodes: t.Nodes}
				if t.Pods != nil {
					op.podsNs, op.podsPod = &t.Pods.NamespaceSelector, &t.Pods.PodSelector
				}
				for _, n := range t.Networks {
					op.networks = append(op.networks, string(n))
				}
				op.empty = t.Namespaces == nil && t.Pods == nil && t.Nodes == nil && len(t.Networks) == 0
				or.peers = append(or.peers, op)
			}
			o.egress = append(o.egress, or)
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b oTierPolicy) int {
		if a.admin != b.admin {
			if a.admin {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.priority, b.priority), cmp.Compare(a.kindRank, b.kindRank), strings.Compare(a.name, b.name))
	})
	return out
}

func oracleCNPPorts(in []v1beta1.ClusterNetworkPolicyProtocol) []oTierPort {
	if len(in) == 0 {
		return nil
	}
	var out []oTierPort
	for _, p := range in {
		var proto corev1.Protocol
		var dp *v1beta1.Port
		switch {
		case p.TCP != nil:
			proto, dp = corev1.ProtocolTCP, p.TCP.DestinationPort
		case p.UDP != nil:
			proto, dp = corev1.ProtocolUDP, p.UDP.DestinationPort
		case p.SCTP != nil:
			proto, dp = corev1.ProtocolSCTP, p.SCTP.DestinationPort
		default:
			out = append(out, oTierPort{name: p.DestinationNamedPort})
			continue
		}
		if dp.Range != nil {
			out = append(out, oTierPort{proto: proto, start: dp.Range.Start, end: dp.Range.End})
		} else {
			out = append(out, oTierPort{proto: proto, start: dp.Number, end: dp.Number})
		}
	}
	return out
}

func oracleANPPorts(in *[]v1alpha1.AdminNetworkPolicyPort) []oTierPort {
	if in == nil || len(*in) == 0 {
		return nil
	}
	proto := func(p corev1.Protocol) corev1.Protocol {
		if p == "" {
			return corev1.ProtocolTCP
		}
		return p
	}
	var out []oTierPort
	for _, p := range *in {
		switch {
		case p.PortNumber != nil:
			out = append(out, oTierPort{proto: proto(p.PortNumber.Protocol), start: p.PortNumber.Port, end: p.PortNumber.Port})
		case p.PortRange != nil:
			out = append(out, oTierPort{proto: proto(p.PortRange.Protocol), start: p.PortRange.Start, end: p.PortRange.End})
		case p.NamedPort != nil:
			out = append(out, oTierPort{name: *p.NamedPort})
		}
	}
	return out
}

// oracleTierAllowedOpts is oracleAllowed with the tiered policies of c, as
// read by oracleTierPolicies, under the options o, of which
// IPBlockMatchesPods and HostNetworkPods matter (self and node traffic are
// taken as o says): the sender's egress and the receiver's ingress must
// both allow.
func oracleTierAllowedOpts(c simulate.Cluster, tiers []oTierPolicy, o oracleOpts, from, to endpoint, proto corev1.Protocol, port int32) bool {
	fromPod, toPod := oracleResolve(c, from), oracleResolve(c, to)
	// A pod to itself and a node (or, when o treats them as their node, a
	// hostNetwork pod of it) to its own pods are exempt, whatever any tier
	// says.
	if oracleExempt(c, o, fromPod, toPod, from.addr) {
		return true
	}
	return oracleTierSide(c, tiers, o, networkingv1.PolicyTypeEgress, fromPod, toPod, to.addr, toPod, proto, port) &&
		oracleTierSide(c, tiers, o, networkingv1.PolicyTypeIngress, toPod, fromPod, from.addr, toPod, proto, port)
}

// oracleTierVerdict returns the action of the first rule, in the order of
// tiers, of the policies of one tier (admin or not) that select subject
// and match the remote end and the port in direction dir: "Accept", "Deny"
// (a rule that failed closed is a Deny), "Pass", or "" when none matches.
func oracleTierVerdict(c simulate.Cluster, tiers []oTierPolicy, o oracleOpts, admin bool, dir networkingv1.PolicyType,
	subject, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) string {
	for _, p := range tiers {
		if p.admin != admin {
			continue
		}
		if !oracleSelects(p.subjectNs, oracleNamespaceLabels(c, subject.Namespace)) {
			continue
		}
		if p.subjectPo != nil && !oracleSelects(p.subjectPo, subject.Labels) {
			continue
		}
		rules := p.ingress
		if dir == networkingv1.PolicyTypeEgress {
			rules = p.egress
		}
		for _, r := range rules {
			if oracleTierRuleMatches(c, o, r, remotePod, remoteAddr, dest, proto, port) {
				if slices.ContainsFunc(r.peers, func(p oTierPeer) bool { return p.empty }) && r.action != "Accept" {
					return "Deny" // failed closed: a Deny all
				}
				return r.action
			}
		}
	}
	return ""
}

// oracleTierSide judges one direction at subject: the Admin tier in order,
// first match (Accept, Deny; Pass goes on); then NetworkPolicies if one
// isolates subject for dir; then the Baseline tier, first match; otherwise
// allowed. A hostNetwork pod that o treats as its node is no subject.
func oracleTierSide(c simulate.Cluster, tiers []oTierPolicy, o oracleOpts, dir networkingv1.PolicyType,
	subject, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if subject == nil || o.asNode(subject) {
		return true
	}
	switch oracleTierVerdict(c, tiers, o, true, dir, subject, remotePod, remoteAddr, dest, proto, port) {
	case "Accept":
		return true
	case "Deny":
		return false
	}
	if oracleIsolated(c, dir, subject) {
		return oracleSideAllowsOpts(c, o, dir, subject, remotePod, remoteAddr, dest, proto, port)
	}
	return oracleTierVerdict(c, tiers, o, false, dir, subject, remotePod, remoteAddr, dest, proto, port) != "Deny"
}

// oracleIsolated reports whether some NetworkPolicy isolates subject for
// dir.
func oracleIsolated(c simulate.Cluster, dir networkingv1.PolicyType, subject *corev1.Pod) bool {
	for i := range c.NetworkPolicies {
		np := &c.NetworkPolicies[i]
		if np.Namespace == subject.Namespace && oracleSelects(&np.Spec.PodSelector, subject.Labels) && slices.Contains(oracleEffectiveTypes(np), dir) {
			return true
		}
	}
	return false
}

// oracleTierRuleMatches reports whether a tiered rule matches the remote
// end and the port. A peer with no field set fails closed: it makes an
// Accept rule match nothing and a Deny or Pass rule match everything.
func oracleTierRuleMatches(c simulate.Cluster, o oracleOpts, r oTierRule, remotePod *corev1.Pod, remoteAddr netip.Addr, dest *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if slices.ContainsFunc(r.peers, func(p oTierPeer) bool { return p.empty }) {
		return r.action != "Accept"
	}
	peerOK := false
	for _, p := range r.peers {
		if oracleTierPeerMatches(c, o, p, remotePod, remoteAddr) {
			peerOK = true
			break
		}
	}
	if !peerOK {
		return false
	}
	if r.ports == nil {
		return true
	}
	for _, p := range r.ports {
		if p.name != "" {
			// A tiered named port, like a NetworkPolicy's, stands for
			// every container port of that name (here in the protocol
			// asked: a tiered named port has none of its own).
			if oracleServes(dest, p.name, proto, port) {
				return true
			}
			continue
		}
		if p.proto == proto && p.start <= port && port <= p.end {
			return true
		}
	}
	return false
}

// oracleTierPeerMatches reports whether peer p matches the remote end: a
// namespaces or pods peer never matches a hostNetwork pod that o treats as
// its node; a nodes peer matches, among pods, only those (by their node's
// labels), else a Node's address; a networks peer matches addresses, a
// pod's included.
func oracleTierPeerMatches(c simulate.Cluster, o oracleOpts, p oTierPeer, remotePod *corev1.Pod, remoteAddr netip.Addr) bool {
	var addrs []netip.Addr
	if remotePod != nil {
		addrs = oraclePodIPs(remotePod)
	} else {
		addrs = []netip.Addr{remoteAddr}
	}
	switch {
	case p.namespaces != nil, p.podsNs != nil:
		if remotePod == nil || o.asNode(remotePod) {
			return false
		}
		nsSel := p.namespaces
		if nsSel == nil {
			nsSel = p.podsNs
		}
		return oracleSelects(nsSel, oracleNamespaceLabels(c, remotePod.Namespace)) && (p.podsPod == nil || oracleSelects(p.podsPod, remotePod.Labels))
	case p.nodes != nil:
		if remotePod != nil && !o.asNode(remotePod) {
			return false
		}
		for _, n := range c.Nodes {
			if !oracleSelects(p.nodes, n.Labels) {
				continue
			}
			if remotePod != nil {
				if remotePod.Spec.NodeName == n.Name {
					return true
				}
				continue
			}
			for _, a := range n.Status.Addresses {
				if ip, err := netip.ParseAddr(a.Address); err == nil && ip == remoteAddr && (a.Type == corev1.NodeInternalIP || a.Type == corev1.NodeExternalIP) {
					return true
				}
			}
		}
		return false
	case p.networks != nil:
		for _, n := range p.networks {
			pfx, err := netip.ParsePrefix(n)
			if err != nil {
				continue
			}
			for _, a := range addrs {
				if pfx.Contains(a.Unmap()) {
					return true
				}
			}
		}
	}
	return false // domain names cannot be evaluated: taken as not matching
}
