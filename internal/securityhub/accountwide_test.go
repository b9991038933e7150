package securityhub

import (
	"context"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// TestAccountWideFindingScopes: an account-wide finding (region "global") becomes one ASFF
// finding per scanned Region, and each belongs to its Region's scope: a later scan resolves
// all of them, and a scan of one Region leaves the other Region's finding alone.
func TestAccountWideFindingScopes(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	api, _ := factoryFor(fake.URL)(testRegion)
	const rule = "DBAUDIT-CT-001"
	scan := func(now time.Time, status finding.Status, regions ...string) ([]report.ASFFFinding, Scope) {
		t.Helper()
		r := &finding.Report{Tool: finding.Tool{Name: "dbaudit-scanner"},
			Rules: []*finding.Rule{{ID: rule, Title: "No multi-Region trail", Severity: finding.High}},
			Findings: []finding.Finding{{RuleID: rule, Status: status, Severity: finding.High, ResourceType: "AwsAccount",
				ResourceID: "AWS::::Account:" + testAccount, AccountID: testAccount, Region: "global", Message: "checked"}}}
		scope := Scope{GeneratorIDs: []string{report.ASFFGeneratorID("dbaudit-scanner", rule)}, Regions: regions}
		for _, reg := range regions {
			r.Scanned = append(r.Scanned, finding.AccountRegion{AccountID: testAccount, Region: reg})
			scope.Covered = append(scope.Covered, Covered{Account: testAccount, Region: reg})
		}
		out, err := report.BuildASFF(r, report.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return out, scope
	}
	push := func(now time.Time, f []report.ASFFFinding, scope Scope) *Result {
		t.Helper()
		opts := fastOptions()
		opts.Clock = &fakeClock{now: now}
		res, err := New(factoryFor(fake.URL), opts).Push(context.Background(), f, scope)
		if err != nil {
			t.Fatalf("push: %v", err)
		}
		return res
	}
	idIn := func(region string) string {
		return report.ASFFFindingID("dbaudit-scanner", rule, testAccount, region, "AWS::::Account:"+testAccount)
	}

	f1, s1 := scan(t0, finding.StatusFail, "us-east-1", "eu-west-1")
	if res := push(t0, f1, s1); res.Imported != 2 {
		t.Fatalf("imported %d, want one finding per Region", res.Imported)
	}
	// A scan of us-east-1 only: its finding is updated, eu-west-1's is out of scope.
	f2, s2 := scan(t0.Add(time.Hour), finding.StatusFail, "us-east-1")
	if res := push(t0.Add(time.Hour), f2, s2); res.Imported != 1 || res.Archived != 0 {
		t.Errorf("one-Region scan: %+v, want 1 imported and nothing archived", res)
	}
	// The account passes: both Regions' findings are resolved.
	f3, s3 := scan(t0.Add(2*time.Hour), finding.StatusPass, "us-east-1", "eu-west-1")
	if res := push(t0.Add(2*time.Hour), f3, s3); res.Resolved != 2 || res.Archived != 0 {
		t.Errorf("passing scan: %+v, want 2 resolved", res)
	}
	got := getAll(t, api)
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		if v, ok := got[idIn(region)]; !ok || v.Compliance != "PASSED" || v.RecordState != "ACTIVE" {
			t.Errorf("%s: %+v (present %v), want PASSED/ACTIVE", region, v, ok)
		}
	}
	if len(got) != 2 {
		t.Errorf("%d findings stored, want 2", len(got))
	}
}
