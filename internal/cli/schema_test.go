package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON Schemas of the commands' machine-readable output live in
// docs/schemas; these tests validate every command's output on the
// examples against them, so that neither can change without the other.

const schemaDir = "../../docs/schemas"

// schemaCases lists, per schema file, command lines whose stdout it must
// accept: each command on the shop example and on at least one more.
var schemaCases = map[string][][]string{
	"matrix.schema.json": {
		{"matrix", "-f", shop, "-o", "json"},
		{"matrix", "-f", shop, "-o", "json", "--group", "workload"},
		{"matrix", "-f", multitenant, "-o", "json"},
		{"matrix", "-f", "../../examples/manifests/exposed-after", "-o", "json", "--group", "workload"},
	},
	"diff.schema.json": {
		{"diff", shop, shop, "-o", "json"},
		{"diff", shop, multitenant, "-o", "json"},
		{"diff", "../../examples/manifests/pr-before", "../../examples/manifests/pr-after", "-o", "json"},
		{"diff", "../../examples/manifests/pr-before", "../../examples/manifests/pr-after", "-o", "json", "--group", "workload"},
	},
	"exposure.schema.json": {
		{"exposure", "-f", shop, "-o", "json"},
		{"exposure", "-f", "../../examples/manifests/exposed-after", "-o", "json"},
		{"exposure", "-f", "../../examples/manifests/exposed-before", "-o", "json"},
	},
	"lint.schema.json": {
		{"lint", "-f", shop, "-o", "json"},
		{"lint", "-f", "../../examples/manifests/exposed-before", "-o", "json", "--fail-on", "info"},
		{"lint", "-f", multitenant, "-o", "json"},
	},
	"lint-sarif.schema.json": {
		{"lint", "-f", shop, "-o", "sarif"},
		{"lint", "-f", "../../examples/manifests/exposed-before", "-o", "sarif"},
		{"lint", "-f", "testdata/sarif", "-o", "sarif"},
	},
}

// compileSchema compiles docs/schemas/name, with no network access: the
// draft 2020-12 meta-schema is built into the library.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(schemaDir, name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	url := "https://github.com/netpolsim/netpolsim/docs/schemas/" + name
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func validateJSON(s *jsonschema.Schema, out string) error {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

func TestJSONSchemas(t *testing.T) {
	for name, cases := range schemaCases {
		s := compileSchema(t, name)
		for _, args := range cases {
			t.Run(name+"/"+strings.Join(args, " "), func(t *testing.T) {
				out, errOut, code := run(t, "", args...)
				if code == exitError {
					t.Fatalf("exit status %d: %s", code, errOut)
				}
				if err := validateJSON(s, out); err != nil {
					t.Errorf("%v\noutput:\n%.2000s", err, out)
				}
				checkCamelCase(t, out)
			})
		}
	}
}

// TestJSONSchemasReject makes sure the schemas are strict enough to catch
// a renamed, missing or mistyped key.
func TestJSONSchemasReject(t *testing.T) {
	for _, c := range []struct{ schema, doc string }{
		{"diff.schema.json", `{"endpoints_removed":[],"endpointsAdded":[],"connectionsAdded":[],"connectionsRemoved":[],"connectionsChanged":[]}`},
		{"diff.schema.json", `{"endpointsAdded":[],"connectionsAdded":[],"connectionsRemoved":[],"connectionsChanged":[]}`},
		{"matrix.schema.json", `{"endpoints":[],"connections":[{"from":"a/b","to":"a/c","ports":[{"protocol":"tcp","start":1,"end":2}]}]}`},
		{"matrix.schema.json", `{"endpoints":[],"connections":[{"from":"a/b","to":"a/c","ports":[{"protocol":"TCP","start":0,"end":2}]}]}`},
		{"exposure.schema.json", `{"pods":[{"pod":"a/b","namespace":"a","name":"b","exposed":"yes","direct":true,"inbound":[],"outbound":[]}]}`},
		{"lint.schema.json", `{"findings":[],"counts":{"error":0,"warning":0,"info":0},"failOn":"fatal","failed":false}`},
		{"lint-sarif.schema.json", `{"$schema":"x/sarif-schema-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"netpolsim","informationUri":"https://x","rules":[]}},"results":[]}]}`},
		{"lint-sarif.schema.json", `{"$schema":"x/sarif-schema-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"netpolsim","informationUri":"https://x","rules":[{"id":"a","shortDescription":{"text":"s"},"fullDescription":{"text":"s"},"help":{"text":"h","markdown":"h"},"defaultConfiguration":{"level":"warning"}}]}},"results":[{"ruleId":"a","ruleIndex":0,"level":"warning","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml"},"region":{"startLine":0}}}]}]}]}`},
	} {
		if err := validateJSON(compileSchema(t, c.schema), c.doc); err == nil {
			t.Errorf("%s accepts %s", c.schema, c.doc)
		}
	}
}

// TestJSONSchemasCover checks that every schema file is tested and that
// every command offering -o json has a schema.
func TestJSONSchemasCover(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(schemaDir, "*.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
		raw, _ := os.ReadFile(f)
		checkCamelCaseSchema(t, filepath.Base(f), raw)
	}
	for name := range schemaCases {
		if !slices.Contains(names, name) {
			t.Errorf("no file %s in %s", name, schemaDir)
		}
	}
	for _, n := range names {
		if _, ok := schemaCases[n]; !ok {
			t.Errorf("%s/%s is not validated by any command", schemaDir, n)
		}
	}
	formats := regexp.MustCompile(`-o FORMAT[^\n]*\n(?:\s{20,}[^\n]*\n)*`)
	for _, c := range commands {
		f := formats.FindString(c.usage)
		for _, format := range []string{"json", "sarif"} {
			if !strings.Contains(f, format) {
				continue
			}
			name := c.name + ".schema.json"
			if format == "sarif" {
				name = c.name + "-sarif.schema.json"
			}
			if _, ok := schemaCases[name]; !ok {
				t.Errorf("%s -o %s has no schema %s", c.name, format, name)
			}
		}
	}
}

var camelCase = regexp.MustCompile(`^\$?[a-z][a-zA-Z0-9]*$`)

// checkCamelCase checks every key of the JSON document out.
func checkCamelCase(t *testing.T, out string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !camelCase.MatchString(k) {
					t.Errorf("key %q at %s is not camelCase", k, path)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", v)
}

// checkCamelCaseSchema checks the property names a schema declares.
func checkCamelCaseSchema(t *testing.T, name string, raw []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "properties" {
					for p := range x.(map[string]any) {
						if !camelCase.MatchString(p) {
							t.Errorf("%s: property %q is not camelCase", name, p)
						}
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
}

// TestReadmeCommands keeps the README's command table complete: every
// command, and every output format of the commands with -o FORMAT.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if m := regexp.MustCompile("^\\| `netpolsim ([a-z-]+) ").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	formats := regexp.MustCompile(`-o FORMAT\s+([^\n]*(?:\n\s{20,}[^\n]*)*)`)
	for _, c := range commands {
		row, ok := rows[c.name]
		if !ok {
			t.Errorf("README.md's command table has no row for %s", c.name)
			continue
		}
		m := formats.FindStringSubmatch(c.usage)
		if m == nil {
			continue
		}
		for _, f := range []string{"json", "md", "sarif", "csv", "truthtable"} {
			if regexp.MustCompile(`\b`+f+`\b`).MatchString(m[1]) && !strings.Contains(row, f) {
				t.Errorf("README.md's row for %s does not mention -o %s", c.name, f)
			}
		}
	}
}
