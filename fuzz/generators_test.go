package fuzz_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// problems collects validation failures of one generated value.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p *problems) fieldErrs(errs field.ErrorList) {
	for _, e := range errs {
		p.add("%v", e)
	}
}

func (p *problems) msgs(what string, msgs []string) {
	for _, m := range msgs {
		p.add("%s: %s", what, m)
	}
}

func (p problems) check(t *rapid.T) {
	if len(p) > 0 {
		t.Fatalf("invalid object:\n  %s", strings.Join(p, "\n  "))
	}
}

func validateLabels(p *problems, path string, l map[string]string) {
	p.fieldErrs(metav1validation.ValidateLabels(l, field.NewPath(path)))
}

func validateSelector(p *problems, path string, s *metav1.LabelSelector) {
	p.fieldErrs(metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, field.NewPath(path)))
}

func validateNamespace(p *problems, ns *corev1.Namespace) {
	p.msgs("namespace name", validation.IsDNS1123Label(ns.Name))
	validateLabels(p, "namespace.labels", ns.Labels)
}

func validatePod(p *problems, pod *corev1.Pod) {
	id := pod.Namespace + "/" + pod.Name
	p.msgs(id+" namespace", validation.IsDNS1123Label(pod.Namespace))
	p.msgs(id+" name", validation.IsDNS1123Subdomain(pod.Name))
	validateLabels(p, id+".labels", pod.Labels)
	if len(pod.Spec.Containers) == 0 {
		p.add("%s: no containers", id)
	}
	containers := map[string]bool{}
	names := map[string]bool{}
	served := map[string]bool{}
	for _, c := range pod.Spec.Containers {
		p.msgs(id+" container name", validation.IsDNS1123Label(c.Name))
		if containers[c.Name] {
			p.add("%s: duplicate container %s", id, c.Name)
		}
		containers[c.Name] = true
		if c.Image == "" {
			p.add("%s: container %s has no image", id, c.Name)
		}
		for _, cp := range c.Ports {
			p.msgs(id+" containerPort", validation.IsValidPortNum(int(cp.ContainerPort)))
			switch cp.Protocol {
			case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
			default:
				p.add("%s: bad protocol %q", id, cp.Protocol)
			}
			if cp.Name != "" {
				p.msgs(id+" port name", validation.IsValidPortName(cp.Name))
				if names[cp.Name] {
					p.add("%s: duplicate port name %s", id, cp.Name)
				}
				names[cp.Name] = true
			}
			proto := cp.Protocol
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			key := fmt.Sprintf("%d/%s", cp.ContainerPort, proto)
			if served[key] {
				p.add("%s: duplicate port %s", id, key)
			}
			served[key] = true
		}
	}
	if len(pod.Status.PodIPs) > 0 && pod.Status.PodIP != pod.Status.PodIPs[0].IP {
		p.add("%s: podIP %q is not podIPs[0] %q", id, pod.Status.PodIP, pod.Status.PodIPs[0].IP)
	}
	ips := []string{}
	for _, ip := range pod.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	if len(ips) == 0 && pod.Status.PodIP != "" {
		ips = append(ips, pod.Status.PodIP) // the API server fills podIPs in
	}
	families := map[bool]bool{}
	for _, ip := range ips {
		a, err := netip.ParseAddr(ip)
		if err != nil || a.String() != ip {
			p.add("%s: bad or non-canonical IP %q", id, ip)
			continue
		}
		if families[a.Is4()] {
			p.add("%s: two IPs of one family", id)
		}
		families[a.Is4()] = true
	}
}

