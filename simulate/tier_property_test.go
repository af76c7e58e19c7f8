package simulate_test

// Properties of the engine with tiered cluster policies: it agrees with the
// tier oracle of oracle_tier_test.go, and the laws of tiers hold.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// tierPortPoints is portPoints with the ports of tiered rules.
func tierPortPoints(c simulate.Cluster) []int32 {
	pts := portPoints(c)
	add := func(ns ...int32) {
		for _, n := range ns {
			for _, p := range []int32{n - 1, n, n + 1} {
				if p >= 1 && p <= 65535 {
					pts = append(pts, p)
				}
			}
		}
	}
	for _, p := range oracleTierPolicies(c) {
		for _, r := range append(slices.Clone(p.ingress), p.egress...) {
			for _, port := range r.ports {
				if port.name == "" {
					add(port.start, port.end)
				}
			}
		}
	}
	slices.Sort(pts)
	return slices.Compact(pts)
}

// tierProbeAddrs is probeAddrs with the edges of networks CIDRs and the
// addresses of nodes.
func tierProbeAddrs(c simulate.Cluster) []netip.Addr {
	addrs := probeAddrs(c)
	for _, p := range oracleTierPolicies(c) {
		for _, r := range p.egress {
			for _, peer := range r.peers {
				for _, n := range peer.networks {
					pfx := netip.MustParsePrefix(n)
					addrs = append(addrs, pfx.Addr(), lastAddr(pfx))
					if prev := pfx.Addr().Prev(); prev.IsValid() {
						addrs = append(addrs, prev)
					}
				}
			}
		}
	}
	for _, n := range c.Nodes {
		for _, a := range n.Status.Addresses {
			addrs = append(addrs, netip.MustParseAddr(a.Address))
		}
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	return slices.Compact(addrs)
}

// describeTiers renders the tiered policies of c for failure messages.
func describeTiers(c simulate.Cluster) string {
	var b strings.Builder
	b.WriteString(describe(c))
	for _, n := range c.Nodes {
		fmt.Fprintf(&b, "\n  node %s labels=%v", n.Name, n.Labels)
	}
	for _, p := range c.Pods {
		if p.Spec.HostNetwork {
			fmt.Fprintf(&b, "\n  host pod %s/%s on %q", p.Namespace, p.Name, p.Spec.NodeName)
		}
	}
	for _, p := range c.ClusterNetworkPolicies {
		fmt.Fprintf(&b, "\n  cnp %s %s", p.Name, mustJSON(p.Spec))
	}
	for _, p := range c.AdminNetworkPolicies {
		fmt.Fprintf(&b, "\n  anp %s %s", p.Name, mustJSON(p.Spec))
	}
	for _, p := range c.BaselineAdminNetworkPolicies {
		fmt.Fprintf(&b, "\n  banp %s %s", p.Name, mustJSON(p.Spec))
	}
	return b.String()
}

// propTierEngineMatchesOracle: on clusters mixing tiered policies and
// NetworkPolicies, under either IPBlockMatchesPods and either
// HostNetworkPods mode, for every ordered pair of pods and between pods and
// a spread of addresses, on every protocol and the ports that matter, Check
// and the matrix say what the tier oracle says, and a verdict's sides agree
// with it.
func propTierEngineMatchesOracle(t *rapid.T) {
	c := fuzz.TieredCluster().Draw(t, "cluster")
	// A sample of the ports that matter: checking all of them on every
	// pair makes the property slow without finding more.
	pts := rapid.SliceOfNDistinct(rapid.SampledFrom(tierPortPoints(c)), 1, 6, rapid.ID[int32]).Draw(t, "ports")
	slices.Sort(pts)
	addrs := rapid.SliceOfNDistinct(rapid.SampledFrom(tierProbeAddrs(c)), 1, 4, rapid.ID[netip.Addr]).Draw(t, "addresses")
	ipb := rapid.Bool().Draw(t, "ipBlock matches pods")
	o := defaultOracleOpts(ipb)
	o.hostPods = rapid.Bool().Draw(t, "hostNetwork pods as pods")
	m := compileOpts(t, c, o)
	mx := m.Matrix()
	tiers := oracleTierPolicies(c)
	var pairs [][2]endpoint
	for _, a := range m.Pods() {
		for _, b := range m.Pods() {
			pairs = append(pairs, [2]endpoint{podEnd(a), podEnd(b)})
		}
		for _, x := range addrs {
			pairs = append(pairs, [2]endpoint{podEnd(a), ipEnd(x)}, [2]endpoint{ipEnd(x), podEnd(a)})
		}
	}
	for _, pair := range pairs {
		from, to := pair[0], pair[1]
		if oracleResolve(c, from) == nil && oracleResolve(c, to) == nil {
			continue // both outside: not a question
		}
		var ports simulate.PortSet
		if from.name != "" && to.name != "" {
			ports = mustPortsX(mx.Ports(simulate.PodID{Namespace: from.namespace, Name: from.name}, simulate.PodID{Namespace: to.namespace, Name: to.name}))
		}
		for _, proto := range protocols {
			for _, p := range pts {
				want := oracleTierAllowedOpts(c, tiers, o, from, to, proto, p)
				v := check(t, m, simEnd(from), simEnd(to), simulate.PortSpec{Protocol: proto, Start: p, End: p})
				if v.Allowed != want {
					t.Fatalf("%v → %v on %s/%d (ipBlock matches pods %v, hostNetwork pods as pods %v): engine says %v, oracle says %v\nengine: %v\n%s",
						from, to, proto, p, ipb, o.hostPods, v.Allowed, want, v, describeTiers(c))
				}
				if from.name != "" && to.name != "" && ports.Contains(proto, p) != want && !nodeExempt(c, o, from, to) {
					t.Fatalf("%v → %v on %s/%d: matrix says %v, oracle says %v\n%s", from, to, proto, p, !want, want, describeTiers(c))
				}
				if p == pts[len(pts)/2] {
					// Explanations are the slow path: a sample.
					if e, i := v.Egress(), v.Ingress(); (e.Allowed && i.Allowed) != v.Allowed {
						t.Fatalf("%v → %v on %s/%d: sides %v and %v, verdict %v: %v", from, to, proto, p, e.Allowed, i.Allowed, v.Allowed, v)
					}
					_ = v.String()
				}
			}
		}
	}
}

// nodeExempt reports whether from is a hostNetwork pod that o treats as its
// node, on the node of to: Check exempts such traffic (node traffic), the
// matrix does not.
func nodeExempt(c simulate.Cluster, o oracleOpts, from, to endpoint) bool {
	f, g := oracleResolve(c, from), oracleResolve(c, to)
	return f != nil && g != nil && o.asNode(f) && f.Spec.NodeName != "" && f.Spec.NodeName == g.Spec.NodeName
}

func TestTierEngineMatchesOracle(t *testing.T) {
	rapid.Check(t, propTierEngineMatchesOracle)
}

func FuzzTierEngineMatchesOracle(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propTierEngineMatchesOracle))
}

