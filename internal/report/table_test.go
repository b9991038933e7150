package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	scanner "github.com/dbaudit/scanner"
	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

// demoReport is the report `scanner scan --demo` renders: the embedded demo snapshot
// evaluated by the built-in rules.
func demoReport(t *testing.T) *finding.Report {
	t.Helper()
	ctx := context.Background()
	snap, err := snapshot.Decode(scanner.DemoSnapshotName, scanner.DemoSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	snapshot.Resolve(snap)
	eng, err := engine.New(ctx, engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := eng.Evaluate(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	finding.SortFindings(findings)
	rep := &finding.Report{Tool: finding.Tool{Name: "scanner"}, Rules: eng.SelectedRules(), Findings: findings,
		Inputs: []string{scanner.DemoSnapshotName}, GeneratedAt: snap.GeneratedAt}
	for _, g := range snap.CollectionGaps {
		rep.Gaps = append(rep.Gaps, finding.Gap(g))
	}
	return rep
}

func renderTable(t *testing.T, r *finding.Report, width int) string {
	t.Helper()
	opts := fixtureOptions()
	opts.Width = width
	rep, err := New("table", opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(context.Background(), &buf, r); err != nil {
		t.Fatalf("table Write: %v", err)
	}
	return buf.String()
}

// TestTableFitsWidth renders the demo report (and the fixture, which has compliance, stale
// waiver and long-text sections) at several widths: no line may be wider than the width,
// and every finding's rule id must still be readable whole.
func TestTableFitsWidth(t *testing.T) {
	reports := []struct {
		name   string
		report *finding.Report
	}{
		{"demo", demoReport(t)},
		{"fixture", fixtureReport()},
	}
	for _, rc := range reports {
		for _, width := range []int{60, 80, 100, 120, 200, 0} {
			t.Run(fmt.Sprintf("%s/%d", rc.name, width), func(t *testing.T) {
				out := renderTable(t, rc.report, width)
				limit := width
				if limit == 0 {
					limit = DefaultWidth
				}
				for i, line := range strings.Split(out, "\n") {
					if w := runewidth.StringWidth(line); w > limit {
						t.Errorf("line %d is %d columns wide, above %d:\n%s", i+1, w, limit, line)
					}
				}
				perRule := map[string]int{}
				for _, f := range rc.report.Findings {
					perRule[f.RuleID]++
				}
				for id, n := range perRule {
					if got := strings.Count(out, id); got < n {
						t.Errorf("rule id %s appears whole %d times, want at least once per finding (%d)", id, got, n)
					}
				}
				if !strings.Contains(out, Summary(rc.report)) && width >= 120 {
					t.Errorf("summary line missing:\n%s", out)
				}
			})
		}
	}
}

// TestTableLayout checks which layout a width gets: a wide terminal has Account and Region
// columns; at 80 columns they move under the resource.
func TestTableLayout(t *testing.T) {
	r := demoReport(t)
	tests := []struct {
		width int
		want  string
	}{
		{200, "Status Rule Control Account Region Resource Detail"},
		{120, "Status Rule Resource Detail"},
		{80, "Status Rule Resource Detail"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.width), func(t *testing.T) {
			out := renderTable(t, r, tc.width)
			// The first table's header is its third line: severity, border, header.
			lines := strings.Split(out, "\n")
			if len(lines) < 3 {
				t.Fatalf("no table:\n%s", out)
			}
			if got := strings.Join(strings.Fields(strings.ReplaceAll(lines[2], "|", " ")), " "); got != tc.want {
				t.Errorf("width %d: header %q, want %q", tc.width, got, tc.want)
			}
		})
	}
}

func TestWrapCell(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "Cluster orders", 20, "Cluster orders"},
		{"words", "Cluster orders does not export the audit log.", 16, "Cluster orders\ndoes not export\nthe audit log."},
		{"arn breaks after a separator", "arn:aws:rds:us-east-1:123456789012:cluster:orders", 20,
			"arn:aws:rds:\nus-east-1:\n123456789012:\ncluster:orders"},
		{"no separator: hard break", "abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij\nklmnopqrst\nuvwxyz"},
		{"existing lines kept", "DBAUDIT-RDS-001\nRDS.34", 15, "DBAUDIT-RDS-001\nRDS.34"},
		{"wide runes", "データベース監査ログ", 8, "データベ\nース監査\nログ"},
		{"no width", "anything at all", 0, "anything at all"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapCell(tc.in, tc.width)
			if got != tc.want {
				t.Errorf("wrapCell(%q, %d) =\n%s\nwant\n%s", tc.in, tc.width, got, tc.want)
			}
			for _, line := range strings.Split(got, "\n") {
				if tc.width > 0 && runewidth.StringWidth(line) > tc.width {
					t.Errorf("line %q is wider than %d", line, tc.width)
				}
			}
			if strip := func(s string) string { return strings.Join(strings.Fields(s), "") }; strip(got) != strip(tc.in) {
				t.Errorf("wrapping changed the text: %q", got)
			}
		})
	}
}

func TestOutputWidth(t *testing.T) {
	var buf bytes.Buffer
	tests := []struct {
		name    string
		toFile  bool
		columns string
		want    int
	}{
		{"not a terminal, COLUMNS set", false, "90", 90},
		{"file, COLUMNS set", true, "132", 132},
		{"no COLUMNS", false, "", 0},
		{"COLUMNS not a number", false, "wide", 0},
		{"COLUMNS zero", false, "0", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := OutputWidth(&buf, tc.toFile, tc.columns); got != tc.want {
				t.Errorf("OutputWidth = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSummaryPlurals(t *testing.T) {
	one := fixtureReport()
	one.Findings = one.Findings[:1]
	two := fixtureReport()
	two.Gaps = append(two.Gaps, two.Gaps[0])
	two.StaleWaivers = append(two.StaleWaivers, two.StaleWaivers[0])
	tests := []struct {
		name   string
		report *finding.Report
		want   []string
		notOut []string
	}{
		{"singular", one, []string{"1 finding:", "; 1 collection gap;", "; 1 stale waiver"}, []string{"1 findings", "1 collection gaps", "1 stale waivers"}},
		{"plural", two, []string{"8 findings:", "; 2 collection gaps;", "; 2 stale waivers"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Summary(tc.report)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Summary = %q, lacks %q", got, w)
				}
			}
			for _, w := range tc.notOut {
				if strings.Contains(got, w) {
					t.Errorf("Summary = %q, has %q", got, w)
				}
			}
		})
	}
}
