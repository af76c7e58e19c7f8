package simulate

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

func cnp(name string, tier v1beta1.Tier, prio int32, spec func(*v1beta1.ClusterNetworkPolicySpec)) v1beta1.ClusterNetworkPolicy {
	p := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}
	p.Spec.Tier, p.Spec.Priority = tier, prio
	p.Spec.Subject.Namespaces = &metav1.LabelSelector{}
	spec(&p.Spec)
	return p
}

func nsNamed(name string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: name}}
}

func tcpPort(n int32) v1beta1.ClusterNetworkPolicyProtocol {
	return v1beta1.ClusterNetworkPolicyProtocol{TCP: &v1beta1.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1beta1.Port{Number: n}}}
}

// guardrails is the shop cluster with a platform team's cluster policies:
// no egress to ops (Admin Deny), shop's own traffic passed to its
// NetworkPolicies, DNS to anything accepted, and a Baseline default deny of
// ingress from other namespaces for namespaces without NetworkPolicies.
func guardrails() Cluster {
	c := shop()
	c.Pods = append(c.Pods, mkPod("ops", "dns-0", "10.0.1.53", map[string]string{"app": "dns"}, cport("dns", corev1.ProtocolUDP, 53)))
	host := mkPod("ops", "agent-0", "172.16.0.1", map[string]string{"app": "agent"})
	host.Spec.HostNetwork, host.Spec.NodeName = true, "node-1"
	c.Pods = append(c.Pods, host)
	node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", Labels: map[string]string{"zone": "a"}}}
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.16.0.1"}}
	c.Nodes = []corev1.Node{node}
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{
		cnp("allow-dns", v1beta1.AdminTier, 5, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Accept",
				To:        []v1beta1.ClusterNetworkPolicyEgressPeer{{Pods: &v1beta1.NamespacedPod{NamespaceSelector: *nsNamed("ops"), PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "dns"}}}}},
				Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "dns"}}}}
		}),
		cnp("deny-to-ops", v1beta1.AdminTier, 10, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Subject.Namespaces = nsNamed("shop")
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{
				{Action: "Pass", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: nsNamed("shop")}}},
				{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: nsNamed("ops")}, {Nodes: &metav1.LabelSelector{}}}},
			}
		}),
		cnp("tenant-default-deny", v1beta1.BaselineTier, 0, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}}}
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Networks: []v1beta1.CIDR{"203.0.113.0/24"}}}, Protocols: []v1beta1.ClusterNetworkPolicyProtocol{tcpPort(443)}}}
		}),
	}
	return c
}

