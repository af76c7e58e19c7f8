package simulate

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/policy"
)

// Verdict is the answer to one connection: may From open a connection to To
// on Port? Its explanation (see [Verdict.Egress], [Verdict.Ingress] and
// [Verdict.String]) is computed when asked for, so that [Model.Check] itself
// costs a few lookups and allocates nothing.
type Verdict struct {
	From, To Endpoint
	// Port is the port asked about; a named port is resolved against the
	// destination pod, with Start and End set to its number (0 when the
	// destination does not serve the name).
	Port PortSpec
	// Allowed is true when every port of Port is allowed.
	Allowed bool

	m        *Model
	from, to int32 // pod index, or -1 for an address outside the cluster
	reason   reason
	extName  string  // for byExternalName: the DNS name of the Service
	dests    Sources // for byExternalName: the outside addresses the source may reach on Port
}

type reason uint8

const (
	byPolicy       reason = iota // the policies decide
	bySelf                       // a pod to itself
	byNode                       // a node to its own pods
	byNoSuchPort                 // the destination does not serve the named port
	byExternalName               // the destination is a DNS name outside the cluster
)

// Check answers one connection between two single endpoints: pods (see
// [Pod]) or addresses (see [IP]). For a set of pods or a Service use
// [Model.Query]. It returns an error when an endpoint does not exist, is of
// another kind, both are outside the cluster, or the port is invalid.
//
// Check costs O(log port classes) per port class of a range and does not
// allocate.
func (m *Model) Check(from, to Endpoint, port PortSpec) (Verdict, error) {
	v := Verdict{From: from, To: to, Port: port, m: m}
	var err error
	if v.from, err = m.resolveOne(from); err != nil {
		return Verdict{}, err
	}
	if v.to, err = m.resolveOne(to); err != nil {
		return Verdict{}, err
	}
	if v.from < 0 && v.to < 0 {
		return Verdict{}, fmt.Errorf("simulate: %s → %s: neither end is a pod of the cluster", from, to)
	}
	if err := port.validate(); err != nil {
		return Verdict{}, err
	}
	m.decide(&v)
	return v, nil
}

// resolveOne returns the pod index of a single endpoint, or -1 for an
// address outside the cluster.
func (m *Model) resolveOne(e Endpoint) (int32, error) {
	switch e.kind {
	case kindPod:
		i, ok := m.podByID[PodID{e.namespace, e.name}]
		if !ok {
			if w, ok := m.workloadNamed(e.String()); ok {
				return 0, fmt.Errorf("simulate: %s is a workload of %d %s, not a single pod; use Query", e, len(w), plural(len(w), "pod", "pods"))
			}
			return 0, m.notFoundPod(e)
		}
		return i, nil
	case kindIP:
		if !e.addr.IsValid() {
			return 0, fmt.Errorf("simulate: invalid IP endpoint")
		}
		if i, ok := m.podByIP[e.addr]; ok {
			return i, nil
		}
		return -1, nil
	case kindNone:
		return 0, fmt.Errorf("simulate: empty endpoint")
	}
	return 0, fmt.Errorf("simulate: %s is not a single pod or address; use Query", e)
}

// decide fills v.Allowed and v.reason.
func (m *Model) decide(v *Verdict) {
	p := protoIndex(v.Port.Protocol)
	if v.Port.Name != "" {
		v.Port.Start, v.Port.End = 0, 0
		if v.to >= 0 {
			if n, ok := firstNamedPort(m.pods[v.to].pod, v.Port.Name, v.Port.Protocol); ok {
				v.Port.Start, v.Port.End = n, n
			}
		}
		if v.Port.Start == 0 {
			v.reason = byNoSuchPort
			return
		}
	}
	switch {
	case v.from == v.to && m.opts.selfAllowed:
		v.reason, v.Allowed = bySelf, true
		return
	case v.from < 0 && m.opts.nodeAllowed && m.isNodeOf(v.From.addr, v.to):
		v.reason, v.Allowed = byNode, true
		return
	case v.from >= 0 && v.to >= 0 && m.hostOnNodeOf(v.from, v.to):
		v.reason, v.Allowed = byNode, true
		return
	}
	v.Allowed = true
	for k, last := m.portClass(p, v.Port.Start), m.portClass(p, v.Port.End); k <= last; k++ {
		if !m.allowsOn(egress, v.from, v.to, v.To.addr, k) || !m.allowsOn(ingress, v.to, v.from, v.From.addr, k) {
			v.Allowed = false
			return
		}
	}
}

