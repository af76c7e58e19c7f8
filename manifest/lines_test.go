package manifest

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestLineCursor: the cursor gives the line the table gives, and the line
// a naive count gives, for offsets asked in any order, out of range too.
func TestLineCursor(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := rapid.StringOf(rapid.SampledFrom([]rune{'a', '\n', '{', ' '})).Draw(t, "text")
		// Texts longer than a table mark, sometimes.
		text = strings.Repeat(text, rapid.IntRange(1, 3000).Draw(t, "repeat"))
		table := &lineTable{text: []byte(text)}
		cur := lineCursor{text: table.text}
		for range rapid.IntRange(1, 20).Draw(t, "asks") {
			off := rapid.IntRange(-2, len(text)+2).Draw(t, "off")
			want := 1 + strings.Count(text[:min(max(off, 0), len(text))], "\n")
			if got := table.at(off); got != want {
				t.Fatalf("table: line of %d is %d, want %d", off, got, want)
			}
			if got := cur.at(off); got != want {
				t.Fatalf("cursor: line of %d is %d, want %d", off, got, want)
			}
		}
	})
}

// TestLineTableWaits: a table whose text is still read answers only once
// the text is set, and then from the whole text.
func TestLineTableWaits(t *testing.T) {
	table := &lineTable{ready: make(chan struct{})}
	got := make(chan int)
	go func() { got <- table.at(5) }()
	select {
	case line := <-got:
		t.Fatalf("at answered %d before the text was set", line)
	case <-time.After(20 * time.Millisecond):
	}
	table.finish([]byte("a\nb\nc\n"))
	if line := <-got; line != 3 {
		t.Fatalf("line of 5 is %d, want 3", line)
	}
}
