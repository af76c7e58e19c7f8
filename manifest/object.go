package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// This file reads one object (a document or a list item) from JSON: its
// header, strict decoding into the API type, and lists.

// typeError describes err, an error of decoding raw into a value of type t
// that is not about unknown or duplicate fields. When the error is about the
// type of a field, the standard decoder, whose error has the field's path and
// the value's offset, is asked again in order to name the field with the
// indices of the list elements on the way.
func typeError(raw []byte, err error, t reflect.Type) (path, msg string) {
	msg = strings.TrimPrefix(err.Error(), "json: ")
	if stdErr := json.Unmarshal(raw, reflect.New(t).Interface()); stdErr != nil {
		if te, ok := stdErr.(*json.UnmarshalTypeError); ok {
			want := jsonTypeName(te.Type)
			if typeAt(t, te.Field) == intOrString {
				want = "integer or string"
			}
			got := te.Value
			if got == "bool" {
				got = "boolean"
			}
			return fieldAt(raw, te), fmt.Sprintf("expected %s, got %s", want, got)
		}
	}
	return "", msg
}

var intOrString = reflect.TypeFor[intstr.IntOrString]()

// typeAt returns the Go type of the field at path (JSON names joined by
// dots, no indices) in type t, or nil if there is none.
func typeAt(t reflect.Type, path string) reflect.Type {
	for name := range strings.SplitSeq(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := jsonField(t, name)
		if !ok {
			return nil
		}
		t = f.Type
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonField finds the field of struct type t that JSON name maps to,
// looking into embedded structs.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == name:
			return f, true
		case tag == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			if g, ok := jsonField(f.Type, name); ok {
				return g, true
			}
		}
	}
	return reflect.StructField{}, false
}

var indices = regexp.MustCompile(`\[\d+\]`)

// fieldAt returns the path of the field a type error is about, with the
// indices of the list elements on the way: the value the error's offset
// points at if it is at the error's path, else the only value of the wrong
// type at that path, else the error's own path without indices. (A field
// with a decoder of its own, such as an int-or-string, reports an offset
// inside its value.)
func fieldAt(raw []byte, te *json.UnmarshalTypeError) string {
	want := te.Field
	gotKind, _, _ := strings.Cut(te.Value, " ") // "number 1.5" → "number"
	atOffset, found := "", false
	var matches []string
	walkJSON(raw, func(path string, end int64, kind string) {
		if !found && end >= te.Offset {
			atOffset, found = path, true
		}
		if kind == gotKind && indices.ReplaceAllString(path, "") == want {
			matches = append(matches, path)
		}
	})
	// The value at the offset may be deeper than the error's path (a value
	// in a map): cut it back.
	for p := atOffset; p != ""; p = parentPath(p) {
		if indices.ReplaceAllString(p, "") == want {
			return p
		}
	}
	if len(matches) == 1 {
		return matches[0]
	}
	return want
}

// parentPath returns the path of the object or list that holds the value
// at path.
func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

// walkJSON calls visit with the path of every value in the JSON text raw,
// in order, with list indices ("spec.ports[1].port"), the offset just after
// the token that starts the value, and the value's type as the standard
// decoder names it in errors ("object", "array", "string", "number", "bool"
// or "null").
func walkJSON(raw []byte, visit func(path string, end int64, kind string)) {
	type frame struct {
		path    string
		array   bool
		next    int    // index of the next element of an array
		key     string // last key read in an object
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		var path string
		if n := len(stack); n > 0 {
			top := stack[n-1]
			if !top.array && top.wantKey {
				top.key, _ = tok.(string)
				top.wantKey = false
				continue
			}
			if top.array {
				path = top.path + "[" + strconv.Itoa(top.next) + "]"
				top.next++
			} else {
				path = joinPath(top.path, top.key)
				top.wantKey = true
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{path: path, array: d == '[', wantKey: d == '{'})
		}
		visit(path, dec.InputOffset(), tokenKind(tok))
	}
}

// tokenKind names the type of the value a JSON token starts.
func tokenKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// jsonTypeName names the JSON type that decodes into Go type t.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
}
