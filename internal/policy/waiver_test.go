package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"DBAUDIT-RDS-001", "DBAUDIT-RDS-001", true},
		{"DBAUDIT-RDS-001", "DBAUDIT-RDS-0011", false},
		{"DBAUDIT-RDS-*", "DBAUDIT-RDS-001", true},
		{"DBAUDIT-RDS-*", "DBAUDIT-LOGS-001", false},
		{"DBAUDIT-RDS-00?", "DBAUDIT-RDS-007", true},
		{"*", "", true},
		{"arn:aws:logs:*:*:log-group:/aws/rds/cluster/*/audit:*", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/rds/cluster/orders/audit:*", true},
		{"arn:aws:rds:*:cluster:legacy-*", "arn:aws:rds:eu-west-1:111122223333:cluster:legacy-1", true},
		{"arn:aws:rds:*:cluster:legacy-*", "arn:aws:rds:eu-west-1:111122223333:cluster:orders", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{"*a*b*c", "xxaxxbxxc", true},
		{"*a*b*c", "xxaxxbxxcx", false},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// day parses a constant YYYY-MM-DD date (a typo yields the zero time and failing tests).
func day(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // injected clock
	const legacy = "arn:aws:rds:eu-west-1:111122223333:cluster:legacy"
	const orders = "arn:aws:rds:eu-west-1:111122223333:cluster:orders"
	const other = "arn:aws:rds:us-east-1:444455556666:cluster:legacy"
	findings := func() []finding.Finding {
		return []finding.Finding{
			{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, ResourceID: legacy, AccountID: "111122223333", Region: "eu-west-1"},
			{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusPass, ResourceID: orders, AccountID: "111122223333", Region: "eu-west-1"},
			{RuleID: "DBAUDIT-RDS-002", Status: finding.StatusFail, ResourceID: legacy, AccountID: "111122223333", Region: "eu-west-1"},
			{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, ResourceID: other, AccountID: "444455556666", Region: "us-east-1"},
		}
	}
	scope := Scope{Loaded: []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-002", "DBAUDIT-RDS-003"}, Selected: []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-002"}}
	live := func(rule, resource string) Waiver {
		return Waiver{Rule: rule, Resource: resource, Reason: "accepted risk", Owner: "dba", Expires: day("2026-12-31"), Source: "scanner.yaml:3"}
	}

	tests := []struct {
		name       string
		waivers    []Waiver
		wantStatus []finding.Status
		wantStale  []string // Why of each stale waiver
		check      func(t *testing.T, fs []finding.Finding)
	}{
		{
			name:       "no waivers",
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
		},
		{
			name:       "live waiver waives with reason",
			waivers:    []Waiver{live("DBAUDIT-RDS-001", legacy)},
			wantStatus: []finding.Status{finding.StatusWaived, finding.StatusPass, finding.StatusFail, finding.StatusFail},
			check: func(t *testing.T, fs []finding.Finding) {
				f := fs[0]
				if f.Reason != "accepted risk" || f.Waiver == nil || f.Waiver.Owner != "dba" || f.Waiver.Expires != "2026-12-31" || f.Waiver.Expired {
					t.Errorf("waived finding = %+v (waiver %+v)", f, f.Waiver)
				}
			},
		},
		{
			name:       "glob over rules and resources",
			waivers:    []Waiver{live("DBAUDIT-RDS-*", "arn:aws:rds:eu-west-1:*")},
			wantStatus: []finding.Status{finding.StatusWaived, finding.StatusPass, finding.StatusWaived, finding.StatusFail},
		},
		{
			name: "account and region narrow the waiver",
			waivers: []Waiver{func() Waiver {
				w := live("DBAUDIT-RDS-001", "*")
				w.Account, w.Region = "444455556666", "us-east-1"
				return w
			}()},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusWaived},
		},
		{
			name: "expired waiver no longer waives and says so",
			waivers: []Waiver{func() Waiver {
				w := live("DBAUDIT-RDS-001", legacy)
				w.Expires = day("2026-11-21")
				return w
			}()},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
			check: func(t *testing.T, fs []finding.Finding) {
				f := fs[0]
				if f.Waiver == nil || !f.Waiver.Expired || !strings.Contains(f.Reason, "waiver expired on 2026-11-21") {
					t.Errorf("expired finding = %+v (waiver %+v)", f, f.Waiver)
				}
			},
		},
		{
			name: "a live waiver wins over an expired one",
			waivers: []Waiver{func() Waiver {
				w := live("DBAUDIT-RDS-001", legacy)
				w.Expires = day("2025-01-01")
				return w
			}(), live("DBAUDIT-RDS-001", legacy)},
			wantStatus: []finding.Status{finding.StatusWaived, finding.StatusPass, finding.StatusFail, finding.StatusFail},
		},
		{
			name:       "waiver matching nothing is stale",
			waivers:    []Waiver{live("DBAUDIT-RDS-001", "arn:aws:rds:eu-west-1:111122223333:cluster:gone")},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
			wantStale:  []string{"matches no failing finding"},
		},
		{
			name:       "waiver matching only passing findings is stale",
			waivers:    []Waiver{live("DBAUDIT-RDS-001", orders)},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
			wantStale:  []string{"matches no failing finding"},
		},
		{
			name:       "waiver for an unknown rule is stale",
			waivers:    []Waiver{live("DBAUDIT-RDS-999", "*")},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
			wantStale:  []string{`no loaded rule matches "DBAUDIT-RDS-999"`},
		},
		{
			name:       "waiver for a loaded but unselected rule is left alone",
			waivers:    []Waiver{live("DBAUDIT-RDS-003", "*")},
			wantStatus: []finding.Status{finding.StatusFail, finding.StatusPass, finding.StatusFail, finding.StatusFail},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := findings()
			stale := Apply(fs, tc.waivers, scope, now)
			for i, want := range tc.wantStatus {
				if fs[i].Status != want {
					t.Errorf("finding %d (%s %s): status %s, want %s", i, fs[i].RuleID, fs[i].ResourceID, fs[i].Status, want)
				}
			}
			if len(stale) != len(tc.wantStale) {
				t.Fatalf("stale = %+v, want %d", stale, len(tc.wantStale))
			}
			for i, why := range tc.wantStale {
				if stale[i].Why != why || stale[i].Source != "scanner.yaml:3" || stale[i].Reason == "" {
					t.Errorf("stale[%d] = %+v, want why %q", i, stale[i], why)
				}
			}
			if tc.check != nil {
				tc.check(t, fs)
			}
		})
	}
}

func TestWaivedFindingsDoNotCountTowardFailOn(t *testing.T) {
	fs := []finding.Finding{{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, Severity: finding.Critical, ResourceID: "r"}}
	Apply(fs, []Waiver{{Rule: "DBAUDIT-RDS-001", Resource: "r", Reason: "ok", Expires: day("2999-01-01")}}, Scope{Loaded: []string{"DBAUDIT-RDS-001"}, Selected: []string{"DBAUDIT-RDS-001"}}, time.Now())
	rep := finding.Report{Findings: fs}
	if n := rep.FailingAtOrAbove(finding.Informational); n != 0 {
		t.Errorf("FailingAtOrAbove = %d, want 0 for a waived finding", n)
	}
}
