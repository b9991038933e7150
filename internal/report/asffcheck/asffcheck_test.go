package asffcheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadModel(t *testing.T) *Model {
	t.Helper()
	p := filepath.Join("../../../testdata", "schemas/securityhub-service-2.json")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the Security Hub model in the repository's testdata: %v", err)
	}
	m, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const validFinding = `{
  "SchemaVersion": "2018-10-08",
  "Id": "dbaudit-scanner/123456789012/us-east-1/R1/arn:aws:rds:us-east-1:123456789012:db:a",
  "ProductArn": "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default",
  "GeneratorId": "dbaudit-scanner/R1",
  "AwsAccountId": "123456789012",
  "Types": ["Software and Configuration Checks/AWS Security Best Practices"],
  "CreatedAt": "2026-11-22T10:05:00.000Z",
  "UpdatedAt": "2026-11-22T10:05:00.000Z",
  "Severity": {"Label": "HIGH", "Original": "HIGH"},
  "Title": "t",
  "Description": "d",
  "ProductFields": {"dbaudit/scanner/RuleId": "R1"},
  "Resources": [{"Type": "AwsRdsDbInstance", "Id": "arn:aws:rds:us-east-1:123456789012:db:a", "Partition": "aws",
    "Region": "us-east-1", "Details": {"AwsRdsDbInstance": {"DBInstanceIdentifier": "a", "StorageEncrypted": true}}}],
  "Compliance": {"Status": "FAILED", "RelatedRequirements": ["PCI DSS v3.2.1/10.2"]},
  "RecordState": "ACTIVE"
}`

func TestCheckFinding(t *testing.T) {
	m := loadModel(t)
	tests := []struct {
		name   string
		mutate func(f map[string]any)
		want   string // substring of a problem; "" = valid
	}{
		{"valid", func(map[string]any) {}, ""},
		{"missing Title", func(f map[string]any) { delete(f, "Title") }, "missing required member Title"},
		{"bad Severity.Label enum", func(f map[string]any) { sub(f, "Severity")["Label"] = "SEVERE" }, `"SEVERE" is not one of`},
		{"bad Compliance.Status enum", func(f map[string]any) { sub(f, "Compliance")["Status"] = "FAIL" }, `"FAIL" is not one of`},
		{"unknown member in instance details", func(f map[string]any) {
			res := f["Resources"].([]any)[0].(map[string]any)
			sub(sub(res, "Details"), "AwsRdsDbInstance")["IamDatabaseAuthenticationEnabled"] = true // cluster casing
		}, `unknown member "IamDatabaseAuthenticationEnabled"`},
		{"missing Severity (user guide)", func(f map[string]any) { delete(f, "Severity") }, "missing required member Severity"},
		{"missing Types (user guide)", func(f map[string]any) { delete(f, "Types") }, "missing required member Types"},
		{"blank string", func(f map[string]any) { f["Description"] = "   " }, "does not match NonEmptyString"},
		{"empty tag value", func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Tags"] = map[string]any{"team": ""}
		}, "does not match NonEmptyString"},
		{"wrong type", func(f map[string]any) { f["Title"] = 7.0 }, "want string"},
		{"boolean as string", func(f map[string]any) {
			res := f["Resources"].([]any)[0].(map[string]any)
			sub(sub(res, "Details"), "AwsRdsDbInstance")["StorageEncrypted"] = "true"
		}, "want boolean"},
		{"title too long", func(f map[string]any) { f["Title"] = strings.Repeat("x", 257) }, "above 256"},
		{"description too long after escaping", func(f map[string]any) { f["Description"] = strings.Repeat("<", 200) }, "above 1024"},
		{"bad type namespace", func(f map[string]any) { f["Types"] = []any{"Compliance/Whatever"} }, "does not start with an ASFF namespace"},
		{"bad schema version", func(f map[string]any) { f["SchemaVersion"] = "2018-10-26" }, "want 2018-10-08"},
		{"bad account", func(f map[string]any) { f["AwsAccountId"] = "12345" }, "not 12 digits"},
		{"product arn of another account", func(f map[string]any) {
			f["ProductArn"] = "arn:aws:securityhub:us-east-1:999999999999:product/999999999999/default"
		}, "not the default product"},
		{"bad timestamp", func(f map[string]any) { f["UpdatedAt"] = "2026-11-22 10:05:00" }, "not an ASFF timestamp"},
		{"workflow sent", func(f map[string]any) { f["Workflow"] = map[string]any{"Status": "NEW"} }, "customer-owned"},
		{"reserved product field", func(f map[string]any) { sub(f, "ProductFields")["aws/securityhub/FindingId"] = "x" }, "reserved"},
		{"no resources", func(f map[string]any) { f["Resources"] = []any{} }, "want 1-32"},
		{"bad RecordState", func(f map[string]any) { f["RecordState"] = "DELETED" }, "is not one of"},
		{"resource region global", func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Region"] = "global"
		}, `"global" is not an AWS Region`},
		{"resource partition of another region", func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Region"] = "cn-north-1"
		}, "Region cn-north-1 is in aws-cn"},
		{"product arn in region global", func(f map[string]any) {
			f["ProductArn"] = "arn:aws:securityhub:global:123456789012:product/123456789012/default"
		}, `names "global", not an AWS Region`},
		{"product arn partition of another region", func(f map[string]any) {
			f["ProductArn"] = "arn:aws:securityhub:cn-north-1:123456789012:product/123456789012/default"
		}, "Region cn-north-1 is in aws-cn"},
		{"china finding", func(f map[string]any) {
			f["ProductArn"] = "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default"
			res := f["Resources"].([]any)[0].(map[string]any)
			res["Region"], res["Partition"] = "cn-north-1", "aws-cn"
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f map[string]any
			if err := json.Unmarshal([]byte(validFinding), &f); err != nil {
				t.Fatal(err)
			}
			tc.mutate(f)
			raw, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			probs := m.CheckFinding(raw)
			if tc.want == "" {
				if len(probs) > 0 {
					t.Fatalf("valid finding rejected:\n%s", strings.Join(probs, "\n"))
				}
				return
			}
			for _, p := range probs {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Fatalf("want a problem containing %q, got:\n%s", tc.want, strings.Join(probs, "\n"))
		})
	}
}

func TestValidateBatchRequest(t *testing.T) {
	m := loadModel(t)
	var f any
	if err := json.Unmarshal([]byte(validFinding), &f); err != nil {
		t.Fatal(err)
	}
	findings := make([]any, 101)
	for i := range findings {
		findings[i] = f
	}
	probs := m.Validate("BatchImportFindingsRequest", map[string]any{"Findings": findings})
	if len(probs) == 0 || !strings.Contains(strings.Join(probs, "\n"), "above maximum 100") {
		t.Fatalf("101 findings in one request must exceed the model's list max: %v", probs)
	}
	if probs := m.Validate("BatchImportFindingsRequest", map[string]any{"Findings": findings[:100]}); len(probs) > 0 {
		t.Fatalf("100 findings rejected: %v", probs)
	}
}

func sub(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }
