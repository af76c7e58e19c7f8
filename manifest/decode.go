package manifest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/netpolsim/netpolsim/internal/fielderr"
)

// This file decodes the documents on every core, in three steps: first
// each document is turned into JSON and its object is found and decoded
// into its API type (a list is split into its items); then the items of
// lists are, in turn; last the objects of the kinds the cluster holds as
// they are (stored kinds), each into its place in one array per kind, set
// aside until then because the arrays are sized by the first two steps.
// What the steps find is a list of events, replayed in input order by the
// merge (loader.go). The first step may have begun while the input was
// read (pipe.go).

// maxListDepth bounds lists inside lists.
const maxListDepth = 8

// event is one thing a document or object gave, in input order.
type event struct {
	problem *Problem
	notice  *Notice
	entry   *entry // an object for the cluster
	unit    *unit  // an object still to decode: its events go here
}

// unit is an object of a supported kind found in a document, decoded in
// the second step.
type unit struct {
	o      *object
	raw    []byte
	events []event
	// header is set for an item of a list, whose header is still to be
	// read (object), at list depth depth.
	header bool
	depth  int
	// fields are the members of raw, as object scanned them.
	fields []member
	// ev holds the events of the unit when it gives one, as most do:
	// not an allocation of their own.
	ev [1]event
	// stored is set for an object of a kind that the cluster holds as it
	// is decoded (Pod, Namespace, Node, Service, Ingress, NetworkPolicy),
	// whose decoding waits until every object of its kind is found, so
	// that each is decoded straight into its place in one array per kind
	// (decodeStored).
	stored bool
}

// object is what is known of the object being loaded, for messages.
type object struct {
	src                   Source
	d                     *doc
	apiVersion, kind      string
	namespace, name       string
	listKind, listVersion string // set for the items of a typed list
	// off is the offset of the object's JSON text in the file, or -1 when
	// that text was converted from YAML.
	off int
	// info is kinds[kind], set once the object is known to be of a
	// supported kind (object), before it is decoded.
	info *kindInfo
}

// decoder gathers the events of one document or one object.
type decoder struct {
	l      *loader
	d      *doc
	events []event
	// fields are the members of the object being loaded, when known.
	fields []member
	// into, when not nil, is where decodeStored has an object put: a
	// pointer to the zero value of its type, in a store.
	into any
}

// parallel calls f(0), …, f(n-1) on every core and returns when all
// returned. The cores take the indexes in runs of about a 64th of their
// share, not one by one: the counter they share is then rarely fought
// over, and the last runs are still short enough to balance the work.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	run := max(1, n/(64*workers))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				start := int(next.Add(int64(run))) - run
				if start >= n {
					return
				}
				for i := start; i < min(start+run, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// decodeAll decodes every document of the input.
func (l *loader) decodeAll() {
	rest := l.drainPipe()
	parallel(len(rest), func(i int) { l.prepare(rest[i]) })
	var units []*unit
	for _, d := range l.docs {
		for _, e := range d.events {
			if e.unit != nil && e.unit.header {
				units = append(units, e.unit)
			}
		}
	}
	parallel(len(units), func(i int) { l.process(units[i]) })
	l.decodeStored()
}

// stores are the arrays that objects of the stored kinds are decoded into
// (decodeStored), one per kind in input order; the merge compacts them in
// place into the cluster's (the pods: unless it generates pods too),
// without a copy of them all.
type stores struct {
	pods       []corev1.Pod
	namespaces []corev1.Namespace
	nodes      []corev1.Node
	services   []corev1.Service
	ingresses  []networkingv1.Ingress
	policies   []networkingv1.NetworkPolicy
}

// decodeStored decodes the objects that process set aside, on every core,
// each into its place in the array of its kind (l.stores). With more pods
// than the pod limit, which the load rejects anyway, each pod is decoded
// on its own, so that the array stays bounded.
func (l *loader) decodeStored() {
	var units []*unit
	var find func(events []event)
	find = func(events []event) {
		for _, e := range events {
			switch {
			case e.unit == nil:
			case e.unit.stored:
				units = append(units, e.unit)
			default:
				find(e.unit.events)
			}
		}
	}
	for _, d := range l.docs {
		find(d.events)
	}
	var count [storedKinds + 1]int // the last for none, never counted
	for _, u := range units {
		count[storedIndex(u.o.kind)]++
	}
	if count[storedPod] == 0 {
		// Every pod the merge adds is generated, and the workloads are
		// all decoded: size the merge now, alongside the decoding of the
		// stored objects (see size).
		var sized sync.WaitGroup
		sized.Go(func() { l.size(len(units)) })
		defer sized.Wait()
	}
	if len(units) == 0 {
		return
	}
	s := &l.stores
	if n := count[storedPod]; n > 0 && n <= l.opts.maxPods() {
		s.pods = make([]corev1.Pod, n)
	}
	s.namespaces = makeStore[corev1.Namespace](count[storedNamespace])
	s.nodes = makeStore[corev1.Node](count[storedNode])
	s.services = makeStore[corev1.Service](count[storedService])
	s.ingresses = makeStore[networkingv1.Ingress](count[storedIngress])
	s.policies = makeStore[networkingv1.NetworkPolicy](count[storedPolicy])
	places := make([]any, len(units))
	var next [storedKinds + 1]int
	for i, u := range units {
		k := storedIndex(u.o.kind)
		j := next[k]
		next[k]++
		switch k {
		case storedPod:
			if s.pods != nil {
				places[i] = &s.pods[j]
			}
		case storedNamespace:
			places[i] = &s.namespaces[j]
		case storedNode:
			places[i] = &s.nodes[j]
		case storedService:
			places[i] = &s.services[j]
		case storedIngress:
			places[i] = &s.ingresses[j]
		case storedPolicy:
			places[i] = &s.policies[j]
		}
	}
	parallel(len(units), func(i int) {
		u := units[i]
		dec := &decoder{l: l, d: u.o.d, fields: u.fields, into: places[i], events: u.ev[:0]}
		dec.load(u.o, u.raw)
		u.events, u.fields, u.raw = dec.events, nil, nil
	})
}

// makeStore returns an array of n zero values, or nil when n is 0.
func makeStore[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, n)
}

