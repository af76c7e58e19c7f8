package policy

import (
	"errors"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/internal/fielderr"
	"github.com/netpolsim/netpolsim/internal/k8sname"
	"github.com/netpolsim/netpolsim/selector"
)

// Error is the error returned by [Compile] for an invalid NetworkPolicy, and
// by the tiered Compile functions for an invalid cluster policy: every
// problem of the policy as field errors, in spec order.
type Error struct {
	// Kind is empty for a NetworkPolicy, else the kind of the tiered
	// policy (KindClusterNetworkPolicy, ...), which has no namespace.
	Kind string
	// Namespace and Name are the policy's, as given (possibly invalid).
	Namespace, Name string
	// Errs is never empty.
	Errs field.ErrorList
}

// Error renders one line per problem, each line in the form
//
//	policy: shop/db: spec.ingress[0].ports[1].endPort: invalid value 79: must be greater than or equal to `port`
//
// or, for a tiered policy,
//
//	policy: ClusterNetworkPolicy deny-all: spec.priority: invalid value 1001: must be between 0 and 1000, inclusive
func (e *Error) Error() string {
	if e.Kind != "" {
		return fielderr.Lines("policy: "+e.Kind+" "+e.Name, e.Errs)
	}
	return fielderr.Lines("policy: "+e.Namespace+"/"+e.Name, e.Errs)
}

// Compile validates np as the API server validates a NetworkPolicy on create
// and compiles it into normalized form. On invalid input it returns a nil
// Policy and an *[Error] listing every problem; on a nil np it returns a
// plain error. It does not modify np, and the result shares no memory with it.
//
// IP blocks are read as the API server reads them when strict IP validation
// is off: a CIDR may have bits set beyond its prefix length (192.168.1.1/24
// is 192.168.1.0/24) and IPv4 octets may have leading zeros (010.0.0.0/8 is
// 10.0.0.0/8).
//
// Of the metadata only name and namespace are checked; labels, annotations
// and the rest do not change what a policy means. Where the API server stops
// at a first problem, Compile goes on to report the others: the syntax of
// ipBlock.except entries when ipBlock.cidr is bad, and unsupported
// policyTypes entries when there are too many. It is stricter than the API
// server in one corner only: an IPv4-mapped IPv6 exception that, read as
// IPv4, covers its whole IPv4 CIDR (0.0.0.0/8 except ::ffff:0.0.0.0/100) is
// not a strict subset.
func Compile(np *networkingv1.NetworkPolicy) (*Policy, error) {
	if np == nil {
		return nil, errors.New("policy: nil NetworkPolicy")
	}
	if p, err := compile(np, fast); err == nil {
		return p, nil
	}
	return compile(np, full)
}

// Validate reports the problems that [Compile] reports for np, as the same
// *[Error] (or a plain error for a nil np), without compiling it: nil when
// np is valid. For a valid policy it costs a fraction of Compile and
// allocates next to nothing.
func Validate(np *networkingv1.NetworkPolicy) error {
	if np == nil {
		return errors.New("policy: nil NetworkPolicy")
	}
	if _, err := compile(np, check); err == nil {
		return nil
	}
	_, err := compile(np, full)
	return err
}

// mode is how much compile builds.
type mode uint8

const (
	full  mode = iota // the policy and the errors with their field paths
	fast              // the policy; errors without paths
	check             // nothing; errors without paths
)

