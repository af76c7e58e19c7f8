package strictjson_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"
	sigsjson "sigs.k8s.io/json"
	anpv1alpha1 "sigs.k8s.io/network-policy-api/apis/v1alpha1"
	cnpv1alpha2 "sigs.k8s.io/network-policy-api/apis/v1alpha2"
	cnpv1beta1 "sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/internal/strictjson"
)

// apiTypes are the types the loader decodes.
var apiTypes = []reflect.Type{
	reflect.TypeFor[corev1.Pod](),
	reflect.TypeFor[corev1.Service](),
	reflect.TypeFor[corev1.Namespace](),
	reflect.TypeFor[corev1.Node](),
	reflect.TypeFor[corev1.ReplicationController](),
	reflect.TypeFor[appsv1.Deployment](),
	reflect.TypeFor[appsv1.ReplicaSet](),
	reflect.TypeFor[appsv1.StatefulSet](),
	reflect.TypeFor[appsv1.DaemonSet](),
	reflect.TypeFor[batchv1.Job](),
	reflect.TypeFor[batchv1.CronJob](),
	reflect.TypeFor[networkingv1.NetworkPolicy](),
	reflect.TypeFor[networkingv1.Ingress](),
	reflect.TypeFor[anpv1alpha1.AdminNetworkPolicy](),
	reflect.TypeFor[anpv1alpha1.BaselineAdminNetworkPolicy](),
	reflect.TypeFor[cnpv1alpha2.ClusterNetworkPolicy](),
	reflect.TypeFor[cnpv1beta1.ClusterNetworkPolicy](),
	reflect.TypeFor[metav1.ObjectMeta](),
	reflect.TypeFor[corev1.PodSpec](),
}

// tb is what the oracle needs of a *testing.T or *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// oracle decodes data into a new value of typ both ways and fails t when
// Decode accepted what strict decoding objects to, or gave another value.
// It reports whether Decode accepted.
func oracle(t tb, data []byte, typ reflect.Type) bool {
	t.Helper()
	fast := reflect.New(typ)
	ok := strictjson.Decode(data, fast.Interface())
	if !ok {
		return false
	}
	slow := reflect.New(typ)
	strictErrs, err := sigsjson.UnmarshalStrict(data, slow.Interface())
	if err != nil || len(strictErrs) > 0 {
		t.Fatalf("Decode accepted %s into %v; strict decoding: %v %v", data, typ, err, strictErrs)
	}
	if !reflect.DeepEqual(fast.Interface(), slow.Interface()) {
		t.Fatalf("Decode of %s into %v differs from strict decoding (-strict +Decode):\n%s", data, typ,
			cmp.Diff(slow.Interface(), fast.Interface(), cmp.Exporter(func(reflect.Type) bool { return true })))
	}
	return true
}

// oracleShared is oracle for Shared.Decode, through shared: it must
// accept what Decode accepts, and give the same value.
func oracleShared(t tb, shared *strictjson.Shared, data []byte, typ reflect.Type) {
	t.Helper()
	plain := reflect.New(typ)
	ok := strictjson.Decode(data, plain.Interface())
	got := reflect.New(typ)
	if shared.Decode(data, got.Interface()) != ok {
		t.Fatalf("Shared.Decode of %s into %v: accepted %v, Decode %v", data, typ, !ok, ok)
	}
	if ok && !reflect.DeepEqual(got.Interface(), plain.Interface()) {
		t.Fatalf("Shared.Decode of %s into %v differs from Decode (-Decode +Shared):\n%s", data, typ,
			cmp.Diff(plain.Interface(), got.Interface(), cmp.Exporter(func(reflect.Type) bool { return true })))
	}
}

// filler fills values of API types at random.
type filler struct {
	r     *rand.Rand
	depth int
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	microTimeType   = reflect.TypeFor[metav1.MicroTime]()
	durationType    = reflect.TypeFor[metav1.Duration]()
)

// strs are strings that exercise escapes and UTF-8 once marshalled.
var strs = []string{"", "a", "app", "web-1", "TCP", "10.0.0.0/8", "Tab\there", `quo"te`, `back\slash`, "<&>", "é", "日本", "\u2028", "\x01", "ns-1", "kubernetes.io/name"}

var quantities = []string{"0", "1", "100m", "128Mi", "1.5", "2Gi", "1e3", "-1"}

