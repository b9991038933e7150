package collect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/cli"
	"github.com/dbaudit/scanner/internal/collect"
)

const matrixAccount = "644160558196" // the management account of collect.MatrixWorld

// TestFaultMatrixExitCodes runs `scanner scan` in-process against the fault matrix's world
// for one cell of each column (and the two calls that stop a run): a collection gap alone
// makes the exit code 3 (--fail-on critical: no failing finding counts, nothing else fails),
// a clean run exits 0, an unusable identity or organization listing exits 2.
func TestFaultMatrixExitCodes(t *testing.T) {
	tests := []struct {
		name, service, operation, account, region, fault string
		want                                             int
	}{
		{name: "clean", want: cli.ExitOK},
		{"rds DescribeDBClusters AccessDenied", "rds", "DescribeDBClusters", matrixAccount, "us-east-1", "AccessDenied", cli.ExitIncomplete},
		{"cloudtrail GetTrailStatus throttled", "cloudtrail", "GetTrailStatus", matrixAccount, "us-east-1", "throttled past the retries", cli.ExitIncomplete},
		{"logs DescribeMetricFilters 5xx", "logs", "DescribeMetricFilters", matrixAccount, "us-east-1", "5xx", cli.ExitIncomplete},
		{"cloudwatch DescribeAlarms timeout", "monitoring", "DescribeAlarms", matrixAccount, "us-east-1", "timeout", cli.ExitIncomplete},
		{"rds DescribeDBParameters truncated", "rds", "DescribeDBParameters", matrixAccount, "us-east-1", "truncated body", cli.ExitIncomplete},
		{"ec2 DescribeRegions malformed", "ec2", "DescribeRegions", matrixAccount, "", "malformed body", cli.ExitIncomplete},
		{"sts AssumeRole AccessDenied", "sts", "AssumeRole", matrixAccount, "", "AccessDenied", cli.ExitIncomplete},
		{"sts GetCallerIdentity AccessDenied", "sts", "GetCallerIdentity", matrixAccount, "", "AccessDenied", cli.ExitError},
		{"organizations ListAccounts 5xx", "organizations", "ListAccounts", matrixAccount, "", "5xx", cli.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			collect.MatrixWorld(t, srv)
			if tt.fault != "" {
				f := collect.MatrixFault(tt.fault, tt.service)
				f.Service, f.Operation, f.Account, f.Region = tt.service, tt.operation, tt.account, tt.region
				srv.AddFault(f)
			}
			srv.SetEnv(t, matrixAccount)
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), []string{"scan", "--org", "--org-role-name", "audit", "--fail-on", "critical",
				"--max-attempts", "1", "--call-timeout", "1s", "--quiet", "-f", "json"},
				cli.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
			if code != tt.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.want, stderr.String())
			}
			if code == cli.ExitIncomplete && !strings.Contains(stdout.String(), `"operation": "`+tt.operation+`"`) &&
				!strings.Contains(stdout.String(), `"operation":"`+tt.operation+`"`) {
				t.Errorf("the report does not name the gap's operation %s", tt.operation)
			}
		})
	}
}
