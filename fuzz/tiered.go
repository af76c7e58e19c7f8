package fuzz

import (
	"fmt"
	"net/netip"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// Generators of the tiered cluster policies of policy.networking.k8s.io
// and of clusters that mix them with NetworkPolicies.

var (
	// Priorities, few so that ties happen.
	tierPriorities = []int32{10, 0, 5, 1000}
	tierNames      = []string{"cnp0", "cnp1", "cnp2", "cnp3", "cnp4"}
	// Node label values, for nodes peers.
	nodeZones = []string{"a", "b"}
	// Domain names, for domainNames peers (which cannot be evaluated).
	domainNames = []string{"example.com", "*.example.org"}
)

// nodeCount is the number of Nodes of a [TieredCluster]: node-1 … node-3,
// with addresses 172.16.0.n and fd10::n (those of hostNetwork pods, see
// [Pod]).
const nodeCount = 3

// ClusterNetworkPolicy returns a generator of valid ClusterNetworkPolicies
// (policy.networking.k8s.io/v1beta1) whose selectors mention the namespaces
// given: Admin or Baseline tier, a priority from a small pool (so that ties
// happen), a namespaces or pods subject, and up to three ingress and three
// egress rules with any action; peers of every kind (namespaces, pods,
// nodes, networks from the CIDR pools, rarely domainNames) and protocols
// (numbers, ranges, named ports, never named ports towards nodes, networks
// or domainNames, as the CRD requires). Names are from a small pool
// (cnp0 …); [TieredCluster] makes them unique.
func ClusterNetworkPolicy(namespaces []string) *rapid.Generator[v1beta1.ClusterNetworkPolicy] {
	return rapid.Custom(func(t *rapid.T) v1beta1.ClusterNetworkPolicy {
		var p v1beta1.ClusterNetworkPolicy
		p.APIVersion, p.Kind = v1beta1.GroupVersion.String(), "ClusterNetworkPolicy"
		p.Name = rapid.SampledFrom(tierNames).Draw(t, "name")
		p.Spec.Tier = rapid.SampledFrom([]v1beta1.Tier{v1beta1.AdminTier, v1beta1.BaselineTier}).Draw(t, "tier")
		p.Spec.Priority = rapid.SampledFrom(tierPriorities).Draw(t, "priority")
		ns, pods := tierSubject(t, namespaces)
		p.Spec.Subject.Namespaces = ns
		if pods != nil {
			p.Spec.Subject.Pods = &v1beta1.NamespacedPod{NamespaceSelector: pods[0], PodSelector: pods[1]}
		}
		actions := []v1beta1.ClusterNetworkPolicyRuleAction{"Deny", "Accept", "Pass"}
		for i := range rapid.IntRange(0, 3).Draw(t, "ingress rules") {
			l := fmt.Sprintf("ingress[%d]", i)
			r := v1beta1.ClusterNetworkPolicyIngressRule{Action: rapid.SampledFrom(actions).Draw(t, l+".action")}
			for range rapid.IntRange(1, 2).Draw(t, l+".peers") {
				ns, pods := tierSubject(t, namespaces)
				peer := v1beta1.ClusterNetworkPolicyIngressPeer{Namespaces: ns}
				if pods != nil {
					peer.Pods = &v1beta1.NamespacedPod{NamespaceSelector: pods[0], PodSelector: pods[1]}
				}
				r.From = append(r.From, peer)
			}
			r.Protocols = cnpProtocols(t, l, true)
			p.Spec.Ingress = append(p.Spec.Ingress, r)
		}
		for i := range rapid.IntRange(0, 3).Draw(t, "egress rules") {
			l := fmt.Sprintf("egress[%d]", i)
			r := v1beta1.ClusterNetworkPolicyEgressRule{Action: rapid.SampledFrom(actions).Draw(t, l+".action")}
			podsOnly := true
			for j := range rapid.IntRange(1, 2).Draw(t, l+".peers") {
				pl := fmt.Sprintf("%s.to[%d]", l, j)
				var peer v1beta1.ClusterNetworkPolicyEgressPeer
				switch rapid.SampledFrom([]string{"pods", "networks", "nodes", "namespaces", "domainNames"}).Draw(t, pl+".kind") {
				case "pods", "namespaces":
					ns, pods := tierSubject(t, namespaces)
					peer.Namespaces = ns
					if pods != nil {
						peer.Pods = &v1beta1.NamespacedPod{NamespaceSelector: pods[0], PodSelector: pods[1]}
					}
				case "networks":
					podsOnly = false
					for _, n := range tierNetworks(t, pl) {
						peer.Networks = append(peer.Networks, v1beta1.CIDR(n))
					}
				case "nodes":
					podsOnly = false
					s := nodeSelector(t, pl)
					peer.Nodes = &s
				default:
					podsOnly = false
					peer.DomainNames = []v1beta1.DomainName{v1beta1.DomainName(rapid.SampledFrom(domainNames).Draw(t, pl+".domain"))}
					r.Action = "Accept" // domainNames are for Accept rules
				}
				r.To = append(r.To, peer)
			}
			r.Protocols = cnpProtocols(t, l, podsOnly)
			p.Spec.Egress = append(p.Spec.Egress, r)
		}
		return p
	})
}

// tierSubject draws a namespaces selector or, as a pair, a pods selector
// (namespace selector, pod selector).
func tierSubject(t *rapid.T, namespaces []string) (*metav1.LabelSelector, *[2]metav1.LabelSelector) {
	nsSel := func(label string) metav1.LabelSelector {
		if rapid.Bool().Draw(t, label+" by name") {
			name := rapid.SampledFrom(append(append([]string(nil), namespaces...), ghostNamespace)).Draw(t, label+".name")
			return metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: name}}
		}
		return *LabelSelector().Filter(func(s *metav1.LabelSelector) bool { return s != nil }).Draw(t, label)
	}
	if rapid.Bool().Draw(t, "namespaces") {
		s := nsSel("namespaceSelector")
		return &s, nil
	}
	return nil, &[2]metav1.LabelSelector{nsSel("namespaceSelector"), *LabelSelector().Filter(func(s *metav1.LabelSelector) bool { return s != nil }).Draw(t, "podSelector")}
}

