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
// of JSON data start and end, as skipValue would find them.
func (l *loader) split(name string, data []byte, walked bool, spans []itemSpan) {
	lines := &lineTable{text: data}
	if first := skipSpace(data, 0); first < len(data) && data[first] == '{' && l.splitJSON(name, data, walked, lines, spans) {
		return
	}
	l.splitYAML(name, data, walked)
}

// firstJSONCheck is the size up to which the first value of an input that
// starts with '{' is checked to be JSON before the input is read as JSON;
// a larger one is taken to be JSON if its first key is quoted.
const firstJSONCheck = 1 << 20

// splitJSON splits a stream of JSON values. A value that does not end
// ends the stream: there is no telling where the next value would start.
// It returns false, having split nothing, when the first value is not
// JSON.
func (l *loader) splitJSON(name string, data []byte, walked bool, lines *lineTable, spans []itemSpan) bool {
	pos, n := 0, 0
	cur := lineCursor{t: lines}
	// The documents, in one array when the reader found where they are
	// (at most one a span), rather than one allocation each.
	var store []doc
	if len(spans) > 0 {
		store = make([]doc, 0, len(spans))
		l.docs = slices.Grow(l.docs, len(spans))
	}
	newDoc := func() *doc {
		if len(store) < cap(store) {
			store = store[:len(store)+1]
			return &store[len(store)-1]
		}
		return new(doc)
	}
	for first := true; ; first = false {
		pos = skipSpace(data, pos)
		if pos >= len(data) {
			return true
		}
		for len(spans) > 0 && spans[0].start < pos {
			spans = spans[1:]
		}
		var end int
		ok := len(spans) > 0 && spans[0].start == pos
		if ok {
			end = spans[0].end
		} else {
			end, ok = skipValue(data, pos)
		}
		if first {
			switch {
			case !ok:
				return false
			case end-pos <= firstJSONCheck:
				if !json.Valid(data[pos:end]) {
					return false
				}
			default:
				if k := skipSpace(data, pos+1); k < end && data[k] != '"' && data[k] != '}' {
					return false
				}
			}
		}
		line := cur.at(pos)
		if !ok {
			msg, _ := jsonSyntaxMessage(data[pos:], pos, lines)
			src := Source{File: name, Document: n, Line: line}
			l.docs = append(l.docs, &doc{src: src, problem: &Problem{Source: src, Message: msg}})
			return true
		}
		if isNull(data[pos:end]) {
			pos = end
			continue
		}
		d := newDoc()
		d.src = Source{File: name, Document: n, Line: line}
		d.text, d.json, d.walked, d.lineBase = data[pos:end], true, walked, line
		d.lines, d.off = lines, pos
		l.docs = append(l.docs, d)
		n++
		pos = end
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
	cur := lineCursor{t: lines}
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
	text  []byte
	once  sync.Once
	marks []int // line of offset i<<lineMarkShift
}

const lineMarkShift = 12

// at returns the 1-based line of offset off of the text, or 0 for a nil
// table (a text without lines the user could look up).
func (t *lineTable) at(off int) int {
	if t == nil {
		return 0
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

// lineCursor answers as its lineTable does, counting only the lines
// between one offset asked and the next: the splitters ask for the lines of
// documents in input order, which then costs one pass over the text
// rather than one count from a 4 KiB mark a document (and the table's
// marks are counted only if something else needs them).
type lineCursor struct {
	t         *lineTable
	off, line int // line is the line of off; 0 before the first use
}

// at returns t.at(off); it counts from the start again when off is before
// the last offset asked.
func (c *lineCursor) at(off int) int {
	off = min(max(off, 0), len(c.t.text))
	if c.line == 0 || off < c.off {
		c.off, c.line = 0, 1
	}
	c.line += bytes.Count(c.t.text[c.off:off], []byte("\n"))
	c.off = off
	return c.line
}