func (f *filler) fill(v reflect.Value) {
	r := f.r
	switch v.Type() {
	case quantityType:
		v.Set(reflect.ValueOf(resource.MustParse(quantities[r.IntN(len(quantities))])))
		return
	case intOrStringType:
		if r.IntN(2) == 0 {
			v.Set(reflect.ValueOf(intstr.FromInt32(r.Int32N(70000) - 100)))
		} else {
			v.Set(reflect.ValueOf(intstr.FromString(strs[r.IntN(len(strs))])))
		}
		return
	case timeType:
		v.Set(reflect.ValueOf(metav1.NewTime(time.Unix(r.Int64N(2e9), 0))))
		return
	case microTimeType:
		v.Set(reflect.ValueOf(metav1.NewMicroTime(time.Unix(r.Int64N(2e9), r.Int64N(1e9)/1000*1000))))
		return
	case durationType:
		v.Set(reflect.ValueOf(metav1.Duration{Duration: time.Duration(r.Int64N(1e12))}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[r.IntN(len(strs))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := v.Type().Bits()
		switch r.IntN(4) {
		case 0:
			v.SetInt(-1 << (bits - 1))
		case 1:
			v.SetInt(1<<(bits-1) - 1)
		default:
			v.SetInt(r.Int64N(200) - 50)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(r.IntN(100)) / 4)
	case reflect.Pointer:
		if f.depth > 12 || r.IntN(3) == 0 {
			return
		}
		e := reflect.New(v.Type().Elem())
		f.nested(e.Elem())
		v.Set(e)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if r.IntN(2) == 0 {
				v.SetBytes([]byte(`{"f:x":{}}`)) // FieldsV1 and RawExtension hold JSON
			}
			return
		}
		n := r.IntN(4) - 1
		if n < 0 || f.depth > 12 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.nested(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := r.IntN(4) - 1
		if n < 0 || f.depth > 12 || v.Type().Key().Kind() != reflect.String {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(strs[r.IntN(len(strs))])
			e := reflect.New(v.Type().Elem()).Elem()
			f.nested(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && r.IntN(3) != 0 {
				f.nested(v.Field(i))
			}
		}
	}
}

func (f *filler) nested(v reflect.Value) {
	f.depth++
	f.fill(v)
	f.depth--
}

// randomJSON returns a random value of typ as JSON.
func randomJSON(t *rapid.T, typ reflect.Type) []byte {
	f := &filler{r: rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1))}
	v := reflect.New(typ)
	f.fill(v.Elem())
	js, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// node is a JSON value being mutated: an object (keys raw, as written), an
// array, or a scalar's raw text.
type node struct {
	obj   bool
	arr   bool
	keys  []string
	kids  []*node
	value string
}

func parse(v any) *node {
	switch v := v.(type) {
	case map[string]any:
		n := &node{obj: true}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range v {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			kj, _ := json.Marshal(k)
			n.keys = append(n.keys, string(kj))
			n.kids = append(n.kids, parse(v[k]))
		}
		return n
	case []any:
		n := &node{arr: true}
		for _, e := range v {
			n.kids = append(n.kids, parse(e))
		}
		return n
	}
	js, _ := json.Marshal(v)
	return &node{value: string(js)}
}

func (n *node) write(b *bytes.Buffer, space string) {
	switch {
	case n.obj:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(space + k + space + ":" + space)
			n.kids[i].write(b, space)
		}
		b.WriteString(space + "}")
	case n.arr:
		b.WriteByte('[')
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString("," + space)
			}
			k.write(b, space)
		}
		b.WriteString(space + "]")
	default:
		b.WriteString(n.value)
	}
}

// all lists n and the nodes below it.
func (n *node) all() []*node {
	out := []*node{n}
	for _, k := range n.kids {
		out = append(out, k.all()...)
	}
	return out
}

// values are what a mutation puts in place of a value.
var values = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.0`, `1e2`, `-1.5e-3`, `0.5`,
	`2147483647`, `2147483648`, `-2147483648`, `-2147483649`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775808`, `18446744073709551615`, `18446744073709551616`, `99999999999999999999999`,
	`""`, `"a"`, `"100m"`, `"1Gi"`, `"http"`, `"2024-05-01T10:00:00Z"`, `"\u0041"`, `"\ud800"`, `"\ud83d\ude00"`, `"a\/b"`,
	`[]`, `{}`, `[null]`, `[{}]`, `{"a":"b"}`, `{"a":null}`, `{"a":1,"a":2}`, `[1,2]`, `["x"]`,
	"\"\xff\"", "\"\xc3\xa9\"", `"tab	in"`,
}

