package strictjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"
	"unicode/utf8"
	"unsafe"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// maxDepth bounds the nesting of arrays and objects; deeper input
// declines (encoding/json refuses nesting past 10,000).
const maxDepth = 1000

// Decode decodes the JSON text data into v, a non-nil pointer to the zero
// value of its type, exactly as sigs.k8s.io/json.UnmarshalStrict would,
// and reports true; or it reports false, having perhaps written part of
// *v, when the input or the type holds anything it does not handle or
// that strict decoding would object to (see the package documentation).
// A nil or non-pointer v gives false.
func Decode(data []byte, v any) bool {
	return decode(data, v, nil)
}

// Shared decodes as Decode does, and gives the same map for every map of
// strings (such as labels and selectors' matchLabels) that it decodes
// from the same text, up to maxSharedMap bytes long: the few label sets
// that a manifest's objects repeat are then decoded and held once. The
// values it gives may share these maps with one another, and are to be
// read, not changed.
//
// The zero Shared is ready to use, and safe for concurrent use. It keeps
// some of the maps it gave, and copies of the texts they were decoded from
// (never the data given), in a cache per goroutine (a sync.Pool: kept
// until two collections after the Shared is gone) that forgets on
// collision, so two equal texts may still give two maps.
type Shared struct {
	tables sync.Pool // of *mapTable
}

// Decode is [Decode], sharing maps of strings.
func (s *Shared) Decode(data []byte, v any) bool {
	t, _ := s.tables.Get().(*mapTable)
	if t == nil {
		t = new(mapTable)
	}
	ok := decode(data, v, t)
	s.tables.Put(t)
	return ok
}

// decode is Decode, sharing maps of strings through maps when it is not
// nil.
func decode(data []byte, v any, maps *mapTable) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	d := decoder{data: data, strings: &sc.strings, counts: sc.counts[:0], maps: maps}
	defer func() { sc.counts = d.counts[:0] }()
	if !d.value(planFor(rv.Type().Elem()), rv.UnsafePointer()) {
		return false
	}
	d.space()
	return d.pos == len(d.data)
}

// decoder reads data from pos on.
type decoder struct {
	data    []byte
	pos     int
	depth   int
	strings *internTable
	// counts are the numbers of elements of the arrays inside the last
	// array counted, in the order of their starts; countAt is the first
	// not yet looked up (see count).
	counts  []arrayCount
	countAt int
	maps    *mapTable // nil unless maps of strings are shared
}

// mapTable holds maps of strings decoded before, by their JSON text, one
// a slot: a cache that forgets on collision.
type mapTable [256]struct {
	text string
	m    map[string]string
}

// maxSharedMap is the length of the longest text of a map of strings
// that Shared shares.
const maxSharedMap = 4096

// slot returns the slot of text.
func (t *mapTable) slot(text []byte) *struct {
	text string
	m    map[string]string
} {
	h := uint32(2166136261)
	for _, c := range text {
		h = (h ^ uint32(c)) * 16777619
	}
	return &t[h%uint32(len(t))]
}

// flatObjectEnd returns the offset just past the object that starts at
// data[start], when it holds no object or array and ends within
// maxSharedMap bytes; else 0. It does not check the grammar (decoding
// does): it finds the first '}' outside strings.
func flatObjectEnd(data []byte, start int) int {
	end := min(len(data), start+maxSharedMap)
	for i := start + 1; i < end; i++ {
		switch data[i] {
		case '"':
			for i++; i < end && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			return 0
		case '}':
			return i + 1
		}
	}
	return 0
}

// internTable holds strings decoded before, so that a short string that
// comes again (a label, an image, a protocol) is the same string, not
// another allocation: strings cannot change, so sharing them is safe. It
// is a cache, one string a slot, and forgets on collision.
type internTable [256]string

// maxInterned is the length of the longest string interned.
const maxInterned = 48

