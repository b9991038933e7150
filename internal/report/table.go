package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/dbaudit/scanner/internal/finding"
)

type tableReporter struct{ color bool }

const (
	ansiReset = "\x1b[0m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiYel   = "\x1b[33m"
	ansiBold  = "\x1b[1m"
)

func (t tableReporter) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t tableReporter) status(s finding.Status) string {
	switch s {
	case finding.StatusFail:
		return t.paint(ansiRed+ansiBold, string(s))
	case finding.StatusPass:
		return t.paint(ansiGreen, string(s))
	case finding.StatusNotEvaluated, finding.StatusWaived:
		return t.paint(ansiYel, string(s))
	}
	return string(s)
}

// Write renders one table per severity (highest first) and a summary line. Failing and
// not-evaluated findings come first inside each table, as the report is sorted.
func (t tableReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	bySeverity := map[finding.Severity][]finding.Finding{}
	for _, f := range r.Findings {
		bySeverity[f.Severity] = append(bySeverity[f.Severity], f)
	}
	for sev := finding.Critical; sev >= finding.Informational; sev-- {
		fs := bySeverity[sev]
		if len(fs) == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(ansiBold, sev.String()), len(fs)); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		tbl := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
		)
		tbl.Header("Status", "Rule", "Control", "Account", "Region", "Resource", "Detail")
		for _, f := range fs {
			control := ""
			if rule := r.Rule(f.RuleID); rule != nil {
				control = strings.Join(rule.SecurityHubControls(), ",")
			}
			if err := tbl.Append(t.status(f.Status), f.RuleID, control, f.AccountID, f.Region, resourceLabel(f), detail(f)); err != nil {
				return fmt.Errorf("write table: %w", err)
			}
		}
		if err := tbl.Render(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	if len(r.Gaps) > 0 {
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(ansiBold, "COLLECTION GAPS"), len(r.Gaps)); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		tbl := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		)
		tbl.Header("Account", "Region", "Service", "Operation", "Resource", "Error")
		for _, g := range r.Gaps {
			if err := tbl.Append(g.AccountID, g.Region, g.Service, g.Operation, g.Resource, g.ErrorCode); err != nil {
				return fmt.Errorf("write table: %w", err)
			}
		}
		if err := tbl.Render(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	_, err := fmt.Fprintln(w, Summary(r))
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// Summary is the one-line count of findings by status.
func Summary(r *finding.Report) string {
	c := r.Counts()
	s := fmt.Sprintf("%d findings: %d failed, %d passed, %d not evaluated", len(r.Findings),
		c[finding.StatusFail], c[finding.StatusPass], c[finding.StatusNotEvaluated])
	if c[finding.StatusWaived] > 0 {
		s += fmt.Sprintf(", %d waived", c[finding.StatusWaived])
	}
	if len(r.Gaps) > 0 {
		s += fmt.Sprintf("; %d collection gaps", len(r.Gaps))
	}
	return s
}

func resourceLabel(f finding.Finding) string {
	label := f.ResourceID
	if f.ResourceName != "" {
		label = f.ResourceName
	}
	if f.Location != nil && f.Location.File != "" {
		if f.Location.Line > 0 {
			return fmt.Sprintf("%s (%s:%d)", label, f.Location.File, f.Location.Line)
		}
		return fmt.Sprintf("%s (%s)", label, f.Location.File)
	}
	return label
}

func detail(f finding.Finding) string {
	switch f.Status {
	case finding.StatusNotEvaluated:
		return "not evaluated: " + f.Reason
	case finding.StatusWaived:
		return "waived: " + f.Reason
	}
	if f.Evidence != "" {
		return f.Message + " [" + f.Evidence + "]"
	}
	return f.Message
}