// mutate changes the JSON tree at random.
func mutate(t *rapid.T, root *node) {
	nodes := root.all()
	n := nodes[rapid.IntRange(0, len(nodes)-1).Draw(t, "node")]
	var objs, containers, numbers, strings_ []*node
	for _, x := range nodes {
		if x.obj && len(x.keys) > 0 {
			objs = append(objs, x)
		}
		if (x.obj || x.arr) && len(x.kids) > 0 {
			containers = append(containers, x)
		}
		if _, err := strconv.ParseInt(x.value, 10, 64); err == nil {
			numbers = append(numbers, x)
		}
		if len(x.value) > 2 && x.value[0] == '"' {
			strings_ = append(strings_, x)
		}
	}
	pick := func(from []*node) *node {
		if len(from) == 0 {
			return &node{}
		}
		return from[rapid.IntRange(0, len(from)-1).Draw(t, "node")]
	}
	switch rapid.IntRange(0, 8).Draw(t, "mutation") {
	case 0: // another value
		*n = node{value: rapid.SampledFrom(values).Draw(t, "value")}
	case 1, 2: // a key renamed, or escaped
		if len(objs) == 0 {
			return
		}
		o := rapid.SampledFrom(objs).Draw(t, "obj")
		i := rapid.IntRange(0, len(o.keys)-1).Draw(t, "key")
		k := o.keys[i]
		switch rapid.IntRange(0, 4).Draw(t, "how") {
		case 0:
			o.keys[i] = strings.ToUpper(k[:2]) + k[2:]
		case 1:
			o.keys[i] = k[:len(k)-1] + `x"`
		case 2:
			if len(k) > 2 {
				o.keys[i] = `"` + fmt.Sprintf(`\u%04x`, k[1]) + k[2:]
			}
		case 3:
			o.keys[i] = `"` + k[1:len(k)-1] + "\xff" + `"`
		case 4:
			o.keys[i] = `"` + strings.ToLower(k[1:len(k)-1]) + `"`
		}
	case 3: // a member given twice
		if len(objs) == 0 {
			return
		}
		o := rapid.SampledFrom(objs).Draw(t, "obj")
		i := rapid.IntRange(0, len(o.keys)-1).Draw(t, "key")
		o.keys = append(o.keys, o.keys[i])
		o.kids = append(o.kids, &node{value: rapid.SampledFrom(values).Draw(t, "value")})
	case 4: // an unknown member
		if len(objs) == 0 {
			return
		}
		o := rapid.SampledFrom(objs).Draw(t, "obj")
		o.keys = append(o.keys, `"unknownField"`)
		o.kids = append(o.kids, &node{value: `1`})
	case 5: // a string escaped
		if n := pick(strings_); n.value != "" {
			n.value = `"` + fmt.Sprintf(`\u%04X`, n.value[1]) + n.value[2:]
		}
	case 6: // null everywhere below
		for _, x := range n.all() {
			if !x.obj && !x.arr {
				x.value = "null"
			}
		}
	case 7: // an array emptied or an object emptied
		n := pick(containers)
		n.keys, n.kids = nil, nil
	case 8: // a number moved past a bound, or made fractional
		if n := pick(numbers); n.value != "" {
			n.value = rapid.SampledFrom([]string{n.value + "000", n.value + ".0", n.value + "e0", "-" + n.value,
				"127", "128", "-129", "255", "256", "32767", "32768", "-32769", "65535", "65536",
				"2147483647", "2147483648", "-2147483649", "4294967295", "4294967296",
				"9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616"}).
				Draw(t, "number")
		}
	}
}

// mutated returns js changed by a few mutations, and how it is spaced.
func mutated(t *rapid.T, js []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	root := parse(v)
	for range rapid.IntRange(1, 3).Draw(t, "mutations") {
		mutate(t, root)
	}
	var b bytes.Buffer
	root.write(&b, rapid.SampledFrom([]string{"", " ", "\n\t", "\r\n"}).Draw(t, "space"))
	out := b.Bytes()
	switch rapid.IntRange(0, 9).Draw(t, "ends") {
	case 0:
		out = append(out, " x"...)
	case 1:
		out = out[:rapid.IntRange(0, len(out)-1).Draw(t, "cut")]
	case 2:
		out = append([]byte(" \n"), append(out, '\n')...)
	}
	return out
}

// TestPlainValuesDecode: values of every API type, marshalled, decode
// the fast way (almost always) and as strict decoding does.
func TestPlainValuesDecode(t *testing.T) {
	tried, fast := map[reflect.Type]int{}, map[reflect.Type]int{}
	rapid.Check(t, func(t *rapid.T) {
		typ := apiTypes[rapid.IntRange(0, len(apiTypes)-1).Draw(t, "type")]
		t.Log(typ)
		js := randomJSON(t, typ)
		tried[typ]++
		if oracle(t, js, typ) {
			fast[typ]++
		}
	})
	all, took := 0, 0
	for typ, n := range tried {
		all += n
		took += fast[typ]
	}
	if took*10 < all*9 {
		t.Errorf("Decode took %d of %d plain values, want over 90%%: %v of %v", took, all, fast, tried)
	}
}

