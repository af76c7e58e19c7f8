package manifest

import (
	"bytes"
	"hash/maphash"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/internal/strictjson"
)

// This file lets equal parts of decoded objects share one copy: the
// replicas of a ReplicaSet in a dump carry the same labels, owner and
// containers, and many policies name the same selectors. At 150,000 pods
// and 300,000 policies that is several hundred megabytes held once rather
// than thousands of times. A pod's metadata and spec members are shared by
// their JSON text, before decoding (members), so that replicas decode them
// once; policies' selectors by their content, after decoding (a hash finds
// the candidate, a comparison decides). Either way what a load yields is
// unchanged but for the sharing. Pods that the fast path declines are not
// shared: they are the odd ones.

// sharer holds one copy of each part seen so far, for the decoders of one
// load on every core.
type sharer struct {
	seed   maphash.Seed
	shards [64]shareShard
	// json decodes, sharing the maps of strings decoded from one text
	// (the labels and selectors that objects repeat). Not in the sharer
	// itself: its sync.Pool outlives the load by two collections, and
	// would keep the sharer, and the input's text its entries hold.
	json *strictjson.Shared
	// hashes remembers the hashes of label maps by the maps' identity:
	// json gives one map for the label sets that policies repeat, which
	// then need not be walked again. A cache that forgets on collision.
	hashes [256]atomic.Pointer[labelsHash]
}

// labelsHash is the hash of the label map m, whose identity is id.
type labelsHash struct {
	id unsafe.Pointer
	m  map[string]string // kept, so that id is not another map's later
	h  uint64
}

// mapID returns the identity of m: what two variables holding the same
// map share.
func mapID(m map[string]string) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&m)) }

// sameMap reports whether a and b are the same map (not merely equal).
func sameMap(a, b map[string]string) bool { return mapID(a) == mapID(b) }

type shareShard struct {
	mu sync.Mutex
	m  map[shareKey]any
	// raw holds decoded members by their JSON text (members).
	raw map[rawKey]rawEntry
}

// rawKey is the hash of a member's JSON text, and which member it is.
type rawKey struct {
	fields *structFields
	field  int
	hash   uint64
}

// rawEntry is a member's JSON text and the value it decoded to.
type rawEntry struct {
	raw []byte
	v   reflect.Value
}

// shareKey is a part's hash; what tells parts of different types apart.
type shareKey struct {
	what uint8
	hash uint64
}

// The kinds of shared parts.
const (
	shareLabels   uint8 = iota // map[string]string
	shareSelector              // *metav1.LabelSelector
)

func newSharer() *sharer { return &sharer{seed: maphash.MakeSeed(), json: new(strictjson.Shared)} }

// structFields maps the JSON member names of a struct type whose fields
// all have plain JSON names to the fields' indexes.
type structFields struct {
	index map[string]int
	n     int
}

// The types that members decodes member by member.
var (
	objectMetaFields = jsonFields(reflect.TypeFor[metav1.ObjectMeta]())
	podSpecFields    = jsonFields(reflect.TypeFor[corev1.PodSpec]())
)

// jsonFields lists the fields of t by JSON name. A field without a JSON
// name of its own (embedded, untagged, "-") is left out: members then
// declines an object that has it, as it does any member it does not know.
func jsonFields(t reflect.Type) *structFields {
	f := &structFields{index: map[string]int{}, n: t.NumField()}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous || !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f.index[name] = i
	}
	return f
}

// members decodes the JSON object raw into the struct v (of the type
// fields describes) member by member, and reports whether it gave what
// strict decoding of raw as a whole would: false for anything else (not an
// object, a member unknown or given twice, a member that strict decoding
// objects to), v then being partly written. An object or array member
// whose text was decoded before, for any object of this load, takes the
// value decoded then, shared: the replicas of a ReplicaSet decode their
// labels, owner and containers once.
func (s *sharer) members(raw []byte, v reflect.Value, fields *structFields) bool {
	seen := make([]bool, fields.n)
	ok := true
	scanned := members(raw, func(m member) bool {
		i, known := fields.index[m.key]
		if !known || seen[i] {
			ok = false
			return false
		}
		seen[i] = true
		field := v.Field(i)
		if c := m.value[0]; c == '{' || c == '[' {
			ok = s.decodeShared(rawKey{fields, i, maphash.Bytes(s.seed, m.value)}, m.value, field)
		} else {
			ok = s.strictInto(m.value, field.Addr().Interface())
		}
		return ok
	})
	return scanned && ok
}