// allowsOn reports whether the pod subject lets peer (a pod, or the address
// addr when peer is -1) through in direction d on port class k. A subject
// of -1 is outside the cluster, where no policy applies.
func (m *Model) allowsOn(d int, subject, peer int32, addr netip.Addr, k int32) bool {
	if subject < 0 {
		return true
	}
	sc := m.podClass[subject]
	if peer >= 0 {
		return m.allows(d, sc, m.podClass[peer], k)
	}
	g := m.dir[d].group[sc]
	if g < 0 {
		return true
	}
	if m.hasTiers(d, g) {
		return m.tierDecide(d, g, subject, peer, addr, k).allowed
	}
	for _, pi := range m.dir[d].policies[g] {
		for ri := range m.rules(pi, d) {
			if m.ruleAllows(pi, d, ri, subject, -1, addr, k) {
				return true
			}
		}
	}
	return false
}

// rules returns the rules of policy pi for direction d.
func (m *Model) rules(pi int32, d int) []policy.Rule {
	if d == ingress {
		return m.policies[pi].IngressRules
	}
	return m.policies[pi].EgressRules
}

// ruleAllows reports whether rule ri of policy pi (direction d, applied to
// the pod subject) admits peer (a pod, or addr when peer is -1) on port
// class k. It is the explanation's slow path and the path for addresses
// outside the cluster.
func (m *Model) ruleAllows(pi int32, d, ri int, subject, peer int32, addr netip.Addr, k int32) bool {
	r := &m.rules(pi, d)[ri]
	if peer >= 0 {
		if id := m.rulePeers[pi][d][ri]; id < 0 || !m.sets[id].Has(int(m.podClass[peer])) {
			return false
		}
	} else if r.Peers != nil && !slices.ContainsFunc(r.Peers, func(p policy.Peer) bool {
		return p.IPBlock != nil && p.IPBlock.Contains(addr)
	}) {
		return false
	}
	if r.Ports == nil {
		return true
	}
	pr := m.classRange(k)
	dest := subject // ingress: named ports resolve at the subject
	if d == egress {
		dest = peer
	}
	for _, port := range r.Ports {
		if port.Protocol != pr.Protocol {
			continue
		}
		if port.Name == "" {
			if port.Start <= pr.Start && pr.Start <= port.End {
				return true
			}
			continue
		}
		if dest >= 0 && slices.Contains(m.classes[m.podClass[dest]].named[namedPort{port.Name, port.Protocol}], pr.Start) {
			return true
		}
	}
	return false
}

// hostOnNodeOf reports whether traffic from pod from to pod to is node
// traffic that the NodeTraffic option exempts: from is a hostNetwork pod
// (it sends with its node's address) on the node that runs to.
func (m *Model) hostOnNodeOf(from, to int32) bool {
	node := m.pods[from].pod.Spec.NodeName
	return m.opts.nodeAllowed && m.pods[from].host && node != "" && node == m.pods[to].pod.Spec.NodeName
}

// isNodeOf reports whether addr is an address of the node pod runs on.
func (m *Model) isNodeOf(addr netip.Addr, pod int32) bool {
	if pod < 0 {
		return false
	}
	return slices.Contains(m.nodeByName[m.pods[pod].pod.Spec.NodeName], addr)
}

// Side explains one direction of a verdict: the sender's egress or the
// receiver's ingress.
type Side struct {
	// Pod is the pod this side is about; the zero PodID when the endpoint is
	// outside the cluster (no policy applies there).
	Pod PodID
	// Isolated is true when some policy selects Pod for this direction.
	Isolated bool
	// Policies are the NetworkPolicies that isolate Pod for this direction,
	// sorted by namespace and name; nil when none does.
	Policies []ObjectID
	// AllowedBy are the rules that allow at least one port of the verdict's
	// Port, sorted.
	AllowedBy []RuleRef
	// Tiered are the rules of tiered cluster policies that decided at least
	// one port of the verdict's Port on this side (Accept, Deny) or passed
	// it on to NetworkPolicies (Pass), in evaluation order; nil when none
	// matched. When a tiered rule decides, Isolated and Policies still
	// name the NetworkPolicies, which then had no say.
	Tiered []TieredMatch
	// Allowed is true when this side lets every port of the verdict's Port
	// through, or when the traffic is exempt from policy (a pod to itself, a
	// node to its own pods).
	Allowed bool
}

// Egress explains the sender's side.
func (v Verdict) Egress() Side { return v.side(egress) }

// Ingress explains the receiver's side.
func (v Verdict) Ingress() Side { return v.side(ingress) }

