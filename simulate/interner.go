package simulate

import "github.com/netpolsim/netpolsim/internal/bitset"

// interner stores each distinct non-empty class set once and numbers it.
//
// A fork of an interner (see fork) lets one goroutine intern sets while
// others fork the same parent: the parent must not change until the forks
// are adopted back (see adopter), in an order that does not depend on how
// work was split, so that set numbers are the same on any number of cores.
type interner struct {
	parent *interner // frozen while this fork is in use; nil for the root
	base   int32     // ids below base are the parent's
	sets   []bitset.Set
	index  map[uint64][]int32 // hash → ids of own sets
	spare  bitset.Set         // see scratch
}

// scratch returns a set of n members for its caller to fill and intern with
// internCopy: one set per interner, reused by every caller, so callers must
// not hold it across calls. Its contents are undefined.
func (in *interner) scratch(n int) bitset.Set {
	if len(in.spare) != (n+63)/64 {
		in.spare = bitset.New(n)
	}
	return in.spare
}

func newInterner() *interner { return &interner{index: map[uint64][]int32{}} }

// fork returns an interner that knows every set of in and numbers new ones
// after them.
func (in *interner) fork() *interner {
	return &interner{parent: in, base: in.base + int32(len(in.sets)), index: map[uint64][]int32{}}
}

// set returns the set with the given id.
func (in *interner) set(id int32) bitset.Set {
	if id < in.base {
		return in.parent.set(id)
	}
	return in.sets[id-in.base]
}

// intern returns the id of s, storing s itself (not a copy) when it is new:
// the caller must not change s afterwards. The empty set is -1.
func (in *interner) intern(s bitset.Set) int32 {
	id, h := in.find(s)
	if id == -2 {
		id = in.add(s, h)
	}
	return id
}

// internCopy is intern for a set the caller reuses: a new set is stored as
// a copy.
func (in *interner) internCopy(s bitset.Set) int32 {
	id, h := in.find(s)
	if id == -2 {
		id = in.add(s.Clone(), h)
	}
	return id
}

// find returns the id of s and its hash; the id is -1 for the empty set and
// -2 when s is not interned yet.
func (in *interner) find(s bitset.Set) (int32, uint64) {
	h := uint64(14695981039346656037)
	empty := true
	for _, w := range s {
		h = (h ^ w) * 1099511628211
		if w != 0 {
			empty = false
		}
	}
	if empty {
		return -1, h
	}
	return in.lookup(s, h), h
}

// lookup returns the id of the non-empty set s of hash h, or -2.
func (in *interner) lookup(s bitset.Set, h uint64) int32 {
	if in.parent != nil {
		if id := in.parent.lookup(s, h); id != -2 {
			return id
		}
	}
	for _, id := range in.index[h] {
		if in.sets[id-in.base].Equal(s) {
			return id
		}
	}
	return -2
}

func (in *interner) add(s bitset.Set, h uint64) int32 {
	id := in.base + int32(len(in.sets))
	in.sets = append(in.sets, s)
	in.index[h] = append(in.index[h], id)
	return id
}

// adopter returns a function that maps an id of fork f to an id of in,
// interning f's set into in the first time the id is seen. in must be f's
// parent.
func (in *interner) adopter(f *interner) func(int32) int32 {
	remap := make([]int32, len(f.sets))
	for i := range remap {
		remap[i] = -2
	}
	return func(id int32) int32 {
		if id < f.base {
			return id
		}
		j := id - f.base
		if remap[j] == -2 {
			remap[j] = in.intern(f.sets[j])
		}
		return remap[j]
	}
}