// The stored kinds, numbered for counting and placing them (see
// storedIndex).
const (
	storedPod = iota
	storedNamespace
	storedNode
	storedService
	storedIngress
	storedPolicy
	storedKinds // the number of stored kinds
)

// storedIndex returns the index of kind among the stored kinds, or
// storedKinds (past them) when objects of kind are not stored: a switch,
// not a map, as it is asked twice for every stored object.
func storedIndex(kind string) int {
	switch kind {
	case "Pod":
		return storedPod
	case "Namespace":
		return storedNamespace
	case "Node":
		return storedNode
	case "Service":
		return storedService
	case "Ingress":
		return storedIngress
	case "NetworkPolicy":
		return storedPolicy
	}
	return storedKinds
}

// storedKind reports whether objects of kind are decoded into a store.
func storedKind(kind string) bool { return storedIndex(kind) < storedKinds }

// process decodes the object of u, and the objects it holds in turn.
func (l *loader) process(u *unit) {
	dec := &decoder{l: l, d: u.o.d, events: u.ev[:0]}
	if u.header {
		dec.object(u.o, u.raw, u.depth)
	} else {
		dec.fields = u.fields
		dec.load(u.o, u.raw)
		u.fields = nil // the result keeps the units; not their members
	}
	u.events = dec.events
	for _, e := range u.events {
		if e.unit != nil && !e.unit.stored {
			l.process(e.unit)
		}
	}
	u.raw = nil // decoded: only the units set aside still need their text
}

// prepare turns a document into JSON and finds its objects.
func (l *loader) prepare(d *doc) {
	dec := &decoder{l: l, d: d, events: d.ev[:0]}
	if d.problem != nil {
		dec.events = append(dec.events, event{problem: d.problem})
	}
	if d.text != nil {
		raw, off := d.text, d.off
		if !d.json {
			raw, off = dec.yamlToJSON(), -1
		}
		if raw != nil && !isNull(raw) {
			dec.object(&object{src: d.src, d: d, off: off}, raw, 0)
		}
	}
	d.events = dec.events
	// The object of the document, while its text is at hand; the items
	// of a list wait for the next step, on every core.
	for _, e := range d.events {
		if e.unit != nil && !e.unit.header && !e.unit.stored {
			l.process(e.unit)
		}
	}
}

// problem records a problem.
func (l *decoder) problem(p Problem) { l.events = append(l.events, event{problem: &p}) }

// objProblem records a problem of o about the field at path (empty for
// the whole object), at the line of that field when it can be found.
func (l *decoder) objProblem(o *object, path, msg string, err error) {
	l.problem(Problem{Source: l.locate(o, path), Kind: o.kind, Namespace: o.namespace, Name: o.name, Field: path, Message: oneLine(msg), Err: err})
}

