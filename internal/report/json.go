package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/dbaudit/scanner/internal/finding"
)

// JSONReportVersion is the version of the JSON output contract (docs/json-output.md).
const JSONReportVersion = "1.0"

type jsonReporter struct{}

type jsonReport struct {
	ReportVersion string          `json:"report_version"`
	Tool          finding.Tool    `json:"tool"`
	GeneratedAt   string          `json:"generated_at,omitempty"`
	Inputs        []string        `json:"inputs,omitempty"`
	Summary       jsonSummary     `json:"summary"`
	Findings      []jsonFinding   `json:"findings"`
	Gaps          []finding.Gap   `json:"collection_gaps"`
	Rules         []*finding.Rule `json:"rules"`
	// Compliance is the per-control summary of the frameworks selected with --framework.
	Compliance []finding.FrameworkSummary `json:"compliance_summary,omitempty"`
	// StaleWaivers are waivers that matched no failing finding.
	StaleWaivers []finding.StaleWaiver `json:"stale_waivers,omitempty"`
}

type jsonSummary struct {
	Total        int `json:"total"`
	Fail         int `json:"fail"`
	Pass         int `json:"pass"`
	NotEvaluated int `json:"not_evaluated"`
	Waived       int `json:"waived"`
	Gaps         int `json:"collection_gaps"`
}

type jsonFinding struct {
	finding.Finding
	Title       string              `json:"title"`
	Compliance  map[string][]string `json:"compliance"`
	Remediation string              `json:"remediation,omitempty"`
}

func (jsonReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	counts := r.Counts()
	out := jsonReport{
		ReportVersion: JSONReportVersion,
		Tool:          r.Tool,
		GeneratedAt:   r.GeneratedAt,
		Inputs:        r.Inputs,
		Summary: jsonSummary{
			Total:        len(r.Findings),
			Fail:         counts[finding.StatusFail],
			Pass:         counts[finding.StatusPass],
			NotEvaluated: counts[finding.StatusNotEvaluated],
			Waived:       counts[finding.StatusWaived],
			Gaps:         len(r.Gaps),
		},
		Findings:     make([]jsonFinding, 0, len(r.Findings)),
		Gaps:         r.Gaps,
		Rules:        r.Rules,
		Compliance:   r.Compliance,
		StaleWaivers: r.StaleWaivers,
	}
	if out.Gaps == nil {
		out.Gaps = []finding.Gap{}
	}
	if out.Rules == nil {
		out.Rules = []*finding.Rule{}
	}
	for _, f := range r.Findings {
		jf := jsonFinding{Finding: f, Compliance: map[string][]string{}}
		if rule := r.Rule(f.RuleID); rule != nil {
			jf.Title = rule.Title
			jf.Remediation = rule.Remediation.Text
			for k, v := range rule.Frameworks {
				jf.Compliance[k] = v
			}
		}
		out.Findings = append(out.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}
