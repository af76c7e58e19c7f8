package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// This file splits an input into documents and turns each into JSON; the
// documents' objects are handled in object.go.

// stream loads every document of one input. Input whose first non-space
// character is '{' is read as a stream of JSON objects, unless its first
// value is not JSON (a YAML flow mapping such as {kind: Pod}); anything
// else is YAML documents separated by "---" lines. This is how kubectl
// reads its input.
func (l *loader) stream(name string, data []byte) {
	if utilyaml.IsJSONBuffer(data) && l.jsonStream(name, data) {
		return
	}
	l.yamlStream(name, data)
}

// jsonStream loads a stream of JSON values. A syntax error ends the stream:
// there is no telling where the next value would start. It returns false,
// having loaded nothing, when the first value is not JSON.
func (l *loader) jsonStream(name string, data []byte) bool {
	lines := lineIndex{text: data, line: 1}
	dec := json.NewDecoder(bytes.NewReader(data))
	doc := 0
	for {
		start := int(dec.InputOffset())
		for start < len(data) && isJSONSpace(data[start]) {
			start++
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return true
		}
		if err != nil && dec.InputOffset() == 0 {
			return false
		}
		src := Source{File: name, Document: doc, Line: lines.at(start)}
		if err != nil {
			msg := err.Error()
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				msg = fmt.Sprintf("line %d: %s", lines.at(int(se.Offset)), se.Error())
			case errors.Is(err, io.ErrUnexpectedEOF):
				msg = "unexpected end of input"
			}
			l.problem(Problem{Source: src, Message: "malformed json: " + oneLine(msg)})
			return true
		}
		if isNull(raw) {
			continue
		}
		doc++
		l.document(src, raw)
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// yamlStream loads the documents of a YAML stream. Documents are split by
// apimachinery's YAMLReader, the splitter kubectl uses; their lines are
// found by locating each document in the text.
func (l *loader) yamlStream(name string, data []byte) {
	// YAMLReader hands out whole lines ending in "\n" whatever the line
	// ends were; give it text in that form so that every document it
	// returns is a piece of the text.
	text := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if len(text) > 0 && text[len(text)-1] != '\n' {
		text = append(text, '\n')
	}
	lines := lineIndex{text: text, line: 1}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(text)))
	pos, doc := 0, 0
	// Every Read consumes at least one line; the bound only guards against
	// a reader that would stop doing so.
	for range bytes.Count(text, []byte("\n")) + 1 {
		chunk, err := r.Read()
		if err == io.EOF {
			return
		}
		start := skipSeparators(text, pos)
		if err != nil {
			// YAMLReader rejects a separator followed by anything but a
			// comment, and drops the lines it had gathered before it:
			// load those here, then report the separator.
			bad := start
			for bad < len(text) && !bytes.HasPrefix(text[bad:], []byte(separator)) {
				bad = nextLine(text, bad)
			}
			if bad > start {
				l.yamlDocument(name, &doc, text[start:bad], lines.at(start))
			}
			src := Source{File: name, Document: doc}
			if bad < len(text) {
				src.Line = lines.at(bad)
			}
			// The separator line starts the next document, if any: it
			// keeps the index reported here.
			l.problem(Problem{Source: src, Message: "malformed yaml: invalid document separator: only a comment may follow \"---\" on its line"})
			pos = nextLine(text, bad)
			continue
		}
		line := 0
		if bytes.HasPrefix(text[start:], chunk) {
			line = lines.at(start)
			pos = start + len(chunk)
		} else if i := bytes.Index(text[pos:], chunk); i >= 0 {
			line = lines.at(pos + i)
			pos += i + len(chunk)
		}
		l.yamlDocument(name, &doc, chunk, line)
	}
}

const separator = "---"

// skipSeparators returns the offset of the first line at or after pos that
// is not a document separator as YAMLReader reads them: "---" at the start
// of the line followed by nothing but blanks and a comment.
func skipSeparators(text []byte, pos int) int {
	for pos < len(text) {
		end := nextLine(text, pos)
		rest, ok := bytes.CutPrefix(text[pos:end], []byte(separator))
		if !ok {
			return pos
		}
		rest = bytes.TrimSpace(rest)
		if len(rest) > 0 && rest[0] != '#' {
			return pos
		}
		pos = end
	}
	return pos
}

// nextLine returns the offset just after the line that holds offset pos.
func nextLine(text []byte, pos int) int {
	if i := bytes.IndexByte(text[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(text)
}

// yamlDocument loads one YAML document; chunkLine is the line of its first
// line in the file, 0 when unknown. *doc is the index the document gets if
// it counts, and is advanced when it does.
func (l *loader) yamlDocument(name string, doc *int, chunk []byte, chunkLine int) {
	skip, ok := firstContentLine(chunk)
	if !ok {
		return // blank lines and comments only
	}
	src := Source{File: name, Document: *doc}
	if chunkLine > 0 {
		src.Line = chunkLine + skip
	}
	js, err := sigsyaml.YAMLToJSONStrict(chunk)
	if err != nil {
		loose, err2 := sigsyaml.YAMLToJSON(chunk)
		if err2 != nil {
			*doc++
			for _, msg := range yamlMessages(err2, chunkLine) {
				l.problem(Problem{Source: src, Message: "malformed yaml: " + msg})
			}
			return
		}
		// Only the strict reading failed: keys given twice in a mapping.
		// Report them and go on with the loose reading to find more.
		for _, msg := range yamlMessages(err, chunkLine) {
			l.problem(Problem{Source: src, Message: "malformed yaml: " + msg})
		}
		js = loose
	}
	if isNull(js) {
		return // "~", "null" or a lone "..."
	}
	*doc++
	l.document(src, js)
}

// firstContentLine returns the 0-based index of the first line of chunk
// that is neither blank nor a comment.
func firstContentLine(chunk []byte) (int, bool) {
	for i, ln := range bytes.Split(chunk, []byte("\n")) {
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

func isNull(js []byte) bool { return string(bytes.TrimSpace(js)) == "null" }

// lineIndex answers "on which line is this offset" for offsets that mostly
// grow, without counting from the start every time.
type lineIndex struct {
	text []byte
	off  int // offset counted up to
	line int // 1-based line of off
}

func (x *lineIndex) at(off int) int {
	off = min(max(off, 0), len(x.text))
	if off < x.off {
		x.off, x.line = 0, 1
	}
	x.line += bytes.Count(x.text[x.off:off], []byte("\n"))
	x.off = off
	return x.line
}