func tierNetworks(t *rapid.T, label string) []string {
	pool := append(append([]netip.Prefix(nil), cidrsV4...), cidrsV6...)
	ps := rapid.SliceOfNDistinct(rapid.SampledFrom(pool), 1, 3, rapid.ID[netip.Prefix]).Draw(t, label+".networks")
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func nodeSelector(t *rapid.T, label string) metav1.LabelSelector {
	switch rapid.IntRange(0, 2).Draw(t, label+".nodes") {
	case 0:
		return metav1.LabelSelector{}
	case 1:
		return metav1.LabelSelector{MatchLabels: map[string]string{"zone": rapid.SampledFrom(nodeZones).Draw(t, label+".zone")}}
	}
	return metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelHostname: "node-" + strconv.Itoa(rapid.IntRange(1, nodeCount+1).Draw(t, label+".host"))}}
}

// tierPort draws one port of a tiered rule: protocol, and a number, a
// range, or (when named) a name.
type tierPort struct {
	proto      corev1.Protocol
	start, end int32
	name       string
}

func drawTierPort(t *rapid.T, label string, named bool) tierPort {
	kinds := []string{"number", "range"}
	if named {
		kinds = append(kinds, "name")
	}
	p := tierPort{proto: rapid.SampledFrom(protocols).Draw(t, label+".protocol")}
	switch rapid.SampledFrom(kinds).Draw(t, label+".kind") {
	case "number":
		p.start = rapid.SampledFrom(commonPorts).Draw(t, label+".number")
		p.end = p.start
	case "range":
		p.start = rapid.SampledFrom(commonPorts).Draw(t, label+".start")
		p.end = p.start + rapid.Int32Range(1, 1000).Draw(t, label+".width")
	default:
		p.name = rapid.SampledFrom(policyPortNames).Draw(t, label+".name")
	}
	return p
}

func cnpProtocols(t *rapid.T, label string, named bool) []v1beta1.ClusterNetworkPolicyProtocol {
	var out []v1beta1.ClusterNetworkPolicyProtocol
	for k := range rapid.IntRange(0, 2).Draw(t, label+".protocols") {
		p := drawTierPort(t, fmt.Sprintf("%s.protocols[%d]", label, k), named)
		if p.name != "" {
			out = append(out, v1beta1.ClusterNetworkPolicyProtocol{DestinationNamedPort: p.name})
			continue
		}
		dp := &v1beta1.Port{Number: p.start}
		if p.end != p.start {
			dp = &v1beta1.Port{Range: &v1beta1.PortRange{Start: p.start, End: p.end}}
		}
		switch p.proto {
		case corev1.ProtocolTCP:
			out = append(out, v1beta1.ClusterNetworkPolicyProtocol{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: dp}})
		case corev1.ProtocolUDP:
			out = append(out, v1beta1.ClusterNetworkPolicyProtocol{UDP: &v1beta1.ClusterNetworkPolicyProtocolUDP{DestinationPort: dp}})
		default:
			out = append(out, v1beta1.ClusterNetworkPolicyProtocol{SCTP: &v1beta1.ClusterNetworkPolicyProtocolSCTP{DestinationPort: dp}})
		}
	}
	return out
}

