package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

// Markdown limits: a GitHub PR comment holds 65,536 characters and $GITHUB_STEP_SUMMARY 1 MiB,
// so sections are capped by rows and the whole document by size.
const (
	mdMaxRows  = 100
	mdMaxBytes = 60000
	mdMaxCell  = 300
	// mdReserve keeps room for the closing lines of every section once rows stop.
	mdReserve = 4000
)

type markdownReporter struct {
	// failOn is --fail-on: the headline counts failing findings at or above it.
	failOn finding.Severity
}

// Write renders a summary fit for a PR comment or $GITHUB_STEP_SUMMARY: counts, then failing,
// not-evaluated and waived findings as tables (report order), passing ones folded away.
func (m markdownReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	var b strings.Builder
	c := r.Counts()
	name := firstNonBlank(r.Tool.Name, defaultToolName)
	fmt.Fprintf(&b, "## %s results\n\n", mdInline(name))
	status := mdHeadline(r, m.failOn)
	b.WriteString(status + "\n\n")
	b.WriteString("| Failed | Passed | Not evaluated | Waived | Collection gaps |\n|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n\n", c[finding.StatusFail], c[finding.StatusPass],
		c[finding.StatusNotEvaluated], c[finding.StatusWaived], len(r.Gaps))
	if fails := c[finding.StatusFail]; fails > 0 {
		b.WriteString("| Severity | Rule | Control | Failed |\n|---|---|---|---:|\n")
		for _, rs := range failingByRule(r) {
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", rs.severity, mdCell(rs.id+" "+rs.title), mdCell(rs.controls), rs.count)
		}
		b.WriteString("\n")
	}
	var meta []string
	if r.Tool.Version != "" {
		meta = append(meta, "version "+mdInline(r.Tool.Version))
	}
	if r.GeneratedAt != "" {
		meta = append(meta, "snapshot "+mdInline(r.GeneratedAt))
	}
	if len(r.Inputs) > 0 {
		meta = append(meta, "inputs "+mdInline(strings.Join(r.Inputs, ", ")))
	}
	if len(meta) > 0 {
		b.WriteString("<sub>" + strings.Join(meta, " · ") + "</sub>\n\n")
	}

	sections := []struct {
		status finding.Status
		title  string
		open   bool
	}{
		{finding.StatusFail, "Failing", true},
		{finding.StatusNotEvaluated, "Not evaluated", true},
		{finding.StatusWaived, "Waived", false},
		{finding.StatusPass, "Passing", false},
	}
	for _, s := range sections {
		mdSection(&b, r, s.status, s.title, s.open)
	}
	mdCompliance(&b, r)
	if len(r.StaleWaivers) > 0 {
		fmt.Fprintf(&b, "<details><summary>Stale waivers (%d)</summary>\n\n", len(r.StaleWaivers))
		b.WriteString("| Rule | Resource | Source | Why |\n|---|---|---|---|\n")
		for i, w := range r.StaleWaivers {
			if i == mdMaxRows || b.Len() > mdMaxBytes-mdReserve {
				fmt.Fprintf(&b, "\n…and %d more.\n", len(r.StaleWaivers)-i)
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(w.Rule), mdCode(w.Resource), mdCell(w.Source), mdCell(w.Why))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(&b, "<details><summary>Collection gaps (%d)</summary>\n\n", len(r.Gaps))
		b.WriteString("| Account | Region | Service | Operation | Resource | Error |\n|---|---|---|---|---|---|\n")
		for i, g := range r.Gaps {
			if i == mdMaxRows || b.Len() > mdMaxBytes-mdReserve {
				fmt.Fprintf(&b, "\n…and %d more.\n", len(r.Gaps)-i)
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(g.AccountID), mdCell(g.Region),
				mdCell(g.Service), mdCell(g.Operation), mdCell(g.Resource), mdCell(g.ErrorCode))
		}
		b.WriteString("\n</details>\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// mdHeadline is the status line. It follows --fail-on: a red cross only when a failing
// finding is at or above failOn (what fails the scan), with the failing findings below it
// counted in brackets; a warning when nothing fails but the scan is incomplete.
func mdHeadline(r *finding.Report, failOn finding.Severity) string {
	c := r.Counts()
	failing := r.FailingAtOrAbove(failOn)
	scope := "" // failOn Informational: every failing finding counts
	if failOn > finding.Informational {
		scope = " at or above " + failOn.String()
		if below := c[finding.StatusFail] - failing; below > 0 {
			scope += fmt.Sprintf(" (%d below)", below)
		}
	}
	switch {
	case failing > 0:
		return fmt.Sprintf(":x: %s%s.", plural(failing, "failing finding", "failing findings"), scope)
	case c[finding.StatusNotEvaluated] > 0 || len(r.Gaps) > 0:
		return ":warning: No failing findings" + scope + ", but the scan is incomplete."
	}
	return ":white_check_mark: No failing findings" + scope + "."
}

type ruleSummary struct {
	id, title, controls, severity string
	count                         int
}

// failingByRule counts FAIL findings per rule in order of first appearance (the report is
// sorted by severity, so the highest-severity rules come first).
func failingByRule(r *finding.Report) []ruleSummary {
	var out []ruleSummary
	pos := map[string]int{}
	for _, f := range r.Findings {
		if f.Status != finding.StatusFail {
			continue
		}
		i, ok := pos[f.RuleID]
		if !ok {
			rs := ruleSummary{id: f.RuleID, severity: f.Severity.String()}
			if rule := r.Rule(f.RuleID); rule != nil {
				rs.title = rule.Title
				rs.controls = strings.Join(rule.SecurityHubControls(), ", ")
			}
			i = len(out)
			pos[f.RuleID] = i
			out = append(out, rs)
		}
		out[i].count++
	}
	return out
}

func mdSection(b *strings.Builder, r *finding.Report, status finding.Status, title string, open bool) {
	var rows []finding.Finding
	for _, f := range r.Findings {
		if f.Status == status {
			rows = append(rows, f)
		}
	}
	if len(rows) == 0 {
		return
	}
	attr := ""
	if open {
		attr = " open"
	}
	fmt.Fprintf(b, "<details%s><summary>%s (%d)</summary>\n\n", attr, title, len(rows))
	b.WriteString("| Severity | Rule | Resource | Account | Region | Detail |\n|---|---|---|---|---|---|\n")
	for i, f := range rows {
		if i == mdMaxRows || b.Len() > mdMaxBytes-mdReserve {
			fmt.Fprintf(b, "\n…and %d more (see the JSON or SARIF report).\n", len(rows)-i)
			break
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", f.Severity, mdCell(f.RuleID), mdCode(resourceLabel(f)),
			mdCell(f.AccountID), mdCell(f.Region), mdCell(detail(f)))
	}
	b.WriteString("\n</details>\n\n")
}

// mdInline escapes text for inline Markdown: no HTML, no table breaks, one line.
func mdInline(s string) string {
	s = oneLineText(s)
	return strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]").Replace(s)
}

// mdCell is mdInline capped to a readable cell width.
func mdCell(s string) string { return mdInline(truncateRunes(s, mdMaxCell)) }

// mdCode renders an identifier (ARNs contain characters Markdown would interpret).
func mdCode(s string) string {
	s = truncateRunes(oneLineText(s), mdMaxCell)
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("`", "'", "|", "\\|").Replace(s)
	return "`" + s + "`"
}

func truncateRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// mdCompliance renders the per-framework control summary (present with --framework).
func mdCompliance(b *strings.Builder, r *finding.Report) {
	for _, fw := range r.Compliance {
		failing := 0
		for _, c := range fw.Controls {
			if c.Status == finding.ControlFail {
				failing++
			}
		}
		fmt.Fprintf(b, "<details><summary>Compliance: %s (%s, %d failing)</summary>\n\n",
			mdInline(firstNonBlank(fw.Name, fw.Framework)), plural(len(fw.Controls), "control", "controls"), failing)
		b.WriteString("| Control | Status | Pass | Fail | Not evaluated | Waived | Rules |\n|---|---|---:|---:|---:|---:|---|\n")
		for i, c := range fw.Controls {
			if i == mdMaxRows || b.Len() > mdMaxBytes-mdReserve {
				fmt.Fprintf(b, "\n…and %d more.\n", len(fw.Controls)-i)
				break
			}
			fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %s |\n", mdCell(c.ID), mdCell(c.Status), c.Pass, c.Fail,
				c.NotEvaluated, c.Waived, mdCell(strings.Join(c.Rules, ", ")))
		}
		b.WriteString("\n</details>\n\n")
	}
}