// pairsOf returns every allowed pair of the matrix of c, rendered.
func pairsOf(t *rapid.T, c simulate.Cluster) []string {
	m := compile(t, c, true)
	var out []string
	for p := range m.Matrix().All() {
		out = append(out, p.From.String()+" → "+p.To.String()+" "+p.Ports.String())
	}
	return out
}

// TestTierAdminDenyAllEmptiesMatrix: an Admin tier policy at the highest
// precedence that denies everything leaves no connection between pods that
// are not hostNetwork (which are not subjects and not matched by namespace
// peers), whatever NetworkPolicies and other cluster policies say.
func TestTierAdminDenyAllEmptiesMatrix(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.TieredCluster().Draw(t, "cluster")
		deny := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "aaa-deny-all"}}
		deny.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: v1beta1.AdminTier, Priority: 0,
			Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: &metav1.LabelSelector{}},
			Ingress: []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}}},
		}
		c.ClusterNetworkPolicies = append(slices.Clone(c.ClusterNetworkPolicies), deny)
		m := compile(t, c, true)
		for p := range m.Matrix().All() {
			if !mustPodX(m.PodObject(p.From)).Spec.HostNetwork && !mustPodX(m.PodObject(p.To)).Spec.HostNetwork {
				t.Fatalf("%s → %s on %s survives an Admin deny-all\n%s", p.From, p.To, p.Ports, describeTiers(c))
			}
		}
	})
}

