package collect

import (
	"context"
	"fmt"
	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/mototest"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/dbaudit/scanner/internal/awsfake"
)

const motoAccount = "123456789012" // moto's default account

// motoCloudWatch switches CloudWatch to the query protocol: moto does not serve RPC v2
// CBOR (testing-aws.md §2.2). Tests only; production keeps the default protocol.
func motoCloudWatch(o *cloudwatch.Options) {
	o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
}

func motoConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer:      awsfake.ZeroBackoffRetryer(2),
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// TestMotoIntegration creates Aurora MySQL and Aurora PostgreSQL clusters, instances,
// parameter groups with audit settings on and off, log groups with and without retention,
// a metric filter with an alarm and a multi-Region trail in moto, collects, and checks
// the snapshot. Moto lacks engine defaults (HTTP 500), which must show as gaps.
func TestMotoIntegration(t *testing.T) {
	url := mototest.Start(t, "the moto integration test")
	ctx := context.Background()
	cfg := motoConfig(url)
	rc := rds.NewFromConfig(cfg)
	lc := cloudwatchlogs.NewFromConfig(cfg)
	cw := cloudwatch.NewFromConfig(cfg, motoCloudWatch)
	ct := cloudtrail.NewFromConfig(cfg)
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })

	type pset = map[string]string
	clusterGroups := []struct {
		name, family string
		params       pset
	}{
		{"audit-on", "aurora-mysql8.0", pset{"server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY_DCL,QUERY_DDL"}},
		{"audit-off", "aurora-mysql8.0", pset{"server_audit_logging": "0"}},
		{"pg-audit", "aurora-postgresql16", pset{"shared_preload_libraries": "pgaudit", "pgaudit.log": "ddl,role"}},
	}
	for _, g := range clusterGroups {
		must[*rds.CreateDBClusterParameterGroupOutput](t, "create cluster group")(rc.CreateDBClusterParameterGroup(ctx, &rds.CreateDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(g.name), DBParameterGroupFamily: aws.String(g.family), Description: aws.String(g.name)}))
		var ps []rdstypes.Parameter
		for k, v := range g.params {
			ps = append(ps, rdstypes.Parameter{ParameterName: aws.String(k), ParameterValue: aws.String(v), ApplyMethod: rdstypes.ApplyMethodImmediate})
		}
		must[*rds.ModifyDBClusterParameterGroupOutput](t, "modify cluster group")(rc.ModifyDBClusterParameterGroup(ctx, &rds.ModifyDBClusterParameterGroupInput{
			DBClusterParameterGroupName: aws.String(g.name), Parameters: ps}))
	}
	for _, g := range []struct{ name, family string }{{"inst-mysql", "aurora-mysql8.0"}, {"inst-pg", "aurora-postgresql16"}} {
		must[*rds.CreateDBParameterGroupOutput](t, "create db group")(rc.CreateDBParameterGroup(ctx, &rds.CreateDBParameterGroupInput{
			DBParameterGroupName: aws.String(g.name), DBParameterGroupFamily: aws.String(g.family), Description: aws.String(g.name)}))
	}
	must[*rds.ModifyDBParameterGroupOutput](t, "modify db group")(rc.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{
		DBParameterGroupName: aws.String("inst-pg"),
		Parameters:           []rdstypes.Parameter{{ParameterName: aws.String("log_connections"), ParameterValue: aws.String("1"), ApplyMethod: rdstypes.ApplyMethodImmediate}}}))
	clusters := []struct {
		id, engine, group, instGroup string
		exports                      []string
	}{
		{"mysql-audited", "aurora-mysql", "audit-on", "inst-mysql", []string{"audit", "error"}},
		{"mysql-silent", "aurora-mysql", "audit-off", "inst-mysql", nil},
		{"pg-audited", "aurora-postgresql", "pg-audit", "inst-pg", []string{"postgresql"}},
	}
	for _, c := range clusters {
		must[*rds.CreateDBClusterOutput](t, "create cluster")(rc.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
			DBClusterIdentifier: aws.String(c.id), Engine: aws.String(c.engine), MasterUsername: aws.String("admin"),
			MasterUserPassword: aws.String("Passw0rd123"), DBClusterParameterGroupName: aws.String(c.group),
			EnableCloudwatchLogsExports: c.exports, StorageEncrypted: aws.Bool(true)}))
		must[*rds.CreateDBInstanceOutput](t, "create instance")(rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(c.id + "-1"), DBClusterIdentifier: aws.String(c.id), Engine: aws.String(c.engine),
			DBInstanceClass: aws.String("db.r6g.large"), DBParameterGroupName: aws.String(c.instGroup)}))
	}

	const auditLG, pgLG, trailGroup = "/aws/rds/cluster/mysql-audited/audit", "/aws/rds/cluster/pg-audited/postgresql", "trail-events"
	for _, g := range []string{auditLG, pgLG, "/aws/lambda/unrelated", trailGroup} {
		must[*cloudwatchlogs.CreateLogGroupOutput](t, "create log group")(lc.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g)}))
	}
	must[*cloudwatchlogs.PutRetentionPolicyOutput](t, "retention")(lc.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String(auditLG), RetentionInDays: aws.Int32(365)}))
	must[*cloudwatchlogs.PutMetricFilterOutput](t, "metric filter")(lc.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName: aws.String(auditLG), FilterName: aws.String("failed-logins"), FilterPattern: aws.String("FAILED_CONNECT"),
		MetricTransformations: []logtypes.MetricTransformation{{MetricName: aws.String("FailedLogins"), MetricNamespace: aws.String("DBAudit"), MetricValue: aws.String("1")}}}))
	for _, a := range []struct{ name, metric string }{{"failed-logins", "FailedLogins"}, {"cpu", "CPUUtilization"}} {
		must[*cloudwatch.PutMetricAlarmOutput](t, "alarm")(cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(a.name), MetricName: aws.String(a.metric), Namespace: aws.String("DBAudit"), Statistic: cwtypes.StatisticSum,
			Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold}))
	}

	must[*s3.CreateBucketOutput](t, "bucket")(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail-bucket")}))
	trailOut := must[*cloudtrail.CreateTrailOutput](t, "trail")(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{
		Name: aws.String("audit-trail"), S3BucketName: aws.String("trail-bucket"), IsMultiRegionTrail: aws.Bool(true),
		EnableLogFileValidation:   aws.Bool(true),
		CloudWatchLogsLogGroupArn: aws.String(fmt.Sprintf("arn:aws:logs:us-east-1:%s:log-group:%s:*", motoAccount, trailGroup)),
		CloudWatchLogsRoleArn:     aws.String(fmt.Sprintf("arn:aws:iam::%s:role/trail-to-logs", motoAccount))}))
	must[*cloudtrail.StartLoggingOutput](t, "start logging")(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("audit-trail")}))
	must[*cloudtrail.PutEventSelectorsOutput](t, "selectors")(ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{
		TrailName:      aws.String("audit-trail"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}}))

	// Collect.
	ccfg := Config{
		AWS:         cfg,
		Regions:     []string{"us-east-1", "us-west-2"},
		CallTimeout: 20 * time.Second,
		NewRegionClients: func(c aws.Config, region string) RegionClients {
			rcl := SDKRegionClients(c, region)
			c = c.Copy()
			c.Region = region
			rcl.CloudWatch = cloudwatch.NewFromConfig(c, motoCloudWatch)
			return rcl
		},
	}
	snap := mustCollect(t, ccfg)

	// Moto has no engine defaults (HTTP 500) and no default option groups: those gaps, and
	// nothing else. The fake covers both against real answers.
	got := gapKeys(snap.CollectionGaps)
	sort.Strings(got)
	want := []string{
		"us-east-1 rds DescribeEngineDefaultClusterParameters aurora-mysql8.0 InternalFailure",
		"us-east-1 rds DescribeEngineDefaultClusterParameters aurora-postgresql16 InternalFailure",
		"us-east-1 rds DescribeEngineDefaultParameters aurora-mysql8.0 InternalFailure",
		"us-east-1 rds DescribeEngineDefaultParameters aurora-postgresql16 InternalFailure",
		"us-east-1 rds DescribeOptionGroups default:aurora-mysql-5-7 OptionGroupNotFoundFault",
		"us-east-1 rds DescribeOptionGroups default:aurora-postgresql-12-7 OptionGroupNotFoundFault",
	}
	if !slices.Equal(got, want) {
		t.Errorf("gaps:\n got %q\nwant %q", got, want)
	}
	if len(snap.Accounts) != 1 || snap.Accounts[0].AccountID != motoAccount {
		t.Fatalf("accounts = %+v", snap.Accounts)
	}
	r := region(t, snap, motoAccount, "us-east-1")
	if r.RDS == nil || r.Logs == nil || r.CloudWatch == nil || r.CloudTrail == nil {
		t.Fatalf("region = %+v, want every service", r)
	}
	byID := map[string]int{}
	for i, c := range r.RDS.DBClusters {
		byID[c.DBClusterIdentifier] = i
	}
	if len(r.RDS.DBClusters) != 3 || len(r.RDS.DBInstances) != 3 {
		t.Errorf("%d clusters, %d instances; want 3 and 3", len(r.RDS.DBClusters), len(r.RDS.DBInstances))
	}
	if c := r.RDS.DBClusters[byID["mysql-audited"]]; c.Engine != "aurora-mysql" || c.DBClusterParameterGroup != "audit-on" ||
		!slices.Equal(c.EnabledCloudwatchLogsExports, []string{"audit", "error"}) || c.StorageEncrypted == nil || !*c.StorageEncrypted {
		t.Errorf("mysql-audited = %+v", c)
	}
	if c := r.RDS.DBClusters[byID["mysql-silent"]]; len(c.EnabledCloudwatchLogsExports) != 0 {
		t.Errorf("mysql-silent exports = %v, want none", c.EnabledCloudwatchLogsExports)
	}
	for _, tc := range []struct{ group, param, want string }{
		{"audit-on", "server_audit_logging", "1"},
		{"audit-on", "server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL"},
		{"audit-off", "server_audit_logging", "0"},
		{"pg-audit", "shared_preload_libraries", "pgaudit"},
		{"pg-audit", "pgaudit.log", "ddl,role"},
	} {
		g, ok := r.RDS.DBClusterParameterGroups[tc.group]
		if !ok {
			t.Errorf("cluster parameter group %s missing", tc.group)
			continue
		}
		if p := g.Parameters[tc.param]; p.ParameterValue == nil || *p.ParameterValue != tc.want {
			t.Errorf("%s %s = %+v, want %q", tc.group, tc.param, p, tc.want)
		}
	}
	if g := r.RDS.DBClusterParameterGroups["audit-on"]; g.DBParameterGroupFamily != "aurora-mysql8.0" {
		t.Errorf("audit-on family = %q", g.DBParameterGroupFamily)
	}
	// Read with Source=user: the groups hold what the test modified (moto lists only those,
	// and without a Source member).
	if g := r.RDS.DBClusterParameterGroups["audit-on"]; g.ParametersSource != "user" ||
		!slices.Equal(keys(g.Parameters), []string{"server_audit_events", "server_audit_logging"}) {
		t.Errorf("audit-on: parameters_source %q, parameters %v", g.ParametersSource, keys(g.Parameters))
	}
	if p := r.RDS.DBParameterGroups["inst-pg"].Parameters["log_connections"]; p.ParameterValue == nil || *p.ParameterValue != "1" {
		t.Errorf("inst-pg log_connections = %+v", p)
	}
	if got := keys(r.Logs.LogGroups); !slices.Equal(got, []string{auditLG, pgLG, trailGroup}) {
		t.Errorf("log groups = %v", got)
	}
	if g := r.Logs.LogGroups[auditLG]; g.RetentionInDays == nil || *g.RetentionInDays != 365 || len(g.MetricFilters) != 1 {
		t.Errorf("audit log group = %+v", g)
	}
	if g := r.Logs.LogGroups[pgLG]; g.RetentionInDays != nil {
		t.Errorf("postgresql log group retention = %v, want absent (never expire)", *g.RetentionInDays)
	}
	if got := keys(r.CloudWatch.MetricAlarms); !slices.Equal(got, []string{"failed-logins"}) {
		t.Errorf("alarms = %v, want only the one on the filter's metric", got)
	}
	if len(r.CloudTrail.Trails) != 1 {
		t.Fatalf("trails = %+v", r.CloudTrail.Trails)
	}
	tr := r.CloudTrail.Trails[0]
	if tr.TrailARN != aws.ToString(trailOut.TrailARN) || tr.Status == nil || tr.Status.IsLogging == nil || !*tr.Status.IsLogging ||
		tr.EventSelectors == nil || len(tr.EventSelectors.EventSelectors) != 1 {
		t.Errorf("trail = %+v status %+v selectors %+v", tr, tr.Status, tr.EventSelectors)
	}
	if _, err := time.Parse(time.RFC3339, tr.Status.StartLoggingTime); err != nil {
		t.Errorf("StartLoggingTime %q is not RFC 3339", tr.Status.StartLoggingTime)
	}
	west := region(t, snap, motoAccount, "us-west-2")
	if west.CloudTrail == nil || len(west.CloudTrail.Trails) != 1 || west.CloudTrail.Trails[0].Status != nil {
		t.Errorf("us-west-2 trails = %+v, want the shadow copy without status", west.CloudTrail)
	}
	if west.RDS == nil || len(west.RDS.DBClusters) != 0 {
		t.Errorf("us-west-2 RDS = %+v, want collected and empty", west.RDS)
	}
	assertMotoFindings(t, snap)
}

