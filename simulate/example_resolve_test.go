package simulate_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// A pod whose two containers both name a port http: a policy's named port
// stands for both, a Service's targetPort or a question's named port for
// the first.
func ExampleModel_NamedPorts() {
	pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-0"}}
	pod.Spec.Containers = []corev1.Container{
		{Name: "web", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}},
		{Name: "proxy", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 9090}}},
	}
	m, err := simulate.Compile(simulate.Cluster{Pods: []corev1.Pod{pod}})
	if err != nil {
		panic(err)
	}
	id := simulate.PodID{Namespace: "shop", Name: "web-0"}
	every, _ := m.NamedPorts(id, "http", corev1.ProtocolTCP)
	first, _ := m.NamedPort(id, "http", corev1.ProtocolTCP)
	fmt.Println("a policy's http:", every)
	fmt.Println("a Service's http:", first)
	for _, r := range m.PortNameRepeats() {
		fmt.Println(r.Pod, r.Name, "repeated, conflicting:", r.Conflicting())
	}
	// Output:
	// a policy's http: [8080 9090]
	// a Service's http: 8080
	// shop/web-0 http repeated, conflicting: true
}
