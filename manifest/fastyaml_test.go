package manifest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
	sigsyaml "sigs.k8s.io/yaml"
)

// fataler is what checkFast needs of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkFast checks that the fast path either declines doc or gives what
// sigs.k8s.io/yaml gives for it, strictly and not, and reports whether it
// took it.
func checkFast(t fataler, doc []byte) bool {
	t.Helper()
	got, ok := fastYAMLToJSON(doc)
	if !ok {
		return false
	}
	want, err := sigsyaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatalf("fast path took %q, which YAMLToJSON refuses: %v\nfast path: %s", doc, err, got)
	}
	if _, err := sigsyaml.YAMLToJSONStrict(doc); err != nil {
		t.Fatalf("fast path took %q, which YAMLToJSONStrict refuses: %v", doc, err)
	}
	if !json.Valid(got) {
		t.Fatalf("fast path gives invalid JSON for %q: %s", doc, got)
	}
	if diff := cmp.Diff(decodeNumbers(t, want), decodeNumbers(t, got)); diff != "" {
		t.Fatalf("fast path differs from YAMLToJSON for %q (-want +got):\n%s\nwant %s\ngot  %s", doc, diff, want, got)
	}
	// The members are in encoding/json's order, which the problems of
	// strict decoding follow.
	if !bytes.Equal(reencode(t, want), reencode(t, got)) {
		t.Fatalf("fast path orders %q differently:\nwant %s\ngot  %s", doc, want, got)
	}
	return true
}

// decodeNumbers decodes js keeping numbers as written.
func decodeNumbers(t fataler, js []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", js, err)
	}
	return v
}

// reencode returns js without white space and with strings as
// encoding/json writes them, members in their order.
func reencode(t fataler, js []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		b, _ := json.Marshal(tok)
		if d, ok := tok.(json.Delim); ok {
			b = []byte(d.String())
		}
		out.Write(b)
		out.WriteByte(' ')
	}
	return out.Bytes()
}

// fastAccepted are documents the fast path must take (and get right).
var fastAccepted = []string{
	"a: 1\n",
	"kind: Pod\napiVersion: v1\nmetadata:\n  name: x\n  labels:\n    app: web\n    tier: \"1\"\n",
	"a: on\nb: yes\nc: no\nd: off\ne: y\nf: N\ng: True\nh: FALSE\ni: ~\nj: null\nk: NULL\nl:\n",
	"a: 0755\nb: 0x1F\nc: 1e3\nd: 1_000\ne: +12\nf: .5\ng: -0\nh: 08\ni: 0o17\nj: 0b101\nk: -0b11\nl: 3.\nm: +.5\nn: 1e999\n",
	"big: 9223372036854775808\nbigger: 18446744073709551616\nneg: -9223372036854775809\nhex: 0xFFFFFFFFFFFFFFFF\n",
	"hexfloat: 0x1p3\nother: 0x1.8p1\ninf: +Inf\n",
	"t1: 2024-05-01\nt2: 2024-05-01T10:00:00Z\nt3: 2001-12-14 21:59:43.10\nclock: 12:30\nversion: 1.2.3\n",
	"s1: 'it''s'\ns2: \"a\\tb\\n\\\"c\\\" \\x41 \\u00e9 \\U0001F600 \\\\\"\ns3: \"\"\ns4: ''\n",
	"url: http://example.com/a?b=c#d\nx: a#b\ny: b # comment\nz: -x\n",
	"list:\n- a\n- b\n-\n- - c\n  - d\n- e: 1\n  f: 2\n",
	"list:\n  - name: a\n    ports: [80, 443]\n  - {name: b, port: 8080}\n",
	"a: |\n  line 1\n  line 2\nb: |-\n  x\n\nc: |+\n  y\n\nd: >\n  folded\n  text\n\n  para\n   more\n  end\ne: >-\n  z\n",
	"a: |\nb: 1\n",
	"# comment\n\na: 1 # trailing\n# between\nb:\n  # inside\n  c: 2\n",
	"\"quoted key\": 1\n'single': 2\n1: one\ntrue: yes\n",
	"flow: {a: 1, b: [x, y, {c: d}], e: 'q', f: \"r\"}\nempty: {}\nnone: []\n",
	"- a\n- b\n",
	"[a, b]\n",
	"{a: 1}\n",
	"  indented: root\n  second: 2\n",
	"z: 1\ny: 2\nx:\n  c: 1\n  b: 2\n  a: 3\n",
	"unicode: héllo wörld ✓\n",
	"a: b c  d\n",
}

