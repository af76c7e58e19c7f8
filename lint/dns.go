package lint

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// serviceTarget is a port a Service translates to at one backend pod.
type serviceTarget struct {
	pod   int
	proto corev1.Protocol
	port  int32
}

// serviceTargets lists, for every Service with a selector, each backend and
// each port the Service's ports translate to there.
func (l *linter) serviceTargets() []serviceTarget {
	var out []serviceTarget
	for _, svc := range l.m.ServiceObjects() {
		backends, err := l.m.Backends(svc.Namespace, svc.Name)
		must(err)
		for _, b := range backends {
			i := l.podIdx[b]
			for _, sp := range svc.Spec.Ports {
				proto := cmp.Or(sp.Protocol, corev1.ProtocolTCP)
				switch {
				case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
					for _, n := range namedPorts(l.objs[i], sp.TargetPort.StrVal, proto) {
						out = append(out, serviceTarget{i, proto, n})
					}
				case sp.TargetPort.IntVal != 0:
					out = append(out, serviceTarget{i, proto, sp.TargetPort.IntVal})
				default:
					out = append(out, serviceTarget{i, proto, sp.Port})
				}
			}
		}
	}
	return out
}

// egressBlocksDNS reports pods whose egress isolation keeps them from DNS
// while they use Services; see the package documentation.
func (l *linter) egressBlocksDNS() []Finding {
	var dns []int
	for i, id := range l.pods {
		if id.Namespace == l.cfg.dnsNs && len(l.cfg.dnsLabels) > 0 && labelsInclude(l.objs[i].Labels, l.cfg.dnsLabels) {
			dns = append(dns, i)
		}
	}
	var targets map[int][]serviceTarget // by backend; computed when first needed
	var backends bitset.Set
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
		pol := l.isolating[egress][i]
		dp := l.objs[i].Spec.DNSPolicy
		if len(pol) == 0 || l.host.Has(i) || slices.Contains(dns, i) || dp == corev1.DNSDefault || dp == corev1.DNSNone {
			continue
		}
		var udp, tcp bool
		if len(dns) > 0 {
			for _, d := range dns {
				ports := mx.Ports(id, l.pods[d])
				udp = udp || ports.Contains(corev1.ProtocolUDP, 53)
				tcp = tcp || ports.Contains(corev1.ProtocolTCP, 53)
			}
		} else {
			udp, tcp = l.hypotheticalDNS(pol)
		}
		if udp && tcp {
			continue
		}
		if targets == nil {
			targets = map[int][]serviceTarget{}
			backends = bitset.New(len(l.pods))
			for _, t := range l.serviceTargets() {
				targets[t.pod] = append(targets[t.pod], t)
				backends.Add(t.pod)
			}
		}
		if !l.reachesService(i, pol, backends, targets, mx) {
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
// peers of its egress rules can be reached, so only those are looked at.
func (l *linter) reachesService(i int, pol []*policy.Policy, backends bitset.Set, targets map[int][]serviceTarget, mx *simulate.Matrix) bool {
	peers := bitset.New(len(l.pods))
	for _, p := range pol {
		pi := l.polIdx[p.ID()]
		for ri := range p.EgressRules {
			peers.Or(l.rulePeers(pi, egress, ri))
		}
	}
	peers.And(backends)
	peers.Remove(i)
	for b := range peers.Members() {
		ports := mx.Ports(l.pods[i], l.pods[b])
		for _, t := range targets[b] {
			if ports.Contains(t.proto, t.port) {
				return true
			}
		}
	}
	return false
}

// hypotheticalDNS reports whether the egress rules of pol allow UDP/53 and
// TCP/53 to a DNS pod that the model does not hold.
func (l *linter) hypotheticalDNS(pol []*policy.Policy) (udp, tcp bool) {
	dns := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: l.cfg.dnsNs, Labels: l.cfg.dnsLabels}}
	dns.Spec.Containers = []corev1.Container{{Name: "dns", Ports: []corev1.ContainerPort{
		{Name: "dns", Protocol: corev1.ProtocolUDP, ContainerPort: 53},
		{Name: "dns-tcp", Protocol: corev1.ProtocolTCP, ContainerPort: 53},
	}}}
	for _, p := range pol {
		for _, r := range p.EgressRules {
			if !admitsPod(p, r, dns) {
				continue
			}
			ports := rulePorts(r, dns)
			udp = udp || ports.Contains(corev1.ProtocolUDP, 53)
			tcp = tcp || ports.Contains(corev1.ProtocolTCP, 53)
		}
	}
	return udp, tcp
}

// admitsPod reports whether a peer of r (a rule of p) may match pod, which
// the model does not hold: an ipBlock peer counts, since the pod's address
// is not known, and so does a namespaceSelector, since its namespace's
// labels are not.
func admitsPod(p *policy.Policy, r policy.Rule, pod *corev1.Pod) bool {
	if r.Peers == nil {
		return true
	}
	for _, peer := range r.Peers {
		switch {
		case peer.IPBlock != nil:
			return true
		case peer.Pods.SameNamespace:
			if p.Namespace == pod.Namespace && peer.Pods.Pods.Matches(pod.Labels) {
				return true
			}
		case peer.Pods.Pods.Matches(pod.Labels):
			// The namespace's labels beyond its name are not known: a
			// namespaceSelector is taken to match it.
			return true
		}
	}
	return false
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
