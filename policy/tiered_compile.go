package policy

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/selector"
)

// ClusterOption changes how the tiered Compile functions read a policy.
type ClusterOption func(*clusterCompiler)

// EmptyPeersFailClosed compiles a peer with no field set the way the API
// tells a consumer to read it (a field of a newer API version that this one
// does not know; fail closed, see [ClusterRule.FailClosed]) instead of
// reporting it. The CRD schema rejects such a peer, so objects that went
// through an API server never have one, unless they were decoded with an
// older version of the types; the engine compiles with this option, the
// manifest loader, which checks what a user would apply, without.
func EmptyPeersFailClosed() ClusterOption {
	return func(c *clusterCompiler) { c.failClosed = true }
}

// Limits of the CRD schemas.
const (
	maxCNPItems   = 25  // ClusterNetworkPolicy: rules, peers, protocols per list
	maxANPItems   = 100 // v1alpha1: rules, peers, ports per list
	maxNetworks   = 25  // CIDRs per networks peer
	maxDomains    = 25  // names per domainNames peer
	maxRuleName   = 100 // bytes of a rule's name
	maxCIDRLength = 43
	maxPriority   = 1000
)

// domainPattern is the CRD's pattern of a DomainName.
var domainPattern = regexp.MustCompile(`^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$`)

// CompileClusterNetworkPolicy validates a policy.networking.k8s.io
// ClusterNetworkPolicy (v1beta1; v1alpha2 has the same fields) as its CRD's
// schema and CEL rules do and compiles it into the tiered normal form. On
// invalid input it returns a nil policy and an *[Error] (Kind set) listing
// every problem in spec order; on nil a plain error. It does not modify cnp.
//
// Checked: metadata.name (a DNS-1123 subdomain), spec.tier (Admin or
// Baseline), spec.priority (0 to 1000), spec.subject (exactly one field),
// at most 25 rules per direction, rule names (at most 100 bytes), actions
// (Accept, Deny, Pass), from/to (1 to 25 peers, each with exactly one
// field), networks (1 to 25 distinct masked CIDRs), domainNames (1 to 25
// distinct names of the CRD's pattern), protocols (1 to 25 entries, each
// exactly one of tcp, udp, sctp and destinationNamedPort; a destination
// port is a number from 1 to 65535 or a range with start < end), every label
// selector, and the CEL rule that an egress rule with networks, nodes or
// domainNames peers names no destinationNamedPort.
func CompileClusterNetworkPolicy(cnp *v1beta1.ClusterNetworkPolicy, opts ...ClusterOption) (*ClusterPolicy, error) {
	if cnp == nil {
		return nil, errors.New("policy: nil ClusterNetworkPolicy")
	}
	c := newClusterCompiler(opts)
	c.name(&cnp.ObjectMeta)
	p := &ClusterPolicy{Kind: KindClusterNetworkPolicy, Name: cnp.Name}
	spec, sp := &cnp.Spec, field.NewPath("spec")
	switch cnp.Spec.Tier {
	case v1beta1.AdminTier:
		p.Tier = Admin
	case v1beta1.BaselineTier:
		p.Tier = Baseline
	case "":
		c.add(field.Required(sp.Child("tier"), ""))
	default:
		c.add(field.NotSupported(sp.Child("tier"), string(spec.Tier), []string{"Admin", "Baseline"}))
	}
	p.Priority = c.priority(spec.Priority, sp.Child("priority"))
	p.Subject = c.subject(spec.Subject.Namespaces, cnpNamespacedPod(spec.Subject.Pods), sp.Child("subject"))

	ip := sp.Child("ingress")
	c.maxItems(len(spec.Ingress), maxCNPItems, ip)
	for i := range spec.Ingress {
		r, path := &spec.Ingress[i], ip.Index(i)
		peers := make([]rawPeer, len(r.From))
		for j, f := range r.From {
			peers[j] = rawPeer{namespaces: f.Namespaces, pods: cnpNamespacedPod(f.Pods)}
		}
		p.IngressRules = append(p.IngressRules, c.rule(r.Name, cnpAction(r.Action), peers, r.From == nil, "from",
			func() []Port { return c.cnpProtocols(r.Protocols, path.Child("protocols")) }, maxCNPItems, path))
	}
	ep := sp.Child("egress")
	c.maxItems(len(spec.Egress), maxCNPItems, ep)
	for i := range spec.Egress {
		r, path := &spec.Egress[i], ep.Index(i)
		peers := make([]rawPeer, len(r.To))
		for j, t := range r.To {
			peers[j] = rawPeer{namespaces: t.Namespaces, pods: cnpNamespacedPod(t.Pods), nodes: t.Nodes,
				networks: cnpStrings(t.Networks), networksSet: t.Networks != nil,
				domains: cnpStrings(t.DomainNames), domainsSet: t.DomainNames != nil, egress: true}
		}
		p.EgressRules = append(p.EgressRules, c.rule(r.Name, cnpAction(r.Action), peers, r.To == nil, "to",
			func() []Port { return c.cnpProtocols(r.Protocols, path.Child("protocols")) }, maxCNPItems, path))
	}
	return c.result(p)
}

