package input

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/inputs/golden/*.json")

// repoRoot makes paths in locations and goldens relative to the repository root.
func repoRoot(t testing.TB) {
	t.Helper()
	t.Chdir("../..")
}

// scenarioOpts are what a user would pass for infrastructure code of the scenario account.
var scenarioOpts = Options{Region: "us-east-1", Account: "123456789012"}

func load(t testing.TB, opts Options, paths ...string) *snapshot.Snapshot {
	t.Helper()
	s, err := Load(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Load(%v): %v", paths, err)
	}
	return s
}

// TestGolden compares each importer's snapshot with its golden file and checks it against
// the snapshot schema. Regenerate with: go test ./internal/input -run TestGolden -update
func TestGolden(t *testing.T) {
	repoRoot(t)
	v, err := snapshot.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		golden string
		opts   Options
		paths  []string
	}{
		{"awscli-scenario", Options{}, []string{"testdata/inputs/awscli/scenario"}},
		{"terraform-scenario", Options{}, []string{"testdata/inputs/terraform/scenario.tfplan.json"}},
		{"cloudformation-scenario", scenarioOpts, []string{"testdata/inputs/cloudformation/scenario.yaml"}},
		{"cloudformation-trail-conditions", scenarioOpts, []string{"testdata/inputs/cloudformation/trail-conditions.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			s := load(t, tt.opts, tt.paths...)
			var buf bytes.Buffer
			if err := snapshot.Encode(&buf, s); err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(buf.Bytes()); err != nil {
				t.Fatalf("imported snapshot does not match the schema: %v", err)
			}
			path := filepath.Join("testdata/inputs/golden", tt.golden+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("%s differs from the imported snapshot; run go test ./internal/input -run TestGolden -update and review the diff", path)
			}
		})
	}
}

// scenarioFacts reduces a snapshot to the audit-relevant facts of the "audit" scenario that
// every input format can state. Values the formats legitimately differ in (server-side ids,
// timestamps, a KMS key's exact ARN, moto's default group names) are reduced to what rules
// read: presence, names, settings. Extend it when a rule reads a new member.
func scenarioFacts(s *snapshot.Snapshot) []string {
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	set := func(v string) bool { return v != "" }
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	userGroups := func(names []string) []string {
		var out []string
		for _, n := range names {
			if !strings.HasPrefix(n, "default.") && !strings.HasPrefix(n, "default:") {
				out = append(out, n)
			}
		}
		return out
	}
	params := func(ps map[string]snapshot.Parameter) string {
		var kv []string
		for k, p := range ps {
			if p.ParameterValue != nil {
				kv = append(kv, k+"="+*p.ParameterValue)
			}
		}
		sort.Strings(kv)
		return strings.Join(kv, ";")
	}
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			at := a.AccountID + "/" + r.Region
			if r.RDS != nil {
				for _, c := range r.RDS.DBClusters {
					var members []string
					for _, m := range c.DBClusterMembers {
						members = append(members, m.DBInstanceIdentifier)
					}
					add("%s cluster %s engine=%s exports=%v pg=%s encrypted=%s members=%v", at, c.DBClusterIdentifier, c.Engine,
						c.EnabledCloudwatchLogsExports, c.DBClusterParameterGroup, b(c.StorageEncrypted), members)
				}
				for _, in := range r.RDS.DBInstances {
					var pgs, ogs []string
					for _, g := range in.DBParameterGroups {
						pgs = append(pgs, g.DBParameterGroupName)
					}
					for _, g := range in.OptionGroupMemberships {
						ogs = append(ogs, g.OptionGroupName)
					}
					add("%s instance %s engine=%s cluster=%s exports=%v pgs=%v ogs=%v", at, in.DBInstanceIdentifier, in.Engine,
						in.DBClusterIdentifier, in.EnabledCloudwatchLogsExports, userGroups(pgs), userGroups(ogs))
				}
				for n, g := range r.RDS.DBClusterParameterGroups {
					add("%s cluster-pg %s family=%s params=%s", at, n, g.DBParameterGroupFamily, params(g.Parameters))
				}
				for n, g := range r.RDS.DBParameterGroups {
					if !strings.HasPrefix(n, "default.") {
						add("%s db-pg %s family=%s params=%s", at, n, g.DBParameterGroupFamily, params(g.Parameters))
					}
				}
				for n, g := range r.RDS.OptionGroups {
					var opts []string
					for _, o := range g.Options {
						var st []string
						for _, s := range o.OptionSettings {
							st = append(st, s.Name+"="+s.Value)
						}
						opts = append(opts, o.OptionName+"("+strings.Join(st, ",")+")")
					}
					add("%s option-group %s engine=%s options=%v", at, n, g.EngineName, opts)
				}
			}
			if r.Logs != nil {
				for n, g := range r.Logs.LogGroups {
					ret := "never"
					if g.RetentionInDays != nil {
						ret = fmt.Sprint(*g.RetentionInDays)
					}
					add("%s log-group %s retention=%s kms=%v", at, n, ret, set(g.KmsKeyId))
					for _, m := range g.MetricFilters {
						var alarms []string
						if m.Derived != nil {
							alarms = m.Derived.AlarmNames
						}
						var ts []string
						for _, t := range m.MetricTransformations {
							ts = append(ts, t.MetricNamespace+"/"+t.MetricName+"="+t.MetricValue)
						}
						add("%s metric-filter %s group=%s pattern=%s metrics=%v alarms=%v", at, m.FilterName, n, m.FilterPattern, ts, alarms)
					}
					for _, sf := range g.SubscriptionFilters {
						add("%s subscription-filter %s group=%s dest=%s role=%s", at, sf.FilterName, n, sf.DestinationArn, sf.RoleArn)
					}
				}
			}
			if r.CloudWatch != nil {
				for n, m := range r.CloudWatch.MetricAlarms {
					add("%s alarm %s metrics=%v actions=%v enabled=%s", at, n, snapshot.AlarmMetrics(m), m.AlarmActions, b(m.ActionsEnabled))
				}
			}
			if r.CloudTrail != nil {
				for _, tr := range r.CloudTrail.Trails {
					logging := "-"
					if tr.Status != nil {
						logging = b(tr.Status.IsLogging)
					}
					sel := "-"
					if tr.EventSelectors != nil {
						var parts []string
						for _, es := range tr.EventSelectors.EventSelectors {
							rw := es.ReadWriteType
							if rw == "" {
								rw = "All"
							}
							parts = append(parts, fmt.Sprintf("%s/mgmt=%s/excl=%v", rw, b(es.IncludeManagementEvents), es.ExcludeManagementEventSources))
						}
						sel = strings.Join(parts, ",")
					}
					add("%s trail %s home=%s multi=%s validation=%s kms=%v cwlogs=%s logging=%s selectors=%s", at, tr.Name, tr.HomeRegion,
						b(tr.IsMultiRegionTrail), b(tr.LogFileValidationEnabled), set(tr.KmsKeyId), tr.CloudWatchLogsLogGroupArn, logging, sel)
				}
			}
		}
	}
	sort.Strings(f)
	return f
}

// TestScenarioSameFacts: the "audit" scenario exported with the aws CLI (from moto), planned
// with Terraform and written as a CloudFormation template gives the same snapshot facts.
// TestScenarioSameVerdicts compares the rule verdicts.
func TestScenarioSameFacts(t *testing.T) {
	repoRoot(t)
	inputs := []struct {
		name  string
		opts  Options
		paths []string
	}{
		{"aws-cli", Options{}, []string{"testdata/inputs/awscli/scenario"}},
		{"terraform-plan", Options{}, []string{"testdata/inputs/terraform/scenario.tfplan.json"}},
		{"cloudformation", scenarioOpts, []string{"testdata/inputs/cloudformation/scenario.yaml"}},
	}
	want := scenarioFacts(load(t, inputs[0].opts, inputs[0].paths...))
	if len(want) < 20 {
		t.Fatalf("scenario has only %d facts:\n%s", len(want), strings.Join(want, "\n"))
	}
	for _, in := range inputs[1:] {
		t.Run(in.name, func(t *testing.T) {
			got := scenarioFacts(load(t, in.opts, in.paths...))
			if d := diffLines(want, got); d != "" {
				t.Errorf("facts differ from the aws-cli export (- aws-cli, + %s):\n%s", in.name, d)
			}
		})
	}
}

func diffLines(want, got []string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, x := range want {
		w[x] = true
	}
	for _, x := range got {
		g[x] = true
	}
	var out []string
	for _, x := range want {
		if !g[x] {
			out = append(out, "- "+x)
		}
	}
	for _, x := range got {
		if !w[x] {
			out = append(out, "+ "+x)
		}
	}
	return strings.Join(out, "\n")
}

// sharedDir is the repository's testdata/, which holds the third-party fixtures and AWS CLI
// examples (with their licences), so every clone runs these tests.
const sharedDir = "../../testdata"

func needShared(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(sharedDir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixtures in the repository's testdata: %v", err)
	}
	return dir
}

// TestCLIExamples: every AWS documentation example imports, except the abridged ones, which
// fail naming the line of the elision marker.
func TestCLIExamples(t *testing.T) {
	dir := needShared(t, "cli-examples")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples in %s: %v", dir, err)
	}
	marker := regexp.MustCompile(`(?m)^[ \t]*\.\.\.`)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(context.Background(), []string{f}, Options{})
			loc := marker.FindIndex(data)
			if loc == nil {
				if err != nil {
					t.Fatalf("valid example failed to import: %v", err)
				}
				return
			}
			line := bytes.Count(data[:loc[0]], []byte("\n")) + 1
			if err == nil {
				t.Fatalf("abridged example imported without error")
			}
			msg := err.Error()
			if !strings.Contains(msg, f) || !strings.Contains(msg, fmt.Sprintf("line %d,", line)) || !strings.Contains(msg, "truncated") || strings.Contains(msg, "\n") {
				t.Fatalf("error should name the file and the marker's line %d on one line, got: %s", line, msg)
			}
		})
	}
}

// TestCLIExampleValues checks the documented examples' values land where rules read them.
func TestCLIExampleValues(t *testing.T) {
	dir := needShared(t, "cli-examples")
	s := load(t, Options{}, filepath.Join(dir, "describe-trails.json"), filepath.Join(dir, "describe-log-groups.json"),
		filepath.Join(dir, "describe-db-clusters.json"), filepath.Join(dir, "get-trail-status.json"))
	r := findRegion(t, s, "123456789012", "us-east-1")
	if len(r.CloudTrail.Trails) != 2 || *r.CloudTrail.Trails[0].IsMultiRegionTrail || r.CloudTrail.Trails[0].KmsKeyId != "" || r.CloudTrail.Trails[1].KmsKeyId == "" {
		t.Errorf("trails: %+v", r.CloudTrail.Trails)
	}
	if len(r.RDS.DBClusters) != 1 || r.RDS.DBClusters[0].EnabledCloudwatchLogsExports != nil || r.RDS.DBClusters[0].DBClusterParameterGroup != "default.aurora-mysql5.7" {
		t.Errorf("clusters: %+v", r.RDS.DBClusters)
	}
	// get-trail-status.json names no trail and two trails are homed here: a gap, not a guess.
	found := false
	for _, g := range s.CollectionGaps {
		found = found || (g.Operation == "GetTrailStatus" && g.ErrorCode == "SubjectNotFound")
	}
	if !found {
		t.Errorf("expected a SubjectNotFound gap for the unnamed trail status, got %+v", s.CollectionGaps)
	}
	// A --query projection (a bare array) keeps what it has and marks the rest unknown.
	p := load(t, Options{}, filepath.Join(dir, "describe-db-clusters.example3.json"))
	c := findRegion(t, p, DefaultAccount, DefaultRegion).RDS.DBClusters[0]
	if c.Engine != "aurora-postgresql" || c.Derived == nil || !contains(c.Derived.UnknownAttributes, "EnabledCloudwatchLogsExports") {
		t.Errorf("projection: %+v %+v", c, c.Derived)
	}
}

func findRegion(t *testing.T, s *snapshot.Snapshot, account, region string) snapshot.Region {
	t.Helper()
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			if a.AccountID == account && r.Region == region {
				return r
			}
		}
	}
	t.Fatalf("no %s/%s in snapshot", account, region)
	return snapshot.Region{}
}

// externalInputs lists the CloudFormation templates and Terraform plans under shared/external.
func externalInputs(t *testing.T) []string {
	root := needShared(t, "external")
	var out []string
	for _, sub := range []string{"checkov/tests/cloudformation", "regula/rego/tests/rules/cfn", "checkov/tests/terraform", "checkov/tests/common", "regula/rego/tests"} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".json", ".yaml", ".yml", ".template":
				if !contains(out, p) {
					out = append(out, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestExternalFixtures: every third-party template and plan imports, or is refused with an
// "unsupported" reason; the trivy-checks examples (templates held in YAML strings) too.
func TestExternalFixtures(t *testing.T) {
	files := externalInputs(t)
	if len(files) < 60 {
		t.Fatalf("expected the 66 external templates and plans, found %d", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, sharedDir+"/external/"), func(t *testing.T) {
			s, err := Load(context.Background(), []string{f}, Options{})
			if err != nil {
				if !strings.Contains(err.Error(), "unsupported") {
					t.Fatalf("neither imported nor refused as unsupported: %v", err)
				}
				return
			}
			if s.Source == nil || (s.Source.Kind != KindCloudFormation && s.Source.Kind != KindTerraformPlan) {
				t.Fatalf("unexpected source %+v", s.Source)
			}
		})
	}
	for _, ex := range trivyExamples(t) {
		t.Run(ex.name, func(t *testing.T) {
			if _, err := ImportFile(ex.name, []byte(ex.template), Options{}); err != nil {
				t.Fatalf("trivy example does not import: %v", err)
			}
		})
	}
}

type trivyExample struct {
	name, check, verdict, template string
}

// trivyExamples extracts the CloudFormation examples of shared/external/trivy-checks.
func trivyExamples(t *testing.T) []trivyExample {
	root := needShared(t, "external/trivy-checks/checks")
	files, _ := filepath.Glob(filepath.Join(root, "cloud/aws/*/*.yaml"))
	var out []trivyExample
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			CloudFormation struct {
				Good []string `yaml:"good"`
				Bad  []string `yaml:"bad"`
			} `yaml:"cloudformation"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		check := strings.TrimSuffix(strings.TrimPrefix(f, root+"/cloud/aws/"), ".yaml")
		for i, s := range doc.CloudFormation.Good {
			out = append(out, trivyExample{fmt.Sprintf("trivy/%s/good/%d.yaml", check, i), check, "good", s})
		}
		for i, s := range doc.CloudFormation.Bad {
			out = append(out, trivyExample{fmt.Sprintf("trivy/%s/bad/%d.yaml", check, i), check, "bad", s})
		}
	}
	if len(out) == 0 {
		t.Fatal("no trivy-checks CloudFormation examples found")
	}
	return out
}

// verdictCase is one upstream verdict (EXPECTED.md) for a check this project shares, and the
// verdict our rule gives the same resource. Where we judge differently, why says so
// (docs/inputs.md, "Verdicts that differ from other tools, on purpose").
type verdictCase struct {
	file string // relative to shared/external
	// resource is the trail / log group name the finding carries; "" = the rule's only
	// resource in the file. For the account-level CT-001 it names the trail the upstream
	// verdict is about: a FAIL must cite it in its evidence.
	resource string
	rule     string
	upstream string // the fixture's verdict
	want     finding.Status
	why      string // set when our verdict differs from upstream
	// edit, when set, derives a variant of the fixture (to reach a case no fixture has).
	edit func([]byte) []byte
}

// The rules behind the shared checks (Security Hub control in brackets).
const (
	ruleMultiRegion = "DBAUDIT-CT-001"   // CloudTrail.1, account-level
	ruleTrailKMS    = "DBAUDIT-CT-003"   // CloudTrail.2
	ruleValidation  = "DBAUDIT-CT-004"   // CloudTrail.4
	ruleTrailCWL    = "DBAUDIT-CT-005"   // CloudTrail.5
	ruleRetention   = "DBAUDIT-LOGS-002" // CloudWatch.16
	ruleGroupKMS    = "DBAUDIT-LOGS-003"
)

const retentionWhy = "CloudWatch.16 (minRetentionTime 365): a group without retentionInDays never expires and passes; " +
	"the upstream check only asks whether the property is written"

const (
	pass = finding.StatusPass
	fail = finding.StatusFail
	notE = finding.StatusNotEvaluated
)

func verdictCases() []verdictCase {
	ck := "checkov/tests/cloudformation/checks/resource/aws/"
	rg := "regula/rego/tests/rules/cfn/cloudtrail/inputs/"
	enrich := "checkov/tests/common/runner_registry/plan_with_tf_modules_for_enrichment/tfplan.json"
	external := "checkov/tests/common/runner_registry/plan_with_external_tf_modules_for_enrichment/tfplan.json"
	cases := []verdictCase{
		// CloudTrail multi-Region (CKV_AWS_67, AWS-0014). CT-001 judges the account: it passes
		// when one logging multi-Region trail records read and write management events.
		{file: ck + "example_CloudtrailMultiRegion/CloudtrailMultiRegion-PASSED.yaml", resource: "MyTrail0", rule: ruleMultiRegion, upstream: "pass", want: pass},
		{file: ck + "example_CloudtrailMultiRegion/CloudtrailMultiRegion-FAILED.yaml", resource: "MyTrail0", rule: ruleMultiRegion, upstream: "fail", want: fail},
		{file: ck + "example_CloudtrailMultiRegion/CloudtrailMultiRegion-FAILED.yaml", resource: "MyTrail1", rule: ruleMultiRegion, upstream: "fail", want: fail},
		// Log file validation (CKV_AWS_36, FG_R00027, AWS-0016)
		{file: ck + "example_CloudtrailLogValidation/CloudTrailLogValidation-PASSED.yaml", resource: "myTrail", rule: ruleValidation, upstream: "pass", want: pass},
		{file: ck + "example_CloudtrailLogValidation/CloudTrailLogValidation-FAILED.yaml", resource: "myTrail", rule: ruleValidation, upstream: "fail", want: fail},
		{file: rg + "valid_log_validation_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleValidation, upstream: "pass", want: pass},
		{file: rg + "invalid_log_validation_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleValidation, upstream: "fail", want: fail},
		{file: rg + "invalid_log_validation_with_valid_infra.yaml", resource: "cf-valid-trail", rule: ruleValidation, upstream: "pass", want: pass},
		{file: rg + "invalid_log_validation_with_valid_infra.yaml", resource: "cf-invalid-trail", rule: ruleValidation, upstream: "fail", want: fail},
		{file: "regula/rego/tests/rules/tf/aws/cloudtrail/inputs/log_file_validation_infra.json", resource: "valid_trail", rule: ruleValidation, upstream: "pass", want: pass},
		{file: "regula/rego/tests/rules/tf/aws/cloudtrail/inputs/log_file_validation_infra.json", resource: "invalid_trail", rule: ruleValidation, upstream: "fail", want: fail},
		// KMS (CKV_AWS_35, FG_R00035, AWS-0015)
		{file: ck + "example_CloudtrailEncryption/CloudTrailEncryption-PASSED.yaml", resource: "myTrail", rule: ruleTrailKMS, upstream: "pass", want: pass},
		{file: ck + "example_CloudtrailEncryption/CloudTrailEncryption-PASSED.json", rule: ruleTrailKMS, upstream: "pass", want: pass},
		{file: ck + "example_CloudtrailEncryption/CloudTrailEncryption-FAILED.yaml", resource: "myTrail", rule: ruleTrailKMS, upstream: "fail", want: fail},
		{file: rg + "valid_encryption_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleTrailKMS, upstream: "pass", want: pass},
		{file: rg + "invalid_encryption_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleTrailKMS, upstream: "fail", want: fail},
		{file: "regula/rego/tests/rules/tf/aws/cloudtrail/inputs/issue355_infra.json", rule: ruleTrailKMS, upstream: "fail (empty string)", want: fail},
		// CloudWatch Logs integration (FG_R00029, AWS-0162)
		{file: rg + "valid_cloudwatch_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleTrailCWL, upstream: "pass", want: pass},
		{file: rg + "invalid_cloudwatch_infra.yaml", resource: "cf-fuguetest-trail", rule: ruleTrailCWL, upstream: "fail", want: fail},
		{file: rg + "invalid_cloudwatch_with_valid_infra.yaml", resource: "cf-valid-trail", rule: ruleTrailCWL, upstream: "pass", want: pass},
		{file: rg + "invalid_cloudwatch_with_valid_infra.yaml", resource: "cf-invalid-trail", rule: ruleTrailCWL, upstream: "fail", want: fail},
		// Log group retention (CKV_AWS_66) and KMS (CKV_AWS_158, AWS-0017)
		{file: ck + "example_CloudWatchLogGroupRetention/PASS.yaml", resource: "test", rule: ruleRetention, upstream: "pass (3 days)", want: fail,
			why: "fails CloudWatch.16: 3 days is below the 365-day minimum; upstream passes any written value"},
		{file: ck + "example_CloudWatchLogGroupRetention/FAIL.yaml", resource: "test", rule: ruleRetention, upstream: "fail (no RetentionInDays)", want: pass, why: retentionWhy},
		{file: enrich, resource: "module.log_group_external.aws_cloudwatch_log_group.this[0]", rule: ruleRetention, upstream: "pass (retention_in_days 0)", want: pass},
		{file: enrich, resource: "module.log_group_local.aws_cloudwatch_log_group.not_encrypted", rule: ruleRetention, upstream: "pass (30)", want: fail,
			why: "fails CloudWatch.16: 30 days is below the 365-day minimum"},
		{file: external, resource: "module.log_group_external.aws_cloudwatch_log_group.this[0]", rule: ruleRetention, upstream: "pass (retention_in_days 0)", want: pass},
		{file: ck + "example_CloudWatchLogGroupKMSKey/PASS.yaml", resource: "test", rule: ruleGroupKMS, upstream: "pass", want: pass},
		{file: ck + "example_CloudWatchLogGroupKMSKey/FAIL.yaml", resource: "test", rule: ruleGroupKMS, upstream: "fail", want: fail},
		{file: enrich, resource: "module.log_group_external.aws_cloudwatch_log_group.this[0]", rule: ruleGroupKMS, upstream: "fail", want: fail},
		{file: enrich, resource: "module.log_group_local.aws_cloudwatch_log_group.not_encrypted", rule: ruleGroupKMS, upstream: "fail", want: fail},
		{file: external, resource: "module.log_group_external.aws_cloudwatch_log_group.this[0]", rule: ruleGroupKMS, upstream: "skipped", want: fail,
			why: "Checkov skips CKV_AWS_158 here only because of a checkov:skip comment in the module's HCL, which a plan does not carry; the plan says kms_key_id null"},
	}
	// Regula's resource view: four Terraform versions, the same plan. kms_key_id is unknown
	// until apply and refers to the declared aws_kms_key.cloudwatch, which counts as set.
	for _, v := range []string{"0_13", "0_14", "0_15", "1_0"} {
		f := "regula/rego/tests/lib/inputs/resource_view_05_tf_v" + v + "_infra.json"
		cases = append(cases,
			verdictCase{file: f, resource: "/ecs/fargate-task-definition", rule: ruleGroupKMS, upstream: "set (unknown reference counts as set)", want: pass},
			verdictCase{file: f, resource: "/ecs/fargate-task-definition", rule: ruleRetention, upstream: "retention_in_days 0", want: pass})
	}
	// No fixture has an unknown value that refers to anything but a declared resource. The
	// same plan with the key taken from a variable: Regula would still count it as set.
	cases = append(cases, verdictCase{file: "regula/rego/tests/lib/inputs/resource_view_05_tf_v1_0_infra.json", resource: "/ecs/fargate-task-definition",
		rule: ruleGroupKMS, upstream: "set (any unknown reference counts as set)", want: notE,
		why: "kms_key_id is known only after apply and comes from a variable, not a declared resource: NOT_EVALUATED, never a guess",
		edit: func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(`"aws_kms_key.cloudwatch.key_id",
                "aws_kms_key.cloudwatch"`), []byte(`"var.log_kms_key"`))
		}})
	return cases
}

// checkVerdict asserts the verdict of rule on resource among fs.
func checkVerdict(t *testing.T, fs []finding.Finding, rule, resource string, want finding.Status, upstream, why string) {
	t.Helper()
	var got []finding.Finding
	for _, f := range fs {
		if f.RuleID != rule {
			continue
		}
		if rule == ruleMultiRegion || resource == "" || resourceName(f) == resource {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d %s findings for %q, want 1: %+v", len(got), rule, resource, got)
	}
	f := got[0]
	if f.Status != want {
		t.Errorf("%s on %s: %s (%s%s), want %s; upstream verdict %s; why: %q", rule, resourceName(f), f.Status, f.Evidence, f.Reason, want, upstream, why)
	}
	if rule == ruleMultiRegion && resource != "" && f.Status == finding.StatusFail && !strings.Contains(f.Evidence, resource+":") {
		t.Errorf("%s FAIL does not cite trail %s: %s", rule, resource, f.Evidence)
	}
	if f.Status == finding.StatusNotEvaluated && f.Reason == "" {
		t.Errorf("%s on %s: NOT_EVALUATED without a reason", rule, resourceName(f))
	}
}

// TestExternalVerdicts asserts our rule verdicts on the third-party fixtures for the checks
// this project shares (trail multi-Region, validation, KMS, CloudWatch Logs; log group
// retention and KMS), against the upstream verdicts in each EXPECTED.md.
func TestExternalVerdicts(t *testing.T) {
	root := needShared(t, "external")
	for _, tc := range verdictCases() {
		name := tc.file + "#" + tc.resource + "/" + tc.rule
		if tc.edit != nil {
			name += "(edited)"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(root, tc.file)
			var s *snapshot.Snapshot
			if tc.edit == nil {
				s = load(t, Options{}, path)
			} else {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				edited := tc.edit(data)
				if bytes.Equal(edited, data) {
					t.Fatal("edit changed nothing")
				}
				if s, err = ImportFile(path, edited, Options{}); err != nil {
					t.Fatal(err)
				}
			}
			checkVerdict(t, evaluate(t, s), tc.rule, tc.resource, tc.want, tc.upstream, tc.why)
		})
	}
	// trivy-checks: good examples pass and bad ones fail the matching rule, except the
	// divergences below (docs/inputs.md).
	trivyRules := map[string]string{
		"cloudtrail/enable_all_regions":            ruleMultiRegion,
		"cloudtrail/enable_log_validation":         ruleValidation,
		"cloudtrail/encryption_customer_key":       ruleTrailKMS,
		"cloudtrail/ensure_cloudwatch_integration": ruleTrailCWL,
		"cloudwatch/log_group_customer_key":        ruleGroupKMS,
	}
	for _, ex := range trivyExamples(t) {
		rule, ok := trivyRules[ex.check]
		if !ok {
			continue
		}
		t.Run(ex.name, func(t *testing.T) {
			s, err := ImportFile(ex.name, []byte(ex.template), Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, why := fail, ""
			if ex.verdict == "good" {
				want = pass
			}
			switch {
			case ex.check == "cloudtrail/encryption_customer_key" && ex.verdict == "good":
				want, why = fail, "KmsKeyId is not a property of AWS::CloudTrail::Trail (KMSKeyId is): the trail has no key"
			case ex.check == "cloudtrail/ensure_cloudwatch_integration" && ex.verdict == "good":
				want, why = notE, "CT-005 also judges CloudWatch Logs delivery from the trail status; the template omits "+
					"IsLogging (required by CloudFormation), so there is no status and the trail is not evaluated"
			}
			checkVerdict(t, evaluate(t, s), rule, "", want, ex.verdict, why)
		})
	}
	// Cloud Custodian's recordings carry no verdicts for our checks (EXPECTED.md), but the
	// upstream policies judge the same properties; replayed as an aws CLI export.
	trail := map[string]string{"cloudtrail.DescribeTrails_1.json": "describe-trails.json",
		"cloudtrail.GetTrailStatus_1.json": "get-trail-status.skunk-trails.json"}
	for _, tc := range []struct {
		scenario string
		files    map[string]string
		resource string
		rule     string
		upstream string
		want     finding.Status
		why      string
	}{
		{"test_account_trail", trail, "skunk-trails", ruleMultiRegion, "check-cloudtrail multi-region: compliant", notE,
			"CloudTrail.1 also asks for read and write management events, which only GetEventSelectors tells; Custodian's " +
				"check-cloudtrail does not read them and the recording has none, so the export lacks them: NOT_EVALUATED"},
		{"test_account_trail", trail, "skunk-trails", ruleTrailKMS, "check-cloudtrail kms: compliant", pass, ""},
		{"test_account_trail", trail, "skunk-trails", ruleValidation, "check-cloudtrail file-digest: compliant", pass, ""},
		{"test_account_trail_different_region", trail, "skunk-trails", ruleMultiRegion,
			"check-cloudtrail current-region: non-compliant (single-Region trail homed in us-west-2)", fail, ""},
		{"test_log_group_retention", map[string]string{"logs.DescribeLogGroups_1.json": "describe-log-groups.json"}, "c7n-test-a",
			ruleRetention, "no retentionInDays (never expire) before the retention action", pass, ""},
		{"test_log_group_retention", map[string]string{"logs.DescribeLogGroups_2.json": "describe-log-groups.json"}, "c7n-test-a",
			ruleRetention, "retention 14 days, the value the upstream policy sets", fail, "fails CloudWatch.16: 14 days is below the 365-day minimum"},
	} {
		t.Run("cloud-custodian/"+tc.scenario+"#"+tc.resource+"/"+tc.rule, func(t *testing.T) {
			s := load(t, Options{}, custodianExport(t, tc.scenario, tc.files))
			checkVerdict(t, evaluate(t, s), tc.rule, tc.resource, tc.want, tc.upstream, tc.why)
		})
	}
}

// TestBadInput: each kind of broken input fails with one line naming the file and the place.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string // substrings of the error
	}{
		{"unknown shape JSON", "x.json", `{"foo": 1, "bar": [1]}`, []string{"unknown input shape", "keys: foo, bar"}},
		{"unknown shape YAML", "x.yaml", "foo: 1\nbar: 2\n", []string{"line 1, column 1", "unknown input shape"}},
		{"malformed JSON", "describe-db-clusters.json", "{\n  \"DBClusters\": [\n    {\"a\": 1,}\n  ]\n}\n", []string{"line 3, column 13", "malformed JSON"}},
		{"malformed YAML", "t.yaml", "Resources:\n  A:\n\tType: AWS::Logs::LogGroup\n", []string{"line 3", "malformed YAML", "cannot start any token"}},
		{"plan format_version", "plan.json", `{"format_version": "2.0", "planned_values": {}}`, []string{"line 1, column 20", "unsupported Terraform plan format_version \"2.0\""}},
		{"cyclic Ref", "cycle.yaml", "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Ref B\n  B:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n      LogGroupName: !Ref A\n      FilterPattern: x\n",
			[]string{"line 9, column 21", "cyclic reference between resources: A -> B -> A"}},
		{"Ref to nothing", "ref.yaml", "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Ref Nope\n", []string{"line 5, column 21", `Ref to "Nope"`}},
		{"parameters without group", "params.json", `{"Parameters": [{"ParameterName": "a"}]}`, []string{"line 1, column 16", "describe-db-cluster-parameters.<group>.json"}},
		{"truncated", "describe-db-clusters.json", "{\n  \"DBClusters\": [\n    ...\n  ]\n}\n", []string{"line 3, column 5", "truncated output"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), []string{path}, Options{})
			if err == nil {
				t.Fatal("expected an error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error must be one line starting with the file name, got: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestDirectoryWalk: inside a directory, files that are not inputs are skipped with a
// notice; named explicitly, the same file is an error.
func TestDirectoryWalk(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("us-west-2/describe-log-groups.json", `{"logGroups": [{"logGroupName": "/aws/rds/instance/db/error"}]}`)
	write("111122223333/us-west-2/describe-metric-filters.json", `{"metricFilters": []}`)
	other := write("package.json", `{"name": "web"}`)
	write(".github/workflows/ci.yml", "on: push\n")
	write("README.md", "# not read\n")
	var notices []string
	s, err := Load(context.Background(), []string{dir}, Options{Notice: func(m string) { notices = append(notices, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) == 0 || !strings.Contains(strings.Join(notices, "\n"), "package.json: skipped: unknown input shape") {
		t.Errorf("notices: %v", notices)
	}
	r := findRegion(t, s, DefaultAccount, "us-west-2")
	if _, ok := r.Logs.LogGroups["/aws/rds/instance/db/error"]; !ok {
		t.Errorf("log group not imported from the region directory: %+v", r.Logs)
	}
	findRegion(t, s, "111122223333", "us-west-2")
	if _, err := Load(context.Background(), []string{other}, Options{}); err == nil || !strings.Contains(err.Error(), "unknown input shape") {
		t.Errorf("explicit unknown file: %v", err)
	}
	// With SkipUnknown (the pre-commit hook) an explicit unknown file is skipped too.
	if _, err := Load(context.Background(), []string{other, filepath.Join(dir, "us-west-2")}, Options{SkipUnknown: true}); err != nil {
		t.Errorf("SkipUnknown: %v", err)
	}
	// A broken file named like an export fails the scan even inside a directory.
	write("us-west-2/describe-db-clusters.json", `{"DBClusters": [`)
	if _, err := Load(context.Background(), []string{dir}, Options{}); err == nil || !strings.Contains(err.Error(), "describe-db-clusters.json") {
		t.Errorf("broken export inside a directory: %v", err)
	}
}

// TestUnknownAfterApply: plan values known only after apply are listed, never guessed.
func TestUnknownAfterApply(t *testing.T) {
	plan := `{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.c","mode":"managed","type":"aws_rds_cluster","name":"c",
	"change":{"actions":["create"],"after":{"engine":"aurora-mysql"},"after_unknown":{"cluster_identifier":true,"enabled_cloudwatch_logs_exports":true,"db_cluster_parameter_group_name":true}}}],
	"configuration":{"root_module":{"resources":[{"address":"aws_rds_cluster.c","mode":"managed","type":"aws_rds_cluster","name":"c",
	"expressions":{"enabled_cloudwatch_logs_exports":{"references":["var.exports"]}}}]}}}`
	s, err := ImportFile("plan.json", []byte(plan), scenarioOpts)
	if err != nil {
		t.Fatal(err)
	}
	c := findRegion(t, s, "123456789012", "us-east-1").RDS.DBClusters[0]
	want := []string{"DBClusterIdentifier", "DBClusterParameterGroup", "EnabledCloudwatchLogsExports"}
	if c.Derived == nil || strings.Join(c.Derived.UnknownAttributes, ",") != strings.Join(want, ",") {
		t.Errorf("unknown_attributes = %+v, want %v", c.Derived, want)
	}
	if c.DBClusterIdentifier != "aws_rds_cluster.c" || c.DBClusterArn != "arn:aws:rds:us-east-1:123456789012:cluster:aws_rds_cluster.c" {
		t.Errorf("identifier/ARN from the address: %s %s", c.DBClusterIdentifier, c.DBClusterArn)
	}
	if c.EnabledCloudwatchLogsExports != nil {
		t.Errorf("exports guessed: %v", c.EnabledCloudwatchLogsExports)
	}
}

// TestLocations: resources point at their declaration.
func TestLocations(t *testing.T) {
	repoRoot(t)
	tests := []struct {
		path       string
		opts       Options
		get        func(snapshot.Region) *snapshot.Location
		line, col  int
		wantInFile string
	}{
		{"testdata/inputs/cloudformation/scenario.yaml", scenarioOpts, func(r snapshot.Region) *snapshot.Location {
			return r.CloudTrail.Trails[0].Derived.Location
		}, 0, 3, "  OrgTrail:"},
		{"testdata/inputs/cloudformation/trail-conditions.json", scenarioOpts, func(r snapshot.Region) *snapshot.Location {
			return r.CloudTrail.Trails[0].Derived.Location
		}, 0, 5, `    "ProdTrail": {`},
		{"testdata/inputs/awscli/scenario", Options{}, func(r snapshot.Region) *snapshot.Location {
			return r.Logs.LogGroups["/aws/rds/cluster/audit-cluster/audit"].MetricFilters[0].Derived.Location
		}, 0, 9, `        {`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := load(t, tt.opts, tt.path)
			loc := tt.get(findRegion(t, s, "123456789012", "us-east-1"))
			if loc == nil || loc.Line == 0 {
				t.Fatalf("no location: %+v", loc)
			}
			data, err := os.ReadFile(loc.File)
			if err != nil {
				t.Fatal(err)
			}
			line := strings.Split(string(data), "\n")[loc.Line-1]
			if line != tt.wantInFile || loc.Column != tt.col {
				t.Errorf("%s:%d:%d is %q, want %q at column %d", loc.File, loc.Line, loc.Column, line, tt.wantInFile, tt.col)
			}
		})
	}
}

// TestEncodings: UTF-16 and BOM-prefixed plans decode.
func TestEncodings(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"utf8-bom", append([]byte{0xEF, 0xBB, 0xBF}, []byte(`{"format_version":"1.0","planned_values":{}}`)...)},
		{"utf16le-bom", utf16le(`{"format_version":"1.0","planned_values":{}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ImportFile(tt.name+".json", tt.data, Options{})
			if err != nil || s.Source.Kind != KindTerraformPlan {
				t.Fatalf("%v %+v", err, s)
			}
		})
	}
}

func utf16le(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		out = append(out, byte(r), 0)
	}
	return out
}

func TestJSONIndex(t *testing.T) {
	data := []byte("{\"a\": [1, {\"b\": \"x\\\"y\"}],\n \"c.d\": {\"e\": null}}")
	ix, err := indexJSON(data, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{`$.a`: "line 1, column 7", `$.a[1]`: "line 1, column 11", `$["c.d"]`: "line 2, column 9", `$["c.d"].e`: "line 2, column 15"}
	for p, w := range want {
		if got := snapshot.LineCol(data, ix.offsets[p]); got != w {
			t.Errorf("%s at %s, want %s", p, got, w)
		}
	}
	if !ix.has("c.d") || len(ix.topKeys) != 2 {
		t.Errorf("top keys %v", ix.topKeys)
	}
}
