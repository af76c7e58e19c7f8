package policy

import (
	"fmt"
	"net"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// ipBlock validates and compiles an ipBlock peer. cidr is required. Every
// except entry must parse; when cidr parses too, each must be a strict subset
// of it. Unlike the API server, which stops at a bad cidr, the except entries
// are still checked for syntax then, so that all problems are reported.
func (c *compiler) ipBlock(b *networkingv1.IPBlock, path *field.Path) *IPBlock {
	cidrPath := c.child(path, "cidr")
	var (
		outerNet *net.IPNet
		out      IPBlock
	)
	if b.CIDR == "" {
		c.add(field.Required(cidrPath, ""))
	} else {
		var errs field.ErrorList
		outerNet, out.CIDR, errs = parseCIDR(b.CIDR, cidrPath)
		c.add(errs...)
	}
	for k, s := range b.Except {
		exceptPath := c.index(c.child(path, "except"), k)
		innerNet, inner, errs := parseCIDR(s, exceptPath)
		c.add(errs...)
		if errs != nil || outerNet == nil {
			continue
		}
		if !strictSubset(outerNet, innerNet, out.CIDR, inner) {
			c.add(field.Invalid(exceptPath, s, "must be a strict subset of `cidr`"))
			continue
		}
		out.Except = append(out.Except, inner)
	}
	return &out
}

// parseCIDR parses s as the API server does without strict IP validation,
// returning both the net.IPNet that the API server's checks work on and the
// normalized, masked prefix. On failure the net.IPNet is nil and the errors
// are the API server's.
func parseCIDR(s string, path *field.Path) (*net.IPNet, netip.Prefix, field.ErrorList) {
	if errs := validation.IsValidCIDRForLegacyField(path, s, false, nil); len(errs) > 0 {
		return nil, netip.Prefix{}, errs
	}
	_, n, err := netutils.ParseCIDRSloppy(s)
	if err != nil {
		// Not reached: the validation above parses with the same function.
		return nil, netip.Prefix{}, field.ErrorList{field.Invalid(path, s, err.Error())}
	}
	addr, ok := netip.AddrFromSlice(n.IP)
	ones, bits := n.Mask.Size()
	if !ok || bits != addr.BitLen() {
		// Not reached: a parsed IPNet has a 4- or 16-byte IP and a mask of
		// the same length.
		return nil, netip.Prefix{}, field.ErrorList{field.InternalError(path, fmt.Errorf("parsed %q as %v, which is not an IP prefix", s, n))}
	}
	if addr.Is4In6() && ones >= 96 {
		addr, ones = addr.Unmap(), ones-96
	}
	return n, netip.PrefixFrom(addr, ones).Masked(), nil
}

// strictSubset reports whether inner is a strict subset of outer, given each
// as the API server parses it (outerNet, innerNet) and in normalized form.
//
// The API server's test (inner's network address in outer, inner's mask
// longer) is applied first and decides on its own for every plain IPv4 or
// IPv6 CIDR. The test on the normalized prefixes (same family, longer prefix,
// inside) only differs for IPv4-mapped IPv6 values, which the API server
// compares by raw mask length: there it also rejects an exception that would
// cover all of outer once read as IPv4, such as 0.0.0.0/8 except
// ::ffff:0.0.0.0/100 (0.0.0.0/4), so that every compiled exception is
// strictly inside its CIDR.
func strictSubset(outerNet, innerNet *net.IPNet, outer, inner netip.Prefix) bool {
	outerOnes, _ := outerNet.Mask.Size()
	innerOnes, _ := innerNet.Mask.Size()
	if !outerNet.Contains(innerNet.IP) || outerOnes >= innerOnes {
		return false
	}
	return outer.Addr().Is4() == inner.Addr().Is4() && outer.Bits() < inner.Bits() && outer.Contains(inner.Addr())
}
