package simulate

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/policy"
)

// PodObject returns the pod object the model was built from, or nil for an
// unknown pod. The object is shared: callers must not change it.
func (m *Model) PodObject(id PodID) *corev1.Pod {
	i, ok := m.podByID[id]
	if !ok {
		return nil
	}
	return m.pods[i].pod
}

// Selecting returns the policies that isolate pod for ingress and those that
// isolate it for egress, each sorted by namespace and name; both are empty
// for a pod no policy selects. The policies are shared: callers must not
// change them.
func (m *Model) Selecting(pod PodID) (ingressPolicies, egressPolicies []*policy.Policy, err error) {
	i, ok := m.podByID[pod]
	if !ok {
		return nil, nil, fmt.Errorf("simulate: no pod %s", pod)
	}
	out := [2][]*policy.Policy{}
	c := m.podClass[i]
	for d := range m.dir {
		if g := m.dir[d].group[c]; g >= 0 {
			for _, pi := range m.dir[d].policies[g] {
				out[d] = append(out[d], m.policies[pi])
			}
		}
	}
	return out[ingress], out[egress], nil
}