// TestTierVerdicts pins verdicts and their explanations on the guardrails
// cluster: each tier deciding, Pass, Baseline only for pods no
// NetworkPolicy isolates, nodes peers and networks CIDRs outside the
// cluster.
func TestTierVerdicts(t *testing.T) {
	m := mustCompile(t, guardrails())
	type sides struct {
		Allowed         bool
		Egress, Ingress Side
		Text            string
	}
	frontend, monitor, dns, agent := PodID{"shop", "frontend-0"}, PodID{"ops", "monitor-0"}, PodID{"ops", "dns-0"}, PodID{"ops", "agent-0"}
	admin := func(pol string, prio int32, dir Direction, i int, action string) TieredMatch {
		return TieredMatch{TieredRuleRef: TieredRuleRef{Policy: cnpID(pol), Direction: dir, Index: i}, Tier: "admin", Priority: prio, Action: action}
	}
	baseline := func(pol string, dir Direction, i int, action string) TieredMatch {
		return TieredMatch{TieredRuleRef: TieredRuleRef{Policy: cnpID(pol), Direction: dir, Index: i}, Tier: "baseline", Action: action}
	}
	for _, c := range []struct {
		from, to Endpoint
		port     PortSpec
		want     sides
	}{
		{Pod("shop", "frontend-0"), Pod("ops", "monitor-0"), TCP(80), sides{false,
			Side{Pod: frontend, Isolated: true, Policies: oids("shop/frontend-egress"), Tiered: []TieredMatch{admin("deny-to-ops", 10, Egress, 1, "Deny")}},
			Side{Pod: monitor, Tiered: []TieredMatch{baseline("tenant-default-deny", Ingress, 0, "Deny")}},
			"denied: shop/frontend-0 egress denied by admin policy deny-to-ops (priority 10) egress rule 1 before any NetworkPolicy; " +
				"ops/monitor-0 is isolated for ingress by no NetworkPolicy; denied by baseline policy tenant-default-deny (priority 0) ingress rule 0"}},
		{Pod("shop", "frontend-0"), Pod("ops", "dns-0"), UDP(53), sides{false,
			Side{Pod: frontend, Isolated: true, Policies: oids("shop/frontend-egress"), Tiered: []TieredMatch{admin("allow-dns", 5, Egress, 0, "Accept")}, Allowed: true},
			Side{Pod: dns, Tiered: []TieredMatch{baseline("tenant-default-deny", Ingress, 0, "Deny")}},
			"denied: ops/dns-0 is isolated for ingress by no NetworkPolicy; denied by baseline policy tenant-default-deny (priority 0) ingress rule 0"}},
		{Pod("shop", "frontend-0"), Pod("shop", "api-0"), TCP(9090), sides{true,
			Side{Pod: frontend, Isolated: true, Policies: oids("shop/frontend-egress"), AllowedBy: []RuleRef{{oid("shop/frontend-egress"), Egress, 0}},
				Tiered: []TieredMatch{admin("deny-to-ops", 10, Egress, 0, "Pass")}, Allowed: true},
			Side{Pod: PodID{"shop", "api-0"}, Isolated: true, Policies: oids("shop/api-from-frontend", "shop/default-deny"), AllowedBy: []RuleRef{{oid("shop/api-from-frontend"), Ingress, 0}}, Allowed: true},
			"allowed: shop/frontend-0 → shop/api-0 on TCP/9090: egress passed by admin policy deny-to-ops (priority 10) egress rule 0 to NetworkPolicies; egress allowed by shop/frontend-egress egress[0]; ingress allowed by shop/api-from-frontend ingress[0]"}},
		{Pod("ops", "monitor-0"), Pod("ops", "agent-0"), TCP(10250), sides{true,
			Side{Pod: monitor, Allowed: true}, Side{Pod: agent, Allowed: true},
			"allowed: ops/monitor-0 → ops/agent-0 on TCP/10250: ops/monitor-0 is not isolated for egress and no cluster policy rule matches; ops/agent-0 is not isolated for ingress"}},
		{Pod("shop", "db-0"), Pod("ops", "agent-0"), TCP(10250), sides{false,
			Side{Pod: PodID{"shop", "db-0"}, Tiered: []TieredMatch{admin("deny-to-ops", 10, Egress, 1, "Deny")}}, Side{Pod: agent, Allowed: true},
			"denied: shop/db-0 egress denied by admin policy deny-to-ops (priority 10) egress rule 1 before any NetworkPolicy"}},
		{Pod("shop", "db-0"), IP(netip.MustParseAddr("172.16.0.1")), TCP(22), sides{false,
			Side{Pod: PodID{"shop", "db-0"}, Tiered: []TieredMatch{admin("deny-to-ops", 10, Egress, 1, "Deny")}}, Side{Allowed: true},
			"denied: shop/db-0 egress denied by admin policy deny-to-ops (priority 10) egress rule 1 before any NetworkPolicy"}},
		{Pod("ops", "monitor-0"), IP(netip.MustParseAddr("203.0.113.9")), TCP(443), sides{false,
			Side{Pod: monitor, Tiered: []TieredMatch{baseline("tenant-default-deny", Egress, 0, "Deny")}}, Side{Allowed: true},
			"denied: ops/monitor-0 is isolated for egress by no NetworkPolicy; denied by baseline policy tenant-default-deny (priority 0) egress rule 0"}},
		{Pod("ops", "monitor-0"), IP(netip.MustParseAddr("203.0.113.9")), TCP(80), sides{true,
			Side{Pod: monitor, Allowed: true}, Side{Allowed: true},
			"allowed: ops/monitor-0 → 203.0.113.9 on TCP/80: ops/monitor-0 is not isolated for egress and no cluster policy rule matches; 203.0.113.9 is outside the cluster"}},
	} {
		v, err := m.Check(c.from, c.to, c.port)
		if err != nil {
			t.Fatal(err)
		}
		got := sides{v.Allowed, v.Egress(), v.Ingress(), v.String()}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Check(%s, %s, %s) (-want +got):\n%s", c.from, c.to, c.port, diff)
		}
	}
}

