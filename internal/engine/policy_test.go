package engine

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dbaudit/scanner/internal/finding"
)

const paramRule = `# METADATA
# title: Reads a parameter
# description: Test rule.
# scope: package
# custom:
#   id: TEST-RDS-002
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: fix it
#     cli: aws rds modify-db-cluster
#     terraform: x
package rules.aws.test.param

import data.rules.lib.params

applicable contains {"resource": c.DBClusterArn} if {
	some a in input.accounts
	some r in a.regions
	some c in r.rds.db_clusters
}

deny contains {"resource": c.DBClusterArn, "msg": "too short"} if {
	some a in input.accounts
	some r in a.regions
	some c in r.rds.db_clusters
	count(c.DBClusterIdentifier) < params.values.min_days
}
`

func TestSeverityOverridesApplyBeforeSelection(t *testing.T) {
	var seen []finding.Severity
	e, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": goodRule},
		WithSeverityOverrides(map[string]finding.Severity{"TEST-RDS-001": finding.Low, "NOT-A-RULE-1": finding.Critical}),
		WithRuleSelector(func(r *finding.Rule) bool { seen = append(seen, r.Severity); return true }))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != finding.Low || e.Rules()[0].Severity != finding.Low {
		t.Fatalf("selector saw %v, catalogue %v; want LOW", seen, e.Rules()[0].Severity)
	}
	fs, err := e.Evaluate(context.Background(), testSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Severity != finding.Low {
			t.Errorf("%s: severity %s, want LOW", f.ResourceID, f.Severity)
		}
	}
}

func TestParametersChangeVerdictsAndAreTypeChecked(t *testing.T) {
	files := map[string]string{"lib/params.rego": libParams, "aws/param.rego": paramRule}
	fails := func(opts ...Option) int {
		t.Helper()
		e, err := newTestEngine(t, files, opts...)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := e.Evaluate(context.Background(), testSnapshot())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range fs {
			if f.Status == finding.StatusFail {
				n++
			}
		}
		return n
	}
	if got := fails(); got != 3 {
		t.Errorf("default min_days=7: %d failures, want 3", got)
	}
	if got := fails(WithParameters(map[string]any{"min_days": 1})); got != 0 {
		t.Errorf("min_days=1: %d failures, want 0", got)
	}

	tests := []struct {
		params  map[string]any
		wantErr string
	}{
		{map[string]any{"min_dayz": 1}, `unknown parameter "min_dayz"`},
		{map[string]any{"min_days": "seven"}, `parameter "min_days" is a string, want a number (default 7)`},
		{map[string]any{"min_days": []any{7}}, `parameter "min_days" is a list, want a number`},
	}
	for _, tc := range tests {
		_, err := newTestEngine(t, files, WithParameters(tc.params))
		var pe *ParameterError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v: err = %v, want ParameterError %q", tc.params, err, tc.wantErr)
		}
	}
}

func TestCheckParameterType(t *testing.T) {
	tests := []struct {
		v, def any
		want   string
	}{
		{[]any{"a"}, []any{"x", "y"}, ""},
		{[]any{}, []any{"x"}, ""},
		{[]any{"a", 1}, []any{"x"}, "item 2 is a number, want a string"},
		{map[string]any{"audit": []any{"x"}}, map[string]any{"audit": []any{"y"}}, ""},
		{map[string]any{"audit": "x"}, map[string]any{"audit": []any{"y"}}, `key "audit" is a string, want a list`},
		{true, false, ""},
		{"true", false, "is a string, want a boolean"},
	}
	for _, tc := range tests {
		got := checkParameterType(tc.v, tc.def)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("checkParameterType(%v, %v) = %q, want %q", tc.v, tc.def, got, tc.want)
		}
	}
}

func TestRuleRecordsParametersRead(t *testing.T) {
	e, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/param.rego": paramRule, "aws/good.rego": goodRule})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range e.Rules() {
		got[r.ID] = r.Parameters
	}
	if !reflect.DeepEqual(got, map[string][]string{"TEST-RDS-001": nil, "TEST-RDS-002": {"min_days"}}) {
		t.Errorf("parameters = %v", got)
	}
}