// CompileAdminNetworkPolicy validates a policy.networking.k8s.io/v1alpha1
// AdminNetworkPolicy as its CRD does and compiles it into the Admin tier of
// the tiered normal form; its action Allow is Accept. The checks are those
// of [CompileClusterNetworkPolicy] with the v1alpha1 limits (at most 100
// rules per direction, 100 peers and 100 ports per rule; actions Allow, Deny,
// Pass) and ports: each exactly one of portNumber (protocol TCP, UDP or SCTP,
// TCP when empty; port 1 to 65535), portRange (protocol; start < end, both
// 1 to 65535) and namedPort.
func CompileAdminNetworkPolicy(anp *v1alpha1.AdminNetworkPolicy, opts ...ClusterOption) (*ClusterPolicy, error) {
	if anp == nil {
		return nil, errors.New("policy: nil AdminNetworkPolicy")
	}
	c := newClusterCompiler(opts)
	c.kind = KindAdminNetworkPolicy
	c.name(&anp.ObjectMeta)
	p := &ClusterPolicy{Kind: KindAdminNetworkPolicy, Name: anp.Name, Tier: Admin}
	spec, sp := &anp.Spec, field.NewPath("spec")
	p.Priority = c.priority(spec.Priority, sp.Child("priority"))
	p.Subject = c.subject(spec.Subject.Namespaces, anpNamespacedPod(spec.Subject.Pods), sp.Child("subject"))
	actions := []string{"Allow", "Deny", "Pass"}
	ip := sp.Child("ingress")
	c.maxItems(len(spec.Ingress), maxANPItems, ip)
	for i := range spec.Ingress {
		r, path := &spec.Ingress[i], ip.Index(i)
		p.IngressRules = append(p.IngressRules, c.rule(r.Name, anpAction(string(r.Action), actions), anpIngressPeers(r.From), r.From == nil, "from",
			func() []Port { return c.anpPorts(r.Ports, path.Child("ports")) }, maxANPItems, path))
	}
	ep := sp.Child("egress")
	c.maxItems(len(spec.Egress), maxANPItems, ep)
	for i := range spec.Egress {
		r, path := &spec.Egress[i], ep.Index(i)
		peers := make([]rawPeer, len(r.To))
		for j, t := range r.To {
			peers[j] = rawPeer{namespaces: t.Namespaces, pods: anpNamespacedPod(t.Pods), nodes: t.Nodes,
				networks: anpStrings(t.Networks), networksSet: t.Networks != nil,
				domains: anpStrings(t.DomainNames), domainsSet: t.DomainNames != nil, egress: true}
		}
		p.EgressRules = append(p.EgressRules, c.rule(r.Name, anpAction(string(r.Action), actions), peers, r.To == nil, "to",
			func() []Port { return c.anpPorts(r.Ports, path.Child("ports")) }, maxANPItems, path))
	}
	return c.result(p)
}

