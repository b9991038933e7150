package snapshot

import (
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

func region(rds *RDS) *Snapshot {
	return &Snapshot{SchemaVersion: SchemaVersion, Accounts: []Account{{AccountID: "111122223333", Regions: []Region{{Region: "eu-west-1", RDS: rds}}}}}
}

func TestResolveEffectiveParameters(t *testing.T) {
	auditOn := DBClusterParameterGroup{DBClusterParameterGroupName: "audit", DBParameterGroupFamily: "aurora-mysql8.0", Parameters: map[string]Parameter{
		"server_audit_logging":    {ParameterName: "server_audit_logging", ParameterValue: ptr("1"), Source: "user"},
		"server_audit_events":     {ParameterName: "server_audit_events", Source: "engine-default"}, // listed, no value
		"server_audit_excl_users": {ParameterName: "server_audit_excl_users", Source: "engine-default"},
	}}
	defaults := map[string]EngineDefaults{"aurora-mysql8.0": {DBParameterGroupFamily: "aurora-mysql8.0", Parameters: map[string]Parameter{
		"server_audit_events": {ParameterName: "server_audit_events", ParameterValue: ptr("CONNECT")},
	}}}
	pgGroup := DBClusterParameterGroup{DBClusterParameterGroupName: "pg", DBParameterGroupFamily: "aurora-postgresql16", Parameters: map[string]Parameter{
		"pgaudit.log": {ParameterName: "pgaudit.log", ParameterValue: ptr("ddl,write"), Source: "user"},
	}}
	override := DBParameterGroup{DBParameterGroupName: "override", DBParameterGroupFamily: "aurora-postgresql16", Parameters: map[string]Parameter{
		"pgaudit.log":     {ParameterName: "pgaudit.log", ParameterValue: ptr("none"), Source: "user"},
		"log_connections": {ParameterName: "log_connections", ParameterValue: ptr("0"), Source: "engine-default"},
	}}
	rds := &RDS{
		DBClusters: []DBCluster{
			{DBClusterIdentifier: "mysql", Engine: "aurora-mysql", DBClusterParameterGroup: "audit"},
			{DBClusterIdentifier: "legacy", Engine: "aurora-mysql", DBClusterParameterGroup: "default.aurora-mysql5.7"},
			{DBClusterIdentifier: "lost", Engine: "aurora-mysql", DBClusterParameterGroup: "unreadable"},
			{DBClusterIdentifier: "pg", Engine: "aurora-postgresql", DBClusterParameterGroup: "pg"},
		},
		DBInstances: []DBInstance{
			{DBInstanceIdentifier: "pg-1", Engine: "aurora-postgresql", DBClusterIdentifier: "pg", DBParameterGroups: []DBParameterGroupStatus{{DBParameterGroupName: "override"}}},
			{DBInstanceIdentifier: "pg-2", Engine: "aurora-postgresql", DBClusterIdentifier: "pg", DBParameterGroups: []DBParameterGroupStatus{{DBParameterGroupName: "default.aurora-postgresql16"}}},
			{DBInstanceIdentifier: "ora", Engine: "oracle-ee", DBParameterGroups: []DBParameterGroupStatus{{DBParameterGroupName: "default.oracle-ee-19"}}},
		},
		DBClusterParameterGroups:       map[string]DBClusterParameterGroup{"audit": auditOn, "pg": pgGroup},
		DBParameterGroups:              map[string]DBParameterGroup{"override": override},
		EngineDefaultClusterParameters: defaults,
	}
	s := region(rds)
	s.CollectionGaps = []Gap{{AccountID: "111122223333", Region: "eu-west-1", Service: "rds", Operation: "DescribeDBClusterParameters", Resource: "unreadable", ErrorCode: "AccessDenied"}}
	Resolve(s)
	Resolve(s) // idempotent

	cl := map[string]DBCluster{}
	for _, c := range rds.DBClusters {
		cl[c.DBClusterIdentifier] = c
	}
	in := map[string]DBInstance{}
	for _, i := range rds.DBInstances {
		in[i.DBInstanceIdentifier] = i
	}
	tests := []struct {
		name       string
		eff        map[string]EffectiveParameter
		param      string
		value      string // "<nil>" = no value
		from       string
		unresolved string
	}{
		{"cluster group value", cl["mysql"].Derived.EffectiveParameters, "server_audit_logging", "1", FromClusterGroup, ""},
		{"listed without value falls back to the engine default", cl["mysql"].Derived.EffectiveParameters, "server_audit_events", "CONNECT", FromEngineDefault, ""},
		{"listed, no value, no default: unset", cl["mysql"].Derived.EffectiveParameters, "server_audit_excl_users", "<nil>", FromClusterGroup, ""},
		{"not listed, family defaults known without it: unset", cl["mysql"].Derived.EffectiveParameters, "server_audit_incl_users", "<nil>", FromEngineDefault, ""},
		{"default.aurora-mysql group: documented default", cl["legacy"].Derived.EffectiveParameters, "server_audit_logging", "0", FromEngineDefault, ""},
		{"unreadable group: unresolved with the gap", cl["lost"].Derived.EffectiveParameters, "server_audit_logging", "<nil>", FromUnresolved, "AccessDenied"},
		{"not listed, no defaults in snapshot: unresolved", cl["pg"].Derived.EffectiveParameters, "log_connections", "<nil>", FromUnresolved, "engine defaults of family aurora-postgresql16 are not in the snapshot"},
		{"member override with Source=user wins", in["pg-1"].Derived.EffectiveParameters, "pgaudit.log", "none", FromInstanceGroup, ""},
		{"member value with Source=engine-default does not override", in["pg-1"].Derived.EffectiveParameters, "log_connections", "<nil>", FromUnresolved, ""},
		{"member on a default group inherits the cluster", in["pg-2"].Derived.EffectiveParameters, "pgaudit.log", "ddl,write", FromClusterGroup, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := tc.eff[tc.param]
			if !ok {
				t.Fatalf("%s not resolved", tc.param)
			}
			got := "<nil>"
			if p.Value != nil {
				got = *p.Value
			}
			if got != tc.value || p.From != tc.from || !strings.Contains(p.Unresolved, tc.unresolved) {
				t.Errorf("%s = %+v (value %s), want value %s from %s, unresolved ~%q", tc.param, p, got, tc.value, tc.from, tc.unresolved)
			}
		})
	}
	if _, ok := cl["mysql"].Derived.EffectiveParameters["pgaudit.log"]; ok {
		t.Error("a MySQL cluster got PostgreSQL parameters")
	}
	if n := len(in["ora"].Derived.EffectiveParameters); n != 0 {
		t.Errorf("an Oracle instance got %d audit parameters, want none", n)
	}
}

