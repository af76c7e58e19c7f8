package lint

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// serviceTarget is a port a Service translates to at one backend pod.
type serviceTarget struct {
	pod   int
	proto corev1.Protocol
	port  int32
}

// serviceTargets lists, for every Service, each backend and each port the
// Service's ports translate to there, as the model resolves them.
func (l *linter) serviceTargets() []serviceTarget {
	var out []serviceTarget
	for _, svc := range l.m.ServiceObjects() {
		targets, err := l.m.ServicePorts(simulate.ObjectID{Namespace: svc.Namespace, Name: svc.Name})
		must(err)
		for _, t := range targets {
			if t.Port != 0 {
				out = append(out, serviceTarget{l.podIdx[t.Backend], t.Protocol, t.Port})
			}
		}
	}
	return out
}

// egressBlocksDNS reports pods whose egress isolation keeps them from DNS
// while they use Services; see the package documentation.
func (l *linter) egressBlocksDNS() []Finding {
	var dns []int
	if len(l.cfg.dnsLabels) > 0 {
		for _, id := range l.m.PodsWithLabels(l.cfg.dnsNs, l.cfg.dnsLabels) {
			dns = append(dns, l.podIdx[id])
		}
	}
	var targets map[int][]serviceTarget // by backend; computed when first needed
	var backends map[simulate.ClassID][]int
	reach := map[simulate.ClassID][2]bool{} // per class: UDP/53, TCP/53 to the DNS pods (or one the model lacks)
	mx := l.m.Matrix()
	type key struct {
		ns  string
		sev Severity
	}
	type group struct {
		pods     []int
		policies map[string]bool
	}
	groups := map[key]*group{}
	var order []key
	for i, id := range l.pods {
		pol := l.isolatingPod(egress, i)
		dp := l.objs[i].Spec.DNSPolicy
		if len(pol) == 0 || l.host.Has(i) || slices.Contains(dns, i) || dp == corev1.DNSDefault || dp == corev1.DNSNone {
			continue
		}
		// Per class: the pods of a class reach the DNS pods alike (this
		// pod is neither a DNS pod nor on the host network, so no
		// exemption of its own applies).
		h, ok := reach[l.classOf[i]]
		if !ok {
			if len(dns) > 0 {
				for _, d := range dns {
					ports, _ := mx.Ports(id, l.pods[d]) // both are m.Pods(): no error
					h[0] = h[0] || ports.Contains(corev1.ProtocolUDP, 53)
					h[1] = h[1] || ports.Contains(corev1.ProtocolTCP, 53)
				}
			} else {
				h = l.hypotheticalDNS(id)
			}
			reach[l.classOf[i]] = h
		}
		udp, tcp := h[0], h[1]
		if udp && tcp {
			continue
		}
		if targets == nil {
			targets = map[int][]serviceTarget{}
			backends = map[simulate.ClassID][]int{}
			for _, t := range l.serviceTargets() {
				if targets[t.pod] == nil {
					c := l.classOf[t.pod]
					backends[c] = append(backends[c], t.pod)
				}
				targets[t.pod] = append(targets[t.pod], t)
			}
		}
		if !l.reachesService(i, pol, backends, targets) {
			continue
		}
		k := key{id.Namespace, Warning}
		if !udp {
			k.sev = Error
		}
		g := groups[k]
		if g == nil {
			g = &group{policies: map[string]bool{}}
			groups[k] = g
			order = append(order, k)
		}
		g.pods = append(g.pods, i)
		for _, p := range pol {
			g.policies[p.ID()] = true
		}
	}
	where := fmt.Sprintf("DNS (pods %s in %s)", labelString(l.cfg.dnsLabels), l.cfg.dnsNs)
	if len(dns) == 0 {
		where = fmt.Sprintf("DNS (judged against a pod %s in %s, as these manifests have none)", labelString(l.cfg.dnsLabels), l.cfg.dnsNs)
	}
	var out []Finding
	for _, k := range order {
		g := groups[k]
		names := make([]string, len(g.pods))
		f := Finding{Rule: "egress-blocks-dns", Severity: k.sev, Object: Object{Kind: "Namespace", Name: k.ns}}
		for j, i := range g.pods {
			names[j] = l.pods[i].Name
			f.Related = append(f.Related, l.podObject(i))
		}
		pols := slices.Sorted(maps.Keys(g.policies))
		for _, id := range pols {
			ns, name, _ := strings.Cut(id, "/")
			f.Related = append(f.Related, Object{Kind: "NetworkPolicy", Namespace: ns, Name: name})
		}
		slices.SortFunc(f.Related, compareObjects)
		port, fix := "UDP/53", "UDP/53 and TCP/53"
		if k.sev == Warning {
			port, fix = "TCP/53 (answers too large for UDP fall back to it)", "TCP/53"
		}
		f.Message = fmt.Sprintf("%s %s through Services but cannot reach %s on %s; egress isolated by %s",
			listNames(names, 5), plural(len(names), "reaches pods", "reach pods"), where, port, listNames(pols, 3))
		f.Hint = fmt.Sprintf("allow egress on %s to namespaceSelector {matchLabels: {%s: %s}} with podSelector {matchLabels: {%s}}",
			fix, corev1.LabelMetadataName, l.cfg.dnsNs, labelYAML(l.cfg.dnsLabels))
		out = append(out, f)
	}
	return out
}