// TestTierBaselineNeverOverridesNetworkPolicy: removing every Baseline tier
// policy (the drawn ones and a Baseline deny-all) changes no pair whose
// sender a NetworkPolicy isolates for egress and whose receiver one
// isolates for ingress.
func TestTierBaselineNeverOverridesNetworkPolicy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.TieredCluster().Draw(t, "cluster")
		all := &metav1.LabelSelector{}
		denyAll := v1beta1.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "zzz-baseline-deny-all"}}
		denyAll.Spec = v1beta1.ClusterNetworkPolicySpec{Tier: v1beta1.BaselineTier, Priority: 1000,
			Subject: v1beta1.ClusterNetworkPolicySubject{Namespaces: all},
			Ingress: []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: all}}}},
			Egress: []v1beta1.ClusterNetworkPolicyEgressRule{{Action: "Deny", To: []v1beta1.ClusterNetworkPolicyEgressPeer{
				{Namespaces: all}, {Networks: []v1beta1.CIDR{"0.0.0.0/0", "::/0"}}}}},
		}
		c.ClusterNetworkPolicies = append(slices.Clone(c.ClusterNetworkPolicies), denyAll)
		without := c
		without.ClusterNetworkPolicies = slices.DeleteFunc(slices.Clone(c.ClusterNetworkPolicies), func(p v1beta1.ClusterNetworkPolicy) bool {
			return p.Spec.Tier == v1beta1.BaselineTier
		})
		without.BaselineAdminNetworkPolicies = nil
		m, m0 := compile(t, c, true), compile(t, without, true)
		isolated := func(id simulate.PodID, d int) bool {
			in, eg, err := m.Selecting(id)
			if err != nil {
				t.Fatal(err)
			}
			if d == 0 {
				return len(in) > 0
			}
			return len(eg) > 0
		}
		for _, a := range m.Pods() {
			for _, b := range m.Pods() {
				if !isolated(a, 1) || !isolated(b, 0) {
					continue
				}
				if got, want := mustPortsX(m.Matrix().Ports(a, b)), mustPortsX(m0.Matrix().Ports(a, b)); !got.Equal(want) {
					t.Fatalf("%s → %s: %s with Baseline policies, %s without\n%s", a, b, got, want, describeTiers(c))
				}
			}
		}
	})
}

