package strictjson

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// kind is how a type is decoded.
type kind uint8

const (
	unsupported kind = iota // null leaves the zero value; anything else declines
	stringKind
	boolKind
	intKind
	uintKind
	pointerKind
	sliceKind
	mapKind
	stringMapKind // exactly map[string]string
	structKind
	unmarshalerKind // *T implements json.Unmarshaler
	intOrStringKind // exactly intstr.IntOrString, whose UnmarshalJSON it does
)

// plan is how to decode one type.
type plan struct {
	kind kind
	typ  reflect.Type
	bits int   // integer kinds: the size in bits
	elem *plan // pointer, slice and map kinds: the element's plan
	// empty is the data pointer of an empty, non-nil slice (slice kind).
	empty unsafe.Pointer
	// structKind: the members, and their indexes by name.
	fields []field
	names  map[string]int
	// slots, when not nil, finds a member's index by name faster than
	// names: slots[hashName(name, seed) & mask] is the index of the member
	// of that name if there is one, or -1 (see perfect).
	slots []int16
	seed  uint32
	mask  uint32
}

// hashName hashes a member's name for plan.slots: its length and three of
// its bytes, mixed by seed. name is not empty.
func hashName(name []byte, seed uint32) uint32 {
	n := uint32(len(name))
	h := n*0x9e3779b1 ^ uint32(name[0])<<8 ^ uint32(name[n/2])<<16 ^ uint32(name[n-1])
	h *= seed | 1
	return h ^ h>>15
}

// perfect finds a seed and table size for which hashName gives every
// member of p its own slot, and sets p.slots; when it finds none (or a
// name is empty), p.slots stays nil and names is used.
func (p *plan) perfect() {
	for _, f := range p.fields {
		if f.name == "" {
			return
		}
	}
	size := 4
	for size < 2*len(p.fields) {
		size *= 2
	}
	for ; size <= 16*len(p.fields) && size <= 1<<12; size *= 2 {
		slots := make([]int16, size)
		for seed := uint32(1); seed < 64; seed++ {
			for i := range slots {
				slots[i] = -1
			}
			ok := true
			for i, f := range p.fields {
				h := hashName([]byte(f.name), seed*0x2545f491) & uint32(size-1)
				if slots[h] >= 0 {
					ok = false
					break
				}
				slots[h] = int16(i)
			}
			if ok {
				p.slots, p.seed, p.mask = slots, seed*0x2545f491, uint32(size-1)
				return
			}
		}
	}
}

// field returns the index of the member named k, or false.
func (p *plan) field(k []byte) (int, bool) {
	if p.slots != nil && len(k) > 0 {
		i := p.slots[hashName(k, p.seed)&p.mask]
		if i >= 0 && p.fields[i].name == string(k) {
			return int(i), true
		}
		return 0, false
	}
	i, ok := p.names[string(k)]
	return i, ok
}

// field is a member of a struct.
type field struct {
	name string
	// offset is where the member is in the struct: the sum of the
	// offsets of the fields on the path through embedded structs (held
	// by value, never through a pointer: see structFields).
	offset uintptr
	plan   *plan
}

// maxFields bounds the members of a struct decoded (the duplicate check
// keeps a bit per member on the stack).
const maxFields = 256

var (
	plans   sync.Map // reflect.Type → *plan, complete plans only
	buildMu sync.Mutex

	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	stringMapType       = reflect.TypeFor[map[string]string]()
	intOrStringType     = reflect.TypeFor[intstr.IntOrString]()
)

// planFor returns the plan of t, building it (and the plans of the types
// it holds) on first use.
func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	b := builder{building: map[reflect.Type]*plan{}}
	p := b.build(t)
	// Only now are the plans of recursive types complete.
	for t, q := range b.building {
		plans.Store(t, q)
	}
	return p
}

// builder builds the plans of a type and the types it holds.
type builder struct {
	building map[reflect.Type]*plan
}

func (b *builder) build(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := b.building[t]; ok {
		return p // complete, or being built higher up (a recursive type)
	}
	p := &plan{typ: t}
	b.building[t] = p
	ptr := reflect.PointerTo(t)
	if t == intOrStringType {
		p.kind = intOrStringKind
		return p
	}
	if t.Kind() != reflect.Pointer && ptr.Implements(unmarshalerType) {
		// encoding/json finds the method through the value's address
		// only for named types.
		if t.Name() != "" {
			p.kind = unmarshalerKind
		}
		return p
	}
	if t.Kind() != reflect.Pointer && ptr.Implements(textUnmarshalerType) {
		return p
	}
	switch t.Kind() {
	case reflect.String:
		p.kind = stringKind
	case reflect.Bool:
		p.kind = boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind, p.bits = intKind, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.kind, p.bits = uintKind, t.Bits()
	case reflect.Pointer:
		p.kind, p.elem = pointerKind, b.build(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return p // base64 for []byte: not handled
		}
		p.kind, p.elem = sliceKind, b.build(t.Elem())
		p.empty = reflect.MakeSlice(t, 0, 0).UnsafePointer()
	case reflect.Map:
		kt := t.Key()
		if kt.Kind() != reflect.String || reflect.PointerTo(kt).Implements(textUnmarshalerType) {
			return p
		}
		p.kind, p.elem = mapKind, b.build(t.Elem())
		if t == stringMapType {
			p.kind = stringMapKind
		}
	case reflect.Struct:
		var fields []field
		if !b.structFields(t, 0, &fields) || len(fields) > maxFields {
			return p
		}
		names := make(map[string]int, len(fields))
		for i, f := range fields {
			if _, clash := names[f.name]; clash {
				return p // encoding/json's dominance rules: not handled
			}
			names[f.name] = i
		}
		p.kind, p.fields, p.names = structKind, fields, names
		p.perfect()
	}
	return p
}

// structFields appends the members of the struct t, which is at offset
// base in the decoded struct, and reports false for a rule that is not
// handled (among them an embedded pointer).
func (b *builder) structFields(t reflect.Type, base uintptr, out *[]field) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		for o := range strings.SplitSeq(opts, ",") {
			if o == "string" {
				return false
			}
		}
		if !plainName(name) {
			return false
		}
		ft := sf.Type
		if sf.Anonymous {
			if ft.Kind() == reflect.Pointer {
				return false
			}
			if !sf.IsExported() {
				if ft.Kind() != reflect.Struct {
					continue // encoding/json ignores it
				}
				return false
			}
			if name == "" && ft.Kind() == reflect.Struct {
				// Flattened into t. One that decodes itself would be
				// decoded by a promoted method only in some cases.
				ptr := reflect.PointerTo(ft)
				if ptr.Implements(unmarshalerType) || ptr.Implements(textUnmarshalerType) {
					return false
				}
				if !b.structFields(ft, base+sf.Offset, out) {
					return false
				}
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		*out = append(*out, field{name: name, offset: base + sf.Offset, plan: b.build(ft)})
	}
	return true
}

// plainName reports whether a tag's name is empty or made of characters
// that encoding/json surely accepts as a name (letters, digits and a few
// marks); a name it would refuse, making it use the Go field's name, is
// not handled.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/' || c == '$' || c == '@') {
			return false
		}
	}
	return true
}
