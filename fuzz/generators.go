package fuzz

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/simulate"
)

// The pools every generator draws from. The first entry of each is the one
// rapid shrinks towards.
var (
	labelKeys   = []string{"app", "tier", "env", "example.com/team"}
	labelValues = []string{"web", "db", ""}

	namespaceNames = []string{"default", "shop", "ops"}
	// ghostNamespace is a namespace name that selectors may mention but
	// that never exists in a generated cluster.
	ghostNamespace = "ghost"

	podNames    = []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"}
	policyNames = []string{"np0", "np1", "np2", "np3", "np4", "np5"}

	protocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	// Port numbers that pods serve and policies name.
	commonPorts = []int32{80, 53, 443, 5432, 8080, 8443}
	// Port names that pods may give any of their ports.
	commonPortNames = []string{"http", "dns", "metrics"}
	// Port names that policies use: the common ones, names derived from a
	// port and protocol, and one that no pod ever serves.
	policyPortNames = []string{"http", "dns", "metrics", "serve-80-tcp", "serve-53-udp", "serve-5432-sctp", "serve-8080-tcp", "grpc"}

	// Nodes: node-i has the InternalIP 172.16.0.i (and sometimes fd10::i)
	// and sometimes the ExternalIP 198.51.100.i; hostNetwork pods on it
	// share those addresses.
	nodeNames = []string{"node-1", "node-2", "node-3"}

	serviceNames = []string{"s0", "s1", "s2", "s3"}
	// Service port names; a Service with more than one port names them all.
	servicePortNames = []string{"web", "dns", "metrics", "p3"}
	ingressNames     = []string{"ing0", "ing1", "ing2"}
	ingressHosts     = []string{"shop.example.com", "api.example.com", ""}
	externalNames    = []string{"db.example.com", "api.example.net"}
	// loadBalancerSourceRanges draw from these: ranges that hold node and
	// client addresses, and some that hold nothing generated.
	sourceRanges = []string{"203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "172.16.0.0/16"}

	cidrsV4 = mustPrefixes("10.0.0.0/24", "10.0.0.0/16", "10.0.0.0/8", "10.0.1.0/24", "10.0.0.0/23",
		"10.0.0.0/25", "10.0.0.128/25", "192.168.0.0/16", "172.16.0.0/12", "0.0.0.0/0",
		"10.0.0.1/32", "203.0.113.0/24")
	cidrsV6 = mustPrefixes("fd00::/64", "fd00::/8", "::/0", "fd00::/56", "fd00::/120",
		"fd10::/64", "2001:db8::/32")
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Labels returns a generator of label sets over a small pool of keys (app,
// tier, env, example.com/team) and values (web, db and the empty
// value). The set may be empty, in which case it is nil.
func Labels() *rapid.Generator[map[string]string] {
	return labelsFrom(labelKeys, labelValues)
}

func labelsFrom(keys, values []string) *rapid.Generator[map[string]string] {
	return rapid.Custom(func(t *rapid.T) map[string]string {
		var out map[string]string
		for _, k := range keys {
			if !rapid.Bool().Draw(t, "has "+k) {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k] = rapid.SampledFrom(values).Draw(t, k)
		}
		return out
	})
}

// LabelSelector returns a generator of valid label selectors over the pool
// of [Labels]: sometimes nil (which selects nothing), often empty (which
// selects everything), otherwise a mix of matchLabels and matchExpressions
// using every operator (In, NotIn, Exists, DoesNotExist).
func LabelSelector() *rapid.Generator[*metav1.LabelSelector] {
	inner := selectorFrom(labelKeys, labelValues)
	return rapid.Custom(func(t *rapid.T) *metav1.LabelSelector {
		if rapid.IntRange(0, 5).Draw(t, "nil selector") == 5 {
			return nil
		}
		s := inner.Draw(t, "selector")
		return &s
	})
}

var operators = []metav1.LabelSelectorOperator{
	metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn,
	metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist,
}

// selectorFrom generates non-nil selectors over the given keys and values.
func selectorFrom(keys, values []string) *rapid.Generator[metav1.LabelSelector] {
	return selectorOver(keys, func(string) []string { return values })
}

// selectorOver generates non-nil selectors over keys, with the values of
// each key given by valuesOf.
func selectorOver(keys []string, valuesOf func(key string) []string) *rapid.Generator[metav1.LabelSelector] {
	return rapid.Custom(func(t *rapid.T) metav1.LabelSelector {
		// Few requirements, so that selectors often match something: each
		// is a matchLabels entry or a matchExpressions entry.
		var s metav1.LabelSelector
		for i := range rapid.IntRange(0, 3).Draw(t, "requirements") {
			label := fmt.Sprintf("requirement[%d]", i)
			k := rapid.SampledFrom(keys).Draw(t, label+".key")
			if rapid.Bool().Draw(t, label+" is an expression") {
				req := metav1.LabelSelectorRequirement{
					Key:      k,
					Operator: rapid.SampledFrom(operators).Draw(t, label+".operator"),
				}
				if req.Operator == metav1.LabelSelectorOpIn || req.Operator == metav1.LabelSelectorOpNotIn {
					req.Values = rapid.SliceOfNDistinct(rapid.SampledFrom(valuesOf(k)), 1, 2, rapid.ID[string]).
						Draw(t, label+".values")
				}
				s.MatchExpressions = append(s.MatchExpressions, req)
				continue
			}
			if s.MatchLabels == nil {
				s.MatchLabels = map[string]string{}
			}
			s.MatchLabels[k] = rapid.SampledFrom(valuesOf(k)).Draw(t, label+".value")
		}
		return s
	})
}

// Namespace returns a generator of Namespaces named from a small pool
// (default, shop, ops) with labels from [Labels]. The well-known label
// kubernetes.io/metadata.name is usually absent or correct and occasionally
// stale (naming another namespace), as a hand-written manifest might have
// it; Kubernetes overwrites it with the namespace's name.
func Namespace() *rapid.Generator[corev1.Namespace] {
	return rapid.Custom(func(t *rapid.T) corev1.Namespace {
		return namespaceNamed(rapid.SampledFrom(namespaceNames).Draw(t, "name")).Draw(t, "namespace")
	})
}

func namespaceNamed(name string) *rapid.Generator[corev1.Namespace] {
	return rapid.Custom(func(t *rapid.T) corev1.Namespace {
		var ns corev1.Namespace
		ns.APIVersion, ns.Kind = "v1", "Namespace"
		ns.Name = name
		ns.Labels = Labels().Draw(t, "labels")
		switch rapid.IntRange(0, 3).Draw(t, "metadata.name label") {
		case 0:
		case 3:
			if ns.Labels == nil {
				ns.Labels = map[string]string{}
			}
			var others []string
			for _, n := range append(slices.Clip(namespaceNames), ghostNamespace) {
				if n != name {
					others = append(others, n)
				}
			}
			ns.Labels[corev1.LabelMetadataName] = rapid.SampledFrom(others).Draw(t, "stale name")
		default:
			if ns.Labels == nil {
				ns.Labels = map[string]string{}
			}
			ns.Labels[corev1.LabelMetadataName] = name
		}
		return ns
	})
}

// Pod returns a generator of Pods in one of namespaces (which must not be
// empty), named from a small pool (p0 … p7), labelled by [Labels].
//
// A pod has one or two containers serving up to four ports in all, numbered
// from a small pool (occasionally any port) on TCP, UDP or SCTP (sometimes
// left empty, which means TCP), often named (http, dns, metrics, or after
// number and protocol such as serve-80-tcp).
//
// Port names and (port, protocol) pairs are unique within a container, as
// the API server validates them; occasionally two containers of one pod
// serve the same name (on different numbers), which the API server accepts
// although the API documentation asks for names unique within the pod.
//
// Most pods have an IPv4 address; some have an IPv6 one, both (dual
// stack), or none yet. Most pods with an address run on a node (nodeName
// node-1, node-2 or node-3). Rarely a pod is hostNetwork: it runs on a node
// and has that node's addresses (172.16.0.i, sometimes also fd10::i for
// node-i). Addresses of pods generated separately may coincide; [Cluster]
// makes them unique.
func Pod(namespaces []string) *rapid.Generator[corev1.Pod] {
	if len(namespaces) == 0 {
		panic("fuzz: Pod needs at least one namespace")
	}
	namespaces = append([]string(nil), namespaces...)
	return rapid.Custom(func(t *rapid.T) corev1.Pod {
		var p corev1.Pod
		p.APIVersion, p.Kind = "v1", "Pod"
		p.Namespace = rapid.SampledFrom(namespaces).Draw(t, "namespace")
		p.Name = rapid.SampledFrom(podNames).Draw(t, "name")
		p.Labels = Labels().Draw(t, "labels")
		p.Spec.HostNetwork = rapid.IntRange(0, 9).Draw(t, "hostNetwork") == 9

		names := map[string]bool{}
		served := map[[2]string]bool{}
		// Rarely, names are unique per container only.
		perContainer := rapid.IntRange(0, 2).Draw(t, "port names unique per container only") == 2
		for ci, cname := range []string{"app", "sidecar"}[:rapid.IntRange(1, 2).Draw(t, "containers")] {
			if perContainer {
				names = map[string]bool{}
			}
			c := corev1.Container{Name: cname, Image: "registry.example/" + cname + ":1"}
			for pi := range rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("containers[%d].ports", ci)) {
				label := fmt.Sprintf("containers[%d].ports[%d]", ci, pi)
				cp := containerPort(t, label)
				if perContainer && ci == 1 && pi == 0 {
					// The sidecar serves a name of the app container
					// again, on a number of its own.
					for _, first := range p.Spec.Containers[0].Ports {
						if first.Name != "" {
							cp.Name, cp.Protocol = first.Name, first.Protocol
							break
						}
					}
				}
				proto := cp.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				key := [2]string{strconv.Itoa(int(cp.ContainerPort)), string(proto)}
				if served[key] {
					continue
				}
				served[key] = true
				if names[cp.Name] {
					cp.Name = ""
				}
				if cp.Name != "" {
					names[cp.Name] = true
				}
				c.Ports = append(c.Ports, cp)
			}
			p.Spec.Containers = append(p.Spec.Containers, c)
		}

		var ips []string
		if p.Spec.HostNetwork {
			n := rapid.IntRange(1, len(nodeNames)).Draw(t, "node")
			p.Spec.NodeName = nodeNames[n-1]
			ips = hostAddresses(t, n)
		} else {
			ips = podAddresses(t)
			if len(ips) > 0 && rapid.IntRange(0, 4).Draw(t, "unscheduled") > 0 {
				p.Spec.NodeName = rapid.SampledFrom(nodeNames).Draw(t, "spec.nodeName")
			}
		}
		// Older and hand-written manifests give a single address in
		// status.podIP only; the API server then fills podIPs in.
		legacy := len(ips) == 1 && rapid.IntRange(0, 7).Draw(t, "podIP only") == 7
		setPodIPs(&p, ips, legacy)
		return p
	})
}

func containerPort(t *rapid.T, label string) corev1.ContainerPort {
	var cp corev1.ContainerPort
	if rapid.IntRange(0, 7).Draw(t, label+".any number") == 7 {
		cp.ContainerPort = rapid.Int32Range(1, 65535).Draw(t, label+".containerPort")
	} else {
		cp.ContainerPort = rapid.SampledFrom(commonPorts).Draw(t, label+".containerPort")
	}
	cp.Protocol = rapid.SampledFrom([]corev1.Protocol{
		corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP, "",
	}).Draw(t, label+".protocol")
	switch rapid.IntRange(0, 2).Draw(t, label+".name kind") {
	case 1:
		cp.Name = rapid.SampledFrom(commonPortNames).Draw(t, label+".name")
	case 2:
		proto := cp.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		// An IANA service name has at most 15 characters.
		if n := fmt.Sprintf("serve-%d-%s", cp.ContainerPort, strings.ToLower(string(proto))); len(n) <= 15 {
			cp.Name = n
		}
	}
	return cp
}

// podAddresses draws the addresses of a pod, primary first: none, IPv4,
// IPv6 or both.
func podAddresses(t *rapid.T) []string {
	v4 := func() string {
		if rapid.IntRange(0, 4).Draw(t, "v4 range") == 4 {
			return fmt.Sprintf("192.168.1.%d", rapid.IntRange(1, 254).Draw(t, "v4 host"))
		}
		return fmt.Sprintf("10.0.%d.%d", rapid.IntRange(0, 1).Draw(t, "v4 subnet"), rapid.IntRange(1, 254).Draw(t, "v4 host"))
	}
	v6 := func() string {
		return netip.AddrFrom16([16]byte{
			0xfd, 0, 0, 0, 0, 0, 0, byte(rapid.IntRange(0, 1).Draw(t, "v6 subnet")),
			0, 0, 0, 0, 0, 0, 0, byte(rapid.IntRange(1, 255).Draw(t, "v6 host")),
		}).String()
	}
	switch rapid.SampledFrom([]string{"v4", "none", "v6", "v4+v6", "v6+v4"}).Draw(t, "ip families") {
	case "v4":
		return []string{v4()}
	case "v6":
		return []string{v6()}
	case "v4+v6":
		return []string{v4(), v6()}
	case "v6+v4":
		return []string{v6(), v4()}
	}
	return nil
}

// hostAddresses draws the addresses of a hostNetwork pod on node n (the
// node's InternalIPs).
func hostAddresses(t *rapid.T, n int) []string {
	switch rapid.SampledFrom([]string{"v4", "none", "v4+v6"}).Draw(t, "node ip families") {
	case "v4":
		return []string{fmt.Sprintf("172.16.0.%d", n)}
	case "v4+v6":
		return []string{fmt.Sprintf("172.16.0.%d", n), fmt.Sprintf("fd10::%d", n)}
	}
	return nil
}

// setPodIPs sets the status addresses of p to ips, primary first; with
// legacy, a single address goes in status.podIP only.
func setPodIPs(p *corev1.Pod, ips []string, legacy bool) {
	p.Status.PodIP, p.Status.PodIPs = "", nil
	p.Status.HostIP, p.Status.HostIPs = "", nil
	if len(ips) == 0 {
		p.Status.Phase = corev1.PodPending
		return
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.PodIP = ips[0]
	if !legacy || len(ips) > 1 {
		for _, ip := range ips {
			p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: ip})
		}
	}
	if p.Spec.HostNetwork {
		p.Status.HostIP = ips[0]
		for _, ip := range ips {
			p.Status.HostIPs = append(p.Status.HostIPs, corev1.HostIP{IP: ip})
		}
	}
}

func podIPs(p *corev1.Pod) []string {
	var ips []string
	for _, ip := range p.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	if len(ips) == 0 && p.Status.PodIP != "" {
		ips = append(ips, p.Status.PodIP)
	}
	return ips
}

var policyTypeChoices = [][]networkingv1.PolicyType{
	nil,
	{networkingv1.PolicyTypeIngress},
	{networkingv1.PolicyTypeEgress},
	{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
	{networkingv1.PolicyTypeEgress, networkingv1.PolicyTypeIngress},
	{},
}

// NetworkPolicy returns a generator of NetworkPolicies in one of namespaces
// (which must not be empty), named from a small pool (np0 … np5).
//
// spec.podSelector is any non-nil selector over the [Labels] pool;
// policyTypes is absent, empty (both mean "defaulted") or explicit in either
// order; ingress and egress are each absent, empty or one to three rules;
// from, to and ports are each absent, empty or one to three entries.
//
// A peer is a podSelector, a namespaceSelector, both, or an ipBlock with zero
// to two excepts. Namespace selectors also use kubernetes.io/metadata.name
// with values from namespaces and a namespace that never exists. A port is a
// protocol alone, a number (with the protocol absent or explicit), a number
// with an endPort, or a name that pods may or may not serve.
func NetworkPolicy(namespaces []string) *rapid.Generator[networkingv1.NetworkPolicy] {
	if len(namespaces) == 0 {
		panic("fuzz: NetworkPolicy needs at least one namespace")
	}
	return networkPolicyIn(namespaces, namespaces, clusterPools{})
}

// clusterPools are values of a cluster that policies should hit: the port
// names its pods serve and the addresses of its pods and nodes.
type clusterPools struct {
	portNames []string
	addrs     []netip.Addr
}

// networkPolicyIn generates policies in one of where whose namespace
// selectors name the namespaces of known, with named ports and ipBlocks
// drawn from pools half of the time.
func networkPolicyIn(where, known []string, pools clusterPools) *rapid.Generator[networkingv1.NetworkPolicy] {
	where = slices.Clone(where)
	// Namespace selectors look at the well-known name label as often as at
	// all other keys together.
	nsKeys := []string{corev1.LabelMetadataName}
	for range labelKeys {
		nsKeys = append(nsKeys, corev1.LabelMetadataName)
	}
	nsKeys = append(nsKeys, labelKeys...)
	nsNames := append(slices.Clone(known), ghostNamespace)
	podSel := selectorFrom(labelKeys, labelValues)
	nsSel := selectorOver(nsKeys, func(k string) []string {
		if k == corev1.LabelMetadataName {
			return nsNames
		}
		return labelValues
	})

	peer := rapid.Custom(func(t *rapid.T) networkingv1.NetworkPolicyPeer {
		var p networkingv1.NetworkPolicyPeer
		switch rapid.SampledFrom([]string{"podSelector", "namespaceSelector", "both", "ipBlock"}).Draw(t, "peer kind") {
		case "podSelector":
			s := podSel.Draw(t, "podSelector")
			p.PodSelector = &s
		case "namespaceSelector":
			s := nsSel.Draw(t, "namespaceSelector")
			p.NamespaceSelector = &s
		case "both":
			s := podSel.Draw(t, "podSelector")
			p.PodSelector = &s
			n := nsSel.Draw(t, "namespaceSelector")
			p.NamespaceSelector = &n
		case "ipBlock":
			var b networkingv1.IPBlock
			if len(pools.addrs) > 0 && rapid.Bool().Draw(t, "ipBlock around a cluster address") {
				b = ipBlockAround(t, rapid.SampledFrom(pools.addrs).Draw(t, "cluster address"), pools.addrs)
			} else {
				b = ipBlock(t)
			}
			p.IPBlock = &b
		}
		return p
	})

	port := rapid.Custom(func(t *rapid.T) networkingv1.NetworkPolicyPort {
		var p networkingv1.NetworkPolicyPort
		if i := rapid.IntRange(0, len(protocols)).Draw(t, "protocol"); i > 0 {
			proto := protocols[i-1]
			p.Protocol = &proto
		}
		kind := rapid.SampledFrom([]string{"number", "none", "range", "name"}).Draw(t, "port kind")
		switch kind {
		case "number", "range":
			var n int32
			switch rapid.IntRange(0, 3).Draw(t, "port number kind") {
			case 0, 1:
				n = rapid.SampledFrom(commonPorts).Draw(t, "port")
			case 2:
				n = rapid.SampledFrom([]int32{1, 65535, 65534}).Draw(t, "port")
			default:
				n = rapid.Int32Range(1, 65535).Draw(t, "port")
			}
			v := intstr.FromInt32(n)
			p.Port = &v
			if kind == "range" {
				var e int32
				switch rapid.IntRange(0, 3).Draw(t, "endPort kind") {
				case 0:
					e = n
				case 1:
					e = min(n+1, 65535)
				case 2:
					e = 65535
				default:
					e = rapid.Int32Range(n, 65535).Draw(t, "endPort value")
				}
				p.EndPort = &e
			}
		case "name":
			names := policyPortNames
			if len(pools.portNames) > 0 && rapid.Bool().Draw(t, "a name pods serve") {
				names = pools.portNames
			}
			v := intstr.FromString(rapid.SampledFrom(names).Draw(t, "port name"))
			p.Port = &v
		}
		return p
	})

	rule := func(t *rapid.T, label string) ([]networkingv1.NetworkPolicyPeer, []networkingv1.NetworkPolicyPort) {
		var peers []networkingv1.NetworkPolicyPeer
		switch n := rapid.IntRange(-1, 3).Draw(t, label+" peers"); n {
		case -1:
		case 0:
			peers = []networkingv1.NetworkPolicyPeer{}
		default:
			for i := range n {
				peers = append(peers, peer.Draw(t, fmt.Sprintf("%s peer[%d]", label, i)))
			}
		}
		var ports []networkingv1.NetworkPolicyPort
		switch n := rapid.IntRange(-1, 3).Draw(t, label+" ports"); n {
		case -1:
		case 0:
			ports = []networkingv1.NetworkPolicyPort{}
		default:
			for i := range n {
				ports = append(ports, port.Draw(t, fmt.Sprintf("%s port[%d]", label, i)))
			}
		}
		return peers, ports
	}

	return rapid.Custom(func(t *rapid.T) networkingv1.NetworkPolicy {
		var np networkingv1.NetworkPolicy
		np.APIVersion, np.Kind = "networking.k8s.io/v1", "NetworkPolicy"
		np.Namespace = rapid.SampledFrom(where).Draw(t, "namespace")
		np.Name = rapid.SampledFrom(policyNames).Draw(t, "name")
		np.Spec.PodSelector = podSel.Draw(t, "spec.podSelector")
		np.Spec.PolicyTypes = clonePolicyTypes(rapid.SampledFrom(policyTypeChoices).Draw(t, "spec.policyTypes"))

		switch n := rapid.IntRange(-1, 3).Draw(t, "ingress rules"); n {
		case -1:
		case 0:
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}
		default:
			for i := range n {
				from, ports := rule(t, fmt.Sprintf("ingress[%d]", i))
				np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: from, Ports: ports})
			}
		}
		switch n := rapid.IntRange(-1, 3).Draw(t, "egress rules"); n {
		case -1:
		case 0:
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
		default:
			for i := range n {
				to, ports := rule(t, fmt.Sprintf("egress[%d]", i))
				np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: to, Ports: ports})
			}
		}
		return np
	})
}