// decodeShared decodes raw into field, or sets field to the value raw
// decoded to before. Decoders on other cores may decode the same text at
// once; the first to keep its value gives it to the others.
func (s *sharer) decodeShared(k rawKey, raw []byte, field reflect.Value) bool {
	sh := &s.shards[k.hash%uint64(len(s.shards))]
	sh.mu.Lock()
	e, found := sh.raw[k]
	sh.mu.Unlock()
	if found && bytes.Equal(e.raw, raw) {
		field.Set(e.v)
		return true
	}
	if !s.strictInto(raw, field.Addr().Interface()) {
		return false
	}
	if found {
		return true // another text with the same hash keeps the place
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, found := sh.raw[k]; found {
		if bytes.Equal(e.raw, raw) {
			field.Set(e.v) // kept meanwhile, by another core
		}
		return true
	}
	if sh.raw == nil {
		sh.raw = make(map[rawKey]rawEntry)
	}
	v := reflect.New(field.Type()).Elem()
	v.Set(field)
	sh.raw[k] = rawEntry{raw, v}
	return true
}

// share returns the copy of v kept so far under (what, h) when equal says
// it is equal to v, and else v, which is kept when nothing is kept there
// yet.
func share[T any](s *sharer, what uint8, h uint64, v T, equal func(a, b T) bool) T {
	sh := &s.shards[h%uint64(len(s.shards))]
	k := shareKey{what, h}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if kept, ok := sh.m[k]; ok {
		if kv := kept.(T); equal(kv, v) {
			return kv
		}
		return v
	}
	if sh.m == nil {
		sh.m = make(map[shareKey]any)
	}
	sh.m[k] = v
	return v
}

// labels returns m, or an equal map kept before. Nil and empty maps are
// kept as they are: they are not worth sharing, and nil differs from
// empty.
func (s *sharer) labels(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	return share(s, shareLabels, s.labelsHash(m), m, labelsEqual)
}

// labelsEqual reports whether the label maps a and b are equal, at once
// when they are one map.
func labelsEqual(a, b map[string]string) bool { return sameMap(a, b) || maps.Equal(a, b) }

// labelsHash returns the hash of m, independent of map order and of the
// map's identity: from hashes when it holds m.
func (s *sharer) labelsHash(m map[string]string) uint64 {
	id := mapID(m)
	slot := &s.hashes[uintptr(id)>>4%uintptr(len(s.hashes))]
	if e := slot.Load(); e != nil && e.id == id {
		return e.h
	}
	var h maphash.Hash
	h.SetSeed(s.seed)
	hashLabels(&h, m)
	sum := h.Sum64()
	if id != nil {
		slot.Store(&labelsHash{id: id, m: m, h: sum})
	}
	return sum
}

// hashLabels adds m to h independently of map order: the sum of the
// entries' own hashes.
func hashLabels(h *maphash.Hash, m map[string]string) {
	var sum uint64
	for k, v := range m {
		sum += maphash.String(h.Seed(), k) ^ maphash.String(h.Seed(), v)*0x9e3779b97f4a7c15
	}
	maphash.WriteComparable(h, sum)
	maphash.WriteComparable(h, len(m))
}

// networkPolicy shares the selectors of x.
func (s *sharer) networkPolicy(x *networkingv1.NetworkPolicy) {
	x.Spec.PodSelector.MatchLabels = s.labels(x.Spec.PodSelector.MatchLabels)
	peers := func(ps []networkingv1.NetworkPolicyPeer) {
		for i := range ps {
			ps[i].PodSelector = s.selector(ps[i].PodSelector)
			ps[i].NamespaceSelector = s.selector(ps[i].NamespaceSelector)
		}
	}
	for i := range x.Spec.Ingress {
		peers(x.Spec.Ingress[i].From)
	}
	for i := range x.Spec.Egress {
		peers(x.Spec.Egress[i].To)
	}
}

// selector returns sel, or an equal selector kept before.
func (s *sharer) selector(sel *metav1.LabelSelector) *metav1.LabelSelector {
	if sel == nil {
		return nil
	}
	var h maphash.Hash
	h.SetSeed(s.seed)
	maphash.WriteComparable(&h, s.labelsHash(sel.MatchLabels))
	maphash.WriteComparable(&h, sel.MatchLabels == nil)
	for _, r := range sel.MatchExpressions {
		h.WriteString(r.Key)
		h.WriteString(string(r.Operator))
		for _, v := range r.Values {
			h.WriteString(v)
		}
		maphash.WriteComparable(&h, len(r.Values))
	}
	return share(s, shareSelector, h.Sum64(), sel, selectorEqual)
}

// selectorEqual is reflect.DeepEqual for selectors, without reflection.
func selectorEqual(a, b *metav1.LabelSelector) bool {
	return (a.MatchLabels == nil) == (b.MatchLabels == nil) && labelsEqual(a.MatchLabels, b.MatchLabels) &&
		(a.MatchExpressions == nil) == (b.MatchExpressions == nil) &&
		slices.EqualFunc(a.MatchExpressions, b.MatchExpressions, func(x, y metav1.LabelSelectorRequirement) bool {
			return x.Key == y.Key && x.Operator == y.Operator && (x.Values == nil) == (y.Values == nil) && slices.Equal(x.Values, y.Values)
		})
}
