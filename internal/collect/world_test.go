package collect

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/snapshot"
)

const (
	acctA    = "644160558196" // the account of the cloud-custodian recordings
	acctB    = "222222222222"
	acctC    = "333333333333"
	trailLG  = "cloudtrail-test-group20221122165720932700000003"
	trailARN = "arn:aws:cloudtrail:us-east-1:644160558196:trail/tf-trail-40313"
)

var placeboDir = filepath.Join("..", "awsfake", "testdata", "placebo")

// recording loads a cloud-custodian placebo file (scenario/file).
func recording(t testing.TB, name string) awsfake.Item {
	t.Helper()
	out, err := awsfake.LoadPlacebo(filepath.Join(placeboDir, name))
	if err != nil {
		t.Fatalf("load recording: %v", err)
	}
	return out
}

func param(name, value, source string) awsfake.Item {
	p := awsfake.Item{"ParameterName": name, "Source": source, "ApplyType": "dynamic", "DataType": "string", "IsModifiable": true}
	if value != "" {
		p["ParameterValue"] = value
	}
	return p
}

// defaults builds n engine-default parameters plus the given ones (to force paging).
func defaults(n int, extra ...awsfake.Item) []awsfake.Item {
	out := append([]awsfake.Item(nil), extra...)
	for i := range n {
		out = append(out, param(fmt.Sprintf("filler_%03d", i), "x", "engine-default"))
	}
	return out
}

func clusterItem(account, region, id, engine, group string, exports []string, members ...string) awsfake.Item {
	c := awsfake.Item{
		"DBClusterIdentifier": id, "Engine": engine, "EngineVersion": "8.0.mysql_aurora.3.08.0", "EngineMode": "provisioned",
		"DBClusterArn":        fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, account, id),
		"DbClusterResourceId": "cluster-" + id, "Status": "available", "StorageEncrypted": true,
		"DBClusterParameterGroup": group,
	}
	if exports != nil {
		c["EnabledCloudwatchLogsExports"] = toAny(exports)
	}
	var ms []any
	for i, m := range members {
		ms = append(ms, map[string]any{"DBInstanceIdentifier": m, "IsClusterWriter": i == 0,
			"DBClusterParameterGroupStatus": "in-sync", "PromotionTier": float64(1)})
	}
	if ms != nil {
		c["DBClusterMembers"] = ms
	}
	return c
}

func instanceItem(account, region, id, engine, cluster, group, optionGroup string) awsfake.Item {
	i := awsfake.Item{
		"DBInstanceIdentifier": id, "Engine": engine, "DBInstanceClass": "db.r6g.large", "DBInstanceStatus": "available",
		"DBInstanceArn":     fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, account, id),
		"DbiResourceId":     "db-" + id,
		"DBParameterGroups": []any{map[string]any{"DBParameterGroupName": group, "ParameterApplyStatus": "in-sync"}},
	}
	if cluster != "" {
		i["DBClusterIdentifier"] = cluster
	}
	if optionGroup != "" {
		i["OptionGroupMemberships"] = []any{map[string]any{"OptionGroupName": optionGroup, "Status": "in-sync"}}
	}
	return i
}

func toAny(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}

func logGroupItem(account, region, name string, retention, metricFilters int) awsfake.Item {
	g := awsfake.Item{
		"logGroupName": name, "creationTime": float64(1700000000000), "storedBytes": float64(1024),
		"arn":           fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", region, account, name),
		"logGroupArn":   fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, name),
		"logGroupClass": "STANDARD", "metricFilterCount": float64(metricFilters),
	}
	if retention > 0 {
		g["retentionInDays"] = float64(retention)
	}
	return g
}

// recordedWorld builds account acctA from the cloud-custodian recordings plus hand-made
// items for what no recording covers (Aurora clusters, engine defaults):
//
//	us-east-1: Aurora MySQL cluster "audit-mysql" (group pgc-test, recorded server_audit_*
//	parameters) with member "audit-mysql-1"; Aurora PostgreSQL "audit-pg" (group pg-off,
//	audit off); a Neptune cluster and a DocumentDB instance (out of scope); the recorded
//	postgres instance (group rds-pg-group-a, 230 parameters in 3 pages) and the recorded
//	mysql / oracle instances with their option groups; /aws/rds/ log groups with and without
//	retention; the recorded multi-Region trail with its CloudWatch Logs group, metric
//	filter and alarm.
//	us-west-2: nothing but the trail's shadow copy.
//
// mathAlarm is an alarm on metric math over one metric (Metrics instead of MetricName).
func mathAlarm(name, namespace, metric string) awsfake.Item {
	return awsfake.Item{"AlarmName": name, "EvaluationPeriods": float64(1), "Threshold": float64(1),
		"ComparisonOperator": "GreaterThanOrEqualToThreshold", "ActionsEnabled": true, "AlarmActions": []any{"arn:aws:sns:us-east-1:644160558196:ops"},
		"Metrics": []any{
			map[string]any{"Id": "e1", "Expression": "FILL(m1, 0)", "Label": "failures", "ReturnData": true},
			map[string]any{"Id": "m1", "ReturnData": false, "MetricStat": map[string]any{
				"Metric": map[string]any{"Namespace": namespace, "MetricName": metric, "Dimensions": []any{}}, "Period": float64(300), "Stat": "Sum"}},
		}}
}