// compile compiles np. In the fast and check modes it builds no field
// paths: the errors it returns say that np is invalid, not where; most
// policies are valid, and the paths are most of what compiling allocates,
// so Compile and Validate ask again in full only for a policy that fails.
// In the check mode it builds no policy either, and returns a nil one.
func compile(np *networkingv1.NetworkPolicy, m mode) (*Policy, error) {
	c := compiler{fast: m != full, check: m == check}
	c.meta(&np.ObjectMeta)

	spec := &np.Spec
	specPath := c.root("spec")
	var p Policy
	p.Subject = c.selector(&spec.PodSelector, c.child(specPath, "podSelector"))

	var ingress, egress []Rule
	for i := range spec.Ingress {
		path := c.index(c.child(specPath, "ingress"), i)
		r := c.rule(spec.Ingress[i].Ports, spec.Ingress[i].From, path, c.child(path, "from"))
		if !c.check {
			ingress = append(ingress, r)
		}
	}
	for i := range spec.Egress {
		path := c.index(c.child(specPath, "egress"), i)
		r := c.rule(spec.Egress[i].Ports, spec.Egress[i].To, path, c.child(path, "to"))
		if !c.check {
			egress = append(egress, r)
		}
	}
	p.Ingress, p.Egress = c.policyTypes(spec, c.child(specPath, "policyTypes"))

	if len(c.errs) > 0 {
		return nil, &Error{Namespace: np.Namespace, Name: np.Name, Errs: c.errs}
	}
	if c.check {
		return nil, nil
	}
	p.Namespace, p.Name = np.Namespace, np.Name
	if p.Ingress {
		p.IngressRules = ingress
	} else {
		p.IgnoredIngress = len(ingress)
	}
	if p.Egress {
		p.EgressRules = egress
	} else {
		p.IgnoredEgress = len(egress)
	}
	out := new(Policy) // only now on the heap: not in the check mode
	*out = p
	return out, nil
}

// compiler accumulates the field errors of one policy while compiling it.
// Its methods return their best effort on bad input; Compile throws the
// result away if any error was recorded.
type compiler struct {
	errs  field.ErrorList
	fast  bool // build no field paths: they are all nil (see compile)
	check bool // only validate: build no selectors, rules or peers
}

// root, child and index build field paths, or nil in a fast pass.
func (c *compiler) root(name string) *field.Path {
	if c.fast {
		return nil
	}
	return field.NewPath(name)
}

func (c *compiler) child(p *field.Path, name string) *field.Path {
	if c.fast {
		return nil
	}
	return p.Child(name)
}

func (c *compiler) index(p *field.Path, i int) *field.Path {
	if c.fast {
		return nil
	}
	return p.Index(i)
}

func (c *compiler) add(errs ...*field.Error) { c.errs = append(c.errs, errs...) }

// meta checks metadata.name (a DNS-1123 subdomain) and metadata.namespace (a
// DNS-1123 label); both are required.
func (c *compiler) meta(m *metav1.ObjectMeta) {
	if k8sname.DNS1123Subdomain(m.Name) && k8sname.DNS1123Label(m.Namespace) {
		return // the common case, without apimachinery's regular expressions
	}
	for _, f := range []struct {
		path  *field.Path
		value string
		check func(string) []string
	}{
		{field.NewPath("metadata", "name"), m.Name, validation.IsDNS1123Subdomain},
		{field.NewPath("metadata", "namespace"), m.Namespace, validation.IsDNS1123Label},
	} {
		if f.value == "" {
			c.add(field.Required(f.path, ""))
			continue
		}
		for _, msg := range f.check(f.value) {
			c.add(field.Invalid(f.path, f.value, msg))
		}
	}
}

func (c *compiler) selector(ls *metav1.LabelSelector, path *field.Path) selector.Selector {
	if c.check {
		c.add(selector.ValidateAt(ls, path)...)
		return selector.Selector{}
	}
	s, errs := selector.CompileAt(ls, path)
	c.add(errs...)
	return s
}

// rule compiles one ingress or egress rule; path is the rule's and peersPath
// its from or to field's. Ports are checked before peers, as the API server
// does.
func (c *compiler) rule(ports []networkingv1.NetworkPolicyPort, peers []networkingv1.NetworkPolicyPeer, path, peersPath *field.Path) Rule {
	var r Rule
	for k := range ports {
		p := c.port(&ports[k], c.index(c.child(path, "ports"), k))
		if !c.check {
			r.Ports = append(r.Ports, p)
		}
	}
	for j := range peers {
		p := c.peer(&peers[j], c.index(peersPath, j))
		if !c.check {
			r.Peers = append(r.Peers, p)
		}
	}
	return r
}

var supportedProtocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

