package collect

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// benchRegions are the 17 regions enabled by default in a commercial account.
var benchRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

const (
	benchClusters      = 200 // and as many instances, per region
	benchGroups        = 10  // cluster parameter groups shared by the clusters (and 10 instance groups)
	benchClusterParams = 300 // parameters per cluster group / cluster engine defaults (3 pages)
	benchDBParams      = 400 // per instance group / instance engine defaults (4 pages)
)

// benchWorld: an organization (acctA manages the others) of accounts × regions, each
// region with 200 Aurora clusters and 200 instances sharing 10 cluster and 10 instance
// parameter groups (two families each), one /aws/rds/ audit log group per cluster (one in
// ten with a metric filter and an alarm), and a multi-Region trail homed in us-east-1. The
// benchmark's world is 3 accounts × the 17 benchRegions.
func benchWorld(srv *awsfake.Server, accounts, regions []string) {
	srv.SetManagementAccount(acctA)
	families := []string{"aurora-mysql8.0", "aurora-postgresql16"}
	engines := []string{"aurora-mysql", "aurora-postgresql"}
	// Parameter lists carry no account or region: share them (memory) like real groups
	// created from one template.
	clusterParams := defaults(benchClusterParams-1, param("server_audit_logging", "1", "user"))
	dbParams := defaults(benchDBParams)
	clusterDefaults, dbDefaults := defaults(benchClusterParams), defaults(benchDBParams)
	for _, acct := range accounts {
		a := srv.AddAccount(acct, regions...)
		a.Trails = []awsfake.Item{{"Name": "org-audit", "HomeRegion": "us-east-1", "IsMultiRegionTrail": true,
			"TrailARN":                  "arn:aws:cloudtrail:us-east-1:" + acct + ":trail/org-audit",
			"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/rds/trail:*",
			"S3BucketName":              "trail-bucket", "LogFileValidationEnabled": true}}
		a.TrailStatus["arn:aws:cloudtrail:us-east-1:"+acct+":trail/org-audit"] = awsfake.Item{"IsLogging": true,
			"StartLoggingTime": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		a.EventSelectors["arn:aws:cloudtrail:us-east-1:"+acct+":trail/org-audit"] = awsfake.Item{
			"EventSelectors": []any{map[string]any{"ReadWriteType": "All", "IncludeManagementEvents": true}}}
		for _, reg := range regions {
			r := a.Region(reg)
			for g := range benchGroups {
				fam := families[g%2]
				cname, iname := fmt.Sprintf("cluster-pg-%d", g), fmt.Sprintf("instance-pg-%d", g)
				r.ClusterParamGroups[cname] = &awsfake.ParamGroup{
					Meta:       awsfake.Item{"DBClusterParameterGroupName": cname, "DBParameterGroupFamily": fam, "Description": "bench"},
					Parameters: clusterParams,
				}
				r.DBParamGroups[iname] = &awsfake.ParamGroup{
					Meta:       awsfake.Item{"DBParameterGroupName": iname, "DBParameterGroupFamily": fam, "Description": "bench"},
					Parameters: dbParams,
				}
			}
			for _, fam := range families {
				r.EngineDefaultsCl[fam] = clusterDefaults
				r.EngineDefaults[fam] = dbDefaults
			}
			for i := range benchClusters {
				id := fmt.Sprintf("db-%03d", i)
				g := i % benchGroups
				r.DBClusters = append(r.DBClusters, clusterItem(acct, reg, id, engines[g%2], fmt.Sprintf("cluster-pg-%d", g), []string{"audit", "error"}, id+"-1"))
				r.DBInstances = append(r.DBInstances, instanceItem(acct, reg, id+"-1", engines[g%2], id, fmt.Sprintf("instance-pg-%d", g), ""))
				lg := "/aws/rds/cluster/" + id + "/audit"
				nf := 0
				if i%10 == 0 {
					nf = 1
					r.MetricFilters = append(r.MetricFilters, awsfake.Item{"filterName": id + "-failures", "filterPattern": "FAILED",
						"logGroupName": lg, "metricTransformations": []any{map[string]any{"metricName": id + "-failures", "metricNamespace": "DBAudit", "metricValue": "1"}}})
					r.MetricAlarms = append(r.MetricAlarms, awsfake.Item{"AlarmName": id + "-failures", "MetricName": id + "-failures",
						"Namespace": "DBAudit", "Statistic": "Sum", "Period": float64(300), "EvaluationPeriods": float64(1),
						"Threshold": float64(1), "ComparisonOperator": "GreaterThanOrEqualToThreshold", "StateValue": "OK"})
				}
				r.LogGroups = append(r.LogGroups, logGroupItem(acct, reg, lg, 365, nf))
			}
			if reg == "us-east-1" {
				r.LogGroups = append(r.LogGroups, logGroupItem(acct, reg, "/aws/rds/trail", 365, 0))
			}
		}
	}
}

// peakHeap samples the live heap until stop is closed and returns its peak above the
// heap at the start.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var mu sync.Mutex
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	peak := base
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak - base
	}
}