func validatePolicy(p *problems, np *networkingv1.NetworkPolicy) {
	id := np.Namespace + "/" + np.Name
	p.msgs(id+" namespace", validation.IsDNS1123Label(np.Namespace))
	p.msgs(id+" name", validation.IsDNS1123Subdomain(np.Name))
	validateSelector(p, id+".spec.podSelector", &np.Spec.PodSelector)
	seenTypes := map[networkingv1.PolicyType]bool{}
	for _, pt := range np.Spec.PolicyTypes {
		if pt != networkingv1.PolicyTypeIngress && pt != networkingv1.PolicyTypeEgress || seenTypes[pt] {
			p.add("%s: bad policyTypes %v", id, np.Spec.PolicyTypes)
		}
		seenTypes[pt] = true
	}
	peers := func(path string, peers []networkingv1.NetworkPolicyPeer) {
		for i, peer := range peers {
			path := fmt.Sprintf("%s[%d]", path, i)
			sel := peer.PodSelector != nil || peer.NamespaceSelector != nil
			if sel == (peer.IPBlock != nil) {
				p.add("%s: exactly one of selectors and ipBlock must be set", path)
			}
			if peer.PodSelector != nil {
				validateSelector(p, path+".podSelector", peer.PodSelector)
			}
			if peer.NamespaceSelector != nil {
				validateSelector(p, path+".namespaceSelector", peer.NamespaceSelector)
			}
			if b := peer.IPBlock; b != nil {
				cidr, err := netip.ParsePrefix(b.CIDR)
				if err != nil || cidr.Masked() != cidr || cidr.String() != b.CIDR {
					p.add("%s.ipBlock.cidr: bad or non-canonical %q", path, b.CIDR)
					continue
				}
				for _, e := range b.Except {
					ex, err := netip.ParsePrefix(e)
					if err != nil || ex.Masked() != ex || ex.String() != e {
						p.add("%s.ipBlock.except: bad or non-canonical %q", path, e)
						continue
					}
					if ex.Addr().Is4() != cidr.Addr().Is4() || ex.Bits() <= cidr.Bits() || !cidr.Contains(ex.Addr()) {
						p.add("%s.ipBlock.except: %s not strictly inside %s", path, e, b.CIDR)
					}
				}
			}
		}
	}
	ports := func(path string, ports []networkingv1.NetworkPolicyPort) {
		for i, port := range ports {
			path := fmt.Sprintf("%s[%d]", path, i)
			if port.Protocol != nil {
				switch *port.Protocol {
				case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
				default:
					p.add("%s.protocol: %q", path, *port.Protocol)
				}
			}
			if port.Port == nil {
				if port.EndPort != nil {
					p.add("%s.endPort without port", path)
				}
				continue
			}
			if port.Port.Type == intstr.String {
				p.msgs(path+".port", validation.IsValidPortName(port.Port.StrVal))
				if port.EndPort != nil {
					p.add("%s.endPort with a named port", path)
				}
				continue
			}
			p.msgs(path+".port", validation.IsValidPortNum(int(port.Port.IntVal)))
			if port.EndPort != nil && *port.EndPort < port.Port.IntVal {
				p.add("%s.endPort < port", path)
			}
			if port.EndPort != nil {
				p.msgs(path+".endPort", validation.IsValidPortNum(int(*port.EndPort)))
			}
		}
	}
	for i, r := range np.Spec.Ingress {
		peers(fmt.Sprintf("%s.spec.ingress[%d].from", id, i), r.From)
		ports(fmt.Sprintf("%s.spec.ingress[%d].ports", id, i), r.Ports)
	}
	for i, r := range np.Spec.Egress {
		peers(fmt.Sprintf("%s.spec.egress[%d].to", id, i), r.To)
		ports(fmt.Sprintf("%s.spec.egress[%d].ports", id, i), r.Ports)
	}
	// The project's own validator mirrors the API server's; it must agree.
	if _, err := policy.Compile(np); err != nil {
		p.add("%s: policy.Compile: %v", id, err)
	}
}

func TestLabelsValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var p problems
		validateLabels(&p, "labels", fuzz.Labels().Draw(t, "labels"))
		p.check(t)
	})
}

func TestLabelSelectorValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := fuzz.LabelSelector().Draw(t, "selector")
		var p problems
		validateSelector(&p, "selector", s)
		p.check(t)
		if _, err := metav1.LabelSelectorAsSelector(s); err != nil {
			t.Fatalf("apimachinery rejects %v: %v", s, err)
		}
	})
}

func TestNamespaceValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ns := fuzz.Namespace().Draw(t, "namespace")
		var p problems
		validateNamespace(&p, &ns)
		p.check(t)
	})
}

func TestPodValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pod := fuzz.Pod([]string{"a", "b"}).Draw(t, "pod")
		var p problems
		validatePod(&p, &pod)
		p.check(t)
		if pod.Namespace != "a" && pod.Namespace != "b" {
			t.Fatalf("pod in namespace %q, want a or b", pod.Namespace)
		}
	})
}

func TestNetworkPolicyValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		np := fuzz.NetworkPolicy([]string{"a", "b"}).Draw(t, "policy")
		var p problems
		validatePolicy(&p, &np)
		p.check(t)
	})
}

func TestClusterValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := fuzz.Cluster().Draw(t, "cluster")
		var p problems
		nsObjects := map[string]bool{}
		for i := range c.Namespaces {
			validateNamespace(&p, &c.Namespaces[i])
			if nsObjects[c.Namespaces[i].Name] {
				p.add("duplicate namespace %s", c.Namespaces[i].Name)
			}
			nsObjects[c.Namespaces[i].Name] = true
		}
		ids := map[string]bool{}
		ips := map[string]string{}
		for i := range c.Pods {
			pod := &c.Pods[i]
			validatePod(&p, pod)
			id := pod.Namespace + "/" + pod.Name
			if ids[id] {
				p.add("duplicate pod %s", id)
			}
			ids[id] = true
			if pod.Spec.HostNetwork {
				continue
			}
			addrs := []string{pod.Status.PodIP}
			for _, ip := range pod.Status.PodIPs[min(1, len(pod.Status.PodIPs)):] {
				addrs = append(addrs, ip.IP)
			}
			for _, ip := range addrs {
				if ip == "" {
					continue
				}
				if other, dup := ips[ip]; dup {
					p.add("pods %s and %s share %s", other, id, ip)
				}
				ips[ip] = id
			}
		}
		ids = map[string]bool{}
		for i := range c.NetworkPolicies {
			np := &c.NetworkPolicies[i]
			validatePolicy(&p, np)
			id := np.Namespace + "/" + np.Name
			if ids[id] {
				p.add("duplicate policy %s", id)
			}
			ids[id] = true
		}
		p.check(t)
		if _, err := simulate.Compile(c); err != nil {
			t.Fatalf("simulate.Compile: %v", err)
		}
	})
}

