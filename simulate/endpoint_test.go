package simulate

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/selector"
)

// endpointView is an Endpoint with its fields exported, for cmp.
type endpointView struct {
	Kind            string
	Namespace, Name string
	Selector        *metav1.LabelSelector
	Addr            string
}

var kindNames = map[endpointKind]string{kindNone: "none", kindPod: "pod", kindPods: "pods", kindService: "service", kindIP: "ip",
	kindBlock: "cidr", kindOutside: "outside"}

func viewEndpoint(e Endpoint) endpointView {
	v := endpointView{Kind: kindNames[e.kind], Namespace: e.namespace, Name: e.name, Selector: e.selector}
	if e.addr.IsValid() {
		v.Addr = e.addr.String()
	}
	if e.prefix.IsValid() {
		v.Addr = e.prefix.String()
	}
	return v
}

// equateSelectors treats nil and empty maps and slices inside selectors alike:
// metav1.ParseToLabelSelector fills both fields even when one is unused.
var equateSelectors = cmpopts.EquateEmpty()

func TestParseEndpoint(t *testing.T) {
	for _, c := range []struct {
		in   string
		want endpointView
	}{
		{"shop/db-0", endpointView{Kind: "pod", Namespace: "shop", Name: "db-0"}},
		{"kube-system/coredns-5d78c9869d-abcde", endpointView{Kind: "pod", Namespace: "kube-system", Name: "coredns-5d78c9869d-abcde"}},
		{"svc/shop/db", endpointView{Kind: "service", Namespace: "shop", Name: "db"}},
		{"service/shop/db", endpointView{Kind: "service", Namespace: "shop", Name: "db"}},
		{"shop/app=db", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}},
		{"shop/app==db", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}},
		{"shop/app=db,tier=backend", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db", "tier": "backend"}}}},
		{"shop/app in (a,b)", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}}}},
		{"shop/app notin (a)", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"a"}}}}}},
		{"shop/!legacy", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist}}}}},
		{"shop/app.kubernetes.io/name=db", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "db"}}}},
		// The example of ParseEndpoint's doc comment.
		{"shop/app=db,tier!=x", endpointView{Kind: "pods", Namespace: "shop",
			Selector: &metav1.LabelSelector{
				MatchLabels:      map[string]string{"app": "db"},
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"x"}}},
			}}},
		{"10.1.2.3", endpointView{Kind: "ip", Addr: "10.1.2.3"}},
		{"2001:db8::1", endpointView{Kind: "ip", Addr: "2001:db8::1"}},
		{"2001:0db8:0:0:0:0:0:1", endpointView{Kind: "ip", Addr: "2001:db8::1"}},
		{"::ffff:10.1.2.3", endpointView{Kind: "ip", Addr: "10.1.2.3"}},
		{"fe80::1%eth0", endpointView{Kind: "ip", Addr: "fe80::1"}},
		{"10.0.0.0/8", endpointView{Kind: "cidr", Addr: "10.0.0.0/8"}},
		{"10.1.2.3/32", endpointView{Kind: "cidr", Addr: "10.1.2.3/32"}},
		{"2001:db8::/32", endpointView{Kind: "cidr", Addr: "2001:db8::/32"}},
		{"::ffff:10.0.0.0/104", endpointView{Kind: "cidr", Addr: "10.0.0.0/8"}},
		{"0.0.0.0/0", endpointView{Kind: "cidr", Addr: "0.0.0.0/0"}},
		{"outside", endpointView{Kind: "outside"}},
	} {
		got, err := ParseEndpoint(c.in)
		if err != nil {
			t.Errorf("ParseEndpoint(%q): %v", c.in, err)
			continue
		}
		if diff := cmp.Diff(c.want, viewEndpoint(got), equateSelectors); diff != "" {
			t.Errorf("ParseEndpoint(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestParseEndpointErrors(t *testing.T) {
	const want = "want NAMESPACE/POD, NAMESPACE/SELECTOR, svc/NAMESPACE/NAME, an IP address, a CIDR or outside"
	for _, c := range []struct{ in, want string }{
		{"", `simulate: endpoint "": ` + want},
		{"shop", `simulate: endpoint "shop": ` + want},
		{"/x", `simulate: endpoint "/x": ` + want},
		{"shop/", `simulate: endpoint "shop/": ` + want},
		{"10.1.2.300", `simulate: endpoint "10.1.2.300": ` + want},
		{"svc/shop", `simulate: endpoint "svc/shop": want svc/NAMESPACE/NAME`},
		{"svc/shop/", `simulate: endpoint "svc/shop/": want svc/NAMESPACE/NAME`},
		{"svc//db", `simulate: endpoint "svc//db": want svc/NAMESPACE/NAME`},
		{"svc/shop/db/x", `simulate: endpoint "svc/shop/db/x": want svc/NAMESPACE/NAME`},
		{"service/shop", `simulate: endpoint "service/shop": want service/NAMESPACE/NAME`},
		{"a/b/c", `simulate: endpoint "a/b/c": too many '/'`},
		{"10.1.2.3/8", `simulate: endpoint "10.1.2.3/8": bits set past the prefix length; want 10.0.0.0/8, or the address 10.1.2.3`},
		{"10.0.0.0/33", `simulate: endpoint "10.0.0.0/33": want a CIDR ADDRESS/BITS, BITS from 0 to 32`},
		{"fe80::/x", `simulate: endpoint "fe80::/x": want a CIDR ADDRESS/BITS, BITS from 0 to 128`},
		{"Outside", `simulate: endpoint "Outside": ` + want},
		{"shop/app in (a", `simulate: endpoint "shop/app in (a": unable to parse requirement: found '', expected: ',' or ')'`},
		{"shop/=x", `simulate: endpoint "shop/=x": found '=', expected: !, identifier, or 'end of string'`},
		{"shop/app=(x", `simulate: endpoint "shop/app=(x": unable to parse requirement: found '(', expected: identifier`},
	} {
		got, err := ParseEndpoint(c.in)
		if err == nil {
			t.Errorf("ParseEndpoint(%q) = %s, want error %q", c.in, got, c.want)
			continue
		}
		if diff := cmp.Diff(c.want, err.Error()); diff != "" {
			t.Errorf("ParseEndpoint(%q) error (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestEndpointString(t *testing.T) {
	for _, c := range []struct {
		e    Endpoint
		want string
	}{
		{Pod("shop", "db-0"), "shop/db-0"},
		{Service("shop", "db"), "svc/shop/db"},
		{IP(netip.MustParseAddr("10.1.2.3")), "10.1.2.3"},
		{IP(netip.MustParseAddr("::ffff:10.1.2.3")), "10.1.2.3"},
		{IP(netip.MustParseAddr("fe80::1%eth0")), "fe80::1"},
		{PodsMatching("shop", sel(map[string]string{"tier": "x", "app": "db"})), "shop/app=db,tier=x"},
		{PodsMatching("shop", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"b", "a"}}}}), "shop/app in (a,b)"},
		{Endpoint{}, "<invalid endpoint>"},
	} {
		if diff := cmp.Diff(c.want, c.e.String()); diff != "" {
			t.Errorf("String() (-want +got):\n%s", diff)
		}
	}
}

// TestEndpointStringRoundTrip checks the promise of Endpoint.String: it
// renders the endpoint the way ParseEndpoint reads it.
func TestEndpointStringRoundTrip(t *testing.T) {
	for _, e := range []Endpoint{
		Pod("shop", "db-0"),
		Service("shop", "db"),
		IP(netip.MustParseAddr("10.1.2.3")),
		IP(netip.MustParseAddr("2001:db8::1")),
	} {
		got, err := ParseEndpoint(e.String())
		if err != nil {
			t.Errorf("ParseEndpoint(%q): %v", e, err)
			continue
		}
		if diff := cmp.Diff(viewEndpoint(e), viewEndpoint(got)); diff != "" {
			t.Errorf("ParseEndpoint(%q) (-want +got):\n%s", e, diff)
		}
	}
}

// TestEndpointStringRoundTripSelectors checks that a pod set's String reads
// back as a pod set that selects the same pods.
func TestEndpointStringRoundTripSelectors(t *testing.T) {
	for _, e := range []Endpoint{
		PodsMatching("shop", sel(map[string]string{"app": "db"})),
		PodsMatching("shop", sel(map[string]string{"app": "db", "tier": "x"})),
		PodsMatching("shop", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}},
			{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist},
			{Key: "tier", Operator: metav1.LabelSelectorOpExists},
		}}),
		// {} selects every pod of the namespace.
		PodsMatching("shop", &metav1.LabelSelector{}),
	} {
		got, err := ParseEndpoint(e.String())
		if err != nil {
			t.Errorf("ParseEndpoint(%q): %v", e, err)
			continue
		}
		want := selectorMeaning(t, e)
		if diff := cmp.Diff(want, selectorMeaning(t, got)); diff != "" {
			t.Errorf("ParseEndpoint(%q) (-want +got):\n%s", e, diff)
		}
	}
}

