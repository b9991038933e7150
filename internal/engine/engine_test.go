package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

const libParams = `# METADATA
# title: params
# description: params
# scope: package
# custom:
#   library: true
package rules.lib.params

defaults := {"min_days": 7}

default _overrides := {}

_overrides := data.scanner.parameters

values := object.union(defaults, _overrides)
`

const goodRule = `# METADATA
# title: Cluster without exports
# description: Test rule.
# scope: package
# custom:
#   id: TEST-RDS-001
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: fix it
#     cli: aws rds modify-db-cluster
#     terraform: enabled_cloudwatch_logs_exports
#   frameworks:
#     aws-securityhub: ["RDS.34"]
package rules.aws.test.good

applicable contains {"resource": c.DBClusterArn} if {
	some a in input.accounts
	some r in a.regions
	some c in r.rds.db_clusters
}

deny contains {"resource": c.DBClusterArn, "msg": "no exports", "evidence": "EnabledCloudwatchLogsExports=[]"} if {
	some a in input.accounts
	some r in a.regions
	some c in r.rds.db_clusters
	count(object.get(c, "EnabledCloudwatchLogsExports", [])) == 0
	c.Engine != "aurora-postgresql"
}

not_evaluated contains {"resource": c.DBClusterArn, "reason": "postgres is skipped"} if {
	some a in input.accounts
	some r in a.regions
	some c in r.rds.db_clusters
	c.Engine == "aurora-postgresql"
}
`

func testSnapshot() *snapshot.Snapshot {
	return &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Accounts: []snapshot.Account{{AccountID: "111122223333", Regions: []snapshot.Region{{
			Region: "eu-west-1",
			RDS: &snapshot.RDS{DBClusters: []snapshot.DBCluster{
				{DBClusterIdentifier: "a", DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:a", Engine: "aurora-mysql"},
				{DBClusterIdentifier: "b", DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:b", Engine: "aurora-mysql", EnabledCloudwatchLogsExports: []string{"audit"},
					Derived: &snapshot.Derived{Location: &snapshot.Location{File: "plan.json", Line: 12, Column: 3}}},
				{DBClusterIdentifier: "c", DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:c", Engine: "aurora-postgresql"},
			}},
		}}}},
	}
}

func newTestEngine(t *testing.T, files map[string]string, opts ...Option) (*Engine, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return New(context.Background(), append([]Option{WithSource(Source{FS: fsys, Name: "test"})}, opts...)...)
}

func TestEvaluateReportsEveryStatusExplicitly(t *testing.T) {
	e, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": goodRule})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), testSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]finding.Status{"a": finding.StatusFail, "b": finding.StatusPass, "c": finding.StatusNotEvaluated}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for _, f := range got {
		id := f.ResourceID[strings.LastIndex(f.ResourceID, ":")+1:]
		if f.Status != want[id] {
			t.Errorf("%s: status %s, want %s", id, f.Status, want[id])
		}
		if f.AccountID != "111122223333" || f.Region != "eu-west-1" || f.Severity != finding.High || f.RuleID != "TEST-RDS-001" {
			t.Errorf("%s: wrong identity fields: %+v", id, f)
		}
		switch id {
		case "a":
			if f.Evidence != "EnabledCloudwatchLogsExports=[]" || f.Message != "no exports" {
				t.Errorf("a: message/evidence = %q / %q", f.Message, f.Evidence)
			}
		case "b":
			if f.Location == nil || f.Location.File != "plan.json" || f.Location.Line != 12 {
				t.Errorf("b: location = %+v", f.Location)
			}
		case "c":
			if f.Reason != "postgres is skipped" {
				t.Errorf("c: reason = %q", f.Reason)
			}
		}
	}
}

func TestNewRejectsBadRules(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		wantErr string
	}{
		{"misspelt input path", strings.Replace(goodRule, "r.rds.db_clusters\n\tcount", "r.rds.db_clusterz\n\tcount", 1), "db_clusterz"},
		{"missing severity", strings.Replace(goodRule, "#   severity: HIGH\n", "", 1), "custom.severity is required"},
		{"bad severity", strings.Replace(goodRule, "severity: HIGH", "severity: SEVERE", 1), "custom.severity"},
		{"missing remediation cli", strings.Replace(goodRule, "#     cli: aws rds modify-db-cluster\n", "", 1), "custom.remediation.cli"},
		{"deny as object", strings.Replace(goodRule, `deny contains {"resource": c.DBClusterArn, "msg": "no exports", "evidence": "EnabledCloudwatchLogsExports=[]"} if {`, `deny[c.DBClusterArn] := "no exports" if {`, 1), "want a set"},
		{"no applicable", strings.Replace(goodRule, "applicable contains", "other contains", 1), `must define "applicable"`},
		{"http.send in sandbox", strings.Replace(goodRule, `c.Engine != "aurora-postgresql"`, `http.send({"method": "GET", "url": "http://127.0.0.1"})`, 1), "http.send"},
		{"opa.runtime in sandbox", strings.Replace(goodRule, `c.Engine != "aurora-postgresql"`, `opa.runtime().env`, 1), "opa.runtime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": tc.rule})
			if err == nil && e != nil {
				_, err = e.Evaluate(context.Background(), testSnapshot())
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestDuplicateRuleIDsAreRejected(t *testing.T) {
	second := strings.Replace(goodRule, "package rules.aws.test.good", "package rules.aws.test.other", 1)
	_, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": goodRule, "aws/other.rego": second})
	if err == nil || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("err = %v, want duplicate id error", err)
	}
}

func TestUnknownParameterIsRejected(t *testing.T) {
	_, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": goodRule}, WithParameters(map[string]any{"min_dayz": 3}))
	if err == nil || !strings.Contains(err.Error(), `unknown parameter "min_dayz"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestBuiltinRulesLoad(t *testing.T) {
	e, err := New(context.Background(), WithSource(Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rules()) == 0 {
		t.Fatal("no built-in rules")
	}
}

// TestEvaluateIsSafeForConcurrentUse shares one Engine between goroutines (run with -race):
// every call must give the same findings as a lone call.
func TestEvaluateIsSafeForConcurrentUse(t *testing.T) {
	e, err := New(context.Background(), WithSource(Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	snap := testSnapshot()
	snapshot.Resolve(snap)
	want, err := e.Evaluate(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines = 8
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			got, err := e.Evaluate(context.Background(), snap)
			if err == nil && len(got) != len(want) {
				err = fmt.Errorf("got %d findings, want %d", len(got), len(want))
			}
			for i := range got {
				if err == nil && (got[i].RuleID != want[i].RuleID || got[i].Status != want[i].Status || got[i].ResourceID != want[i].ResourceID) {
					err = fmt.Errorf("finding %d differs: %+v vs %+v", i, got[i], want[i])
				}
			}
			errs <- err
		}()
	}
	for g := 0; g < goroutines; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestEvaluateStopsWhenCancelled(t *testing.T) {
	e, err := New(context.Background(), WithSource(Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Evaluate(ctx, testSnapshot()); err == nil {
		t.Fatal("Evaluate on a cancelled context returned no error")
	}
}
