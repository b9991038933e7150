package collect

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/rules"
)

// pagedWorld gives acctA's us-east-1 three pages of every listing the page-2 test fails:
// 250 Aurora MySQL clusters (RDS pages of 100) with 250 engine defaults in their family and
// a cluster parameter group of three modified parameters (pages of 1), 120 /aws/rds/ log
// groups, 120 metric filters and 120 alarms on their metrics (pages of 50), and 120
// subscription filters on the first group. us-west-2 holds the same, to show that the
// failure stays in its Region.
func pagedWorld(t testing.TB, srv *awsfake.Server) {
	t.Helper()
	a := srv.AddAccount(acctA, "us-east-1", "us-west-2")
	for _, reg := range []string{"us-east-1", "us-west-2"} {
		r := a.Region(reg)
		r.ClusterParamGroups["audit"] = &awsfake.ParamGroup{
			Meta: awsfake.Item{"DBClusterParameterGroupName": "audit", "DBParameterGroupFamily": "aurora-mysql8.0"},
			Parameters: []awsfake.Item{param("server_audit_logging", "1", "user"), param("server_audit_events", "CONNECT,QUERY", "user"),
				param("server_audit_excl_users", "", "user")},
			PageSize: 1,
		}
		r.EngineDefaultsCl["aurora-mysql8.0"] = defaults(249, param("server_audit_events", "", "engine-default"))
		for i := range 250 {
			id := fmt.Sprintf("c%03d", i)
			r.DBClusters = append(r.DBClusters, clusterItem(acctA, reg, id, "aurora-mysql", "audit", []string{"audit"}))
			if i < 120 {
				name := "/aws/rds/cluster/" + id + "/audit"
				r.LogGroups = append(r.LogGroups, logGroupItem(acctA, reg, name, 365, 1))
				r.MetricFilters = append(r.MetricFilters, awsfake.Item{"filterName": "f" + id, "filterPattern": "FAILED_CONNECT", "logGroupName": name,
					"metricTransformations": []any{map[string]any{"metricName": "Failed" + id, "metricNamespace": "DBAudit", "metricValue": "1"}}})
				r.MetricAlarms = append(r.MetricAlarms, awsfake.Item{"AlarmName": "a" + id, "MetricName": "Failed" + id, "Namespace": "DBAudit",
					"Statistic": "Sum", "Period": float64(300), "EvaluationPeriods": float64(1), "Threshold": float64(1),
					"ComparisonOperator": "GreaterThanOrEqualToThreshold", "ActionsEnabled": true, "AlarmActions": []any{"arn:aws:sns:us-east-1:644160558196:ops"}})
				r.SubscriptionFilters = append(r.SubscriptionFilters, awsfake.Item{"filterName": "s" + id, "logGroupName": "/aws/rds/cluster/c000/audit",
					"filterPattern": "", "destinationArn": "arn:aws:firehose:us-east-1:644160558196:deliverystream/audit"})
			}
		}
	}
}

func pagedConfig(srv *awsfake.Server) Config { return testConfig(srv, acctA, "us-east-1", "us-west-2") }