// CompileBaselineAdminNetworkPolicy validates a
// policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy as its CRD
// does and compiles it into the Baseline tier of the tiered normal form. On
// top of the checks of [CompileAdminNetworkPolicy] (without priority): the
// name must be "default" (there is at most one per cluster), the actions
// are Allow and Deny only (no Pass), and egress peers have no domainNames.
func CompileBaselineAdminNetworkPolicy(banp *v1alpha1.BaselineAdminNetworkPolicy, opts ...ClusterOption) (*ClusterPolicy, error) {
	if banp == nil {
		return nil, errors.New("policy: nil BaselineAdminNetworkPolicy")
	}
	c := newClusterCompiler(opts)
	c.kind = KindBaselineAdminNetworkPolicy
	c.name(&banp.ObjectMeta)
	if banp.Name != "" && banp.Name != "default" {
		c.add(field.Invalid(field.NewPath("metadata", "name"), banp.Name, `must be "default": a cluster has at most one BaselineAdminNetworkPolicy`))
	}
	p := &ClusterPolicy{Kind: KindBaselineAdminNetworkPolicy, Name: banp.Name, Tier: Baseline}
	spec, sp := &banp.Spec, field.NewPath("spec")
	p.Subject = c.subject(spec.Subject.Namespaces, anpNamespacedPod(spec.Subject.Pods), sp.Child("subject"))
	actions := []string{"Allow", "Deny"}
	ip := sp.Child("ingress")
	c.maxItems(len(spec.Ingress), maxANPItems, ip)
	for i := range spec.Ingress {
		r, path := &spec.Ingress[i], ip.Index(i)
		p.IngressRules = append(p.IngressRules, c.rule(r.Name, anpAction(string(r.Action), actions), anpIngressPeers(r.From), r.From == nil, "from",
			func() []Port { return c.anpPorts(r.Ports, path.Child("ports")) }, maxANPItems, path))
	}
	ep := sp.Child("egress")
	c.maxItems(len(spec.Egress), maxANPItems, ep)
	for i := range spec.Egress {
		r, path := &spec.Egress[i], ep.Index(i)
		peers := make([]rawPeer, len(r.To))
		for j, t := range r.To {
			peers[j] = rawPeer{namespaces: t.Namespaces, pods: anpNamespacedPod(t.Pods), nodes: t.Nodes,
				networks: anpStrings(t.Networks), networksSet: t.Networks != nil, egress: true}
		}
		p.EgressRules = append(p.EgressRules, c.rule(r.Name, anpAction(string(r.Action), actions), peers, r.To == nil, "to",
			func() []Port { return c.anpPorts(r.Ports, path.Child("ports")) }, maxANPItems, path))
	}
	return c.result(p)
}

// clusterCompiler accumulates the field errors of one tiered policy.
type clusterCompiler struct {
	compiler
	kind       string
	failClosed bool
}

func newClusterCompiler(opts []ClusterOption) *clusterCompiler {
	c := &clusterCompiler{kind: KindClusterNetworkPolicy}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *clusterCompiler) result(p *ClusterPolicy) (*ClusterPolicy, error) {
	if len(c.errs) > 0 {
		return nil, &Error{Kind: c.kind, Name: p.Name, Errs: c.errs}
	}
	return p, nil
}

// name checks metadata.name, a DNS-1123 subdomain; the namespace of a
// cluster-scoped object is not looked at.
func (c *clusterCompiler) name(m *metav1.ObjectMeta) {
	path := field.NewPath("metadata", "name")
	if m.Name == "" {
		c.add(field.Required(path, ""))
		return
	}
	for _, msg := range validation.IsDNS1123Subdomain(m.Name) {
		c.add(field.Invalid(path, m.Name, msg))
	}
}

func (c *clusterCompiler) priority(v int32, path *field.Path) int32 {
	if v < 0 || v > maxPriority {
		c.add(field.Invalid(path, v, "must be between 0 and 1000, inclusive"))
	}
	return v
}

func (c *clusterCompiler) maxItems(n, limit int, path *field.Path) {
	if n > limit {
		c.add(field.TooMany(path, n, limit))
	}
}

// namespacedPod is the pods field of a subject or peer, of either version.
type namespacedPod struct {
	namespaceSelector, podSelector *metav1.LabelSelector
}

func cnpNamespacedPod(p *v1beta1.NamespacedPod) *namespacedPod {
	if p == nil {
		return nil
	}
	return &namespacedPod{&p.NamespaceSelector, &p.PodSelector}
}

func anpNamespacedPod(p *v1alpha1.NamespacedPod) *namespacedPod {
	if p == nil {
		return nil
	}
	return &namespacedPod{&p.NamespaceSelector, &p.PodSelector}
}

