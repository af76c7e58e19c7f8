package manifest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file converts the block-style YAML that manifests are written in to
// JSON in one pass, giving exactly the JSON value that sigs.k8s.io/yaml's
// YAMLToJSON gives (go-yaml v2, YAML 1.1 scalar typing): object keys sorted
// as encoding/json sorts them, numbers written as encoding/json writes
// them. It understands block mappings and sequences (compact ones too),
// plain, single- and double-quoted scalars on one line, literal and folded
// block scalars with chomping, comments, and flow mappings and sequences
// that end on their line. It declines everything else (anchors, aliases,
// tags, complex and merge keys, multi-line plain and quoted scalars, tabs,
// keys given twice, values that YAMLToJSON refuses, odd indentation); the
// caller then converts with go-yaml, so that either way the result is the
// same. The property and fuzz tests in fastyaml_test.go hold it to that.

// maxFastDepth bounds the nesting the fast path follows.
const maxFastDepth = 500

// fastYAML is the state of one conversion.
type fastYAML struct {
	src   []byte
	out   []byte
	pos   int // start of the line to read next
	depth int
	// ents is a stack of the members of the objects being written.
	ents []fastEntry
}

// fastEntry is a member written to out: its key is out[key:keyEnd], the
// member (key and value) out[start:end].
type fastEntry struct {
	key, keyEnd, start, end int
}

var fastPool = sync.Pool{New: func() any { return new(fastYAML) }}

// fastYAMLToJSON returns the JSON that sigs.k8s.io/yaml.YAMLToJSON and
// YAMLToJSONStrict give for the YAML document text, which ends with a line
// break, has "\n" line breaks and no "---" line; or false when the
// document uses YAML that this converter does not handle.
func fastYAMLToJSON(text []byte) ([]byte, bool) {
	if !fastText(text) {
		return nil, false
	}
	f := fastPool.Get().(*fastYAML)
	defer func() {
		f.src, f.out, f.ents = nil, nil, f.ents[:0]
		fastPool.Put(f)
	}()
	f.src, f.pos, f.depth = text, 0, 0
	f.out = make([]byte, 0, len(text)+len(text)/4+16)
	ls, ind, ok := f.nextContent(0)
	if !ok || ls < 0 {
		return nil, false
	}
	c := text[ls+ind]
	if c != '{' && c != '[' && !f.isDash(ls+ind) && !f.isKey(ls+ind) {
		return nil, false // a document that is one scalar
	}
	if !f.node(ls, ind, -1, true) {
		return nil, false
	}
	// Nothing may follow the root node but blank lines and comments.
	if ls, _, ok := f.nextContent(f.pos); !ok || ls >= 0 {
		return nil, false
	}
	return f.out, true
}

// fastText reports whether text holds only characters that the fast path
// knows: printable characters, spaces and line breaks (no tabs, no other
// control characters, no line breaks other than "\n", valid UTF-8), and no
// line that starts with "..." or '%' (the end of a document, a directive).
func fastText(text []byte) bool {
	lineStart := true
	for i := 0; i < len(text); {
		c := text[i]
		if lineStart && (c == '%' || c == '.' && bytes.HasPrefix(text[i:], []byte("..."))) {
			return false
		}
		lineStart = c == '\n'
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\n' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		// YAML's printable characters, less the line breaks NEL, LS and
		// PS, and the byte order mark.
		if r == utf8.RuneError && size == 1 || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff ||
			r >= 0xd800 && r < 0xe000 || r == 0xfffe || r == 0xffff {
			return false
		}
		i += size
	}
	return true
}

// lineEnd returns the offset of the line break of the line holding p.
func (f *fastYAML) lineEnd(p int) int {
	if i := bytes.IndexByte(f.src[p:], '\n'); i >= 0 {
		return p + i
	}
	return len(f.src)
}

