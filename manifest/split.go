package manifest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// This file splits an input into documents, as kubectl splits it.

// split splits the input data of the file name into documents. Input whose
// first non-space character is '{' is read as a stream of JSON values,
// unless its first value is not JSON (a YAML flow mapping such as
// {kind: Pod}); anything else is YAML documents separated by "---" lines.
// spans, when not nil, are where the objects and arrays at the top level
// of JSON data start and end, as skipValue would find them. sp, when not
// nil, is the split begun while data was read (see pipe.go), which split
// ends.
func (l *loader) split(name string, data []byte, walked bool, spans []itemSpan, sp *jsonSplit) {
	if sp != nil {
		sp.lines.finish(data)
	} else {
		sp = newJSONSplit(name, walked, &lineTable{text: data})
	}
	if first := skipSpace(data, 0); first < len(data) && data[first] == '{' && sp.step(l, data, spans, true) {
		return
	}
	l.splitYAML(name, data, walked)
}

// firstJSONCheck is the size up to which the first value of an input that
// starts with '{' is checked to be JSON before the input is read as JSON;
// a larger one is taken to be JSON if its first key is quoted.
const firstJSONCheck = 1 << 20

// jsonSplit splits a stream of JSON values into documents, in steps: while
// the stream is still read, each step splits the values whose ends the
// reader found so far (see pipe.go); the last step splits the rest. A
// value that does not end ends the stream: there is no telling where the
// next value would start.
type jsonSplit struct {
	name   string
	walked bool
	lines  *lineTable
	cur    lineCursor
	pos    int  // where the next value starts, or white space before it
	n      int  // the index of the next document
	si     int  // the spans before si end before pos
	first  bool // no value was checked to be JSON yet
	// stop is set when a step found the first value not to be JSON: the
	// steps before the last split nothing more.
	stop bool
}

func newJSONSplit(name string, walked bool, lines *lineTable) *jsonSplit {
	return &jsonSplit{name: name, walked: walked, lines: lines, first: true}
}

// step splits the values of data from where the last step stopped. Before
// the last step it splits only the values that spans tell (objects and
// arrays that end within data), and stops at any other; the last step
// splits them all, finding the end of a value that no span tells with
// skipValue, and needs s.lines to hold the whole text. It returns false,
// having split nothing, when the first value is not JSON.
func (s *jsonSplit) step(l *loader, data []byte, spans []itemSpan, last bool) bool {
	if s.stop && !last {
		return true
	}
	s.cur.text = data
	// The documents of a step, in one array when the reader found where
	// they are (at most one a span), rather than one allocation each.
	var store []doc
	if s.si < len(spans) {
		store = make([]doc, 0, len(spans)-s.si)
		l.docs = slices.Grow(l.docs, len(spans)-s.si)
	}
	newDoc := func() *doc {
		if len(store) < cap(store) {
			store = store[:len(store)+1]
			return &store[len(store)-1]
		}
		return new(doc)
	}
	for {
		pos := skipSpace(data, s.pos)
		if pos >= len(data) {
			s.pos = pos
			return true
		}
		for s.si < len(spans) && spans[s.si].start < pos {
			s.si++
		}
		var end int
		ok := s.si < len(spans) && spans[s.si].start == pos
		switch {
		case ok:
			end = spans[s.si].end
		case !last:
			return true // a value the last step splits
		default:
			end, ok = skipValue(data, pos)
		}
		if s.first {
			switch {
			case !ok:
				return false
			case end-pos <= firstJSONCheck:
				if !json.Valid(data[pos:end]) {
					s.stop = true
					return false
				}
			default:
				if k := skipSpace(data, pos+1); k < end && data[k] != '"' && data[k] != '}' {
					s.stop = true
					return false
				}
			}
			s.first = false
		}
		line := s.cur.at(pos)
		if !ok {
			msg, _ := jsonSyntaxMessage(data[pos:], pos, s.lines)
			src := Source{File: s.name, Document: s.n, Line: line}
			l.docs = append(l.docs, &doc{src: src, problem: &Problem{Source: src, Message: msg}})
			s.pos = len(data)
			return true
		}
		s.pos = end
		if isNull(data[pos:end]) {
			continue
		}
		d := newDoc()
		d.src = Source{File: s.name, Document: s.n, Line: line}
		d.text, d.json, d.walked, d.lineBase = data[pos:end], true, s.walked, line
		d.lines, d.off = s.lines, pos
		l.docs = append(l.docs, d)
		s.n++
	}
}

