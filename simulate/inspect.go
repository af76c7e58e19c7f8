package simulate

import (
	"fmt"
	"iter"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/policy"
)

// PodObject returns the pod object the model was built from; an unknown pod
// is an error. The object is shared: callers must not change it.
func (m *Model) PodObject(id PodID) (*corev1.Pod, error) {
	i, err := m.podIndex(id)
	if err != nil {
		return nil, err
	}
	return m.pods[i].pod, nil
}

// NodeAddresses returns the addresses of the node pod runs on: the
// InternalIP and ExternalIP addresses of the Node object named by its
// spec.nodeName, sorted, without duplicates; none (nil) for a pod not
// scheduled or whose Node the model does not hold. With [NodeTraffic] (the
// default) each of them reaches the pod on every port. The addresses of the
// NodeAddresses option name no node and are not among them. An unknown pod
// is an error. It costs O(addresses of the node).
func (m *Model) NodeAddresses(pod PodID) ([]netip.Addr, error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return nil, err
	}
	addrs := m.nodeByName[m.pods[i].pod.Spec.NodeName]
	if len(addrs) == 0 {
		return nil, nil
	}
	out := slices.Clone(addrs)
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out), nil
}

// Selecting returns the policies that isolate pod for ingress and those that
// isolate it for egress, each sorted by namespace and name; both are empty
// for a pod no policy selects. The policies are shared: callers must not
// change them.
func (m *Model) Selecting(pod PodID) (ingressPolicies, egressPolicies []*policy.Policy, err error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return nil, nil, err
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

// Policies returns the compiled policies of the model, sorted by namespace
// and name. They are shared: callers must not change them.
func (m *Model) Policies() []*policy.Policy { return slices.Clone(m.policies) }

// policyIndex finds a NetworkPolicy by ID; an unknown one is a
// *NotFoundError with the nearest policies.
func (m *Model) policyIndex(id ObjectID) (int32, error) {
	i, found := slices.BinarySearchFunc(m.policies, id, func(p *policy.Policy, t ObjectID) int {
		return cmpID(ObjectID{p.Namespace, p.Name}, t)
	})
	if !found {
		names := make([]string, len(m.policies))
		for i, p := range m.policies {
			names[i] = p.ID()
		}
		return 0, &NotFoundError{What: "NetworkPolicy", Name: id.String(), Suggestions: suggest(id.String(), names)}
	}
	return int32(i), nil
}

// policyID returns the ID of the policy with index pi.
func (m *Model) policyID(pi int32) ObjectID {
	return ObjectID{m.policies[pi].Namespace, m.policies[pi].Name}
}

// SelectedBy returns the pods the NetworkPolicy id selects (its subjects;
// hostNetwork pods are never selected), sorted; none (nil) when it selects
// none. An unknown policy is a *[NotFoundError]. It costs O(result × log
// result).
func (m *Model) SelectedBy(id ObjectID) ([]PodID, error) {
	pi, err := m.policyIndex(id)
	if err != nil {
		return nil, err
	}
	return m.podsOf(slices.Values(m.subjects[pi])), nil
}

// RulePeers returns the pods that the rule ref admits as peers, sorted (the
// pod form of [Model.RulePeerClasses]). Addresses outside the cluster are
// not pods and are not listed. An unknown policy, direction or rule is an
// error. It costs O(classes/64 + result × log result).
func (m *Model) RulePeers(ref RuleRef) ([]PodID, error) {
	pi, d, err := m.ruleIndex(ref)
	if err != nil {
		return nil, err
	}
	id := m.rulePeers[pi][d][ref.Index]
	if id < 0 {
		return nil, nil
	}
	return m.podsOf(func(yield func(int32) bool) {
		for c := range m.sets[id].Members() {
			if !yield(int32(c)) {
				return
			}
		}
	}), nil
}

// podsOf lists the member pods of the given classes, sorted.
func (m *Model) podsOf(classes iter.Seq[int32]) []PodID {
	var idx []int32
	for c := range classes {
		idx = append(idx, m.classes[c].members...)
	}
	if len(idx) == 0 {
		return nil
	}
	slices.Sort(idx) // pods are sorted by ID, so their indices are too
	out := make([]PodID, len(idx))
	for i, p := range idx {
		out[i] = m.pods[p].id
	}
	return out
}

// ServiceObjects returns the Services of the model, sorted by namespace and
// name. They are shared: callers must not change them.
func (m *Model) ServiceObjects() []*corev1.Service { return slices.Clone(m.services) }

// Namespaces returns the names of the model's namespaces, sorted: those of
// the cluster's Namespace objects and those implied by pods and policies.
func (m *Model) Namespaces() []string {
	out := make([]string, len(m.namespaces))
	for i, ns := range m.namespaces {
		out[i] = ns.ns.Name
	}
	return out
}

// NamespaceLabels returns the labels selectors see on a namespace,
// kubernetes.io/metadata.name included; an unknown namespace is an error.
// The map is shared: callers must not change it.
func (m *Model) NamespaceLabels(name string) (map[string]string, error) {
	i, ok := m.nsByName[name]
	if !ok {
		return nil, fmt.Errorf("simulate: no namespace %s", name)
	}
	return m.namespaces[i].labels, nil
}