func clonePolicyTypes(pt []networkingv1.PolicyType) []networkingv1.PolicyType {
	if pt == nil {
		return nil
	}
	return append([]networkingv1.PolicyType{}, pt...)
}

// ipBlock draws a CIDR from the pool and up to two excepts strictly inside
// it, placed near pod addresses so that they often carve pods out.
func ipBlock(t *rapid.T) networkingv1.IPBlock {
	var cidr netip.Prefix
	if rapid.IntRange(0, 3).Draw(t, "ipBlock family") == 3 {
		cidr = rapid.SampledFrom(cidrsV6).Draw(t, "cidr")
	} else {
		cidr = rapid.SampledFrom(cidrsV4).Draw(t, "cidr")
	}
	b := networkingv1.IPBlock{CIDR: cidr.String()}
	maxBits := cidr.Addr().BitLen()
	if cidr.Bits() == maxBits {
		return b // nothing fits strictly inside a single address
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "excepts") {
		label := fmt.Sprintf("except[%d]", i)
		var lengths []int
		for _, l := range []int{cidr.Bits() + 1, maxBits - 8, maxBits - 7, maxBits - 4, maxBits - 1, maxBits} {
			if l > cidr.Bits() && l <= maxBits {
				lengths = append(lengths, l)
			}
		}
		bits := rapid.SampledFrom(lengths).Draw(t, label+" length")
		addr := addressIn(t, cidr, label)
		b.Except = append(b.Except, netip.PrefixFrom(addr, bits).Masked().String())
	}
	return b
}

