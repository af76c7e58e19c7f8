package bitset

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// model is the obvious set of ints that Set must agree with.
type model map[int]bool

func drawSet(t *rapid.T, n int, label string) (Set, model) {
	members := rapid.SliceOf(rapid.IntRange(0, n-1)).Draw(t, label)
	m := model{}
	for _, x := range members {
		m[x] = true
	}
	return Of(n, members...), m
}

func (m model) sorted() []int {
	out := []int{}
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestSetAgreesWithMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 300).Draw(t, "n")
		a, ma := drawSet(t, n, "a")
		b, mb := drawSet(t, n, "b")
		if got, want := a.Slice(), ma.sorted(); !slices.Equal(got, want) {
			t.Fatalf("Slice = %v, want %v", got, want)
		}
		if a.Count() != len(ma) || a.IsEmpty() != (len(ma) == 0) {
			t.Fatalf("Count %d / IsEmpty %v for %v", a.Count(), a.IsEmpty(), ma.sorted())
		}
		and, or, andNot := a.Clone(), a.Clone(), a.Clone()
		and.And(b)
		or.Or(b)
		andNot.AndNot(b)
		inter := false
		for i := -1; i <= n; i++ {
			if and.Has(i) != (ma[i] && mb[i]) || or.Has(i) != (ma[i] || mb[i]) || andNot.Has(i) != (ma[i] && !mb[i]) {
				t.Fatalf("member %d: and %v or %v andNot %v", i, and.Has(i), or.Has(i), andNot.Has(i))
			}
			inter = inter || (ma[i] && mb[i])
		}
		if a.Intersects(b) != inter {
			t.Fatalf("Intersects = %v, want %v", a.Intersects(b), inter)
		}
		if a.Equal(b) != slices.Equal(ma.sorted(), mb.sorted()) {
			t.Fatalf("Equal = %v", a.Equal(b))
		}
	})
}

func TestFullAndRemove(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 130} {
		f := Full(n)
		if f.Count() != n {
			t.Errorf("Full(%d).Count() = %d", n, f.Count())
		}
		if f.Has(n) {
			t.Errorf("Full(%d) has %d", n, n)
		}
		if n > 0 {
			f.Remove(n - 1)
			if f.Has(n-1) || f.Count() != n-1 {
				t.Errorf("Remove(%d) left %v", n-1, f)
			}
		}
	}
	if got := Of(70, 3, 69, 0).String(); got != "{0 3 69}" {
		t.Errorf("String = %q", got)
	}
}

func TestOfPanicsOutsideUniverse(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Of(3, 3) did not panic")
		}
	}()
	Of(3, 3)
}