// fieldProblems records field errors of o.
func (l *decoder) fieldProblems(o *object, errs field.ErrorList, err error) {
	for _, fe := range errs {
		e := *fe
		e.Field = ""
		l.objProblem(o, fe.Field, fielderr.Message(&e), err)
	}
}

// notice records a notice about o.
func (l *decoder) notice(o *object, reason NoticeReason, msg string) {
	l.events = append(l.events, event{notice: &Notice{
		Source: l.locate(o, ""), Reason: reason, APIVersion: o.apiVersion, Kind: o.kind, Namespace: o.namespace, Name: o.name, Message: msg,
	}})
}

// object reads the header of raw into o and hands raw to the loader of its
// kind.
func (l *decoder) object(o *object, raw []byte, depth int) {
	var kindRaw, avRaw, metaRaw, itemsRaw []byte
	itemsOff := 0
	dupItems := false
	var othersBuf [2]string
	others := othersBuf[:0] // the other keys, which a list may not have
	// The items of a list are found while the object is scanned, not in
	// another scan of them.
	var spans []itemSpan
	skipItems := func(key string, data []byte, pos int) (int, bool) {
		if key != "items" {
			return skipValue(data, pos)
		}
		spans = spans[:0]
		end, ok := scanElements(data, pos, func(_ int, v []byte, off int) {
			spans = append(spans, itemSpan{off - pos, off - pos + len(v)})
		})
		if !ok {
			spans = nil
			return skipValue(data, pos)
		}
		return end, true
	}
	// The members, kept for a Pod (fastPod); on the stack for the usual
	// few.
	var buf [8]member
	fields := buf[:0]
	isObject := membersSkip(raw, func(f member) bool {
		fields = append(fields, f)
		switch f.key {
		case "kind":
			kindRaw = f.value
		case "apiVersion":
			avRaw = f.value
		case "metadata":
			metaRaw = f.value
		case "items":
			if itemsRaw != nil {
				dupItems = true
			}
			itemsRaw, itemsOff = f.value, f.off
		default:
			others = append(others, f.key)
		}
		// The rest of an object of a kind decoded as a whole (not a list,
		// nor a Pod, whose members are kept) is not scanned here: its
		// decoding reads it, and reports its syntax errors.
		return kindRaw == nil || avRaw == nil || metaRaw == nil || !decodedWhole(kindRaw)
	}, skipItems)
	if !isObject {
		if l.malformedJSON(o, raw) {
			return
		}
		if depth == 0 && o.d.walked {
			l.notice(o, Skipped, "skipped: not a Kubernetes object: expected object, got "+jsonKind(raw))
			return
		}
		l.objProblem(o, "", "expected object, got "+jsonKind(raw), nil)
		return
	}
	if metaRaw != nil {
		members(metaRaw, func(f member) bool {
			switch f.key {
			case "name":
				o.name, _ = jsonString(f.value)
			case "namespace":
				o.namespace, _ = jsonString(f.value)
			}
			return true
		})
	}
	if depth == 0 && o.d.walked {
		// In a directory walk, a document that is no Kubernetes object
		// (say a Helm values.yaml) is no problem.
		_, kindOK := headerValue(kindRaw, "")
		_, avOK := headerValue(avRaw, "")
		if !kindOK || !avOK {
			if !l.malformedJSON(o, raw) {
				l.notice(o, Skipped, "skipped: not a Kubernetes object: no apiVersion and kind")
			}
			return
		}
	}
	kind, kindOK := l.headerString(o, kindRaw, "kind", strings.TrimSuffix(o.listKind, "List"))
	if kindOK {
		o.kind = kind
	}
	apiVersion, avOK := l.headerString(o, avRaw, "apiVersion", o.listVersion)
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
		if dupItems {
			l.objProblem(o, "items", "duplicate field", nil)
		}
		l.list(o, others, itemsRaw, itemsOff, spans, depth)
		return
	}
	if max := l.l.opts.maxDocumentBytes(); int64(len(raw)) > max || depth == 0 && int64(len(o.d.text)) > max {
		l.objProblem(o, "", fmt.Sprintf("larger than %d bytes, the limit of one document or list item (see Options.MaxDocumentBytes)", max), ErrMaxDocumentBytes)
		return
	}
	k, known := kinds[kind]
	if !known || !reads(kind, k, apiVersion) {
		_, convert := conversions[apiVersion+" "+kind]
		switch {
		case convert:
			l.notice(o, Converted, fmt.Sprintf("converted: %s %s is read as %s %s", apiVersion, kind, k.apiVersion, kind))
		case known && sameGroup(apiVersion, k.apiVersion):
			l.objProblem(o, "apiVersion", fmt.Sprintf("unsupported value %q: %s is read as %s", apiVersion, kind, k.apiVersion), nil)
			return
		default:
			if l.malformedJSON(o, raw) {
				return
			}
			l.notice(o, Skipped, fmt.Sprintf("skipped: %s %s is not simulated", apiVersion, kind))
			return
		}
	}
	o.info = k
	// Name the object as it will be named once decoded.
	if !k.namespaced {
		o.namespace = ""
	} else if o.namespace == "" {
		o.namespace = metav1.NamespaceDefault
	}
	var kept []member
	if kind == "Pod" {
		kept = slices.Clone(fields)
	}
	// An object of a stored kind is set aside for decodeStored; converted
	// ones too: every object of the kind has its place in the store, so
	// that compacting it in place overwrites none still to come (see
	// appendInPlace).
	l.events = append(l.events, event{unit: &unit{o: o, raw: raw, fields: kept, stored: storedKind(kind)}})
}

