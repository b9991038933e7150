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

// tableCellMaxWidth is where a cell's text wraps.
const tableCellMaxWidth = 72

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
			// Long evidence wraps inside its cell instead of stretching every row.
			tablewriter.WithRowAutoWrap(tw.WrapNormal),
			tablewriter.WithRowMaxWidth(tableCellMaxWidth),
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
	if err := t.writePolicySections(w, r); err != nil {
		return fmt.Errorf("write table: %w", err)
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
	if len(r.StaleWaivers) > 0 {
		s += fmt.Sprintf("; %d stale waivers", len(r.StaleWaivers))
	}
	return s
}

// resourceLabel names the resource and, when known, where it was found (table, Markdown).
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

// detail is the finding's message and evidence, or why it is not evaluated or waived
// (table, Markdown).
func detail(f finding.Finding) string {
	switch f.Status {
	case finding.StatusNotEvaluated:
		return "not evaluated: " + f.Reason
	case finding.StatusWaived:
		return "waived: " + waiverText(&f)
	}
	msg := f.Message
	if f.Evidence != "" {
		msg += " [" + f.Evidence + "]"
	}
	if f.Waiver != nil && f.Waiver.Expired {
		msg += " (waiver expired on " + f.Waiver.Expires + ")"
	}
	return msg
}

// writePolicySections renders the per-framework compliance summary and the stale waivers.
func (t tableReporter) writePolicySections(w io.Writer, r *finding.Report) error {
	newTable := func() *tablewriter.Table {
		return tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
		)
	}
	for _, fw := range r.Compliance {
		if _, err := fmt.Fprintf(w, "%s (%d controls)\n", t.paint(ansiBold, "COMPLIANCE "+fw.Name), len(fw.Controls)); err != nil {
			return err
		}
		tbl := newTable()
		tbl.Header("Control", "Status", "Pass", "Fail", "Not evaluated", "Waived", "Rules")
		for _, c := range fw.Controls {
			if err := tbl.Append(c.ID, t.controlStatus(c.Status), fmt.Sprint(c.Pass), fmt.Sprint(c.Fail), fmt.Sprint(c.NotEvaluated), fmt.Sprint(c.Waived), strings.Join(c.Rules, ",")); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	if len(r.StaleWaivers) > 0 {
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(ansiBold, "STALE WAIVERS"), len(r.StaleWaivers)); err != nil {
			return err
		}
		tbl := newTable()
		tbl.Header("Rule", "Resource", "Account", "Region", "Expires", "Defined at", "Why")
		for _, sw := range r.StaleWaivers {
			expires := sw.Expires
			if sw.Expired {
				expires += " (expired)"
			}
			if err := tbl.Append(sw.Rule, sw.Resource, sw.Account, sw.Region, expires, sw.Source, sw.Why); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}

func (t tableReporter) controlStatus(s string) string {
	switch s {
	case finding.ControlFail:
		return t.paint(ansiRed+ansiBold, s)
	case finding.ControlPass:
		return t.paint(ansiGreen, s)
	}
	return t.paint(ansiYel, s)
}
