package manifest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
)

// This file reads the input, within the limits of the options, and splits
// it into documents; decode.go decodes them.

// doc is one document of the input, or a problem found while splitting it.
type doc struct {
	src  Source // File, Document and Line (of its first content line)
	text []byte // the document; nil for a problem of the splitting
	json bool   // text is one JSON value, else YAML
	// walked is set for a file found by walking a directory, whose
	// documents need not be Kubernetes objects.
	walked bool
	// lineBase is the line in the file of text's first line.
	lineBase int
	// lines indexes the lines of the file's text, of which text starts at
	// offset off.
	lines *lineTable
	off   int
	// tree is the YAML node tree of text, for finding fields' lines.
	tree yamlTree
	// events are what the document gave (decode.go); ev holds them when
	// there is one, as there mostly is.
	events []event
	ev     [1]event
	// handed is set once the document was handed to the pipe, which
	// prepares it.
	handed bool
	// problem is a problem found while splitting, reported at the place of
	// this document, before the document itself if text is not nil.
	problem *Problem
}

// errNotText marks the problem of input that holds a NUL byte.
var errNotText = errors.New("not a text")

// path loads one argument of LoadPaths.
func (l *loader) path(p string) {
	if p == "-" {
		if !l.stdinRead {
			l.stdinRead = true
			l.reader("-", os.Stdin, true)
		}
		return
	}
	info, err := os.Stat(p)
	if err != nil {
		l.fileProblem(p, err)
		return
	}
	if !info.IsDir() {
		l.file(p, false)
		return
	}
	// WalkDir visits entries in lexical order and never follows symbolic
	// links to directories; a link to a file is read like a file.
	_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			l.fileProblem(path, err)
			return nil
		}
		if !d.IsDir() && manifestExt(path) {
			l.file(path, true)
		}
		return nil
	})
}

// file loads the file at path; walked says whether it was found by walking
// a directory.
func (l *loader) file(path string, walked bool) {
	f, err := os.Open(path)
	if err != nil {
		l.fileProblem(path, err)
		return
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if l.readBefore(info) {
			return
		}
	}
	l.read(path, f, walked)
}

// readBefore reports whether the file info describes was read already by
// this load (given twice, under another name, or both alone and in a
// directory given too), and records it otherwise: a file is read once.
func (l *loader) readBefore(info os.FileInfo) bool {
	for _, other := range l.filesRead[info.Size()] {
		if os.SameFile(info, other) {
			return true
		}
	}
	if l.filesRead == nil {
		l.filesRead = map[int64][]os.FileInfo{}
	}
	l.filesRead[info.Size()] = append(l.filesRead[info.Size()], info)
	return false
}

// reader loads everything r gives, as a file named explicitly.
func (l *loader) reader(name string, r io.Reader, _ bool) {
	l.read(name, r, false)
}

// read reads r in full, within the limits, and splits it into documents.
// The documents of the inputs before are prepared on the other cores
// meanwhile (see pipe.go).
func (l *loader) read(name string, r io.Reader, walked bool) {
	l.handOff(l.docs[l.handFrom:])
	l.handFrom = len(l.docs)
	before := len(l.docs)
	data, spans, sp, p := l.readBounded(name, r, walked)
	if p != nil {
		// The documents split while r was read are not the input's: its
		// problem is.
		clear(l.docs[before:])
		l.docs = append(l.docs[:before], &doc{src: p.Source, problem: p})
		return
	}
	l.split(name, data, walked, spans, sp)
}