// splitYAML splits the documents of a YAML stream at "---" lines as
// apimachinery's YAMLReader, the splitter kubectl uses, does.
func (l *loader) splitYAML(name string, data []byte, walked bool) {
	text := data
	if bytes.IndexByte(text, '\r') >= 0 {
		text = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	if len(text) > 0 && text[len(text)-1] != '\n' {
		text = append(text, '\n')
	}
	lines := &lineTable{text: text}
	cur := lineCursor{text: text}
	n := 0
	start := 0 // start of the current document
	add := func(end int) {
		chunk := text[start:end]
		skip, ok := firstContentLine(chunk)
		if !ok || nullDocument(chunk) {
			return // blank lines and comments only, or null
		}
		base := cur.at(start)
		l.docs = append(l.docs, &doc{
			src:  Source{File: name, Document: n, Line: base + skip},
			text: chunk, walked: walked, lineBase: base,
			lines: lines, off: start,
		})
		n++
	}
	for pos := 0; pos < len(text); {
		end := nextLine(text, pos)
		rest, isSep := bytes.CutPrefix(text[pos:end], []byte(separator))
		if !isSep {
			pos = end
			continue
		}
		add(pos)
		if rest = bytes.TrimSpace(rest); len(rest) > 0 && rest[0] != '#' {
			// The separator line starts the next document, if any: it
			// keeps the index reported here.
			src := Source{File: name, Document: n, Line: cur.at(pos)}
			l.docs = append(l.docs, &doc{src: src, problem: &Problem{
				Source:  src,
				Message: "malformed yaml: invalid document separator: only a comment may follow \"---\" on its line",
			}})
		}
		start, pos = end, end
	}
	add(len(text))
}

const separator = "---"

// nullDocument reports whether a YAML document holds only a null: "~",
// "null" or a lone "..." line, with comments.
func nullDocument(chunk []byte) bool {
	var content []byte
	for ln := range bytes.SplitSeq(chunk, []byte("\n")) {
		if i := bytes.Index(ln, []byte(" #")); i >= 0 {
			ln = ln[:i]
		}
		ln = bytes.TrimSpace(ln)
		if len(ln) == 0 || ln[0] == '#' {
			continue
		}
		if content != nil {
			return false
		}
		content = ln
	}
	switch string(content) {
	case "~", "null", "Null", "NULL", "...":
		return true
	}
	return false
}

// nextLine returns the offset just after the line that holds offset pos.
func nextLine(text []byte, pos int) int {
	if i := bytes.IndexByte(text[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(text)
}

// firstContentLine returns the 0-based index of the first line of chunk
// that is neither blank nor a comment.
func firstContentLine(chunk []byte) (int, bool) {
	for i := 0; len(chunk) > 0; i++ {
		ln := chunk
		if j := bytes.IndexByte(chunk, '\n'); j >= 0 {
			ln, chunk = chunk[:j], chunk[j+1:]
		} else {
			chunk = nil
		}
		ln = bytes.TrimSpace(ln)
		if len(ln) > 0 && ln[0] != '#' {
			return i, true
		}
	}
	return 0, false
}

var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// yamlMessages turns an error of the YAML parser into messages, one a
// problem, with line numbers counted from the start of the file when
// chunkLine, the line where the document starts, is known.
func yamlMessages(err error, chunkLine int) []string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	var msgs []string
	if rest, ok := strings.CutPrefix(msg, "unmarshal errors:\n"); ok {
		for m := range strings.SplitSeq(rest, "\n") {
			if m = strings.TrimSpace(m); m != "" {
				msgs = append(msgs, m)
			}
		}
	} else {
		msgs = []string{msg}
	}
	for i, m := range msgs {
		if chunkLine > 0 {
			m = yamlLine.ReplaceAllStringFunc(m, func(s string) string {
				n, err := strconv.Atoi(s[len("line "):])
				if err != nil {
					return s
				}
				return "line " + strconv.Itoa(chunkLine+n-1)
			})
		}
		msgs[i] = oneLine(m)
	}
	return msgs
}

// lineTable answers "on which line is this offset" for a text, from any
// goroutine. It keeps the line of every 4 KiB mark, counted on first use.
type lineTable struct {
	text []byte
	// ready, when not nil, is closed once text is set (finish): the
	// documents of a text still read are prepared meanwhile (pipe.go),
	// and at waits for the whole text.
	ready chan struct{}
	once  sync.Once
	marks []int // line of offset i<<lineMarkShift
}

const lineMarkShift = 12

// finish sets the text of a table made with a ready channel.
func (t *lineTable) finish(text []byte) {
	t.text = text
	close(t.ready)
}

// at returns the 1-based line of offset off of the text, or 0 for a nil
// table (a text without lines the user could look up).
func (t *lineTable) at(off int) int {
	if t == nil {
		return 0
	}
	if t.ready != nil {
		<-t.ready
	}
	t.once.Do(func() {
		t.marks = make([]int, len(t.text)>>lineMarkShift+1)
		line := 1
		for i := range t.marks {
			t.marks[i] = line
			lo, hi := i<<lineMarkShift, min((i+1)<<lineMarkShift, len(t.text))
			if lo < hi {
				line += bytes.Count(t.text[lo:hi], []byte("\n"))
			}
		}
	})
	off = min(max(off, 0), len(t.text))
	m := off >> lineMarkShift
	return t.marks[m] + bytes.Count(t.text[m<<lineMarkShift:off], []byte("\n"))
}

// lineCursor answers as a lineTable of text does, counting only the lines
// between one offset asked and the next: the splitters ask for the lines of
// documents in input order, which then costs one pass over the text
// rather than one count from a 4 KiB mark a document (and the table's
// marks are counted only if something else needs them). text may grow
// (hold more of the same text) between two questions.
type lineCursor struct {
	text      []byte
	off, line int // line is the line of off; 0 before the first use
}

// at returns the line of offset off of text; it counts from the start
// again when off is before the last offset asked.
func (c *lineCursor) at(off int) int {
	off = min(max(off, 0), len(c.text))
	if c.line == 0 || off < c.off {
		c.off, c.line = 0, 1
	}
	c.line += bytes.Count(c.text[c.off:off], []byte("\n"))
	c.off = off
	return c.line
}