// TestCustomRuleErrorsNameFileAndLine: a custom rule set's errors say which file, which line
// and what is missing.
func TestCustomRuleErrorsNameFileAndLine(t *testing.T) {
	noMeta := goodRule[strings.Index(goodRule, "package "):]
	tests := []struct {
		name    string
		rule    string
		wantErr string
	}{
		{"missing id", strings.Replace(goodRule, "#   id: TEST-RDS-001\n", "", 1), "my-rules/aws/good.rego:1: METADATA: custom.id is required"},
		{"missing block", "# a comment\n\n" + noMeta, "my-rules/aws/good.rego:3: METADATA: missing package METADATA block"},
		{"missing deny", strings.Replace(goodRule, "deny contains", "denied contains", 1), `my-rules/aws/good.rego:16: rule TEST-RDS-001 must define "deny"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(context.Background(),
				WithSource(Source{FS: fstest.MapFS{"lib/params.rego": {Data: []byte(libParams)}}}),
				WithSource(Source{FS: fstest.MapFS{"aws/good.rego": {Data: []byte(tc.rule)}}, Name: "my-rules"}))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestDuplicatePackageIsRejected(t *testing.T) {
	second := strings.Replace(goodRule, "TEST-RDS-001", "TEST-RDS-009", 1)
	_, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": goodRule, "aws/copy.rego": second})
	// OPA refuses two package METADATA blocks for one package, so a custom rule cannot
	// graft itself onto another rule's package.
	if err == nil || !strings.Contains(err.Error(), "package annotation redeclared") {
		t.Fatalf("err = %v", err)
	}
}

// TestSandboxRefusesNetworkAndEnvironment covers each family the sandbox removes.
func TestSandboxRefusesNetworkAndEnvironment(t *testing.T) {
	for _, call := range []struct{ name, expr string }{
		{"http.send", `http.send({"method": "GET", "url": "http://127.0.0.1"}).status_code == 200`},
		{"net.lookup_ip_addr", `count(net.lookup_ip_addr("example.com")) > 0`},
		{"net.cidr_contains", `net.cidr_contains("10.0.0.0/8", "10.1.2.3")`},
		{"opa.runtime", `opa.runtime().env.HOME != ""`},
		{"time.now_ns", `time.now_ns() > 0`},
	} {
		t.Run(call.name, func(t *testing.T) {
			rule := strings.Replace(goodRule, `c.Engine != "aurora-postgresql"`, call.expr, 1)
			_, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": rule})
			if err == nil || !strings.Contains(err.Error(), "undefined function "+call.name) {
				t.Fatalf("err = %v, want undefined function %s", err, call.name)
			}
			// Without the sandbox the same rule compiles: the refusal is the sandbox's doing.
			if _, err := newTestEngine(t, map[string]string{"lib/params.rego": libParams, "aws/good.rego": rule}, WithSandbox(false)); err != nil {
				t.Fatalf("without sandbox: %v", err)
			}
		})
	}
}

func TestRunTests(t *testing.T) {
	const ruleTest = `package rules.aws.test.good_test

import data.rules.aws.test.good as rule

test_fails_without_exports if {
	count(rule.deny) == 1 with input as {"accounts": [{"regions": [{"rds": {"db_clusters": [{"DBClusterArn": "a", "DBClusterIdentifier": "a", "Engine": "aurora-mysql"}]}}]}]}
}

test_passes_with_exports if {
	count(rule.deny) == %s with input as {"accounts": [{"regions": [{"rds": {"db_clusters": [{"DBClusterArn": "a", "DBClusterIdentifier": "a", "Engine": "aurora-mysql", "EnabledCloudwatchLogsExports": ["audit"]}]}}]}]}
}
`
	const libTest = "package rules.lib.params_test\n\ntest_lib if false\n"
	support := Source{FS: fstest.MapFS{"params.rego": {Data: []byte(libParams)}, "params_test.rego": {Data: []byte(libTest)}}, Name: "lib"}
	for _, tc := range []struct {
		want     string
		wantFail int
	}{{"0", 0}, {"1", 1}} {
		src := Source{FS: fstest.MapFS{
			"good/good.rego":      {Data: []byte(goodRule)},
			"good/good_test.rego": {Data: []byte(strings.Replace(ruleTest, "%s", tc.want, 1))},
		}, Name: "custom"}
		res, err := RunTests(context.Background(), []Source{src}, TestOptions{Support: []Source{support}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 || res[0].Name != "test_fails_without_exports" {
			t.Fatalf("results = %v (support tests must not run)", res)
		}
		failed := 0
		for _, r := range res {
			if r.Fail || r.Error != nil {
				failed++
			}
		}
		if failed != tc.wantFail {
			t.Errorf("failed = %d, want %d", failed, tc.wantFail)
		}
	}
	bad := Source{FS: fstest.MapFS{"good/good.rego": {Data: []byte(strings.Replace(goodRule, `c.Engine != "aurora-postgresql"`, `http.send({"method": "GET", "url": "x"})`, 1))}}}
	if _, err := RunTests(context.Background(), []Source{bad}, TestOptions{Support: []Source{support}}); err == nil || !strings.Contains(err.Error(), "http.send") {
		t.Errorf("err = %v, want the sandbox to refuse http.send in tests too", err)
	}
}
