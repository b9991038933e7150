package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/finding"
)

func render(t *testing.T, format string, r *finding.Report) []byte {
	t.Helper()
	rep, err := New(format, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(context.Background(), &buf, r); err != nil {
		t.Fatalf("%s Write: %v", format, err)
	}
	return buf.Bytes()
}

func TestJUnit(t *testing.T) {
	r := fixtureReport()
	var got junitSuites
	if err := xml.Unmarshal(render(t, "junit", r), &got); err != nil {
		t.Fatalf("junit output is not well-formed XML: %v", err)
	}
	c := r.Counts()
	if got.Tests != len(r.Findings) || got.Failures != c[finding.StatusFail] ||
		got.Errors != c[finding.StatusNotEvaluated] || got.Skipped != c[finding.StatusWaived] {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want %d/%d/%d/%d", got.Tests, got.Failures, got.Errors,
			got.Skipped, len(r.Findings), c[finding.StatusFail], c[finding.StatusNotEvaluated], c[finding.StatusWaived])
	}
	if len(got.Suites) != len(r.Rules) {
		t.Errorf("suites = %d, want one per rule (%d)", len(got.Suites), len(r.Rules))
	}
	names := map[string]bool{}
	for _, s := range got.Suites {
		for _, tc := range s.Cases {
			key := tc.Classname + "|" + tc.Name
			if names[key] {
				t.Errorf("duplicate testcase %s", key)
			}
			names[key] = true
		}
	}
}

func TestCSV(t *testing.T) {
	r := fixtureReport()
	rows, err := csv.NewReader(bytes.NewReader(render(t, "csv", r))).ReadAll()
	if err != nil {
		t.Fatalf("csv output does not parse: %v", err)
	}
	if len(rows) != len(r.Findings)+1 {
		t.Fatalf("rows = %d, want header + %d", len(rows), len(r.Findings))
	}
	if strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q could run as a spreadsheet formula", cell)
			}
		}
	}
}

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+x", "'+x"}, {"-x", "'-x"}, {"@x", "'@x"}, {"arn:aws:x", "arn:aws:x"}, {"", ""},
	}
	for _, tc := range tests {
		if got := csvSafe(tc.in); got != tc.want {
			t.Errorf("csvSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	out := string(render(t, "markdown", fixtureReport()))
	for _, want := range []string{"| 4 | 2 | 1 | 1 | 1 |", ":x: 4 failing findings.", "<details open><summary>Failing (4)</summary>"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("markdown passes raw HTML from finding messages through")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "/aws/rds/cluster/orders/audit keeps") && !strings.Contains(line, `Log group \|`) {
			t.Errorf("unescaped pipe breaks the table: %s", line)
		}
	}
}

// TestMarkdownHeadlineFollowsFailOn: the red cross means "this fails the scan", so it
// follows --fail-on (the fixture fails at CRITICAL, HIGH, MEDIUM and LOW).
func TestMarkdownHeadlineFollowsFailOn(t *testing.T) {
	passing := fixtureReport()
	passing.Findings, passing.Gaps = nil, nil
	for _, f := range fixtureReport().Findings {
		if f.Status == finding.StatusPass {
			passing.Findings = append(passing.Findings, f)
		}
	}
	complete := fixtureReport()
	complete.Gaps = nil
	var findings []finding.Finding
	for _, f := range complete.Findings {
		if f.Status != finding.StatusNotEvaluated && f.Severity < finding.Critical {
			findings = append(findings, f)
		}
	}
	complete.Findings = findings // FAIL at HIGH, MEDIUM, LOW; nothing unevaluated
	oneHigh := fixtureReport()
	oneHigh.Findings = nil
	for _, f := range fixtureReport().Findings {
		if f.Status != finding.StatusFail || f.Severity == finding.High {
			oneHigh.Findings = append(oneHigh.Findings, f)
		}
	}
	tests := []struct {
		name   string
		report *finding.Report
		failOn finding.Severity
		want   string
	}{
		{"every failure counts", fixtureReport(), finding.Informational, ":x: 4 failing findings."},
		{"some at or above", fixtureReport(), finding.High, ":x: 2 failing findings at or above HIGH (2 below)."},
		{"one at or above", oneHigh, finding.High, ":x: 1 failing finding at or above HIGH."},
		{"none at or above, complete", complete, finding.Critical, ":white_check_mark: No failing findings at or above CRITICAL (3 below)."},
		{"none at or above, incomplete", oneHigh, finding.Critical, ":warning: No failing findings at or above CRITICAL (1 below), but the scan is incomplete."},
		{"nothing fails", passing, finding.High, ":white_check_mark: No failing findings at or above HIGH."},
		{"nothing fails, no threshold", passing, finding.Informational, ":white_check_mark: No failing findings."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := fixtureOptions()
			opts.FailOn = tc.failOn
			rep, err := New("markdown", opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Write(context.Background(), &buf, tc.report); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(buf.String(), "\n")
			if len(lines) < 3 || lines[2] != tc.want {
				t.Errorf("headline = %q, want %q", lines[min(2, len(lines)-1)], tc.want)
			}
			if got, want := strings.Contains(buf.String(), ":x:"), strings.Contains(tc.want, ":x:"); got != want {
				t.Errorf("red cross in the output = %v, want %v", got, want)
			}
		})
	}
}

func TestMarkdownSizeCap(t *testing.T) {
	r := fixtureReport()
	base := r.Findings[0]
	for i := 0; i < 5000; i++ {
		f := base
		f.ResourceID = fmt.Sprintf("%s-%d", base.ResourceID, i)
		f.Message = strings.Repeat("long message ", 20)
		r.Findings = append(r.Findings, f)
	}
	out := render(t, "markdown", r)
	if len(out) > 65536 {
		t.Errorf("markdown is %d bytes, above a PR comment's 65,536", len(out))
	}
	if !bytes.Contains(out, []byte("more (see the JSON or SARIF report)")) {
		t.Error("capped section does not say how many rows were left out")
	}
}

func TestFormatsRegistered(t *testing.T) {
	got := strings.Join(Formats(), ",")
	for _, f := range []string{"asff", "csv", "junit", "markdown", "sarif"} {
		if !strings.Contains(got, f) {
			t.Errorf("format %s not registered (have %s)", f, got)
		}
	}
}
