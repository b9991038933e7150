package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/cli"
	"github.com/dbaudit/scanner/internal/snapshot"
)

func collectWorld() *awsfake.Server {
	srv := awsfake.New()
	a := srv.AddAccount("123456789012", "us-east-1", "eu-west-1")
	r := a.Region("us-east-1")
	r.DBClusters = []awsfake.Item{{"DBClusterIdentifier": "c1", "Engine": "aurora-mysql", "DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:c1",
		"DBClusterParameterGroup": "audit"}}
	r.ClusterParamGroups["audit"] = &awsfake.ParamGroup{
		Meta:       awsfake.Item{"DBClusterParameterGroupName": "audit", "DBParameterGroupFamily": "aurora-mysql8.0"},
		Parameters: []awsfake.Item{{"ParameterName": "server_audit_logging", "ParameterValue": "1", "Source": "user"}},
	}
	return srv
}

func TestCollectCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		fault    *awsfake.Fault
		wantCode int
	}{
		{name: "all regions to a file", args: []string{"--quiet"}, wantCode: cli.ExitOK},
		{name: "one region with debug logs", args: []string{"--regions", "us-east-1", "--log-level", "debug"}, wantCode: cli.ExitOK},
		{name: "gaps exit 3", args: []string{"--regions", "eu-west-1,us-east-1"},
			fault: &awsfake.Fault{Service: "rds", Region: "eu-west-1", Status: 403, Code: "AccessDenied"}, wantCode: cli.ExitIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := collectWorld()
			defer srv.Close()
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			srv.SetEnv(t, "123456789012")
			out := filepath.Join(t.TempDir(), "snapshot.json")
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), append([]string{"collect", "-o", out}, tt.args...),
				cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, stderr.String())
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			snap, err := snapshot.Decode(out, raw)
			if err != nil {
				t.Fatalf("written snapshot does not load: %v", err)
			}
			if snap.Source.Kind != "live" || len(snap.Accounts) != 1 || len(snap.Accounts[0].Regions) == 0 {
				t.Errorf("snapshot = %+v", snap)
			}
			if strings.Contains(stderr.String(), "fake-secret") {
				t.Error("stderr shows the secret key")
			}
			if n := len(snap.CollectionGaps); n > 0 {
				want := fmt.Sprintf("collected with %d collection gaps;", n)
				if n == 1 {
					want = "collected with 1 collection gap;"
				}
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q: %s", want, stderr.String())
				}
			}
			if strings.Contains(strings.Join(tt.args, " "), "debug") && !strings.Contains(stderr.String(), "operation=DescribeDBClusterParameters") {
				t.Errorf("debug log does not name the API calls: %s", stderr.String())
			}
		})
	}
}

// TestCollectKeepsConnections: with 8 calls in flight per region and several regions on
// one endpoint (here all of them: the fake), the CLI's HTTP client keeps its connections
// alive instead of opening new ones once more than the SDK's default 10 are idle.
func TestCollectKeepsConnections(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	regions := []string{"eu-west-1", "eu-west-2", "us-east-1", "us-west-2"}
	a := srv.AddAccount("123456789012", regions...)
	for _, reg := range regions {
		r := a.Region(reg)
		for i := range 60 {
			r.LogGroups = append(r.LogGroups, awsfake.Item{"logGroupName": fmt.Sprintf("/aws/rds/cluster/c%02d/audit", i)})
		}
	}
	srv.SetLatency(5 * time.Millisecond)
	srv.SetEnv(t, "123456789012")
	var stdout, stderr bytes.Buffer
	if code := cli.Run(context.Background(), []string{"collect", "--quiet", "-o", filepath.Join(t.TempDir(), "s.json")},
		cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr}); code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	calls := len(srv.Calls())
	// 4 regions × 8 in flight, plus the account-level calls.
	if n := srv.Connections(); n > 4*8+4 {
		t.Errorf("%d TCP connections for %d calls, want at most %d", n, calls, 4*8+4)
	}
}