// assertMotoFindings evaluates the collected snapshot with the built-in rules: the same
// verdicts a live scan of this moto state reports.
func assertMotoFindings(t *testing.T, snap *snapshot.Snapshot) {
	t.Helper()
	snapshot.Resolve(snap)
	eng, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := eng.Evaluate(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.Status{}
	for _, f := range findings {
		name := f.ResourceName
		if name == "" {
			name = f.ResourceID
		}
		got[f.RuleID+" "+name] = f.Status
	}
	const audit, pg = "/aws/rds/cluster/mysql-audited/audit", "/aws/rds/cluster/pg-audited/postgresql"
	want := map[string]finding.Status{
		"DBAUDIT-RDS-001 mysql-audited": finding.StatusPass, // audit export on
		"DBAUDIT-RDS-001 mysql-silent":  finding.StatusFail, // no exports
		"DBAUDIT-RDS-002 mysql-audited": finding.StatusPass, // server_audit_logging=1 + events
		"DBAUDIT-RDS-002 mysql-silent":  finding.StatusFail, // server_audit_logging=0
		"DBAUDIT-RDS-003 mysql-audited": finding.StatusFail, // events lack QUERY
		// server_audit_excl_users is unset in the group and moto has no engine defaults.
		"DBAUDIT-RDS-004 mysql-audited": finding.StatusNotEvaluated,
		"DBAUDIT-RDS-010 pg-audited":    finding.StatusPass,
		"DBAUDIT-RDS-012 pg-audited":    finding.StatusPass, // pgaudit preloaded
		"DBAUDIT-RDS-013 pg-audited":    finding.StatusFail, // ddl,role lacks write
		"DBAUDIT-RDS-014 pg-audited":    finding.StatusNotEvaluated,
		"DBAUDIT-LOGS-002 " + audit:     finding.StatusPass, // 365 days
		"DBAUDIT-LOGS-002 " + pg:        finding.StatusPass, // never expire
		"DBAUDIT-LOGS-004 " + audit:     finding.StatusFail, // the alarm has no actions
		"DBAUDIT-CT-001 " + motoAccount: finding.StatusPass,
		"DBAUDIT-CT-003 audit-trail":    finding.StatusFail, // no KMS key
		"DBAUDIT-CT-004 audit-trail":    finding.StatusPass,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %s", k, got[k], w)
		}
	}
}
