package fuzz_test

import (
	"cmp"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
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
	for _, c := range pod.Spec.Containers {
		// The API server validates port names and (port, protocol) pairs
		// per container.
		names := map[string]bool{}
		served := map[string]bool{}
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
	if pod.Spec.NodeName != "" {
		p.msgs(id+" spec.nodeName", validation.IsDNS1123Subdomain(pod.Spec.NodeName))
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

func validateNode(p *problems, n *corev1.Node) {
	p.msgs("node name", validation.IsDNS1123Subdomain(n.Name))
	for _, a := range n.Status.Addresses {
		switch a.Type {
		case corev1.NodeInternalIP, corev1.NodeExternalIP:
			if ip, err := netip.ParseAddr(a.Address); err != nil || ip.String() != a.Address {
				p.add("node %s: bad or non-canonical address %q", n.Name, a.Address)
			}
		case corev1.NodeHostName, corev1.NodeInternalDNS, corev1.NodeExternalDNS:
			p.msgs("node "+n.Name+" address", validation.IsDNS1123Subdomain(a.Address))
		default:
			p.add("node %s: bad address type %q", n.Name, a.Type)
		}
	}
}

// validateService checks what the API server's Service validation checks
// of the fields the generator sets.
func validateService(p *problems, s *corev1.Service) {
	id := s.Namespace + "/" + s.Name
	p.msgs(id+" namespace", validation.IsDNS1123Label(s.Namespace))
	p.msgs(id+" name", validation.IsDNS1035Label(s.Name))
	validateLabels(p, id+".spec.selector", s.Spec.Selector)
	external := s.Spec.Type == corev1.ServiceTypeNodePort || s.Spec.Type == corev1.ServiceTypeLoadBalancer
	switch s.Spec.Type {
	case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
		if s.Spec.ExternalName != "" {
			p.add("%s: externalName on type %q", id, s.Spec.Type)
		}
	case corev1.ServiceTypeExternalName:
		p.msgs(id+" spec.externalName", validation.IsDNS1123Subdomain(s.Spec.ExternalName))
		if len(s.Spec.Selector) > 0 || s.Spec.ClusterIP != "" {
			p.add("%s: ExternalName with selector or clusterIP", id)
		}
	default:
		p.add("%s: bad type %q", id, s.Spec.Type)
	}
	if s.Spec.ClusterIP == corev1.ClusterIPNone && external {
		p.add("%s: headless %s", id, s.Spec.Type)
	}
	if len(s.Spec.Ports) == 0 && s.Spec.ClusterIP != corev1.ClusterIPNone && s.Spec.Type != corev1.ServiceTypeExternalName {
		p.add("%s: no ports", id)
	}
	names := map[string]bool{}
	served := map[string]bool{}
	nodePorts := map[int32]bool{}
	for i, sp := range s.Spec.Ports {
		path := fmt.Sprintf("%s.spec.ports[%d]", id, i)
		if len(s.Spec.Ports) > 1 && sp.Name == "" {
			p.add("%s.name: required with several ports", path)
		}
		if sp.Name != "" {
			p.msgs(path+".name", validation.IsDNS1123Label(sp.Name))
			if names[sp.Name] {
				p.add("%s.name: duplicate", path)
			}
			names[sp.Name] = true
		}
		p.msgs(path+".port", validation.IsValidPortNum(int(sp.Port)))
		switch sp.Protocol {
		case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			p.add("%s.protocol: %q", path, sp.Protocol)
		}
		key := fmt.Sprintf("%d/%s", sp.Port, cmpOr(sp.Protocol, corev1.ProtocolTCP))
		if served[key] {
			p.add("%s: duplicate port %s", path, key)
		}
		served[key] = true
		switch {
		case sp.TargetPort.Type == intstr.String:
			p.msgs(path+".targetPort", validation.IsValidPortName(sp.TargetPort.StrVal))
		case sp.TargetPort.IntVal != 0:
			p.msgs(path+".targetPort", validation.IsValidPortNum(int(sp.TargetPort.IntVal)))
		}
		if sp.NodePort != 0 {
			if !external {
				p.add("%s.nodePort on type %q", path, s.Spec.Type)
			}
			if sp.NodePort < 30000 || sp.NodePort > 32767 || nodePorts[sp.NodePort] {
				p.add("%s.nodePort: %d out of range or duplicate", path, sp.NodePort)
			}
			nodePorts[sp.NodePort] = true
		}
	}
	if s.Spec.ExternalTrafficPolicy != "" && !external {
		p.add("%s: externalTrafficPolicy on type %q", id, s.Spec.Type)
	}
	if (len(s.Spec.LoadBalancerSourceRanges) > 0 || s.Spec.AllocateLoadBalancerNodePorts != nil) && s.Spec.Type != corev1.ServiceTypeLoadBalancer {
		p.add("%s: load balancer fields on type %q", id, s.Spec.Type)
	}
	for _, r := range s.Spec.LoadBalancerSourceRanges {
		if pr, err := netip.ParsePrefix(r); err != nil || pr.Masked() != pr {
			p.add("%s: bad loadBalancerSourceRanges entry %q", id, r)
		}
	}
}

func cmpOr(a, b corev1.Protocol) corev1.Protocol {
	if a != "" {
		return a
	}
	return b
}

// validateIngress checks what the API server's Ingress validation checks of
// the fields the generator sets.
func validateIngress(p *problems, ing *networkingv1.Ingress) {
	id := ing.Namespace + "/" + ing.Name
	p.msgs(id+" namespace", validation.IsDNS1123Label(ing.Namespace))
	p.msgs(id+" name", validation.IsDNS1123Subdomain(ing.Name))
	if ing.Spec.DefaultBackend == nil && len(ing.Spec.Rules) == 0 {
		p.add("%s: neither defaultBackend nor rules", id)
	}
	backend := func(path string, b *networkingv1.IngressBackend) {
		if b.Service == nil || b.Resource != nil {
			p.add("%s: exactly one of service and resource", path)
			return
		}
		p.msgs(path+".service.name", validation.IsDNS1035Label(b.Service.Name))
		switch {
		case b.Service.Port.Name != "" && b.Service.Port.Number != 0:
			p.add("%s.service.port: both name and number", path)
		case b.Service.Port.Name != "":
			p.msgs(path+".service.port.name", validation.IsValidPortName(b.Service.Port.Name))
		default:
			p.msgs(path+".service.port.number", validation.IsValidPortNum(int(b.Service.Port.Number)))
		}
	}
	if ing.Spec.DefaultBackend != nil {
		backend(id+".spec.defaultBackend", ing.Spec.DefaultBackend)
	}
	for i, r := range ing.Spec.Rules {
		path := fmt.Sprintf("%s.spec.rules[%d]", id, i)
		if r.Host != "" {
			p.msgs(path+".host", validation.IsDNS1123Subdomain(r.Host))
		}
		if r.HTTP == nil || len(r.HTTP.Paths) == 0 {
			p.add("%s.http.paths: required", path)
			continue
		}
		for j, hp := range r.HTTP.Paths {
			path := fmt.Sprintf("%s.http.paths[%d]", path, j)
			if hp.PathType == nil || !strings.HasPrefix(hp.Path, "/") {
				p.add("%s: pathType required and path must be absolute", path)
			}
			backend(path+".backend", &hp.Backend)
		}
	}
	for i, tls := range ing.Spec.TLS {
		for _, h := range tls.Hosts {
			p.msgs(fmt.Sprintf("%s.spec.tls[%d].hosts", id, i), validation.IsDNS1123Subdomain(h))
		}
	}
}

func TestNodeValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := fuzz.Node().Draw(t, "node")
		var p problems
		validateNode(&p, &n)
		p.check(t)
	})
}

func TestServiceValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := fuzz.Service([]string{"a", "b"}).Draw(t, "service")
		var p problems
		validateService(&p, &s)
		p.check(t)
	})
}

func TestIngressValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ing := fuzz.Ingress([]string{"a", "b"}).Draw(t, "ingress")
		var p problems
		validateIngress(&p, &ing)
		p.check(t)
	})
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
		nodes := map[string]bool{}
		for i := range c.Nodes {
			validateNode(&p, &c.Nodes[i])
			if nodes[c.Nodes[i].Name] {
				p.add("duplicate node %s", c.Nodes[i].Name)
			}
			nodes[c.Nodes[i].Name] = true
		}
		ids = map[string]bool{}
		for i := range c.Services {
			s := &c.Services[i]
			validateService(&p, s)
			id := s.Namespace + "/" + s.Name
			if ids[id] {
				p.add("duplicate service %s", id)
			}
			ids[id] = true
		}
		ids = map[string]bool{}
		for i := range c.Ingresses {
			ing := &c.Ingresses[i]
			validateIngress(&p, ing)
			id := ing.Namespace + "/" + ing.Name
			if ids[id] {
				p.add("duplicate ingress %s", id)
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
		noteCluster(c, note)
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
		"pod with nodeName", "hostNetwork pod with its node's addresses", "node with InternalIP", "node with IPv6 InternalIP",
		"node with ExternalIP", "node without addresses", "node Hostname address",
		"service ClusterIP", "service default type", "service headless", "service NodePort", "service LoadBalancer", "service ExternalName",
		"service without selector", "service selecting pods", "targetPort absent", "targetPort number", "targetPort name served", "targetPort name not served",
		"externalTrafficPolicy Local", "externalTrafficPolicy Cluster", "externalTrafficPolicy default", "explicit nodePort",
		"loadBalancerSourceRanges", "allocateLoadBalancerNodePorts false", "allocateLoadBalancerNodePorts true",
		"ingress default backend", "ingress rule to a service of the cluster", "ingress backend by port name", "ingress TLS for some hosts", "ingress TLS for all hosts",
		"ingress rule with any host", "ingress controller",
		"ipBlock holding a pod address", "ipBlock except holding a pod address", "ipBlock holding a node address",
		"policy port name served on different numbers", "port name served by two containers of one pod", "policy port name served by two containers of one pod",
	} {
		if !seen[want] {
			t.Errorf("no generated cluster had: %s", want)
		}
	}
}

