package simulate

import (
	"slices"

	"github.com/netpolsim/netpolsim/policy"
)

// Explanation is what the policies make of one pod: which of them isolate
// it and with which rules, which pods it may receive from and send to, and
// how it meets the world outside the cluster. Make one with
// [Model.Explain].
type Explanation struct {
	Pod PodID
	// Class is the pod's class; Workload the ID of its workload (see
	// [Model.Workloads]).
	Class    ClassID
	Workload string
	// Ingress and Egress are the policies that isolate the pod in each
	// direction, sorted by namespace and name, each with its rules of that
	// direction; empty (nil) when no policy isolates it there, so that the
	// direction allows everything.
	Ingress, Egress []PolicyRules
	// TieredIngress and TieredEgress are the tiered cluster policies that
	// select the pod and have rules in that direction, in evaluation order
	// (see [policy.CompareClusterPolicies]): the Admin tier by priority, to
	// be read before Ingress or Egress, then the Baseline tier, consulted
	// only when Ingress (or Egress) is empty. Nil when there are none;
	// hostNetwork pods have none.
	TieredIngress, TieredEgress []TieredRules
	// From are the other pods that may open connections to the pod, To
	// those it may open connections to, grouped by class and allowed ports
	// (see [Peers]); the pod itself is left out. The groups are sorted by
	// their first pod.
	From, To []Peers
	// Inbound are the routes into the pod from outside the cluster and
	// Outbound what it may reach outside, as [Model.Exposure] gives them for
	// the pod.
	Inbound  []Route
	Outbound []Access
}

// PolicyRules is a policy that isolates a pod in one direction, with its
// rules of that direction in order (none: it denies everything on its
// own). Policy and Rules are the model's own: callers must not change them.
type PolicyRules struct {
	Policy *policy.Policy
	Rules  []policy.Rule
}

// TieredRules is a tiered cluster policy that selects a pod, with its
// rules of one direction in order (the first that matches decides). Policy
// and Rules are the model's own: callers must not change them.
type TieredRules struct {
	Policy *policy.ClusterPolicy
	Rules  []policy.ClusterRule
}

// Peers are pods of one class that a pod may reach, or be reached by, on
// the same ports.
type Peers struct {
	Class ClassID
	// Pods are sorted by namespace and name; never empty.
	Pods []PodID
	// Ports are the allowed ports; never empty.
	Ports PortSet
}

// Explain explains one pod; an unknown pod is an error.
//
// The peers are computed over classes and expanded to pods only for the
// result: Explain costs O(classes × runs of a row) for the pods that may
// reach the pod, O(the classes its egress may reach × runs) for those it
// may reach, plus the exemptions of its node (see [NodeTraffic]) and the
// size of the result; the outside part costs what [Model.Exposure] costs
// for one pod.
func (m *Model) Explain(pod PodID) (Explanation, error) {
	i, err := m.podIndex(pod)
	if err != nil {
		return Explanation{}, err
	}
	ws, err := m.WorkloadOfPod(pod)
	if err != nil {
		return Explanation{}, err
	}
	c := m.podClass[i]
	x := Explanation{Pod: pod, Class: ClassID(c), Workload: ws}
	for d, out := range [2]*[]PolicyRules{ingress: &x.Ingress, egress: &x.Egress} {
		if g := m.dir[d].group[c]; g >= 0 {
			for _, pi := range m.dir[d].policies[g] {
				*out = append(*out, PolicyRules{Policy: m.policies[pi], Rules: m.rules(pi, d)})
			}
		}
	}
	for d, out := range [2]*[]TieredRules{ingress: &x.TieredIngress, egress: &x.TieredEgress} {
		for _, ti := range m.tier.selecting[d][c] {
			*out = append(*out, TieredRules{Policy: m.tier.policies[ti], Rules: m.tieredRules(ti, d)})
		}
	}

	// Who may send to the pod: every class, asked once.
	from := map[int32]PortSet{}
	for a := range int32(len(m.classes)) {
		if ports := m.classPorts(a, c); !ports.IsEmpty() {
			from[a] = ports
		}
	}
	x.From = m.peers(i, from, func(b int32) bool { return m.exempt(b, i) })

	// Whom the pod may send to: the candidates of its class.
	stamp := make([]int32, len(m.classes))
	for k := range stamp {
		stamp[k] = -1
	}
	to := map[int32]PortSet{}
	for _, b := range m.candidates(c, stamp, nil) {
		if ports := m.classPorts(c, b); !ports.IsEmpty() {
			to[b] = ports
		}
	}
	x.To = m.peers(i, to, func(b int32) bool { return m.exempt(i, b) })

	e := m.podExposure(i, m.exposer(), nil)
	x.Inbound, x.Outbound = e.Inbound, e.Outbound
	return x, nil
}

// peers expands the allowed ports per class into groups of pods, leaving
// out pod self, and adds the pods exempt says are allowed on every port
// whatever their class (node traffic). Only the pods of the node of a
// hostNetwork pod can be exempt, so only those are asked.
func (m *Model) peers(self int32, byClass map[int32]PortSet, exempt func(b int32) bool) []Peers {
	exempted := map[int32]bool{}
	var onNode []int32
	if node := m.pods[self].pod.Spec.NodeName; node != "" && m.opts.nodeAllowed {
		for _, b := range m.podsByNode[node] {
			if b != self && exempt(b) {
				exempted[b] = true
				onNode = append(onNode, b)
			}
		}
	}
	var out []Peers
	group := func(c int32, pods []int32, ports PortSet) {
		if len(pods) == 0 || ports.IsEmpty() {
			return
		}
		ids := make([]PodID, len(pods))
		for k, p := range pods {
			ids[k] = m.pods[p].id
		}
		out = append(out, Peers{Class: ClassID(c), Pods: ids, Ports: ports})
	}
	// Exempt pods by class: on every port.
	exemptByClass := map[int32][]int32{}
	for _, b := range onNode {
		exemptByClass[m.podClass[b]] = append(exemptByClass[m.podClass[b]], b)
	}
	for c, ports := range byClass {
		if ports.IsAll() {
			// The exempt members get nothing more: keep them in the group.
			group(c, slices.DeleteFunc(slices.Clone(m.classes[c].members), func(p int32) bool { return p == self }), ports)
			delete(exemptByClass, c)
			continue
		}
		group(c, slices.DeleteFunc(slices.Clone(m.classes[c].members), func(p int32) bool { return p == self || exempted[p] }), ports)
	}
	for c, pods := range exemptByClass {
		group(c, pods, AllPorts())
	}
	slices.SortFunc(out, func(a, b Peers) int { return cmpID(a.Pods[0], b.Pods[0]) })
	return out
}