func (c *clusterCompiler) subject(namespaces *metav1.LabelSelector, pods *namespacedPod, path *field.Path) ClusterSubject {
	s := ClusterSubject{Pods: selector.Everything()}
	switch n := btoi(namespaces != nil) + btoi(pods != nil); n {
	case 0:
		c.add(field.Required(path, "must specify exactly one of `namespaces` or `pods`"))
		return s
	case 2:
		c.add(field.Forbidden(path, "may specify only one of `namespaces` or `pods`"))
	}
	if namespaces != nil {
		s.Namespaces = c.selector(namespaces, path.Child("namespaces"))
		return s
	}
	s.Namespaces = c.selector(pods.namespaceSelector, path.Child("pods", "namespaceSelector"))
	s.Pods = c.selector(pods.podSelector, path.Child("pods", "podSelector"))
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rawPeer is one from/to entry of either version.
type rawPeer struct {
	namespaces  *metav1.LabelSelector
	pods        *namespacedPod
	nodes       *metav1.LabelSelector
	networks    []string
	networksSet bool
	domains     []string
	domainsSet  bool
	egress      bool // the peer may hold nodes, networks and domainNames
}

func cnpAction(a v1beta1.ClusterNetworkPolicyRuleAction) func(c *clusterCompiler, path *field.Path) Action {
	return anpAction(string(a), []string{"Accept", "Deny", "Pass"})
}

// anpAction returns a function that reads action a, one of supported.
func anpAction(a string, supported []string) func(c *clusterCompiler, path *field.Path) Action {
	return func(c *clusterCompiler, path *field.Path) Action {
		ok := false
		for _, s := range supported {
			ok = ok || s == a
		}
		switch {
		case a == "":
			c.add(field.Required(path, ""))
		case !ok:
			c.add(field.NotSupported(path, a, supported))
		case a == "Deny":
			return Deny
		case a == "Pass":
			return Pass
		}
		return Accept
	}
}

func anpIngressPeers(from []v1alpha1.AdminNetworkPolicyIngressPeer) []rawPeer {
	peers := make([]rawPeer, len(from))
	for j, f := range from {
		peers[j] = rawPeer{namespaces: f.Namespaces, pods: anpNamespacedPod(f.Pods)}
	}
	return peers
}

func cnpStrings[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

func anpStrings[S ~string](in []S) []string { return cnpStrings(in) }

// rule compiles one rule: its name, action, peers (peersMissing: the
// from/to field was absent; peersField names it) and ports (read by ports,
// checked after the peers, as in spec order).
func (c *clusterCompiler) rule(name string, action func(*clusterCompiler, *field.Path) Action, peers []rawPeer, peersMissing bool,
	peersField string, ports func() []Port, limit int, path *field.Path) ClusterRule {
	r := ClusterRule{Name: name}
	if len(name) > maxRuleName {
		c.add(field.TooLong(path.Child("name"), "", maxRuleName))
	}
	r.Action = action(c, path.Child("action"))
	pp := path.Child(peersField)
	switch {
	case peersMissing:
		c.add(field.Required(pp, ""))
	case len(peers) == 0:
		c.add(field.Required(pp, "must have at least 1 item"))
	}
	c.maxItems(len(peers), limit, pp)
	noNames := false // a peer kind without named ports
	for j := range peers {
		peer, empty := c.peer(&peers[j], pp.Index(j))
		if empty {
			r.FailClosed = true
			continue
		}
		if peer.Kind >= PeerNodes {
			noNames = true
		}
		r.Peers = append(r.Peers, peer)
	}
	r.Ports = ports()
	if noNames {
		// The CEL rule of egress rules: no named ports towards peers that
		// have none.
		portsField := "protocols"
		if c.kind != KindClusterNetworkPolicy {
			portsField = "ports"
		}
		for k, port := range r.Ports {
			if port.Name != "" {
				sub := path.Child(portsField).Index(k).Child("destinationNamedPort")
				if c.kind != KindClusterNetworkPolicy {
					sub = path.Child(portsField).Index(k).Child("namedPort")
				}
				c.add(field.Forbidden(sub, "may not be used in a rule with nodes, networks or domainNames peers, which have no named ports"))
			}
		}
	}
	if r.MatchesEverything() {
		r.Action, r.Ports = Deny, nil
	}
	return r
}

// peer compiles one from/to entry; empty is true when no field is set and
// the compiler fails closed (otherwise that is an error).
func (c *clusterCompiler) peer(rp *rawPeer, path *field.Path) (p ClusterPeer, empty bool) {
	set := btoi(rp.namespaces != nil) + btoi(rp.pods != nil) + btoi(rp.nodes != nil) + btoi(rp.networksSet) + btoi(rp.domainsSet)
	fields := "`namespaces` or `pods`"
	if rp.egress {
		fields = "`namespaces`, `pods`, `nodes`, `networks` or `domainNames`"
		if c.kind == KindBaselineAdminNetworkPolicy {
			fields = "`namespaces`, `pods`, `nodes` or `networks`"
		}
	}
	switch {
	case set == 0 && c.failClosed:
		return p, true
	case set == 0:
		c.add(field.Required(path, "must specify exactly one of "+fields))
		return p, false
	case set > 1:
		c.add(field.Forbidden(path, "may specify only one of "+fields))
	}
	switch {
	case rp.namespaces != nil:
		p.Kind = PeerNamespaces
		p.Namespaces = c.selector(rp.namespaces, path.Child("namespaces"))
		p.Pods = selector.Everything()
	case rp.pods != nil:
		p.Kind = PeerPods
		p.Namespaces = c.selector(rp.pods.namespaceSelector, path.Child("pods", "namespaceSelector"))
		p.Pods = c.selector(rp.pods.podSelector, path.Child("pods", "podSelector"))
	case rp.nodes != nil:
		p.Kind = PeerNodes
		p.Nodes = c.selector(rp.nodes, path.Child("nodes"))
	case rp.networksSet:
		p.Kind = PeerNetworks
		p.Networks = c.networks(rp.networks, path.Child("networks"))
	default:
		p.Kind = PeerDomainNames
		p.DomainNames = c.domains(rp.domains, path.Child("domainNames"))
	}
	return p, false
}

// listSize checks the 1..limit items of a list that is set.
func (c *clusterCompiler) listSize(n, limit int, path *field.Path) {
	if n == 0 {
		c.add(field.Required(path, "must have at least 1 item"))
	}
	c.maxItems(n, limit, path)
}

func (c *clusterCompiler) networks(in []string, path *field.Path) []netip.Prefix {
	c.listSize(len(in), maxNetworks, path)
	var out []netip.Prefix
	seen := map[string]bool{}
	for i, s := range in {
		ip := path.Index(i)
		if seen[s] {
			c.add(field.Duplicate(ip, s))
			continue
		}
		seen[s] = true
		if len(s) > maxCIDRLength {
			c.add(field.TooLong(ip, "", maxCIDRLength))
			continue
		}
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			c.add(field.Invalid(ip, s, "must be a CIDR such as 10.0.0.0/8 or fd00::/8"))
			continue
		}
		if pfx.Masked() != pfx {
			c.add(field.Invalid(ip, s, fmt.Sprintf("must have no bits set beyond the prefix length (%s)", pfx.Masked())))
			continue
		}
		if pfx.Addr().Is4In6() && pfx.Bits() >= 96 {
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
		}
		out = append(out, pfx)
	}
	return out
}

func (c *clusterCompiler) domains(in []string, path *field.Path) []string {
	c.listSize(len(in), maxDomains, path)
	seen := map[string]bool{}
	var out []string
	for i, s := range in {
		ip := path.Index(i)
		switch {
		case seen[s]:
			c.add(field.Duplicate(ip, s))
			continue
		case !domainPattern.MatchString(s):
			c.add(field.Invalid(ip, s, "must be a domain name such as example.com or *.example.com"))
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// cnpProtocols compiles the protocols of a ClusterNetworkPolicy rule.
func (c *clusterCompiler) cnpProtocols(in []v1beta1.ClusterNetworkPolicyProtocol, path *field.Path) []Port {
	if in == nil {
		return nil
	}
	c.listSize(len(in), maxCNPItems, path)
	out := make([]Port, 0, len(in))
	for k := range in {
		pr, kp := &in[k], path.Index(k)
		set := btoi(pr.TCP != nil) + btoi(pr.UDP != nil) + btoi(pr.SCTP != nil) + btoi(pr.DestinationNamedPort != "")
		const fields = "`tcp`, `udp`, `sctp` or `destinationNamedPort`"
		switch set {
		case 0:
			c.add(field.Required(kp, "must specify exactly one of "+fields))
			continue
		case 1:
		default:
			c.add(field.Forbidden(kp, "may specify only one of "+fields))
		}
		switch {
		case pr.TCP != nil:
			out = append(out, c.cnpPort(corev1.ProtocolTCP, pr.TCP.DestinationPort, kp.Child("tcp")))
		case pr.UDP != nil:
			out = append(out, c.cnpPort(corev1.ProtocolUDP, pr.UDP.DestinationPort, kp.Child("udp")))
		case pr.SCTP != nil:
			out = append(out, c.cnpPort(corev1.ProtocolSCTP, pr.SCTP.DestinationPort, kp.Child("sctp")))
		default:
			out = append(out, Port{Name: pr.DestinationNamedPort})
		}
	}
	return out
}

func (c *clusterCompiler) cnpPort(proto corev1.Protocol, dp *v1beta1.Port, path *field.Path) Port {
	p := Port{Protocol: proto, Start: 1, End: 65535}
	dpPath := path.Child("destinationPort")
	if dp == nil {
		c.add(field.Required(dpPath, ""))
		return p
	}
	switch {
	case dp.Number == 0 && dp.Range == nil:
		c.add(field.Required(dpPath, "must specify exactly one of `number` or `range`"))
	case dp.Number != 0 && dp.Range != nil:
		c.add(field.Forbidden(dpPath, "may specify only one of `number` or `range`"))
	case dp.Number != 0:
		c.portNumber(dp.Number, dpPath.Child("number"))
		p.Start, p.End = dp.Number, dp.Number
	default:
		p.Start, p.End = c.portRange(dp.Range.Start, dp.Range.End, dpPath.Child("range"))
	}
	return p
}

func (c *clusterCompiler) portNumber(n int32, path *field.Path) {
	for _, msg := range validation.IsValidPortNum(int(n)) {
		c.add(field.Invalid(path, n, msg))
	}
}

// portRange checks an inclusive range start < end, both valid port numbers.
func (c *clusterCompiler) portRange(start, end int32, path *field.Path) (int32, int32) {
	c.portNumber(start, path.Child("start"))
	c.portNumber(end, path.Child("end"))
	if start >= end {
		c.add(field.Invalid(path.Child("end"), end, "must be greater than `start`"))
	}
	return start, end
}

var anpProtocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

func (c *clusterCompiler) protocol(p corev1.Protocol, path *field.Path) corev1.Protocol {
	switch p {
	case "":
		return corev1.ProtocolTCP // the CRD's default
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return p
	}
	c.add(field.NotSupported(path, string(p), anpProtocols))
	return corev1.ProtocolTCP
}

// anpPorts compiles the ports of a v1alpha1 rule.
func (c *clusterCompiler) anpPorts(in *[]v1alpha1.AdminNetworkPolicyPort, path *field.Path) []Port {
	if in == nil {
		return nil
	}
	ports := *in
	c.listSize(len(ports), maxANPItems, path)
	out := make([]Port, 0, len(ports))
	for k := range ports {
		pr, kp := &ports[k], path.Index(k)
		const fields = "`portNumber`, `namedPort` or `portRange`"
		switch btoi(pr.PortNumber != nil) + btoi(pr.NamedPort != nil) + btoi(pr.PortRange != nil) {
		case 0:
			c.add(field.Required(kp, "must specify exactly one of "+fields))
			continue
		case 1:
		default:
			c.add(field.Forbidden(kp, "may specify only one of "+fields))
		}
		switch {
		case pr.PortNumber != nil:
			pp := kp.Child("portNumber")
			proto := c.protocol(pr.PortNumber.Protocol, pp.Child("protocol"))
			c.portNumber(pr.PortNumber.Port, pp.Child("port"))
			out = append(out, Port{Protocol: proto, Start: pr.PortNumber.Port, End: pr.PortNumber.Port})
		case pr.NamedPort != nil:
			if *pr.NamedPort == "" {
				c.add(field.Required(kp.Child("namedPort"), ""))
			}
			out = append(out, Port{Name: *pr.NamedPort})
		default:
			rp := kp.Child("portRange")
			proto := c.protocol(pr.PortRange.Protocol, rp.Child("protocol"))
			start, end := c.portRange(pr.PortRange.Start, pr.PortRange.End, rp)
			out = append(out, Port{Protocol: proto, Start: start, End: end})
		}
	}
	return out
}
