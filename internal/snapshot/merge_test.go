package snapshot

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestMergeRegion(t *testing.T) {
	at := func(file string) *Derived { return &Derived{Location: &Location{File: file, Line: 3}} }
	trail := func(name, bucket string, d *Derived) Trail {
		return Trail{Name: name, TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/" + name, S3BucketName: bucket, Derived: d}
	}
	tests := []struct {
		name         string
		dst, src     Region
		want         Region
		wantReplaced []string
	}{
		{
			name: "new resources are added",
			dst:  Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", nil)}}},
			src:  Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("b", "b1", nil)}}},
			want: Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", nil), trail("b", "b1", nil)}}},
		},
		{
			name: "a copy equal but for derived.location collapses silently, the first kept",
			dst:  Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", at("x.json"))}}},
			src:  Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", at("y.yaml"))}}},
			want: Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", at("x.json"))}}},
		},
		{
			name:         "a different copy replaces the earlier one in place",
			dst:          Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b1", nil), trail("z", "b1", nil)}}},
			src:          Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b2", at("y.yaml"))}}},
			want:         Region{CloudTrail: &CloudTrail{Trails: []Trail{trail("a", "b2", at("y.yaml")), trail("z", "b1", nil)}}},
			wantReplaced: []string{"trail arn:aws:cloudtrail:us-east-1:111122223333:trail/a y.yaml:3"},
		},
		{
			name:         "a trail without TrailARN is identified by Name",
			dst:          Region{CloudTrail: &CloudTrail{Trails: []Trail{{Name: "t", S3BucketName: "b1"}}}},
			src:          Region{CloudTrail: &CloudTrail{Trails: []Trail{{Name: "t", S3BucketName: "b2"}, {Name: "u"}}}},
			want:         Region{CloudTrail: &CloudTrail{Trails: []Trail{{Name: "t", S3BucketName: "b2"}, {Name: "u"}}}},
			wantReplaced: []string{"trail t "},
		},
		{
			name: "clusters and instances by identifier",
			dst: Region{RDS: &RDS{
				DBClusters:  []DBCluster{{DBClusterIdentifier: "c", Engine: "aurora-mysql"}},
				DBInstances: []DBInstance{{DBInstanceIdentifier: "i", Engine: "mysql"}},
			}},
			src: Region{RDS: &RDS{
				DBClusters:  []DBCluster{{DBClusterIdentifier: "c", Engine: "aurora-postgresql"}},
				DBInstances: []DBInstance{{DBInstanceIdentifier: "i", Engine: "mysql", Derived: at("p.json")}},
			}},
			want: Region{RDS: &RDS{
				DBClusters:  []DBCluster{{DBClusterIdentifier: "c", Engine: "aurora-postgresql"}},
				DBInstances: []DBInstance{{DBInstanceIdentifier: "i", Engine: "mysql"}},
			}},
			wantReplaced: []string{"DB cluster c "},
		},
		{
			name: "keyed maps by key; metric filters' locations and alarm links do not count",
			dst: Region{Logs: &Logs{LogGroups: map[string]LogGroup{
				"g": {LogGroupName: "g", MetricFilters: []MetricFilter{{FilterName: "f", Derived: &MetricFilterDerived{Location: &Location{File: "x"}, AlarmNames: []string{"al"}}}}},
				"h": {LogGroupName: "h"},
			}}},
			src: Region{Logs: &Logs{LogGroups: map[string]LogGroup{
				"g": {LogGroupName: "g", MetricFilters: []MetricFilter{{FilterName: "f"}}},
				"h": {LogGroupName: "h", KmsKeyId: "k", Derived: at("t.yaml")},
			}}},
			want: Region{Logs: &Logs{LogGroups: map[string]LogGroup{
				"g": {LogGroupName: "g", MetricFilters: []MetricFilter{{FilterName: "f", Derived: &MetricFilterDerived{Location: &Location{File: "x"}, AlarmNames: []string{"al"}}}}},
				"h": {LogGroupName: "h", KmsKeyId: "k", Derived: at("t.yaml")},
			}}},
			wantReplaced: []string{"log group h t.yaml:3"},
		},
		{
			name: "alarms and parameter groups",
			dst: Region{CloudWatch: &CloudWatch{MetricAlarms: map[string]MetricAlarm{"a": {AlarmName: "a", StateValue: "OK"}}},
				RDS: &RDS{DBClusterParameterGroups: map[string]DBClusterParameterGroup{"pg": {DBClusterParameterGroupName: "pg"}}}},
			src: Region{CloudWatch: &CloudWatch{MetricAlarms: map[string]MetricAlarm{"a": {AlarmName: "a", StateValue: "ALARM"}}},
				RDS: &RDS{DBClusterParameterGroups: map[string]DBClusterParameterGroup{"pg": {DBClusterParameterGroupName: "pg", DBParameterGroupFamily: "f"}}}},
			want: Region{CloudWatch: &CloudWatch{MetricAlarms: map[string]MetricAlarm{"a": {AlarmName: "a", StateValue: "ALARM"}}},
				RDS: &RDS{DBClusterParameterGroups: map[string]DBClusterParameterGroup{"pg": {DBClusterParameterGroupName: "pg", DBParameterGroupFamily: "f"}}}},
			wantReplaced: []string{"DB cluster parameter group pg ", "alarm a "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := tt.dst
			var got []string
			for _, r := range MergeRegion(&dst, tt.src) {
				got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.ID, DescribeLocation(r.Location)))
			}
			if !reflect.DeepEqual(got, tt.wantReplaced) {
				t.Errorf("replaced = %q, want %q", got, tt.wantReplaced)
			}
			if dst.RDS != nil && tt.want.RDS != nil {
				if !reflect.DeepEqual(dst.RDS.DBClusters, tt.want.RDS.DBClusters) || !reflect.DeepEqual(dst.RDS.DBInstances, tt.want.RDS.DBInstances) ||
					!reflect.DeepEqual(dst.RDS.DBClusterParameterGroups, tt.want.RDS.DBClusterParameterGroups) {
					t.Errorf("rds = %+v, want %+v", *dst.RDS, *tt.want.RDS)
				}
			}
			for _, c := range []struct{ got, want any }{
				{dst.CloudTrail, tt.want.CloudTrail}, {dst.Logs, tt.want.Logs}, {dst.CloudWatch, tt.want.CloudWatch},
			} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("merged = %+v, want %+v", c.got, c.want)
				}
			}
		})
	}
}