// AdminNetworkPolicy returns a generator of valid v1alpha1
// AdminNetworkPolicies, drawn as [ClusterNetworkPolicy] draws Admin tier
// policies (Accept becomes Allow, protocols become ports).
func AdminNetworkPolicy(namespaces []string) *rapid.Generator[v1alpha1.AdminNetworkPolicy] {
	return rapid.Custom(func(t *rapid.T) v1alpha1.AdminNetworkPolicy {
		c := ClusterNetworkPolicy(namespaces).Draw(t, "as cnp")
		c.Spec.Tier = v1beta1.AdminTier
		return ANPOf(&c)
	})
}

// BaselineAdminNetworkPolicy returns a generator of valid v1alpha1
// BaselineAdminNetworkPolicies (named default), drawn as
// [ClusterNetworkPolicy] draws Baseline tier policies without Pass rules
// and domainNames peers.
func BaselineAdminNetworkPolicy(namespaces []string) *rapid.Generator[v1alpha1.BaselineAdminNetworkPolicy] {
	return rapid.Custom(func(t *rapid.T) v1alpha1.BaselineAdminNetworkPolicy {
		c := ClusterNetworkPolicy(namespaces).Draw(t, "as cnp")
		a := ANPOf(&c)
		var b v1alpha1.BaselineAdminNetworkPolicy
		b.APIVersion, b.Kind, b.Name = v1alpha1.GroupVersion.String(), "BaselineAdminNetworkPolicy", "default"
		b.Spec.Subject = a.Spec.Subject
		action := func(x v1alpha1.AdminNetworkPolicyRuleAction) v1alpha1.BaselineAdminNetworkPolicyRuleAction {
			if x == v1alpha1.AdminNetworkPolicyRuleActionAllow {
				return v1alpha1.BaselineAdminNetworkPolicyRuleActionAllow
			}
			return v1alpha1.BaselineAdminNetworkPolicyRuleActionDeny
		}
		for _, r := range a.Spec.Ingress {
			b.Spec.Ingress = append(b.Spec.Ingress, v1alpha1.BaselineAdminNetworkPolicyIngressRule{Action: action(r.Action), From: r.From, Ports: r.Ports})
		}
		for _, r := range a.Spec.Egress {
			br := v1alpha1.BaselineAdminNetworkPolicyEgressRule{Action: action(r.Action), Ports: r.Ports}
			for _, p := range r.To {
				if p.DomainNames == nil {
					br.To = append(br.To, v1alpha1.BaselineAdminNetworkPolicyEgressPeer{Namespaces: p.Namespaces, Pods: p.Pods, Nodes: p.Nodes, Networks: p.Networks})
				}
			}
			if len(br.To) > 0 {
				b.Spec.Egress = append(b.Spec.Egress, br)
			}
		}
		return b
	})
}

// ANPOf returns the AdminNetworkPolicy equivalent to the Admin tier
// ClusterNetworkPolicy c: same name, priority, subject and rules, Accept as
// Allow, protocols as ports. The tier of c is not looked at.
func ANPOf(c *v1beta1.ClusterNetworkPolicy) v1alpha1.AdminNetworkPolicy {
	var a v1alpha1.AdminNetworkPolicy
	a.APIVersion, a.Kind, a.Name = v1alpha1.GroupVersion.String(), "AdminNetworkPolicy", c.Name
	a.Spec.Priority = c.Spec.Priority
	a.Spec.Subject.Namespaces = c.Spec.Subject.Namespaces
	if p := c.Spec.Subject.Pods; p != nil {
		a.Spec.Subject.Pods = &v1alpha1.NamespacedPod{NamespaceSelector: p.NamespaceSelector, PodSelector: p.PodSelector}
	}
	action := func(x v1beta1.ClusterNetworkPolicyRuleAction) v1alpha1.AdminNetworkPolicyRuleAction {
		if x == v1beta1.ClusterNetworkPolicyRuleActionAccept {
			return v1alpha1.AdminNetworkPolicyRuleActionAllow
		}
		return v1alpha1.AdminNetworkPolicyRuleAction(x)
	}
	pods := func(p *v1beta1.NamespacedPod) *v1alpha1.NamespacedPod {
		if p == nil {
			return nil
		}
		return &v1alpha1.NamespacedPod{NamespaceSelector: p.NamespaceSelector, PodSelector: p.PodSelector}
	}
	for _, r := range c.Spec.Ingress {
		ar := v1alpha1.AdminNetworkPolicyIngressRule{Name: r.Name, Action: action(r.Action), Ports: anpPorts(r.Protocols)}
		for _, f := range r.From {
			ar.From = append(ar.From, v1alpha1.AdminNetworkPolicyIngressPeer{Namespaces: f.Namespaces, Pods: pods(f.Pods)})
		}
		a.Spec.Ingress = append(a.Spec.Ingress, ar)
	}
	for _, r := range c.Spec.Egress {
		ar := v1alpha1.AdminNetworkPolicyEgressRule{Name: r.Name, Action: action(r.Action), Ports: anpPorts(r.Protocols)}
		for _, p := range r.To {
			ap := v1alpha1.AdminNetworkPolicyEgressPeer{Namespaces: p.Namespaces, Pods: pods(p.Pods), Nodes: p.Nodes}
			for _, n := range p.Networks {
				ap.Networks = append(ap.Networks, v1alpha1.CIDR(n))
			}
			for _, d := range p.DomainNames {
				ap.DomainNames = append(ap.DomainNames, v1alpha1.DomainName(d))
			}
			ar.To = append(ar.To, ap)
		}
		a.Spec.Egress = append(a.Spec.Egress, ar)
	}
	return a
}