func (c *compiler) port(np *networkingv1.NetworkPolicyPort, path *field.Path) Port {
	p := Port{Protocol: corev1.ProtocolTCP, Start: 1, End: 65535}
	if np.Protocol != nil {
		switch proto := *np.Protocol; proto {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
			p.Protocol = proto
		default:
			c.add(field.NotSupported(c.child(path, "protocol"), string(proto), supportedProtocols))
		}
	}
	endPath := c.child(path, "endPort")
	switch {
	case np.Port == nil:
		if np.EndPort != nil {
			c.add(field.Invalid(endPath, *np.EndPort, "may not be specified when `port` is not specified"))
		}
	case np.Port.Type == intstr.Int:
		port := np.Port.IntVal
		for _, msg := range validation.IsValidPortNum(int(port)) {
			c.add(field.Invalid(c.child(path, "port"), port, msg))
		}
		p.Start, p.End = port, port
		if np.EndPort != nil {
			end := *np.EndPort
			if end < port {
				c.add(field.Invalid(endPath, end, "must be greater than or equal to `port`"))
			}
			for _, msg := range validation.IsValidPortNum(int(end)) {
				c.add(field.Invalid(endPath, end, msg))
			}
			p.End = end
		}
	default:
		// Any IntOrString that is not an Int is read as a string, as the API
		// server reads it: "80" is a port name, and an invalid one.
		if np.EndPort != nil {
			c.add(field.Invalid(endPath, *np.EndPort, "may not be specified when `port` is non-numeric"))
		}
		if !k8sname.PortName(np.Port.StrVal) { // else valid, without apimachinery's regular expressions
			for _, msg := range validation.IsValidPortName(np.Port.StrVal) {
				c.add(field.Invalid(c.child(path, "port"), np.Port.StrVal, msg))
			}
		}
		p.Name, p.Start, p.End = np.Port.StrVal, 0, 0
	}
	return p
}

// peer compiles one from/to entry. The selectors and the ipBlock are checked
// first, then whether the combination is allowed, as the API server does.
func (c *compiler) peer(np *networkingv1.NetworkPolicyPeer, path *field.Path) Peer {
	set := 0
	pods := PodPeer{SameNamespace: np.NamespaceSelector == nil, Pods: selector.Everything()}
	if np.PodSelector != nil {
		set++
		pods.Pods = c.selector(np.PodSelector, c.child(path, "podSelector"))
	}
	if np.NamespaceSelector != nil {
		set++
		pods.Namespaces = c.selector(np.NamespaceSelector, c.child(path, "namespaceSelector"))
	}
	var block *IPBlock
	if np.IPBlock != nil {
		set++
		block = c.ipBlock(np.IPBlock, c.child(path, "ipBlock"))
	}
	switch {
	case set == 0:
		c.add(field.Required(path, "must specify a peer"))
	case set > 1 && np.IPBlock != nil:
		c.add(field.Forbidden(path, "may not specify both ipBlock and another peer"))
	}
	switch {
	case c.check:
		return Peer{}
	case np.IPBlock != nil:
		return Peer{IPBlock: block}
	}
	// Only now on the heap: not in the check mode.
	p := new(PodPeer)
	*p = pods
	return Peer{Pods: p}
}

var supportedPolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}

// policyTypes returns the effective policy types, defaulting them as the API
// server does when spec.policyTypes is empty.
func (c *compiler) policyTypes(spec *networkingv1.NetworkPolicySpec, path *field.Path) (ingress, egress bool) {
	if len(spec.PolicyTypes) == 0 {
		return true, len(spec.Egress) > 0
	}
	if len(spec.PolicyTypes) > len(supportedPolicyTypes) {
		given := make([]string, len(spec.PolicyTypes))
		for i, t := range spec.PolicyTypes {
			given[i] = string(t)
		}
		c.add(field.Invalid(path, given, "may not specify more than two policyTypes"))
	}
	for i, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		default:
			c.add(field.NotSupported(c.index(path, i), string(t), supportedPolicyTypes))
		}
	}
	return ingress, egress
}