// TestTierRaisingAcceptNeverRemoves: moving an Accept rule of a cluster
// policy before the rules that came before it never removes a connection.
func TestTierRaisingAcceptNeverRemoves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.TieredCluster().Draw(t, "cluster")
		type cand struct{ p, r int }
		var cands []cand
		for i, p := range c.ClusterNetworkPolicies {
			for j, r := range p.Spec.Egress {
				if r.Action == "Accept" && j > 0 {
					cands = append(cands, cand{i, j})
				}
			}
			for j, r := range p.Spec.Ingress {
				if r.Action == "Accept" && j > 0 {
					cands = append(cands, cand{i, -j - 1})
				}
			}
		}
		if len(cands) == 0 {
			t.Skip("no Accept rule after another rule")
		}
		pick := rapid.SampledFrom(cands).Draw(t, "rule")
		raised := c
		raised.ClusterNetworkPolicies = slices.Clone(c.ClusterNetworkPolicies)
		p := raised.ClusterNetworkPolicies[pick.p].DeepCopy()
		if pick.r >= 0 {
			r := p.Spec.Egress[pick.r]
			p.Spec.Egress = append([]v1beta1.ClusterNetworkPolicyEgressRule{r}, slices.Delete(p.Spec.Egress, pick.r, pick.r+1)...)
		} else {
			j := -pick.r - 1
			r := p.Spec.Ingress[j]
			p.Spec.Ingress = append([]v1beta1.ClusterNetworkPolicyIngressRule{r}, slices.Delete(p.Spec.Ingress, j, j+1)...)
		}
		raised.ClusterNetworkPolicies[pick.p] = *p
		m, m2 := compile(t, c, true), compile(t, raised, true)
		for pair := range m.Matrix().All() {
			after := mustPortsX(m2.Matrix().Ports(pair.From, pair.To))
			if !after.Intersect(pair.Ports).Equal(pair.Ports) {
				t.Fatalf("%s → %s: %s before raising, %s after\n%s", pair.From, pair.To, pair.Ports, after, describeTiers(c))
			}
		}
	})
}

// TestTierANPEqualsCNP: replacing every Admin tier ClusterNetworkPolicy by
// the equivalent AdminNetworkPolicy gives the same matrix.
func TestTierANPEqualsCNP(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.TieredCluster().Draw(t, "cluster")
		c.AdminNetworkPolicies = nil
		converted := c
		converted.ClusterNetworkPolicies = nil
		converted.AdminNetworkPolicies = []v1alpha1.AdminNetworkPolicy{}
		for _, p := range c.ClusterNetworkPolicies {
			if p.Spec.Tier == v1beta1.AdminTier {
				converted.AdminNetworkPolicies = append(converted.AdminNetworkPolicies, fuzz.ANPOf(&p))
			} else {
				converted.ClusterNetworkPolicies = append(converted.ClusterNetworkPolicies, p)
			}
		}
		if got, want := pairsOf(t, converted), pairsOf(t, c); !slices.Equal(got, want) {
			t.Fatalf("matrix with AdminNetworkPolicies:\n%s\nwith ClusterNetworkPolicies:\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), describeTiers(c))
		}
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// TestTierExposureMatchesCheck: with tiered policies, what Exposure says a
// pod may reach outside the cluster is what Check says, address by address
// and port by port (Deny rules carve holes into the address space).
func TestTierExposureMatchesCheck(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.TieredCluster().Draw(t, "cluster")
		m := compile(t, c, rapid.Bool().Draw(t, "ipBlock matches pods"))
		pts := rapid.SliceOfNDistinct(rapid.SampledFrom(tierPortPoints(c)), 1, 4, rapid.ID[int32]).Draw(t, "ports")
		var outside []netip.Addr
		for _, a := range tierProbeAddrs(c) {
			if oracleResolve(c, ipEnd(a)) == nil {
				outside = append(outside, a)
			}
		}
		for _, e := range m.Exposure() {
			for _, a := range outside {
				for _, proto := range protocols {
					for _, p := range pts {
						exposed := slices.ContainsFunc(e.Outbound, func(acc simulate.Access) bool {
							return acc.Ports.Contains(proto, p) && (acc.Sources.Any || slices.ContainsFunc(acc.Sources.Blocks, func(b policy.IPBlock) bool { return b.Contains(a) }))
						})
						v := check(t, m, simulate.Pod(e.Pod.Namespace, e.Pod.Name), simulate.IP(a), simulate.PortSpec{Protocol: proto, Start: p, End: p})
						if exposed != v.Allowed {
							t.Fatalf("%s → %s on %s/%d: Exposure says %v (%v), Check says %v\n%s", e.Pod, a, proto, p, exposed, e.Outbound, v, describeTiers(c))
						}
					}
				}
			}
		}
	})
}