// ipBlockAround draws a CIDR that holds addr (the address itself, or a
// prefix of 8 to 24 bits fewer) with up to two excepts strictly inside it,
// each around addr or another address of the cluster it holds.
func ipBlockAround(t *rapid.T, addr netip.Addr, addrs []netip.Addr) networkingv1.IPBlock {
	maxBits := addr.BitLen()
	bits := maxBits - rapid.SampledFrom([]int{0, 8, 16, 24}).Draw(t, "host bits")
	cidr := netip.PrefixFrom(addr, bits).Masked()
	b := networkingv1.IPBlock{CIDR: cidr.String()}
	if bits == maxBits {
		return b
	}
	var inside []netip.Addr
	for _, a := range addrs {
		if cidr.Contains(a) {
			inside = append(inside, a)
		}
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "excepts") {
		label := fmt.Sprintf("except[%d]", i)
		a := rapid.SampledFrom(inside).Draw(t, label+" around")
		l := rapid.IntRange(bits+1, maxBits).Draw(t, label+" length")
		b.Except = append(b.Except, netip.PrefixFrom(a, l).Masked().String())
	}
	return b
}

// addressIn draws an address of prefix, preferring the pod and node ranges.
func addressIn(t *rapid.T, prefix netip.Prefix, label string) netip.Addr {
	var candidates []netip.Addr
	for _, s := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.200", "10.0.1.1", "192.168.1.1", "172.16.0.1", "fd00::1", "fd00::2", "fd00:0:0:1::1", "fd10::1"} {
		if a := netip.MustParseAddr(s); prefix.Contains(a) {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) > 0 && rapid.IntRange(0, 3).Draw(t, label+" near pods") < 3 {
		return rapid.SampledFrom(candidates).Draw(t, label+" address")
	}
	// Any address of the prefix: its base with random host bits.
	raw := prefix.Masked().Addr().As16()
	hostBits := prefix.Addr().BitLen() - prefix.Bits()
	off := 16 - prefix.Addr().BitLen()/8
	for i := 15; i >= off && hostBits > 0; i-- {
		n := min(hostBits, 8)
		raw[i] |= byte(rapid.IntRange(0, 1<<n-1).Draw(t, fmt.Sprintf("%s byte %d", label, i)))
		hostBits -= n
	}
	a := netip.AddrFrom16(raw)
	if prefix.Addr().Is4() {
		a = a.Unmap()
	}
	return a
}

