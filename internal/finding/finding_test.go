package finding

import (
	"encoding/json"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"CRITICAL", Critical, false},
		{"high", High, false},
		{"Informational", Informational, false},
		{"severe", 0, true},
		{"", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseSeverity(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	b, err := json.Marshal(struct{ S Severity }{Medium})
	if err != nil || string(b) != `{"S":"MEDIUM"}` {
		t.Errorf("JSON = %s, %v", b, err)
	}
}

func TestSortFindingsAndFailOn(t *testing.T) {
	fs := []Finding{
		{RuleID: "B", Status: StatusPass, Severity: Critical, ResourceID: "r1"},
		{RuleID: "A", Status: StatusFail, Severity: Low, ResourceID: "r2"},
		{RuleID: "C", Status: StatusNotEvaluated, Severity: High, ResourceID: "r3"},
		{RuleID: "A", Status: StatusFail, Severity: High, ResourceID: "r1"},
		{RuleID: "D", Status: StatusWaived, Severity: Critical, ResourceID: "r4"},
	}
	SortFindings(fs)
	want := []string{"A/r1", "A/r2", "C/r3", "D/r4", "B/r1"} // FAIL (high, low), NOT_EVALUATED, WAIVED, PASS
	for i, f := range fs {
		if got := f.RuleID + "/" + f.ResourceID; got != want[i] {
			t.Fatalf("position %d: %s, want %s (order %v)", i, got, want[i], fs)
		}
	}
	r := &Report{Findings: fs}
	for _, tc := range []struct {
		min  Severity
		want int
	}{{Low, 2}, {High, 1}, {Critical, 0}} {
		if got := r.FailingAtOrAbove(tc.min); got != tc.want {
			t.Errorf("FailingAtOrAbove(%v) = %d, want %d (waived and not-evaluated never count)", tc.min, got, tc.want)
		}
	}
}

func TestValidRuleID(t *testing.T) {
	for id, want := range map[string]bool{
		"DBAUDIT-RDS-001": true, "TEST-RDS-001": true, "ACME-1": true,
		"dbaudit-rds-001": false, "DBAUDIT": false, "DBAUDIT--001": false, "DBAUDIT-RDS-": false, "": false,
	} {
		if got := ValidRuleID(id); got != want {
			t.Errorf("ValidRuleID(%q) = %v, want %v", id, got, want)
		}
	}
}