func (v Verdict) side(d int) Side {
	subject, peer, addr := v.from, v.to, v.To.addr
	if d == ingress {
		subject, peer, addr = v.to, v.from, v.From.addr
	}
	s := Side{Allowed: true}
	if v.m == nil || subject < 0 {
		return s
	}
	exempt := v.reason == bySelf || v.reason == byNode
	m := v.m
	s.Pod = m.pods[subject].id
	g := m.dir[d].group[m.podClass[subject]]
	if g < 0 {
		return s
	}
	if m.hasTiers(d, g) {
		return m.tierSide(v, d, g, subject, peer, addr, s)
	}
	s.Isolated = true
	if v.reason == byNoSuchPort {
		s.Allowed = false
	}
	for _, pi := range m.dir[d].policies[g] {
		s.Policies = append(s.Policies, m.policyID(pi))
	}
	if v.Port.Start == 0 {
		return s
	}
	p := protoIndex(v.Port.Protocol)
	for k, last := m.portClass(p, v.Port.Start), m.portClass(p, v.Port.End); k <= last; k++ {
		ok := false
		for _, pi := range m.dir[d].policies[g] {
			for ri := range m.rules(pi, d) {
				if m.ruleAllows(pi, d, ri, subject, peer, addr, k) {
					ok = true
					ref := RuleRef{Policy: m.policyID(pi), Direction: directionOf(d), Index: ri}
					if !slices.Contains(s.AllowedBy, ref) {
						s.AllowedBy = append(s.AllowedBy, ref)
					}
				}
			}
		}
		s.Allowed = s.Allowed && ok
	}
	s.Allowed = s.Allowed || exempt
	return s
}

var dirName = [2]string{"ingress", "egress"}

// String explains v in one sentence, e.g.
//
//	denied: shop/db-0 is isolated for ingress by shop/db-allow-api; no ingress rule allows shop/frontend-1 on TCP/5432
func (v Verdict) String() string {
	verdict := "denied"
	if v.Allowed {
		verdict = "allowed"
	}
	port := v.Port.String()
	if v.Port.Name != "" && v.Port.Start != 0 {
		port = fmt.Sprintf("%s/%d (%s)", v.Port.Protocol, v.Port.Start, v.Port.Name)
	}
	switch v.reason {
	case bySelf:
		return fmt.Sprintf("allowed: %s → itself on %s: a pod may always reach itself", v.From, port)
	case byNode:
		if v.from >= 0 {
			return fmt.Sprintf("allowed: %s → %s on %s: %s uses the host network of the pod's node, and a node may always reach its own pods", v.From, v.To, port, v.From)
		}
		return fmt.Sprintf("allowed: %s → %s on %s: %s is an address of the pod's node, and a node may always reach its own pods", v.From, v.To, port, v.From)
	case byNoSuchPort:
		return fmt.Sprintf("denied: %s serves no %s port named %q", v.To, v.Port.Protocol, v.Port.Name)
	case byExternalName:
		if v.Allowed {
			return fmt.Sprintf("allowed: %s → %s (%s, outside the cluster) on %s: %s may reach any address on it", v.From, v.To, v.extName, port, v.From)
		}
		if v.dests.IsEmpty() {
			return fmt.Sprintf("denied: %s → %s (%s, outside the cluster) on %s: %s may reach no address outside the cluster on it", v.From, v.To, v.extName, port, v.From)
		}
		return fmt.Sprintf("denied: %s → %s (%s, outside the cluster) on %s: %s may reach only %s on it, and policies cannot match the DNS name %s", v.From, v.To, v.extName, port, v.From, v.dests, v.extName)
	}
	var parts []string
	for _, d := range []int{egress, ingress} {
		s := v.side(d)
		if s.Pod != (PodID{}) && v.m.hasTiers(d, v.m.dir[d].group[v.m.podClass[v.subjectOf(d)]]) {
			if msg := v.tierSentence(d, s); msg != "" {
				parts = append(parts, msg)
			}
			continue
		}
		other := v.To
		if d == ingress {
			other = v.From
		}
		switch {
		case s.Pod == PodID{}:
			if v.Allowed {
				end := v.From
				if d == ingress {
					end = v.To
				}
				parts = append(parts, fmt.Sprintf("%s is outside the cluster", end))
			}
		case !s.Isolated:
			if v.Allowed {
				parts = append(parts, fmt.Sprintf("%s is not isolated for %s", s.Pod, dirName[d]))
			}
		case !s.Allowed:
			msg := fmt.Sprintf("%s is isolated for %s by %s; no %s rule allows %s on %s", s.Pod, dirName[d], joinIDs(s.Policies), dirName[d], other, port)
			if len(s.AllowedBy) > 0 {
				msg = fmt.Sprintf("%s is isolated for %s by %s; its %s rules allow %s on only part of %s", s.Pod, dirName[d], joinIDs(s.Policies), dirName[d], other, port)
			}
			parts = append(parts, msg)
		case !v.Allowed:
			// A side that allows says nothing about why the verdict is no.
		default:
			refs := make([]string, len(s.AllowedBy))
			for i, r := range s.AllowedBy {
				refs[i] = r.String()
			}
			parts = append(parts, fmt.Sprintf("%s allowed by %s", dirName[d], strings.Join(refs, ", ")))
		}
	}
	head := fmt.Sprintf("%s: ", verdict)
	if v.Allowed {
		head = fmt.Sprintf("allowed: %s → %s on %s: ", v.From, v.To, port)
	}
	return head + strings.Join(parts, "; ")
}