// Cluster returns a generator of small clusters: one to three namespaces
// from the pool of [Namespace] (each with or without a Namespace object),
// zero to eight pods from [Pod], zero to three Nodes from [Node], zero to
// four Services from [Service], zero to two Ingresses from [Ingress] and
// zero to six policies from [NetworkPolicy] in those namespaces.
//
// Sometimes the cluster also runs an ingress controller as the
// [simulate.IngressController] default expects it: one or two pods in
// namespace ingress-nginx labelled app.kubernetes.io/name=ingress-nginx,
// exposed by a LoadBalancer Service there.
//
// Names are unique per namespace (duplicates drawn get a suffix) and pod
// addresses are unique among non-hostNetwork pods (a duplicate address is
// dropped from the later pod); a hostNetwork pod on a Node that reports
// InternalIPs has those addresses. Values that should collide do: Service
// selectors and Ingress backends mostly name pods and Services of the
// cluster, named targetPorts and policy port names are often names the
// cluster's pods serve (some on different numbers in different pods), and
// ipBlocks often hold (or carve out) addresses of its pods and nodes.
func Cluster() *rapid.Generator[simulate.Cluster] {
	return rapid.Custom(func(t *rapid.T) simulate.Cluster {
		var c simulate.Cluster
		// Mostly several namespaces, so that namespace selectors matter;
		// shrinking still goes to the smallest set of objects (namespaces
		// without pods, policies or objects leave no trace).
		names := rapid.Permutation(namespaceNames).Draw(t, "namespaces")[:3-rapid.IntRange(0, 2).Draw(t, "fewer namespaces")]
		for _, name := range names {
			if rapid.IntRange(0, 3).Draw(t, name+" has object") > 0 {
				c.Namespaces = append(c.Namespaces, namespaceNamed(name).Draw(t, "namespace "+name))
			}
		}

		nodes := map[string]*corev1.Node{}
		for i := range nodeNames {
			if rapid.IntRange(0, 3).Draw(t, nodeNames[i]+" has object") > 0 {
				c.Nodes = append(c.Nodes, nodeNumbered(i+1).Draw(t, nodeNames[i]))
			}
		}
		for i := range c.Nodes {
			nodes[c.Nodes[i].Name] = &c.Nodes[i]
		}

		pod := Pod(names)
		taken := map[string]bool{}
		usedIPs := map[string]bool{}
		for i := range rapid.IntRange(0, 8).Draw(t, "pods") {
			p := pod.Draw(t, fmt.Sprintf("pod[%d]", i))
			p.Name = uniqueName(taken, p.Namespace, p.Name)
			if p.Spec.HostNetwork {
				if n := nodes[p.Spec.NodeName]; n != nil && len(podIPs(&p)) > 0 && len(nodeInternalIPs(n)) > 0 {
					setPodIPs(&p, nodeInternalIPs(n), false)
				}
			} else {
				var keep []string
				for _, ip := range podIPs(&p) {
					if !usedIPs[ip] {
						usedIPs[ip] = true
						keep = append(keep, ip)
					}
				}
				setPodIPs(&p, keep, len(p.Status.PodIPs) == 0)
				if len(keep) == 0 {
					p.Spec.NodeName = ""
				}
			}
			c.Pods = append(c.Pods, p)
		}
		if rapid.IntRange(0, 3).Draw(t, "ingress controller") == 3 {
			addIngressController(t, &c, taken, usedIPs)
			names = append(slices.Clip(names), simulate.DefaultIngressControllerNamespace)
		}

		pools := clusterPools{portNames: servedPortNames(c.Pods)}
		for i := range c.Pods {
			for _, ip := range podIPs(&c.Pods[i]) {
				if a, err := netip.ParseAddr(ip); err == nil && !slices.Contains(pools.addrs, a) {
					pools.addrs = append(pools.addrs, a)
				}
			}
		}
		for _, n := range c.Nodes {
			for _, a := range n.Status.Addresses {
				if ip, err := netip.ParseAddr(a.Address); err == nil && !slices.Contains(pools.addrs, ip) {
					pools.addrs = append(pools.addrs, ip)
				}
			}
		}

		svc := serviceIn(names, pools.portNames)
		svcTaken := map[string]bool{}
		for _, s := range c.Services {
			svcTaken[s.Namespace+"/"+s.Name] = true
		}
		for i := range rapid.IntRange(0, 4).Draw(t, "services") {
			s := svc.Draw(t, fmt.Sprintf("service[%d]", i))
			s.Name = uniqueName(svcTaken, s.Namespace, s.Name)
			c.Services = append(c.Services, s)
		}
		ing := ingressIn(names, c.Services)
		taken = map[string]bool{}
		for i := range rapid.IntRange(0, 2).Draw(t, "ingresses") {
			g := ing.Draw(t, fmt.Sprintf("ingress[%d]", i))
			g.Name = uniqueName(taken, g.Namespace, g.Name)
			c.Ingresses = append(c.Ingresses, g)
		}

		// Policies go mostly where pods are, so that they select some.
		np := networkPolicyIn(names, names, pools)
		npWherePods := np
		if populated := namespacesOf(c.Pods); len(populated) > 0 {
			npWherePods = networkPolicyIn(populated, names, pools)
		}
		taken = map[string]bool{}
		for i := range rapid.IntRange(0, 6).Draw(t, "policies") {
			gen := npWherePods
			if rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("policy[%d] anywhere", i)) == 3 {
				gen = np
			}
			p := gen.Draw(t, fmt.Sprintf("policy[%d]", i))
			p.Name = uniqueName(taken, p.Namespace, p.Name)
			c.NetworkPolicies = append(c.NetworkPolicies, p)
		}
		return c
	})
}

