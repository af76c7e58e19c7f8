package simulate_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/simulate"
)

// servePod is a pod whose containers serve the given ports.
func servePod(ns, name string, containers ...[]corev1.ContainerPort) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": name}}}
	for i, ports := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: fmt.Sprintf("c%d", i), Ports: ports})
	}
	return p
}

func TestNamedPorts(t *testing.T) {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	c := simulate.Cluster{Pods: []corev1.Pod{
		servePod("ns", "two", []corev1.ContainerPort{{Name: "http", ContainerPort: 9090}, {Name: "dns", ContainerPort: 53, Protocol: udp}},
			[]corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: tcp}, {Name: "http", ContainerPort: 9090}, {Name: "http", ContainerPort: 70000}}),
		servePod("ns", "none"),
	}}
	m, err := simulate.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	two, none := simulate.PodID{Namespace: "ns", Name: "two"}, simulate.PodID{Namespace: "ns", Name: "none"}
	for _, tc := range []struct {
		pod   simulate.PodID
		name  string
		proto corev1.Protocol
		want  []int32
	}{
		{two, "http", tcp, []int32{8080, 9090}}, // every container, sorted, once, in range
		{two, "http", "", []int32{8080, 9090}},  // "" is TCP
		{two, "http", udp, nil},                 // the protocol must match too
		{two, "dns", udp, []int32{53}},
		{two, "dns", tcp, nil},
		{two, "", tcp, nil},
		{none, "http", tcp, nil},
	} {
		got, err := m.NamedPorts(tc.pod, tc.name, tc.proto)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("NamedPorts(%s, %s, %s) (-want +got):\n%s", tc.pod, tc.name, tc.proto, diff)
		}
	}
	if _, err := m.NamedPorts(simulate.PodID{Namespace: "ns", Name: "ghost"}, "http", tcp); err == nil {
		t.Error("NamedPorts of an unknown pod: no error")
	}
	if _, err := m.NamedPorts(two, "http", "ICMP"); err == nil {
		t.Error("NamedPorts with protocol ICMP: no error")
	}
}

// TestNamedPortIsTheEngines: a policy that admits a named port from any
// peer lets another pod reach exactly the numbers NamedPorts gives, in the
// matrix the engine computes.
func TestNamedPortIsTheEngines(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := []string{"http", "metrics"}
		protos := []corev1.Protocol{"", corev1.ProtocolTCP, corev1.ProtocolUDP}
		var containers [][]corev1.ContainerPort
		for range rapid.IntRange(1, 3).Draw(t, "containers") {
			var ports []corev1.ContainerPort
			for range rapid.IntRange(0, 3).Draw(t, "ports") {
				ports = append(ports, corev1.ContainerPort{
					Name:          rapid.SampledFrom(names).Draw(t, "name"),
					Protocol:      rapid.SampledFrom(protos).Draw(t, "protocol"),
					ContainerPort: rapid.Int32Range(80, 84).Draw(t, "number"),
				})
			}
			containers = append(containers, ports)
		}
		name := rapid.SampledFrom(names).Draw(t, "policy port name")
		proto := rapid.SampledFrom([]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP}).Draw(t, "policy protocol")
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "named"}}
		np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "server"}}
		port := intstr.FromString(name)
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &proto, Port: &port}}}}
		c := simulate.Cluster{
			Pods:            []corev1.Pod{servePod("ns", "server", containers...), servePod("ns", "client")},
			NetworkPolicies: []networkingv1.NetworkPolicy{np},
		}
		m, err := simulate.Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		server := simulate.PodID{Namespace: "ns", Name: "server"}
		nums, err := m.NamedPorts(server, name, proto)
		if err != nil {
			t.Fatal(err)
		}
		var ranges []simulate.PortRange
		for _, n := range nums {
			ranges = append(ranges, simulate.PortRange{Protocol: proto, Start: n, End: n})
		}
		want := simulate.NewPortSet(ranges...)
		got := mustPortsX(m.Matrix().Ports(simulate.PodID{Namespace: "ns", Name: "client"}, server))
		if !got.Equal(want) {
			t.Fatalf("matrix allows %s, NamedPorts(%s/%s) = %v", got, name, proto, nums)
		}
		if !slices.IsSorted(nums) || len(slices.Compact(slices.Clone(nums))) != len(nums) {
			t.Fatalf("NamedPorts = %v: not sorted or repeats", nums)
		}
	})
}

func ExampleModel_NamedPorts_protocol() {
	pod := servePod("shop", "web",
		[]corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		[]corev1.ContainerPort{{Name: "http", ContainerPort: 9090}, {Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}})
	m, err := simulate.Compile(simulate.Cluster{Pods: []corev1.Pod{pod}})
	if err != nil {
		panic(err)
	}
	web := simulate.PodID{Namespace: "shop", Name: "web"}
	http, _ := m.NamedPorts(web, "http", corev1.ProtocolTCP)
	dns, _ := m.NamedPorts(web, "dns", corev1.ProtocolTCP)
	fmt.Println(http, dns)
	// Output: [8080 9090] []
}