func TestResolveJoinsMetricFiltersToAlarms(t *testing.T) {
	s := &Snapshot{SchemaVersion: SchemaVersion, Accounts: []Account{{AccountID: "1", Regions: []Region{{
		Region: "r",
		Logs: &Logs{LogGroups: map[string]LogGroup{"/aws/rds/cluster/c/audit": {LogGroupName: "/aws/rds/cluster/c/audit", MetricFilters: []MetricFilter{
			{FilterName: "f", MetricTransformations: []MetricTransformation{{MetricName: "Failed", MetricNamespace: "DB"}}},
			{FilterName: "g", MetricTransformations: []MetricTransformation{{MetricName: "Other", MetricNamespace: "DB"}}},
		}}}},
		CloudWatch: &CloudWatch{MetricAlarms: map[string]MetricAlarm{
			"b": {AlarmName: "b", MetricName: "Failed", Namespace: "DB"},
			"a": {AlarmName: "a", MetricName: "Failed", Namespace: "DB"},
			"x": {AlarmName: "x", MetricName: "Failed", Namespace: "Elsewhere"},
			"math": {AlarmName: "math", Metrics: []MetricDataQuery{
				{Id: "e1", Expression: "m1 + m2"},
				{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "DB", MetricName: "Failed"}, Stat: "Sum"}},
				{Id: "m2", MetricStat: &MetricStat{Metric: Metric{Namespace: "DB", MetricName: "Failed"}, Stat: "Sum"}},
			}},
			"math-elsewhere": {AlarmName: "math-elsewhere", Metrics: []MetricDataQuery{
				{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "Elsewhere", MetricName: "Failed"}}},
			}},
		}},
	}}}}}
	Resolve(s)
	mfs := s.Accounts[0].Regions[0].Logs.LogGroups["/aws/rds/cluster/c/audit"].MetricFilters
	if got := strings.Join(mfs[0].Derived.AlarmNames, ","); got != "a,b,math" {
		t.Errorf("alarms of f = %q, want a,b,math (same namespace and metric, directly or in metric math; sorted, once each)", got)
	}
	if mfs[1].Derived != nil {
		t.Errorf("g has no alarm: want no derived object, got %+v", mfs[1].Derived)
	}
}
