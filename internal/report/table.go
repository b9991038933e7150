package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

type tableReporter struct {
	color bool
	// width is the column count every line fits in; 0 means DefaultWidth.
	width int
}

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
// not-evaluated findings come first inside each table, as the report is sorted. Every line
// fits the reporter's width: long cells wrap, and below the width the seven-column layout
// needs, Control moves under Rule and Account and Region under Resource.
func (t tableReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	if err := t.write(w, r); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func (t tableReporter) write(w io.Writer, r *finding.Report) error {
	width := t.width
	if width <= 0 {
		width = DefaultWidth
	}
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
			return err
		}
		if err := renderFitted(w, width, t.findingsTable(r, fs, width)); err != nil {
			return err
		}
	}
	if len(r.Gaps) > 0 {
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(ansiBold, "COLLECTION GAPS"), len(r.Gaps)); err != nil {
			return err
		}
		if err := renderFitted(w, width, gapsTable(r.Gaps, width)); err != nil {
			return err
		}
	}
	if err := t.writePolicySections(w, r, width); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, wrapSummary(Summary(r), width))
	return err
}

// findingsTable lays out one severity's findings: seven columns when they fit the width with
// room for Resource and Detail, else four (Control under Rule, Account and Region under
// Resource). Status and Rule never wrap, so a rule id is always whole on one line.
func (t tableReporter) findingsTable(r *finding.Report, fs []finding.Finding, width int) fittedTable {
	wide := fittedTable{
		headers: []string{"Status", "Rule", "Control", "Account", "Region", "Resource", "Detail"},
		modes:   []wrapMode{wrapNever, wrapNever},
	}
	compact := fittedTable{
		headers: []string{"Status", "Rule", "Resource", "Detail"},
		modes:   []wrapMode{wrapNever, wrapNever},
	}
	for _, f := range fs {
		control := ""
		if rule := r.Rule(f.RuleID); rule != nil {
			control = strings.Join(rule.SecurityHubControls(), ", ")
		}
		status := t.status(f.Status)
		wide.rows = append(wide.rows, []string{status, f.RuleID, control, f.AccountID, f.Region, resourceLabel(f), detail(f)})
		where := strings.TrimSpace(f.AccountID + " " + f.Region)
		compact.rows = append(compact.rows, []string{status, joinLines(f.RuleID, control), joinLines(resourceLabel(f), where), detail(f)})
	}
	// The wide layout needs its five short columns whole plus room for two readable columns.
	natural := wide.naturalWidths()
	need := tableOverhead(len(wide.headers)) + 2*minWideColumn
	for _, n := range natural[:5] {
		need += n
	}
	if need <= width {
		return wide
	}
	return compact
}

// gapsTable lays out the collection gaps: six columns when they fit whole, else four
// (Region under Account, the operation as service:Operation).
func gapsTable(gaps []finding.Gap, width int) fittedTable {
	wide := fittedTable{headers: []string{"Account", "Region", "Service", "Operation", "Resource", "Error"}}
	compact := fittedTable{headers: []string{"Account", "Operation", "Resource", "Error"}}
	for _, g := range gaps {
		wide.rows = append(wide.rows, []string{g.AccountID, g.Region, g.Service, g.Operation, g.Resource, g.ErrorCode})
		op := g.Operation
		if g.Service != "" {
			op = g.Service + ":" + op
		}
		compact.rows = append(compact.rows, []string{joinLines(g.AccountID, g.Region), op, g.Resource, g.ErrorCode})
	}
	need := tableOverhead(len(wide.headers))
	for _, n := range wide.naturalWidths() {
		need += n
	}
	if need <= width {
		return wide
	}
	return compact
}

// staleWaiversTable lays out the stale waivers: seven columns when the short ones fit whole
// with room for Resource and Why, else four (Account and Region under Resource, where the
// waiver is defined under Why).
func staleWaiversTable(stale []finding.StaleWaiver, width int) fittedTable {
	wide := fittedTable{headers: []string{"Rule", "Resource", "Account", "Region", "Expires", "Defined at", "Why"}, modes: []wrapMode{wrapNever}}
	compact := fittedTable{headers: []string{"Rule", "Resource", "Expires", "Why"}, modes: []wrapMode{wrapNever}}
	for _, sw := range stale {
		expires := sw.Expires
		if sw.Expired {
			expires += " (expired)"
		}
		wide.rows = append(wide.rows, []string{sw.Rule, sw.Resource, sw.Account, sw.Region, expires, sw.Source, sw.Why})
		where := strings.TrimSpace(sw.Account + " " + sw.Region)
		source := ""
		if sw.Source != "" {
			source = "(" + sw.Source + ")"
		}
		compact.rows = append(compact.rows, []string{sw.Rule, joinLines(sw.Resource, where), expires, joinLines(sw.Why, source)})
	}
	natural := wide.naturalWidths()
	need := tableOverhead(len(wide.headers)) + 2*minWideColumn + natural[0] + natural[2] + natural[3] + natural[4] + natural[5]
	if need <= width {
		return wide
	}
	return compact
}

// joinLines puts the non-empty parts on lines of their own.
func joinLines(parts ...string) string {
	var lines []string
	for _, p := range parts {
		if p != "" {
			lines = append(lines, p)
		}
	}
	return strings.Join(lines, "\n")
}

// Summary is the one-line count of findings by status.
func Summary(r *finding.Report) string {
	c := r.Counts()
	s := fmt.Sprintf("%s: %d failed, %d passed, %d not evaluated", plural(len(r.Findings), "finding", "findings"),
		c[finding.StatusFail], c[finding.StatusPass], c[finding.StatusNotEvaluated])
	if c[finding.StatusWaived] > 0 {
		s += fmt.Sprintf(", %d waived", c[finding.StatusWaived])
	}
	if len(r.Gaps) > 0 {
		s += "; " + plural(len(r.Gaps), "collection gap", "collection gaps")
	}
	if len(r.StaleWaivers) > 0 {
		s += "; " + plural(len(r.StaleWaivers), "stale waiver", "stale waivers")
	}
	return s
}

// plural is n followed by the singular or the plural noun, as n asks.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
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
func (t tableReporter) writePolicySections(w io.Writer, r *finding.Report, width int) error {
	for _, fw := range r.Compliance {
		heading := fmt.Sprintf("%s (%s)", t.paint(ansiBold, "COMPLIANCE "+fw.Name), plural(len(fw.Controls), "control", "controls"))
		if _, err := fmt.Fprintln(w, heading); err != nil {
			return err
		}
		tbl := fittedTable{
			headers: []string{"Control", "Status", "Pass", "Fail", "Not evaluated", "Waived", "Rules"},
			modes:   []wrapMode{wrapAnywhere, wrapNever, wrapAnywhere, wrapAnywhere, wrapAnywhere, wrapAnywhere, wrapWords},
		}
		for _, c := range fw.Controls {
			tbl.rows = append(tbl.rows, []string{c.ID, t.controlStatus(c.Status), fmt.Sprint(c.Pass), fmt.Sprint(c.Fail),
				fmt.Sprint(c.NotEvaluated), fmt.Sprint(c.Waived), strings.Join(c.Rules, ", ")})
		}
		if err := renderFitted(w, width, tbl); err != nil {
			return err
		}
	}
	if len(r.StaleWaivers) > 0 {
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.paint(ansiBold, "STALE WAIVERS"), len(r.StaleWaivers)); err != nil {
			return err
		}
		if err := renderFitted(w, width, staleWaiversTable(r.StaleWaivers, width)); err != nil {
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
