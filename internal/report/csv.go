package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

// csvHeader is the column contract of the CSV format (docs/output-formats.md).
var csvHeader = []string{
	"status", "severity", "rule_id", "title", "security_hub_controls", "compliance",
	"account_id", "region", "resource_type", "resource_id", "resource_name",
	"message", "evidence", "reason", "file", "line", "waiver_owner", "waiver_expires",
}

type csvReporter struct{}

// Write renders one row per finding, in report order (RFC 4180, CRLF-free "\n" rows).
func (csvReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, f := range r.Findings {
		var title, controls, compliance string
		if rule := r.Rule(f.RuleID); rule != nil {
			title = rule.Title
			controls = strings.Join(rule.SecurityHubControls(), " ")
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(rule.Frameworks)) {
				for _, id := range rule.Frameworks[k] {
					parts = append(parts, k+"/"+id)
				}
			}
			compliance = strings.Join(parts, " ")
		}
		var file, line, owner, expires string
		if f.Location != nil {
			file = f.Location.File
			if f.Location.Line > 0 {
				line = strconv.Itoa(f.Location.Line)
			}
		}
		if f.Waiver != nil {
			owner, expires = f.Waiver.Owner, f.Waiver.Expires
		}
		row := []string{
			string(f.Status), f.Severity.String(), f.RuleID, title, controls, compliance,
			f.AccountID, f.Region, f.ResourceType, f.ResourceID, f.ResourceName,
			f.Message, f.Evidence, f.Reason, file, line, owner, expires,
		}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvSafe defuses spreadsheet formula injection (OWASP): a cell starting with = + - @ or a
// tab/CR is prefixed with a single quote. ARNs and ids never start with these.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