func resourceCount(snap *snapshot.Snapshot) int {
	n := 0
	for _, a := range snap.Accounts {
		for _, r := range a.Regions {
			if r.RDS != nil {
				n += len(r.RDS.DBClusters) + len(r.RDS.DBInstances) + len(r.RDS.DBClusterParameterGroups) + len(r.RDS.DBParameterGroups)
			}
			if r.Logs != nil {
				n += len(r.Logs.LogGroups)
			}
			if r.CloudTrail != nil {
				n += len(r.CloudTrail.Trails)
			}
		}
	}
	return n
}

// BenchmarkCollect: the performance scenario against the fake with 50 ms latency
// per call, 3 accounts × 17 regions. Run:
//
//	go test ./internal/collect -run '^$' -bench BenchmarkCollect -benchtime 1x
//
// The fake shares the 2 cores with the collector, and its CPU (parsing, rendering XML and
// JSON) is what AWS spends on its own machines. "fake=precomputed" lets it answer from
// answers it rendered in a warm-up run, so the figures weigh mostly the collector;
// "fake=rendering" renders every answer during the measured run.
func BenchmarkCollect(b *testing.B) {
	for _, precomputed := range []bool{true, false} {
		name := "fake=rendering"
		if precomputed {
			name = "fake=precomputed"
		}
		b.Run(name, func(b *testing.B) { benchmarkCollect(b, precomputed) })
	}
}

func benchmarkCollect(b *testing.B, precomputed bool) {
	const latency = 50 * time.Millisecond
	ctx := context.Background()
	orgConfig := func(srv *awsfake.Server) Config {
		c := testConfig(srv, acctA) // --regions all
		c.CallTimeout = 30 * time.Second
		c.Org = true
		c.OrgRoleName = "audit"
		return c
	}
	newFake := func(accounts, regions []string) *awsfake.Server {
		srv := awsfake.New()
		benchWorld(srv, accounts, regions)
		if precomputed {
			srv.CacheAnswers()
			if _, err := Collect(ctx, orgConfig(srv)); err != nil {
				b.Fatal(err)
			}
		}
		srv.SetLatency(latency)
		return srv
	}

	// Critical path: the longest single account+region chain, run alone. That is a member
	// account's us-east-1 (the trail, its status and its log group are read there): the
	// caller's identity, ListAccounts, AssumeRole (verified), DescribeRegions, then the
	// region. The same organization with us-east-1 as the only enabled region runs exactly
	// that chain next to the management account's.
	chain := newFake([]string{acctA, acctB}, []string{"us-east-1"})
	start := time.Now()
	if _, err := Collect(ctx, orgConfig(chain)); err != nil {
		b.Fatal(err)
	}
	critical := time.Since(start)
	chain.Close()

	srv := newFake([]string{acctA, acctB, acctC}, benchRegions)
	defer srv.Close()

	var snap *snapshot.Snapshot
	var wall time.Duration
	var peak uint64
	b.ResetTimer()
	for range b.N {
		srv.ResetCalls()
		snap = nil
		runtime.GC()
		stop := make(chan struct{})
		read := peakHeap(stop) // above what the fake holds: its world and answers
		start := time.Now()
		var err error
		snap, err = Collect(ctx, orgConfig(srv))
		wall = time.Since(start)
		close(stop)
		peak = max(peak, read())
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(snap.CollectionGaps) != 0 || len(snap.Accounts) != 3 || len(snap.Accounts[0].Regions) != len(benchRegions) {
		b.Fatalf("unexpected snapshot: %d accounts, gaps %+v", len(snap.Accounts), snap.CollectionGaps)
	}
	counts := srv.CountByOperation()
	total := 0
	ops := make([]string, 0, len(counts))
	for op, n := range counts {
		total += n
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		b.ReportMetric(float64(counts[op]), "calls_"+strings.ReplaceAll(op, ":", "_"))
	}
	resources := resourceCount(snap)
	b.ReportMetric(float64(total), "calls_total")
	b.ReportMetric(float64(resources), "resources")
	b.ReportMetric(float64(total)/float64(resources), "calls/resource")
	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(critical.Seconds(), "critical_path_s")
	b.ReportMetric(wall.Seconds()/critical.Seconds(), "wall/critical")
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MB")
}