// readBounded reads r to its end. It stops with a problem as soon as the
// input of the load passes MaxBytes, a document that is not a list passes
// MaxDocumentBytes, or a NUL byte shows the input is not text: neither
// /dev/zero nor an endless stream is read to the end of memory.
//
// Of JSON input, it returns where the objects and arrays at the top level
// start and end, found while reading (see jsonSplit). When the size of r
// is known (so that data is not copied as it grows), the documents whose
// end is found are split while r is still read, and handed to the other
// cores to prepare: the split begun is returned, for split to end, or, with
// a problem, its documents are to be dropped.
func (l *loader) readBounded(name string, r io.Reader, walked bool) (_ []byte, _ []itemSpan, sp *jsonSplit, p *Problem) {
	budget := l.opts.maxBytes() - l.bytesRead
	var data []byte
	report := ReadProgress{Name: name, Total: -1}
	if l.opts.Progress != nil {
		defer func() {
			report.Read, report.Done = int64(len(data)), true
			l.opts.Progress(report)
		}()
	}
	if f, ok := r.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			if info.Size() > budget {
				return nil, nil, nil, l.limitProblem(name, info.Size())
			}
			data = make([]byte, 0, info.Size()+1)
			report.Total = info.Size()
		}
	}
	if lr, ok := r.(interface{ Len() int }); ok && data == nil && int64(lr.Len()) <= budget {
		// A bytes.Reader, strings.Reader or bytes.Buffer says how much it
		// holds.
		data = make([]byte, 0, lr.Len()+1)
	}
	pipelined := data != nil && pipelines()
	if data == nil {
		data = make([]byte, 0, 64<<10)
	}
	tr := docTracker{max: l.opts.maxDocumentBytes()}
	defer func() {
		if p != nil && sp != nil {
			sp.lines.finish(data) // for documents being prepared
		}
	}()
	for {
		if len(data) == cap(data) {
			// Doubling: a stream of unknown size is copied a few times,
			// not once per quarter of its size.
			data = slices.Grow(data, cap(data))
		}
		// Never read past the budget (plus one byte, to see it passed).
		room := min(int64(cap(data)-len(data)), budget+1-int64(len(data)), ProgressChunk)
		n, err := r.Read(data[len(data) : len(data)+int(room)])
		chunk := data[len(data) : len(data)+n]
		data = data[:len(data)+n]
		if l.opts.Progress != nil && n > 0 && err == nil {
			report.Read = int64(len(data))
			l.opts.Progress(report)
		}
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			at := len(data) - n + i
			return nil, nil, sp, &Problem{
				Source:  Source{File: name, Document: -1},
				Message: fmt.Sprintf("line %d: NUL byte: not a YAML or JSON text", 1+bytes.Count(data[:at], []byte("\n"))),
				Err:     errNotText,
			}
		}
		if int64(len(data)) > budget {
			return nil, nil, sp, l.limitProblem(name, int64(len(data)))
		}
		if pipelined {
			// In steps, splitting what ends in each.
			for k := tr.pos + pipeStep; k < len(data); k += pipeStep {
				tr.scan(data[:k])
				sp = l.splitRead(sp, name, walked, data[:k], &tr)
			}
		}
		if start, ok := tr.feed(data); !ok {
			return nil, nil, sp, &Problem{
				Source:  Source{File: name, Document: -1},
				Message: fmt.Sprintf("line %d: a document larger than %d bytes (the limit per document; see Options.MaxDocumentBytes)", 1+bytes.Count(data[:start], []byte("\n")), tr.max),
				Err:     ErrMaxDocumentBytes,
			}
		}
		if pipelined {
			sp = l.splitRead(sp, name, walked, data, &tr)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, sp, fileProblem(name, err)
		}
	}
	l.bytesRead += int64(len(data))
	if !tr.json || tr.broken || !fastPaths {
		return data, nil, sp, nil
	}
	return data, tr.spans, sp, nil
}

// limitProblem reports input past MaxBytes.
func (l *loader) limitProblem(name string, size int64) *Problem {
	return &Problem{
		Source:  Source{File: name, Document: -1},
		Message: fmt.Sprintf("input larger than %d bytes in all (the limit of one load; see Options.MaxBytes): read %d bytes before, %d or more here", l.opts.maxBytes(), l.bytesRead, size),
		Err:     ErrMaxBytes,
	}
}

// docTracker follows the documents of an input while it is read, to stop
// reading a document that is too large. A document that may be a list
// (one with a top-level items field) is bounded only by the input's
// limit; its items are checked once it is split.
type docTracker struct {
	max     int64
	decided bool // the input is known to be JSON or YAML
	json    bool
	start   int  // offset of the current document
	list    bool // the current document may be a list
	pos     int  // offset scanned up to
	// JSON state
	depth    int
	inString bool
	// spans are the objects and arrays at the top level so far; broken
	// is set when a bracket closed what was not open.
	spans  []itemSpan
	broken bool
	// YAML state: pos is always at the start of a line.
}

// feed scans data, which holds what was fed before and more, up to its
// end, and reports false, with the offset of the current document, when
// that document is too large.
func (t *docTracker) feed(data []byte) (int, bool) {
	if !t.scan(data) {
		return 0, true
	}
	if !t.list && int64(len(data)-t.start) > t.max {
		if t.json {
			t.list = listAt(data, t.start, t.pos)
		}
		if !t.list {
			return t.start, false
		}
	}
	return 0, true
}

// scan scans data as feed does, without checking the size of the current
// document; it reports false when data holds only white space so far.
func (t *docTracker) scan(data []byte) bool {
	if !t.decided {
		trim := bytes.TrimLeft(data, " \t\r\n")
		if len(trim) == 0 {
			return false
		}
		t.decided, t.json = true, trim[0] == '{'
	}
	if t.json {
		t.feedJSON(data)
	} else {
		t.feedYAML(data)
	}
	return true
}

func (t *docTracker) feedYAML(data []byte) {
	for t.pos < len(data) {
		end := bytes.IndexByte(data[t.pos:], '\n')
		if end < 0 {
			return // an incomplete line: look again when it is
		}
		line := data[t.pos : t.pos+end]
		switch {
		case bytes.HasPrefix(line, []byte(separator)):
			t.start, t.list = t.pos, false
		case bytes.HasPrefix(line, []byte("items:")):
			t.list = true
		}
		t.pos += end + 1
	}
}

