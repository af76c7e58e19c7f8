package simulate

import (
	"fmt"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAttribute: on the guardrails cluster, dropping the Admin policy that
// denies egress to ops and the Baseline default deny changes pairs that
// cluster policies decided; each attribution names the deciders on both
// sides, and its verdicts differ before and after on its port.
func TestAttribute(t *testing.T) {
	before := guardrails()
	after := guardrails()
	after.ClusterNetworkPolicies = after.ClusterNetworkPolicies[:1] // allow-dns only
	a, b := mustCompile(t, before), mustCompile(t, after)
	d := Diff(a, b)
	xs, err := Attribute(a, b, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(d.Added) + len(d.Removed) + len(d.Changed); len(xs) != want || want == 0 {
		t.Fatalf("%d attributions for %d changed pairs", len(xs), want)
	}
	var got []string
	for _, x := range xs {
		if (x.BeforeEgress.Allowed && x.BeforeIngress.Allowed) == (x.AfterEgress.Allowed && x.AfterIngress.Allowed) {
			t.Errorf("%s → %s on %s: the verdict does not differ", x.From, x.To, x.Port)
		}
		if !x.ClusterPolicies() {
			t.Errorf("%s → %s: not attributed to cluster policies: %+v", x.From, x.To, x)
		}
		got = append(got, fmt.Sprintf("%s → %s %s: before egress %s; ingress %s / after egress %s; ingress %s",
			x.From, x.To, x.Port, x.BeforeEgress, x.BeforeIngress, x.AfterEgress, x.AfterIngress))
	}
	want := []string{
		"ops/dns-0 → ops/monitor-0 TCP/1: before egress allowed (no policy); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"ops/monitor-0 → ops/dns-0 TCP/1: before egress allowed (no policy); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/api-0 → ops/agent-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress allowed (no policy) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/api-0 → ops/dns-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/api-0 → ops/monitor-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/db-0 → ops/agent-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress allowed (no policy) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/db-0 → ops/dns-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/db-0 → ops/monitor-0 TCP/1: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed (no policy); ingress allowed (no policy)",
		"shop/frontend-0 → ops/agent-0 TCP/443: before egress denied by admin policy deny-to-ops (priority 10) egress rule 1 (Deny); ingress allowed (no policy) / after egress allowed by NetworkPolicy shop/frontend-egress; ingress allowed (no policy)",
		"shop/frontend-0 → ops/dns-0 UDP/53: before egress allowed by admin policy allow-dns (priority 5) egress rule 0 (Accept); ingress denied by baseline policy tenant-default-deny (priority 0) ingress rule 0 (Deny) / after egress allowed by admin policy allow-dns (priority 5) egress rule 0 (Accept); ingress allowed (no policy)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributions (-want +got):\n%s", diff)
	}
}

// TestAttributeNetworkPolicies: a change made by NetworkPolicies alone is
// not put on cluster policies, and names the NetworkPolicies.
func TestAttributeNetworkPolicies(t *testing.T) {
	before, after := shop(), shop()
	after.NetworkPolicies = after.NetworkPolicies[:len(after.NetworkPolicies)-1]
	a, b := mustCompile(t, before), mustCompile(t, after)
	xs, err := Attribute(a, b, Diff(a, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) == 0 {
		t.Fatal("no attribution")
	}
	for _, x := range xs {
		if x.ClusterPolicies() {
			t.Errorf("%s → %s put on cluster policies: %+v", x.From, x.To, x)
		}
		if x.BeforeEgress.By != "networkpolicy" && x.BeforeIngress.By != "networkpolicy" && x.AfterEgress.By != "networkpolicy" && x.AfterIngress.By != "networkpolicy" {
			t.Errorf("%s → %s names no NetworkPolicy: %+v", x.From, x.To, x)
		}
	}
	if _, err := Attribute(a, mustCompile(t, Cluster{}), Diff(a, b)); err == nil {
		t.Error("Attribute with a model lacking the pods: no error")
	}
}

// TestAttributeChanged: a pair allowed on some ports before and on more
// after is judged on the port it gained, and a Baseline Pass decides (it
// allows: no tier is below).
func TestAttributeChanged(t *testing.T) {
	before, after := guardrails(), guardrails()
	before.ClusterNetworkPolicies = slices.Clone(before.ClusterNetworkPolicies)
	after.ClusterNetworkPolicies = slices.Clone(after.ClusterNetworkPolicies)
	base := before.ClusterNetworkPolicies[2].DeepCopy()
	base.Spec.Ingress[0].Protocols = []v1beta1.ClusterNetworkPolicyProtocol{tcpPort(80)}
	before.ClusterNetworkPolicies[2] = *base
	pass := after.ClusterNetworkPolicies[2].DeepCopy()
	pass.Spec.Ingress[0].Action = "Pass"
	after.ClusterNetworkPolicies[2] = *pass
	a, b := mustCompile(t, before), mustCompile(t, after)
	d := Diff(a, b)
	xs, err := Attribute(a, b, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changed) == 0 || len(xs) != len(d.Added)+len(d.Removed)+len(d.Changed) {
		t.Fatalf("%d attributions for %+v", len(xs), d)
	}
	var found bool
	for _, x := range xs {
		if x.From != (PodID{"ops", "monitor-0"}) || x.To != (PodID{"ops", "dns-0"}) {
			continue
		}
		found = true
		want := Attribution{From: x.From, To: x.To, Port: TCP(80),
			BeforeEgress: Decider{Allowed: true}, AfterEgress: Decider{Allowed: true},
			BeforeIngress: Decider{By: "baseline", Rule: TieredMatch{TieredRuleRef: TieredRuleRef{Policy: cnpID("tenant-default-deny"), Direction: Ingress}, Tier: "baseline", Action: "Deny"}},
			AfterIngress:  Decider{Allowed: true, By: "baseline", Rule: TieredMatch{TieredRuleRef: TieredRuleRef{Policy: cnpID("tenant-default-deny"), Direction: Ingress}, Tier: "baseline", Action: "Pass"}},
		}
		if diff := cmp.Diff(want, x); diff != "" {
			t.Errorf("attribution (-want +got):\n%s", diff)
		}
	}
	if !found {
		t.Error("ops/monitor-0 → ops/dns-0 not attributed")
	}
}

// TestAttributeExempt: node traffic that one model exempts is attributed
// to the exemption, not to a policy.
func TestAttributeExempt(t *testing.T) {
	c := guardrails()
	c.Pods = slices.Clone(c.Pods)
	for i := range c.Pods {
		if c.Pods[i].Namespace == "shop" && c.Pods[i].Name == "db-0" {
			c.Pods[i].Spec.NodeName = "node-1"
		}
	}
	a, b := mustCompile(t, c, NodeTraffic(false)), mustCompile(t, c, NodeTraffic(true))
	xs, err := Attribute(a, b, Diff(a, b))
	if err != nil {
		t.Fatal(err)
	}
	agent, db := PodID{"ops", "agent-0"}, PodID{"shop", "db-0"}
	for _, x := range xs {
		if x.From != agent || x.To != db {
			continue
		}
		if x.BeforeIngress.By != "networkpolicy" || x.BeforeIngress.Allowed || x.AfterIngress.By != "exempt" || !x.AfterIngress.Allowed {
			t.Errorf("agent → db: before %+v, after %+v", x.BeforeIngress, x.AfterIngress)
		}
		return
	}
	t.Errorf("agent → db not attributed: %+v", xs)
}