func TestMergeGaps(t *testing.T) {
	g1 := Gap{AccountID: "1", Region: "r", Service: "rds", Operation: "DescribeDBClusters", ErrorCode: "NotExported"}
	g2 := g1
	g2.Operation = "DescribeDBInstances"
	got := MergeGaps(MergeGaps(nil, []Gap{g1, g2}), []Gap{g2, g1, g2})
	if want := []Gap{g1, g2}; !reflect.DeepEqual(got, want) {
		t.Errorf("MergeGaps = %+v, want %+v", got, want)
	}
}

// snapshotJSON builds a snapshot file with one account whose regions are given as JSON.
func snapshotJSON(regions ...string) string {
	return `{"schema_version": "1.0", "accounts": [{"account_id": "111122223333", "regions": [` + strings.Join(regions, ",") + `]}]}`
}

const (
	clusterA = `{"DBClusterIdentifier": "a", "DBClusterArn": "arn:aws:rds:us-east-1:111122223333:cluster:a", "Engine": "aurora-mysql"}`
	trailT   = `{"Name": "t", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}`
)

func rdsJSON(clusters string) string {
	return `"rds": {"db_clusters": [` + clusters + `], "db_instances": [], "db_cluster_parameter_groups": {}, "db_parameter_groups": {}, "option_groups": {}}`
}

