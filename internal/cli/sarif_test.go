package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// sarifResults runs lint -o sarif and returns its results and rules.
func sarifResults(t *testing.T, args ...string) sarifLog {
	t.Helper()
	out, errOut, code := run(t, "", append([]string{"lint", "-o", "sarif"}, args...)...)
	if code == exitError {
		t.Fatalf("exit status %d: %s", code, errOut)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

// lineOf returns line n (1-based) of file.
func lineOf(t *testing.T, file string, n int) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("%s has no line %d", file, n)
	}
	return lines[n-1]
}

func TestLintSARIF(t *testing.T) {
	// The shop example: its findings are about Namespace kube-system, whose
	// document starts at line 8 of namespace.yaml.
	log := sarifResults(t, "-f", shop)
	lr := log.Runs[0]
	if len(lr.Results) == 0 {
		t.Fatal("no results for the shop example")
	}
	for _, r := range lr.Results {
		if len(r.Locations) != 1 {
			t.Fatalf("%s: %d locations, want 1", r.RuleID, len(r.Locations))
		}
		loc := r.Locations[0].Physical
		if loc.Artifact.URI != "../../examples/manifests/shop/namespace.yaml" || loc.Region.StartLine != 8 {
			t.Errorf("%s: located at %s:%d, want ../../examples/manifests/shop/namespace.yaml:8", r.RuleID, loc.Artifact.URI, loc.Region.StartLine)
		}
		if next := lineOf(t, shop+"/namespace.yaml", loc.Region.StartLine+3); strings.TrimSpace(next) != "name: kube-system" {
			t.Errorf("%s: the document at line %d is not Namespace kube-system (line %d: %q)", r.RuleID, loc.Region.StartLine, loc.Region.StartLine+3, next)
		}
		if lr.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("%s: ruleIndex %d names rule %s", r.RuleID, r.RuleIndex, lr.Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}
	levels := map[string]string{}
	for _, r := range lr.Results {
		levels[r.RuleID] = r.Level
	}
	if levels["no-default-deny-ingress"] != "warning" || levels["no-default-deny-egress"] != "note" {
		t.Errorf("levels %v, want warning for no-default-deny-ingress and note (info) for no-default-deny-egress", levels)
	}
	for _, rule := range lr.Tool.Driver.Rules {
		if !strings.Contains(rule.Help.Text, rule.ShortDescription.Text) || !strings.Contains(rule.Help.Text, "--disable "+rule.ID) {
			t.Errorf("rule %s: help %q does not explain the check", rule.ID, rule.Help.Text)
		}
	}

	// A finding about a field is located at that field's line.
	log = sarifResults(t, "-f", "testdata/sarif")
	var found bool
	for _, r := range log.Runs[0].Results {
		if r.RuleID != "peer-matches-nothing" {
			continue
		}
		found = true
		loc := r.Locations[0].Physical
		if loc.Artifact.URI != "testdata/sarif/policies.yaml" {
			t.Errorf("uri %q", loc.Artifact.URI)
		}
		if l := lineOf(t, "testdata/sarif/policies.yaml", loc.Region.StartLine); strings.TrimSpace(l) != "- from:" || loc.Region.StartLine != 36 {
			t.Errorf("peer-matches-nothing at line %d (%q), want line 36, the second ingress rule's from", loc.Region.StartLine, l)
		}
		if !strings.Contains(r.Message.Text, "NetworkPolicy app/api spec.ingress[1].from") || !strings.Contains(r.Message.Text, "Hint: ") {
			t.Errorf("message %q names neither object, field nor hint", r.Message.Text)
		}
	}
	if !found {
		t.Error("no peer-matches-nothing finding in testdata/sarif")
	}

	// Standard input has no file to point at: the result stays, unlocated.
	in, err := os.ReadFile("testdata/sarif/policies.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(t, string(in), "lint", "-o", "sarif", "-f", "-")
	var stdin sarifLog
	if err := json.Unmarshal([]byte(out), &stdin); err != nil {
		t.Fatal(err)
	}
	if n := len(stdin.Runs[0].Results); n == 0 {
		t.Error("no results from standard input")
	}
	for _, r := range stdin.Runs[0].Results {
		if len(r.Locations) != 0 {
			t.Errorf("%s located at %+v in standard input", r.RuleID, r.Locations)
		}
	}
}

func TestSarifURI(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"deploy/a.yaml", "deploy/a.yaml"},
		{"./deploy//b.yaml", "deploy/b.yaml"},
		{"deploy/with space.yaml", "deploy/with%20space.yaml"},
		{"/abs/c.yaml", "file:///abs/c.yaml"},
		{"a:b.yaml", "a:b.yaml"},
	} {
		if got, ok := sarifURI(c.in); !ok || got != c.want {
			t.Errorf("sarifURI(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	if _, ok := sarifURI("-"); ok {
		t.Error("standard input has a URI")
	}
}
