package simulate_test

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// oracleLeftToDefault reports whether the connection of direction dir at
// subject with the pod remote on (proto, port) is decided by no policy: the
// subject is a policy subject under o, no NetworkPolicy isolates it for
// dir, and neither tier's first matching rule is an Accept or a Deny.
func oracleLeftToDefault(c simulate.Cluster, tiers []oTierPolicy, o oracleOpts, dir networkingv1.PolicyType, subject, remote *corev1.Pod, proto corev1.Protocol, port int32) bool {
	if o.asNode(subject) {
		return true
	}
	if oracleIsolated(c, dir, subject) {
		return false
	}
	dest := remote
	if dir == networkingv1.PolicyTypeIngress {
		dest = subject
	}
	for _, admin := range []bool{true, false} {
		switch oracleTierVerdict(c, tiers, o, admin, dir, subject, remote, netip.Addr{}, dest, proto, port) {
		case "Accept", "Deny":
			return false
		}
	}
	return true
}

// propLeftToDefault: for every pod, direction and remote pod, the class of
// the remote pod is in Model.LeftToDefault exactly when, on some protocol
// and port, the tier oracle finds the connection decided by no policy;
// under either IPBlockMatchesPods and either HostNetworkPods mode.
func propLeftToDefault(t *rapid.T) {
	c := fuzz.TieredCluster().Draw(t, "cluster")
	o := defaultOracleOpts(rapid.Bool().Draw(t, "ipBlock matches pods"))
	o.hostPods = rapid.Bool().Draw(t, "hostNetwork pods as pods")
	m := compileOpts(t, c, o)
	tiers := oracleTierPolicies(c)
	pts := tierPortPoints(c)
	classOf := map[simulate.PodID]simulate.ClassID{}
	for _, cl := range m.Classes() {
		for _, id := range cl.Pods {
			classOf[id] = cl.ID
		}
	}
	for _, d := range []simulate.Direction{simulate.Ingress, simulate.Egress} {
		dir := networkingv1.PolicyTypeIngress
		if d == simulate.Egress {
			dir = networkingv1.PolicyTypeEgress
		}
		for _, s := range m.Pods() {
			got, err := m.LeftToDefault(s, d)
			if err != nil {
				t.Fatalf("LeftToDefault(%s, %s): %v", s, d, err)
			}
			subject := oracleResolve(c, podEnd(s))
			for _, r := range m.Pods() {
				remote := oracleResolve(c, podEnd(r))
				want := false
				for _, proto := range protocols {
					for _, p := range pts {
						if oracleLeftToDefault(c, tiers, o, dir, subject, remote, proto, p) {
							want = true
							break
						}
					}
				}
				if got.Has(classOf[r]) != want {
					t.Fatalf("%s at %s with %s (hostNetwork pods as pods %v): LeftToDefault has it %v, oracle says %v\n%s",
						d, s, r, o.hostPods, !want, want, describeTiers(c))
				}
			}
		}
	}
}

func TestLeftToDefault(t *testing.T) { rapid.Check(t, propLeftToDefault) }

func FuzzLeftToDefault(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propLeftToDefault)) }

func TestLeftToDefaultErrors(t *testing.T) {
	m, err := simulate.Compile(simulate.Cluster{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LeftToDefault(simulate.PodID{Namespace: "ns", Name: "ghost"}, simulate.Ingress); err == nil {
		t.Error("LeftToDefault of an unknown pod: no error")
	}
}
