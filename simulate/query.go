package simulate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/selector"
)

// Answer is the answer to a question between sets of endpoints: one
// [Verdict] for each pair of a source and a destination pod, one
// [AddressVerdict] for each range of addresses outside the cluster (of a
// [CIDR] or [Outside]) and each pod at the other end, plus notes on what
// the question met on the way (a Service without backends, a target port a
// backend does not serve).
type Answer struct {
	From, To Endpoint
	Port     PortSpec
	// Verdicts holds one verdict per pair, sorted by source, then
	// destination. For a Service, the destinations are its backend pods and
	// each verdict's Port is the translated target port.
	Verdicts []Verdict
	// Addresses holds, for a CIDR or Outside source, the ranges of its
	// addresses outside the cluster per destination pod (Ingress), and for
	// such a destination, the ranges per source pod (Egress): sorted by
	// pod, then direction, then address. The ranges of one pod cover every
	// address of the endpoint that is no pod's. Empty for other endpoints.
	Addresses []AddressVerdict
	// Notes are sorted remarks that qualify the answer.
	Notes []string
}

// All reports whether every pair and every range of addresses is allowed
// (for a CIDR or Outside: every address of it, on every port asked); false
// when there is neither.
func (a *Answer) All() bool {
	for _, v := range a.Verdicts {
		if !v.Allowed {
			return false
		}
	}
	for _, v := range a.Addresses {
		if !v.Allowed {
			return false
		}
	}
	return len(a.Verdicts)+len(a.Addresses) > 0
}

// Any reports whether at least one pair, or one range of addresses, is
// allowed.
func (a *Answer) Any() bool {
	for _, v := range a.Verdicts {
		if v.Allowed {
			return true
		}
	}
	for _, v := range a.Addresses {
		if v.Allowed {
			return true
		}
	}
	return false
}

