package bitset

import (
	"iter"
	"math/bits"
	"strconv"
	"strings"
)

// Set is a set of integers in [0, n) for the n it was made with.
// The nil Set is the empty set of a universe of size 0.
type Set []uint64

// words returns the number of words needed for a universe of n members.
func words(n int) int { return (n + 63) / 64 }

// New returns the empty set over a universe of n members.
func New(n int) Set { return make(Set, words(n)) }

// Full returns the set of all integers in [0, n).
func Full(n int) Set {
	s := New(n)
	for i := range s {
		s[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		s[len(s)-1] = (uint64(1) << r) - 1
	}
	return s
}

// Of returns the set over a universe of n members holding members.
// It panics if a member is outside [0, n).
func Of(n int, members ...int) Set {
	s := New(n)
	for _, m := range members {
		if m < 0 || m >= n {
			panic("bitset: member " + strconv.Itoa(m) + " outside universe of " + strconv.Itoa(n))
		}
		s.Add(m)
	}
	return s
}

// Add puts i into s. It panics if i is outside the universe.
func (s Set) Add(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

// Remove takes i out of s. It panics if i is outside the universe.
func (s Set) Remove(i int) { s[i>>6] &^= 1 << (uint(i) & 63) }

// Has reports whether i is in s; an i outside the universe is not.
func (s Set) Has(i int) bool {
	if i < 0 || i>>6 >= len(s) {
		return false
	}
	return s[i>>6]&(1<<(uint(i)&63)) != 0
}

// Count returns the number of members of s. It costs one popcount per word.
func (s Set) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether s has no members.
func (s Set) IsEmpty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// Clone returns a copy of s that shares no memory with it.
func (s Set) Clone() Set {
	if s == nil {
		return nil
	}
	c := make(Set, len(s))
	copy(c, s)
	return c
}

// And sets s to s ∩ o.
func (s Set) And(o Set) {
	o = o[:len(s)]
	for i := range s {
		s[i] &= o[i]
	}
}

// Or sets s to s ∪ o.
func (s Set) Or(o Set) {
	o = o[:len(s)]
	for i := range s {
		s[i] |= o[i]
	}
}

// AndNot sets s to s \ o.
func (s Set) AndNot(o Set) {
	o = o[:len(s)]
	for i := range s {
		s[i] &^= o[i]
	}
}

// Intersects reports whether s and o share a member.
func (s Set) Intersects(o Set) bool {
	o = o[:len(s)]
	for i := range s {
		if s[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// Equal reports whether s and o hold the same members.
func (s Set) Equal(o Set) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// Members yields the members of s in increasing order.
func (s Set) Members() iter.Seq[int] {
	return func(yield func(int) bool) {
		for wi, w := range s {
			for w != 0 {
				b := bits.TrailingZeros64(w)
				if !yield(wi<<6 | b) {
					return
				}
				w &= w - 1
			}
		}
	}
}

// Slice returns the members of s in increasing order.
func (s Set) Slice() []int {
	out := make([]int, 0, s.Count())
	for m := range s.Members() {
		out = append(out, m)
	}
	return out
}

// String renders s as "{1 5 9}".
func (s Set) String() string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for m := range s.Members() {
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(strconv.Itoa(m))
	}
	b.WriteByte('}')
	return b.String()
}
