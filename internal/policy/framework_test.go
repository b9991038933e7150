package policy

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/finding"
)

func testRules() []*finding.Rule {
	return []*finding.Rule{
		{ID: "DBAUDIT-CT-001", Severity: finding.High, Frameworks: map[string][]string{
			"aws-securityhub": {"CloudTrail.1"}, "cis-aws-foundations-v1.2.0": {"2.1"}, "cis-aws-foundations-v1.4.0": {"3.1"},
		}},
		{ID: "DBAUDIT-RDS-001", Severity: finding.Medium, Frameworks: map[string][]string{
			"aws-securityhub": {"RDS.34"}, "nist-800-53-r5": {"AU-2", "AU-12"}, "pci-dss-v4.0.1": {"10.2.1"},
		}},
		{ID: "DBAUDIT-RDS-020", Severity: finding.Medium, Frameworks: map[string][]string{"aws-securityhub": {"RDS.9"}, "nist-800-53-r5": {"AU-2"}}},
		{ID: "DBAUDIT-RDS-003", Severity: finding.Low},
	}
}

func TestFrameworkMatcher(t *testing.T) {
	rules := testRules()
	tests := []struct {
		name string
		want []string
	}{
		{"fsbp", []string{"aws-securityhub"}},
		{"securityhub", []string{"aws-securityhub"}},
		{"AWS-SecurityHub", []string{"aws-securityhub"}},
		{"cis", []string{"cis-aws-foundations-v1.2.0", "cis-aws-foundations-v1.4.0"}},
		{"cis-1.4", []string{"cis-aws-foundations-v1.4.0"}},
		{"cis-v1.2.0", []string{"cis-aws-foundations-v1.2.0"}},
		{"cis-aws-foundations-v1.2.0", []string{"cis-aws-foundations-v1.2.0"}},
		{"pci", []string{"pci-dss-v4.0.1"}},
		{"pci-4.0.1", []string{"pci-dss-v4.0.1"}},
		{"nist", []string{"nist-800-53-r5"}},
		{"nist-r5", []string{"nist-800-53-r5"}},
		{"hipaa", []string{}},
		{"soc2", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewFrameworkMatcher(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Keys(rules); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Keys = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSelection(t *testing.T) {
	rules := testRules()
	off := false
	cfg := &Config{File: "scanner.yaml", Rules: map[string]RuleSetting{"DBAUDIT-RDS-020": {ID: "DBAUDIT-RDS-020", Enabled: &off, Line: 7}}}
	tests := []struct {
		name                                string
		cfg                                 *Config
		rules, skip, severities, frameworks []string
		want                                []string
		wantErr                             string
	}{
		{name: "everything", want: []string{"DBAUDIT-CT-001", "DBAUDIT-RDS-001", "DBAUDIT-RDS-003", "DBAUDIT-RDS-020"}},
		{name: "config turns a rule off", cfg: cfg, want: []string{"DBAUDIT-CT-001", "DBAUDIT-RDS-001", "DBAUDIT-RDS-003"}},
		{name: "--rule wins over config off", cfg: cfg, rules: []string{"DBAUDIT-RDS-020"}, want: []string{"DBAUDIT-RDS-020"}},
		{name: "--rule glob", rules: []string{"DBAUDIT-RDS-*"}, want: []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-003", "DBAUDIT-RDS-020"}},
		{name: "--rule comma list", rules: []string{"DBAUDIT-CT-001,DBAUDIT-RDS-003"}, want: []string{"DBAUDIT-CT-001", "DBAUDIT-RDS-003"}},
		{name: "--skip-rule", skip: []string{"DBAUDIT-RDS-*"}, want: []string{"DBAUDIT-CT-001"}},
		{name: "--severity", severities: []string{"high,low"}, want: []string{"DBAUDIT-CT-001", "DBAUDIT-RDS-003"}},
		{name: "--framework", frameworks: []string{"nist"}, want: []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-020"}},
		{name: "--framework and --severity", frameworks: []string{"fsbp"}, severities: []string{"medium"}, want: []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-020"}},
		{name: "unknown --rule", rules: []string{"DBAUDIT-RDS-999"}, wantErr: "--rule DBAUDIT-RDS-999: no loaded rule matches"},
		{name: "unknown --skip-rule", skip: []string{"X-Y-1"}, wantErr: "--skip-rule X-Y-1: no loaded rule matches"},
		{name: "framework without rules", frameworks: []string{"hipaa"}, wantErr: "--framework hipaa: no loaded rule is mapped to this framework"},
		{name: "bad severity", severities: []string{"severe"}, wantErr: "--severity: unknown severity"},
		{name: "nothing left", severities: []string{"critical"}, wantErr: "no rules selected"},
		{name: "unknown rule in config", cfg: &Config{File: "scanner.yaml", Rules: map[string]RuleSetting{"DBAUDIT-RDS-777": {ID: "DBAUDIT-RDS-777", Line: 4}}}, wantErr: `scanner.yaml:4: rules.DBAUDIT-RDS-777: unknown rule id "DBAUDIT-RDS-777"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := NewSelection(tc.cfg, tc.rules, tc.skip, tc.severities, tc.frameworks)
			var got []string
			var selected []*finding.Rule
			if err == nil {
				for _, r := range rules {
					if sel.Selects(r) {
						got = append(got, r.ID)
						selected = append(selected, r)
					}
				}
				err = sel.Validate(rules, selected)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("selected %v, want %v", got, tc.want)
			}
		})
	}
	sel, _ := NewSelection(nil, nil, nil, []string{"critical"}, nil)
	if err := sel.Validate(rules, nil); !errors.Is(err, ErrNoRulesSelected) {
		t.Errorf("err = %v, want ErrNoRulesSelected", err)
	}
}

func TestSummarise(t *testing.T) {
	rules := testRules()
	fs := []finding.Finding{
		{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail},
		{RuleID: "DBAUDIT-RDS-001", Status: finding.StatusPass},
		{RuleID: "DBAUDIT-RDS-020", Status: finding.StatusPass},
		{RuleID: "DBAUDIT-RDS-020", Status: finding.StatusWaived},
		{RuleID: "DBAUDIT-CT-001", Status: finding.StatusNotEvaluated},
	}
	got := Summarise([]string{"aws-securityhub", "nist-800-53-r5"}, rules, fs)
	if len(got) != 2 || got[0].Framework != "aws-securityhub" || got[0].Name != "AWS Security Hub CSPM controls" || got[1].Name != "NIST SP 800-53 Rev. 5" {
		t.Fatalf("summary = %+v", got)
	}
	want := []finding.ControlSummary{
		{ID: "CloudTrail.1", Status: "NOT_EVALUATED", Rules: []string{"DBAUDIT-CT-001"}, NotEvaluated: 1},
		{ID: "RDS.9", Status: "WAIVED", Rules: []string{"DBAUDIT-RDS-020"}, Pass: 1, Waived: 1},
		{ID: "RDS.34", Status: "FAIL", Rules: []string{"DBAUDIT-RDS-001"}, Pass: 1, Fail: 1},
	}
	if !reflect.DeepEqual(got[0].Controls, want) {
		t.Errorf("securityhub controls = %+v\nwant %+v", got[0].Controls, want)
	}
	nist := got[1].Controls
	if len(nist) != 2 || nist[0].ID != "AU-2" || nist[0].Fail != 1 || nist[0].Waived != 1 || !reflect.DeepEqual(nist[0].Rules, []string{"DBAUDIT-RDS-001", "DBAUDIT-RDS-020"}) || nist[1].ID != "AU-12" {
		t.Errorf("nist controls = %+v", nist)
	}
	none := Summarise([]string{"aws-securityhub"}, rules, nil)
	for _, c := range none[0].Controls {
		if c.Status != finding.ControlNoData {
			t.Errorf("%s: status %s without findings, want NO_DATA", c.ID, c.Status)
		}
	}
}

func TestNaturalLess(t *testing.T) {
	ids := []string{"RDS.34", "RDS.9", "CloudTrail.10", "CloudTrail.2", "10.2.1", "2.1", "AU-12", "AU-2", "AU-6(3)"}
	sort.Slice(ids, func(i, j int) bool { return naturalLess(ids[i], ids[j]) })
	want := []string{"2.1", "10.2.1", "AU-2", "AU-6(3)", "AU-12", "CloudTrail.2", "CloudTrail.10", "RDS.9", "RDS.34"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
}
