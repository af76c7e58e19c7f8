package simulate_test

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// mustPortsX returns the ports of a Matrix.Ports call whose pods the test
// knows exist; an error is a bug in the test, so it panics.
func mustPortsX(p simulate.PortSet, err error) simulate.PortSet {
	if err != nil {
		panic(err)
	}
	return p
}

// mustPodX is mustPortsX for Model.PodObject.
func mustPodX(p *corev1.Pod, err error) *corev1.Pod {
	if err != nil {
		panic(err)
	}
	return p
}
