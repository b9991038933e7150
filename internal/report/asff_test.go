package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report/asffcheck"
)

func loadASFFModel(t *testing.T) *asffcheck.Model {
	t.Helper()
	m, err := asffcheck.Load(sharedFile(t, "schemas/securityhub-service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestASFFValidatesAgainstModel walks every finding of the fixture (and of a hostile variant
// with oversized, escaped and blank text) over the Security Hub model shapes.
func TestASFFValidatesAgainstModel(t *testing.T) {
	m := loadASFFModel(t)
	hostile := fixtureReport()
	for i := range hostile.Findings {
		f := &hostile.Findings[i]
		f.Message = strings.Repeat(`"quoted" <b>&amp;</b> \ tab	`, 100)
		f.Evidence = strings.Repeat("\u2028ü", 1500)
		f.Reason = "   "
		f.ResourceName = " "
	}
	hostile.Rules[0].Title = strings.Repeat("Ω<>", 200)
	hostile.Rules[0].Remediation.Text = strings.Repeat(`"&"`, 400)
	hostile.Rules[1].Title = " \n "
	hostile.Rules[1].Remediation = finding.Remediation{Text: "  "}
	tests := []struct {
		name string
		r    *finding.Report
	}{
		{"fixture", fixtureReport()},
		{"hostile text", hostile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := buildASFF(tc.r, fixtureOptions())
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(tc.r.Findings) {
				t.Fatalf("%d ASFF findings for %d findings", len(out), len(tc.r.Findings))
			}
			batch := make([]any, 0, len(out))
			for _, f := range out {
				raw, err := json.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				if probs := m.CheckFinding(raw); len(probs) > 0 {
					t.Errorf("finding %s:\n  %s", f.ID, strings.Join(probs, "\n  "))
				}
				var v any
				_ = json.Unmarshal(raw, &v)
				batch = append(batch, v)
				if f.CreatedAt != f.UpdatedAt {
					t.Errorf("finding %s: CreatedAt %s != UpdatedAt %s on first emission", f.ID, f.CreatedAt, f.UpdatedAt)
				}
			}
			if probs := m.Validate("BatchImportFindingsRequest", map[string]any{"Findings": batch}); len(probs) > 0 {
				t.Errorf("the file is not a valid BatchImportFindings request: %v", probs)
			}
		})
	}
}

func TestASFFStatusMapping(t *testing.T) {
	out, err := buildASFF(fixtureReport(), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := fixtureReport()
	want := map[finding.Status]struct{ status, reason string }{
		finding.StatusFail:         {ComplianceFailed, ""},
		finding.StatusPass:         {CompliancePassed, ""},
		finding.StatusNotEvaluated: {ComplianceNotAvailable, "NOT_EVALUATED"},
		finding.StatusWaived:       {ComplianceNotAvailable, "WAIVED"},
	}
	for i, f := range r.Findings {
		w := want[f.Status]
		c := out[i].Compliance
		if c.Status != w.status {
			t.Errorf("%s %s: Compliance.Status %s, want %s", f.Status, f.ResourceID, c.Status, w.status)
		}
		gotReason := ""
		if len(c.StatusReasons) > 0 {
			gotReason = c.StatusReasons[0].ReasonCode
		}
		if gotReason != w.reason {
			t.Errorf("%s %s: StatusReasons code %q, want %q", f.Status, f.ResourceID, gotReason, w.reason)
		}
		if out[i].Severity.Label != f.Severity.String() || out[i].FindingProviderFields.Severity.Label != f.Severity.String() {
			t.Errorf("%s: severity label %s / %s, want %s", f.ResourceID, out[i].Severity.Label, out[i].FindingProviderFields.Severity.Label, f.Severity)
		}
		if !reflect.DeepEqual(out[i].Types, out[i].FindingProviderFields.Types) {
			t.Errorf("%s: top-level and provider Types differ", f.ResourceID)
		}
	}
}

func TestASFFResourceTypes(t *testing.T) {
	out, err := buildASFF(fixtureReport(), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range out {
		res := f.Resources[0]
		kind := "none"
		if d := res.Details; d != nil {
			switch {
			case d.AwsRdsDbCluster != nil:
				kind = "AwsRdsDbCluster"
			case d.AwsRdsDbInstance != nil:
				kind = "AwsRdsDbInstance"
			case d.AwsCloudTrailTrail != nil:
				kind = "AwsCloudTrailTrail"
			case d.Other != nil:
				kind = "Other:" + d.Other["ResourceType"]
			}
		}
		got[res.Type] = kind
	}
	want := map[string]string{
		"AwsRdsDbCluster":    "AwsRdsDbCluster",
		"AwsRdsDbInstance":   "AwsRdsDbInstance",
		"AwsCloudTrailTrail": "AwsCloudTrailTrail",
		"Other":              "Other:AwsAccount", // the last Other in report order; log groups are Other too
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resource types/details = %v, want %v", got, want)
	}
}

func TestASFFDeterministicIDs(t *testing.T) {
	a, err := buildASFF(fixtureReport(), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	later := fixtureOptions()
	later.Now = func() time.Time { return fixtureNow.Add(24 * time.Hour) }
	changed := fixtureReport()
	for i := range changed.Findings {
		changed.Findings[i].Message += " (again)"
		changed.Findings[i].Status = finding.StatusPass
	}
	b, err := buildASFF(changed, later)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].GeneratorID != b[i].GeneratorID {
			t.Errorf("Id/GeneratorId changed across runs: %s vs %s", a[i].ID, b[i].ID)
		}
		if seen[a[i].ID] {
			t.Errorf("duplicate Id %s", a[i].ID)
		}
		seen[a[i].ID] = true
		if !strings.HasSuffix(a[i].GeneratorID, "/"+fixtureReport().Findings[i].RuleID) {
			t.Errorf("GeneratorId %s is not per rule", a[i].GeneratorID)
		}
		if b[i].UpdatedAt <= a[i].UpdatedAt {
			t.Errorf("UpdatedAt did not move forward: %s then %s", a[i].UpdatedAt, b[i].UpdatedAt)
		}
	}
	long := strings.Repeat("x", 600)
	id := ASFFFindingID("tool", "R", "123456789012", "us-east-1", long)
	if len(id) > asffMaxID || id == ASFFFindingID("tool", "R", "123456789012", "us-east-1", long+"y") {
		t.Errorf("long ids must be capped at 512 and stay unique: %d bytes", len(id))
	}
}

func TestASFFTimestampsAndClock(t *testing.T) {
	r := fixtureReport()
	out, err := buildASFF(r, Options{}) // no clock: the report's GeneratedAt
	if err != nil {
		t.Fatal(err)
	}
	if out[0].CreatedAt != "2026-11-22T10:00:00.000Z" || out[0].FirstObservedAt != "2026-11-22T10:00:00.000Z" {
		t.Errorf("timestamps %s/%s, want the report's generated_at", out[0].CreatedAt, out[0].FirstObservedAt)
	}
	zoned := Options{Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.FixedZone("X", 3600)) }}
	out, err = buildASFF(r, zoned)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].UpdatedAt != "2026-01-02T02:04:05.006Z" {
		t.Errorf("UpdatedAt %s, want UTC with Z", out[0].UpdatedAt)
	}
	r.GeneratedAt = ""
	if _, err := buildASFF(r, Options{}); err == nil {
		t.Error("no clock and no generated_at must be an error")
	}
}