// addIngressController adds one or two ingress controller pods, as the
// IngressController option's default names them, and the LoadBalancer
// Service that exposes them (with a random externalTrafficPolicy).
func addIngressController(t *rapid.T, c *simulate.Cluster, taken, usedIPs map[string]bool) {
	ns := simulate.DefaultIngressControllerNamespace
	for i := range rapid.IntRange(1, 2).Draw(t, "controller pods") {
		var p corev1.Pod
		p.APIVersion, p.Kind = "v1", "Pod"
		p.Namespace = ns
		p.Name = uniqueName(taken, ns, "controller")
		p.Labels = map[string]string{simulate.DefaultIngressControllerLabel: simulate.DefaultIngressControllerValue}
		p.Spec.Containers = []corev1.Container{{Name: "controller", Image: "registry.example/controller:1", Ports: []corev1.ContainerPort{
			{Name: "http", ContainerPort: 80, Protocol: corev1.ProtocolTCP},
			{Name: "https", ContainerPort: 443, Protocol: corev1.ProtocolTCP},
		}}}
		ip := fmt.Sprintf("10.0.1.%d", 250+i)
		if !usedIPs[ip] {
			usedIPs[ip] = true
			setPodIPs(&p, []string{ip}, false)
			p.Spec.NodeName = rapid.SampledFrom(nodeNames).Draw(t, "controller nodeName")
		}
		c.Pods = append(c.Pods, p)
	}
	var s corev1.Service
	s.APIVersion, s.Kind = "v1", "Service"
	s.Namespace, s.Name = ns, "controller"
	s.Spec.Type = corev1.ServiceTypeLoadBalancer
	s.Spec.Selector = map[string]string{simulate.DefaultIngressControllerLabel: simulate.DefaultIngressControllerValue}
	s.Spec.Ports = []corev1.ServicePort{
		{Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP},
		{Name: "https", Port: 443, TargetPort: intstr.FromString("https"), Protocol: corev1.ProtocolTCP},
	}
	s.Spec.ExternalTrafficPolicy = rapid.SampledFrom([]corev1.ServiceExternalTrafficPolicy{
		corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal,
	}).Draw(t, "controller externalTrafficPolicy")
	c.Services = append(c.Services, s)
}

