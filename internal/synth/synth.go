// Package synth generates synthetic snapshots of a given size for benchmarks: realistic
// shapes (Aurora MySQL/PostgreSQL clusters with members, RDS instances, shared parameter
// groups, exported log groups, alarms, trails), a mix of compliant and failing settings.
package synth

import (
	"fmt"
	"math/rand"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// ResourcesPerRegion is how many judged resources (clusters, instances, log groups) one
// region holds before the generator moves on to the next region.
const ResourcesPerRegion = 500

// Generate returns a snapshot with about n judged resources (clusters + instances + log
// groups), spread over regions of up to ResourcesPerRegion and accounts of up to 17 regions.
// The same n and seed give the same snapshot.
func Generate(n int, seed int64) *snapshot.Snapshot {
	rng := rand.New(rand.NewSource(seed))
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, GeneratedAt: "2026-11-20T09:00:00Z"}
	regions := (n + ResourcesPerRegion - 1) / ResourcesPerRegion
	for r := 0; r < regions; r++ {
		acctIdx, regionIdx := r/17, r%17
		if regionIdx == 0 {
			s.Accounts = append(s.Accounts, snapshot.Account{AccountID: fmt.Sprintf("%012d", 100000000000+acctIdx)})
		}
		acct := &s.Accounts[len(s.Accounts)-1]
		budget := ResourcesPerRegion
		if remaining := n - r*ResourcesPerRegion; remaining < budget {
			budget = remaining
		}
		acct.Regions = append(acct.Regions, region(rng, acct.AccountID, fmt.Sprintf("region-%02d", regionIdx), budget))
	}
	return s
}

func str(s string) *string { return &s }
func yes() *bool           { b := true; return &b }
func days(d int32) *int32  { return &d }