// String renders a summary line ("allowed for all 2 pairs", "allowed for 1
// of 3 pairs", "denied for all 2 pairs", "allowed for the one pair", "no
// pairs"; "address ranges", or "pairs and address ranges", when the answer
// has ranges of addresses), then one line per verdict, one per range of
// addresses and one per note.
func (a *Answer) String() string {
	var b strings.Builder
	allowed := 0
	for _, v := range a.Verdicts {
		if v.Allowed {
			allowed++
		}
	}
	for _, v := range a.Addresses {
		if v.Allowed {
			allowed++
		}
	}
	n := len(a.Verdicts) + len(a.Addresses)
	one, many := "pair", "pairs"
	switch {
	case len(a.Addresses) > 0 && len(a.Verdicts) == 0:
		one, many = "address range", "address ranges"
	case len(a.Addresses) > 0:
		many = "pairs and address ranges"
	}
	fmt.Fprintf(&b, "%s → %s on %s: ", a.From, a.To, a.Port)
	switch {
	case n == 0:
		b.WriteString("no " + many)
	case n == 1 && allowed == 1:
		b.WriteString("allowed for the one " + one)
	case n == 1:
		b.WriteString("denied for the one " + one)
	case allowed == n:
		fmt.Fprintf(&b, "allowed for all %d %s", allowed, many)
	case allowed == 0:
		fmt.Fprintf(&b, "denied for all %d %s", n, many)
	default:
		fmt.Fprintf(&b, "allowed for %d of %d %s", allowed, n, many)
	}
	for _, v := range a.Verdicts {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	for _, v := range a.Addresses {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	for _, n := range a.Notes {
		b.WriteString("\n  note: ")
		b.WriteString(n)
	}
	return b.String()
}

// Query answers a question between any two endpoints: pods, sets of pods
// ([PodsMatching]), Services (as destinations only), addresses, blocks of
// addresses ([CIDR]) or every address outside the cluster ([Outside]). For
// a Service destination, port names or numbers a port of the Service; it is
// translated to each backend pod's target port (a named target port is
// resolved per backend), and traffic is judged at the backends.
//
// A CIDR stands for the pods whose addresses it holds, answered pair by
// pair, and for its other addresses, answered in [Answer.Addresses] as the
// maximal ranges that the pod at the other end treats alike on port (see
// [Model.AddressAccess]); Outside stands for the latter only. Traffic
// between two addresses outside the cluster is not judged (no policy
// applies there; a note says so), and a question with no pod at either end
// is an error. A range costs O(rules of the pod's policies) to answer.
func (m *Model) Query(from, to Endpoint, port PortSpec) (*Answer, error) {
	if err := port.validate(); err != nil {
		return nil, err
	}
	a := &Answer{From: from, To: to, Port: port}
	if from.kind == kindService {
		return nil, fmt.Errorf("simulate: %s: a Service is not a source of traffic; ask from its pods", from)
	}
	srcs, err := m.resolveSet(from)
	if err != nil {
		return nil, err
	}
	type target struct {
		e    Endpoint
		port PortSpec
	}
	var dsts []target
	srcOut, srcBlock := m.blockOf(from)
	if svc := m.service(to); svc != nil && svc.Spec.Type == corev1.ServiceTypeExternalName {
		if srcBlock && len(srcs) == 0 {
			return nil, fmt.Errorf("simulate: %s → %s: neither end is a pod of the cluster", from, to)
		}
		return m.externalNameAnswer(a, srcs, svc, port)
	}
	if to.kind == kindService {
		backends, ports, notes, err := m.serviceTargets(to, port)
		if err != nil {
			return nil, err
		}
		a.Notes = notes
		for i, b := range backends {
			dsts = append(dsts, target{b, ports[i]})
		}
	} else {
		ends, err := m.resolveSet(to)
		if err != nil {
			return nil, err
		}
		for _, e := range ends {
			dsts = append(dsts, target{e, port})
		}
	}
	for _, s := range srcs {
		for _, d := range dsts {
			v, err := m.Check(s, d.e, d.port)
			if err != nil {
				return nil, err
			}
			a.Verdicts = append(a.Verdicts, v)
		}
	}
	dstOut, dstBlock := m.blockOf(to)
	pods := func(ends []Endpoint, ports func(int) PortSpec, set addrSet, d Direction) bool {
		has := false
		for j, e := range ends {
			if i, ok := m.podByID[PodID{e.namespace, e.name}]; ok && e.kind == kindPod {
				has = true
				if set != nil {
					a.Addresses = append(a.Addresses, m.addressVerdicts(i, set, d, ports(j))...)
				}
			}
		}
		return has
	}
	dstPods := make([]Endpoint, len(dsts))
	for j, d := range dsts {
		dstPods[j] = d.e
	}
	srcHas := pods(srcs, func(int) PortSpec { return port }, dstOut, Egress)
	dstHas := pods(dstPods, func(j int) PortSpec { return dsts[j].port }, srcOut, Ingress)
	slices.SortStableFunc(a.Addresses, func(x, y AddressVerdict) int {
		return cmp.Or(cmpID(x.Pod, y.Pod), int(x.Direction)-int(y.Direction))
	})
	if (srcBlock || dstBlock) && !srcHas && !dstHas && to.kind != kindService {
		return nil, fmt.Errorf("simulate: %s → %s: neither end is a pod of the cluster", from, to)
	}
	_, srcOutside := m.outsideOf(from)
	_, dstOutside := m.outsideOf(to)
	if srcOutside && dstOutside && (srcBlock || dstBlock) {
		a.Notes = append(a.Notes, "traffic between addresses outside the cluster is not judged: no policy applies there")
	}
	return a, nil
}

// service returns the Service e names, or nil.
func (m *Model) service(e Endpoint) *corev1.Service {
	if e.kind != kindService {
		return nil
	}
	if i, ok := m.svcByID[PodID{e.namespace, e.name}]; ok {
		return m.services[i]
	}
	return nil
}

// externalNameAnswer judges traffic to an ExternalName Service: a DNS name
// outside the cluster, so only the sources' egress decides, and only a rule
// open to any address can be known to allow it.
func (m *Model) externalNameAnswer(a *Answer, srcs []Endpoint, svc *corev1.Service, port PortSpec) (*Answer, error) {
	if port.Name != "" || port.Start != port.End {
		return nil, fmt.Errorf("simulate: %s is an ExternalName Service: give one port number", a.To)
	}
	a.Notes = append(a.Notes, fmt.Sprintf("%s is the DNS name %s outside the cluster; NetworkPolicy cannot match DNS names, only addresses", a.To, svc.Spec.ExternalName))
	for _, s := range srcs {
		from, err := m.resolveOne(s)
		if err != nil {
			return nil, err
		}
		if from < 0 {
			return nil, fmt.Errorf("simulate: %s → %s: neither end is a pod of the cluster", s, a.To)
		}
		v := Verdict{From: s, To: a.To, Port: port, m: m, from: from, to: -1, reason: byExternalName, extName: svc.Spec.ExternalName}
		v.dests = sourcesOn(m.outsideAccess(egress, from), port.Protocol, port.Start)
		v.Allowed = v.dests.Any
		a.Verdicts = append(a.Verdicts, v)
	}
	return a, nil
}

// resolveSet returns the single endpoints a pod, pod set or address stands
// for, pods sorted.
func (m *Model) resolveSet(e Endpoint) ([]Endpoint, error) {
	switch e.kind {
	case kindBlock, kindOutside:
		pods, err := m.Resolve(e) // a CIDR's pods; outside holds none
		if err != nil {
			return nil, err
		}
		var out []Endpoint
		for _, p := range pods {
			out = append(out, Pod(p.Namespace, p.Name))
		}
		return out, nil
	}
	if e.kind == kindIP {
		if _, err := m.resolveOne(e); err != nil {
			return nil, err
		}
		return []Endpoint{e}, nil
	}
	if e.kind == kindPod {
		if _, ok := m.podByID[PodID{e.namespace, e.name}]; ok {
			return []Endpoint{e}, nil
		}
		members, ok := m.workloadNamed(e.namespace + "/" + e.name)
		if !ok {
			return nil, m.notFoundPod(e)
		}
		out := make([]Endpoint, len(members))
		for i, p := range members {
			out[i] = Pod(p.Namespace, p.Name)
		}
		return out, nil
	}
	if e.kind != kindPods {
		if _, err := m.resolveOne(e); err != nil {
			return nil, err
		}
		return []Endpoint{e}, nil
	}
	s, err := selector.Compile(e.selector)
	if err != nil {
		return nil, fmt.Errorf("simulate: endpoint %s: %w", e, err)
	}
	var out []Endpoint
	for i := range m.pods {
		if p := &m.pods[i]; p.id.Namespace == e.namespace && s.Matches(p.labels) {
			out = append(out, Pod(p.id.Namespace, p.id.Name))
		}
	}
	return out, nil
}

// serviceTargets returns the backends of a Service and, for each, the
// target port that port (a port of the Service) translates to.
func (m *Model) serviceTargets(e Endpoint, port PortSpec) ([]Endpoint, []PortSpec, []string, error) {
	i, ok := m.svcByID[PodID{e.namespace, e.name}]
	if !ok {
		return nil, nil, nil, fmt.Errorf("simulate: no service %s/%s", e.namespace, e.name)
	}
	svc := m.services[i]
	var sp *corev1.ServicePort
	for j := range svc.Spec.Ports {
		p := &svc.Spec.Ports[j]
		proto := p.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if proto == port.Protocol && ((port.Name != "" && p.Name == port.Name) || (port.Name == "" && port.Start == port.End && p.Port == port.Start)) {
			sp = p
			break
		}
	}
	if sp == nil {
		return nil, nil, nil, fmt.Errorf("simulate: service %s has no port %s", e, port)
	}
	var notes []string
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		notes = append(notes, fmt.Sprintf("service %s is headless: clients connect to the backend pods' addresses directly", e))
	}
	if len(svc.Spec.Selector) == 0 {
		notes = append(notes, fmt.Sprintf("service %s has no selector: its endpoints are managed by hand and not modelled", e))
	}
	var backends []Endpoint
	var ports []PortSpec
	all, _ := m.serviceIndex()
	for _, pi := range all[i] {
		p := &m.pods[pi]
		tp := PortSpec{Protocol: port.Protocol}
		n, served := serviceTargetPort(p.pod, *sp)
		if sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "" {
			// Kept as a name, so that the verdict shows it beside the number
			// (Check resolves it by the same rule).
			tp.Name = sp.TargetPort.StrVal
			if !served {
				notes = append(notes, fmt.Sprintf("backend %s serves no %s port named %q (targetPort of %s port %d)", p.id, tp.Protocol, tp.Name, e, sp.Port))
			}
		} else {
			tp.Start, tp.End = n, n
		}
		backends = append(backends, Pod(p.id.Namespace, p.id.Name))
		ports = append(ports, tp)
	}
	if len(backends) == 0 && len(svc.Spec.Selector) > 0 {
		notes = append(notes, fmt.Sprintf("service %s selects no pod", e))
	}
	return backends, ports, notes, nil
}