// TestClusterCoverage checks that the generators reach every shape they
// promise, so that a refactoring cannot silently stop generating one. It
// draws from fixed seeds, so it cannot flake.
func TestClusterCoverage(t *testing.T) {
	seen := map[string]bool{}
	note := func(feature string) { seen[feature] = true }
	gen := fuzz.Cluster()
	for seed := range 2000 {
		c := gen.Example(seed)
		if len(c.Namespaces) < len(namespacesOf(c)) {
			note("namespace without object")
		}
		for _, ns := range c.Namespaces {
			if v, ok := ns.Labels[corev1.LabelMetadataName]; ok && v != ns.Name {
				note("stale metadata.name label")
			}
		}
		for _, pod := range c.Pods {
			switch {
			case pod.Spec.HostNetwork:
				note("hostNetwork pod")
			case pod.Status.PodIP == "":
				note("pod without IP")
			case len(pod.Status.PodIPs) == 0:
				note("podIP only")
			case len(pod.Status.PodIPs) == 2:
				note("dual-stack pod")
			case strings.Contains(pod.Status.PodIP, ":"):
				note("IPv6 pod")
			}
			for _, ctr := range pod.Spec.Containers {
				for _, cp := range ctr.Ports {
					note("container port " + string(cp.Protocol))
					if strings.HasPrefix(cp.Name, "serve-") {
						note("derived port name")
					}
				}
			}
		}
		for _, np := range c.NetworkPolicies {
			note(fmt.Sprintf("policyTypes %v", np.Spec.PolicyTypes))
			if np.Spec.PolicyTypes != nil && len(np.Spec.PolicyTypes) == 0 {
				note("policyTypes empty")
			}
			if np.Spec.Ingress == nil {
				note("ingress nil")
			} else if len(np.Spec.Ingress) == 0 {
				note("ingress empty")
			}
			if np.Spec.Egress == nil {
				note("egress nil")
			} else if len(np.Spec.Egress) == 0 {
				note("egress empty")
			}
			var rules []struct {
				peers []networkingv1.NetworkPolicyPeer
				ports []networkingv1.NetworkPolicyPort
			}
			for _, r := range np.Spec.Ingress {
				rules = append(rules, struct {
					peers []networkingv1.NetworkPolicyPeer
					ports []networkingv1.NetworkPolicyPort
				}{r.From, r.Ports})
			}
			for _, r := range np.Spec.Egress {
				rules = append(rules, struct {
					peers []networkingv1.NetworkPolicyPeer
					ports []networkingv1.NetworkPolicyPort
				}{r.To, r.Ports})
			}
			for _, r := range rules {
				if r.peers == nil {
					note("peers nil")
				} else if len(r.peers) == 0 {
					note("peers empty")
				}
				if r.ports == nil {
					note("ports nil")
				} else if len(r.ports) == 0 {
					note("ports empty")
				}
				for _, peer := range r.peers {
					switch {
					case peer.IPBlock != nil && len(peer.IPBlock.Except) > 0:
						note("ipBlock with except")
					case peer.IPBlock != nil:
						note("ipBlock")
					case peer.PodSelector != nil && peer.NamespaceSelector != nil:
						note("pod and namespace selector")
					case peer.PodSelector != nil:
						note("podSelector only")
					default:
						note("namespaceSelector only")
					}
					for _, s := range []*metav1.LabelSelector{peer.PodSelector, peer.NamespaceSelector} {
						if s == nil {
							continue
						}
						if len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0 {
							note("empty peer selector")
						}
						for _, e := range s.MatchExpressions {
							note("operator " + string(e.Operator))
						}
					}
				}
				for _, port := range r.ports {
					switch {
					case port.Port == nil:
						note("protocol only")
					case port.Port.Type == intstr.String:
						note("named port")
						if servesName(c, port.Port.StrVal) {
							note("named port served")
						} else {
							note("named port not served")
						}
					case port.EndPort != nil:
						note("endPort")
					default:
						note("numeric port")
					}
				}
			}
		}
	}
	for _, want := range []string{
		"namespace without object", "stale metadata.name label",
		"hostNetwork pod", "pod without IP", "podIP only", "dual-stack pod", "IPv6 pod",
		"container port TCP", "container port UDP", "container port SCTP", "container port ", "derived port name",
		"policyTypes []", "policyTypes empty", "policyTypes [Ingress]", "policyTypes [Egress]", "policyTypes [Ingress Egress]", "policyTypes [Egress Ingress]",
		"ingress nil", "ingress empty", "egress nil", "egress empty",
		"peers nil", "peers empty", "ports nil", "ports empty",
		"ipBlock", "ipBlock with except", "pod and namespace selector", "podSelector only", "namespaceSelector only",
		"empty peer selector", "operator In", "operator NotIn", "operator Exists", "operator DoesNotExist",
		"protocol only", "named port served", "named port not served", "endPort", "numeric port",
	} {
		if !seen[want] {
			t.Errorf("no generated cluster had: %s", want)
		}
	}
}

func namespacesOf(c simulate.Cluster) map[string]bool {
	out := map[string]bool{}
	for _, ns := range c.Namespaces {
		out[ns.Name] = true
	}
	for _, p := range c.Pods {
		out[p.Namespace] = true
	}
	return out
}

func servesName(c simulate.Cluster, name string) bool {
	for _, p := range c.Pods {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name == name {
					return true
				}
			}
		}
	}
	return false
}
