// Package bitset is a dense set of small non-negative integers, the
// representation every selector, class and verdict of the engine is computed in.
//
// A Set is a slice of 64-bit words; bit i of the set is bit i%64 of word i/64.
// Sets that take part in one operation must have been made for the same
// universe size (New or Full with the same n); operations on sets of
// different lengths panic, as that is always a programming error.
package bitset
