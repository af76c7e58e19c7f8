package simulate

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// NamedPort returns the numbers a pod serves under a port name, as a
// policy's named port resolves at that pod: a policy's named port matches
// every container port of the pod with that name and protocol, in any
// container of spec.containers (a container port without a protocol is
// TCP). Numbers outside 1..65535 are left out. The result is sorted and
// without repeats; it is empty (nil) when the pod serves no such name.
//
// proto "" stands for TCP. It returns an error for an unknown pod or a
// protocol other than TCP, UDP and SCTP. It costs O(container ports of the
// pod).
func (m *Model) NamedPort(pod PodID, name string, proto corev1.Protocol) ([]int32, error) {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	if !slices.Contains(Protocols, proto) {
		return nil, fmt.Errorf("simulate: named port %s/%s: unknown protocol %q", name, proto, proto)
	}
	p := m.PodObject(pod)
	if p == nil {
		return nil, fmt.Errorf("simulate: no pod %s", pod)
	}
	if name == "" {
		return nil, nil
	}
	var out []int32
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			cproto := cp.Protocol
			if cproto == "" {
				cproto = corev1.ProtocolTCP
			}
			if cp.Name == name && cproto == proto && cp.ContainerPort >= 1 && cp.ContainerPort <= 65535 {
				out = append(out, cp.ContainerPort)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