// nextContent returns the start and indentation of the first line at or
// after the line that starts at p which is neither blank nor a comment;
// ls is -1 at the end of the text.
func (f *fastYAML) nextContent(p int) (ls, ind int, ok bool) {
	for p < len(f.src) {
		i := p
		for i < len(f.src) && f.src[i] == ' ' {
			i++
		}
		if i < len(f.src) && f.src[i] != '\n' && f.src[i] != '#' {
			return p, i - p, true
		}
		p = f.lineEnd(i) + 1
	}
	return -1, 0, true
}

// isDash reports whether a block sequence entry starts at p.
func (f *fastYAML) isDash(p int) bool {
	return f.src[p] == '-' && p+1 < len(f.src) && (f.src[p+1] == ' ' || f.src[p+1] == '\n')
}

// isKey reports whether a mapping key (a plain or quoted scalar followed by
// ": " or ":" at the end of the line) starts at p.
func (f *fastYAML) isKey(p int) bool {
	_, ok := f.keyEnd(p)
	return ok
}

// keyEnd returns the offset just after the ':' of the key that starts at
// p, or false when no key starts there.
func (f *fastYAML) keyEnd(p int) (int, bool) {
	end := f.lineEnd(p)
	var i int
	switch f.src[p] {
	case '"', '\'':
		q, ok := f.quotedEnd(p, end)
		if !ok {
			return 0, false
		}
		i = q
		for i < end && f.src[i] == ' ' {
			i++
		}
		if i >= end || f.src[i] != ':' {
			return 0, false
		}
		i++
	default:
		if !plainStart(f.src, p, end) {
			return 0, false
		}
		for i = p; ; i++ {
			if i >= end || f.src[i] == '#' && f.src[i-1] == ' ' {
				return 0, false
			}
			if f.src[i] == ':' && (i+1 == end || f.src[i+1] == ' ') {
				i++
				break
			}
		}
	}
	if i < end && f.src[i] != ' ' {
		return 0, false
	}
	return i, true
}