// servedPortNames returns the port names pods serve, sorted.
func servedPortNames(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name != "" {
					out = append(out, cp.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// namespacesOf returns the namespaces of pods, in order of first appearance.
func namespacesOf(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		if !slices.Contains(out, p.Namespace) {
			out = append(out, p.Namespace)
		}
	}
	return out
}

// uniqueName returns name, or name with the first free suffix -1, -2, …,
// and records it as taken in namespace.
func uniqueName(taken map[string]bool, namespace, name string) string {
	candidate := name
	for i := 1; taken[namespace+"/"+candidate]; i++ {
		candidate = name + "-" + strconv.Itoa(i)
	}
	taken[namespace+"/"+candidate] = true
	return candidate
}

// Node returns a generator of Nodes named node-1, node-2 or node-3. Node
// node-i usually has the InternalIP 172.16.0.i, sometimes also the
// InternalIP fd10::i, the ExternalIP 198.51.100.i and a Hostname address
// (which is not an IP); rarely it reports no address yet.
func Node() *rapid.Generator[corev1.Node] {
	return rapid.Custom(func(t *rapid.T) corev1.Node {
		return nodeNumbered(rapid.IntRange(1, len(nodeNames)).Draw(t, "node")).Draw(t, "node")
	})
}

func nodeNumbered(i int) *rapid.Generator[corev1.Node] {
	return rapid.Custom(func(t *rapid.T) corev1.Node {
		var n corev1.Node
		n.APIVersion, n.Kind = "v1", "Node"
		n.Name = nodeNames[i-1]
		add := func(typ corev1.NodeAddressType, addr string) {
			n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: typ, Address: addr})
		}
		if rapid.IntRange(0, 5).Draw(t, "no InternalIP") > 0 {
			add(corev1.NodeInternalIP, fmt.Sprintf("172.16.0.%d", i))
			if rapid.IntRange(0, 2).Draw(t, "IPv6 InternalIP") == 2 {
				add(corev1.NodeInternalIP, fmt.Sprintf("fd10::%d", i))
			}
		}
		if rapid.IntRange(0, 2).Draw(t, "ExternalIP") == 2 {
			add(corev1.NodeExternalIP, fmt.Sprintf("198.51.100.%d", i))
		}
		if rapid.Bool().Draw(t, "Hostname") {
			add(corev1.NodeHostName, n.Name)
		}
		return n
	})
}

