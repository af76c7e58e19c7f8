package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
	sigsyaml "sigs.k8s.io/yaml"
)

// loadBoth loads in with the fast paths and without, and returns what each
// gave, rendered for comparison. Both are also taken with the input read
// in small pieces, the fast paths then splitting and preparing it in small
// steps while it is read (pipe.go): those two must agree too.
func loadBoth(t *testing.T, name, in string) (fast, slow string) {
	t.Helper()
	opts := Options{MaxPods: 50} // few pods: a fuzzed replicas: 90000 would take seconds to render
	fast = renderLoad(t, opts, name, strings.NewReader(in))
	stepped := renderStepped(t, opts, name, in)
	fastPaths = false
	defer func() { fastPaths = true }()
	if pieces := renderStepped(t, opts, name, in); stepped != pieces {
		t.Fatalf("read in pieces, the fast paths (+) and the slow ones (-) differ:\n%s", cmp.Diff(pieces, stepped))
	}
	return fast, renderLoad(t, opts, name, strings.NewReader(in))
}

// renderLoad loads r with opts and renders what it gave.
func renderLoad(t fataler, opts Options, name string, r io.Reader) string {
	t.Helper()
	res, err := opts.LoadReader(name, r)
	if err != nil {
		return "error:\n" + err.Error()
	}
	var ns []string
	for _, n := range res.Notices {
		ns = append(ns, n.String())
	}
	cluster, err := json.Marshal(res.Cluster)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return fmt.Sprintf("notices: %q\ncluster: %s", ns, cluster)
}

// renderStepped is renderLoad of in read in pieces of 37 bytes, its
// documents split in steps of 16 bytes as it is read (with the fast
// paths: pipelines).
func renderStepped(t fataler, opts Options, name, in string) string {
	t.Helper()
	pipeStep = 16
	defer func() { pipeStep = pipeStepDefault }()
	return renderLoad(t, opts, name, pieceReader{strings.NewReader(in), 37})
}

// pieceReader reads at most n bytes at a time, and says how much it holds.
type pieceReader struct {
	*strings.Reader
	n int
}

func (r pieceReader) Read(p []byte) (int, error) { return r.Reader.Read(p[:min(len(p), r.n)]) }

