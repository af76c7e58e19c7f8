package simulate_test

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

func ExampleModel_NodeAddresses() {
	c := exampleCluster()
	c.Pods[2].Spec.NodeName = "node-1"
	var n corev1.Node
	n.Name = "node-1"
	n.Status.Addresses = []corev1.NodeAddress{
		{Type: corev1.NodeHostName, Address: "node-1"},
		{Type: corev1.NodeInternalIP, Address: "172.16.0.1"},
		{Type: corev1.NodeExternalIP, Address: "198.51.100.1"},
	}
	c.Nodes = []corev1.Node{n}
	m, err := simulate.Compile(c)
	if err != nil {
		panic(err)
	}
	addrs, _ := m.NodeAddresses(simulate.PodID{Namespace: "shop", Name: "db-0"})
	fmt.Println(addrs)
	// Node traffic: the node reaches its pod on a port the policy closes.
	v, _ := m.Check(simulate.IP(netip.MustParseAddr("172.16.0.1")), simulate.Pod("shop", "db-0"), simulate.TCP(22))
	fmt.Println(v.Allowed)
	// Output:
	// [172.16.0.1 198.51.100.1]
	// true
}

func ExampleHostNetworkPods() {
	c := exampleCluster()
	c.Pods[1].Spec.HostNetwork = true // api-1 runs on its node's network
	for _, mode := range []simulate.HostNetworkMode{simulate.HostNetworkAsNode, simulate.HostNetworkAsPod} {
		m, err := simulate.Compile(c, simulate.HostNetworkPods(mode))
		if err != nil {
			panic(err)
		}
		// db-allow-api admits pods labelled app=api: does it admit api-1?
		v, _ := m.Check(simulate.Pod("shop", "api-1"), simulate.Pod("shop", "db-0"), simulate.TCP(5432))
		fmt.Println(mode, v.Allowed)
	}
	// Output:
	// node false
	// pod true
}

func ExampleModel_ClassAddressAccess() {
	c := exampleCluster()
	db1 := *c.Pods[2].DeepCopy()
	db1.Name = "db-1"
	c.Pods = append(c.Pods, db1)
	c.Pods[2].Spec.NodeName, c.Pods[3].Spec.NodeName = "node-1", "node-2"
	for i, name := range []string{"node-1", "node-2"} {
		var n corev1.Node
		n.Name = name
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("172.16.0.%d", i+1)}}
		c.Nodes = append(c.Nodes, n)
	}
	m, err := simulate.Compile(c)
	if err != nil {
		panic(err)
	}
	db0, db1ID := simulate.PodID{Namespace: "shop", Name: "db-0"}, simulate.PodID{Namespace: "shop", Name: "db-1"}
	class, _ := m.ClassOf(db0)
	// What the class's policies admit from outside: nothing.
	part, _ := m.ClassAddressAccess(class, simulate.Outside(), simulate.Ingress)
	for _, p := range part {
		fmt.Println(p.Addresses, p.Ports)
	}
	// What each pod's own node adds, on every port.
	for _, pod := range []simulate.PodID{db0, db1ID} {
		nodes, _ := m.NodeTrafficFrom(pod, simulate.Outside())
		fmt.Println(pod, nodes)
	}
	// Output:
	// 0.0.0.0/0 none
	// ::/0 none
	// shop/db-0 [172.16.0.1/32]
	// shop/db-1 [172.16.0.2/32]
}
