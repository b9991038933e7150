package input

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

var (
	ruleEngineOnce sync.Once
	ruleEngine     *engine.Engine
	ruleEngineErr  error
)

// evaluate judges an imported snapshot with the built-in rules, as `scanner scan` does:
// derived values resolved first, default rule parameters.
func evaluate(t testing.TB, s *snapshot.Snapshot) []finding.Finding {
	t.Helper()
	ctx := context.Background()
	ruleEngineOnce.Do(func() {
		ruleEngine, ruleEngineErr = engine.New(ctx, engine.WithSource(engine.Source{FS: rules.FS}))
	})
	if ruleEngineErr != nil {
		t.Fatalf("rule engine: %v", ruleEngineErr)
	}
	snapshot.Resolve(s)
	fs, err := ruleEngine.Evaluate(ctx, s)
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return fs
}

// resourceName is the name a finding's resource goes by in every format. Resource ids of
// infrastructure code are ARNs synthesized from names, so the name is the stable key.
func resourceName(f finding.Finding) string {
	if f.ResourceName != "" {
		return f.ResourceName
	}
	id := f.ResourceID
	if i := strings.LastIndexAny(id, ":/"); i >= 0 {
		id = id[i+1:]
	}
	return id
}

// verdictKey names one rule's verdict on one resource: "RULE account/region name".
func verdictKey(f finding.Finding) string {
	return fmt.Sprintf("%s %s/%s %s", f.RuleID, f.AccountID, f.Region, resourceName(f))
}

// verdictsOf maps each rule/resource to its finding; one verdict per pair is expected.
func verdictsOf(t *testing.T, fs []finding.Finding) map[string]finding.Finding {
	t.Helper()
	out := map[string]finding.Finding{}
	for _, f := range fs {
		k := verdictKey(f)
		if prev, ok := out[k]; ok && prev.Status != f.Status {
			t.Errorf("%s: two verdicts, %s and %s", k, prev.Status, f.Status)
		}
		out[k] = f
	}
	return out
}

// scenarioDivergence is a verdict of the scenario that differs, on purpose, between the aws
// CLI export (the deployed state, read from the API) and the infrastructure code (plan and
// template, which agree with each other): the IaC verdict, a substring of its reason or
// evidence, and why.
type scenarioDivergence struct {
	cli, iac finding.Status
	detail   string // substring of the IaC finding's Reason (NOT_EVALUATED) or Evidence (FAIL)
	why      string
}

var scenarioDivergences = map[string]scenarioDivergence{
	// Apply status of parameter groups exists only once the resources exist.
	"DBAUDIT-RDS-002 123456789012/us-east-1 audit-cluster": {finding.StatusPass, finding.StatusNotEvaluated, "DBClusterParameterGroupStatus",
		"whether members run the cluster parameter group (in-sync / pending-reboot) is API state after apply; a plan or " +
			"template cannot state it"},
	"DBAUDIT-RDS-006 123456789012/us-east-1 audit-cluster": {finding.StatusPass, finding.StatusNotEvaluated, "DBClusterParameterGroupStatus",
		"as RDS-002: the members' DBClusterParameterGroupStatus is known only after apply"},
	"DBAUDIT-RDS-008 123456789012/us-east-1 app-postgres": {finding.StatusPass, finding.StatusNotEvaluated, "ParameterApplyStatus",
		"the instance's ParameterApplyStatus (in-sync / pending-reboot) is known only after apply"},
	"DBAUDIT-RDS-008 123456789012/us-east-1 audited-mysql": {finding.StatusPass, finding.StatusNotEvaluated, "ParameterApplyStatus",
		"the instance's ParameterApplyStatus is known only after apply"},
	"DBAUDIT-RDS-008 123456789012/us-east-1 legacy-mysql": {finding.StatusPass, finding.StatusNotEvaluated, "ParameterApplyStatus",
		"the instance's ParameterApplyStatus is known only after apply"},
	// The member instance declares no DB parameter group.
	"DBAUDIT-RDS-007 123456789012/us-east-1 audit-cluster-1": {finding.StatusPass, finding.StatusNotEvaluated, "does not list server_audit_",
		"the export lists the group AWS attached (default.aurora-mysql8.0, which cannot override anything); the plan and " +
			"template name no DB parameter group for audit-cluster-1, and the rule does not guess the default it will get, " +
			"so the instance's effective server_audit_* values (not set in the cluster group, engine defaults not in the " +
			"snapshot) stay unresolved"},
}