func region(rng *rand.Rand, account, name string, budget int) snapshot.Region {
	rds := &snapshot.RDS{
		DBClusterParameterGroups: map[string]snapshot.DBClusterParameterGroup{},
		DBParameterGroups:        map[string]snapshot.DBParameterGroup{},
		OptionGroups:             map[string]snapshot.OptionGroup{},
	}
	logs := &snapshot.Logs{LogGroups: map[string]snapshot.LogGroup{}}
	cw := &snapshot.CloudWatch{MetricAlarms: map[string]snapshot.MetricAlarm{}}
	arn := func(kind, id string) string { return fmt.Sprintf("arn:aws:rds:%s:%s:%s:%s", name, account, kind, id) }

	// Ten shared parameter groups per kind, half of them auditing.
	for g := 0; g < 10; g++ {
		on := g%2 == 0
		logging, events := "0", ""
		preload, pglog := "pg_stat_statements", "none"
		if on {
			logging, events = "1", "CONNECT,QUERY"
			preload, pglog = "pg_stat_statements,pgaudit", "ddl,role,write"
		}
		mysql := fmt.Sprintf("amy-%d", g)
		rds.DBClusterParameterGroups[mysql] = snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: mysql, DBParameterGroupFamily: "aurora-mysql8.0",
			Parameters: params(map[string]string{"server_audit_logging": logging, "server_audit_events": events, "server_audit_excl_users": "rdsadmin", "server_audit_incl_users": "", "server_audit_logs_upload": "0"})}
		apg := fmt.Sprintf("apg-%d", g)
		rds.DBClusterParameterGroups[apg] = snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: apg, DBParameterGroupFamily: "aurora-postgresql16",
			Parameters: params(map[string]string{"shared_preload_libraries": preload, "pgaudit.log": pglog, "pgaudit.role": "rds_pgaudit", "log_connections": "1", "log_disconnections": "1", "log_statement": "none"})}
		pg := fmt.Sprintf("pg-%d", g)
		rds.DBParameterGroups[pg] = snapshot.DBParameterGroup{DBParameterGroupName: pg, DBParameterGroupFamily: "postgres16",
			Parameters: params(map[string]string{"shared_preload_libraries": preload, "pgaudit.log": pglog, "pgaudit.role": "rds_pgaudit", "log_connections": "1"})}
		my := fmt.Sprintf("my-%d", g)
		rds.DBParameterGroups[my] = snapshot.DBParameterGroup{DBParameterGroupName: my, DBParameterGroupFamily: "mysql8.0",
			Parameters: params(map[string]string{"general_log": "1", "slow_query_log": "1", "log_output": "FILE"})}
		og := fmt.Sprintf("og-%d", g)
		opts := []snapshot.Option{}
		if on {
			opts = append(opts, snapshot.Option{OptionName: "MARIADB_AUDIT_PLUGIN", OptionSettings: []snapshot.OptionSetting{{Name: "SERVER_AUDIT_EVENTS", Value: "CONNECT,QUERY"}}})
		}
		rds.OptionGroups[og] = snapshot.OptionGroup{OptionGroupName: og, EngineName: "mysql", MajorEngineVersion: "8.0", Options: opts}
	}

	addLogGroup := func(groupName string) {
		lg := snapshot.LogGroup{LogGroupName: groupName, Arn: fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", name, account, groupName)}
		if rng.Intn(3) > 0 {
			lg.RetentionInDays = days([]int32{30, 365, 731}[rng.Intn(3)])
			lg.KmsKeyId = fmt.Sprintf("arn:aws:kms:%s:%s:key/k", name, account)
		}
		if rng.Intn(2) == 0 {
			metric := "Failed" + fmt.Sprint(len(logs.LogGroups))
			lg.MetricFilters = []snapshot.MetricFilter{{FilterName: "failed", FilterPattern: `"FAILED_CONNECT"`, MetricTransformations: []snapshot.MetricTransformation{{MetricName: metric, MetricNamespace: "DBAudit", MetricValue: "1"}}}}
			cw.MetricAlarms[metric] = snapshot.MetricAlarm{AlarmName: metric, MetricName: metric, Namespace: "DBAudit", ActionsEnabled: yes(), AlarmActions: []string{"arn:aws:sns:x:y:z"}}
			lg.SubscriptionFilters = []snapshot.SubscriptionFilter{{FilterName: "archive", DestinationArn: "arn:aws:firehose:x:y:deliverystream/a"}}
		}
		logs.LogGroups[groupName] = lg
	}

	used := 0
	for i := 0; used < budget; i++ {
		switch i % 4 {
		case 0, 1: // Aurora cluster with two members and its log group: 4 resources
			engine, group, export := "aurora-mysql", fmt.Sprintf("amy-%d", rng.Intn(10)), "audit"
			if i%4 == 1 {
				engine, group, export = "aurora-postgresql", fmt.Sprintf("apg-%d", rng.Intn(10)), "postgresql"
			}
			id := fmt.Sprintf("c%d", i)
			c := snapshot.DBCluster{DBClusterIdentifier: id, DBClusterArn: arn("cluster", id), Engine: engine, EngineMode: "provisioned",
				DBClusterParameterGroup: group}
			if rng.Intn(4) > 0 {
				c.EnabledCloudwatchLogsExports = []string{export, "error"}
			}
			for m := 0; m < 2; m++ {
				mid := fmt.Sprintf("%s-%d", id, m)
				c.DBClusterMembers = append(c.DBClusterMembers, snapshot.DBClusterMember{DBInstanceIdentifier: mid, DBClusterParameterGroupStatus: "in-sync"})
				rds.DBInstances = append(rds.DBInstances, snapshot.DBInstance{DBInstanceIdentifier: mid, DBInstanceArn: arn("db", mid), Engine: engine,
					DBClusterIdentifier: id, DBInstanceStatus: "available", DBParameterGroups: []snapshot.DBParameterGroupStatus{{DBParameterGroupName: "default." + engine, ParameterApplyStatus: "in-sync"}}})
			}
			rds.DBClusters = append(rds.DBClusters, c)
			addLogGroup(fmt.Sprintf("/aws/rds/cluster/%s/%s", id, export))
			used += 4
		case 2: // RDS MySQL instance + log group: 2 resources
			id := fmt.Sprintf("m%d", i)
			inst := snapshot.DBInstance{DBInstanceIdentifier: id, DBInstanceArn: arn("db", id), Engine: "mysql", DBInstanceStatus: "available",
				DBParameterGroups:      []snapshot.DBParameterGroupStatus{{DBParameterGroupName: fmt.Sprintf("my-%d", rng.Intn(10)), ParameterApplyStatus: "in-sync"}},
				OptionGroupMemberships: []snapshot.OptionGroupMembership{{OptionGroupName: fmt.Sprintf("og-%d", rng.Intn(10)), Status: "in-sync"}}}
			if rng.Intn(3) > 0 {
				inst.EnabledCloudwatchLogsExports = []string{"audit", "error", "general", "slowquery"}
			}
			rds.DBInstances = append(rds.DBInstances, inst)
			addLogGroup(fmt.Sprintf("/aws/rds/instance/%s/audit", id))
			used += 2
		case 3: // RDS PostgreSQL instance + log group: 2 resources
			id := fmt.Sprintf("p%d", i)
			inst := snapshot.DBInstance{DBInstanceIdentifier: id, DBInstanceArn: arn("db", id), Engine: "postgres", DBInstanceStatus: "available",
				DBParameterGroups: []snapshot.DBParameterGroupStatus{{DBParameterGroupName: fmt.Sprintf("pg-%d", rng.Intn(10)), ParameterApplyStatus: "in-sync"}}}
			if rng.Intn(3) > 0 {
				inst.EnabledCloudwatchLogsExports = []string{"postgresql", "upgrade"}
			}
			rds.DBInstances = append(rds.DBInstances, inst)
			addLogGroup(fmt.Sprintf("/aws/rds/instance/%s/postgresql", id))
			used += 2
		}
	}
	trail := snapshot.Trail{Name: "main", TrailARN: fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/main", name, account), HomeRegion: name,
		IsMultiRegionTrail: yes(), LogFileValidationEnabled: yes(), KmsKeyId: "k", CloudWatchLogsLogGroupArn: "arn:aws:logs:x:y:log-group:ct:*",
		Status:         &snapshot.TrailStatus{IsLogging: yes(), LatestDeliveryTime: "2026-11-20T08:50:00Z"},
		EventSelectors: &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: yes()}}}}
	return snapshot.Region{Region: name, RDS: rds, Logs: logs, CloudWatch: cw, CloudTrail: &snapshot.CloudTrail{Trails: []snapshot.Trail{trail}}}
}

func params(values map[string]string) map[string]snapshot.Parameter {
	out := make(map[string]snapshot.Parameter, len(values))
	for k, v := range values {
		p := snapshot.Parameter{ParameterName: k, Source: "user", ApplyType: "dynamic"}
		if v != "" {
			p.ParameterValue = str(v)
		}
		out[k] = p
	}
	return out
}

// Count returns the number of judged resources (clusters, instances, log groups) in s.
func Count(s *snapshot.Snapshot) int {
	n := 0
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			if r.RDS != nil {
				n += len(r.RDS.DBClusters) + len(r.RDS.DBInstances)
			}
			if r.Logs != nil {
				n += len(r.Logs.LogGroups)
			}
		}
	}
	return n
}
