package manifest

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// refTracker is the reader's JSON tracker as it was written first, byte
// by byte: the reference that docTracker is held to.
type refTracker struct {
	max      int64
	start    int
	list     bool
	pos      int
	depth    int
	inString bool
	keyStart int
	spans    []itemSpan
	broken   bool
}

func (t *refTracker) feed(data []byte) (int, bool) {
	pos := t.pos
	for pos < len(data) {
		if t.inString {
			i := pos
			for i < len(data) && data[i] != '"' && data[i] != '\\' {
				i++
			}
			if i == len(data) {
				pos = i
				break
			}
			if data[i] == '\\' {
				if i+1 == len(data) {
					pos = i
					break
				}
				pos = i + 2
				continue
			}
			pos = i + 1
			t.inString = false
			if t.depth == 1 && string(data[t.keyStart:i]) == "items" {
				t.list = true
			}
			continue
		}
		switch data[pos] {
		case '"':
			t.inString, t.keyStart = true, pos+1
		case '{', '[':
			if t.depth == 0 {
				t.start, t.list = pos, false
			}
			t.depth++
		case '}', ']':
			t.depth--
			switch {
			case t.depth == 0 && !t.broken:
				t.spans = append(t.spans, itemSpan{t.start, pos + 1})
			case t.depth < 0:
				t.broken = true
			}
		}
		pos++
	}
	t.pos = pos
	if !t.list && int64(len(data)-t.start) > t.max {
		return t.start, false
	}
	return 0, true
}

// TestTrackerAsReference: the reader's JSON tracker, fed any text in any
// chunks, finds the spans, the open documents and the too large ones that
// the byte-by-byte reference finds.
func TestTrackerAsReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tokens := []string{"{", "}", "[", "]", `"`, `"`, `\"`, `\\`, `\`, "a", "abcdefghijk", " ", ",", ":", "\n", `"items"`, `"items":[`, `{"a":"b"}`, `"x\"}{"`}
		data := []byte("{" + strings.Join(rapid.SliceOfN(rapid.SampledFrom(tokens), 0, 60).Draw(t, "tokens"), ""))
		max := int64(rapid.IntRange(1, len(data)+1).Draw(t, "max"))
		got := docTracker{max: max}
		want := refTracker{max: max}
		cuts := append(rapid.SliceOfN(rapid.IntRange(0, len(data)), 0, 4).Draw(t, "cuts"), len(data))
		slices.Sort(cuts)
		for _, cut := range cuts {
			gotStart, gotOK := got.feed(data[:cut])
			wantStart, wantOK := want.feed(data[:cut])
			if gotOK != wantOK || gotStart != wantStart {
				t.Fatalf("%q fed to %d (max %d): tracker says %d %v, reference %d %v", data, cut, max, gotStart, gotOK, wantStart, wantOK)
			}
			if !gotOK {
				return // the reader stops here
			}
			if got.pos != want.pos || got.depth != want.depth || got.inString != want.inString || got.start != want.start ||
				got.broken != want.broken || !slices.Equal(got.spans, want.spans) {
				t.Fatalf("%q fed to %d: tracker %+v, reference %+v", data, cut, got, want)
			}
		}
	})
}

// TestResultLetsEventsGo: once loaded, the documents (which a Result keeps
// for FieldSource) hold no events, in their slices or in the room kept for
// one: the events hold the decoded objects a second time, workloads whole.
func TestResultLetsEventsGo(t *testing.T) {
	l := newLoader(Options{})
	l.reader("in.json", strings.NewReader(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}
{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"ports":[{"port":80}]}}`), false)
	if _, err := l.result(); err != nil {
		t.Fatal(err)
	}
	for i, d := range l.docs {
		if d.events != nil || d.ev != [1]event{} {
			t.Errorf("document %d still holds its events", i)
		}
	}
}

// TestResultLetsTextGo: with DropText, once the load is over, one
// collection frees the input's text, whatever the decoding kept in caches
// that outlive the load.
func TestResultLetsTextGo(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"app":"a"}},"spec":{"containers":[{"name":"c"}]}}` + "\n" +
		`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"a"},"spec":{"podSelector":{"matchLabels":{"app":"a"}}}}`
	l := newLoader(Options{DropText: true})
	l.reader("in.json", strings.NewReader(in), false)
	text := l.docs[0].text
	if len(text) == 0 || text[0] != '{' {
		t.Fatal("the first document is not at the start of the input")
	}
	freed := make(chan struct{})
	runtime.AddCleanup(&text[0], func(ch chan struct{}) { close(ch) }, freed)
	text = nil
	res, err := l.result()
	if err != nil {
		t.Fatal(err)
	}
	l = nil
	runtime.GC()
	select {
	case <-freed:
	case <-time.After(5 * time.Second):
		t.Fatal("the input's text is still held after the load and a collection")
	}
	runtime.KeepAlive(res)
}
