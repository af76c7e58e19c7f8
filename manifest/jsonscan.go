package manifest

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// This file scans JSON text without decoding it: the fast path that finds
// documents in a stream, an object's header and a list's items. The
// scanner only follows brackets and strings; the decoder that reads a
// value in full is the one that checks its syntax.

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the offset of the first byte at or after pos that is
// not JSON white space.
func skipSpace(data []byte, pos int) int {
	for pos < len(data) && isJSONSpace(data[pos]) {
		pos++
	}
	return pos
}

// skipValue returns the offset just after the JSON value that starts at
// data[pos], which is not white space, or false when the value does not
// end within data.
func skipValue(data []byte, pos int) (int, bool) {
	if pos >= len(data) {
		return 0, false
	}
	switch data[pos] {
	case '"':
		return skipString(data, pos)
	case '{', '[':
		depth := 0
		for i := pos; i < len(data); i++ {
			switch data[i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			case '"':
				end, ok := skipString(data, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			}
		}
		return 0, false
	case '}', ']', ',', ':':
		return 0, false
	}
	// A number or a literal: up to the next delimiter.
	i := pos
	for i < len(data) && !isJSONSpace(data[i]) && !isJSONDelim(data[i]) {
		i++
	}
	switch tok := data[pos:i]; {
	case string(tok) == "true", string(tok) == "false", string(tok) == "null":
	case tok[0] == '-' || '0' <= tok[0] && tok[0] <= '9':
	default:
		return 0, false
	}
	return i, true
}

func isJSONDelim(c byte) bool {
	switch c {
	case ',', ':', '{', '}', '[', ']', '"':
		return true
	}
	return false
}

// skipString returns the offset just after the string that starts at
// data[pos] (a quote).
func skipString(data []byte, pos int) (int, bool) {
	i := pos + 1
	for {
		i = stringEnd(data, i)
		switch {
		case i >= len(data):
			return 0, false
		case data[i] == '"':
			return i + 1, true
		}
		i += 2 // a backslash and the character it escapes
	}
}

// jsonString decodes the JSON string raw, or reports false.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// memberKey is jsonString for the key of a member: the keys every object
// has are not allocated again for each one.
func memberKey(raw []byte) (string, bool) {
	if len(raw) >= 2 {
		switch string(raw[1 : len(raw)-1]) {
		case "apiVersion":
			return "apiVersion", true
		case "kind":
			return "kind", true
		case "metadata":
			return "metadata", true
		case "spec":
			return "spec", true
		case "status":
			return "status", true
		case "items":
			return "items", true
		case "name":
			return "name", true
		case "namespace":
			return "namespace", true
		case "labels":
			return "labels", true
		}
	}
	return jsonString(raw)
}

// member is one member of a JSON object as scanned: its key, and its value
// with its offset in the scanned text.
type member struct {
	key   string
	value []byte
	off   int
}

// members calls visit for every member of the JSON object obj, in order,
// until visit returns false. It reports false when obj is not an object
// that scans; members already visited stay visited.
func members(obj []byte, visit func(f member) bool) bool {
	return membersSkip(obj, visit, nil)
}

// membersSkip is members, with skip, when not nil, finding the end of each
// value in place of skipValue.
func membersSkip(obj []byte, visit func(f member) bool, skip func(key string, data []byte, pos int) (int, bool)) bool {
	pos := skipSpace(obj, 0)
	if pos >= len(obj) || obj[pos] != '{' {
		return false
	}
	pos = skipSpace(obj, pos+1)
	if pos < len(obj) && obj[pos] == '}' {
		return true
	}
	for {
		if pos >= len(obj) || obj[pos] != '"' {
			return false
		}
		end, ok := skipString(obj, pos)
		if !ok {
			return false
		}
		key, ok := memberKey(obj[pos:end])
		if !ok {
			return false
		}
		pos = skipSpace(obj, end)
		if pos >= len(obj) || obj[pos] != ':' {
			return false
		}
		pos = skipSpace(obj, pos+1)
		var vend int
		if skip != nil {
			vend, ok = skip(key, obj, pos)
		} else {
			vend, ok = skipValue(obj, pos)
		}
		if !ok {
			return false
		}
		if !visit(member{key: key, value: obj[pos:vend], off: pos}) {
			return true
		}
		pos = skipSpace(obj, vend)
		if pos >= len(obj) {
			return false
		}
		switch obj[pos] {
		case '}':
			return true
		case ',':
			pos = skipSpace(obj, pos+1)
		default:
			return false
		}
	}
}

// elements calls visit for every element of the JSON array arr, in order,
// with its offset in arr. It reports false when arr is not an array that
// scans.
func elements(arr []byte, visit func(i int, value []byte, off int)) bool {
	_, ok := scanElements(arr, skipSpace(arr, 0), visit)
	return ok
}

// scanElements calls visit for every element of the JSON array at
// arr[pos], with its offset in arr, and returns the offset just after the
// array, or false when it does not scan.
func scanElements(arr []byte, pos int, visit func(i int, value []byte, off int)) (int, bool) {
	if pos >= len(arr) || arr[pos] != '[' {
		return 0, false
	}
	pos = skipSpace(arr, pos+1)
	if pos < len(arr) && arr[pos] == ']' {
		return pos + 1, true
	}
	for i := 0; ; i++ {
		end, ok := skipValue(arr, pos)
		if !ok {
			return 0, false
		}
		visit(i, arr[pos:end], pos)
		pos = skipSpace(arr, end)
		if pos >= len(arr) {
			return 0, false
		}
		switch arr[pos] {
		case ']':
			return pos + 1, true
		case ',':
			pos = skipSpace(arr, pos+1)
		default:
			return 0, false
		}
	}
}

// jsonKind names the type of the JSON value raw.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func isNull(js []byte) bool { return string(bytes.TrimSpace(js)) == "null" }

// syntaxError returns the offset in raw and the message of the first
// syntax error in the JSON text raw, or false when raw is valid. The
// offset is len(raw) when the text ends too early.
func syntaxError(raw []byte) (int, string, bool) {
	if json.Valid(raw) {
		return 0, "", false
	}
	var v any
	err := json.Unmarshal(raw, &v)
	if se, ok := err.(*json.SyntaxError); ok && int(se.Offset) < len(raw) {
		return int(se.Offset), se.Error(), true
	}
	return len(raw), "unexpected end of input", true
}

// jsonSyntaxMessage renders the syntax error of a JSON text found at
// offset off of a file whose lines are indexed.
func jsonSyntaxMessage(raw []byte, off int, lines *lineTable) (string, bool) {
	at, msg, bad := syntaxError(raw)
	if !bad {
		return "", false
	}
	if at < len(raw) {
		// The error comes after reading the offending byte.
		msg = "line " + strconv.Itoa(lines.at(off+max(at-1, 0))) + ": " + msg
	}
	return "malformed json: " + oneLine(msg), true
}
