package conformance_test

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netpolsim/netpolsim/simulate"
)

// The model: namespaces × pods, each pod serving servedPorts on every
// protocol.
var (
	namespaces  = []string{"x", "y", "z"}
	podNames    = []string{"a", "b", "c"}
	servedPorts = []int32{80, 81}
	protocols   = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
)

// numPods is len(namespaces) × len(podNames).
const numPods = 9

// podIDs lists the pods of the model as "namespace/name", in the order
// truth tables print them: x/a, x/b, x/c, y/a, …, z/c.
var podIDs = func() []string {
	var ids []string
	for _, ns := range namespaces {
		for _, p := range podNames {
			ids = append(ids, ns+"/"+p)
		}
	}
	if len(ids) != numPods {
		panic("conformance: numPods is out of date")
	}
	return ids
}()

// podIP returns the address of pod ns/name: 10.0.<namespace index>.<pod
// index + 1>, so x/a is 10.0.0.1, y/b 10.0.1.2 and z/c 10.0.2.3; each
// namespace is one /24.
func podIP(ns, name string) string {
	return fmt.Sprintf("10.0.%d.%d", slices.Index(namespaces, ns), slices.Index(podNames, name)+1)
}

// servePortName returns the container port name under which every pod of
// the model serves port on proto, e.g. serve-80-tcp.
func servePortName(port int32, proto corev1.Protocol) string {
	return fmt.Sprintf("serve-%d-%s", port, strings.ToLower(string(proto)))
}

// newModel returns a fresh copy of the model without policies: no two calls
// share any memory, so a scenario may change what it gets.
func newModel() simulate.Cluster {
	var c simulate.Cluster
	for _, ns := range namespaces {
		c.Namespaces = append(c.Namespaces, corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"ns": ns}},
		})
		for _, name := range podNames {
			pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{
				Namespace: ns, Name: name, Labels: map[string]string{"pod": name},
			}}
			server := corev1.Container{Name: "server", Image: "netpolsim/agnhost"}
			for _, port := range servedPorts {
				for _, proto := range protocols {
					server.Ports = append(server.Ports, corev1.ContainerPort{
						Name: servePortName(port, proto), ContainerPort: port, Protocol: proto,
					})
				}
			}
			pod.Spec.Containers = []corev1.Container{server}
			pod.Status.PodIP = podIP(ns, name)
			pod.Status.PodIPs = []corev1.PodIP{{IP: pod.Status.PodIP}}
			c.Pods = append(c.Pods, pod)
		}
	}
	return c
}

// matchPods returns the indices in podIDs of the pods a pattern names. A
// pattern is "namespace/name" where either part may be "*": "x/a" is one
// pod, "x/*" every pod of x, "*/b" pod b of every namespace, "*/*" all.
// A pattern that names no pod is a mistake in the test and panics.
func matchPods(pattern string) []int {
	ns, name, ok := strings.Cut(pattern, "/")
	if !ok {
		panic(fmt.Sprintf("conformance: pod pattern %q: want NAMESPACE/NAME", pattern))
	}
	var out []int
	for i, id := range podIDs {
		idNs, idName, _ := strings.Cut(id, "/")
		if (ns == "*" || ns == idNs) && (name == "*" || name == idName) {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		panic(fmt.Sprintf("conformance: pod pattern %q matches no pod of the model", pattern))
	}
	return out
}

// Edits of the model, for scenarios that need more than the standard
// labels and for the steps of update scenarios.

// labelNamespace sets label key of namespace ns to value, or removes it
// when value is empty.
func labelNamespace(c *simulate.Cluster, ns, key, value string) {
	for i := range c.Namespaces {
		if c.Namespaces[i].Name == ns {
			setLabel(&c.Namespaces[i].ObjectMeta, key, value)
			return
		}
	}
	panic("conformance: no namespace " + ns)
}

// labelPods sets label key of the pods pattern names to value, or removes
// it when value is empty.
func labelPods(c *simulate.Cluster, pattern, key, value string) {
	for _, i := range matchPods(pattern) {
		setLabel(&findPod(c, podIDs[i]).ObjectMeta, key, value)
	}
}

// addContainerPort adds a named container port to the pods pattern names.
func addContainerPort(c *simulate.Cluster, pattern, name string, proto corev1.Protocol, port int32) {
	for _, i := range matchPods(pattern) {
		p := findPod(c, podIDs[i])
		p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports,
			corev1.ContainerPort{Name: name, ContainerPort: port, Protocol: proto})
	}
}

func findPod(c *simulate.Cluster, id string) *corev1.Pod {
	ns, name, _ := strings.Cut(id, "/")
	for i := range c.Pods {
		if c.Pods[i].Namespace == ns && c.Pods[i].Name == name {
			return &c.Pods[i]
		}
	}
	panic("conformance: no pod " + id)
}

// setLabel writes into a new map (runSteps also edits a deep copy of the
// cluster, so a model compiled before the edit never sees it).
func setLabel(m *metav1.ObjectMeta, key, value string) {
	labels := make(map[string]string, len(m.Labels)+1)
	for k, v := range m.Labels {
		labels[k] = v
	}
	if value == "" {
		delete(labels, key)
	} else {
		labels[key] = value
	}
	m.Labels = labels
}

// applyPolicy creates np, or replaces the policy of the same namespace and
// name.
func applyPolicy(c *simulate.Cluster, np networkingv1.NetworkPolicy) {
	for i := range c.NetworkPolicies {
		if c.NetworkPolicies[i].Namespace == np.Namespace && c.NetworkPolicies[i].Name == np.Name {
			c.NetworkPolicies[i] = np
			return
		}
	}
	c.NetworkPolicies = append(c.NetworkPolicies, np)
}

