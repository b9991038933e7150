package input

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// genPlan writes a Terraform plan JSON (format 1.2) of at least size bytes: a mix of mapped
// resources (clusters, instances, parameter groups, log groups with filters, alarms, trails)
// and unmapped ones, each in planned_values, resource_changes and configuration, like
// `terraform show -json` output.
func genPlan(size int) []byte {
	type res struct {
		typ, name string
		after     map[string]any
		unknown   map[string]any
		expr      map[string]any
	}
	mk := func(i int) []res {
		n := strconv.Itoa(i)
		lg := "/aws/rds/instance/db-" + n + "/audit"
		return []res{
			{"aws_db_parameter_group", "pg" + n, map[string]any{"name": "pg-" + n, "family": "mysql8.0", "description": "managed by terraform",
				"parameter": []any{map[string]any{"name": "general_log", "value": "1", "apply_method": "immediate"},
					map[string]any{"name": "slow_query_log", "value": "1", "apply_method": "immediate"}}},
				map[string]any{"arn": true, "id": true}, map[string]any{"name": map[string]any{"constant_value": "pg-" + n}}},
			{"aws_db_instance", "db" + n, map[string]any{"identifier": "db-" + n, "engine": "mysql", "engine_version": "8.0.35", "instance_class": "db.t3.micro",
				"allocated_storage": 20, "parameter_group_name": "pg-" + n, "enabled_cloudwatch_logs_exports": []any{"audit", "error"},
				"storage_encrypted": true, "multi_az": false, "publicly_accessible": false, "tags": map[string]any{"team": "data", "env": "prod"}},
				map[string]any{"arn": true, "id": true, "kms_key_id": true, "endpoint": true, "address": true, "resource_id": true},
				map[string]any{"parameter_group_name": map[string]any{"references": []any{"aws_db_parameter_group.pg" + n + ".name", "aws_db_parameter_group.pg" + n}}}},
			{"aws_cloudwatch_log_group", "lg" + n, map[string]any{"name": lg, "retention_in_days": 365, "kms_key_id": nil, "log_group_class": "STANDARD"},
				map[string]any{"arn": true, "id": true}, map[string]any{"name": map[string]any{"constant_value": lg}}},
			{"aws_cloudwatch_log_metric_filter", "mf" + n, map[string]any{"name": "failed-" + n, "pattern": "\"FAILED_CONNECT\"", "log_group_name": lg,
				"metric_transformation": []any{map[string]any{"name": "Failed" + n, "namespace": "DBAudit", "value": "1", "default_value": "", "unit": "None"}}},
				map[string]any{"id": true}, map[string]any{}},
			{"aws_cloudwatch_metric_alarm", "al" + n, map[string]any{"alarm_name": "failed-" + n, "metric_name": "Failed" + n, "namespace": "DBAudit",
				"statistic": "Sum", "period": 300, "evaluation_periods": 1, "threshold": 1, "comparison_operator": "GreaterThanOrEqualToThreshold",
				"actions_enabled": true, "alarm_actions": []any{"arn:aws:sns:us-east-1:123456789012:alerts"}},
				map[string]any{"arn": true, "id": true}, map[string]any{}},
			{"aws_security_group", "sg" + n, map[string]any{"name": "sg-" + n, "description": strings.Repeat("x", 200),
				"ingress": []any{map[string]any{"from_port": 3306, "to_port": 3306, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8"}}}},
				map[string]any{"arn": true, "id": true, "owner_id": true}, map[string]any{}},
		}
	}
	var planned, changes, cfg []any
	var est int
	for i := 0; est < size; i++ {
		for _, r := range mk(i) {
			addr := r.typ + "." + r.name
			planned = append(planned, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name,
				"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": r.after, "sensitive_values": map[string]any{}})
			changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name,
				"provider_name": "registry.terraform.io/hashicorp/aws", "change": map[string]any{"actions": []any{"create"}, "before": nil,
					"after": r.after, "after_unknown": r.unknown, "before_sensitive": false, "after_sensitive": map[string]any{}}})
			cfg = append(cfg, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name,
				"provider_config_key": "aws", "expressions": r.expr, "schema_version": 0})
		}
		if i%200 == 0 { // estimate the encoded size now and then
			b, _ := json.Marshal(changes[len(changes)-6:])
			est = len(b) * (i + 1) * 36 / 10
		}
	}
	plan := map[string]any{"format_version": "1.2", "terraform_version": "1.11.4",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"configuration": map[string]any{"provider_config": map[string]any{"aws": map[string]any{"name": "aws",
			"expressions": map[string]any{"region": map[string]any{"constant_value": "us-east-1"}}}},
			"root_module": map[string]any{"resources": cfg}}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	_ = enc.Encode(plan)
	return buf.Bytes()
}

// peakSampler records the peak heap in use while a function runs.
func peakSampler() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

func vmHWM() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "n/a"
}

// BenchmarkLoadPlan50MB imports a generated 50 MB plan (docs/performance.md §3):
//
//	go test ./internal/input -run '^$' -bench LoadPlan50MB -benchtime 3x
func BenchmarkLoadPlan50MB(b *testing.B) {
	data := genPlan(50 << 20)
	path := filepath.Join(b.TempDir(), "plan.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	var peak uint64
	var resources int
	for i := 0; i < b.N; i++ {
		stop := peakSampler()
		s, err := Load(context.Background(), []string{path}, Options{Account: "123456789012"})
		if p := stop(); p > peak {
			peak = p
		}
		if err != nil {
			b.Fatal(err)
		}
		r := s.Accounts[0].Regions[0]
		resources = len(r.RDS.DBInstances) + len(r.Logs.LogGroups) + len(r.CloudWatch.MetricAlarms) + len(r.RDS.DBParameterGroups)
	}
	b.StopTimer()
	size := float64(len(data))
	b.ReportMetric(size/(1<<20), "file-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peak)/size, "peak-heap/file")
	b.ReportMetric(float64(resources), "resources")
	b.Logf("file %.1f MB, peak heap in use %.0f MB (%.1fx file), heap before %.0f MB, process VmHWM %s",
		size/(1<<20), float64(peak)/(1<<20), float64(peak)/size, float64(before.HeapInuse)/(1<<20), vmHWM())
}

func TestGenPlanImports(t *testing.T) {
	data := genPlan(200 << 10)
	s, err := ImportFile("gen.json", data, Options{Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Accounts[0].Regions[0]
	if len(r.RDS.DBInstances) == 0 || r.RDS.DBInstances[0].DBParameterGroups[0].DBParameterGroupName != "pg-0" {
		t.Fatalf("generated plan did not import as expected: %+v", r.RDS.DBInstances)
	}
	lg := r.Logs.LogGroups["/aws/rds/instance/db-0/audit"]
	if len(lg.MetricFilters) != 1 || lg.MetricFilters[0].Derived == nil || len(lg.MetricFilters[0].Derived.AlarmNames) != 1 {
		t.Fatalf("filters/alarms not linked: %+v", lg.MetricFilters)
	}
}