// scratch is what a goroutine's decoding reuses: the interned strings,
// and room for the counts of arrays.
type scratch struct {
	strings internTable
	counts  []arrayCount
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// arrayCount is the number of elements of the array whose '[' is at start.
type arrayCount struct{ start, n int }

// intern returns b as a string, from t when t holds it.
func (t *internTable) intern(b []byte) string {
	if len(b) == 0 || len(b) > maxInterned {
		return string(b)
	}
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &t[h%uint32(len(t))]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}

// space skips JSON whitespace.
func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the next byte, or 0 at the end.
func (d *decoder) next() byte {
	d.space()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// literal consumes the literal word at pos.
func (d *decoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

// value decodes the value at pos (after whitespace) into the value of p's
// type at ptr, which holds its zero value.
//
// Values are written through unsafe pointers at the offsets and sizes that
// the plan took from the value's type, not with reflect's setters, which
// check the value's kind and flags on every write (5% of a Deployment's
// decoding): a string, a pointer, a slice's header and a map are written
// as values of types that hold pointers, so the collector sees every
// write.
func (d *decoder) value(p *plan, ptr unsafe.Pointer) bool {
	c := d.next()
	if c == 'n' {
		start := d.pos
		if !d.literal("null") {
			return false
		}
		if p.kind == unmarshalerKind || p.kind == intOrStringKind {
			return reflect.NewAt(p.typ, ptr).Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.pos]) == nil
		}
		return true // the zero value stays
	}
	switch p.kind {
	case stringKind:
		s, ok := d.stringValue()
		if !ok {
			return false
		}
		*(*string)(ptr) = s
		return true
	case boolKind:
		switch {
		case c == 't' && d.literal("true"):
			*(*bool)(ptr) = true
			return true
		case c == 'f' && d.literal("false"):
			return true
		}
		return false
	case intKind:
		n, ok := d.integer(p.bits, true)
		if ok {
			setInt(ptr, p.bits, n)
		}
		return ok
	case uintKind:
		n, ok := d.integer(p.bits, false)
		if ok {
			setInt(ptr, p.bits, n)
		}
		return ok
	case pointerKind:
		e := reflect.New(p.elem.typ).UnsafePointer()
		if !d.value(p.elem, e) {
			return false
		}
		*(*unsafe.Pointer)(ptr) = e
		return true
	case sliceKind:
		return d.slice(p, ptr)
	case mapKind:
		return d.mapValue(p, reflect.NewAt(p.typ, ptr).Elem())
	case stringMapKind:
		return d.stringMap((*map[string]string)(ptr))
	case structKind:
		return d.structValue(p, ptr)
	case intOrStringKind:
		// As IntOrString.UnmarshalJSON: a string, or an int32.
		x := (*intstr.IntOrString)(ptr)
		if c == '"' {
			s, ok := d.stringValue()
			x.Type, x.StrVal = intstr.String, s
			return ok
		}
		n, ok := d.integer(32, true)
		x.Type, x.IntVal = intstr.Int, int32(n)
		return ok
	case unmarshalerKind:
		start := d.pos
		if !d.skip() {
			return false
		}
		return reflect.NewAt(p.typ, ptr).Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.pos]) == nil
	}
	return false
}

// setInt writes the low bits bits of n (8, 16, 32 or 64) at ptr.
func setInt(ptr unsafe.Pointer, bits int, n uint64) {
	switch bits {
	case 8:
		*(*uint8)(ptr) = uint8(n)
	case 16:
		*(*uint16)(ptr) = uint16(n)
	case 32:
		*(*uint32)(ptr) = uint32(n)
	default:
		*(*uint64)(ptr) = n
	}
}

// enter counts a level of nesting, reporting false past maxDepth.
func (d *decoder) enter() bool {
	d.depth++
	return d.depth <= maxDepth
}

// more is called after an element or member: it consumes a ',' and
// reports true, or consumes the closing byte and reports false; ok is
// false for anything else.
func (d *decoder) more(closing byte) (more, ok bool) {
	switch d.next() {
	case ',':
		d.pos++
		return true, true
	case closing:
		d.pos++
		d.depth--
		return false, true
	}
	return false, false
}

// open consumes the opening byte of an array or object and reports
// whether it is empty (its closing byte consumed too); ok is false when
// the value at pos is not one, or is nested too deep.
func (d *decoder) open(opening, closing byte) (empty, ok bool) {
	if d.next() != opening || !d.enter() {
		return false, false
	}
	d.pos++
	if d.next() == closing {
		d.pos++
		d.depth--
		return true, true
	}
	return false, true
}