// podJSON is a pod as kubectl writes it, status and all.
const podJSON = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","labels":{"app":"web"},
"uid":"u","creationTimestamp":"2024-05-01T10:00:00Z","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"r","controller":true}]},
"spec":{"containers":[{"name":"main","image":"web:1","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
"resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}],"nodeName":"node-1","tolerations":[{"key":"k","operator":"Exists","tolerationSeconds":300}]},
"status":{"phase":"Running","hostIP":"192.168.0.1","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],"hostIPs":[{"ip":"192.168.0.1"}],
"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-05-01T10:00:05Z"}],"qosClass":"Burstable",
"containerStatuses":[{"name":"main","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2024-05-01T10:00:03Z"}}}]}}`

// podEdits are changes to podJSON that the fast paths must treat as the
// slow ones do: problems in every part of a pod, and what is no problem.
var podEdits = [][2]string{
	{`"status":{"phase":"Running",`, `"status":{"phase":"Succeeded",`},
	{`"status":{"phase":"Running",`, `"status":{"phase":5,`},
	{`"status":{"phase":"Running",`, `"status":{"phase":"Running","phase":"Failed",`},
	{`"status":{"phase":"Running",`, `"status":{"phase":"Running","phse":"x",`},
	{`"qosClass":"Burstable"`, `"qosClass":7`},
	{`"conditions":[`, `"conditions":7,"x":[`},
	{`"podIPs":[{"ip":"10.0.0.1"}]`, `"podIPs":"10.0.0.1"`},
	{`"podIPs":[{"ip":"10.0.0.1"}]`, `"podIPs":[{"ip":"10.0.0.1","extra":1}]`},
	{`"podIPs":[{"ip":"10.0.0.1"}]`, `"podIPs":[{"ip":"10.0.0.2"}],"podIPs":[{"ip":"10.0.0.3"}]`},
	{`"hostIPs":[{"ip":"192.168.0.1"}]`, `"hostIPs":null`},
	{`"podIPs":[{"ip":"10.0.0.1"}]`, `"podIPs":[{"IP":"10.0.0.9"}]`},
	{`"restartCount":0`, `"restartCount":0 0`},
	{`,"status":{`, `,"statos":{`},
	{`,"status":{`, `,"status":"gone","x":{`},
	{`,"status":{`, `,"status":null,"x":{`},
	{`"nodeName":"node-1"`, `"nodeNam":"node-1"`},
	{`"nodeName":"node-1"`, `"nodeName":1`},
	{`"containerPort":8080`, `"containerPort":99999`},
	{`"containerPort":8080`, `"containerPort":8080,"containerPort":8081`},
	{`"name":"web-1"`, `"name":"Web_1"`},
	{`"name":"web-1",`, ``},
	{`"namespace":"shop"`, `"namespace":"shop","clusterName":"c"`},
	{`"namespace":"shop"`, `"namespac":"shop"`},
	{`"labels":{"app":"web"}`, `"labels":{"bad key":"web"}`},
	{`"metadata":{`, `"metadata":{"managedFields":[{"manager":"m","operation":"Update","fieldsV1":{"f:spec":{}}}],`},
	{`{"apiVersion":"v1",`, `{"apiVersion":"v1","extra":true,`},
	{`{"apiVersion":"v1",`, `{"apiVersion":"v1","metadata":{},`},
	{`"kind":"Pod",`, `"kind":"Pod","spec":{},`},
	{`"cpu":"100m"`, `"cpu":"lots"`},
	{`"tolerationSeconds":300`, `"tolerationSeconds":"300"`},
	{`"image":"web:1"`, `"image":"web:1\u00e9\"\\"`},
}

// TestFastPathsProperty: documents of pods and policies, edited in ways
// that matter, in JSON and in YAML, load to the same result, notices and
// problems with the fast paths as without them.
func TestFastPathsProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var pods []string
		for i := range rapid.IntRange(1, 3).Draw(rt, "pods") {
			pod := strings.Replace(podJSON, `"web-1"`, fmt.Sprintf(`"web-%d"`, i), 1)
			for range rapid.IntRange(0, 2).Draw(rt, "edits") {
				e := rapid.SampledFrom(podEdits).Draw(rt, "edit")
				pod = strings.Replace(pod, e[0], e[1], 1)
			}
			pods = append(pods, pod)
		}
		var in, name string
		switch rapid.IntRange(0, 2).Draw(rt, "form") {
		case 0:
			in, name = `{"apiVersion":"v1","kind":"List","items":[`+strings.Join(pods, ",")+`]}`, "in.json"
		case 1:
			in, name = strings.Join(pods, "\n"), "in.json"
		default:
			var docs []string
			for _, p := range pods {
				y, err := sigsyaml.JSONToYAML([]byte(p))
				if err != nil {
					y = []byte(p) // not JSON: as it is, a flow mapping
				}
				docs = append(docs, string(y))
			}
			in, name = strings.Join(docs, "---\n"), "in.yaml"
		}
		fast, slow := loadBoth(t, name, in)
		if fast != slow {
			rt.Fatalf("input:\n%s\nfast and slow paths differ (-slow +fast):\n%s", in, cmp.Diff(slow, fast))
		}
	})
}

// TestFastPathsTestdata: the test data loads the same with and without
// the fast paths.
func TestFastPathsTestdata(t *testing.T) {
	for _, doc := range append(fastAccepted, fastDeclined...) {
		fast, slow := loadBoth(t, "in.yaml", doc)
		if fast != slow {
			t.Errorf("input:\n%s\nfast and slow paths differ (-slow +fast):\n%s", doc, cmp.Diff(slow, fast))
		}
	}
}

// TestTrackerSpans: the top-level objects and arrays that the reader's
// tracker finds, fed in any chunks, end where skipValue says they end.
func TestTrackerSpans(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tokens := []string{"{", "}", "[", "]", `"`, `"`, `\"`, `\\`, `\`, "a", " ", ",", ":", "\n", `"items"`}
		data := []byte("{" + strings.Join(rapid.SliceOfN(rapid.SampledFrom(tokens), 0, 30).Draw(t, "tokens"), ""))
		tr := docTracker{max: 1 << 30}
		for _, cut := range rapid.SliceOfN(rapid.IntRange(0, len(data)), 0, 4).Draw(t, "cuts") {
			if cut >= tr.pos {
				tr.feed(data[:cut])
			}
		}
		tr.feed(data)
		if tr.broken {
			return
		}
		for _, sp := range tr.spans {
			if end, ok := skipValue(data, sp.start); !ok || end != sp.end {
				t.Fatalf("%q: tracker says %d..%d, skipValue %d %v", data, sp.start, sp.end, end, ok)
			}
		}
	})
}

// TestJSONEscapedQuotes: quotes and brackets inside JSON strings, escaped
// or after escaped backslashes, do not end a string or an object.
func TestJSONEscapedQuotes(t *testing.T) {
	const in = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","annotations":{"x":"say \"}]\" \\","y":"\\\\"}}}
{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","annotations":{"x":"\\\"{["}}}]}`
	for _, fast := range []bool{true, false} {
		fastPaths = fast
		res, err := LoadReader("in.json", strings.NewReader(in))
		fastPaths = true
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Cluster.Pods {
			got = append(got, p.Name+" "+p.Annotations["x"]+" "+p.Annotations["y"])
		}
		want := []string{`a say "}]" \ \\`, `b \"{[ `}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fast %v: pods (-want +got):\n%s", fast, diff)
		}
	}
}

// FuzzFastPaths: any input loads the same with and without the fast
// paths.
func FuzzFastPaths(f *testing.F) {
	f.Add([]byte(podJSON))
	for _, e := range podEdits[:8] {
		f.Add([]byte(strings.Replace(podJSON, e[0], e[1], 1)))
	}
	if y, err := sigsyaml.JSONToYAML([]byte(podJSON)); err == nil {
		f.Add(y)
	}
	for _, d := range fastAccepted[:6] {
		f.Add([]byte(d))
	}
	f.Add([]byte(benchManifests()))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, slow := loadBoth(t, "in.yaml", string(data))
		if fast != slow {
			t.Fatalf("fast and slow paths differ (-slow +fast):\n%s", cmp.Diff(slow, fast))
		}
	})
}

// TestStringEnd: stringEnd finds the first quote or backslash as a loop
// over the bytes does, and skipString the end of a string as counting
// the backslashes before each quote does, wherever they are in the
// eight-byte words.
func TestStringEnd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data := []byte(rapid.StringMatching(`["\\a\x00\xff]{0,40}`).Draw(t, "data"))
		pos := rapid.IntRange(0, len(data)).Draw(t, "pos")
		want := pos
		for want < len(data) && data[want] != '"' && data[want] != '\\' {
			want++
		}
		if got := stringEnd(data, pos); got != want {
			t.Fatalf("stringEnd(%q, %d) = %d, want %d", data, pos, got, want)
		}
		str := append([]byte{'"'}, data...)
		wantEnd, wantOK := 0, false
		for q := 1; q < len(str); q++ {
			if str[q] == '"' && !escaped(str, q, 1) {
				wantEnd, wantOK = q+1, true
				break
			}
		}
		if end, ok := skipString(str, 0); end != wantEnd || ok != wantOK {
			t.Fatalf("skipString(%q) = %d %v, want %d %v", str, end, ok, wantEnd, wantOK)
		}
	})
}

// TestTrackerEscapes: escaped quotes and backslashes, also cut by the
// end of a chunk, do not end a string for the reader's tracker.
func TestTrackerEscapes(t *testing.T) {
	for _, in := range []string{
		`{"a\"}"}{"b":1}`,
		`{"a\\"}{"b":"\\\"}"}`,
		`{"x":"\\\\\"]}"} [1,"\"]"]`,
	} {
		data := []byte(in)
		for cut := range len(data) + 1 {
			tr := docTracker{max: 1 << 30}
			tr.feed(data[:cut])
			tr.feed(data)
			var want []itemSpan
			for pos := skipSpace(data, 0); pos < len(data); pos = skipSpace(data, pos) {
				end, ok := skipValue(data, pos)
				if !ok {
					t.Fatalf("%q does not scan", in)
				}
				want = append(want, itemSpan{pos, end})
				pos = end
			}
			if tr.broken || !slices.Equal(tr.spans, want) {
				t.Errorf("%q cut at %d: tracker spans %v (broken %v), want %v", in, cut, tr.spans, tr.broken, want)
			}
		}
	}
}