// nodeInternalIPs returns the InternalIP addresses of n.
func nodeInternalIPs(n *corev1.Node) []string {
	var out []string
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			out = append(out, a.Address)
		}
	}
	return out
}

var serviceTypes = []string{"ClusterIP", "headless", "NodePort", "LoadBalancer", "ExternalName", "default"}

// Service returns a generator of Services in one of namespaces (which must
// not be empty), named s0 … s3, of every type: ClusterIP (explicit or
// defaulted), headless (clusterIP None), NodePort, LoadBalancer and
// ExternalName.
//
// A Service other than ExternalName selects pods by labels from the pool of
// [Labels] (sometimes no selector: endpoints managed by hand). Its one to
// three ports (none for some headless ones) use TCP, UDP, SCTP or the
// default, numbers from the pool pods serve, unique per protocol, and are
// named when there are several. A targetPort is absent (the port itself),
// a number, or a name pods may serve. NodePort and LoadBalancer Services
// set externalTrafficPolicy to Local, Cluster or leave it to its default,
// and give node ports explicitly (30000–30099) or leave them to the
// cluster; LoadBalancer ones sometimes set loadBalancerSourceRanges and
// allocateLoadBalancerNodePorts. An ExternalName Service names a DNS name
// and sometimes ports.
func Service(namespaces []string) *rapid.Generator[corev1.Service] {
	if len(namespaces) == 0 {
		panic("fuzz: Service needs at least one namespace")
	}
	return serviceIn(slices.Clone(namespaces), nil)
}

// serviceIn generates Services whose named targetPorts are drawn from
// portNames half of the time.
func serviceIn(namespaces, portNames []string) *rapid.Generator[corev1.Service] {
	return rapid.Custom(func(t *rapid.T) corev1.Service {
		var s corev1.Service
		s.APIVersion, s.Kind = "v1", "Service"
		s.Namespace = rapid.SampledFrom(namespaces).Draw(t, "namespace")
		s.Name = rapid.SampledFrom(serviceNames).Draw(t, "name")
		typ := rapid.SampledFrom(serviceTypes).Draw(t, "type")
		switch typ {
		case "headless":
			s.Spec.Type, s.Spec.ClusterIP = corev1.ServiceTypeClusterIP, corev1.ClusterIPNone
		case "default":
		default:
			s.Spec.Type = corev1.ServiceType(typ)
		}
		if s.Spec.Type == corev1.ServiceTypeExternalName {
			s.Spec.ExternalName = rapid.SampledFrom(externalNames).Draw(t, "spec.externalName")
		} else if rapid.IntRange(0, 7).Draw(t, "no selector") > 0 {
			s.Spec.Selector = Labels().Draw(t, "spec.selector")
		}
		minPorts := 1
		if typ == "headless" || typ == "ExternalName" {
			minPorts = 0
		}
		external := s.Spec.Type == corev1.ServiceTypeNodePort || s.Spec.Type == corev1.ServiceTypeLoadBalancer
		n := rapid.IntRange(minPorts, 3).Draw(t, "ports")
		served := map[[2]string]bool{}
		nodePorts := rapid.Permutation([]int32{30000, 30001, 30002, 30080}).Draw(t, "node ports")
		for i := range n {
			label := fmt.Sprintf("spec.ports[%d]", i)
			var sp corev1.ServicePort
			sp.Protocol = rapid.SampledFrom([]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP, ""}).Draw(t, label+".protocol")
			sp.Port = rapid.SampledFrom(commonPorts).Draw(t, label+".port")
			key := [2]string{strconv.Itoa(int(sp.Port)), string(cmp.Or(sp.Protocol, corev1.ProtocolTCP))}
			if served[key] {
				continue
			}
			served[key] = true
			switch rapid.SampledFrom([]string{"absent", "number", "name"}).Draw(t, label+".targetPort kind") {
			case "number":
				sp.TargetPort = intstr.FromInt32(rapid.SampledFrom(commonPorts).Draw(t, label+".targetPort"))
			case "name":
				names := commonPortNames
				if len(portNames) > 0 && rapid.Bool().Draw(t, label+" a name pods serve") {
					names = portNames
				}
				sp.TargetPort = intstr.FromString(rapid.SampledFrom(names).Draw(t, label+".targetPort"))
			}
			if external && rapid.Bool().Draw(t, label+" explicit nodePort") {
				sp.NodePort = nodePorts[i]
			}
			s.Spec.Ports = append(s.Spec.Ports, sp)
		}
		if len(s.Spec.Ports) > 1 || (len(s.Spec.Ports) == 1 && rapid.Bool().Draw(t, "name the one port")) {
			for i := range s.Spec.Ports {
				s.Spec.Ports[i].Name = servicePortNames[i]
			}
		}
		if external {
			s.Spec.ExternalTrafficPolicy = rapid.SampledFrom([]corev1.ServiceExternalTrafficPolicy{
				"", corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal,
			}).Draw(t, "spec.externalTrafficPolicy")
		}
		if s.Spec.Type == corev1.ServiceTypeLoadBalancer {
			s.Spec.LoadBalancerSourceRanges = rapid.SliceOfNDistinct(rapid.SampledFrom(sourceRanges), 0, 2, rapid.ID[string]).Draw(t, "spec.loadBalancerSourceRanges")
			if len(s.Spec.LoadBalancerSourceRanges) == 0 {
				s.Spec.LoadBalancerSourceRanges = nil
			}
			switch rapid.IntRange(0, 2).Draw(t, "spec.allocateLoadBalancerNodePorts") {
			case 1:
				on := true
				s.Spec.AllocateLoadBalancerNodePorts = &on
			case 2:
				off := false
				s.Spec.AllocateLoadBalancerNodePorts = &off
			}
		}
		return s
	})
}

