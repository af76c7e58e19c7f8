package simulate

import (
	"fmt"
	"net/netip"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

type endpointKind uint8

const (
	kindNone endpointKind = iota
	kindPod
	kindPods
	kindService
	kindIP
	kindBlock
	kindOutside
)

// EndpointKind says what an [Endpoint] names.
type EndpointKind uint8

// The kinds of endpoints.
const (
	InvalidEndpoint EndpointKind = iota // the zero Endpoint
	PodEndpoint                         // NAMESPACE/NAME: a pod, or else a workload's pods
	PodsEndpoint                        // NAMESPACE/SELECTOR: the pods a selector matches
	ServiceEndpoint                     // svc/NAMESPACE/NAME
	IPEndpoint                          // an address
	CIDREndpoint                        // every address of a CIDR prefix
	OutsideEndpoint                     // every address outside the cluster
)

// Kind returns what e names.
func (e Endpoint) Kind() EndpointKind { return EndpointKind(e.kind) }

// Endpoint is one end of a question: a pod, a set of pods, a Service, an
// IP address, a block of addresses or every address outside the cluster.
// Make one with [Pod], [PodsMatching], [Service], [IP], [CIDR], [Outside]
// or [ParseEndpoint]. The zero Endpoint is invalid and every query refuses it.
type Endpoint struct {
	kind      endpointKind
	namespace string
	name      string
	selector  *metav1.LabelSelector
	addr      netip.Addr
	prefix    netip.Prefix
}

// Pod returns the endpoint of one pod.
func Pod(namespace, name string) Endpoint {
	return Endpoint{kind: kindPod, namespace: namespace, name: name}
}

// PodsMatching returns the set of pods of namespace that sel selects (nil
// selects none, {} all). An invalid selector is reported by the query.
func PodsMatching(namespace string, sel *metav1.LabelSelector) Endpoint {
	return Endpoint{kind: kindPods, namespace: namespace, selector: sel}
}

// Service returns the endpoint of a Service: as a destination, traffic is
// judged at its backend pods after port translation.
func Service(namespace, name string) Endpoint {
	return Endpoint{kind: kindService, namespace: namespace, name: name}
}

// IP returns the endpoint of an address. An address of a pod in the model
// stands for that pod; any other address is outside the cluster. A
// hostNetwork pod's address is its node's, so it stays an address: ask with
// [Pod] to speak of the hostNetwork pod itself.
func IP(addr netip.Addr) Endpoint { return Endpoint{kind: kindIP, addr: addr.WithZone("").Unmap()} }

// CIDR returns the endpoint of every address of a prefix (its bits past
// the prefix length cleared). Like [IP] for each of its addresses, an
// address of a pod in the model stands for that pod and any other is
// outside the cluster, whether or not ipBlocks match pod addresses (see
// [IPBlockMatchesPods]): [Model.Resolve] gives the pods, and
// [Model.Query] answers for them pair by pair and for the addresses
// outside the cluster range by range (see [Model.AddressAccess]). The
// addresses of hostNetwork pods are their nodes', outside the cluster.
// An IPv4-mapped IPv6 prefix of length 96 or more is the IPv4 prefix it
// maps. An invalid prefix makes an endpoint every query refuses.
func CIDR(p netip.Prefix) Endpoint {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return Endpoint{kind: kindBlock, prefix: p.Masked()}
}

// Outside returns the endpoint of every address outside the cluster: every
// IPv4 and IPv6 address that is no pod's. Node addresses, and so the
// addresses of hostNetwork pods, are outside the cluster, as for [IP]; with
// [NodeTraffic] (the default) a node's addresses reach its own pods on
// every port.
func Outside() Endpoint { return Endpoint{kind: kindOutside} }

// ParseEndpoint reads an endpoint as people type it:
//
//	shop/db-0                  the pod db-0 in namespace shop
//	svc/shop/db                the Service db in namespace shop ("service/" too)
//	shop/app=db,tier in (a,b)  the pods of shop matching a label selector
//	shop/*                     every pod of shop
//	10.1.2.3, 2001:db8::1      an IP address
//	10.0.0.0/8, 2001:db8::/32  every address of a CIDR (no bits set past its length)
//	outside                    every address outside the cluster
func ParseEndpoint(s string) (Endpoint, error) {
	if addr, err := netip.ParseAddr(s); err == nil {
		return IP(addr), nil
	}
	if s == "outside" {
		return Outside(), nil
	}
	if addr, _, ok := strings.Cut(s, "/"); ok {
		if a, err := netip.ParseAddr(addr); err == nil { // a CIDR, as no namespace name is an address
			p, err := netip.ParsePrefix(s)
			switch {
			case err != nil:
				return Endpoint{}, fmt.Errorf("simulate: endpoint %q: want a CIDR ADDRESS/BITS, BITS from 0 to %d", s, a.BitLen())
			case p.Masked() != p:
				return Endpoint{}, fmt.Errorf("simulate: endpoint %q: bits set past the prefix length; want %s, or the address %s", s, p.Masked(), p.Addr())
			}
			return CIDR(p), nil
		}
	}
	for _, prefix := range []string{"svc/", "service/"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			ns, name, ok := strings.Cut(rest, "/")
			if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
				return Endpoint{}, fmt.Errorf("simulate: endpoint %q: want %sNAMESPACE/NAME", s, prefix)
			}
			return Service(ns, name), nil
		}
	}
	ns, rest, ok := strings.Cut(s, "/")
	if !ok || ns == "" || rest == "" {
		return Endpoint{}, fmt.Errorf("simulate: endpoint %q: want NAMESPACE/POD, NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, an IP address, a CIDR or outside", s)
	}
	if rest == "*" {
		return PodsMatching(ns, &metav1.LabelSelector{}), nil
	}
	if strings.ContainsAny(rest, "=!(, ") {
		sel, err := parseSelector(rest)
		if err != nil {
			return Endpoint{}, fmt.Errorf("simulate: endpoint %q: %w", s, err)
		}
		return PodsMatching(ns, sel), nil
	}
	if strings.Contains(rest, "/") {
		return Endpoint{}, fmt.Errorf("simulate: endpoint %q: too many '/'", s)
	}
	return Pod(ns, rest), nil
}

