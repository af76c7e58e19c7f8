package selector

import (
	"github.com/netpolsim/netpolsim/internal/bitset"
	"k8s.io/apimachinery/pkg/selection"
)

// Index is an inverted label index over a fixed population of labelled
// objects, numbered 0..Len()-1 in the order given to [NewIndex].
//
// An Index is immutable once built and safe for concurrent use.
type Index struct {
	n    int
	all  bitset.Set
	keys map[string]*keyIndex
}

type keyIndex struct {
	has    bitset.Set            // members that carry the key
	values map[string]bitset.Set // value → members with key=value
}

// NewIndex indexes a population: member i has the labels labels[i] (nil is no
// labels). It costs O(total number of labels) time and one bitset per distinct
// key and per distinct key=value pair.
func NewIndex(labels []map[string]string) *Index {
	ix := &Index{n: len(labels), all: bitset.Full(len(labels)), keys: map[string]*keyIndex{}}
	for i, ls := range labels {
		for k, v := range ls {
			ki := ix.keys[k]
			if ki == nil {
				ki = &keyIndex{has: bitset.New(ix.n), values: map[string]bitset.Set{}}
				ix.keys[k] = ki
			}
			ki.has.Add(i)
			vs, ok := ki.values[v]
			if !ok {
				vs = bitset.New(ix.n)
				ki.values[v] = vs
			}
			vs.Add(i)
		}
	}
	return ix
}

// Len returns the size of the population.
func (ix *Index) Len() int { return ix.n }

// Select returns the members that s matches, as a new set the caller owns.
// It costs O(requirements × values × Len()/64) word operations.
func (ix *Index) Select(s Selector) bitset.Set {
	switch s.kind {
	case nothing:
		return bitset.New(ix.n)
	case everything:
		return ix.all.Clone()
	}
	out := ix.all.Clone()
	for _, r := range s.reqs {
		ki := ix.keys[r.key]
		switch r.op {
		case selection.Exists:
			if ki == nil {
				return bitset.New(ix.n)
			}
			out.And(ki.has)
		case selection.DoesNotExist:
			if ki != nil {
				out.AndNot(ki.has)
			}
		case selection.NotIn:
			if ki != nil {
				for _, v := range r.values {
					if vs, ok := ki.values[v]; ok {
						out.AndNot(vs)
					}
				}
			}
		default: // Equals, In
			in := bitset.New(ix.n)
			if ki != nil {
				for _, v := range r.values {
					if vs, ok := ki.values[v]; ok {
						in.Or(vs)
					}
				}
			}
			out.And(in)
		}
		if out.IsEmpty() {
			return out
		}
	}
	return out
}