func recordedWorld(t testing.TB, srv *awsfake.Server) {
	t.Helper()
	const reg = "us-east-1"
	a := srv.AddAccount(acctA, "us-east-1", "us-west-2")
	r := a.Region(reg)

	r.DBClusters = []awsfake.Item{
		clusterItem(acctA, reg, "audit-mysql", "aurora-mysql", "pgc-test", []string{"audit", "error"}, "audit-mysql-1"),
		clusterItem(acctA, reg, "audit-pg", "aurora-postgresql", "pg-off", nil, "audit-pg-1"),
		clusterItem(acctA, reg, "graph", "neptune", "default.neptune1.3", nil),
	}
	r.DBClusters[1]["EngineVersion"] = "16.4"
	r.DBInstances = append(awsfake.Items(recording(t, "test_rds_param_filter/rds.DescribeDBInstances_1.json"), "DBInstances"),
		awsfake.Items(recording(t, "test_rds_db_option_groups/rds.DescribeDBInstances_1.json"), "DBInstances")...)
	r.DBInstances = append(r.DBInstances,
		instanceItem(acctA, reg, "audit-mysql-1", "aurora-mysql", "audit-mysql", "default.aurora-mysql8.0", ""),
		instanceItem(acctA, reg, "audit-pg-1", "aurora-postgresql", "audit-pg", "default.aurora-postgresql16", ""),
		instanceItem(acctA, reg, "docs-1", "docdb", "docs", "default.docdb5.0", ""),
	)

	metas := awsfake.Items(recording(t, "test_rdsclusterparamgroup_modify/rds.DescribeDBClusterParameterGroups_1.json"), "DBClusterParameterGroups")
	r.ClusterParamGroups["pgc-test"] = &awsfake.ParamGroup{Meta: metas[1],
		Parameters: awsfake.Items(recording(t, "test_rdsclusterparamgroup_modify/rds.DescribeDBClusterParameters_2.json"), "Parameters")}
	r.ClusterParamGroups["pg-off"] = &awsfake.ParamGroup{
		Meta: awsfake.Item{"DBClusterParameterGroupName": "pg-off", "DBParameterGroupFamily": "aurora-postgresql16", "Description": "audit off"},
		Parameters: []awsfake.Item{param("shared_preload_libraries", "pg_stat_statements", "user"), param("pgaudit.log", "", "engine-default"),
			param("log_connections", "0", "user")},
	}
	var pg []awsfake.Item
	for i := 1; i <= 3; i++ {
		pg = append(pg, awsfake.Items(recording(t, fmt.Sprintf("test_rds_param_filter/rds.DescribeDBParameters_%d.json", i)), "Parameters")...)
	}
	r.DBParamGroups["rds-pg-group-a"] = &awsfake.ParamGroup{Meta: awsfake.Item{"DBParameterGroupName": "rds-pg-group-a", "DBParameterGroupFamily": "postgres9.6"}, Parameters: pg}
	for name, family := range map[string]string{"default.mysql8.0": "mysql8.0", "default.oracle-ee-19": "oracle-ee-19",
		"default.aurora-mysql8.0": "aurora-mysql8.0", "default.aurora-postgresql16": "aurora-postgresql16"} {
		r.DBParamGroups[name] = &awsfake.ParamGroup{Meta: awsfake.Item{"DBParameterGroupName": name, "DBParameterGroupFamily": family},
			Parameters: []awsfake.Item{param("general_log", "", "engine-default")}}
		r.EngineDefaults[family] = defaults(120, param("general_log", "0", "engine-default"))
	}
	r.EngineDefaults["postgres9.6"] = defaults(10, param("log_connections", "0", "engine-default"))
	r.EngineDefaultsCl["aurora5.6"] = defaults(150, param("server_audit_logging", "0", "engine-default"))
	r.EngineDefaultsCl["aurora-postgresql16"] = defaults(20, param("pgaudit.log", "", "engine-default"))
	r.OptionGroups = append(awsfake.Items(recording(t, "test_rds_db_option_groups/rds.DescribeOptionGroups_1.json"), "OptionGroupsList"),
		awsfake.Items(recording(t, "test_rds_db_option_groups/rds.DescribeOptionGroups_2.json"), "OptionGroupsList")...)
	r.OptionGroups = append(r.OptionGroups, awsfake.Item{"OptionGroupName": "default:postgres-9-6", "EngineName": "postgres", "MajorEngineVersion": "9.6", "Options": []any{}})
	r.OptionGroups = append(r.OptionGroups, awsfake.Item{"OptionGroupName": "unused", "EngineName": "mysql", "MajorEngineVersion": "8.0", "Options": []any{}})

	r.LogGroups = []awsfake.Item{
		logGroupItem(acctA, reg, "/aws/rds/cluster/audit-mysql/audit", 90, 1),
		logGroupItem(acctA, reg, "/aws/rds/cluster/audit-pg/postgresql", 0, 0),
		logGroupItem(acctA, reg, "/aws/lambda/unrelated", 7, 0),
		logGroupItem(acctA, reg, trailLG, 365, 1),
	}
	r.MetricFilters = append(awsfake.Items(recording(t, "test_cloudtrail_success_log_metric_filter/logs.DescribeMetricFilters_1.json"), "metricFilters"),
		awsfake.Item{"filterName": "audit-failures", "filterPattern": "FAILED", "logGroupName": "/aws/rds/cluster/audit-mysql/audit",
			"metricTransformations": []any{map[string]any{"metricName": "AuditFailures", "metricNamespace": "DBAudit", "metricValue": "1"}}})
	sub := awsfake.Items(recording(t, "test_log_group_subscription_filter/logs.DescribeSubscriptionFilters_1.json"), "subscriptionFilters")[0]
	sub["logGroupName"] = "/aws/rds/cluster/audit-mysql/audit"
	r.SubscriptionFilters = []awsfake.Item{sub}
	alarms := awsfake.Items(recording(t, "test_log_group_log_metric_filter_alarm/monitoring.DescribeAlarms_1.json"), "MetricAlarms")
	r.MetricAlarms = append(alarms,
		awsfake.Item{"AlarmName": "audit-failures", "MetricName": "AuditFailures", "Namespace": "DBAudit", "Statistic": "Sum",
			"Period": float64(300), "EvaluationPeriods": float64(1), "Threshold": float64(1), "ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"ActionsEnabled": true, "AlarmActions": []any{"arn:aws:sns:us-east-1:644160558196:ops"}, "StateValue": "OK"},
		awsfake.Item{"AlarmName": "no-mfa", "MetricName": "no_mfa_console_signin_metric_1", "Namespace": "ImportantMetrics",
			"Statistic": "Sum", "Period": float64(300), "EvaluationPeriods": float64(1), "Threshold": float64(1),
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "StateValue": "INSUFFICIENT_DATA",
			"StateUpdatedTimestamp": time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		mathAlarm("audit-failures-math", "DBAudit", "AuditFailures"),
		mathAlarm("elsewhere-math", "DBAudit", "SomethingElse"),
	)

	a.Trails = awsfake.Items(recording(t, "test_cloudtrail_success_log_metric_filter/cloudtrail.DescribeTrails_1.json"), "trailList")
	a.TrailStatus[trailARN] = recording(t, "test_cloudtrail_success_log_metric_filter/cloudtrail.GetTrailStatus_1.json")
	sel := recording(t, "test_cloudtrail_success_management_advanced_events_included/cloudtrail.GetEventSelectors_1.json")
	delete(sel, "TrailARN")
	a.EventSelectors[trailARN] = sel
}

// testConfig is a hermetic collector config for the fake.
func testConfig(srv *awsfake.Server, account string, regions ...string) Config {
	return Config{
		AWS:         srv.Config(account, "us-east-1", 3),
		Regions:     regions,
		CallTimeout: 5 * time.Second,
		Now:         func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) },
	}
}

func mustCollect(t testing.TB, cfg Config) *snapshot.Snapshot {
	t.Helper()
	snap, err := Collect(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return snap
}

func region(t testing.TB, snap *snapshot.Snapshot, account, name string) snapshot.Region {
	t.Helper()
	for _, a := range snap.Accounts {
		if a.AccountID != account {
			continue
		}
		for _, r := range a.Regions {
			if r.Region == name {
				return r
			}
		}
	}
	t.Fatalf("no region %s/%s in the snapshot", account, name)
	return snapshot.Region{}
}
