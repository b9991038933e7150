package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dbaudit/scanner/internal/finding"
)

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := sharedFile(t, "schemas/sarif-2.1.0.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

func renderSARIF(t *testing.T, r *finding.Report, opts Options) []byte {
	t.Helper()
	rep, err := New("sarif", opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(context.Background(), &buf, r); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	big := fixtureReport()
	for i := 0; i < 5100; i++ {
		f := big.Findings[0]
		f.ResourceID = fmt.Sprintf("%s-%d", f.ResourceID, i)
		big.Findings = append(big.Findings, f)
	}
	noInputs := fixtureReport()
	noInputs.Inputs = nil
	tests := []struct {
		name string
		r    *finding.Report
	}{
		{"fixture", fixtureReport()},
		{"over 5000 results", big},
		{"no inputs (rule file fallback)", noInputs},
		{"empty report", &finding.Report{Tool: finding.Tool{Name: "dbaudit-scanner"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := renderSARIF(t, tc.r, fixtureOptions())
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate against sarif-2.1.0.json: %v", err)
			}
		})
	}
}

// TestSARIFSchemaRejectsBrokenLog shows the validator is live: a broken level is caught.
func TestSARIFSchemaRejectsBrokenLog(t *testing.T) {
	sch := compileSARIFSchema(t)
	out := renderSARIF(t, fixtureReport(), fixtureOptions())
	tests := []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"bad level", func(m map[string]any) { firstResult(m)["level"] = "fatal" }},
		{"missing message", func(m map[string]any) { delete(firstResult(m), "message") }},
		{"unknown property", func(m map[string]any) { firstResult(m)["severity"] = "high" }},
		{"startLine 0", func(m map[string]any) {
			loc := firstResult(m)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatal(err)
			}
			tc.mutate(m)
			if err := sch.Validate(m); err == nil {
				t.Fatal("broken SARIF validated")
			}
		})
	}
}

