package simulate

import (
	"net/netip"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/policy"
)

// The address sets are checked against a naive reference: a set of the 256
// addresses of 10.0.0.0/24, one by one.
var smallBase = netip.MustParseAddr("10.0.0.0")

func smallPrefix() *rapid.Generator[netip.Prefix] {
	return rapid.Custom(func(t *rapid.T) netip.Prefix {
		bits := rapid.IntRange(24, 32).Draw(t, "bits")
		low := rapid.IntRange(0, 255).Draw(t, "low")
		a := smallBase.As4()
		a[3] = byte(low)
		return netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked()
	})
}

func smallBlock() *rapid.Generator[policy.IPBlock] {
	return rapid.Custom(func(t *rapid.T) policy.IPBlock {
		b := policy.IPBlock{CIDR: smallPrefix().Draw(t, "cidr")}
		for _, e := range rapid.SliceOfN(smallPrefix(), 0, 3).Draw(t, "except") {
			if b.CIDR.Bits() < e.Bits() && b.CIDR.Contains(e.Addr()) {
				b.Except = append(b.Except, e)
			}
		}
		return b
	})
}

type naiveSet [256]bool

func naiveOf(s addrSet) naiveSet {
	var n naiveSet
	for i := range n {
		n[i] = s.contains(smallAddr(i))
	}
	return n
}

func smallAddr(i int) netip.Addr {
	a := smallBase.As4()
	a[3] = byte(i)
	return netip.AddrFrom4(a)
}

// wellFormed fails unless s is sorted, disjoint and without touching
// ranges, each First ≤ Last.
func wellFormed(t *rapid.T, what string, s addrSet) {
	for i, r := range s {
		if r.First.Compare(r.Last) > 0 {
			t.Fatalf("%s: range %d %v is backwards: %v", what, i, r, s)
		}
		if i > 0 && s[i-1].Last.Next().Compare(r.First) >= 0 {
			t.Fatalf("%s: ranges %d and %d overlap or touch: %v", what, i-1, i, s)
		}
	}
}

func TestAddrSetOps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var blocks []policy.IPBlock
		var sets []addrSet
		var naive []naiveSet
		for _, b := range rapid.SliceOfN(smallBlock(), 1, 4).Draw(t, "blocks") {
			var n naiveSet
			for i := range n {
				a := smallAddr(i)
				n[i] = b.Contains(a)
			}
			s := blockSet(b)
			wellFormed(t, "blockSet "+b.String(), s)
			if got := naiveOf(s); got != n {
				t.Fatalf("blockSet(%v) = %v: differs from the block", b, s)
			}
			blocks, sets, naive = append(blocks, b), append(sets, s), append(naive, n)
		}
		x, y := sets[0], sets[len(sets)-1]
		nx, ny := naive[0], naive[len(sets)-1]
		var union, inter, diff naiveSet
		for i := range union {
			union[i], inter[i], diff[i] = nx[i] || ny[i], nx[i] && ny[i], nx[i] && !ny[i]
		}
		for _, c := range []struct {
			name string
			got  addrSet
			want naiveSet
		}{{"union", x.union(y), union}, {"intersect", x.intersect(y), inter}, {"subtract", x.subtract(y), diff}} {
			wellFormed(t, c.name, c.got)
			if naiveOf(c.got) != c.want {
				t.Fatalf("%v %s %v = %v: wrong", x, c.name, y, c.got)
			}
		}
		// Prefixes of every range cover it exactly, in order, fewest: no
		// two neighbours merge into one prefix.
		for _, r := range x.union(y) {
			ps := r.Prefixes()
			var cover addrSet
			for _, p := range ps {
				cover = cover.union(prefixSet(p))
			}
			if !slices.Equal(cover, addrSet{r}) {
				t.Fatalf("Prefixes(%v) = %v: cover %v", r, ps, cover)
			}
			for i := 1; i < len(ps); i++ {
				if ps[i-1].Bits() == ps[i].Bits() {
					if m := netip.PrefixFrom(ps[i-1].Addr(), ps[i].Bits()-1).Masked(); m.Addr() == ps[i-1].Addr() {
						t.Fatalf("Prefixes(%v) = %v: %v and %v make one prefix %v", r, ps, ps[i-1], ps[i], m)
					}
				}
			}
		}
		// Sources union every block.
		var all naiveSet
		for _, n := range naive {
			for i := range all {
				all[i] = all[i] || n[i]
			}
		}
		if got := naiveOf(sourcesSet(blockSources(blocks))); got != all {
			t.Fatalf("sourcesSet(%v): wrong", blocks)
		}
	})
}

func TestAddrSetFamilies(t *testing.T) {
	// The two families never merge, and the edges of the space are kept.
	s := everyAddress.subtract(prefixSet(netip.MustParsePrefix("0.0.0.0/1"))).subtract(prefixSet(netip.MustParsePrefix("::/1")))
	want := addrSet{
		{netip.MustParseAddr("128.0.0.0"), netip.MustParseAddr("255.255.255.255")},
		{netip.MustParseAddr("8000::"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")},
	}
	if !slices.Equal(s, want) {
		t.Errorf("got %v, want %v", s, want)
	}
	if u := s.union(everyAddress); !slices.Equal(u, everyAddress) {
		t.Errorf("union with everything: %v", u)
	}
	if r := (AddressRange{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.6")}); r.String() != "10.0.0.1-10.0.0.6" {
		t.Errorf("String = %s", r)
	}
	if r := (AddressRange{netip.MustParseAddr("::"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}); r.String() != "::/0" {
		t.Errorf("String = %s", r)
	}
}
