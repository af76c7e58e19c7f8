package scale

import (
	"fmt"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// WithClusterPolicies returns a copy of o (sharing its objects) with n
// ClusterNetworkPolicies (policy.networking.k8s.io/v1beta1) of the shapes a
// platform team writes, added to its ClusterNetworkPolicies: nine in ten in
// the Admin tier at priorities 0 to 999 (cycling), one in ten in the
// Baseline tier. Of the Admin ones, a quarter let a team's namespaces reach
// DNS and then deny the rest of kube-system (egress), a quarter guard one
// namespace (Pass from its own team, Deny from every other namespace), a
// fifth let prometheus scrape the metrics port of prod namespaces, a fifth
// limit a tier's egress to outside addresses (Accept one /24 on 443, Deny
// 0.0.0.0/0), and the rest deny a port range from dev to prod namespaces.
// The Baseline ones deny ingress to a team's namespaces from every other
// team. Selectors use the namespace labels of [Generate] (team, env, name)
// and the pod labels app and tier, so they add few pod classes. It is
// deterministic: the same o and n give the same policies.
func WithClusterPolicies(o Objects, n int) Objects {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	c := o
	c.ClusterNetworkPolicies = append([]v1beta1.ClusterNetworkPolicy(nil), o.ClusterNetworkPolicies...)
	nsCount := 0
	for _, ns := range o.Namespaces {
		if len(ns.Labels) > 0 {
			nsCount++
		}
	}
	nsCount = max(1, nsCount)
	sel := func(kv ...string) *metav1.LabelSelector {
		s := &metav1.LabelSelector{MatchLabels: map[string]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			s.MatchLabels[kv[i]] = kv[i+1]
		}
		return s
	}
	port := func(p int32) *v1beta1.Port { return &v1beta1.Port{Number: p} }
	name := corev1.LabelMetadataName
	for i := range n {
		p := v1beta1.ClusterNetworkPolicy{}
		p.APIVersion, p.Kind = v1beta1.GroupVersion.String(), "ClusterNetworkPolicy"
		p.Name = fmt.Sprintf("cnp-%d", i)
		s := &p.Spec
		s.Tier, s.Priority = v1beta1.AdminTier, int32(i%1000)
		team := fmt.Sprintf("team-%d", r.IntN(50))
		if i%10 == 9 {
			s.Tier = v1beta1.BaselineTier
			s.Subject.Namespaces = sel("team", team)
			s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{
				Name: "deny-other-teams", Action: v1beta1.ClusterNetworkPolicyRuleActionDeny,
				From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: metav1.LabelSelectorOpNotIn, Values: []string{team}}}}}},
			}}
			c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, p)
			continue
		}
		switch k := r.IntN(20); {
		case k < 5: // DNS, then nothing else of kube-system
			s.Subject.Namespaces = sel("team", team)
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{
				{Name: "dns", Action: v1beta1.ClusterNetworkPolicyRuleActionAccept,
					To:        []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{NamespaceSelector: *sel(name, "kube-system"), PodSelector: *sel("app", "coredns")}}},
					Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{UDP: &v1beta1.ClusterNetworkPolicyProtocolUDP{DestinationPort: port(53)}}, {TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: port(53)}}}},
				{Name: "kube-system", Action: v1beta1.ClusterNetworkPolicyRuleActionDeny,
					To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: sel(name, "kube-system")}}},
			}
		case k < 10: // guard one namespace
			ns := fmt.Sprintf("ns-%d", r.IntN(nsCount))
			s.Subject.Namespaces = sel(name, ns)
			s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{
				{Name: "own-team", Action: v1beta1.ClusterNetworkPolicyRuleActionPass,
					From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: sel("team", team)}}},
				{Name: "others", Action: v1beta1.ClusterNetworkPolicyRuleActionDeny,
					From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}},
			}
		case k < 14: // monitoring
			s.Subject.Namespaces = sel("env", "prod")
			s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{
				Name: "scrape", Action: v1beta1.ClusterNetworkPolicyRuleActionAccept,
				From:      []v1beta1.ClusterNetworkPolicyIngressPeer{{Pods: &v1beta1.NamespacedPod{NamespaceSelector: *sel(name, "monitoring"), PodSelector: *sel("app", "prometheus")}}},
				Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: port(9100)}}},
			}}
		case k < 18: // a tier's egress to outside addresses
			s.Subject.Pods = &v1beta1.NamespacedPod{NamespaceSelector: *sel("team", team), PodSelector: *sel("tier", []string{"web", "api", "db"}[r.IntN(3)])}
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{
				{Name: "partner", Action: v1beta1.ClusterNetworkPolicyRuleActionAccept,
					To:        []v1beta1.ClusterNetworkPolicyEgressPeer{{Networks: []v1beta1.CIDR{v1beta1.CIDR(fmt.Sprintf("203.0.%d.0/24", r.IntN(256)))}}},
					Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: port(443)}}}},
				{Name: "internet", Action: v1beta1.ClusterNetworkPolicyRuleActionDeny,
					To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Networks: []v1beta1.CIDR{"0.0.0.0/0"}}}},
			}
		default: // a port range from dev to prod
			lo := int32(20000 + r.IntN(10000))
			s.Subject.Namespaces = sel("env", "prod", "team", team)
			s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{
				Name: "dev-ports", Action: v1beta1.ClusterNetworkPolicyRuleActionDeny,
				From:      []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: sel("env", "dev")}},
				Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1beta1.Port{Range: &v1beta1.PortRange{Start: lo, End: lo + 1000}}}}},
			}}
		}
		c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, p)
	}
	return c
}
