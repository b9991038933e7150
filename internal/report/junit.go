package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

type junitReporter struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties *junitPropList  `xml:"properties,omitempty"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitPropList struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Write renders one testsuite per rule (in the report's rule order, then rules only findings
// name) and one testcase per rule + resource: FAIL → <failure>, NOT_EVALUATED → <error> (the
// check could not run; never a pass), WAIVED → <skipped>, PASS → a plain testcase.
func (junitReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	out := buildJUnit(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func buildJUnit(r *finding.Report) junitSuites {
	out := junitSuites{Name: firstNonBlank(r.Tool.Name, defaultToolName)}
	pos := map[string]int{}
	addSuite := func(id string) int {
		if i, ok := pos[id]; ok {
			return i
		}
		s := junitSuite{Name: id, Timestamp: r.GeneratedAt}
		if rule := r.Rule(id); rule != nil {
			if rule.Title != "" {
				s.Name = id + ": " + oneLineText(rule.Title)
			}
			var props []junitProp
			props = append(props, junitProp{"severity", rule.Severity.String()})
			for _, k := range slices.Sorted(maps.Keys(rule.Frameworks)) {
				props = append(props, junitProp{k, strings.Join(rule.Frameworks[k], ",")})
			}
			s.Properties = &junitPropList{props}
		}
		pos[id] = len(out.Suites)
		out.Suites = append(out.Suites, s)
		return pos[id]
	}
	for _, rule := range r.Rules {
		if rule != nil {
			addSuite(rule.ID)
		}
	}
	for _, f := range r.Findings {
		s := &out.Suites[addSuite(f.RuleID)]
		tc := junitTestCase{Name: junitCaseName(f), Classname: f.RuleID}
		if f.Location != nil && f.Location.File != "" {
			tc.File, tc.Line = f.Location.File, f.Location.Line
		}
		body := junitBody(f)
		switch f.Status {
		case finding.StatusFail:
			tc.Failure = &junitMessage{Message: oneLineText(f.Message), Type: f.Severity.String(), Text: body}
			s.Failures++
		case finding.StatusNotEvaluated:
			tc.Error = &junitMessage{Message: "not evaluated: " + oneLineText(f.Reason), Type: string(f.Status), Text: body}
			s.Errors++
		case finding.StatusWaived:
			tc.Skipped = &junitMessage{Message: "waived: " + oneLineText(waiverText(&f)), Text: body}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	return out
}

// junitCaseName identifies the resource; account and region make synthetic ids unique.
func junitCaseName(f finding.Finding) string {
	name := f.ResourceID
	if f.ResourceName != "" && !strings.Contains(f.ResourceID, f.ResourceName) {
		name = f.ResourceName + " (" + f.ResourceID + ")"
	}
	if f.AccountID != "" && !strings.Contains(name, f.AccountID) || f.Region != "" && !strings.Contains(name, f.Region) {
		name += " [" + strings.Trim(f.AccountID+"/"+f.Region, "/") + "]"
	}
	return name
}

func junitBody(f finding.Finding) string {
	var lines []string
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	add("Message", f.Message)
	add("Resource", f.ResourceID)
	add("Resource type", f.ResourceType)
	add("Account", f.AccountID)
	add("Region", f.Region)
	add("Evidence", f.Evidence)
	add("Reason", f.Reason)
	if f.Waiver != nil {
		add("Waiver owner", f.Waiver.Owner)
		add("Waiver expires", f.Waiver.Expires)
	}
	return strings.Join(lines, "\n")
}