// selectorMeaning describes what a pod-set endpoint selects: its kind, its
// namespace, and its selector as apimachinery reads it (whether it matches
// everything, and its requirements).
func selectorMeaning(t *testing.T, e Endpoint) []string {
	t.Helper()
	if e.kind != kindPods {
		return []string{kindNames[e.kind], e.namespace, e.name}
	}
	s, err := metav1.LabelSelectorAsSelector(e.selector)
	if err != nil {
		t.Fatalf("%s: %v", e, err)
	}
	everything := "some"
	if s.Empty() {
		everything = "everything"
	}
	return []string{kindNames[e.kind], e.namespace, everything, s.String()}
}

// FuzzParseEndpoint: ParseEndpoint never panics; a pod, Service or address it
// accepts reads back the same from its String, and a pod set's selector is
// one that queries accept.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{"shop/db-0", "svc/shop/db", "service/shop/db", "shop/app=db", "shop/!legacy", "10.1.2.3", "2001:db8::1", "shop", "a/b/c", "10.0.0.0/8", "::ffff:10.0.0.0/104", "10.1.2.3/8", "outside"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEndpoint(s)
		if err != nil {
			if e.kind != kindNone {
				t.Errorf("ParseEndpoint(%q) = %s with error %v, want the zero Endpoint", s, e, err)
			}
			return
		}
		switch e.kind {
		case kindPod, kindService:
			if e.namespace == "" || e.name == "" || strings.Contains(e.namespace, "/") {
				t.Fatalf("ParseEndpoint(%q) = %#v: bad namespace or name", s, viewEndpoint(e))
			}
		case kindIP:
			if !e.addr.IsValid() || e.addr.Zone() != "" || e.addr.Is4In6() {
				t.Fatalf("ParseEndpoint(%q) = %#v: address not normalized", s, viewEndpoint(e))
			}
		case kindBlock:
			if !e.prefix.IsValid() || e.prefix.Masked() != e.prefix || (e.prefix.Addr().Is4In6() && e.prefix.Bits() >= 96) {
				t.Fatalf("ParseEndpoint(%q) = %#v: prefix not normalized", s, viewEndpoint(e))
			}
		case kindOutside:
		case kindPods:
			if e.namespace == "" || e.selector == nil {
				t.Fatalf("ParseEndpoint(%q) = %#v: bad namespace or selector", s, viewEndpoint(e))
			}
			if _, err := selector.Compile(e.selector); err != nil {
				t.Fatalf("ParseEndpoint(%q) = %#v, a selector that queries reject: %v", s, viewEndpoint(e), err)
			}
			return
		default:
			t.Fatalf("ParseEndpoint(%q) = %#v: no kind", s, viewEndpoint(e))
		}
		again, err := ParseEndpoint(e.String())
		if err != nil {
			t.Fatalf("ParseEndpoint(%q) = %s, but ParseEndpoint(%q): %v", s, e, e.String(), err)
		}
		if diff := cmp.Diff(viewEndpoint(e), viewEndpoint(again)); diff != "" {
			t.Fatalf("ParseEndpoint(%q) then ParseEndpoint(%q) (-first +second):\n%s", s, e.String(), diff)
		}
	})
}