// TestScenarioSameVerdicts: the "audit" scenario as aws CLI export, Terraform plan and
// CloudFormation template gets the same verdict from every rule on every resource, except
// the divergences listed (and asserted) in scenarioDivergences.
func TestScenarioSameVerdicts(t *testing.T) {
	repoRoot(t)
	cli := verdictsOf(t, evaluate(t, load(t, Options{}, "testdata/inputs/awscli/scenario")))
	plan := verdictsOf(t, evaluate(t, load(t, Options{}, "testdata/inputs/terraform/scenario.tfplan.json")))
	cfn := verdictsOf(t, evaluate(t, load(t, scenarioOpts, "testdata/inputs/cloudformation/scenario.yaml")))

	// The scenario judges every shared check both ways (README of testdata/inputs).
	for _, k := range []string{
		"DBAUDIT-CT-001 123456789012/global 123456789012=PASS",
		"DBAUDIT-CT-003 123456789012/us-east-1 org-trail=PASS", "DBAUDIT-CT-003 123456789012/us-east-1 local-trail=FAIL",
		"DBAUDIT-CT-004 123456789012/us-east-1 org-trail=PASS", "DBAUDIT-CT-004 123456789012/us-east-1 local-trail=FAIL",
		"DBAUDIT-CT-005 123456789012/us-east-1 org-trail=PASS", "DBAUDIT-CT-005 123456789012/us-east-1 local-trail=FAIL",
		"DBAUDIT-LOGS-002 123456789012/us-east-1 /aws/rds/cluster/audit-cluster/audit=PASS",
		"DBAUDIT-LOGS-002 123456789012/us-east-1 /aws/rds/instance/legacy-mysql/error=FAIL",
		"DBAUDIT-LOGS-003 123456789012/us-east-1 /aws/rds/cluster/audit-cluster/audit=PASS",
		"DBAUDIT-LOGS-003 123456789012/us-east-1 /aws/rds/instance/legacy-mysql/error=FAIL",
	} {
		key, want, _ := strings.Cut(k, "=")
		for name, vs := range map[string]map[string]finding.Finding{"aws-cli": cli, "terraform-plan": plan, "cloudformation": cfn} {
			if f, ok := vs[key]; !ok || string(f.Status) != want {
				t.Errorf("%s: %s is %q, want %s", name, key, f.Status, want)
			}
		}
	}
	if len(cli) < 40 {
		t.Fatalf("the aws CLI export gives only %d verdicts", len(cli))
	}

	// The plan and the template state the same things: no divergence at all.
	if d := diffLines(verdictLines(plan, nil), verdictLines(cfn, nil)); d != "" {
		t.Errorf("verdicts differ between plan and template (- terraform-plan, + cloudformation):\n%s", d)
	}
	for _, in := range []struct {
		name string
		vs   map[string]finding.Finding
	}{{"terraform-plan", plan}, {"cloudformation", cfn}} {
		t.Run(in.name, func(t *testing.T) {
			if d := diffLines(verdictLines(cli, scenarioDivergences), verdictLines(in.vs, scenarioDivergences)); d != "" {
				t.Errorf("verdicts differ from the aws-cli export (- aws-cli, + %s):\n%s", in.name, d)
			}
			for k, dv := range scenarioDivergences {
				c, iac := cli[k], in.vs[k]
				if c.Status != dv.cli || iac.Status != dv.iac {
					t.Errorf("%s: aws-cli %q / %s %q, want %s / %s (%s)", k, c.Status, in.name, iac.Status, dv.cli, dv.iac, dv.why)
					continue
				}
				if !strings.Contains(iac.Reason+" "+iac.Evidence, dv.detail) {
					t.Errorf("%s: %s reason %q / evidence %q does not mention %q", k, in.name, iac.Reason, iac.Evidence, dv.detail)
				}
			}
		})
	}
}

// verdictLines lists "key STATUS" for each verdict, leaving out the keys in skip.
func verdictLines(vs map[string]finding.Finding, skip map[string]scenarioDivergence) []string {
	var out []string
	for k, f := range vs {
		if _, ok := skip[k]; !ok {
			out = append(out, k+" "+string(f.Status))
		}
	}
	sort.Strings(out)
	return out
}

// custodianExport turns Cloud Custodian placebo recordings (shared/external/cloud-custodian)
// into an aws CLI export directory: the {"status_code", "data"} wrapper and ResponseMetadata
// dropped, botocore datetime objects written as RFC 3339 (UTC), each file named as the CLI
// command (files maps recording → export file name).
func custodianExport(t *testing.T, scenario string, files map[string]string) string {
	t.Helper()
	src := filepath.Join(needShared(t, "external/cloud-custodian/tests/data/placebo"), scenario)
	dir := t.TempDir()
	for rec, name := range files {
		data, err := os.ReadFile(filepath.Join(src, rec))
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			StatusCode int            `json:"status_code"`
			Data       map[string]any `json:"data"`
		}
		if err := json.Unmarshal(data, &w); err != nil {
			t.Fatalf("%s: %v", rec, err)
		}
		if w.StatusCode != 200 {
			t.Fatalf("%s: recorded status %d", rec, w.StatusCode)
		}
		delete(w.Data, "ResponseMetadata")
		out, err := json.MarshalIndent(placeboTimes(w.Data), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func placeboTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x["__class__"] == "datetime" {
			n := func(k string) int { f, _ := x[k].(float64); return int(f) }
			return time.Date(n("year"), time.Month(n("month")), n("day"), n("hour"), n("minute"), n("second"),
				n("microsecond")*1000, time.UTC).Format(time.RFC3339Nano)
		}
		for k, e := range x {
			x[k] = placeboTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = placeboTimes(e)
		}
	}
	return v
}