// reachesService reports whether pod i, isolated for egress by pol, may
// reach another pod on a port some Service translates to there. Only the
// peers of its egress rules can be reached, so only their classes are
// looked at, and the ports between two classes are asked once.
func (l *linter) reachesService(i int, pol []*policy.Policy, backends map[simulate.ClassID][]int, targets map[int][]serviceTarget) bool {
	var peers simulate.ClassSet
	for _, p := range pol {
		pi := l.polIdx[p.ID()]
		for ri := range p.EgressRules {
			peers = peers.Union(l.rulePeers(pi, egress, ri))
		}
	}
	for c := range peers.All() {
		if len(backends[c]) == 0 {
			continue
		}
		// i is not hostNetwork and only other pods count, so the ports of
		// the classes are those of every pair.
		ports := l.m.ClassPorts(l.classOf[i], c)
		if ports.IsEmpty() {
			continue
		}
		for _, b := range backends[c] {
			if b == i {
				continue
			}
			for _, t := range targets[b] {
				if ports.Contains(t.proto, t.port) {
					return true
				}
			}
		}
	}
	return false
}

// hypotheticalDNS reports whether the egress policies of pod allow UDP/53
// and TCP/53 to a DNS pod that the model does not hold, as the model judges
// a pod it does not know (simulate.Model.EgressToUnknown).
func (l *linter) hypotheticalDNS(pod simulate.PodID) [2]bool {
	dns := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: l.cfg.dnsNs, Labels: l.cfg.dnsLabels}}
	dns.Spec.Containers = []corev1.Container{{Name: "dns", Ports: []corev1.ContainerPort{
		{Name: "dns", Protocol: corev1.ProtocolUDP, ContainerPort: 53},
		{Name: "dns-tcp", Protocol: corev1.ProtocolTCP, ContainerPort: 53},
	}}}
	ports, err := l.m.EgressToUnknown(pod, dns)
	must(err)
	return [2]bool{ports.Contains(corev1.ProtocolUDP, 53), ports.Contains(corev1.ProtocolTCP, 53)}
}

// labelString renders labels as "k=v,k2=v2", sorted.
func labelString(labels map[string]string) string {
	parts := make([]string, 0, len(labels))
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ",")
}

// labelYAML renders labels as "k: v, k2: v2", sorted.
func labelYAML(labels map[string]string) string {
	parts := make([]string, 0, len(labels))
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+": "+labels[k])
	}
	return strings.Join(parts, ", ")
}