// fastDeclined are documents the fast path must leave to go-yaml.
var fastDeclined = []string{
	"a: &x 1\nb: *x\n",
	"a: !!str 1\n",
	"<<: {a: 1}\n",
	"? a\n: b\n",
	"a: multi\n  line\n",
	"a: \"multi\n  line\"\n",
	"a:\tb\n",
	"%YAML 1.1\na: 1\n",
	"a: 1\n...\n",
	"a: 1\na: 2\n",
	"1: a\n\"1\": b\n",
	"a: .inf\n",
	"a: b: c\n",
	"~: a\n",
	"1.5: a\n",
	"a: |2\n   x\n",
	"a: [b,\n  c]\n",
	"just a scalar\n",
	"a: 1\n - b\n",
}

func TestFastYAMLCases(t *testing.T) {
	// go-yaml looks no further than 1024 bytes from a key's start for its
	// ':', spaces included.
	long := []string{"a" + strings.Repeat(" ", 1100) + ": 1\n", "{a" + strings.Repeat(" ", 1100) + ": 1}\n", strings.Repeat("k", 1100) + ": 1\n"}
	for _, doc := range long {
		if _, ok := fastYAMLToJSON([]byte(doc)); ok {
			t.Errorf("fast path takes a key of %d bytes", len(doc))
		}
	}
	for _, doc := range fastAccepted {
		if !checkFast(t, []byte(doc)) {
			t.Errorf("fast path declines %q", doc)
		}
	}
	for _, doc := range fastDeclined {
		if _, ok := fastYAMLToJSON([]byte(doc)); ok {
			t.Errorf("fast path takes %q", doc)
		}
	}
}

// TestFastYAMLManifests checks that the fast path takes, and gets right,
// the documents of the benchmark's manifests and of the test data.
func TestFastYAMLManifests(t *testing.T) {
	docs := strings.Split(strings.TrimPrefix(benchManifests(), "---\n"), "---\n")
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, strings.Split(string(data), "\n---\n")...)
	}
	taken := 0
	for _, d := range docs {
		if !strings.HasSuffix(d, "\n") {
			d += "\n"
		}
		if checkFast(t, []byte(d)) {
			taken++
		}
	}
	if taken < len(docs)*9/10 {
		t.Errorf("fast path takes %d of %d documents", taken, len(docs))
	}
}

// benchManifests is a sample of the benchmark's style of manifest.
func benchManifests() string {
	return `---
apiVersion: v1
kind: Namespace
metadata: {name: ns-1, labels: {team: t1}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ns-1}
spec:
  replicas: 3
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app, tier: backend}}
    spec:
      containers:
      - name: main
        image: example/app:1
        ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: app
  namespace: ns-1
spec:
  podSelector:
    matchLabels:
      app: app
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: t1}}
    - podSelector: {matchExpressions: [{key: tier, operator: In, values: [frontend]}]}
    ports: [{port: http}, {port: 9000, endPort: 9100, protocol: TCP}]
`
}

// yamlWords are scalars whose typing YAML 1.1 makes tricky.
var yamlWords = []string{
	"on", "On", "ON", "off", "yes", "no", "y", "n", "Y", "true", "False", "~", "null", "Null", "",
	"0755", "0x1F", "0X1f", "0o17", "0b101", "-0b11", "0b", "08", "09.5", "1e3", "1E+3", "1_000", "+12", "-0", "+0",
	".5", "-.5", "+.5", "3.", ".", "-", "+", "1e999", ".inf", "-.Inf", ".nan", "1.2.3", "1:30", "12:30:45",
	"9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775809",
	"2024-05-01", "2024-05-01T10:00:00Z", "2024-5-1", "2001-12-14 21:59:43.10", "2024-13-01",
	"0.0", "-0.0", "1e-7", "0xFFFFFFFFFFFFFFFF", "0x1p3", "+Inf", "-infinity", "0b1111111111111111111111111111111111111111111111111111111111111111", "123456789012345678901234", "0x", "0xG", "_1", "1_", "1__0", "+_1", "0_7", "1.5e3",
	"abc", "a b", "a:b", "a#b", "http://x/y", "-x", "x-", "<<", "'", "\"", "\\", "é", "a\tb", "a  b",
}

