package selector

import (
	"github.com/netpolsim/netpolsim/internal/bitset"
	"k8s.io/apimachinery/pkg/selection"
)

// Index is an inverted label index over a fixed population of labelled
// objects, numbered 0..Len()-1 in the order given to [NewIndex].
//
// It keeps, per key and per key=value pair, the sorted list of members that
// carry it, not a set of the whole population: a label whose value is
// unique to each member (a pod name, a template hash, a namespace's name)
// costs one entry per member, not one population-sized set per value.
//
// An Index is immutable once built and safe for concurrent use.
type Index struct {
	n    int
	all  bitset.Set
	keys map[string]*keyIndex
}

type keyIndex struct {
	has    []int32            // members that carry the key, ascending
	values map[string][]int32 // value → members with key=value, ascending
}

// NewIndex indexes a population: member i has the labels labels[i] (nil is no
// labels). It costs O(total number of labels) time and space.
func NewIndex(labels []map[string]string) *Index {
	ix := &Index{n: len(labels), all: bitset.Full(len(labels)), keys: map[string]*keyIndex{}}
	for i, ls := range labels {
		for k, v := range ls {
			ki := ix.keys[k]
			if ki == nil {
				ki = &keyIndex{values: map[string][]int32{}}
				ix.keys[k] = ki
			}
			ki.has = append(ki.has, int32(i))
			ki.values[v] = append(ki.values[v], int32(i))
		}
	}
	return ix
}

// Len returns the size of the population.
func (ix *Index) Len() int { return ix.n }

// Select returns the members that s matches, as a new set the caller owns.
// It costs O(Len()/64) word operations per requirement plus one operation
// per member that carries a key or value the requirement names.
func (ix *Index) Select(s Selector) bitset.Set {
	switch s.kind {
	case nothing:
		return bitset.New(ix.n)
	case everything:
		return ix.all.Clone()
	}
	out := ix.all.Clone()
	var in bitset.Set // scratch for Exists, In and Equals
	for _, r := range s.reqs {
		ki := ix.keys[r.key]
		switch r.op {
		case selection.DoesNotExist:
			if ki != nil {
				removeAll(out, ki.has)
			}
		case selection.NotIn:
			if ki != nil {
				for _, v := range r.values {
					removeAll(out, ki.values[v])
				}
			}
		default: // Exists, Equals, In
			if ki == nil {
				return bitset.New(ix.n)
			}
			if in == nil {
				in = bitset.New(ix.n)
			} else {
				clear(in)
			}
			if r.op == selection.Exists {
				addAll(in, ki.has)
			} else {
				for _, v := range r.values {
					addAll(in, ki.values[v])
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

func addAll(s bitset.Set, members []int32) {
	for _, i := range members {
		s.Add(int(i))
	}
}

func removeAll(s bitset.Set, members []int32) {
	for _, i := range members {
		s.Remove(int(i))
	}
}