func TestASFFProductARN(t *testing.T) {
	r := fixtureReport()
	r.Findings[0].ResourceID = "arn:aws-cn:rds:cn-north-1:123456789012:cluster:x"
	r.Findings[0].Region = "cn-north-1"
	out, err := buildASFF(r, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default"; out[0].ProductArn != want {
		t.Errorf("ProductArn %s, want %s", out[0].ProductArn, want)
	}
	opts := fixtureOptions()
	opts.ProductARN = "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"
	out, err = buildASFF(r, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out {
		if f.ProductArn != opts.ProductARN {
			t.Fatalf("ProductArn %s, want the override", f.ProductArn)
		}
	}
}

func TestASFFRejectsFindingsWithoutAccount(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *finding.Finding)
	}{
		{"no account", func(f *finding.Finding) { f.AccountID = "" }},
		{"bad account", func(f *finding.Finding) { f.AccountID = "unknown" }},
		{"no region", func(f *finding.Finding) { f.Region = "" }},
		{"no resource", func(f *finding.Finding) { f.ResourceID = " " }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fixtureReport()
			tc.mutate(&r.Findings[2])
			if _, err := buildASFF(r, fixtureOptions()); err == nil {
				t.Fatal("want an error, not a finding Security Hub would reject")
			}
		})
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
	}{
		{"short", "hello", 10},
		{"ascii", strings.Repeat("a", 2000), 1024},
		{"escapes", strings.Repeat(`"<>&\`, 500), 1024},
		{"multibyte", strings.Repeat("日本語ü", 500), 256},
		{"control", strings.Repeat("\x01\n", 600), 512},
		{"invalid utf8", strings.Repeat("a\xffb", 600), 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fit(tc.in, tc.max)
			b, _ := json.Marshal(got)
			if len(b)-2 > tc.max {
				t.Errorf("escaped length %d > %d", len(b)-2, tc.max)
			}
			if escapedLen(got) != len(b)-2 {
				t.Errorf("escapedLen %d disagrees with encoding/json %d", escapedLen(got), len(b)-2)
			}
			if len(tc.in) > tc.max && !strings.HasSuffix(got, ellipsis) {
				t.Errorf("truncated value does not end in %q", ellipsis)
			}
			if !strings.HasPrefix(tc.in, strings.TrimSuffix(got, ellipsis)) && !strings.Contains(tc.name, "utf8") {
				t.Errorf("result is not a prefix of the input")
			}
		})
	}
}

// TestASFFAccountWideFindings: a finding of region "global" (DBAUDIT-CT-001's account check)
// is judged in every Region the report covered for its account, like Security Hub's own
// CloudTrail.1 findings on AWS::::Account; "global" never reaches ASFF.
func TestASFFAccountWideFindings(t *testing.T) {
	m := loadASFFModel(t)
	const acct, other = "123456789012", "210987654321"
	scanned := []finding.AccountRegion{
		{AccountID: acct, Region: "us-east-1"}, {AccountID: other, Region: "ap-south-1"},
		{AccountID: acct, Region: "eu-west-1"}, {AccountID: acct, Region: "us-east-1"},
	}
	tests := []struct {
		name        string
		region      string
		account     string
		scanned     []finding.AccountRegion
		productARN  string
		wantRegions []string
		wantProduct []string
		wantErr     string
	}{
		{name: "global in every scanned Region of the account", region: "global", account: acct, scanned: scanned,
			wantRegions: []string{"eu-west-1", "us-east-1"},
			wantProduct: []string{"arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default", "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"}},
		{name: "account resource without a Region", region: "", account: other, scanned: scanned,
			wantRegions: []string{"ap-south-1"}, wantProduct: []string{"arn:aws:securityhub:ap-south-1:210987654321:product/210987654321/default"}},
		{name: "any non-Region is account-wide", region: "aws-global", account: other, scanned: scanned, wantRegions: []string{"ap-south-1"},
			wantProduct: []string{"arn:aws:securityhub:ap-south-1:210987654321:product/210987654321/default"}},
		{name: "China partition", region: "global", account: acct, scanned: []finding.AccountRegion{{AccountID: acct, Region: "cn-north-1"}},
			wantRegions: []string{"cn-north-1"}, wantProduct: []string{"arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default"}},
		{name: "no scanned Region: the product ARN's Region", region: "global", account: acct,
			productARN:  "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default",
			wantRegions: []string{"us-west-2"}, wantProduct: []string{"arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default"}},
		{name: "no scanned Region and no product ARN", region: "global", account: acct,
			scanned: []finding.AccountRegion{{AccountID: other, Region: "us-east-1"}, {AccountID: acct, Region: "global"}},
			wantErr: `DBAUDIT-CT-001 on AWS::::Account:123456789012): account-wide finding (region "global") and the report covers no Region of account 123456789012`},
		{name: "bad account", region: "global", account: "unknown", scanned: scanned, wantErr: "not 12 digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fixtureReport()
			r.Scanned = tc.scanned
			r.Findings = []finding.Finding{{
				RuleID: "DBAUDIT-CT-001", Status: finding.StatusFail, Severity: finding.Critical,
				ResourceID: "AWS::::Account:" + tc.account, ResourceType: "AwsAccount", AccountID: tc.account,
				Region: tc.region, Message: "No multi-Region trail.",
			}}
			opts := fixtureOptions()
			opts.ProductARN = tc.productARN
			out, err := BuildASFF(r, opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err %v, want one line containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var regions, products []string
			ids := map[string]bool{}
			for _, f := range out {
				regions = append(regions, f.Resources[0].Region)
				products = append(products, f.ProductArn)
				ids[f.ID] = true
				if want := ASFFFindingID("dbaudit-scanner", "DBAUDIT-CT-001", tc.account, f.Resources[0].Region, "AWS::::Account:"+tc.account); f.ID != want {
					t.Errorf("Id %s, want %s", f.ID, want)
				}
				raw, _ := json.Marshal(f)
				if strings.Contains(string(raw), "global") {
					t.Errorf("global reached ASFF: %s", raw)
				}
				if probs := m.CheckFinding(raw); len(probs) > 0 {
					t.Errorf("finding %s:\n  %s", f.ID, strings.Join(probs, "\n  "))
				}
			}
			if !reflect.DeepEqual(regions, tc.wantRegions) || !reflect.DeepEqual(products, tc.wantProduct) {
				t.Errorf("regions %v products %v, want %v %v", regions, products, tc.wantRegions, tc.wantProduct)
			}
			if len(ids) != len(out) {
				t.Errorf("Ids not distinct: %v", ids)
			}
		})
	}
}

// TestASFFPartitionFromRegion: the default ProductArn and Resources[].Partition follow the
// Region's partition when the resource id is no ARN; a partition the ASFF enum does not
// spell like the SDK is omitted rather than guessed.
func TestASFFPartitionFromRegion(t *testing.T) {
	tests := []struct {
		region, resource, wantProduct, wantPartition string
	}{
		{"us-gov-west-1", "aws-account/123456789012", "arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default", "aws-us-gov"},
		{"cn-northwest-1", "aws-account/123456789012", "arn:aws-cn:securityhub:cn-northwest-1:123456789012:product/123456789012/default", "aws-cn"},
		{"us-iso-east-1", "aws-account/123456789012", "arn:aws-iso:securityhub:us-iso-east-1:123456789012:product/123456789012/default", ""},
		{"eu-west-1", "aws-account/123456789012", "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default", "aws"},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			r := fixtureReport()
			r.Findings = []finding.Finding{{RuleID: "DBAUDIT-INFO-001", Status: finding.StatusPass, ResourceID: tc.resource,
				ResourceType: "AwsAccount", AccountID: "123456789012", Region: tc.region, Message: "ok"}}
			out, err := BuildASFF(r, fixtureOptions())
			if err != nil {
				t.Fatal(err)
			}
			if out[0].ProductArn != tc.wantProduct || out[0].Resources[0].Partition != tc.wantPartition {
				t.Errorf("ProductArn %s Partition %q, want %s %q", out[0].ProductArn, out[0].Resources[0].Partition, tc.wantProduct, tc.wantPartition)
			}
		})
	}
}