// noteCluster notes the features of c's Nodes, Services, Ingresses, pod
// placement, and of how its policies' ipBlocks and named ports meet its
// pods and nodes.
func noteCluster(c simulate.Cluster, note func(string)) {
	var podAddrs, nodeAddrs []netip.Addr
	nodes := map[string][]string{}
	for _, n := range c.Nodes {
		if len(n.Status.Addresses) == 0 {
			note("node without addresses")
		}
		for _, a := range n.Status.Addresses {
			switch {
			case a.Type == corev1.NodeInternalIP && strings.Contains(a.Address, ":"):
				note("node with IPv6 InternalIP")
			case a.Type == corev1.NodeInternalIP:
				note("node with InternalIP")
			case a.Type == corev1.NodeExternalIP:
				note("node with ExternalIP")
			case a.Type == corev1.NodeHostName:
				note("node Hostname address")
			}
			if ip, err := netip.ParseAddr(a.Address); err == nil {
				nodeAddrs = append(nodeAddrs, ip)
				if a.Type == corev1.NodeInternalIP {
					nodes[n.Name] = append(nodes[n.Name], a.Address)
				}
			}
		}
	}
	// Numbers served per port name, and names served by two containers of
	// one pod.
	numbers := map[string]map[int32]bool{}
	twice := map[string]bool{}
	for _, pod := range c.Pods {
		if pod.Spec.NodeName != "" {
			note("pod with nodeName")
		}
		if pod.Spec.HostNetwork && pod.Status.PodIP != "" && len(nodes[pod.Spec.NodeName]) > 0 && nodes[pod.Spec.NodeName][0] == pod.Status.PodIP {
			note("hostNetwork pod with its node's addresses")
		}
		if !pod.Spec.HostNetwork {
			for _, ip := range pod.Status.PodIPs {
				podAddrs = append(podAddrs, netip.MustParseAddr(ip.IP))
			}
		}
		byContainer := map[string]string{}
		for _, ctr := range pod.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name == "" {
					continue
				}
				if numbers[cp.Name] == nil {
					numbers[cp.Name] = map[int32]bool{}
				}
				numbers[cp.Name][cp.ContainerPort] = true
				if other, ok := byContainer[cp.Name]; ok && other != ctr.Name {
					twice[cp.Name] = true
					note("port name served by two containers of one pod")
				}
				byContainer[cp.Name] = ctr.Name
			}
		}
	}
	for _, s := range c.Services {
		switch {
		case s.Spec.ClusterIP == corev1.ClusterIPNone:
			note("service headless")
		case s.Spec.Type == "":
			note("service default type")
		default:
			note("service " + string(s.Spec.Type))
		}
		if s.Spec.Type != corev1.ServiceTypeExternalName {
			if len(s.Spec.Selector) == 0 {
				note("service without selector")
			}
			for _, pod := range c.Pods {
				if len(s.Spec.Selector) > 0 && pod.Namespace == s.Namespace && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(pod.Labels)) {
					note("service selecting pods")
				}
			}
		}
		for _, sp := range s.Spec.Ports {
			switch {
			case sp.TargetPort.Type == intstr.String && numbers[sp.TargetPort.StrVal] != nil:
				note("targetPort name served")
			case sp.TargetPort.Type == intstr.String:
				note("targetPort name not served")
			case sp.TargetPort.IntVal != 0:
				note("targetPort number")
			default:
				note("targetPort absent")
			}
			if sp.NodePort != 0 {
				note("explicit nodePort")
			}
		}
		if s.Spec.Type == corev1.ServiceTypeNodePort || s.Spec.Type == corev1.ServiceTypeLoadBalancer {
			note("externalTrafficPolicy " + cmp.Or(string(s.Spec.ExternalTrafficPolicy), "default"))
		}
		if len(s.Spec.LoadBalancerSourceRanges) > 0 {
			note("loadBalancerSourceRanges")
		}
		if a := s.Spec.AllocateLoadBalancerNodePorts; a != nil {
			note(fmt.Sprintf("allocateLoadBalancerNodePorts %v", *a))
		}
		if s.Namespace == simulate.DefaultIngressControllerNamespace {
			note("ingress controller")
		}
	}
	for _, ing := range c.Ingresses {
		var backends []*networkingv1.IngressServiceBackend
		if ing.Spec.DefaultBackend != nil {
			note("ingress default backend")
			backends = append(backends, ing.Spec.DefaultBackend.Service)
		}
		for _, r := range ing.Spec.Rules {
			if r.Host == "" {
				note("ingress rule with any host")
			}
			for _, hp := range r.HTTP.Paths {
				for _, s := range c.Services {
					if s.Namespace == ing.Namespace && s.Name == hp.Backend.Service.Name {
						note("ingress rule to a service of the cluster")
					}
				}
				backends = append(backends, hp.Backend.Service)
			}
		}
		for _, b := range backends {
			if b.Port.Name != "" {
				note("ingress backend by port name")
			}
		}
		for _, tls := range ing.Spec.TLS {
			if len(tls.Hosts) == 0 {
				note("ingress TLS for all hosts")
			} else {
				note("ingress TLS for some hosts")
			}
		}
	}
	for _, np := range c.NetworkPolicies {
		var peers []networkingv1.NetworkPolicyPeer
		var ports []networkingv1.NetworkPolicyPort
		for _, r := range np.Spec.Ingress {
			peers, ports = append(peers, r.From...), append(ports, r.Ports...)
		}
		for _, r := range np.Spec.Egress {
			peers, ports = append(peers, r.To...), append(ports, r.Ports...)
		}
		for _, peer := range peers {
			if peer.IPBlock == nil {
				continue
			}
			cidr := netip.MustParsePrefix(peer.IPBlock.CIDR)
			for _, a := range podAddrs {
				if cidr.Contains(a) {
					note("ipBlock holding a pod address")
				}
				for _, e := range peer.IPBlock.Except {
					if netip.MustParsePrefix(e).Contains(a) {
						note("ipBlock except holding a pod address")
					}
				}
			}
			for _, a := range nodeAddrs {
				if cidr.Contains(a) {
					note("ipBlock holding a node address")
				}
			}
		}
		for _, port := range ports {
			if port.Port == nil || port.Port.Type != intstr.String {
				continue
			}
			if len(numbers[port.Port.StrVal]) > 1 {
				note("policy port name served on different numbers")
			}
			if twice[port.Port.StrVal] {
				note("policy port name served by two containers of one pod")
			}
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
