package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"

	"github.com/netpolsim/netpolsim/internal/fielderr"
)

// This file reads one object (a document or a list item) from JSON: its
// header, strict decoding into the API type, and lists.

// maxListDepth bounds lists inside lists.
const maxListDepth = 8

// object is what is known of the object being loaded, for messages.
type object struct {
	src                   Source
	apiVersion, kind      string
	namespace, name       string
	listKind, listVersion string // set for the items of a typed list
}

// objProblem records a problem of o.
func (l *loader) objProblem(o *object, path, msg string, err error) {
	l.problem(Problem{Source: o.src, Kind: o.kind, Namespace: o.namespace, Name: o.name, Field: path, Message: oneLine(msg), Err: err})
}

// fieldProblems records field errors of o.
func (l *loader) fieldProblems(o *object, errs field.ErrorList, err error) {
	for _, fe := range errs {
		e := *fe
		e.Field = ""
		l.objProblem(o, fe.Field, fielderr.Message(&e), err)
	}
}

// document loads the object that makes up one document.
func (l *loader) document(src Source, raw []byte) {
	l.object(&object{src: src}, raw, 0)
}

// object reads the header of raw into o and hands raw to the loader of its
// kind.
func (l *loader) object(o *object, raw []byte, depth int) {
	var m map[string]any
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, &m); err != nil || m == nil {
		l.objProblem(o, "", "expected object, got "+jsonKind(raw), nil)
		return
	}
	u := unstructured.Unstructured{Object: m}
	o.namespace, o.name = u.GetNamespace(), u.GetName()
	kind, kindOK := l.headerString(o, m, "kind", strings.TrimSuffix(o.listKind, "List"))
	if kindOK {
		o.kind = kind
	}
	apiVersion, avOK := l.headerString(o, m, "apiVersion", o.listVersion)
	if !avOK || !kindOK {
		return
	}
	o.apiVersion = apiVersion
	if o.listKind != "" {
		if want := strings.TrimSuffix(o.listKind, "List"); kind != want || apiVersion != o.listVersion {
			l.objProblem(o, "kind", fmt.Sprintf("unsupported value %q: an item of a %s %s must be a %s %s", apiVersion+" "+kind, o.listVersion, o.listKind, o.listVersion, want), nil)
			return
		}
	}

	if apiVersion == "v1" && kind == "List" || isTypedList(apiVersion, kind) {
		l.list(o, raw, depth)
		return
	}
	k, ok := kinds[kind]
	if !ok || !reads(kind, k, apiVersion) {
		if ok && sameGroup(apiVersion, k.apiVersion) {
			l.objProblem(o, "apiVersion", fmt.Sprintf("unsupported value %q: %s is read as %s", apiVersion, kind, k.apiVersion), nil)
			return
		}
		l.notices = append(l.notices, Notice{
			Source: o.src, APIVersion: apiVersion, Kind: kind, Namespace: o.namespace, Name: o.name,
			Message: fmt.Sprintf("skipped: %s %s is not simulated", apiVersion, kind),
		})
		return
	}
	// Name the object as it will be named once decoded.
	if !k.namespaced {
		o.namespace = ""
	} else if o.namespace == "" {
		o.namespace = metav1.NamespaceDefault
	}
	l.load(o, raw)
}

// headerString reads the string at key of an object, or def when the key is
// absent and def is not empty. It records a problem and returns false when
// there is no usable value.
func (l *loader) headerString(o *object, m map[string]any, key, def string) (string, bool) {
	v, found := m[key]
	if !found || v == nil {
		if def != "" {
			return def, true
		}
		l.objProblem(o, key, "required value", nil)
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		l.objProblem(o, key, fmt.Sprintf("expected string, got %s", goKind(v)), nil)
		return "", false
	}
	if s == "" {
		l.objProblem(o, key, "required value", nil)
		return "", false
	}
	return s, true
}

// sameGroup reports whether apiVersion is another version of the group of
// want, or the retired extensions group that once served several of the
// supported kinds.
func sameGroup(apiVersion, want string) bool {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return false
	}
	return gv.Group == "extensions" || gv.Group == schema.FromAPIVersionAndKind(want, "").Group
}

// isTypedList reports whether kind is the list kind of a supported kind,
// such as PodList, in the supported version.
func isTypedList(apiVersion, kind string) bool {
	item, ok := strings.CutSuffix(kind, "List")
	if !ok {
		return false
	}
	k, ok := kinds[item]
	return ok && reads(item, k, apiVersion)
}

// listDoc is a list in JSON; the items are read one at a time.
type listDoc struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []json.RawMessage `json:"items"`
}

// list loads the items of a v1 List or of a typed list. The items of a typed
// list may leave out apiVersion and kind, as the API server does.
func (l *loader) list(o *object, raw []byte, depth int) {
	if depth >= maxListDepth {
		l.objProblem(o, "", fmt.Sprintf("lists nested more than %d deep", maxListDepth), nil)
		return
	}
	var ld listDoc
	if !l.decode(o, raw, &ld) {
		return
	}
	for i, item := range ld.Items {
		it := &object{src: o.src}
		it.src.Item = joinPath(o.src.Item, "items["+strconv.Itoa(i)+"]")
		if o.kind != "List" {
			it.listKind, it.listVersion = o.kind, o.apiVersion
		}
		l.object(it, item, depth+1)
	}
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// decode decodes raw into obj strictly, as the API server does with
// field validation Strict: field names are case-sensitive, and unknown and
// duplicate fields are problems, each with its path. A value of the wrong
// type is a problem naming its field, and makes decode return false. After
// the other problems it returns true: obj is as good as can be, and the
// loader goes on to find more problems.
func (l *loader) decode(o *object, raw []byte, obj any) bool {
	strictErrs, err := sigsjson.UnmarshalStrict(raw, obj)
	if err != nil {
		path, msg := typeError(raw, err, reflect.TypeOf(obj).Elem())
		l.objProblem(o, path, msg, nil)
		return false
	}
	for _, e := range strictErrs {
		path, msg := "", e.Error()
		if fe, ok := e.(sigsjson.FieldError); ok {
			path = fe.FieldPath()
			msg = strings.TrimSpace(strings.TrimSuffix(msg, strconv.Quote(path)))
		}
		l.objProblem(o, path, msg, nil)
	}
	return true
}

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

// goKind names the JSON type of a decoded value.
func goKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "number"
}