// TestPageTwoOfThreeFails: a listing whose second of three pages fails is a gap, and the
// first page is dropped: no partial list reaches the snapshot (rules would pass on the
// resources it misses), page 3 is never asked for, the rules that needed the listing are
// NOT_EVALUATED naming it, and the other Region is as in the clean run.
func TestPageTwoOfThreeFails(t *testing.T) {
	eng, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	base := runWorld(t, eng, pagedWorld, pagedConfig, nil, 0)
	if base.err != nil || len(base.snap.CollectionGaps) != 0 {
		t.Fatalf("clean run: %v, gaps %+v", base.err, base.snap.CollectionGaps)
	}
	const firstGroup = "/aws/rds/cluster/c000/audit"
	tests := []struct {
		service, operation string
		param, value       string // only the calls about one resource
		rules              []string
	}{
		{"rds", "DescribeDBClusters", "", "", []string{"service:rds", "service:logs"}},
		{"rds", "DescribeDBClusterParameters", "", "", []string{"DBAUDIT-RDS-002"}},
		{"rds", "DescribeEngineDefaultClusterParameters", "", "", []string{"DBAUDIT-RDS-004"}},
		{"logs", "DescribeLogGroups", "", "", []string{"service:logs"}},
		{"logs", "DescribeMetricFilters", "", "", []string{"DBAUDIT-LOGS-004"}},
		{"logs", "DescribeSubscriptionFilters", "logGroupName", firstGroup, []string{"DBAUDIT-LOGS-005"}},
		{"monitoring", "DescribeAlarms", "", "", []string{"DBAUDIT-LOGS-004"}},
	}
	for _, tt := range tests {
		t.Run(tt.operation, func(t *testing.T) {
			about := func(c awsfake.Call) bool {
				return c.Operation == tt.operation && c.Region == "us-east-1" && (tt.param == "" || c.Params[tt.param] == tt.value)
			}
			pages := 0
			for _, c := range base.calls {
				if about(c) {
					pages++
				}
			}
			if pages != 3 {
				t.Fatalf("clean run: %d pages of %s, want 3", pages, tt.operation)
			}
			f := awsfake.Fault{Service: tt.service, Operation: tt.operation, Region: "us-east-1", Param: tt.param, Value: tt.value,
				Skip: 1, Status: 503, Code: "ServiceUnavailable"}
			run := runWorld(t, eng, pagedWorld, pagedConfig, []awsfake.Fault{f}, 0)
			op := matrixOp{account: acctA, region: "us-east-1", rules: tt.rules}
			action := tt.service + ":" + tt.operation
			if tt.service == "monitoring" {
				action = "cloudwatch:" + tt.operation
			}
			checkCell(t, action, matrixFault{name: "5xx on page 2", code: CodeInternalFailure}, op, ruleIDs(eng, op.rules), base, run)
			if t.Failed() {
				return
			}
			asked := 0
			for _, c := range run.calls {
				if about(c) && c.Attempt <= 1 {
					asked++
				}
			}
			if asked != 2 {
				t.Errorf("%d pages asked for, want 2 (page 3 follows a failed page 2)", asked)
			}
			r := region(t, run.snap, acctA, "us-east-1")
			switch tt.operation {
			case "DescribeDBClusters":
				if r.RDS != nil {
					t.Errorf("rds kept with %d of 250 clusters", len(r.RDS.DBClusters))
				}
			case "DescribeDBClusterParameters":
				if g, ok := r.RDS.DBClusterParameterGroups["audit"]; ok {
					t.Errorf("parameter group kept with %d of 3 parameters", len(g.Parameters))
				}
			case "DescribeSubscriptionFilters":
				if n := len(r.Logs.LogGroups[firstGroup].SubscriptionFilters); n != 0 {
					t.Errorf("log group kept %d of 120 subscription filters", n)
				}
			case "DescribeAlarms":
				if r.CloudWatch != nil {
					t.Errorf("cloudwatch kept with %d of 120 alarms", len(r.CloudWatch.MetricAlarms))
				}
			case "DescribeEngineDefaultClusterParameters":
				if d, ok := r.RDS.EngineDefaultClusterParameters["aurora-mysql8.0"]; ok {
					t.Errorf("engine defaults kept with %d of 250 parameters", len(d.Parameters))
				}
			case "DescribeLogGroups":
				if r.Logs != nil {
					t.Errorf("logs kept with %d of 120 groups", len(r.Logs.LogGroups))
				}
			case "DescribeMetricFilters":
				for name, g := range r.Logs.LogGroups {
					if len(g.MetricFilters) > 0 {
						t.Errorf("log group %s kept metric filters from a partial listing", name)
						break
					}
				}
			}
		})
	}
}