// deletePolicy deletes the policy ns/name, which must exist.
func deletePolicy(c *simulate.Cluster, ns, name string) {
	n := len(c.NetworkPolicies)
	c.NetworkPolicies = slices.DeleteFunc(c.NetworkPolicies, func(np networkingv1.NetworkPolicy) bool {
		return np.Namespace == ns && np.Name == name
	})
	if len(c.NetworkPolicies) == n {
		panic("conformance: no policy " + ns + "/" + name)
	}
}

// Builders of NetworkPolicies. They write the API objects as a manifest
// would, field by field, so that a scenario reads like the YAML it stands for.

type policySpec = networkingv1.NetworkPolicySpec

// netpol returns the NetworkPolicy ns/name whose spec.podSelector is
// subject, edited by each of edits in turn.
func netpol(ns, name string, subject *metav1.LabelSelector, edits ...func(*policySpec)) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	np.Spec.PodSelector = *subject
	for _, edit := range edits {
		edit(&np.Spec)
	}
	return np
}

// policyTypes sets spec.policyTypes.
func policyTypes(types ...networkingv1.PolicyType) func(*policySpec) {
	return func(s *policySpec) { s.PolicyTypes = types }
}

const (
	typeIngress = networkingv1.PolicyTypeIngress
	typeEgress  = networkingv1.PolicyTypeEgress
)

// ingress sets spec.ingress to rules; with no rules it is the empty list
// `ingress: []`.
func ingress(rules ...networkingv1.NetworkPolicyIngressRule) func(*policySpec) {
	return func(s *policySpec) { s.Ingress = append([]networkingv1.NetworkPolicyIngressRule{}, rules...) }
}

// egress sets spec.egress to rules; with no rules it is `egress: []`.
func egress(rules ...networkingv1.NetworkPolicyEgressRule) func(*policySpec) {
	return func(s *policySpec) { s.Egress = append([]networkingv1.NetworkPolicyEgressRule{}, rules...) }
}

// from is an ingress rule: the peers (nil: any peer) and the ports (none:
// any port).
func from(peers []networkingv1.NetworkPolicyPeer, ports ...networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{From: peers, Ports: ports}
}

// to is an egress rule: the peers (nil: any peer) and the ports (none: any
// port).
func to(peers []networkingv1.NetworkPolicyPeer, ports ...networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyEgressRule {
	return networkingv1.NetworkPolicyEgressRule{To: peers, Ports: ports}
}

// anyPeer is an absent from/to list.
var anyPeer []networkingv1.NetworkPolicyPeer

// peers lists the peers of a rule.
func peers(p ...networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer { return p }

// podsPeer is a peer with a podSelector only: pods of the policy's namespace.
func podsPeer(sel *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: sel}
}

// nsPeer is a peer with a namespaceSelector only: every pod of the matching
// namespaces.
func nsPeer(sel *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: sel}
}

// nsPodsPeer is one peer with both selectors: matching pods of matching
// namespaces.
func nsPodsPeer(nsSel, podSel *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel, PodSelector: podSel}
}

// ipPeer is an ipBlock peer.
func ipPeer(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

// Label selectors.

// everything is the empty selector {}.
func everything() *metav1.LabelSelector { return &metav1.LabelSelector{} }

// podLabel selects pod=name.
func podLabel(name string) *metav1.LabelSelector { return matchLabels("pod", name) }

// nsName selects kubernetes.io/metadata.name=name.
func nsName(name string) *metav1.LabelSelector { return matchLabels(corev1.LabelMetadataName, name) }

// matchLabels selects by key, value pairs.
func matchLabels(kv ...string) *metav1.LabelSelector {
	if len(kv)%2 != 0 {
		panic("conformance: matchLabels wants key, value pairs")
	}
	s := &metav1.LabelSelector{MatchLabels: map[string]string{}}
	for i := 0; i < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

// matchExpr selects by one requirement.
func matchExpr(key string, op metav1.LabelSelectorOperator, values ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

// Ports of rules.

func tcpPort(n int32) networkingv1.NetworkPolicyPort  { return numericPort(corev1.ProtocolTCP, n) }
func udpPort(n int32) networkingv1.NetworkPolicyPort  { return numericPort(corev1.ProtocolUDP, n) }
func sctpPort(n int32) networkingv1.NetworkPolicyPort { return numericPort(corev1.ProtocolSCTP, n) }

func numericPort(proto corev1.Protocol, n int32) networkingv1.NetworkPolicyPort {
	port := intstr.FromInt32(n)
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &port}
}

// defaultProtoPort is a numeric port without a protocol (TCP by default).
func defaultProtoPort(n int32) networkingv1.NetworkPolicyPort {
	port := intstr.FromInt32(n)
	return networkingv1.NetworkPolicyPort{Port: &port}
}

// namedPort is a port given by name; an empty proto leaves the protocol out.
func namedPort(proto corev1.Protocol, name string) networkingv1.NetworkPolicyPort {
	port := intstr.FromString(name)
	np := networkingv1.NetworkPolicyPort{Port: &port}
	if proto != "" {
		np.Protocol = &proto
	}
	return np
}

// portRange is port..endPort on proto.
func portRange(proto corev1.Protocol, start, end int32) networkingv1.NetworkPolicyPort {
	np := numericPort(proto, start)
	np.EndPort = &end
	return np
}

// protocolOnly is a port entry with a protocol and no port: every port of
// that protocol.
func protocolOnly(proto corev1.Protocol) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: &proto}
}