// yamlChars are what random scalars are made of.
const yamlChars = "abz019 .:#'\"\\-_{}[],&*!|>?%@`+~é\t"

func genScalarText(t *rapid.T, label string) string {
	if rapid.Bool().Draw(t, label+"-word") {
		return rapid.SampledFrom(yamlWords).Draw(t, label)
	}
	n := rapid.IntRange(0, 6).Draw(t, label+"-len")
	var sb strings.Builder
	for range n {
		sb.WriteByte(yamlChars[rapid.IntRange(0, len(yamlChars)-1).Draw(t, label+"-c")])
	}
	return sb.String()
}

// genScalar renders a scalar in one of the one-line styles.
func genScalar(t *rapid.T, label string) string {
	s := genScalarText(t, label)
	switch rapid.IntRange(0, 5).Draw(t, label+"-style") {
	case 0:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case 1:
		r := strings.NewReplacer("\\", "\\\\", "\"", "\\\"", "\t", "\\t")
		esc := r.Replace(s)
		if rapid.Bool().Draw(t, label+"-esc") {
			esc += rapid.SampledFrom([]string{"\\n", "\\x41", "\\u00e9", "\\U0001F600", "\\ ", "\\/", "\\_", "\\N", "\\0", "\\e", "\\ud800", "\\q"}).Draw(t, label+"-e")
		}
		return "\"" + esc + "\""
	}
	return s
}

func genComment(t *rapid.T, label string) string {
	switch rapid.IntRange(0, 6).Draw(t, label) {
	case 0:
		return " # c"
	case 1:
		return " #"
	case 2:
		return "#x"
	}
	return ""
}

func pad(n int) string { return strings.Repeat(" ", n) }

// genFlow renders a flow collection on one line.
func genFlow(t *rapid.T, depth int) string {
	n := rapid.IntRange(0, 3).Draw(t, "flow-n")
	var parts []string
	mapping := rapid.Bool().Draw(t, "flow-map")
	for range n {
		v := genScalar(t, "flow-v")
		if depth < 2 && rapid.IntRange(0, 3).Draw(t, "flow-nest") == 0 {
			v = genFlow(t, depth+1)
		}
		if mapping {
			v = genScalar(t, "flow-k") + rapid.SampledFrom([]string{": ", " : ", ":"}).Draw(t, "flow-colon") + v
		}
		parts = append(parts, v)
	}
	sep := rapid.SampledFrom([]string{", ", ",", " , "}).Draw(t, "flow-sep")
	body := strings.Join(parts, sep)
	if n > 0 && rapid.IntRange(0, 5).Draw(t, "flow-trailing") == 0 {
		body += ","
	}
	if mapping {
		return "{" + body + "}"
	}
	return "[" + body + "]"
}

// genBlockScalar renders a block scalar's header and lines for an entry at
// column parent.
func genBlockScalar(t *rapid.T, parent int) string {
	header := rapid.SampledFrom([]string{"|", ">", "|-", ">-", "|+", ">+", "|2", "| # c"}).Draw(t, "bs-header")
	ind := parent + rapid.IntRange(1, 3).Draw(t, "bs-indent")
	var sb strings.Builder
	sb.WriteString(header + "\n")
	for range rapid.IntRange(0, 5).Draw(t, "bs-lines") {
		switch rapid.IntRange(0, 5).Draw(t, "bs-line") {
		case 0:
			sb.WriteString("\n")
		case 1:
			sb.WriteString(pad(rapid.IntRange(0, ind+2).Draw(t, "bs-blank")) + "\n")
		case 2:
			sb.WriteString(pad(ind+rapid.IntRange(1, 2).Draw(t, "bs-more")) + genScalarText(t, "bs-text") + "\n")
		default:
			sb.WriteString(pad(ind) + genScalarText(t, "bs-text") + "x\n")
		}
	}
	return sb.String()
}