// decodedWhole reports whether kindRaw, the JSON text of an object's kind,
// names a supported kind that is decoded as a whole: not a list, nor a Pod.
func decodedWhole(kindRaw []byte) bool {
	if len(kindRaw) < 2 || kindRaw[0] != '"' {
		return false
	}
	kind := kindRaw[1 : len(kindRaw)-1]
	return kinds[string(kind)] != nil && string(kind) != "Pod"
}

// malformedJSON reports whether raw, the JSON text of o as found in the
// file, has a syntax error, and records it. Text converted from YAML is
// never malformed.
func (l *decoder) malformedJSON(o *object, raw []byte) bool {
	if o.off < 0 {
		return false
	}
	msg, bad := jsonSyntaxMessage(raw, o.off, o.d.lines)
	if bad {
		l.problem(Problem{Source: l.locate(o, ""), Message: msg})
	}
	return bad
}

// headerValue decodes the string raw, the value of apiVersion or kind, or
// returns def when raw is absent or null and def is not empty.
func headerValue(raw []byte, def string) (string, bool) {
	if raw == nil || isNull(raw) {
		return def, def != ""
	}
	s, ok := jsonString(raw)
	return s, ok && s != ""
}

// headerString reads the string raw at key of an object, or def when the
// key is absent and def is not empty. It records a problem and returns
// false when there is no usable value.
func (l *decoder) headerString(o *object, raw []byte, key, def string) (string, bool) {
	if raw == nil || isNull(raw) {
		if def != "" {
			return def, true
		}
		l.objProblem(o, key, "required value", nil)
		return "", false
	}
	s, ok := jsonString(raw)
	if !ok {
		l.objProblem(o, key, "expected string, got "+jsonKind(raw), nil)
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
// such as PodList, in the supported version or a version converted to it.
func isTypedList(apiVersion, kind string) bool {
	item, ok := strings.CutSuffix(kind, "List")
	if !ok {
		return false
	}
	if k, ok := kinds[item]; ok && reads(item, k, apiVersion) {
		return true
	}
	_, ok = conversions[apiVersion+" "+item]
	return ok
}

// list loads the items of a v1 List or of a typed list, whose keys besides
// apiVersion, kind, metadata and items are others. The items of a typed
// list may leave out apiVersion and kind, as the API server does. The
// list's own metadata is the server's and is not read. The items are read
// on every core (see process).
func (l *decoder) list(o *object, others []string, items []byte, itemsOff int, spans []itemSpan, depth int) {
	if depth >= maxListDepth {
		l.objProblem(o, "", fmt.Sprintf("lists nested more than %d deep", maxListDepth), nil)
		return
	}
	for _, key := range others {
		l.objProblem(o, key, "unknown field", nil)
	}
	if items == nil || isNull(items) {
		return
	}
	base := -1
	if o.off >= 0 {
		base = o.off + itemsOff
	}
	item := func(i int, item []byte, off int) {
		it := &object{src: o.src, d: o.d, off: -1}
		if base >= 0 {
			it.off = base + off
		}
		it.src.Item = joinPath(o.src.Item, "items["+strconv.Itoa(i)+"]")
		if o.kind != "List" {
			it.listKind, it.listVersion = o.kind, o.apiVersion
		}
		l.events = append(l.events, event{unit: &unit{o: it, raw: item, header: true, depth: depth + 1}})
	}
	ok := true
	if spans != nil {
		for i, s := range spans {
			item(i, items[s.start:s.end], s.start)
		}
	} else {
		ok = elements(items, item)
	}
	if !ok {
		l.objProblem(o, "items", "expected array, got "+jsonKind(items), nil)
	}
}

// itemSpan is where an item of a list is in the list's items array.
type itemSpan struct{ start, end int }

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
//
// What the server writes is never a problem: unknown fields and fields
// given twice in status, and the fields of metadata and spec that older
// versions of the API carried (see retiredFields). A status that cannot be
// decoded at all is dropped with a notice. (Pods are read by fastPod
// first, and their status only in part: see pod.go.)
func (l *decoder) decode(o *object, raw []byte, obj any) bool {
	if fastPaths {
		if l.l.share.json.Decode(raw, obj) {
			return true
		}
		reflect.ValueOf(obj).Elem().SetZero()
	}
	strictErrs, err := sigsjson.UnmarshalStrict(raw, obj)
	if err != nil {
		path, msg := typeError(raw, err, reflect.TypeOf(obj).Elem())
		if path == "" && l.malformedJSON(o, raw) {
			return false
		}
		if statusField(path) {
			if stripped := withoutStatus(raw); stripped != nil {
				reflect.ValueOf(obj).Elem().SetZero()
				if l.decode(o, stripped, obj) {
					l.notice(o, StatusIgnored, "status ignored: "+path+": "+msg)
					return true
				}
				return false
			}
		}
		l.objProblem(o, path, msg, nil)
		return false
	}
	for _, e := range strictErrs {
		path, msg := "", e.Error()
		if fe, ok := e.(sigsjson.FieldError); ok {
			path = fe.FieldPath()
			msg = strings.TrimSpace(strings.TrimSuffix(msg, strconv.Quote(path)))
			if statusField(path) || strings.HasPrefix(msg, "unknown field") && (retiredFields[path] || retiredFields[o.kind+" "+path]) {
				continue
			}
		}
		l.objProblem(o, path, msg, nil)
	}
	return true
}

// statusField reports whether the field at path is in the status, which
// the API server writes.
func statusField(path string) bool {
	return path == "status" || strings.HasPrefix(path, "status.") || strings.HasPrefix(path, "status[")
}

// retiredFields are fields that older versions of the API carried and
// that objects exported from older clusters still hold, by path or by
// "Kind path". They mean nothing to the simulation. Other unknown fields
// of metadata stay problems: a misspelt metadata.namespace would move the
// object.
var retiredFields = map[string]bool{
	"metadata.clusterName":      true, // removed in Kubernetes 1.25
	"metadata.initializers":     true, // removed in Kubernetes 1.14
	"Service spec.topologyKeys": true, // removed in Kubernetes 1.22
}

// withoutStatus returns the JSON object raw without its status member, or
// nil when it has none.
func withoutStatus(raw []byte) []byte {
	var out []byte
	found := false
	members(raw, func(f member) bool {
		if f.key == "status" {
			found = true
			return true
		}
		if out == nil {
			out = append(out, '{')
		} else {
			out = append(out, ',')
		}
		key, _ := json.Marshal(f.key)
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, f.value...)
		return true
	})
	if !found {
		return nil
	}
	if out == nil {
		return []byte("{}")
	}
	return append(out, '}')
}

// fastPaths enables the fast paths (fastyaml.go, pod.go, strictjson in
// decode and strictInto); tests turn them
// off to compare.
var fastPaths = true

// yamlToJSON converts the document's YAML to JSON, or records why it
// cannot and returns nil. The block-style YAML of most manifests takes the
// fast path (fastyaml.go); the rest, and every document with a problem,
// goes through go-yaml. Keys given twice are problems, and the document
// is read on with the later value, to find more.
func (l *decoder) yamlToJSON() []byte {
	d := l.d
	if fastPaths {
		if js, ok := fastYAMLToJSON(d.text); ok {
			return js
		}
	}
	js, err := sigsyaml.YAMLToJSONStrict(d.text)
	if err == nil {
		return js
	}
	loose, err2 := sigsyaml.YAMLToJSON(d.text)
	if err2 != nil {
		for _, msg := range yamlMessages(err2, d.lineBase) {
			l.problem(Problem{Source: d.src, Message: "malformed yaml: " + msg})
		}
		return nil
	}
	// Only the strict reading failed: keys given twice in a mapping.
	for _, msg := range yamlMessages(err, d.lineBase) {
		l.problem(Problem{Source: d.src, Message: "malformed yaml: " + msg})
	}
	return loose
}
