package awsfake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/dbaudit/scanner/internal/awsfake"
)

// TestProtocols decodes the fake's answers with the real SDK clients: RDS query XML with
// paging, Logs JSON 1.1, CloudWatch RPC v2 CBOR, and typed errors in each protocol.
func TestProtocols(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	a := srv.AddAccount("111111111111", "us-east-1")
	r := a.Region("us-east-1")
	for i := range 150 {
		r.DBClusters = append(r.DBClusters, awsfake.Item{"DBClusterIdentifier": "c" + string(rune('a'+i%26)), "Engine": "aurora-mysql",
			"EnabledCloudwatchLogsExports": []any{"audit"}, "StorageEncrypted": true})
	}
	r.LogGroups = []awsfake.Item{{"logGroupName": "/aws/rds/x", "retentionInDays": float64(7)}, {"logGroupName": "/other"}}
	r.MetricAlarms = []awsfake.Item{{"AlarmName": "a1", "Period": float64(60), "Threshold": 1.5, "MetricName": "m", "Namespace": "n"}}
	cfg := srv.Config("111111111111", "us-east-1", 2)
	ctx := context.Background()

	p := rds.NewDescribeDBClustersPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBClustersInput{})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n += len(out.DBClusters)
		if c := out.DBClusters[0]; aws.ToString(c.Engine) != "aurora-mysql" || c.EnabledCloudwatchLogsExports[0] != "audit" || !aws.ToBool(c.StorageEncrypted) {
			t.Fatalf("cluster = %+v", c)
		}
	}
	if n != 150 || pages != 2 {
		t.Errorf("%d clusters in %d pages, want 150 in 2", n, pages)
	}

	lg, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/rds/")})
	if err != nil || len(lg.LogGroups) != 1 || aws.ToInt32(lg.LogGroups[0].RetentionInDays) != 7 {
		t.Fatalf("DescribeLogGroups = %+v, %v", lg, err)
	}

	al, err := cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil || len(al.MetricAlarms) != 1 || aws.ToInt32(al.MetricAlarms[0].Period) != 60 || aws.ToFloat64(al.MetricAlarms[0].Threshold) != 1.5 {
		t.Fatalf("DescribeAlarms = %+v, %v", al, err)
	}

	for _, f := range []awsfake.Fault{
		{Service: "rds", Code: "Throttling"},
		{Service: "logs", Code: "AccessDeniedException"},
		{Service: "monitoring", Code: "ThrottlingException"},
	} {
		srv.AddFault(f)
	}
	var ae smithy.APIError
	_, err = rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "Throttling" {
		t.Errorf("RDS error = %v", err)
	}
	_, err = cloudwatchlogs.NewFromConfig(cfg).DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("Logs error = %v", err)
	}
	_, err = cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Errorf("CloudWatch error = %v", err)
	}
	counts := srv.CountByOperation()
	if counts["rds:DescribeDBInstances"] != 2 || counts["cloudwatch:DescribeAlarms"] != 3 || counts["logs:DescribeLogGroups"] != 1 {
		t.Errorf("request log = %v", counts)
	}
}

// TestCacheAnswers: with CacheAnswers a repeated read is answered from the first rendering
// (a later change to the world is not seen), a request with other parameters is rendered
// anew, every call is still logged, and scripted faults still apply.
func TestCacheAnswers(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	r := srv.AddAccount("111111111111", "us-east-1").Region("us-east-1")
	r.LogGroups = []awsfake.Item{{"logGroupName": "/aws/rds/a"}, {"logGroupName": "/aws/rds/b"}}
	srv.CacheAnswers()
	logs := cloudwatchlogs.NewFromConfig(srv.Config("111111111111", "us-east-1", 1))
	ctx := context.Background()
	list := func(prefix string) (int, error) {
		out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(prefix)})
		if err != nil {
			return 0, err
		}
		return len(out.LogGroups), nil
	}

	if n, err := list("/aws/rds/"); n != 2 || err != nil {
		t.Fatalf("first answer: %d groups, %v", n, err)
	}
	r.LogGroups = r.LogGroups[:1]
	if n, err := list("/aws/rds/"); n != 2 || err != nil {
		t.Errorf("repeated request: %d groups, %v; want the cached 2", n, err)
	}
	if n, err := list("/aws/rds/a"); n != 1 || err != nil {
		t.Errorf("other parameters: %d groups, %v; want 1, rendered now", n, err)
	}
	srv.AddFault(awsfake.Fault{Operation: "DescribeLogGroups", Times: 1, Status: 400, Code: "AccessDeniedException"})
	var ae smithy.APIError
	if _, err := list("/aws/rds/"); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("scripted fault = %v, want AccessDeniedException", err)
	}
	if got := srv.CountByOperation()["logs:DescribeLogGroups"]; got != 4 {
		t.Errorf("logged %d calls, want 4", got)
	}
}

// TestBodyFaultsAndSessions: Truncate cuts the answer (the SDK cannot decode it), Body
// replaces it, and with a session lifetime a request signed with an expired AssumeRole
// token is answered ExpiredToken.
func TestBodyFaultsAndSessions(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	srv.AddAccount("111111111111", "us-east-1").Region("us-east-1").DBClusters = []awsfake.Item{{"DBClusterIdentifier": "c1", "Engine": "aurora-mysql"}}
	srv.AddAccount("222222222222", "us-east-1")
	cfg := srv.Config("111111111111", "us-east-1", 1)
	ctx := context.Background()
	client := rds.NewFromConfig(cfg)

	srv.AddFault(awsfake.Fault{Operation: "DescribeDBClusters", Truncate: true, Times: 1})
	if _, err := client.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{}); err == nil {
		t.Error("truncated answer decoded without an error")
	}
	srv.AddFault(awsfake.Fault{Operation: "DescribeDBClusters", Body: "<html>Bad Gateway</html>", Times: 1})
	if _, err := client.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{}); err == nil {
		t.Error("HTML answer decoded without an error")
	}
	if out, err := client.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{}); err != nil || len(out.DBClusters) != 1 {
		t.Errorf("after the faults: %v, %v", out, err)
	}

	srv.SetSessionLifetime(200*time.Millisecond, 0)
	creds, err := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::222222222222:role/audit").Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(creds.Expires); d <= 0 || d > 200*time.Millisecond {
		t.Errorf("Expiration in %s, want within 200ms", d)
	}
	member := cfg.Copy()
	member.Credentials = aws.NewCredentialsCache(credentials.StaticCredentialsProvider{Value: creds})
	if _, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("fresh session: %v", err)
	}
	time.Sleep(time.Until(creds.Expires))
	_, err = sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ExpiredToken" {
		t.Errorf("expired session: %v, want ExpiredToken", err)
	}
}