func (d *decoder) slice(p *plan, ptr unsafe.Pointer) bool {
	start := d.pos
	if d.next() == '[' {
		start = d.pos
	}
	empty, ok := d.open('[', ']')
	if !ok {
		return false
	}
	if empty {
		*(*sliceHeader)(ptr) = sliceHeader{data: p.empty}
		return true
	}
	// One allocation of the right size, rather than growing: Grow writes
	// the header at ptr, which h reads.
	v := reflect.NewAt(p.typ, ptr).Elem()
	v.Grow(d.count(start))
	h, size := (*sliceHeader)(ptr), p.elem.typ.Size()
	for i := 0; ; i++ {
		if i == h.cap {
			v.Grow(1) // counted short (malformed input)
		}
		if !d.value(p.elem, unsafe.Add(h.data, uintptr(i)*size)) {
			return false
		}
		h.len = i + 1
		more, ok := d.more(']')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// sliceHeader is how a slice is held: written as one, its data pointer is
// seen by the collector.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// count returns the number of elements of the non-empty array whose '['
// is at start and whose first element is at pos, for sizing a slice,
// without checking the grammar (decoding does): commas outside strings and
// nested values, plus one. It may be wrong on malformed input, and is at
// least 1. The arrays inside are counted on the way, and looked up when
// they are decoded, so that nested arrays are scanned once, not once per
// level.
func (d *decoder) count(start int) int {
	for d.countAt < len(d.counts) && d.counts[d.countAt].start < start {
		d.countAt++
	}
	if d.countAt < len(d.counts) && d.counts[d.countAt].start == start {
		return d.counts[d.countAt].n
	}
	// Not inside an array counted before: the counts kept so far are of
	// arrays before this one.
	d.counts, d.countAt = d.counts[:0], 0
	// open holds, for each value open inside the array, the index of its
	// count in d.counts, or -1 for an object.
	var openBuf [32]int
	open := openBuf[:0]
	n := 1
	data := d.data
	for i := d.pos; i < len(data); i++ {
		switch data[i] {
		case '"':
			// To the closing quote: the next quote after i not escaped
			// by an odd number of backslashes.
			for {
				q := bytes.IndexByte(data[i+1:], '"')
				if q < 0 {
					return n
				}
				i += 1 + q
				b := i - 1
				for b > d.pos && data[b] == '\\' {
					b--
				}
				if (i-1-b)%2 == 0 {
					break
				}
			}
		case '[':
			open = append(open, len(d.counts))
			d.counts = append(d.counts, arrayCount{start: i, n: 1})
		case '{':
			open = append(open, -1)
		case ']', '}':
			if len(open) == 0 {
				return n
			}
			open = open[:len(open)-1]
		case ',':
			switch {
			case len(open) == 0:
				n++
			case open[len(open)-1] >= 0:
				d.counts[open[len(open)-1]].n++
			}
		}
	}
	return n
}

// key reads a member's name and its ':'.
func (d *decoder) key() ([]byte, bool) {
	if d.next() != '"' {
		return nil, false
	}
	k, ok := d.stringBytes()
	if !ok || d.next() != ':' {
		return nil, false
	}
	d.pos++
	return k, true
}

func (d *decoder) mapValue(p *plan, v reflect.Value) bool {
	empty, ok := d.open('{', '}')
	if !ok {
		return false
	}
	m := reflect.MakeMap(p.typ)
	v.Set(m)
	if empty {
		return true
	}
	kt := p.typ.Key()
	elemPtr := reflect.New(p.elem.typ)
	elem := elemPtr.Elem()
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		kv := reflect.New(kt).Elem()
		kv.SetString(string(k))
		if m.MapIndex(kv).IsValid() {
			return false // given twice
		}
		elem.SetZero()
		if !d.value(p.elem, elemPtr.UnsafePointer()) {
			return false
		}
		m.SetMapIndex(kv, elem)
		more, ok := d.more('}')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// stringMap decodes a map[string]string, the labels and annotations of
// every object, without reflection.
func (d *decoder) stringMap(m *map[string]string) bool {
	if d.maps != nil && d.next() == '{' && d.depth < maxDepth {
		if end := flatObjectEnd(d.data, d.pos); end > 0 {
			// The same text decodes to the same map, or declines (and
			// is then not kept).
			text := d.data[d.pos:end]
			slot := d.maps.slot(text)
			if slot.m != nil && slot.text == string(text) {
				*m = slot.m
				d.pos = end
				return true
			}
			if !d.stringMapOf(m) {
				return false
			}
			slot.text, slot.m = string(text), *m // a copy: the data may be large
			return true
		}
	}
	return d.stringMapOf(m)
}

// stringMapOf decodes a new map[string]string.
func (d *decoder) stringMapOf(m *map[string]string) bool {
	empty, ok := d.open('{', '}')
	if !ok {
		return false
	}
	out := make(map[string]string)
	*m = out
	if empty {
		return true
	}
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		key := d.strings.intern(k)
		if _, dup := out[key]; dup {
			return false
		}
		val := ""
		switch d.next() {
		case 'n':
			if !d.literal("null") {
				return false
			}
		default:
			if val, ok = d.stringValue(); !ok {
				return false
			}
		}
		out[key] = val
		more, ok := d.more('}')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

func (d *decoder) structValue(p *plan, ptr unsafe.Pointer) bool {
	empty, ok := d.open('{', '}')
	if !ok {
		return false
	}
	if empty {
		return true
	}
	var seen [maxFields / 64]uint64
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		i, known := p.field(k)
		if !known || seen[i/64]&(1<<(i%64)) != 0 {
			return false // unknown, or given twice
		}
		seen[i/64] |= 1 << (i % 64)
		f := &p.fields[i]
		if !d.value(f.plan, unsafe.Add(ptr, f.offset)) {
			return false
		}
		more, ok := d.more('}')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// integer reads an integer literal that fits in bits bits (signed or
// not). A number with a fraction or exponent, or out of range, gives
// false: encoding/json refuses it for an integer.
func (d *decoder) integer(bits int, signed bool) (uint64, bool) {
	i := d.pos
	neg := false
	if i < len(d.data) && d.data[i] == '-' {
		if !signed {
			return 0, false
		}
		neg = true
		i++
	}
	start := i
	var n uint64
	for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
		digit := uint64(d.data[i] - '0')
		if n > (1<<64-1-digit)/10 {
			return 0, false // past uint64
		}
		n = n*10 + digit
		i++
	}
	digits := i - start
	if digits == 0 || digits > 1 && d.data[start] == '0' {
		return 0, false
	}
	if i < len(d.data) && (d.data[i] == '.' || d.data[i] == 'e' || d.data[i] == 'E') {
		return 0, false
	}
	d.pos = i
	if !signed {
		if bits < 64 && n >= 1<<bits {
			return 0, false
		}
		return n, true
	}
	limit := uint64(1) << (bits - 1) // the magnitude of the minimum
	if neg {
		if n > limit {
			return 0, false
		}
		return -n, true
	}
	if n >= limit {
		return 0, false
	}
	return n, true
}

// stringValue reads a string at pos.
func (d *decoder) stringValue() (string, bool) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return "", false
	}
	b, ok := d.stringBytes()
	if !ok {
		return "", false
	}
	return d.strings.intern(b), true
}

// stringBytes reads the string whose opening quote is at pos and returns
// its decoded bytes: a slice of data, or a new slice when it holds
// escapes. Invalid UTF-8 and control characters give false.
func (d *decoder) stringBytes() ([]byte, bool) {
	start := d.pos + 1
	i := start
	escaped, high := false, false
	for {
		if i >= len(d.data) {
			return nil, false
		}
		c := d.data[i]
		switch {
		case c == '"':
			raw := d.data[start:i]
			d.pos = i + 1
			if high && !utf8.Valid(raw) {
				return nil, false
			}
			if escaped {
				// Rare: the standard library decodes escapes as the
				// strict decoder's own copy of it does.
				var s string
				if json.Unmarshal(d.data[start-1:i+1], &s) != nil {
					return nil, false
				}
				return []byte(s), true
			}
			return raw, true
		case c == '\\':
			escaped = true
			i++
			if i >= len(d.data) {
				return nil, false
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.data) {
					return nil, false
				}
				for _, h := range d.data[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return nil, false
					}
				}
				i += 4
			default:
				return nil, false
			}
		case c < 0x20:
			return nil, false
		case c >= 0x80:
			high = true
		}
		i++
	}
}

// skip passes over the value at pos, checking its grammar.
func (d *decoder) skip() bool {
	switch c := d.next(); {
	case c == '"':
		_, ok := d.stringBytes()
		return ok
	case c == '{':
		empty, ok := d.open('{', '}')
		if !ok || empty {
			return ok
		}
		for {
			if _, ok := d.key(); !ok || !d.skip() {
				return false
			}
			more, ok := d.more('}')
			if !ok {
				return false
			}
			if !more {
				return true
			}
		}
	case c == '[':
		empty, ok := d.open('[', ']')
		if !ok || empty {
			return ok
		}
		for {
			if !d.skip() {
				return false
			}
			more, ok := d.more(']')
			if !ok {
				return false
			}
			if !more {
				return true
			}
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return false
}

// number passes over a number, checking its grammar.
func (d *decoder) number() bool {
	i := d.pos
	digits := func() int {
		n := 0
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	first := i
	n := digits()
	if n == 0 || n > 1 && d.data[first] == '0' {
		return false
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	d.pos = i
	return true
}