func anpPorts(in []v1beta1.ClusterNetworkPolicyProtocol) *[]v1alpha1.AdminNetworkPolicyPort {
	if in == nil {
		return nil
	}
	out := []v1alpha1.AdminNetworkPolicyPort{}
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
			name := p.DestinationNamedPort
			out = append(out, v1alpha1.AdminNetworkPolicyPort{NamedPort: &name})
			continue
		}
		if dp.Range != nil {
			out = append(out, v1alpha1.AdminNetworkPolicyPort{PortRange: &v1alpha1.PortRange{Protocol: proto, Start: dp.Range.Start, End: dp.Range.End}})
		} else {
			out = append(out, v1alpha1.AdminNetworkPolicyPort{PortNumber: &v1alpha1.Port{Protocol: proto, Port: dp.Number}})
		}
	}
	return &out
}

// TieredCluster returns a generator of small clusters like [Cluster] with
// Nodes node-1 … node-3 (labels zone and kubernetes.io/hostname, addresses
// 172.16.0.n and fd10::n), hostNetwork pods placed on the node of their
// address, and zero to four ClusterNetworkPolicies ([ClusterNetworkPolicy]),
// rarely an AdminNetworkPolicy and the BaselineAdminNetworkPolicy. Tiered
// policy names are unique per kind.
func TieredCluster() *rapid.Generator[simulate.Cluster] {
	return rapid.Custom(func(t *rapid.T) simulate.Cluster {
		c := Cluster().Draw(t, "base")
		// The same nodes as the base cluster's, with labels for node peers.
		c.Nodes = nil
		for n := 1; n <= nodeCount; n++ {
			var node corev1.Node
			node.APIVersion, node.Kind = "v1", "Node"
			node.Name = "node-" + strconv.Itoa(n)
			node.Labels = map[string]string{corev1.LabelHostname: node.Name, "zone": nodeZones[n%2]}
			node.Status.Addresses = []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "172.16.0." + strconv.Itoa(n)},
				{Type: corev1.NodeInternalIP, Address: "fd10::" + strconv.Itoa(n)},
			}
			c.Nodes = append(c.Nodes, node)
		}
		for i := range c.Pods {
			p := &c.Pods[i]
			if !p.Spec.HostNetwork {
				continue
			}
			if ips := podIPs(p); len(ips) > 0 {
				if a, err := netip.ParseAddr(ips[0]); err == nil && a.Is4() {
					p.Spec.NodeName = "node-" + strconv.Itoa(int(a.As4()[3]))
				}
			}
		}
		names := namespacesOf(c.Pods)
		for _, ns := range c.Namespaces {
			names = append(names, ns.Name)
		}
		if len(names) == 0 {
			names = []string{namespaceNames[0]}
		}
		taken := map[string]bool{}
		for i := range rapid.IntRange(0, 4).Draw(t, "cluster policies") {
			p := ClusterNetworkPolicy(names).Draw(t, fmt.Sprintf("cnp[%d]", i))
			p.Name = uniqueName(taken, "", p.Name)
			c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, p)
		}
		if rapid.IntRange(0, 3).Draw(t, "anp") == 3 {
			c.AdminNetworkPolicies = append(c.AdminNetworkPolicies, AdminNetworkPolicy(names).Draw(t, "admin network policy"))
		}
		if rapid.IntRange(0, 3).Draw(t, "banp") == 3 {
			c.BaselineAdminNetworkPolicies = append(c.BaselineAdminNetworkPolicies, BaselineAdminNetworkPolicy(names).Draw(t, "baseline admin network policy"))
		}
		return c
	})
}
