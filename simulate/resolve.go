package simulate

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/policy"
)

// This file is the one place where names and Service selectors are
// resolved. Two rules, each written once:
//
//   - A NetworkPolicy's named port stands for EVERY container port of the
//     destination pod with that name and protocol, in any container
//     ([policyNamedPorts]). The API server rejects a name repeated within
//     one container but only warns when two containers repeat it; opening
//     every such port is the safe side (see [Model.PortNameRepeats]).
//   - A Service's named targetPort, and a question's named port (a
//     [PortSpec] with Name), stand for the FIRST container port with that
//     name and protocol, containers and ports in order, as the endpoints
//     controller resolves a targetPort ([firstNamedPort]).
//
// A Service selects the pods of its namespace whose labels include every
// key and value of spec.selector; a Service without a selector selects none
// (its endpoints are kept by hand) ([labelsInclude]). Of those, the pods
// the endpoints controller would list are its backends: a pod whose status
// reports no address (Pending, say) is left out ([podInfo.mayServe]).

// protocolOf is a container or Service port's protocol, TCP when unset.
func protocolOf(p corev1.Protocol) corev1.Protocol { return cmp.Or(p, corev1.ProtocolTCP) }

// policyNamedPorts returns the numbers a NetworkPolicy port named name
// stands for at pod: every container port (spec.containers) with that name
// and protocol, sorted, without duplicates; numbers outside 1..65535 are
// left out.
func policyNamedPorts(pod *corev1.Pod, name string, proto corev1.Protocol) []int32 {
	var out []int32
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == name && protocolOf(cp.Protocol) == proto && cp.ContainerPort >= 1 && cp.ContainerPort <= 65535 &&
				!slices.Contains(out, cp.ContainerPort) {
				out = append(out, cp.ContainerPort)
			}
		}
	}
	slices.Sort(out)
	return out
}