// TestCollectCancelledLeavesNoFile: an interrupted collection (Ctrl-C cancels the context)
// exits 130 with "scanner: interrupted" and leaves neither the snapshot nor a temporary file.
func TestCollectCancelledLeavesNoFile(t *testing.T) {
	srv := collectWorld()
	defer srv.Close()
	srv.SetEnv(t, "123456789012")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, []string{"collect", "-o", filepath.Join(dir, "snapshot.json"), "--regions", "us-east-1"},
		cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	if code != cli.ExitInterrupted || stderr.String() != "scanner: interrupted\n" {
		t.Fatalf("exit %d, stderr %q; want %d and one line", code, stderr.String(), cli.ExitInterrupted)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestCollectStdout(t *testing.T) {
	srv := collectWorld()
	defer srv.Close()
	srv.SetEnv(t, "123456789012")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"collect", "--regions", "us-east-1"},
		cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := snapshot.Decode("stdout", stdout.Bytes()); err != nil {
		t.Fatalf("stdout is not a snapshot: %v", err)
	}
}

// TestScanLive: `scan` with no input collects and evaluates in one go, with the same output
// options as offline; a region that could not be read shows as gaps and NOT_EVALUATED.
func TestScanLive(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	r := srv.AddAccount("123456789012", "us-east-1").Region("us-east-1")
	r.DBClusters = []awsfake.Item{{"DBClusterIdentifier": "c1", "Engine": "aurora-mysql", "DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:c1",
		"DBClusterParameterGroup": "audit", "EnabledCloudwatchLogsExports": []string{"audit"}}}
	r.ClusterParamGroups["audit"] = &awsfake.ParamGroup{
		Meta:       awsfake.Item{"DBClusterParameterGroupName": "audit", "DBParameterGroupFamily": "aurora-mysql8.0"},
		Parameters: []awsfake.Item{{"ParameterName": "server_audit_logging", "ParameterValue": "0", "Source": "user"}},
	}
	srv.AddFault(awsfake.Fault{Service: "logs", Region: "us-east-1", Status: 403, Code: "AccessDenied"})
	srv.SetEnv(t, "123456789012")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"scan", "--regions", "us-east-1", "--quiet", "--format", "json"},
		cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want %d (c1 has auditing off); stderr: %s", code, cli.ExitFindings, stderr.String())
	}
	var rep struct {
		Findings []struct {
			RuleID       string `json:"rule_id"`
			Status       string `json:"status"`
			ResourceName string `json:"resource_name"`
			Reason       string `json:"reason"`
			AccountID    string `json:"account_id"`
		} `json:"findings"`
		Gaps []struct{ Service, Operation string } `json:"collection_gaps"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("output is not the JSON report: %v", err)
	}
	var sawFail, sawNotEvaluated bool
	for _, f := range rep.Findings {
		if f.RuleID == "DBAUDIT-RDS-002" && f.Status == "FAIL" && f.ResourceName == "c1" && f.AccountID == "123456789012" {
			sawFail = true
		}
		if strings.HasPrefix(f.RuleID, "DBAUDIT-LOGS-") && f.Status == "NOT_EVALUATED" && strings.Contains(f.Reason, "AccessDenied") {
			sawNotEvaluated = true
		}
		if strings.HasPrefix(f.RuleID, "DBAUDIT-LOGS-") && f.Status == "PASS" {
			t.Errorf("%s passed although CloudWatch Logs could not be read", f.RuleID)
		}
	}
	if !sawFail || !sawNotEvaluated {
		t.Errorf("want an RDS-002 FAIL and log rules NOT_EVALUATED with the AccessDenied reason; got %+v", rep.Findings)
	}
	if len(rep.Gaps) == 0 {
		t.Error("the JSON report shows no collection gaps")
	}
}

// TestCollectOutput: -o writes through a symlink, and an unusable -o fails before any AWS
// call.
func TestCollectOutput(t *testing.T) {
	t.Run("symlink", func(t *testing.T) {
		srv := collectWorld()
		defer srv.Close()
		srv.SetEnv(t, "123456789012")
		dir := t.TempDir()
		link := filepath.Join(dir, "latest.json")
		if err := os.Symlink("snapshot-1.json", link); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := cli.Run(context.Background(), []string{"collect", "--quiet", "--regions", "us-east-1", "-o", link},
			cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr}); code != cli.ExitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the symlink was replaced (%v)", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "snapshot-1.json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := snapshot.Decode("snapshot-1.json", raw); err != nil {
			t.Fatalf("the link's target is no snapshot: %v", err)
		}
	})
	for name, out := range map[string]func(dir string) string{
		"missing directory": func(dir string) string { return filepath.Join(dir, "nope", "s.json") },
		"a directory":       func(dir string) string { return dir },
	} {
		t.Run(name, func(t *testing.T) {
			srv := collectWorld()
			defer srv.Close()
			srv.SetEnv(t, "123456789012")
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), []string{"collect", "--regions", "us-east-1", "-o", out(t.TempDir())},
				cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
			if code != cli.ExitError || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q; want 2 and one line", code, stderr.String())
			}
			if n := len(srv.Calls()); n != 0 {
				t.Errorf("%d AWS calls before the output error", n)
			}
		})
	}
}