// parseSelector reads kubectl's selector syntax (=, ==, !=, in, notin,
// exists, !exists) into a LabelSelector; "a!=b" becomes "a notin (b)",
// which means the same.
func parseSelector(s string) (*metav1.LabelSelector, error) {
	reqs, err := labels.ParseToRequirements(s)
	if err != nil {
		return nil, err
	}
	ls := &metav1.LabelSelector{}
	for _, r := range reqs {
		var op metav1.LabelSelectorOperator
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals:
			if _, dup := ls.MatchLabels[r.Key()]; !dup {
				if ls.MatchLabels == nil {
					ls.MatchLabels = map[string]string{}
				}
				ls.MatchLabels[r.Key()] = r.ValuesUnsorted()[0]
				continue
			}
			op = metav1.LabelSelectorOpIn
		case selection.In:
			op = metav1.LabelSelectorOpIn
		case selection.NotEquals, selection.NotIn:
			op = metav1.LabelSelectorOpNotIn
		case selection.Exists:
			op = metav1.LabelSelectorOpExists
		case selection.DoesNotExist:
			op = metav1.LabelSelectorOpDoesNotExist
		default:
			return nil, fmt.Errorf("operator %q is not one a label selector can hold", r.Operator())
		}
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{Key: r.Key(), Operator: op, Values: r.ValuesUnsorted()})
	}
	return ls, nil
}

// String renders e the way ParseEndpoint reads it; the set of every pod of
// a namespace renders as "NAMESPACE/*". A nil selector (no pod) renders as
// "NAMESPACE/<none>", which does not read back.
func (e Endpoint) String() string {
	switch e.kind {
	case kindPod:
		return e.namespace + "/" + e.name
	case kindPods:
		if e.selector != nil && len(e.selector.MatchLabels)+len(e.selector.MatchExpressions) == 0 {
			return e.namespace + "/*"
		}
		return e.namespace + "/" + metav1.FormatLabelSelector(e.selector)
	case kindService:
		return "svc/" + e.namespace + "/" + e.name
	case kindIP:
		return e.addr.String()
	case kindBlock:
		return e.prefix.String()
	case kindOutside:
		return "outside"
	}
	return "<invalid endpoint>"
}
