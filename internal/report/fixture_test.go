package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
)

// testdataDir is the repository's testdata/, which holds the schemas and models the tests
// validate against (with their licences), so every clone runs these checks.
const testdataDir = "../../testdata"

// sharedFile returns a file under testdata/; a missing one fails the test.
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(testdataDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testdata/%s: %v", rel, err)
	}
	return p
}

var fixtureNow = time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)

func fixtureOptions() Options {
	return Options{Now: func() time.Time { return fixtureNow }, BaseDir: "/repo"}
}

// fixtureReport is the one report every golden file is rendered from: every status, every
// severity, every resource type, a located and an unlocated finding, and text that needs
// escaping and truncation.
func fixtureReport() *finding.Report {
	longDesc := strings.Repeat(`Log groups keep "audit" records <forever> & ever; `, 40) // ~2,000 bytes, escapes
	rules := []*finding.Rule{
		{
			ID: "DBAUDIT-RDS-001", Title: "Aurora MySQL cluster does not export the audit log to CloudWatch Logs",
			Description: "Aurora MySQL writes server_audit records to local storage only,\nunless the cluster exports the `audit` log type.",
			Severity:    finding.High, Service: "rds", ResourceType: "AwsRdsDbCluster",
			Remediation: finding.Remediation{
				Text:      "Add `audit` to the cluster's CloudWatch Logs exports.",
				CLI:       `aws rds modify-db-cluster --db-cluster-identifier <cluster> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["audit"]}'`,
				Terraform: `aws_rds_cluster: enabled_cloudwatch_logs_exports = ["audit"]`,
				URL:       "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-34",
			},
			Frameworks: map[string][]string{
				"aws-securityhub":            {"RDS.34"},
				"pci-dss-v3.2.1":             {"10.2.1", "10.2.2"},
				"cis-aws-foundations-v1.4.0": {"3.10"},
			},
			References: []string{"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html"},
			Package:    "rules.aws.rds.aurora_mysql_audit_export", File: "rules/aws/rds/aurora_mysql_audit_export/rule.rego",
		},
		{
			ID: "DBAUDIT-RDS-010", Title: "RDS instance does not publish its logs", Description: "The instance keeps logs locally.",
			Severity: finding.Medium, Service: "rds", ResourceType: "AwsRdsDbInstance",
			Remediation: finding.Remediation{Text: "Enable log exports."},
			Frameworks:  map[string][]string{"aws-securityhub": {"RDS.9"}},
			Package:     "rules.aws.rds.instance_log_export", File: "rules/aws/rds/instance_log_export/rule.rego",
		},
		{
			ID: "DBAUDIT-CT-001", Title: "No multi-Region CloudTrail trail records management events",
			Description: "Without a multi-Region trail, RDS API calls in other Regions go unrecorded.",
			Severity:    finding.Critical, Service: "cloudtrail", ResourceType: "AwsCloudTrailTrail",
			Remediation: finding.Remediation{Text: "Create a multi-Region trail.", URL: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html"},
			Frameworks:  map[string][]string{"aws-securityhub": {"CloudTrail.1"}, "cis-aws-foundations-v1.4.0": {"3.1"}},
			Package:     "rules.aws.cloudtrail.multi_region_trail", File: "rules/aws/cloudtrail/multi_region_trail/rule.rego",
		},
		{
			ID: "DBAUDIT-LOGS-001", Title: "Database log group retention is shorter than 365 days",
			Description: longDesc, Severity: finding.Low, Service: "logs", ResourceType: "AwsLogsLogGroup",
			Remediation: finding.Remediation{Text: strings.Repeat("Set retention to 365 days or more & check <policy>. ", 20)},
			Frameworks:  map[string][]string{"pci-dss-v3.2.1": {"10.7"}},
			Package:     "rules.aws.logs.retention", File: "rules/aws/logs/retention/rule.rego",
		},
		{
			ID: "DBAUDIT-INFO-001", Title: "Account inventory", Severity: finding.Informational,
			Service: "account", ResourceType: "AwsAccount", Package: "rules.aws.info", File: "rules/aws/info/rule.rego",
		},
	}
	findings := []finding.Finding{
		{
			RuleID: "DBAUDIT-RDS-001", Status: finding.StatusPass, Severity: finding.High,
			ResourceID: "arn:aws:rds:us-east-1:123456789012:cluster:good", ResourceType: "AwsRdsDbCluster",
			AccountID: "123456789012", Region: "us-east-1", Message: "Cluster good exports the audit log.",
		},
		{
			RuleID: "DBAUDIT-CT-001", Status: finding.StatusFail, Severity: finding.Critical,
			ResourceID: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail", ResourceType: "AwsCloudTrailTrail",
			AccountID: "123456789012", Region: "us-east-1", Message: "Trail org-trail is single-Region.",
			Evidence: "IsMultiRegionTrail=false",
		},
		{
			RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, Severity: finding.High,
			ResourceID: "arn:aws:rds:us-east-1:123456789012:cluster:orders", ResourceType: "AwsRdsDbCluster",
			ResourceName: "orders", AccountID: "123456789012", Region: "us-east-1",
			Message:  "Cluster orders does not export the audit log.",
			Evidence: `EnabledCloudwatchLogsExports=["error","slowquery"]`,
			Location: &finding.Location{File: "/repo/plans/prod.plan.json", Line: 42, Column: 7},
		},
		{
			RuleID: "DBAUDIT-RDS-010", Status: finding.StatusFail, Severity: finding.Medium,
			ResourceID: "arn:aws:rds:eu-west-1:123456789012:db:billing-1", ResourceType: "AwsRdsDbInstance",
			AccountID: "123456789012", Region: "eu-west-1", Message: "Instance billing-1 exports no logs.",
			Waiver: &finding.Waiver{Reason: "migration", Owner: "dba-team", Expires: "2026-10-01", Expired: true},
		},
		{
			RuleID: "DBAUDIT-LOGS-001", Status: finding.StatusFail, Severity: finding.Low,
			ResourceID: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/cluster/orders/audit", ResourceType: "AwsLogsLogGroup",
			AccountID: "123456789012", Region: "us-east-1",
			Message:  "Log group | /aws/rds/cluster/orders/audit keeps <script>7</script> days.",
			Evidence: "=retentionInDays=7",
		},
		{
			RuleID: "DBAUDIT-RDS-001", Status: finding.StatusNotEvaluated, Severity: finding.High,
			ResourceID: "arn:aws:rds:us-east-1:123456789012:cluster:planned", ResourceType: "AwsRdsDbCluster",
			AccountID: "123456789012", Region: "us-east-1", Message: "Cluster planned could not be evaluated.",
			Reason: "EnabledCloudwatchLogsExports is not known until apply",
		},
		{
			RuleID: "DBAUDIT-RDS-010", Status: finding.StatusWaived, Severity: finding.Medium,
			ResourceID: "arn:aws:rds:eu-west-1:123456789012:db:legacy", ResourceType: "AwsRdsDbInstance",
			AccountID: "123456789012", Region: "eu-west-1", Message: "Instance legacy exports no logs.",
			Reason: "decommissioned in Q1",
			Waiver: &finding.Waiver{Reason: "decommissioned in Q1", Owner: "dba-team", Expires: "2027-03-31"},
		},
		{
			RuleID: "DBAUDIT-INFO-001", Status: finding.StatusPass, Severity: finding.Informational,
			ResourceID: "aws-account/123456789012", ResourceType: "AwsAccount",
			AccountID: "123456789012", Region: "us-east-1", Message: "Account inventoried.",
		},
	}
	finding.SortFindings(findings)
	return &finding.Report{
		Tool:        finding.Tool{Name: "dbaudit-scanner", Version: "0.3.0"},
		GeneratedAt: "2026-11-22T10:00:00Z",
		Inputs:      []string{"snapshots/prod.json"},
		Rules:       rules,
		Findings:    findings,
		Compliance: []finding.FrameworkSummary{{Framework: "aws-securityhub", Name: "AWS Security Hub", Controls: []finding.ControlSummary{
			{ID: "CloudTrail.1", Status: finding.ControlFail, Rules: []string{"DBAUDIT-CT-001"}, Fail: 1},
			{ID: "RDS.34", Status: finding.ControlFail, Rules: []string{"DBAUDIT-RDS-001"}, Pass: 1, Fail: 1, NotEvaluated: 1},
			{ID: "RDS.9", Status: finding.ControlFail, Rules: []string{"DBAUDIT-RDS-010"}, Fail: 1, Waived: 1},
		}}},
		StaleWaivers: []finding.StaleWaiver{{Rule: "DBAUDIT-RDS-001", Resource: "arn:aws:rds:us-east-1:123456789012:cluster:old",
			Reason: "old", Source: "scanner.yaml:14", Why: "no failing finding matched"}},
		Gaps: []finding.Gap{{AccountID: "123456789012", Region: "eu-west-1", Service: "logs",
			Operation: "DescribeLogGroups", ErrorCode: "AccessDeniedException"}},
	}
}
