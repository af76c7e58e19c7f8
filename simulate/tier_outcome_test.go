package simulate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// Groups that the same tiered policies select share the tiers' outcome,
// except where a tiered rule's named port stands for other numbers at each
// subject: web-0 serves http on 8080, api-0 on 9090, and one Admin policy
// accepts http from the client and denies the rest. Each must be open on
// its own number only, however the outcome is shared.
func TestTierOutcomeNamedPortPerSubject(t *testing.T) {
	c := Cluster{
		Namespaces: []corev1.Namespace{mkNs("app", nil)},
		Pods: []corev1.Pod{
			mkPod("app", "web-0", "10.0.0.1", map[string]string{"app": "web", "tier": "front"}, cport("http", corev1.ProtocolTCP, 8080)),
			mkPod("app", "api-0", "10.0.0.2", map[string]string{"app": "api", "tier": "front"}, cport("http", corev1.ProtocolTCP, 9090)),
			mkPod("app", "client-0", "10.0.0.3", map[string]string{"app": "client"}),
		},
		ClusterNetworkPolicies: []v1beta1.ClusterNetworkPolicy{
			cnp("front", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Subject.Namespaces = nil
				s.Subject.Pods = &v1beta1.NamespacedPod{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"tier": "front"}}}
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{
					{Action: "Accept", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Pods: &v1beta1.NamespacedPod{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "client"}}}}},
						Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "http"}}},
					{Action: "Deny", From: []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}},
				}
			}),
		},
	}
	m := mustCompile(t, c)
	mx := m.Matrix()
	for _, tc := range []struct {
		to   string
		want PortSet
	}{{"web-0", NewPortSet(PortRange{Protocol: corev1.ProtocolTCP, Start: 8080, End: 8080})}, {"api-0", NewPortSet(PortRange{Protocol: corev1.ProtocolTCP, Start: 9090, End: 9090})}} {
		got, err := mx.Ports(PodID{"app", "client-0"}, PodID{"app", tc.to})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want.String(), got.String()); diff != "" {
			t.Errorf("client-0 → %s (-want +got):\n%s", tc.to, diff)
		}
	}
}

// A tiered named port stands for every container port of that name, as a
// NetworkPolicy's does (one rule for all policies, see resolve.go): a pod
// whose two containers both name a port http (80 and 53) is denied on both.
func TestTierNamedPortEveryMatch(t *testing.T) {
	target := mkPod("app", "web-0", "10.0.0.1", map[string]string{"app": "web"}, cport("http", corev1.ProtocolTCP, 80))
	target.Spec.Containers = append(target.Spec.Containers, corev1.Container{Name: "side", Ports: []corev1.ContainerPort{cport("http", corev1.ProtocolTCP, 53)}})
	c := Cluster{
		Namespaces: []corev1.Namespace{mkNs("app", nil)},
		Pods:       []corev1.Pod{target, mkPod("app", "client-0", "10.0.0.3", map[string]string{"app": "client"})},
		ClusterNetworkPolicies: []v1beta1.ClusterNetworkPolicy{
			cnp("deny-http", v1beta1.AdminTier, 1, func(s *v1beta1.ClusterNetworkPolicySpec) {
				s.Ingress = []v1beta1.ClusterNetworkPolicyIngressRule{{Action: "Deny",
					From:      []v1beta1.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}},
					Protocols: []v1beta1.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "http"}}}}
			}),
		},
	}
	m := mustCompile(t, c)
	for _, port := range []int32{80, 53} {
		v, err := m.Check(Pod("app", "client-0"), Pod("app", "web-0"), TCP(port))
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed {
			t.Errorf("client-0 → web-0 on TCP/%d allowed; the Admin Deny of the named port http covers it", port)
		}
	}
	if v, err := m.Check(Pod("app", "client-0"), Pod("app", "web-0"), TCP(8080)); err != nil || !v.Allowed {
		t.Errorf("client-0 → web-0 on TCP/8080: %v %v, want allowed (no rule names it)", v, err)
	}
}