// firstNamedPort returns the number a Service's named targetPort, or a
// question's named port, stands for at pod: the first container port with
// that name and protocol.
func firstNamedPort(pod *corev1.Pod, name string, proto corev1.Protocol) (int32, bool) {
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == name && protocolOf(cp.Protocol) == proto && cp.ContainerPort >= 1 && cp.ContainerPort <= 65535 {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

// serviceTargetPort resolves a Service port's targetPort at one backend: a
// name by [firstNamedPort], a number as it is, and an unset targetPort as
// the Service port itself. It reports false for a name the backend does not
// serve.
func serviceTargetPort(pod *corev1.Pod, sp corev1.ServicePort) (int32, bool) {
	switch {
	case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
		return firstNamedPort(pod, sp.TargetPort.StrVal, protocolOf(sp.Protocol))
	case sp.TargetPort.Type == intstr.Int && sp.TargetPort.IntVal != 0:
		return sp.TargetPort.IntVal, true
	}
	return sp.Port, true
}

// labelsInclude reports whether labels hold every key and value of want: a
// Service's equality-based selector, and the IngressController option's.
func labelsInclude(labels, want map[string]string) bool {
	for k, v := range want {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// NamedPort returns the number a question's named port, or a Service's
// named targetPort, stands for at pod: its first container port with that
// name and protocol, containers and ports in order. It returns 0 when the
// pod serves no such port, and an error for an unknown pod. See
// [Model.NamedPorts] for what a NetworkPolicy's named port stands for.
func (m *Model) NamedPort(pod PodID, name string, proto corev1.Protocol) (int32, error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return 0, err
	}
	n, _ := firstNamedPort(m.pods[i].pod, name, proto)
	return n, nil
}

// NamedPorts returns the numbers a NetworkPolicy's named port stands for at
// pod: every container port with that name and protocol, in any container
// of spec.containers (a container port without a protocol is TCP), within
// 1..65535, sorted, without duplicates; none (nil) when the pod serves no
// such port. This is what rules resolve named ports to in every verdict of
// the model. proto "" stands for TCP. An unknown pod or a protocol other
// than TCP, UDP and SCTP is an error. It costs O(container ports of the
// pod).
func (m *Model) NamedPorts(pod PodID, name string, proto corev1.Protocol) ([]int32, error) {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	if protoIndex(proto) < 0 {
		return nil, fmt.Errorf("simulate: named port %s/%s: unknown protocol %q", name, proto, proto)
	}
	i, err := m.podIndex(pod)
	if err != nil {
		return nil, err
	}
	return policyNamedPorts(m.pods[i].pod, name, proto), nil
}

// PortNameRepeat is a port name that more than one container of a pod
// uses. NetworkPolicy rules naming it open every one of those ports, while
// Services and questions by name use only the first of its protocol.
type PortNameRepeat struct {
	Pod  PodID
	Name string
	// Ports are every container port of Pod with Name, in the pod's order.
	Ports []NamedContainerPort
}

// NamedContainerPort is one container port that carries a name.
type NamedContainerPort struct {
	// Field is its path in the pod, such as spec.containers[1].ports[0].
	Field     string
	Container string
	Protocol  corev1.Protocol
	Number    int32
}

// Conflicting reports whether r matters to traffic: two ports with the
// name and the same protocol have different numbers, so that a policy
// opens a port that Services by name never send to.
func (r PortNameRepeat) Conflicting() bool {
	for i, a := range r.Ports {
		for _, b := range r.Ports[i+1:] {
			if a.Protocol == b.Protocol && a.Number != b.Number {
				return true
			}
		}
	}
	return false
}

// PortNameRepeats lists, sorted by pod and name, every port name that two
// or more containers of a pod use (the API server only warns about it; a
// name repeated within one container is invalid and not looked for). It
// costs O(container ports).
func (m *Model) PortNameRepeats() []PortNameRepeat {
	var out []PortNameRepeat
	for i := range m.pods {
		pod := m.pods[i].pod
		if len(pod.Spec.Containers) < 2 {
			continue
		}
		byName := map[string][]NamedContainerPort{}
		containers := map[string]map[int]bool{}
		for ci, c := range pod.Spec.Containers {
			for pi, cp := range c.Ports {
				if cp.Name == "" {
					continue
				}
				byName[cp.Name] = append(byName[cp.Name], NamedContainerPort{
					Field:     fmt.Sprintf("spec.containers[%d].ports[%d]", ci, pi),
					Container: c.Name, Protocol: protocolOf(cp.Protocol), Number: cp.ContainerPort})
				if containers[cp.Name] == nil {
					containers[cp.Name] = map[int]bool{}
				}
				containers[cp.Name][ci] = true
			}
		}
		start := len(out)
		for name, ports := range byName {
			if len(containers[name]) > 1 {
				out = append(out, PortNameRepeat{Pod: m.pods[i].id, Name: name, Ports: ports})
			}
		}
		slices.SortFunc(out[start:], func(a, b PortNameRepeat) int { return strings.Compare(a.Name, b.Name) })
	}
	return out
}

// resolveIndexes are the Service and ingress-controller indexes a Model
// builds on first use; the zero value is ready.
type resolveIndexes struct {
	svcOnce     sync.Once
	svcBackends [][]int32 // per Service: the pods it selects, in pod order
	podServices [][]int32 // per pod: the Services that select it, in Service order

	controllerOnce sync.Once
	controllers    []int32 // the ingress controller's pods, in pod order

	addrOnce sync.Once
	addrs    []netip.Addr // the pods' addresses (podByIP), sorted; see podAddrs
}

// serviceIndex returns the backends of every Service and the Services of
// every pod. It costs, once, O(labels of pods under the keys Service
// selectors use) plus, per Service, O(the shortest list of pods carrying
// one of its selector's key=value pairs × its selector's size).
func (m *Model) serviceIndex() ([][]int32, [][]int32) {
	m.svcOnce.Do(func() {
		type nsLabel struct {
			ns   int32
			k, v string
		}
		keys := map[string]bool{}
		for _, s := range m.services {
			for k := range s.Spec.Selector {
				keys[k] = true
			}
		}
		postings := map[nsLabel][]int32{}
		for i := range m.pods {
			pi := &m.pods[i]
			for k, v := range pi.labels {
				if keys[k] {
					key := nsLabel{pi.ns, k, v}
					postings[key] = append(postings[key], int32(i))
				}
			}
		}
		m.svcBackends = make([][]int32, len(m.services))
		m.podServices = make([][]int32, len(m.pods))
		for si, s := range m.services {
			ns, ok := m.nsByName[s.Namespace]
			if !ok || len(s.Spec.Selector) == 0 {
				continue
			}
			var shortest []int32
			first := true
			for k, v := range s.Spec.Selector {
				if l := postings[nsLabel{ns, k, v}]; first || len(l) < len(shortest) {
					shortest, first = l, false
				}
			}
			for _, p := range shortest {
				if labelsInclude(m.pods[p].labels, s.Spec.Selector) && m.pods[p].mayServe() {
					m.svcBackends[si] = append(m.svcBackends[si], p)
					m.podServices[p] = append(m.podServices[p], int32(si))
				}
			}
		}
	})
	return m.svcBackends, m.podServices
}

// mayServe reports whether the endpoints controller would list the pod
// behind a Service that selects it: it has an address, or it has no status
// at all. The controller leaves out a pod without status.podIP and
// status.podIPs; a pod whose status is empty (phase unset: a manifest, or
// a pod made from a workload's template) stands for the pod once it runs,
// with an address. Readiness is not modelled: manifests rarely carry
// conditions, so a pod that is not Ready still counts.
func (pi *podInfo) mayServe() bool {
	return len(pi.ips) > 0 || pi.pod.Status.Phase == ""
}

// serviceSelects reports whether Service si selects pod p.
func (m *Model) serviceSelects(si, p int32) bool {
	backends, _ := m.serviceIndex()
	_, ok := slices.BinarySearch(backends[si], p)
	return ok
}

// serviceByID returns the index of a Service; an unknown one is a
// *NotFoundError with the nearest Services.
func (m *Model) serviceByID(id ObjectID) (int32, error) {
	i, ok := m.svcByID[id]
	if !ok {
		names := make([]string, len(m.services))
		for i, s := range m.services {
			names[i] = s.Namespace + "/" + s.Name
		}
		return 0, &NotFoundError{What: "service", Name: id.String(), Suggestions: suggest(id.String(), names)}
	}
	return i, nil
}

// Backends returns the pods the Service svc selects in its namespace,
// sorted; none (nil) for a Service without a selector. As the endpoints controller does,
// it leaves out a pod whose status holds no address (status.podIP and
// status.podIPs empty while status.phase is set, as for a Pending pod); a
// pod without any status (from a manifest or a workload's template) stands
// for the pod once it runs and is a backend. Readiness is not modelled: a
// pod that is not Ready still counts. An unknown Service is a
// *[NotFoundError]. The first call indexes every Service (see
// [Model.ServicePorts]); each call then costs O(backends).
func (m *Model) Backends(svc ObjectID) ([]PodID, error) {
	si, err := m.serviceByID(svc)
	if err != nil {
		return nil, err
	}
	backends, _ := m.serviceIndex()
	if len(backends[si]) == 0 {
		return nil, nil
	}
	out := make([]PodID, len(backends[si]))
	for i, p := range backends[si] {
		out[i] = m.pods[p].id
	}
	return out, nil
}

// ServiceTarget is where one port of a Service leads at one backend pod.
type ServiceTarget struct {
	Backend PodID
	// Index is the position of the Service port in spec.ports.
	Index    int
	Protocol corev1.Protocol
	// Name is the targetPort when it is a name; empty for a number.
	Name string
	// Port is the container port the traffic reaches: the first container
	// port of Backend with Name and Protocol for a named targetPort (0 when
	// Backend serves none), else targetPort's number, or the Service port
	// itself when targetPort is unset.
	Port int32
}

// ServicePorts returns, for every backend of the Service svc (see
// [Model.Backends]) and every port of the Service, where the port leads,
// sorted by backend and then Index; none (nil) for a Service without
// backends. An unknown Service is a *[NotFoundError]. The first call of
// ServicePorts or Backends indexes the Services of the whole model, once;
// each call then costs O(backends × ports × container ports).
func (m *Model) ServicePorts(svc ObjectID) ([]ServiceTarget, error) {
	si, err := m.serviceByID(svc)
	if err != nil {
		return nil, err
	}
	backends, _ := m.serviceIndex()
	obj := m.services[si]
	var out []ServiceTarget
	for _, p := range backends[si] {
		for j, sp := range obj.Spec.Ports {
			t := ServiceTarget{Backend: m.pods[p].id, Index: j, Protocol: protocolOf(sp.Protocol)}
			if sp.TargetPort.Type == intstr.String {
				t.Name = sp.TargetPort.StrVal
			}
			t.Port, _ = serviceTargetPort(m.pods[p].pod, sp)
			out = append(out, t)
		}
	}
	return out, nil
}

// ingressControllers returns the pods the IngressController option names,
// in pod order: those of its namespace whose labels include all of its
// labels (none when it gives no labels).
func (m *Model) ingressControllers() []int32 {
	m.controllerOnce.Do(func() {
		if len(m.opts.controllerLabels) == 0 {
			return
		}
		for _, i := range m.podsOfNamespace(m.opts.controllerNs) {
			if labelsInclude(m.pods[i].labels, m.opts.controllerLabels) {
				m.controllers = append(m.controllers, i)
			}
		}
	})
	return m.controllers
}

// IngressControllers returns the pods that implement Ingress objects, as
// the [IngressController] option names them, sorted. Exposure routes
// Ingress traffic through them. It costs O(pods of the controller's
// namespace) once.
func (m *Model) IngressControllers() []PodID {
	var out []PodID
	for _, i := range m.ingressControllers() {
		out = append(out, m.pods[i].id)
	}
	return out
}

// podsOfNamespace returns the indices of the pods of namespace ns; pods are
// sorted by namespace, so they are one run found by binary search.
func (m *Model) podsOfNamespace(ns string) []int32 {
	lo, _ := slices.BinarySearchFunc(m.pods, ns, func(p podInfo, ns string) int { return strings.Compare(p.id.Namespace, ns) })
	var out []int32
	for i := lo; i < len(m.pods) && m.pods[i].id.Namespace == ns; i++ {
		out = append(out, int32(i))
	}
	return out
}

// PodsWithLabels returns the pods of namespace whose labels include every
// key and value of labels (as a Service's selector selects), sorted; every
// pod of the namespace when labels is empty. A namespace the model does not
// know holds no pods, so the result is empty rather than an error: callers
// (Services, lint settings) may name a namespace that has no objects. It
// costs O(pods of namespace × len(labels)).
func (m *Model) PodsWithLabels(namespace string, labels map[string]string) []PodID {
	var out []PodID
	for _, i := range m.podsOfNamespace(namespace) {
		if labelsInclude(m.pods[i].labels, labels) {
			out = append(out, m.pods[i].id)
		}
	}
	return out
}

// rulePorts returns the ports a rule allows toward the pod dest, its named
// ports resolved there by policyNamedPorts; nil dest is an address outside
// the cluster, where a named port matches nothing.
func rulePorts(r policy.Rule, dest *corev1.Pod) PortSet {
	if r.Ports == nil {
		return AllPorts()
	}
	var ranges []PortRange
	for _, p := range r.Ports {
		if p.Name == "" {
			ranges = append(ranges, PortRange{p.Protocol, p.Start, p.End})
			continue
		}
		if dest != nil {
			for _, n := range policyNamedPorts(dest, p.Name, p.Protocol) {
				ranges = append(ranges, PortRange{p.Protocol, n, n})
			}
		}
	}
	return NewPortSet(ranges...)
}

// RulePorts returns the ports a rule allows toward the pod dest, its named
// ports resolved at dest as in every verdict (see [Model.NamedPorts]). The
// zero PodID stands for an address outside the cluster, where a named port
// matches nothing. An unknown policy, direction, rule or pod is an error
// (an unknown policy or pod a *[NotFoundError]).
// It says nothing of whether the rule's peers admit anyone; see
// [Model.RulePeers].
func (m *Model) RulePorts(ref RuleRef, dest PodID) (PortSet, error) {
	pi, d, err := m.ruleIndex(ref)
	if err != nil {
		return PortSet{}, err
	}
	var pod *corev1.Pod
	if dest != (PodID{}) {
		i, err := m.podIndex(dest)
		if err != nil {
			return PortSet{}, err
		}
		pod = m.pods[i].pod
	}
	return rulePorts(m.rules(pi, d)[ref.Index], pod), nil
}

// EgressToUnknown returns the ports on which the egress policies of from
// may let it reach pod, a pod the model does not hold (cluster DNS, when
// the manifests describe only the application). Neither pod's address nor
// its namespace's labels are known, so a rule counts when one of its peers
// could match it: any peer when the rule has none; an ipBlock (the address
// might be in it; only when ipBlocks match pods, see [IPBlockMatchesPods]);
// a podSelector without namespaceSelector when pod is in the policy's
// namespace and matches; a namespaceSelector with a podSelector that
// matches pod, whatever the namespaceSelector. Named ports resolve at pod
// as every policy's named port does ([Model.NamedPorts]). A pod no policy
// isolates for egress may reach it on every port. An unknown from is an
// error. It costs O(rules of from's egress policies × their peers).
func (m *Model) EgressToUnknown(from PodID, pod *corev1.Pod) (PortSet, error) {
	i, err := m.podIndex(from)
	if err != nil {
		return PortSet{}, err
	}
	g := m.dir[egress].group[m.podClass[i]]
	if g < 0 {
		return AllPorts(), nil
	}
	var out PortSet
	for _, pi := range m.dir[egress].policies[g] {
		p := m.policies[pi]
		for _, r := range p.EgressRules {
			if m.mayAdmitUnknown(p, r, pod) {
				out = out.Union(rulePorts(r, pod))
			}
		}
	}
	return out, nil
}

// mayAdmitUnknown reports whether a peer of r, a rule of p, could match
// pod, whose address and namespace labels are unknown.
func (m *Model) mayAdmitUnknown(p *policy.Policy, r policy.Rule, pod *corev1.Pod) bool {
	if r.Peers == nil {
		return true
	}
	for _, peer := range r.Peers {
		switch {
		case peer.IPBlock != nil:
			if m.opts.ipBlockPods {
				return true
			}
		case peer.Pods.SameNamespace:
			if p.Namespace == pod.Namespace && peer.Pods.Pods.Matches(pod.Labels) {
				return true
			}
		case peer.Pods.Pods.Matches(pod.Labels):
			return true
		}
	}
	return false
}