func firstResult(m map[string]any) map[string]any {
	return m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

func TestBuildSARIF(t *testing.T) {
	r := fixtureReport()
	log, err := buildSARIF(r, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("runs = %d, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	for i := 1; i < len(rules); i++ {
		if rules[i-1].ID >= rules[i].ID {
			t.Errorf("rules not sorted by id: %s before %s", rules[i-1].ID, rules[i].ID)
		}
	}
	if len(rules) != len(r.Rules) {
		t.Errorf("rules = %d, want every report rule (%d)", len(rules), len(r.Rules))
	}
	for _, rule := range rules {
		if rule.ShortDescription == nil || len(*rule.ShortDescription.Text) > sarifMaxDescription ||
			rule.FullDescription == nil || len(*rule.FullDescription.Text) > sarifMaxDescription {
			t.Errorf("rule %s: short/full description missing or above 1024", rule.ID)
		}
		if rule.Help == nil || rule.Help.Text == nil || *rule.Help.Text == "" || rule.Help.Markdown == nil {
			t.Errorf("rule %s: help text/markdown missing", rule.ID)
		}
		tags, _ := rule.Properties["tags"].([]string)
		if len(tags) == 0 || len(tags) > sarifMaxTags || tags[0] != "security" {
			t.Errorf("rule %s: tags %v", rule.ID, tags)
		}
		if ss, ok := rule.Properties["security-severity"]; ok {
			s, isString := ss.(string)
			v, err := strconv.ParseFloat(s, 64)
			if !isString || err != nil || v <= 0 || v > 10 || v == 9.0 {
				t.Errorf("rule %s: security-severity %#v is not a numeric string in (0,10] avoiding 9.0", rule.ID, ss)
			}
		}
	}

	wantStatus := map[finding.Status]int{}
	for _, f := range r.Findings {
		if f.Status != finding.StatusPass {
			wantStatus[f.Status]++
		}
	}
	gotStatus := map[finding.Status]int{}
	for _, res := range run.Results {
		status := finding.Status(res.Properties["status"].(string))
		gotStatus[status]++
		if rules[*res.RuleIndex].ID != *res.RuleID {
			t.Errorf("result %s: ruleIndex %d points at %s", *res.RuleID, *res.RuleIndex, rules[*res.RuleIndex].ID)
		}
		reg := res.Locations[0].PhysicalLocation.Region
		if reg.StartLine == nil || *reg.StartLine < 1 {
			t.Errorf("result %s: startLine < 1", *res.RuleID)
		}
		uri := *res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if strings.HasPrefix(uri, "/") || strings.Contains(uri, "://") {
			t.Errorf("result %s: artifact uri %q is not relative", *res.RuleID, uri)
		}
		fp, _ := res.PartialFingerprints["primaryLocationLineHash"].(string)
		if len(fp) != 18 || !strings.HasSuffix(fp, ":1") {
			t.Errorf("result %s: fingerprint %q is not primaryLocationLineHash-shaped", *res.RuleID, fp)
		}
		switch status {
		case finding.StatusWaived:
			if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != "external" || *res.Suppressions[0].Status != "accepted" {
				t.Errorf("waived result without an accepted suppression: %+v", res.Suppressions)
			}
		case finding.StatusNotEvaluated:
			if *res.Kind != "review" || *res.Level != "note" {
				t.Errorf("not-evaluated result: kind %s level %s, want review/note", *res.Kind, *res.Level)
			}
		case finding.StatusFail:
			if *res.Kind != "fail" || len(res.Suppressions) != 0 {
				t.Errorf("failing result: kind %s, %d suppressions", *res.Kind, len(res.Suppressions))
			}
		}
	}
	for s, n := range wantStatus {
		if gotStatus[s] != n {
			t.Errorf("%s results = %d, want %d", s, gotStatus[s], n)
		}
	}
	if gotStatus[finding.StatusPass] != 0 {
		t.Errorf("PASS findings must not become results")
	}
}

func TestSARIFLocation(t *testing.T) {
	tests := []struct {
		name     string
		loc      *finding.Location
		inputs   []string
		baseDir  string
		wantURI  string
		wantLine int
	}{
		{"absolute under base dir", &finding.Location{File: "/repo/plans/a b.json", Line: 3}, nil, "/repo", "plans/a%20b.json", 3},
		{"relative with dot", &finding.Location{File: "./snap.json", Line: 0}, nil, "", "snap.json", 1},
		{"windows separators", &finding.Location{File: `infra\main.tf`, Line: 9}, nil, "", "infra/main.tf", 9},
		{"nil location uses first input", nil, []string{"snapshots/prod.json", "other.json"}, "", "snapshots/prod.json", 1},
		{"nil location, no inputs, rule file", nil, nil, "", "rules/r.rego", 1},
		{"absolute outside base dir", &finding.Location{File: "/tmp/x.json", Line: 2}, nil, "/repo", "file:///tmp/x.json", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &finding.Report{Inputs: tc.inputs, Rules: []*finding.Rule{{ID: "R1", File: "rules/r.rego"}}}
			f := &finding.Finding{RuleID: "R1", Location: tc.loc}
			uri, line, _, err := sarifLocation(r, f, tc.baseDir)
			if err != nil {
				t.Fatal(err)
			}
			if uri != tc.wantURI || line != tc.wantLine {
				t.Errorf("got %s:%d, want %s:%d", uri, line, tc.wantURI, tc.wantLine)
			}
		})
	}
	if _, _, _, err := sarifLocation(&finding.Report{}, &finding.Finding{RuleID: "X"}, ""); err == nil {
		t.Error("a finding with no file anywhere must be an error (GitHub rejects results without a location)")
	}
}

func TestSARIFFingerprintStable(t *testing.T) {
	a := finding.Finding{RuleID: "R1", AccountID: "123456789012", Region: "us-east-1", ResourceID: "arn:x", Message: "one",
		Location: &finding.Location{File: "a.json", Line: 1}}
	b := a
	b.Message, b.Location, b.Evidence = "two", &finding.Location{File: "b.json", Line: 99}, "changed"
	if Fingerprint(&a) != Fingerprint(&b) {
		t.Error("fingerprint must depend on rule + resource only, not on message or location")
	}
	c := a
	c.RuleID = "R2"
	if Fingerprint(&a) == Fingerprint(&c) {
		t.Error("different rules must have different fingerprints")
	}
}

func TestSARIFResultCap(t *testing.T) {
	r := fixtureReport()
	base := r.Findings[0]
	r.Findings = nil
	for i := 0; i < sarifMaxResults+7; i++ {
		f := base
		f.ResourceID = fmt.Sprintf("arn:aws:rds:us-east-1:123456789012:cluster:c%05d", i)
		r.Findings = append(r.Findings, f)
	}
	log, err := buildSARIF(r, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != sarifMaxResults {
		t.Errorf("results = %d, want %d", len(run.Results), sarifMaxResults)
	}
	if run.Properties["resultsOmitted"] != 7 {
		t.Errorf("resultsOmitted = %v, want 7", run.Properties["resultsOmitted"])
	}
	// The cut keeps report order: the first findings (failing, highest severity) survive.
	if got := run.Results[0].Properties["resourceId"]; got != r.Findings[0].ResourceID {
		t.Errorf("first result %v, want %s", got, r.Findings[0].ResourceID)
	}
}

func TestSARIFTagsCapped(t *testing.T) {
	rule := &finding.Rule{ID: "R", Service: "rds", Frameworks: map[string][]string{"aws-securityhub": {"RDS.1", "RDS.2"}}}
	for i := 0; i < 30; i++ {
		rule.Frameworks["pci-dss-v3.2.1"] = append(rule.Frameworks["pci-dss-v3.2.1"], fmt.Sprintf("10.%d", i))
	}
	tags := sarifTags(rule)
	if len(tags) != sarifMaxTags {
		t.Fatalf("tags = %d, want %d", len(tags), sarifMaxTags)
	}
	if tags[0] != "security" || tags[1] != "rds" || tags[2] != "RDS.1" {
		t.Errorf("tag order: %v", tags[:3])
	}
}