// TestTierFailClosedAndDomains: a peer with no field set makes an Accept
// rule match nothing and a Deny or Pass rule deny everything, outside
// addresses included; domainNames peers match nothing and say so.
func TestTierFailClosedAndDomains(t *testing.T) {
	c := shop()
	c.NetworkPolicies = nil
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{
		cnp("accept-unknown", v1beta1.AdminTier, 0, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Accept", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{}, {Namespaces: &metav1.LabelSelector{}}}}}
		}),
		cnp("domains", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Accept", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{DomainNames: []v1beta1.DomainName{"example.com"}}}}}
		}),
		cnp("pass-unknown", v1beta1.AdminTier, 2, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Subject.Namespaces = nsNamed("shop")
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Pass", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{}}, Protocols: []v1beta1.ClusterNetworkPolicyProtocol{tcpPort(1)}}}
		}),
	}
	m := mustCompile(t, c)
	for _, q := range []struct {
		from, to Endpoint
		port     PortSpec
		want     string
	}{
		{Pod("shop", "api-0"), Pod("shop", "db-0"), UDP(53), "denied: shop/api-0 egress denied by admin policy pass-unknown (priority 2) egress rule 0 before any NetworkPolicy"},
		{Pod("shop", "api-0"), IP(netip.MustParseAddr("8.8.8.8")), TCP(443), "denied: shop/api-0 egress denied by admin policy pass-unknown (priority 2) egress rule 0 before any NetworkPolicy; a rule with domainNames peers came first and cannot be checked from manifests (taken as not matching)"},
		{Pod("ops", "monitor-0"), IP(netip.MustParseAddr("8.8.8.8")), TCP(443), "allowed: ops/monitor-0 → 8.8.8.8 on TCP/443: ops/monitor-0 is not isolated for egress and no cluster policy rule matches; a rule with domainNames peers came first and cannot be checked from manifests (taken as not matching); 8.8.8.8 is outside the cluster"},
	} {
		v, err := m.Check(q.from, q.to, q.port)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.String(); got != q.want {
			t.Errorf("Check(%s, %s, %s):\n got %s\nwant %s", q.from, q.to, q.port, got, q.want)
		}
	}
	// The manifest's view: the loader rejects the empty peer; the engine,
	// as a consumer, fails closed.
	if _, err := Compile(Cluster{BaselineAdminNetworkPolicies: []v1alpha1.BaselineAdminNetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Name: "other"}}}}); err == nil ||
		err.Error() != `policy: BaselineAdminNetworkPolicy other: metadata.name: invalid value "other": must be "default": a cluster has at most one BaselineAdminNetworkPolicy
policy: BaselineAdminNetworkPolicy other: spec.subject: must specify exactly one of `+"`namespaces` or `pods`" {
		t.Errorf("Compile of an invalid BaselineAdminNetworkPolicy: %v", err)
	}
}

// TestTierOrderAndDuplicates: equal priorities are ordered by kind and
// name; a duplicate name of one kind is an error.
func TestTierOrderAndDuplicates(t *testing.T) {
	c := shop()
	c.NetworkPolicies = nil
	deny := func(name string) v1beta1.ClusterNetworkPolicy {
		return cnp(name, v1beta1.AdminTier, 7, func(s *v1beta1.ClusterNetworkPolicySpec) {
			s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: &metav1.LabelSelector{}}}}}
		})
	}
	accept := cnp("a-accept", v1beta1.AdminTier, 7, func(s *v1beta1.ClusterNetworkPolicySpec) {
		s.Egress = []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Accept", To: []v1beta1.ClusterNetworkPolicyEgressPeer{{Namespaces: &metav1.LabelSelector{}}}}}
	})
	c.ClusterNetworkPolicies = []v1beta1.ClusterNetworkPolicy{deny("b-deny"), accept}
	m := mustCompile(t, c)
	v, err := m.Check(Pod("shop", "api-0"), Pod("shop", "db-0"), TCP(5432))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Egress().Allowed {
		t.Errorf("a-accept (priority 7) should come before b-deny (priority 7): %v", v)
	}
	c.ClusterNetworkPolicies = append(c.ClusterNetworkPolicies, deny("b-deny"))
	if _, err := Compile(c); err == nil || err.Error() != "simulate: duplicate ClusterNetworkPolicy b-deny" {
		t.Errorf("duplicate: %v", err)
	}
}

// TestExplainTiered: an explanation lists the tiered policies selecting the
// pod per direction in evaluation order, with their rules of the direction.
func TestExplainTiered(t *testing.T) {
	m := mustCompile(t, guardrails())
	names := func(rs []TieredRules) (out []string) {
		for _, r := range rs {
			out = append(out, r.Policy.Name)
			if d := r.Policy.IngressRules; len(r.Rules) > 0 && len(d) > 0 && &r.Rules[0] != &d[0] {
				out = append(out, "egress rules")
			}
		}
		return out
	}
	for _, c := range []struct {
		pod             PodID
		ingress, egress []string
	}{
		{PodID{"shop", "frontend-0"}, []string{"tenant-default-deny"}, []string{"allow-dns", "deny-to-ops", "tenant-default-deny", "egress rules"}},
		{PodID{"ops", "monitor-0"}, []string{"tenant-default-deny"}, []string{"allow-dns", "tenant-default-deny", "egress rules"}},
		{PodID{"ops", "agent-0"}, nil, nil}, // hostNetwork: never a subject
	} {
		x, err := m.Explain(c.pod)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.ingress, names(x.TieredIngress)); diff != "" {
			t.Errorf("%s ingress (-want +got):\n%s", c.pod, diff)
		}
		if diff := cmp.Diff(c.egress, names(x.TieredEgress)); diff != "" {
			t.Errorf("%s egress (-want +got):\n%s", c.pod, diff)
		}
	}
}