// Ingress returns a generator of Ingresses in one of namespaces (which must
// not be empty), named ing0 … ing2: a default backend, rules, or both;
// rules for the hosts shop.example.com, api.example.com or any host, each
// with one or two HTTP paths (/ or /api, of every pathType); backends name
// a Service of the pool of [Service] (s0 … s3, or one that never exists)
// by port number or port name; and sometimes TLS for some of the hosts, or
// for all of them (no hosts listed).
func Ingress(namespaces []string) *rapid.Generator[networkingv1.Ingress] {
	if len(namespaces) == 0 {
		panic("fuzz: Ingress needs at least one namespace")
	}
	return ingressIn(slices.Clone(namespaces), nil)
}

// ingressIn generates Ingresses whose backends name one of services (of
// the Ingress's namespace) most of the time.
func ingressIn(namespaces []string, services []corev1.Service) *rapid.Generator[networkingv1.Ingress] {
	return rapid.Custom(func(t *rapid.T) networkingv1.Ingress {
		var ing networkingv1.Ingress
		ing.APIVersion, ing.Kind = "networking.k8s.io/v1", "Ingress"
		ing.Namespace = rapid.SampledFrom(namespaces).Draw(t, "namespace")
		ing.Name = rapid.SampledFrom(ingressNames).Draw(t, "name")
		var local []*corev1.Service
		for i := range services {
			if services[i].Namespace == ing.Namespace && len(services[i].Spec.Ports) > 0 {
				local = append(local, &services[i])
			}
		}
		backend := func(label string) *networkingv1.IngressServiceBackend {
			b := &networkingv1.IngressServiceBackend{}
			if len(local) > 0 && rapid.IntRange(0, 3).Draw(t, label+" a service of the cluster") > 0 {
				svc := rapid.SampledFrom(local).Draw(t, label+".service")
				sp := rapid.SampledFrom(svc.Spec.Ports).Draw(t, label+".service port")
				b.Name = svc.Name
				if sp.Name != "" && rapid.Bool().Draw(t, label+" by port name") {
					b.Port.Name = sp.Name
				} else {
					b.Port.Number = sp.Port
				}
				return b
			}
			b.Name = rapid.SampledFrom(append(slices.Clone(serviceNames), "missing")).Draw(t, label+".service.name")
			if rapid.Bool().Draw(t, label+" by port name") {
				b.Port.Name = rapid.SampledFrom(servicePortNames).Draw(t, label+".service.port.name")
			} else {
				b.Port.Number = rapid.SampledFrom(commonPorts).Draw(t, label+".service.port.number")
			}
			return b
		}
		shape := rapid.SampledFrom([]string{"rules", "default backend", "both"}).Draw(t, "shape")
		if shape != "rules" {
			ing.Spec.DefaultBackend = &networkingv1.IngressBackend{Service: backend("spec.defaultBackend")}
		}
		if shape != "default backend" {
			for i, host := range rapid.SliceOfNDistinct(rapid.SampledFrom(ingressHosts), 1, 2, rapid.ID[string]).Draw(t, "hosts") {
				rule := networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
				for j, path := range rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"/", "/api"}), 1, 2, rapid.ID[string]).Draw(t, fmt.Sprintf("spec.rules[%d] paths", i)) {
					label := fmt.Sprintf("spec.rules[%d].http.paths[%d]", i, j)
					pt := rapid.SampledFrom([]networkingv1.PathType{networkingv1.PathTypePrefix, networkingv1.PathTypeExact, networkingv1.PathTypeImplementationSpecific}).Draw(t, label+".pathType")
					rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
						Path: path, PathType: &pt, Backend: networkingv1.IngressBackend{Service: backend(label + ".backend")},
					})
				}
				ing.Spec.Rules = append(ing.Spec.Rules, rule)
			}
		}
		switch rapid.IntRange(0, 3).Draw(t, "tls") {
		case 1:
			ing.Spec.TLS = []networkingv1.IngressTLS{{SecretName: "tls"}}
		case 2:
			var hosts []string
			for _, r := range ing.Spec.Rules {
				if r.Host != "" {
					hosts = append(hosts, r.Host)
				}
			}
			if len(hosts) == 0 {
				hosts = []string{"shop.example.com"}
			}
			ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: hosts[:1], SecretName: "tls"}}
		}
		return ing
	})
}