// feedJSON follows strings and brackets eight bytes at a time: in a word
// without a backslash, the bytes inside strings are those after an odd
// number of quotes (counting from the state at the word's start), and only
// the brackets outside them are looked at one by one. Other words, and the
// last few bytes, are read byte by byte. Whether a document may be a list
// is found only when it has become too large (listAt).
func (t *docTracker) feedJSON(data []byte) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	pos, depth, inString := t.pos, t.depth, t.inString
	for pos < len(data) {
		if pos+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[pos:])
			if zeroBytes(x^(ones*'\\')) == 0 {
				q := zeroBytes(x ^ (ones * '"'))
				// [ and ] are { and } but for the bit 0x20.
				xs := x | ones*0x20
				b := zeroBytes(xs^(ones*'{')) | zeroBytes(xs^(ones*'}'))
				if b != 0 {
					// Inside a string: after an odd number of quotes.
					in := q ^ q<<8
					in ^= in << 16
					in ^= in << 32
					if inString {
						in ^= highs
					}
					for b &^= in; b != 0; b &= b - 1 {
						t.bracket(data, pos+bits.TrailingZeros64(b)/8, &depth)
					}
				}
				inString = inString != (bits.OnesCount64(q)%2 == 1)
				pos += 8
				continue
			}
		}
		// A byte at a time.
		if inString {
			// To the closing quote, past escaped characters. An escape
			// cut by the end of what was read so far is read again with
			// the rest.
			i := stringEnd(data, pos)
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
			inString = false
			continue
		}
		switch data[pos] {
		case '"':
			inString = true
		case '{', '[', '}', ']':
			t.bracket(data, pos, &depth)
		}
		pos++
	}
	t.pos, t.depth, t.inString = pos, depth, inString
}

// bracket follows the bracket at data[at], outside strings, at *depth.
func (t *docTracker) bracket(data []byte, at int, depth *int) {
	if c := data[at]; c == '{' || c == '[' {
		if *depth == 0 {
			t.start, t.list = at, false
		}
		*depth++
		return
	}
	*depth--
	switch {
	case *depth == 0 && !t.broken:
		t.spans = append(t.spans, itemSpan{t.start, at + 1})
	case *depth < 0:
		t.broken = true
	}
}

// zeroBytes returns x with the high bit of each zero byte set, and every
// other bit clear.
func zeroBytes(x uint64) uint64 {
	const highs = 0x8080808080808080
	return ^((x&^highs + ^uint64(highs)) | x) & highs
}

// listAt reports whether the JSON document that starts at data[start],
// scanned up to end, has a string "items" at its top level (a member
// named items): whether it may be a list.
func listAt(data []byte, start, end int) bool {
	depth, inString, keyStart := 0, false, 0
	for pos := start; pos < end; {
		if inString {
			i := stringEnd(data[:end], pos)
			switch {
			case i == end:
				return false
			case data[i] == '\\':
				pos = i + 2
				continue
			}
			pos, inString = i+1, false
			if depth == 1 && string(data[keyStart:i]) == "items" {
				return true
			}
			continue
		}
		switch data[pos] {
		case '"':
			inString, keyStart = true, pos+1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		pos++
	}
	return false
}

// stringEnd returns the offset of the first quote or backslash in data at
// or after pos, or len(data): eight bytes at a time.
func stringEnd(data []byte, pos int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; pos+8 <= len(data); pos += 8 {
		x := binary.LittleEndian.Uint64(data[pos:])
		q, b := x^(ones*'"'), x^(ones*'\\')
		// The lowest byte that is zero in q or b sets the lowest high bit
		// (a borrow can set higher ones too, never a lower one).
		if m := ((q - ones) &^ q & highs) | ((b - ones) &^ b & highs); m != 0 {
			return pos + bits.TrailingZeros64(m)/8
		}
	}
	for ; pos < len(data); pos++ {
		if c := data[pos]; c == '"' || c == '\\' {
			return pos
		}
	}
	return pos
}

// escaped reports whether the quote at data[q] is escaped: preceded by an
// odd number of backslashes after offset from.
func escaped(data []byte, q, from int) bool {
	n := 0
	for i := q - 1; i >= from && data[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// fileProblem records that the file at path cannot be read.
func (l *loader) fileProblem(path string, err error) {
	p := fileProblem(path, err)
	l.docs = append(l.docs, &doc{src: p.Source, problem: p})
}

// fileProblem describes an error reading the file at path.
func fileProblem(path string, err error) *Problem {
	msg := err.Error()
	if pe, ok := err.(*fs.PathError); ok {
		msg = pe.Err.Error() // the path is already in the Source
	}
	return &Problem{Source: Source{File: path, Document: -1}, Message: oneLine(msg), Err: err}
}