// genValue renders what follows "key:" or "-" for an entry at column
// parent: the rest of the line and any lines below.
func genValue(t *rapid.T, parent, depth int, dash bool) string {
	kinds := 7
	if depth >= 3 {
		kinds = 4
	}
	switch rapid.IntRange(0, kinds-1).Draw(t, "kind") {
	case 0, 1:
		return " " + genScalar(t, "scalar") + genComment(t, "comment") + "\n"
	case 2:
		return " " + genFlow(t, 0) + genComment(t, "comment") + "\n"
	case 3:
		if rapid.Bool().Draw(t, "empty") {
			return genComment(t, "comment") + "\n"
		}
		return " " + genBlockScalar(t, parent)
	case 4:
		if dash && rapid.Bool().Draw(t, "compact") {
			return " " + genMapping(t, parent+2, depth+1, true)
		}
		return "\n" + genMapping(t, parent+rapid.IntRange(1, 3).Draw(t, "step"), depth+1, false)
	case 5:
		if dash && rapid.Bool().Draw(t, "compact") {
			return " " + genSequence(t, parent+2, depth+1, true)
		}
		step := rapid.IntRange(0, 2).Draw(t, "step")
		if dash && step == 0 {
			step = 2
		}
		return "\n" + genSequence(t, parent+step, depth+1, false)
	default:
		return "\n" + pad(parent+rapid.IntRange(1, 2).Draw(t, "step")) + genScalar(t, "below") + "\n"
	}
}

func genNoise(t *rapid.T, col int) string {
	switch rapid.IntRange(0, 9).Draw(t, "noise") {
	case 0:
		return "\n"
	case 1:
		return pad(rapid.IntRange(0, col+1).Draw(t, "noise-col")) + "# note\n"
	}
	return ""
}

func genMapping(t *rapid.T, col, depth int, inline bool) string {
	var sb strings.Builder
	for i := range rapid.IntRange(1, 4).Draw(t, "entries") {
		if i > 0 || !inline {
			sb.WriteString(genNoise(t, col))
			sb.WriteString(pad(col))
		}
		sb.WriteString(genScalar(t, "key"))
		sb.WriteString(rapid.SampledFrom([]string{":", ":", " :"}).Draw(t, "colon"))
		sb.WriteString(genValue(t, col, depth, false))
	}
	return sb.String()
}

func genSequence(t *rapid.T, col, depth int, inline bool) string {
	var sb strings.Builder
	for i := range rapid.IntRange(1, 4).Draw(t, "items") {
		if i > 0 || !inline {
			sb.WriteString(genNoise(t, col))
			sb.WriteString(pad(col))
		}
		sb.WriteString("-")
		sb.WriteString(genValue(t, col, depth, true))
	}
	return sb.String()
}

// genDocument renders a YAML document much as people and kubectl write
// them, with the scalars and forms whose reading is tricky.
func genDocument(t *rapid.T) string {
	switch rapid.IntRange(0, 5).Draw(t, "root") {
	case 0:
		return genSequence(t, 0, 0, false)
	case 1:
		return genFlow(t, 0) + "\n"
	}
	return genMapping(t, rapid.IntRange(0, 1).Draw(t, "root-col"), 0, false)
}

// TestFastYAMLProperty: for generated documents, the fast path declines or
// gives what sigs.k8s.io/yaml gives.
func TestFastYAMLProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkFast(t, []byte(genDocument(t)))
	})
}

// TestFastYAMLTakes checks that the generator does reach the fast path:
// about a quarter of the documents it makes are taken (the rest use what
// the fast path leaves to go-yaml), so fewer than a tenth means the fast
// path or the generator broke (by chance: about once in 10,000 runs of 100).
func TestFastYAMLTakes(t *testing.T) {
	taken, n := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		n++
		if checkFast(t, []byte(genDocument(t))) {
			taken++
		}
	})
	t.Logf("fast path takes %d of %d generated documents", taken, n)
	if taken < n/10 {
		t.Errorf("fast path takes %d of %d generated documents", taken, n)
	}
}

// FuzzFastYAML: for any text, the fast path declines or gives what
// sigs.k8s.io/yaml gives.
func FuzzFastYAML(f *testing.F) {
	for _, d := range fastAccepted {
		f.Add([]byte(d))
	}
	for _, d := range fastDeclined {
		f.Add([]byte(d))
	}
	f.Add([]byte(benchManifests()[4:]))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Documents as the splitter makes them: "\n" line breaks, a final
		// one, no separator lines.
		data = bytes.ReplaceAll(data, []byte("\r"), nil)
		if len(data) == 0 || data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if bytes.HasPrefix(line, []byte("---")) {
				return
			}
		}
		checkFast(t, data)
	})
}
