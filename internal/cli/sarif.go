package cli

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/manifest"
)

// This file writes lint -o sarif: the findings as a SARIF 2.1.0 log, the
// format code-scanning services read to show findings inline on the lines
// of the policies they are about.

const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string       `json:"id"`
		Name             string       `json:"name"`
		ShortDescription sarifText    `json:"shortDescription"`
		FullDescription  sarifText    `json:"fullDescription"`
		Help             sarifHelp    `json:"help"`
		Default          sarifDefault `json:"defaultConfiguration"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifDefault struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID     string          `json:"ruleId"`
		RuleIndex  int             `json:"ruleIndex"`
		Level      string          `json:"level"`
		Message    sarifText       `json:"message"`
		Locations  []sarifLocation `json:"locations"`
		Properties sarifProperties `json:"properties"`
	}
	sarifLocation struct {
		Physical sarifPhysical  `json:"physicalLocation"`
		Logical  []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		Artifact sarifArtifact `json:"artifactLocation"`
		Region   sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifProperties struct {
		Object  string   `json:"object"`
		Field   string   `json:"field,omitempty"`
		Hint    string   `json:"hint"`
		Related []string `json:"related,omitempty"`
	}
)

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	default:
		return "note"
	}
}

// sarifRuleHelp is the help of a check: its summary, what a finding
// carries, and where the check is defined exactly.
func sarifRuleHelp(r lint.RuleInfo) sarifHelp {
	text := "netpolsim lint check " + r.ID + ": " + r.Summary + ".\n\n" +
		"Each finding names the object (and the field inside it) it is about and ends with a hint to fix it. " +
		"Turn the check off with --disable " + r.ID + "; 'netpolsim lint --help' lists every check, " +
		"and the documentation of package lint defines each one exactly."
	md := "**" + r.ID + "**: " + r.Summary + ".\n\n" +
		"Each finding names the object (and the field inside it) it is about and ends with a hint to fix it. " +
		"Turn the check off with `--disable " + r.ID + "`; `netpolsim lint --help` lists every check, " +
		"and the documentation of package `lint` defines each one exactly."
	return sarifHelp{Text: text, Markdown: md}
}

// sarifURI renders a manifest file name as an artifact URI: a relative
// path with forward slashes (which code-scanning services resolve against
// the repository's root), or a file URI for an absolute path. ok is false
// for standard input.
func sarifURI(file string) (string, bool) {
	if file == "" || file == "-" {
		return "", false
	}
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String(), true
	}
	p := filepath.ToSlash(filepath.Clean(file))
	u := (&url.URL{Path: p}).String()
	return strings.TrimPrefix(u, "./"), true
}

// sarifLocate finds where a finding is: the line of its field in its
// object, else the object, else its first related object the input holds.
func sarifLocate(res *manifest.Result, f lint.Finding) (manifest.Source, lint.Object, bool) {
	if src, ok := res.FieldSource(f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field); ok {
		return src, f.Object, true
	}
	for _, o := range f.Related {
		if src, ok := res.Source(o.Kind, o.Namespace, o.Name); ok {
			return src, o, true
		}
	}
	return manifest.Source{}, lint.Object{}, false
}

// newSarifLog builds the log of the findings, each located with res. Every
// check is a rule, in lint.Rules order; results keep the findings' order.
// A finding that cannot be located in a file (its objects came from
// standard input, or are implied) has no location.
func newSarifLog(out lintJSON, res *manifest.Result) sarifLog {
	driver := sarifDriver{Name: "netpolsim", InformationURI: "https://github.com/netpolsim/netpolsim"}
	index := map[string]int{}
	for i, r := range lint.Rules() {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.ID,
			ShortDescription: sarifText{r.Summary},
			FullDescription:  sarifText{r.Summary},
			Help:             sarifRuleHelp(r),
			Default:          sarifDefault{Level: "warning"},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range out.Findings {
		r := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message:    sarifText{f.Object.String() + fieldSuffix(f.Field) + ": " + f.Message + ". Hint: " + f.Hint},
			Locations:  []sarifLocation{},
			Properties: sarifProperties{Object: f.Object.String(), Field: f.Field, Hint: f.Hint},
		}
		for _, o := range f.Related {
			r.Properties.Related = append(r.Properties.Related, o.String())
		}
		if src, o, ok := sarifLocate(res, f); ok {
			if uri, ok := sarifURI(src.File); ok {
				loc := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: uri}, Region: sarifRegion{StartLine: max(src.Line, 1)}}}
				name := o.Kind + "/" + o.Name
				if o.Namespace != "" {
					name = o.Kind + "/" + o.Namespace + "/" + o.Name
				}
				loc.Logical = []sarifLogical{{FullyQualifiedName: name, Kind: "resource"}}
				r.Locations = append(r.Locations, loc)
			}
		}
		run.Results = append(run.Results, r)
	}
	return sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
}

func fieldSuffix(field string) string {
	if field == "" {
		return ""
	}
	return " " + field
}

func writeLintSARIF(w io.Writer, out lintJSON, res *manifest.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newSarifLog(out, res))
}