// plainStart reports whether a plain scalar may start at p in block
// context, as far as the fast path goes: not with an indicator, but for
// '-' followed by something other than a space.
func plainStart(src []byte, p, end int) bool {
	switch src[p] {
	case '-':
		return p+1 < end && src[p+1] != ' '
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// quotedEnd returns the offset just after the quoted scalar that starts at
// p, or false when it does not end before end.
func (f *fastYAML) quotedEnd(p, end int) (int, bool) {
	q := f.src[p]
	for i := p + 1; i < end; i++ {
		switch c := f.src[i]; {
		case c == '\\' && q == '"':
			i++
		case c == q:
			if q == '\'' && i+1 < end && f.src[i+1] == '\'' {
				i++
				continue
			}
			return i + 1, true
		}
	}
	return 0, false
}

// node writes the block node that starts at column col of the line that
// starts at ls, in a collection whose entries are at column parent (-1 for
// the root). allowBlock says whether a block mapping or sequence may start
// there (after "- " or on a line of its own, not after "key: "). It leaves
// f.pos at the start of the first line it did not read.
func (f *fastYAML) node(ls, col, parent int, allowBlock bool) bool {
	p := ls + col
	end := f.lineEnd(p)
	switch c := f.src[p]; {
	case f.isDash(p):
		return allowBlock && f.sequence(ls, col)
	case c == '|' || c == '>':
		return false // value takes block scalars after "key:" and "- "
	case c == '{' || c == '[':
		q, ok := f.flow(p, end)
		if !ok || !f.restBlank(q, end) {
			return false
		}
		f.pos = end + 1
		return f.noContinuation(parent)
	case c == '"' || c == '\'':
		if f.isKey(p) {
			return allowBlock && f.mapping(ls, col)
		}
		q, ok := f.quotedEnd(p, end)
		if !ok || !f.restBlank(q, end) {
			return false
		}
		if !f.quoted(p, q) {
			return false
		}
		f.pos = end + 1
		return f.noContinuation(parent)
	}
	if !plainStart(f.src, p, end) {
		return false
	}
	if f.isKey(p) {
		return allowBlock && f.mapping(ls, col)
	}
	v := end
	if i := bytes.Index(f.src[p:end], []byte(" #")); i >= 0 {
		v = p + i
	}
	for f.src[v-1] == ' ' {
		v--
	}
	// ": " inside a value is an error in block context; the fast path
	// declines it, and what isKey did not take.
	if bytes.Contains(f.src[p:v], []byte(": ")) || f.src[v-1] == ':' {
		return false
	}
	if !f.plain(f.src[p:v]) {
		return false
	}
	f.pos = end + 1
	return f.noContinuation(parent)
}

// lineStart returns the start of the line that holds p.
func (f *fastYAML) lineStart(p int) int {
	return bytes.LastIndexByte(f.src[:p], '\n') + 1
}

// restBlank reports whether src[p:end] holds nothing but spaces and a
// comment.
func (f *fastYAML) restBlank(p, end int) bool {
	for ; p < end; p++ {
		switch f.src[p] {
		case ' ':
		case '#':
			return f.src[p-1] == ' '
		default:
			return false
		}
	}
	return true
}

// noContinuation reports whether the line at f.pos, after blank lines, is
// indented no deeper than parent: a deeper line would continue a plain
// scalar (or be an error), which the fast path leaves to go-yaml.
func (f *fastYAML) noContinuation(parent int) bool {
	for p := f.pos; p < len(f.src); {
		i := p
		for i < len(f.src) && f.src[i] == ' ' {
			i++
		}
		if i < len(f.src) && f.src[i] != '\n' {
			return i-p <= parent
		}
		p = i + 1
	}
	return true
}

// mapping writes the block mapping whose first key is at column col of the
// line that starts at ls.
func (f *fastYAML) mapping(ls, col int) bool {
	if f.depth++; f.depth > maxFastDepth {
		return false
	}
	defer func() { f.depth-- }()
	base := len(f.ents)
	f.out = append(f.out, '{')
	for first := true; ; first = false {
		p := ls + col
		if !first {
			f.out = append(f.out, ',')
		}
		e := fastEntry{start: len(f.out)}
		after, ok := f.keyEnd(p)
		if !ok || !f.key(p, after-1, &e) {
			return false
		}
		f.out = append(f.out, ':')
		if !f.value(after, col, false) {
			return false
		}
		e.end = len(f.out)
		f.ents = append(f.ents, e)
		next, ind, _ := f.nextContent(f.pos)
		if next < 0 || ind < col {
			break
		}
		if ind > col || f.isDash(next+ind) {
			return false
		}
		ls = next
	}
	ok := f.closeObject(base)
	f.out = append(f.out, '}')
	return ok
}

// sequence writes the block sequence whose first "- " is at column col of
// the line that starts at ls.
func (f *fastYAML) sequence(ls, col int) bool {
	if f.depth++; f.depth > maxFastDepth {
		return false
	}
	defer func() { f.depth-- }()
	f.out = append(f.out, '[')
	for first := true; ; first = false {
		if !first {
			f.out = append(f.out, ',')
		}
		if !f.value(ls+col+1, col, true) {
			return false
		}
		next, ind, _ := f.nextContent(f.pos)
		if next < 0 || ind < col || ind == col && !f.isDash(next+ind) {
			break
		}
		if ind > col {
			return false
		}
		ls = next
	}
	f.out = append(f.out, ']')
	return true
}

// value writes the value that follows a key's ':' or a "-" at p, of an
// entry at column parent; dash says which.
func (f *fastYAML) value(p, parent int, dash bool) bool {
	end := f.lineEnd(p)
	for p < end && f.src[p] == ' ' {
		p++
	}
	if p == end || f.src[p] == '#' {
		// The value is on the lines below, or null.
		f.pos = end + 1
		ls, ind, _ := f.nextContent(f.pos)
		switch {
		case ls < 0 || ind < parent:
			f.out = append(f.out, "null"...)
			return true
		case ind == parent:
			if !dash && f.isDash(ls+ind) {
				return f.sequence(ls, ind)
			}
			f.out = append(f.out, "null"...)
			return true
		}
		c := f.src[ls+ind]
		if c == '|' || c == '>' {
			return false
		}
		return f.node(ls, ind, parent, true)
	}
	ls := f.lineStart(p)
	if c := f.src[p]; c == '|' || c == '>' {
		return f.blockScalar(p, parent)
	}
	return f.node(ls, p-ls, parent, dash)
}

// key writes the key src[p:colon] (the ':' at colon), with trailing
// spaces, as a JSON string, and records it in e. Keys resolve as YAML 1.1
// resolves plain scalars, and sigs.k8s.io/yaml then writes a bool or an
// integer key as its text; other keys (null, a float) are declined.
func (f *fastYAML) key(p, colon int, e *fastEntry) bool {
	v := colon
	for v > p && f.src[v-1] == ' ' {
		v--
	}
	if colon-p > 1000 {
		return false // go-yaml looks no further than 1024 bytes for a key's ':'
	}
	if c := f.src[p]; c == '"' || c == '\'' {
		start := len(f.out)
		if !f.quoted(p, v) {
			return false
		}
		// Keys that need escapes are declined, so that the written key
		// sorts as the key itself.
		if bytes.IndexByte(f.out[start+1:len(f.out)-1], '\\') >= 0 {
			return false
		}
		e.key, e.keyEnd = start+1, len(f.out)-1
		return true
	}
	s := f.src[p:v]
	f.out = append(f.out, '"')
	e.key = len(f.out)
	switch k := resolvePlain(s); k.kind {
	case plainString:
		if bytes.IndexByte(s, '"') >= 0 || bytes.IndexByte(s, '\\') >= 0 {
			return false
		}
		f.out = append(f.out, s...)
	case plainBool:
		f.out = append(f.out, k.text...)
	case plainInt:
		f.out = strconv.AppendInt(f.out, k.i, 10)
	default:
		return false
	}
	e.keyEnd = len(f.out)
	f.out = append(f.out, '"')
	return true
}

// closeObject sorts the members written since ents[base] by key, as
// encoding/json writes a map, and reports false when two keys are equal.
func (f *fastYAML) closeObject(base int) bool {
	ents := f.ents[base:]
	defer func() { f.ents = f.ents[:base] }()
	sorted := true
	for i := 1; i < len(ents); i++ {
		switch bytes.Compare(f.out[ents[i-1].key:ents[i-1].keyEnd], f.out[ents[i].key:ents[i].keyEnd]) {
		case 0:
			return false
		case 1:
			sorted = false
		}
	}
	if sorted {
		return true
	}
	start := ents[0].start
	region := slices.Clone(f.out[start:])
	slices.SortFunc(ents, func(a, b fastEntry) int {
		return bytes.Compare(f.out[a.key:a.keyEnd], f.out[b.key:b.keyEnd])
	})
	for i := 1; i < len(ents); i++ {
		if bytes.Equal(f.out[ents[i-1].key:ents[i-1].keyEnd], f.out[ents[i].key:ents[i].keyEnd]) {
			return false
		}
	}
	f.out = f.out[:start]
	for i, e := range ents {
		if i > 0 {
			f.out = append(f.out, ',')
		}
		f.out = append(f.out, region[e.start-start:e.end-start]...)
	}
	return true
}

// blockScalar writes the literal or folded block scalar whose header is at
// p, of an entry at column parent.
func (f *fastYAML) blockScalar(p, parent int) bool {
	end := f.lineEnd(p)
	literal := f.src[p] == '|'
	chomp := byte(0)
	i := p + 1
	if i < end && (f.src[i] == '-' || f.src[i] == '+') {
		chomp = f.src[i]
		i++
	}
	if i < end && f.src[i] != ' ' {
		return false // an indentation indicator, or more
	}
	if !f.restBlank(i, end) {
		return false
	}
	// The indentation: the deepest of the leading empty lines and the
	// first content line, and more than the parent's.
	q := end + 1
	leadingEmpty, maxInd := 0, 0
	firstInd := -1
	for q < len(f.src) {
		j := q
		for j < len(f.src) && f.src[j] == ' ' {
			j++
		}
		maxInd = max(maxInd, j-q)
		if j < len(f.src) && f.src[j] != '\n' {
			firstInd = j - q
			break
		}
		leadingEmpty++
		q = j + 1
	}
	indent := max(maxInd, parent+1, 1)
	var s []byte
	pendingBreak, breaks, leadingBlank := false, leadingEmpty, false
	if firstInd >= 0 && firstInd < indent {
		if maxInd > firstInd {
			return false // empty lines deeper than the line that ends the scalar
		}
		// No content: the scalar is empty.
	} else if firstInd >= 0 {
		for q < len(f.src) {
			le := f.lineEnd(q)
			trailingBlank := f.src[q+indent] == ' '
			if !literal && pendingBreak && !leadingBlank && !trailingBlank {
				if breaks == 0 {
					s = append(s, ' ')
				}
			} else if pendingBreak {
				s = append(s, '\n')
			}
			for range breaks {
				s = append(s, '\n')
			}
			breaks = 0
			leadingBlank = trailingBlank
			s = append(s, f.src[q+indent:le]...)
			pendingBreak = true
			q = le + 1
			// Empty lines, up to the next content line or the end.
			for q < len(f.src) {
				j := q
				for j < len(f.src) && j-q < indent && f.src[j] == ' ' {
					j++
				}
				if j < len(f.src) && f.src[j] == '\n' {
					breaks++
					q = j + 1
					continue
				}
				if j-q < indent {
					goto done // a line less indented ends the scalar
				}
				break
			}
		}
	}
done:
	switch chomp {
	case 0:
		if pendingBreak {
			s = append(s, '\n')
		}
	case '+':
		if pendingBreak {
			s = append(s, '\n')
		}
		for range breaks {
			s = append(s, '\n')
		}
	}
	f.out = appendJSONString(f.out, s)
	f.pos = q
	return true
}

// quoted writes the quoted scalar src[p:q] (quotes included) as a JSON
// string, or reports false for an escape the fast path does not know.
func (f *fastYAML) quoted(p, q int) bool {
	body := f.src[p+1 : q-1]
	if f.src[p] == '\'' {
		if bytes.IndexByte(body, '\'') < 0 {
			f.out = appendJSONString(f.out, body)
			return true
		}
		f.out = appendJSONString(f.out, bytes.ReplaceAll(body, []byte("''"), []byte("'")))
		return true
	}
	if bytes.IndexByte(body, '\\') < 0 {
		f.out = appendJSONString(f.out, body)
		return true
	}
	s := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			s = append(s, c)
			continue
		}
		i++
		if i >= len(body) {
			return false
		}
		n := 0
		switch body[i] {
		case '0':
			s = append(s, 0)
		case 'a':
			s = append(s, 7)
		case 'b':
			s = append(s, 8)
		case 't':
			s = append(s, 9)
		case 'n':
			s = append(s, 10)
		case 'v':
			s = append(s, 11)
		case 'f':
			s = append(s, 12)
		case 'r':
			s = append(s, 13)
		case 'e':
			s = append(s, 27)
		case ' ', '"', '\'', '\\':
			s = append(s, body[i])
		case 'N':
			s = utf8.AppendRune(s, 0x85)
		case '_':
			s = utf8.AppendRune(s, 0xa0)
		case 'L':
			s = utf8.AppendRune(s, 0x2028)
		case 'P':
			s = utf8.AppendRune(s, 0x2029)
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			return false
		}
		if n > 0 {
			if i+n >= len(body) {
				return false
			}
			v, err := strconv.ParseUint(string(body[i+1:i+1+n]), 16, 32)
			if err != nil || v >= 0xd800 && v <= 0xdfff || v > 0x10ffff || bytes.ContainsAny(body[i+1:i+1+n], "+-_") {
				return false
			}
			s = utf8.AppendRune(s, rune(v))
			i += n
		}
	}
	f.out = appendJSONString(f.out, s)
	return true
}