// TestMutatedValuesDecode: after mutations (renamed and escaped keys,
// members given twice, unknown members, values of other types, nulls,
// emptied arrays and objects, large and fractional numbers, spacing,
// trailing data, truncation), Decode still never accepts what strict
// decoding objects to, nor gives another value.
func TestMutatedValuesDecode(t *testing.T) {
	tried, fast := 0, 0
	var shared strictjson.Shared
	rapid.Check(t, func(t *rapid.T) {
		typ := apiTypes[rapid.IntRange(0, len(apiTypes)-1).Draw(t, "type")]
		t.Log(typ)
		plain := randomJSON(t, typ)
		// Several variants of each value: a generated value costs more
		// than decoding it.
		for range 8 {
			tried++
			m := mutated(t, plain)
			if oracle(t, m, typ) {
				fast++
			}
			// Twice: the second finds the maps the first kept.
			oracleShared(t, &shared, m, typ)
			oracleShared(t, &shared, m, typ)
		}
	})
	t.Logf("Decode took %d of %d mutated values", fast, tried)
}

// TestSharedMaps: Shared gives one map for one text, wherever it is in
// a value, and another map for another text; texts with braces, quotes
// and escapes in their strings decode to themselves; and what it declines
// it does not keep. (Across values the cache may forget a text whose slot
// another text took.)
func TestSharedMaps(t *testing.T) {
	var shared strictjson.Shared
	type labels struct {
		A map[string]string   `json:"a"`
		B map[string]string   `json:"b"`
		C []map[string]string `json:"c"`
		D map[string]string   `json:"d"`
	}
	texts := []string{
		`{"app":"web"}`,
		`{"app":"web","tier":"x"}`,
		`{}`,
		`{"k":"}"}`,
		`{"k":"v\\"}`,
		`{"k":"\"}{","l":null}`,
		` { "app" : "web" } `,
		`{"app":"db"}`,
	}
	ptr := func(m map[string]string) uintptr { return reflect.ValueOf(m).Pointer() }
	for range 2 {
		for _, text := range texts {
			js := fmt.Sprintf(`{"a":%[1]s,"b":%[1]s,"c":[%[1]s,%[1]s],"d":{"other":"x"}}`, text)
			var got labels
			if !shared.Decode([]byte(js), &got) {
				t.Fatalf("declined %s", js)
			}
			var want map[string]string
			if err := json.Unmarshal([]byte(text), &want); err != nil {
				t.Fatal(err)
			}
			for _, m := range []map[string]string{got.A, got.B, got.C[0], got.C[1]} {
				if !reflect.DeepEqual(m, want) {
					t.Fatalf("%s: got %v, want %v", text, m, want)
				}
				if ptr(m) != ptr(got.A) {
					t.Errorf("%s: the same text gave two maps", text)
				}
			}
			if ptr(got.D) == ptr(got.A) {
				t.Errorf("%s: another text gave the same map", text)
			}
		}
	}
	for range 2 {
		var got labels
		if shared.Decode([]byte(`{"a":{"k":"v","k":"w"}}`), &got) {
			t.Fatal("accepted a key given twice")
		}
	}
	// Plain Decode shares nothing.
	var x, y labels
	if !strictjson.Decode([]byte(`{"a":{"k":"v"}}`), &x) || !strictjson.Decode([]byte(`{"a":{"k":"v"}}`), &y) || ptr(x.A) == ptr(y.A) {
		t.Error("Decode shared a map")
	}
}

// TestSharedLetsGo: a Shared's cache of maps holds copies of the texts,
// never the data it was given: once the data and the Shared are gone, one
// collection frees the data (which may be a whole input).
func TestSharedLetsGo(t *testing.T) {
	buf := new([64]byte)
	n := copy(buf[:], `{"a":{"k":"v"},"b":{"k":"v"}}`)
	freed := make(chan struct{})
	runtime.AddCleanup(buf, func(ch chan struct{}) { close(ch) }, freed)
	shared := new(strictjson.Shared)
	var got struct {
		A map[string]string `json:"a"`
		B map[string]string `json:"b"`
	}
	if !shared.Decode(buf[:n], &got) || got.A["k"] != "v" {
		t.Fatal("declined")
	}
	buf, shared = nil, nil
	runtime.GC()
	select {
	case <-freed:
	case <-time.After(5 * time.Second):
		t.Fatal("the decoded text is still held after the Shared is gone and a collection")
	}
	runtime.KeepAlive(got)
}
