package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/snapshot"
)

func TestCollectRecordedWorld(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	recordedWorld(t, srv)

	snap := mustCollect(t, testConfig(srv, acctA, "all"))

	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, snap); err != nil {
		t.Fatal(err)
	}
	if err := snapshot.Validate(buf.Bytes()); err != nil {
		t.Fatalf("snapshot does not validate: %v", err)
	}
	if snap.SchemaVersion != snapshot.SchemaVersion || snap.Source == nil || snap.Source.Kind != "live" || snap.GeneratedAt != "2026-11-22T10:00:00Z" {
		t.Errorf("header = %q %+v %q", snap.SchemaVersion, snap.Source, snap.GeneratedAt)
	}
	if len(snap.CollectionGaps) != 0 {
		t.Errorf("gaps = %+v, want none", snap.CollectionGaps)
	}
	if len(snap.Accounts) != 1 || len(snap.Accounts[0].Regions) != 2 {
		t.Fatalf("accounts = %+v, want 1 account with the 2 enabled regions", snap.Accounts)
	}

	r := region(t, snap, acctA, "us-east-1")
	if r.RDS == nil || r.Logs == nil || r.CloudWatch == nil || r.CloudTrail == nil {
		t.Fatalf("services missing: %+v", r)
	}
	var clusters, instances []string
	for _, c := range r.RDS.DBClusters {
		clusters = append(clusters, c.DBClusterIdentifier+"/"+c.Engine)
	}
	for _, i := range r.RDS.DBInstances {
		instances = append(instances, i.DBInstanceIdentifier)
	}
	sort.Strings(instances)
	if want := []string{"audit-mysql/aurora-mysql", "audit-pg/aurora-postgresql"}; !slices.Equal(clusters, want) {
		t.Errorf("clusters = %v, want %v (Neptune out)", clusters, want)
	}
	if want := []string{"audit-mysql-1", "audit-pg-1", "database-1", "database-2", "rds-test-instance-1"}; !slices.Equal(instances, want) {
		t.Errorf("instances = %v, want %v (DocumentDB out)", instances, want)
	}
	c := r.RDS.DBClusters[0]
	if !slices.Equal(c.EnabledCloudwatchLogsExports, []string{"audit", "error"}) || len(c.DBClusterMembers) != 1 ||
		c.DBClusterMembers[0].IsClusterWriter == nil || !*c.DBClusterMembers[0].IsClusterWriter || c.DBClusterParameterGroup != "pgc-test" {
		t.Errorf("cluster = %+v", c)
	}
	if r.RDS.DBClusters[1].EnabledCloudwatchLogsExports != nil {
		t.Errorf("audit-pg exports = %v, want absent", r.RDS.DBClusters[1].EnabledCloudwatchLogsExports)
	}

	// Parameter groups: keyed by name, only the modified parameters (Source=user); the
	// rest resolves from the family's engine defaults.
	cg, ok := r.RDS.DBClusterParameterGroups["pgc-test"]
	if !ok || cg.DBParameterGroupFamily != "aurora5.6" || cg.ParametersSource != "user" || !slices.Equal(keys(cg.Parameters), []string{"auto_increment_increment", "auto_increment_offset"}) {
		t.Fatalf("pgc-test = family %q, parameters_source %q, parameters %v; want aurora5.6, user and the 2 modified ones",
			cg.DBParameterGroupFamily, cg.ParametersSource, keys(cg.Parameters))
	}
	if g, ok := r.RDS.DBParameterGroups["rds-pg-group-a"]; !ok || len(g.Parameters) != 0 || g.ParametersSource != "user" {
		t.Errorf("rds-pg-group-a = %+v, want collected with no modified parameters", g)
	}
	if _, ok := r.RDS.DBParameterGroups["default.docdb5.0"]; ok {
		t.Error("DocumentDB parameter group was read")
	}
	if d := r.RDS.EngineDefaultClusterParameters["aurora5.6"]; len(d.Parameters) != 151 || d.DBParameterGroupFamily != "aurora5.6" {
		t.Errorf("aurora5.6 cluster defaults: %d parameters, want 151 (2 pages)", len(d.Parameters))
	}
	if _, ok := r.RDS.EngineDefaultParameters["mysql8.0"]; !ok || len(r.RDS.EngineDefaultParameters) != 5 {
		t.Errorf("instance engine defaults = %v", keys(r.RDS.EngineDefaultParameters))
	}
	if got := keys(r.RDS.OptionGroups); !slices.Equal(got, []string{"default:mysql-8-0", "default:postgres-9-6", "oracle-option-groups"}) {
		t.Errorf("option groups = %v, want the two in use", got)
	}
	if og := r.RDS.OptionGroups["oracle-option-groups"]; len(og.Options) != 3 || og.Options[0].OptionName != "NATIVE_NETWORK_ENCRYPTION" {
		t.Errorf("oracle-option-groups = %+v", og)
	}

	// Logs: /aws/rds/ groups plus the trail's destination group, never the others.
	if got := keys(r.Logs.LogGroups); !slices.Equal(got, []string{"/aws/rds/cluster/audit-mysql/audit", "/aws/rds/cluster/audit-pg/postgresql", trailLG}) {
		t.Errorf("log groups = %v", got)
	}
	audit := r.Logs.LogGroups["/aws/rds/cluster/audit-mysql/audit"]
	if audit.RetentionInDays == nil || *audit.RetentionInDays != 90 || len(audit.MetricFilters) != 1 || len(audit.SubscriptionFilters) != 1 ||
		audit.SubscriptionFilters[0].DestinationArn == "" || audit.MetricFilters[0].MetricTransformations[0].MetricName != "AuditFailures" {
		t.Errorf("audit log group = %+v", audit)
	}
	if pgl := r.Logs.LogGroups["/aws/rds/cluster/audit-pg/postgresql"]; pgl.RetentionInDays != nil || pgl.MetricFilters == nil {
		t.Errorf("postgresql log group = %+v, want no retention and an empty filter list", pgl)
	}
	if tl := r.Logs.LogGroups[trailLG]; len(tl.MetricFilters) != 1 || tl.MetricFilters[0].FilterName != "test-filter-name-40313" {
		t.Errorf("trail log group = %+v", tl)
	}
	for _, lg := range r.Logs.LogGroups {
		for _, f := range lg.MetricFilters {
			if f.Derived != nil {
				t.Errorf("metric filter %s has derived values; Resolve computes them", f.FilterName)
			}
		}
	}
	// Alarms: only those on the filters' metrics.
	if got := keys(r.CloudWatch.MetricAlarms); !slices.Equal(got, []string{"audit-failures", "audit-failures-math", "no-mfa"}) {
		t.Errorf("alarms = %v, want the three on filter metrics, one through metric math (TestAlarm and elsewhere-math are on other metrics)", got)
	}
	if m := r.CloudWatch.MetricAlarms["audit-failures-math"].Metrics; len(m) != 2 || m[0].Expression != "FILL(m1, 0)" || m[1].MetricStat == nil ||
		m[1].MetricStat.Metric != (snapshot.Metric{Namespace: "DBAudit", MetricName: "AuditFailures"}) || m[1].MetricStat.Stat != "Sum" ||
		m[1].MetricStat.Period == nil || *m[1].MetricStat.Period != 300 || m[1].ReturnData == nil || *m[1].ReturnData {
		t.Errorf("audit-failures-math Metrics = %+v", m)
	}
	if a := r.CloudWatch.MetricAlarms["audit-failures"]; a.Period == nil || *a.Period != 300 || a.Threshold == nil || len(a.AlarmActions) != 1 {
		t.Errorf("alarm = %+v", a)
	}

	// CloudTrail: status and selectors in the home region only, RFC 3339 times.
	if len(r.CloudTrail.Trails) != 1 {
		t.Fatalf("trails = %+v", r.CloudTrail.Trails)
	}
	tr := r.CloudTrail.Trails[0]
	if tr.Status == nil || tr.Status.IsLogging == nil || !*tr.Status.IsLogging || tr.Status.StartLoggingTime != "2022-11-22T11:57:32Z" {
		t.Errorf("status = %+v", tr.Status)
	}
	if tr.EventSelectors == nil || len(tr.EventSelectors.AdvancedEventSelectors) != 1 ||
		tr.EventSelectors.AdvancedEventSelectors[0].FieldSelectors[1].NotEquals[0] != "rdsdata.amazonaws.com" {
		t.Errorf("event selectors = %+v", tr.EventSelectors)
	}
	west := region(t, snap, acctA, "us-west-2")
	if west.CloudTrail == nil || len(west.CloudTrail.Trails) != 1 || west.CloudTrail.Trails[0].Status != nil || west.CloudTrail.Trails[0].EventSelectors != nil {
		t.Errorf("us-west-2 trails = %+v, want the shadow copy without status", west.CloudTrail)
	}
	if west.RDS == nil || len(west.RDS.DBClusters) != 0 || west.Logs == nil || len(west.Logs.LogGroups) != 0 || west.CloudWatch == nil {
		t.Errorf("us-west-2 = %+v, want collected and empty", west)
	}
	for _, call := range srv.Calls() {
		if call.Service == "cloudtrail" && call.Operation != "DescribeTrails" && call.Region != "us-east-1" {
			t.Errorf("%s called in %s, not the trail's home region", call.Operation, call.Region)
		}
		if call.Operation == "DescribeLogGroups" && call.Params["logGroupNamePattern"] != "" {
			t.Error("DescribeLogGroups used the name-pattern filter")
		}
		if call.Operation == "DescribeOptionGroups" && call.Params["OptionGroupName"] == "" {
			t.Error("DescribeOptionGroups called without a name")
		}
	}
	// Resolve (last: it adds derived values) takes the unmodified ones from the defaults.
	snapshot.Resolve(snap)
	eff := region(t, snap, acctA, "us-east-1").RDS.DBClusters[0].Derived.EffectiveParameters
	if p := eff["server_audit_logging"]; p.From != snapshot.FromEngineDefault || p.Value == nil || *p.Value != "0" {
		t.Errorf("audit-mysql server_audit_logging = %+v, want 0 from the aurora5.6 engine defaults", p)
	}
	if p := eff["server_audit_events"]; p.From != snapshot.FromEngineDefault || p.Value != nil {
		t.Errorf("audit-mysql server_audit_events = %+v, want unset (in neither the group nor the defaults)", p)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestParameterGroupsReadOncePerRegion: 40 clusters and 40 instances per region share two
// cluster and two instance parameter groups; each group and family is read exactly once
// per account+region.
func TestParameterGroupsReadOncePerRegion(t *testing.T) {
	tests := []struct {
		name          string
		allParameters bool
		wantSource    string // the Source request parameter and the groups' parameters_source
		// cluster groups: 250 engine-default + 150 modified parameters; instance groups: 180
		// engine-default ones. 100 per page.
		wantClusterParams, wantClusterCalls, wantDBCalls int
	}{
		{"modified only (default)", false, "user", 150, 2 * 2 * 2, 2 * 2 * 1},
		{"all parameters", true, "", 400, 2 * 2 * 4, 2 * 2 * 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			regions := []string{"eu-west-1", "us-east-1"}
			a := srv.AddAccount(acctB, regions...)
			var modified []awsfake.Item
			for i := range 150 {
				modified = append(modified, param(fmt.Sprintf("modified_%03d", i), "1", "user"))
			}
			for _, reg := range regions {
				r := a.Region(reg)
				for i := range 40 {
					id := fmt.Sprintf("c%02d", i)
					r.DBClusters = append(r.DBClusters, clusterItem(acctB, reg, id, "aurora-mysql", fmt.Sprintf("cpg-%d", i%2), []string{"audit"}, id+"-1"))
					r.DBInstances = append(r.DBInstances, instanceItem(acctB, reg, id+"-1", "aurora-mysql", id, fmt.Sprintf("ipg-%d", i%2), ""))
				}
				for g := range 2 {
					r.ClusterParamGroups[fmt.Sprintf("cpg-%d", g)] = &awsfake.ParamGroup{
						Meta:       awsfake.Item{"DBClusterParameterGroupName": fmt.Sprintf("cpg-%d", g), "DBParameterGroupFamily": "aurora-mysql8.0"},
						Parameters: defaults(250, modified...),
					}
					r.DBParamGroups[fmt.Sprintf("ipg-%d", g)] = &awsfake.ParamGroup{
						Meta:       awsfake.Item{"DBParameterGroupName": fmt.Sprintf("ipg-%d", g), "DBParameterGroupFamily": "aurora-mysql8.0"},
						Parameters: defaults(180),
					}
				}
				r.EngineDefaultsCl["aurora-mysql8.0"] = defaults(230)
				r.EngineDefaults["aurora-mysql8.0"] = defaults(230)
			}

			cfg := testConfig(srv, acctB, regions...)
			cfg.AllParameters = tt.allParameters
			snap := mustCollect(t, cfg)
			if len(snap.CollectionGaps) != 0 {
				t.Fatalf("gaps: %+v", snap.CollectionGaps)
			}
			for _, reg := range regions {
				r := region(t, snap, acctB, reg)
				cg := r.RDS.DBClusterParameterGroups["cpg-0"]
				if len(r.RDS.DBClusterParameterGroups) != 2 || len(cg.Parameters) != tt.wantClusterParams || cg.ParametersSource != tt.wantSource {
					t.Errorf("%s cluster groups = %v; cpg-0 has %d parameters, parameters_source %q; want %d, %q", reg,
						keys(r.RDS.DBClusterParameterGroups), len(cg.Parameters), cg.ParametersSource, tt.wantClusterParams, tt.wantSource)
				}
				if ig := r.RDS.DBParameterGroups["ipg-1"]; ig.ParametersSource != tt.wantSource {
					t.Errorf("%s ipg-1 parameters_source = %q, want %q", reg, ig.ParametersSource, tt.wantSource)
				}
			}

			// First pages (no Marker) per operation, region and group/family; every
			// parameter page asks for the same Source.
			first := map[string]int{}
			for _, c := range srv.Calls() {
				if c.Service != "rds" || c.Attempt > 1 {
					continue
				}
				if (c.Operation == "DescribeDBClusterParameters" || c.Operation == "DescribeDBParameters") && c.Params["Source"] != tt.wantSource {
					t.Errorf("%s %s: Source=%q, want %q", c.Operation, c.Params["DBClusterParameterGroupName"]+c.Params["DBParameterGroupName"], c.Params["Source"], tt.wantSource)
				}
				if c.Params["Marker"] != "" {
					continue
				}
				subject := c.Params["DBClusterParameterGroupName"] + c.Params["DBParameterGroupName"] + c.Params["DBParameterGroupFamily"]
				first[c.Region+" "+c.Operation+" "+subject]++
			}
			for _, reg := range regions {
				for _, k := range []string{
					"DescribeDBClusterParameters cpg-0", "DescribeDBClusterParameters cpg-1",
					"DescribeDBParameters ipg-0", "DescribeDBParameters ipg-1",
					"DescribeDBClusterParameterGroups cpg-0", "DescribeDBParameterGroups ipg-1",
					"DescribeEngineDefaultClusterParameters aurora-mysql8.0", "DescribeEngineDefaultParameters aurora-mysql8.0",
				} {
					if n := first[reg+" "+k]; n != 1 {
						t.Errorf("%s %s read %d times, want once", reg, k, n)
					}
				}
			}
			cluster, db := countReads(srv, "", "DescribeDBClusterParameters"), countReads(srv, "", "DescribeDBParameters")
			if cluster != tt.wantClusterCalls || db != tt.wantDBCalls {
				t.Errorf("parameter reads = %d cluster, %d instance; want %d and %d (all pages)", cluster, db, tt.wantClusterCalls, tt.wantDBCalls)
			}
		})
	}
}