// plain writes the plain scalar s, resolved as YAML 1.1 resolves it.
func (f *fastYAML) plain(s []byte) bool {
	switch k := resolvePlain(s); k.kind {
	case plainString:
		f.out = appendJSONString(f.out, s)
	case plainNull, plainBool:
		f.out = append(f.out, k.text...)
	case plainInt:
		f.out = strconv.AppendInt(f.out, k.i, 10)
	case plainUint:
		f.out = strconv.AppendUint(f.out, k.u, 10)
	case plainFloat:
		js, err := json.Marshal(k.f)
		if err != nil {
			return false
		}
		f.out = append(f.out, js...)
	default:
		return false
	}
	return true
}

// flow writes the flow mapping or sequence at p, which must end before
// end, and returns the offset just after it.
func (f *fastYAML) flow(p, end int) (int, bool) {
	if f.depth++; f.depth > maxFastDepth {
		return 0, false
	}
	defer func() { f.depth-- }()
	mapping := f.src[p] == '{'
	closer := byte(']')
	if mapping {
		closer = '}'
	}
	base := len(f.ents)
	f.out = append(f.out, f.src[p])
	p = f.skipSpaces(p+1, end)
	for n := 0; ; n++ {
		if p >= end {
			return 0, false
		}
		if f.src[p] == closer {
			break
		}
		if n > 0 {
			f.out = append(f.out, ',')
		}
		var ok bool
		if mapping {
			e := fastEntry{start: len(f.out)}
			var k int
			if k, ok = f.flowScalarEnd(p, end); !ok {
				return 0, false
			}
			v := f.skipSpaces(k, end)
			if v >= end || f.src[v] != ':' || v+1 >= end || f.src[v+1] != ' ' || !f.key(p, v, &e) {
				return 0, false
			}
			f.out = append(f.out, ':')
			if p, ok = f.flowValue(f.skipSpaces(v+1, end), end); !ok {
				return 0, false
			}
			e.end = len(f.out)
			f.ents = append(f.ents, e)
		} else if p, ok = f.flowValue(p, end); !ok {
			return 0, false
		}
		p = f.skipSpaces(p, end)
		if p < end && f.src[p] == ',' {
			p = f.skipSpaces(p+1, end)
			continue
		}
		if p >= end || f.src[p] != closer {
			return 0, false
		}
	}
	if mapping {
		if !f.closeObject(base) {
			return 0, false
		}
	}
	f.out = append(f.out, closer)
	return p + 1, true
}

