package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

func TestCheckPushAccounts(t *testing.T) {
	at := func(file string) *finding.Location { return &finding.Location{File: file, Line: 3} }
	tests := []struct {
		name     string
		inputs   []string
		findings []finding.Finding
		scanned  []finding.AccountRegion
		wantErr  string
	}{
		{name: "real accounts", inputs: []string{"export/"},
			findings: []finding.Finding{{AccountID: "123456789012"}},
			scanned:  []finding.AccountRegion{{AccountID: "123456789012", Region: "us-east-1"}, {AccountID: "210987654321", Region: "eu-west-1"}}},
		{name: "placeholder, the finding names its file", inputs: []string{"export/", "template.yaml"},
			findings: []finding.Finding{{AccountID: "123456789012"}, {AccountID: "000000000000"}, {AccountID: "000000000000", Location: at("template.yaml")}},
			wantErr:  "template.yaml names no AWS account (the findings use the placeholder 000000000000); pass --account"},
		{name: "placeholder in a scanned Region without findings", inputs: []string{"plan.json"},
			scanned: []finding.AccountRegion{{AccountID: "000000000000", Region: "us-east-1"}},
			wantErr: "plan.json names no AWS account (the findings use the placeholder 000000000000); pass --account"},
		{name: "not 12 digits", inputs: []string{"snap.json"},
			findings: []finding.Finding{{AccountID: "1"}},
			wantErr:  `snap.json names account "1", not a 12-digit AWS account id`},
		{name: "no account at all", findings: []finding.Finding{{AccountID: ""}},
			wantErr: `the input names account "", not a 12-digit AWS account id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPushAccounts(&finding.Report{Inputs: tc.inputs, Findings: tc.findings, Scanned: tc.scanned})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err %v, want none", err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("err\n  %v\nwant\n  %s", err, tc.wantErr)
			}
		})
	}
}

// TestPushRefusesPlaceholderAccount: a template scanned without --account is not pushed
// (nothing sent, no output written); with --account it is.
func TestPushRefusesPlaceholderAccount(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "testdata", "inputs", "cloudformation", "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
		wantSent   bool
	}{
		{"no --account", nil, ExitError,
			"scanner: --push-securityhub: template.yaml names no AWS account (the findings use the placeholder 000000000000); pass --account", false},
		{"--account", []string{"--account", "123456789012"}, ExitFindings, "securityhub: ", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if err := os.WriteFile("template.yaml", tmpl, 0o600); err != nil {
				t.Fatal(err)
			}
			fake := shfake.New(shfake.Config{})
			defer fake.Close()
			hermeticAWS(t, fake.URL)
			var out, errb bytes.Buffer
			args := append([]string{"scan", "template.yaml", "--region", "us-east-1", "--push-securityhub", "-f", "json=out.json"}, tc.args...)
			code := Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
			if code != tc.wantCode || !strings.Contains(errb.String(), tc.wantStderr) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, tc.wantCode, tc.wantStderr, errb.String())
			}
			if sent := len(fake.Log()) > 0; sent != tc.wantSent {
				t.Errorf("%d requests sent, want sent %v", len(fake.Log()), tc.wantSent)
			}
			if _, err := os.Stat("out.json"); (err == nil) != tc.wantSent {
				t.Errorf("out.json written: %v, want %v", err == nil, tc.wantSent)
			}
		})
	}
}

// TestPushFileAccounts: `scanner push FILE` refuses a finding whose AwsAccountId is not an
// account (naming the file and the finding's index) before any request; the summary counts
// requests in the right number.
func TestPushFileAccounts(t *testing.T) {
	asff, err := report.BuildASFF(pushReport(), report.Options{Now: func() time.Time { return time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, account string) string {
		fs := append([]report.ASFFFinding(nil), asff...)
		if account != "" {
			fs[1].AwsAccountID = account
		}
		raw, _ := json.Marshal(fs)
		file := filepath.Join(t.TempDir(), "scan.asff.json")
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	tests := []struct {
		name       string
		account    string // of the second finding; "" keeps 123456789012
		wantCode   int
		wantStderr string // FILE stands for the file's path
	}{
		{"not 12 digits", "12345", ExitError,
			`scanner: push: FILE: read asff: finding 1 (` + asff[1].ID + `): AwsAccountId "12345" is not a 12-digit AWS account id`},
		{"placeholder", "000000000000", ExitError,
			"scanner: push: FILE: finding 1 (" + strconv.Quote(asff[1].ID) + "): AwsAccountId 000000000000 is the placeholder of a scan input that named no AWS account; scan again with --account"},
		{"real account, one request", "", ExitOK, "securityhub: 3 imported, 0 resolved, 0 archived, 0 passed not sent; 1 request (0 throttled)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := write(t, tc.account)
			fake := shfake.New(shfake.Config{})
			defer fake.Close()
			hermeticAWS(t, fake.URL)
			var out, errb bytes.Buffer
			code := Run(context.Background(), []string{"push", file}, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
			want := strings.ReplaceAll(tc.wantStderr, "FILE", file)
			if code != tc.wantCode || !strings.Contains(errb.String(), want) {
				t.Fatalf("exit %d, want %d with\n  %s\nstderr:\n%s", code, tc.wantCode, want, errb.String())
			}
			if tc.wantCode != ExitOK && len(fake.Log()) != 0 {
				t.Errorf("%d requests sent, want none", len(fake.Log()))
			}
		})
	}
}