// TestEngineDefaultsSharedAcrossAccounts: engine defaults are read once per family per
// region for the whole organization, every account's region gets them, and a failed read
// in one account does not keep them from the others.
func TestEngineDefaultsSharedAcrossAccounts(t *testing.T) {
	tests := []struct {
		name      string
		faults    []awsfake.Fault
		wantReads int // DescribeEngineDefaultClusterParameters calls in us-east-1 (1 page each)
		wantGaps  int
	}{
		{"once for all accounts", nil, 1, 0},
		{"the first read is denied", []awsfake.Fault{{Operation: "DescribeEngineDefaultClusterParameters", Region: "us-east-1",
			Times: 1, Status: 403, Code: "AccessDenied"}}, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			srv.SetManagementAccount(acctA)
			regions := []string{"eu-west-1", "us-east-1"}
			for _, acct := range []string{acctA, acctB, acctC} {
				a := srv.AddAccount(acct, regions...)
				for _, reg := range regions {
					r := a.Region(reg)
					r.DBClusters = []awsfake.Item{clusterItem(acct, reg, "db", "aurora-mysql", "cpg", []string{"audit"})}
					r.ClusterParamGroups["cpg"] = &awsfake.ParamGroup{
						Meta:       awsfake.Item{"DBClusterParameterGroupName": "cpg", "DBParameterGroupFamily": "aurora-mysql8.0"},
						Parameters: []awsfake.Item{param("server_audit_logging", "1", "user")},
					}
					r.EngineDefaultsCl["aurora-mysql8.0"] = defaults(20, param("server_audit_events", "", "engine-default"))
				}
			}
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			cfg := testConfig(srv, acctA)
			cfg.Org = true
			cfg.OrgRoleName = "audit"
			snap := mustCollect(t, cfg)

			if n := countReads(srv, "us-east-1", "DescribeEngineDefaultClusterParameters"); n != tt.wantReads {
				t.Errorf("us-east-1 engine default reads = %d, want %d", n, tt.wantReads)
			}
			if n := countReads(srv, "eu-west-1", "DescribeEngineDefaultClusterParameters"); n != 1 {
				t.Errorf("eu-west-1 engine default reads = %d, want 1 for the 3 accounts", n)
			}
			if len(snap.CollectionGaps) != tt.wantGaps {
				t.Errorf("gaps = %q, want %d", gapKeys(snap.CollectionGaps), tt.wantGaps)
			}
			have := 0
			for _, a := range snap.Accounts {
				for _, r := range a.Regions {
					if d, ok := r.RDS.EngineDefaultClusterParameters["aurora-mysql8.0"]; ok && len(d.Parameters) == 21 {
						have++
					}
				}
			}
			if want := 6 - tt.wantGaps; have != want {
				t.Errorf("%d account regions have the defaults, want %d", have, want)
			}
		})
	}
}

func TestCollectCancelled(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	recordedWorld(t, srv)
	srv.SetLatency(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	snap, err := Collect(ctx, testConfig(srv, acctA, "us-east-1"))
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || snap != nil {
		t.Fatalf("Collect = %v, %v; want no snapshot and the context error", snap, err)
	}
}
