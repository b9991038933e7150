package policy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
)

const fullConfig = `version: 1
fail_on: high
parameters:
  min_log_retention_days: 400
  pgaudit_required_classes: [ddl, role]
  failed_login_filter_terms:
    audit: ["FAILED_CONNECT"]
rules:
  DBAUDIT-RDS-004:
    enabled: false
  DBAUDIT-LOGS-002:
    severity: high
waivers:
  - rule: DBAUDIT-RDS-001
    resource: arn:aws:rds:eu-west-1:012345678901:cluster:legacy-*
    account: "012345678901"
    region: eu-west-1
    reason: Legacy cluster, decommissioned in Q1 (CHG-1234)
    owner: dba-team@example.com
    expires: 2027-03-31
`

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("scanner.yaml", []byte(fullConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FailOn == nil || *cfg.FailOn != finding.High {
		t.Errorf("fail_on = %v", cfg.FailOn)
	}
	if got := cfg.Parameters["min_log_retention_days"]; got != 400 {
		t.Errorf("min_log_retention_days = %#v", got)
	}
	if got, ok := cfg.Parameters["pgaudit_required_classes"].([]any); !ok || len(got) != 2 || got[0] != "ddl" {
		t.Errorf("pgaudit_required_classes = %#v", cfg.Parameters["pgaudit_required_classes"])
	}
	if _, ok := cfg.Parameters["failed_login_filter_terms"].(map[string]any); !ok {
		t.Errorf("failed_login_filter_terms = %#v", cfg.Parameters["failed_login_filter_terms"])
	}
	if cfg.ParameterLines["min_log_retention_days"] != 4 {
		t.Errorf("parameter line = %d, want 4", cfg.ParameterLines["min_log_retention_days"])
	}
	if cfg.Enabled("DBAUDIT-RDS-004") || !cfg.Enabled("DBAUDIT-RDS-001") {
		t.Error("rules on/off not applied")
	}
	if got := cfg.SeverityOverrides(); len(got) != 1 || got["DBAUDIT-LOGS-002"] != finding.High {
		t.Errorf("severity overrides = %v", got)
	}
	if len(cfg.Waivers) != 1 {
		t.Fatalf("waivers = %+v", cfg.Waivers)
	}
	w := cfg.Waivers[0]
	if w.Account != "012345678901" || w.ExpiresText() != "2027-03-31" || w.Owner != "dba-team@example.com" || w.Source != "scanner.yaml:14" {
		t.Errorf("waiver = %+v", w)
	}
}

func TestParseConfigEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "---\n"} {
		cfg, err := ParseConfig("scanner.yaml", []byte(src))
		if err != nil || cfg == nil || !cfg.Enabled("X-Y-1") || cfg.FailOn != nil {
			t.Errorf("%q: cfg=%+v err=%v", src, cfg, err)
		}
	}
}

// TestParseConfigErrors: every typo or wrong type is an error naming the key and the line.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantKey  string
		wantMsg  string
	}{
		{"unknown top-level key", "fail_on: high\nparameterz:\n  x: 1\n", 2, "parameterz", `unknown key "parameterz"`},
		{"unknown rule setting", "rules:\n  DBAUDIT-RDS-001:\n    enabeld: false\n", 3, "rules.DBAUDIT-RDS-001.enabeld", "unknown key"},
		{"enabled not a boolean", "rules:\n  DBAUDIT-RDS-001:\n    enabled: \"no\"\n", 3, "rules.DBAUDIT-RDS-001.enabled", "want true or false"},
		{"enabled yes is a string in YAML 1.2", "rules:\n  DBAUDIT-RDS-001:\n    enabled: yes\n", 3, "rules.DBAUDIT-RDS-001.enabled", "want true or false"},
		{"bad severity", "rules:\n  DBAUDIT-RDS-001:\n    severity: urgent\n", 3, "rules.DBAUDIT-RDS-001.severity", "unknown severity"},
		{"rule settings not a mapping", "rules:\n  DBAUDIT-RDS-001: off\n", 2, "rules.DBAUDIT-RDS-001", "want a mapping"},
		{"not a rule id", "rules:\n  rds-001:\n    enabled: false\n", 2, "rules.rds-001", "not a rule id"},
		{"fail_on not a severity", "fail_on: 3\n", 1, "fail_on", "want a severity"},
		{"bad version", "version: 2\n", 1, "version", "want 1"},
		{"parameters not a mapping", "parameters: [a]\n", 1, "parameters", "want a mapping"},
		{"empty parameter", "parameters:\n  min_log_retention_days:\n", 2, "parameters.min_log_retention_days", "empty"},
		{"duplicate key", "fail_on: high\nfail_on: low\n", 2, "fail_on", "duplicate key"},
		{"waivers not a list", "waivers:\n  rule: X-Y-1\n", 2, "waivers", "want a list"},
		{"waiver without reason", "waivers:\n  - rule: DBAUDIT-RDS-001\n    resource: '*'\n    expires: 2027-01-01\n", 2, "waivers[0]", "reason is required"},
		{"waiver without expiry", "waivers:\n  - rule: DBAUDIT-RDS-001\n    resource: '*'\n    reason: ok\n", 2, "waivers[0]", "expires is required"},
		{"waiver bad date", "waivers:\n  - rule: DBAUDIT-RDS-001\n    resource: '*'\n    reason: ok\n    expires: 31/12/2027\n", 5, "waivers[0].expires", "YYYY-MM-DD"},
		{"waiver unknown key", "waivers:\n  - rule: DBAUDIT-RDS-001\n    resourse: '*'\n", 3, "waivers[0].resourse", "unknown key"},
		{"waiver bad account", "waivers:\n  - rule: DBAUDIT-RDS-001\n    resource: '*'\n    account: prod\n    reason: ok\n    expires: 2027-01-01\n", 2, "waivers[0].account", "12-digit"},
		{"top level not a mapping", "- a\n- b\n", 1, "", "want a mapping"},
		{"syntax error", "rules:\n  a: [\n", 2, "", "did not find expected node content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("scanner.yaml", []byte(tc.src))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *policy.Error", err)
			}
			if pe.Line != tc.wantLine || pe.Key != tc.wantKey || !strings.Contains(pe.Msg, tc.wantMsg) {
				t.Errorf("err = %q (line %d, key %q), want line %d, key %q, message containing %q", err, pe.Line, pe.Key, tc.wantLine, tc.wantKey, tc.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "scanner.yaml:") {
				t.Errorf("err = %q, want it to start with the file name", err)
			}
		})
	}
}

func TestParseWaivers(t *testing.T) {
	ws, err := ParseWaivers("waivers.yaml", []byte("waivers:\n  - rule: DBAUDIT-*\n    resource: '*'\n    reason: sandbox account\n    expires: 2027-01-01\n"))
	if err != nil || len(ws) != 1 || ws[0].Source != "waivers.yaml:2" {
		t.Fatalf("ws=%+v err=%v", ws, err)
	}
	if _, err := ParseWaivers("waivers.yaml", []byte("fail_on: high\n")); err == nil || !strings.Contains(err.Error(), `waivers.yaml:1: fail_on: unknown key "fail_on"`) {
		t.Errorf("err = %v, want fail_on rejected in a waiver file", err)
	}
}

func TestWaiverExpiry(t *testing.T) {
	w := Waiver{Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), false}, // the whole expiry day counts
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), false}, // still Dec 31 in UTC
	}
	for _, tc := range tests {
		if got := w.Expired(tc.now); got != tc.want {
			t.Errorf("Expired(%s) = %v, want %v", tc.now, got, tc.want)
		}
	}
}
