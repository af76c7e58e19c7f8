package strictjson

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"pgregory.net/rapid"
)

// structPlans returns the plans of the structs that the API types hold.
func structPlans() []*plan {
	seen := map[*plan]bool{}
	var out []*plan
	var walk func(p *plan)
	walk = func(p *plan) {
		if p == nil || seen[p] {
			return
		}
		seen[p] = true
		if p.kind == structKind {
			out = append(out, p)
		}
		walk(p.elem)
		for _, f := range p.fields {
			walk(f.plan)
		}
	}
	for _, t := range []reflect.Type{
		reflect.TypeFor[corev1.Pod](), reflect.TypeFor[appsv1.Deployment](),
		reflect.TypeFor[networkingv1.NetworkPolicy](), reflect.TypeFor[corev1.Service](),
	} {
		walk(planFor(t))
	}
	return out
}

// TestFieldLookup: plan.field finds a struct's member by name exactly as
// the map of names does, for the members' names and for names one edit
// away from them, and most structs have a hash table.
func TestFieldLookup(t *testing.T) {
	plans := structPlans()
	tables := 0
	for _, p := range plans {
		if p.slots != nil {
			tables++
		}
	}
	if tables < len(plans)*9/10 {
		t.Errorf("only %d of %d structs have a hash table", tables, len(plans))
	}
	rapid.Check(t, func(rt *rapid.T) {
		p := rapid.SampledFrom(plans).Draw(rt, "plan")
		name := []byte(rapid.SampledFrom(p.fields).Draw(rt, "field").name)
		switch rapid.IntRange(0, 3).Draw(rt, "edit") {
		case 1: // change a byte
			if len(name) > 0 {
				i := rapid.IntRange(0, len(name)-1).Draw(rt, "at")
				name[i] = rapid.Byte().Draw(rt, "byte")
			}
		case 2: // cut
			name = name[:rapid.IntRange(0, len(name)).Draw(rt, "len")]
		case 3: // grow
			name = append(name, rapid.SliceOfN(rapid.Byte(), 1, 3).Draw(rt, "more")...)
		}
		got, gotOK := p.field(name)
		want, wantOK := p.names[string(name)]
		if got != want || gotOK != wantOK {
			rt.Fatalf("%v: field %q: %d %v, want %d %v", p.typ, name, got, gotOK, want, wantOK)
		}
	})
}

// TestInternedStrings: strings of one length that share the intern
// cache's slots, in arrays and as map keys and values, decode to
// themselves, again and again.
func TestInternedStrings(t *testing.T) {
	var list, object []string
	for i := range 3000 {
		s := fmt.Sprintf(`"s%04d"`, i%1500)
		list = append(list, s)
		object = append(object, fmt.Sprintf(`"k%04d":%s`, i, s))
	}
	data := []byte("[" + strings.Join(list, ",") + "]")
	obj := []byte("{" + strings.Join(object, ",") + "}")
	for range 2 {
		var got, want []string
		var gotMap, wantMap map[string]string
		if !Decode(data, &got) || !Decode(obj, &gotMap) {
			t.Fatal("declined")
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(obj, &wantMap); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotMap, wantMap) {
			t.Fatalf("decoded strings differ from encoding/json's")
		}
	}
}

// TestCount: count gives the number of elements of every non-empty array
// of a JSON text, asked in the order of the arrays' starts as decoding
// asks (the arrays inside one counted before are looked up), whatever the
// strings hold (brackets, commas, escaped quotes and backslashes) and the
// spacing.
func TestCount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		type array struct{ start, first, n int }
		var arrays []array
		var b strings.Builder
		space := func() {
			b.WriteString(rapid.SampledFrom([]string{"", "", " ", "\n\t"}).Draw(t, "space"))
		}
		var value func(depth int)
		value = func(depth int) {
			space()
			switch k := rapid.IntRange(0, 4).Draw(t, "kind"); {
			case k <= 1 && depth < 5:
				i := len(arrays)
				arrays = append(arrays, array{start: b.Len()})
				b.WriteByte('[')
				n := rapid.IntRange(0, 4).Draw(t, "elements")
				if n == 0 {
					space()
				}
				for j := range n {
					if j > 0 {
						b.WriteByte(',')
					}
					if j == 0 {
						space()
						arrays[i].first = b.Len()
						value(depth + 1)
						continue
					}
					value(depth + 1)
				}
				arrays[i].n = n
				space()
				b.WriteByte(']')
			case k == 2 && depth < 5:
				b.WriteByte('{')
				for j := range rapid.IntRange(0, 3).Draw(t, "members") {
					if j > 0 {
						b.WriteByte(',')
					}
					b.WriteString(`"k":`)
					value(depth + 1)
				}
				b.WriteByte('}')
			case k == 3:
				s, _ := json.Marshal(rapid.StringMatching(`[\[\]{},"\\a]{0,6}`).Draw(t, "string"))
				b.Write(s)
			default:
				b.WriteString("12")
			}
			space()
		}
		value(0)
		data := []byte(b.String())
		if !json.Valid(data) {
			t.Fatalf("not JSON: %s", data)
		}
		d := decoder{data: data}
		for _, a := range arrays {
			if a.n == 0 {
				continue // decoding asks only for the count of a non-empty array
			}
			// The first element, as decoding is there when it asks.
			d.pos = a.first
			for d.pos < len(data) && (data[d.pos] == ' ' || data[d.pos] == '\n' || data[d.pos] == '\t') {
				d.pos++
			}
			if got := d.count(a.start); got != a.n {
				t.Fatalf("%s: the array at %d has %d elements, count says %d", data, a.start, a.n, got)
			}
		}
	})
}
