package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// hermeticAWS points the default AWS config at url with fake credentials and nothing else.
func hermeticAWS(t *testing.T, url string) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_SECURITYHUB": url, "AWS_ENDPOINT_URL": "", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "", "AWS_REGION": "us-east-1",
		"AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_PROFILE": "",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "", "AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "",
	} {
		t.Setenv(k, v)
	}
}

func pushReport() *finding.Report {
	r := &finding.Report{
		Tool:        finding.Tool{Name: "dbaudit-scanner", Version: "test"},
		GeneratedAt: "2026-11-22T10:00:00Z",
		Rules:       []*finding.Rule{{ID: "DBAUDIT-RDS-001", Title: "Audit log export", Severity: finding.High}},
	}
	for _, name := range []string{"a", "b", "c"} {
		r.Findings = append(r.Findings, finding.Finding{
			RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, Severity: finding.High,
			ResourceID: "arn:aws:rds:us-east-1:123456789012:cluster:" + name, ResourceType: "AwsRdsDbCluster",
			AccountID: "123456789012", Region: "us-east-1", Message: "Cluster " + name + " fails.",
		})
	}
	return r
}

func TestPushCommand(t *testing.T) {
	asff, err := report.BuildASFF(pushReport(), report.Options{Now: func() time.Time { return time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(asff)
	file := filepath.Join(t.TempDir(), "scan.asff.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"not":"an array"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		cfg        shfake.Config
		args       []string
		wantCode   int
		wantStderr []string
		wantStored int
	}{
		{"delivered", shfake.Config{}, []string{"push", file}, ExitOK, []string{"securityhub: 3 imported"}, 3},
		{"undelivered finding is reported by id", shfake.Config{FailIDs: map[string]int{asff[1].ID: -1}, FailCode: "InvalidInput"},
			[]string{"push", file}, ExitError, []string{"1 NOT DELIVERED", "not delivered: " + asff[1].ID}, 2},
		{"not an ASFF file", shfake.Config{}, []string{"push", bad}, ExitError, []string{"JSON array"}, 0},
		{"rate above the service limit", shfake.Config{}, []string{"push", "--securityhub-rate", "50", file}, ExitError, []string{"--securityhub-rate"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := shfake.New(tc.cfg)
			defer fake.Close()
			hermeticAWS(t, fake.URL)
			var out, errb bytes.Buffer
			code := Run(context.Background(), tc.args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, errb.String())
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
			if strings.Contains(errb.String(), "secret") {
				t.Error("stderr leaks the secret key")
			}
			if n := len(fake.Findings()); n != tc.wantStored {
				t.Errorf("stored %d findings, want %d", n, tc.wantStored)
			}
		})
	}
}

func TestPushIfRequested(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	hermeticAWS(t, fake.URL)
	var errb bytes.Buffer
	a := &app{streams: Streams{Out: &bytes.Buffer{}, Err: &errb}}
	o := &pushOptions{}
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	addPushFlags(fs, o)
	if err := a.pushIfRequested(context.Background(), pushReport(), o, nil); err != nil || len(fake.Log()) != 0 {
		t.Fatalf("without --push-securityhub nothing is sent: err %v, %d requests", err, len(fake.Log()))
	}
	if err := fs.Parse([]string{"--push-securityhub", "--include-passed"}); err != nil {
		t.Fatal(err)
	}
	if err := a.pushIfRequested(context.Background(), pushReport(), o, nil); err != nil {
		t.Fatalf("push: %v\n%s", err, errb.String())
	}
	if n := len(fake.Findings()); n != 3 {
		t.Errorf("stored %d, want 3", n)
	}
}

// TestPushResolvesRegionsWithoutFindings: a region the scan covered but where nothing is
// left (the last database was deleted) still has its earlier findings resolved.
func TestPushResolvesRegionsWithoutFindings(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	hermeticAWS(t, fake.URL)

	earlier := pushReport()
	earlier.Findings = append(earlier.Findings, finding.Finding{
		RuleID: "DBAUDIT-RDS-001", Status: finding.StatusFail, Severity: finding.High,
		ResourceID: "arn:aws:rds:us-west-2:123456789012:cluster:gone", ResourceType: "AwsRdsDbCluster",
		AccountID: "123456789012", Region: "us-west-2", Message: "Cluster gone fails.",
	})
	old, err := report.BuildASFF(earlier, report.Options{Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var goneID string
	for _, f := range old {
		raw, _ := json.Marshal(f)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		fake.Seed(m)
		if strings.Contains(string(raw), "cluster:gone") {
			goneID = f.ID
		}
	}

	now := pushReport() // us-east-1 findings only
	now.Scanned = []finding.AccountRegion{{AccountID: "123456789012", Region: "us-east-1"}, {AccountID: "123456789012", Region: "us-west-2"}}
	a := &app{streams: Streams{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}}
	o := &pushOptions{}
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	addPushFlags(fs, o)
	if err := fs.Parse([]string{"--push-securityhub"}); err != nil {
		t.Fatal(err)
	}
	if err := a.pushIfRequested(context.Background(), now, o, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range fake.Findings() {
		if f["Id"] != goneID {
			continue
		}
		comp, _ := f["Compliance"].(map[string]any)
		if f["RecordState"] != "ARCHIVED" && (comp == nil || comp["Status"] != "PASSED") {
			t.Errorf("the us-west-2 finding was left open: RecordState %v, Compliance %v", f["RecordState"], comp)
		}
		return
	}
	t.Fatalf("seeded finding %s not found", goneID)
}