func (f *fastYAML) skipSpaces(p, end int) int {
	for p < end && f.src[p] == ' ' {
		p++
	}
	return p
}

// flowScalarEnd returns the end of the quoted or plain scalar at p in a
// flow collection (trailing spaces excluded).
func (f *fastYAML) flowScalarEnd(p, end int) (int, bool) {
	if c := f.src[p]; c == '"' || c == '\'' {
		return f.quotedEnd(p, end)
	}
	if !plainStart(f.src, p, end) {
		return 0, false
	}
	i := p
	for ; i < end; i++ {
		switch f.src[i] {
		case ',', ']', '}':
			v := i
			for f.src[v-1] == ' ' {
				v--
			}
			return v, true
		case '[', '{', '?', ':':
			// ':' ends a key; anything else about ':' in flow
			// context is left to go-yaml.
			if f.src[i] == ':' && i+1 < end && f.src[i+1] == ' ' {
				v := i
				for f.src[v-1] == ' ' {
					v--
				}
				return v, true
			}
			return 0, false
		case '#':
			if f.src[i-1] == ' ' {
				return 0, false
			}
		}
	}
	return 0, false
}

// flowValue writes the value at p in a flow collection and returns the
// offset just after it.
func (f *fastYAML) flowValue(p, end int) (int, bool) {
	if p >= end {
		return 0, false
	}
	switch f.src[p] {
	case '{', '[':
		return f.flow(p, end)
	case '"', '\'':
		q, ok := f.quotedEnd(p, end)
		if !ok || !f.quoted(p, q) {
			return 0, false
		}
		return q, true
	}
	v, ok := f.flowScalarEnd(p, end)
	if !ok || v == p || f.src[v] == ':' {
		return 0, false
	}
	// A value ends at ',', ']' or '}' only.
	if k := f.skipSpaces(v, end); k >= end || f.src[k] == ':' {
		return 0, false
	}
	return v, f.plain(f.src[p:v])
}

// Kinds of plain scalars, as YAML 1.1 resolves them.
const (
	plainString = iota
	plainNull
	plainBool
	plainInt
	plainUint
	plainFloat
	plainOther // .inf, .nan, "<<": declined
)

type resolved struct {
	kind int
	text string // JSON text of a null or a bool
	i    int64
	u    uint64
	f    float64
}

// plainWords are the plain scalars that YAML 1.1 resolves by their text.
var plainWords = map[string]resolved{}

func init() {
	for _, w := range []string{"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"} {
		plainWords[w] = resolved{kind: plainBool, text: "true"}
	}
	for _, w := range []string{"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"} {
		plainWords[w] = resolved{kind: plainBool, text: "false"}
	}
	for _, w := range []string{"~", "null", "Null", "NULL"} {
		plainWords[w] = resolved{kind: plainNull, text: "null"}
	}
	for _, w := range []string{".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"} {
		plainWords[w] = resolved{kind: plainOther}
	}
}

var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolvePlain resolves the plain scalar s as go-yaml v2 resolves an
// untagged plain scalar decoded into an interface value: the words of
// plainWords; integers in any base strconv.ParseInt knows (0x, 0o, 0b, a
// leading 0 for octal), with '_' left out and a sign; floats; anything
// else, timestamps included, is a string.
func resolvePlain(s []byte) resolved {
	if len(s) <= 5 {
		if r, ok := plainWords[string(s)]; ok {
			return r
		}
	}
	switch c := s[0]; {
	case c == '.':
		if v, err := strconv.ParseFloat(string(s), 64); err == nil {
			return resolved{kind: plainFloat, f: v}
		}
	case c == '+' || c == '-' || '0' <= c && c <= '9':
		plain := string(s)
		if bytes.IndexByte(s, '_') >= 0 {
			plain = string(bytes.ReplaceAll(s, []byte("_"), nil))
		}
		if v, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return resolved{kind: plainInt, i: v}
		}
		if v, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return resolved{kind: plainUint, u: v}
		}
		if yamlFloat.MatchString(plain) {
			if v, err := strconv.ParseFloat(plain, 64); err == nil {
				return resolved{kind: plainFloat, f: v}
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if v, err := strconv.ParseInt(rest, 2, 64); err == nil {
				return resolved{kind: plainInt, i: v}
			}
			if v, err := strconv.ParseUint(rest, 2, 64); err == nil {
				return resolved{kind: plainUint, u: v}
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if v, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return resolved{kind: plainInt, i: v}
			}
		}
	}
	return resolved{kind: plainString}
}

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(out, s []byte) []byte {
	out = append(out, '"')
	start := 0
	for i, c := range s {
		if c >= ' ' && c != '"' && c != '\\' {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\t':
			out = append(out, '\\', 't')
		case '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