func TestDecodeRefusesDuplicates(t *testing.T) {
	east := func(body string) string { return `{"region": "us-east-1", ` + body + `}` }
	tests := []struct {
		name    string
		data    string
		wantErr string // substring; "" = decodes
	}{
		{"one of each decodes", snapshotJSON(east(rdsJSON(clusterA))), ""},
		{
			"duplicate member in a cluster",
			snapshotJSON(east(rdsJSON(`{"DBClusterIdentifier": "a", "DBClusterIdentifier": "b", "DBClusterArn": "x", "Engine": "aurora-mysql"}`))),
			`s.json: line 1, column 160 ($.accounts[0].regions[0].rds.db_clusters[0].DBClusterIdentifier): duplicate member "DBClusterIdentifier" in one object`,
		},
		{
			"duplicate log group key, spelt with an escape",
			snapshotJSON(east(`"logs": {"log_groups": {"g": {"logGroupName": "g", "metric_filters": [], "subscription_filters": []}, "\u0067": {"logGroupName": "g", "metric_filters": [], "subscription_filters": []}}}`)),
			`($.accounts[0].regions[0].logs.log_groups.g): duplicate member "g" in one object`,
		},
		{
			"duplicate top-level member",
			`{"schema_version": "1.0", "accounts": [], "accounts": []}`,
			`s.json: line 1, column 43 ($.accounts): duplicate member "accounts"`,
		},
		{
			"same member names in sibling objects are fine",
			snapshotJSON(east(rdsJSON(clusterA + `, {"DBClusterIdentifier": "b", "DBClusterArn": "arn:aws:rds:us-east-1:111122223333:cluster:b", "Engine": "aurora-mysql"}`))),
			"",
		},
		{
			"the same cluster twice in one region",
			snapshotJSON(east(rdsJSON(clusterA + ", " + clusterA))),
			`s.json: $.accounts[0].regions[0].rds.db_clusters[1]: DB cluster "a" in 111122223333/us-east-1 is listed twice (also at $.accounts[0].regions[0].rds.db_clusters[0])`,
		},
		{
			"the same trail twice in one region",
			snapshotJSON(east(`"cloudtrail": {"trails": [` + trailT + `, ` + trailT + `]}`)),
			`$.accounts[0].regions[0].cloudtrail.trails[1]: trail "arn:aws:cloudtrail:us-east-1:111122223333:trail/t" in 111122223333/us-east-1 is listed twice`,
		},
		{
			"one TrailARN as a home trail in two regions",
			snapshotJSON(east(`"cloudtrail": {"trails": [`+trailT+`]}`), `{"region": "us-west-2", "cloudtrail": {"trails": [`+trailT+`]}}`),
			`s.json: $.accounts[0].regions[1].cloudtrail.trails[0]: TrailARN "arn:aws:cloudtrail:us-east-1:111122223333:trail/t" of account 111122223333 names two home-region trails (also at $.accounts[0].regions[0].cloudtrail.trails[0])`,
		},
		{
			"a shadow copy in another region is fine",
			snapshotJSON(east(`"cloudtrail": {"trails": [`+trailT+`]}`), `{"region": "us-west-2", "cloudtrail": {"trails": [{"Name": "t", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", "HomeRegion": "us-east-1"}]}}`),
			"",
		},
		{
			"the same region twice",
			snapshotJSON(east(rdsJSON(clusterA)), east(rdsJSON(""))),
			`s.json: $.accounts[0].regions[1]: Region us-east-1 of account 111122223333 is listed twice (also at $.accounts[0].regions[0])`,
		},
		{
			"the same account twice",
			`{"schema_version": "1.0", "accounts": [{"account_id": "111122223333", "regions": []}, {"account_id": "111122223333", "regions": []}]}`,
			`s.json: $.accounts[1]: account 111122223333 is listed twice (also at $.accounts[0])`,
		},
		{
			"an option listed twice in an option group",
			snapshotJSON(east(`"rds": {"db_clusters": [], "db_instances": [], "db_cluster_parameter_groups": {}, "db_parameter_groups": {}, "option_groups": {"og": {"OptionGroupName": "og", "Options": [{"OptionName": "MARIADB_AUDIT_PLUGIN"}, {"OptionName": "MARIADB_AUDIT_PLUGIN"}]}}}`)),
			`s.json: $.accounts[0].regions[0].rds.option_groups.og.Options[1]: option MARIADB_AUDIT_PLUGIN of option group "og" in 111122223333/us-east-1 is listed twice`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("s.json", []byte(tt.data))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Decode: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Decode succeeded, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Decode error\n %v\nwant it to contain\n %s", err, tt.wantErr)
			}
		})
	}
}

func TestDuplicateKeyScanIsLinear(t *testing.T) {
	// One object with many members and many small objects: both stay fast (no quadratic
	// comparison of member names).
	var b strings.Builder
	b.WriteString(`{"schema_version": "1.0", "accounts": [], "x": {`)
	for i := range 200000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d": {"a": 1, "b": [1, {"c": "\""}]}`, i)
	}
	b.WriteString(`}}`)
	if err := duplicateKey([]byte(b.String())); err != nil {
		t.Fatalf("duplicateKey: %v", err)
	}
}

// TestMergeRegionKeepsEmptyContainers: empty lists and maps stay empty, not null (the schema
// requires them).
func TestMergeRegionKeepsEmptyContainers(t *testing.T) {
	var dst Region
	MergeRegion(&dst, Region{
		RDS:        &RDS{DBClusters: []DBCluster{}, DBInstances: []DBInstance{}, OptionGroups: map[string]OptionGroup{}},
		CloudTrail: &CloudTrail{Trails: []Trail{}},
		Logs:       &Logs{LogGroups: map[string]LogGroup{}},
	})
	if dst.RDS.DBClusters == nil || dst.RDS.DBInstances == nil || dst.RDS.OptionGroups == nil || dst.CloudTrail.Trails == nil || dst.Logs.LogGroups == nil {
		t.Errorf("merged region has null containers: %+v %+v %+v", *dst.RDS, *dst.CloudTrail, *dst.Logs)
	}
}
