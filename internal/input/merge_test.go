package input

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// copyExport copies the scenario's AWS CLI export to dir.
func copyExport(t *testing.T, dir string) {
	t.Helper()
	src, err := filepath.Abs("../../testdata/inputs/awscli/scenario")
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		out := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

const (
	orgTrailARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail"
	// orgTrailTemplate declares the export's org-trail with another bucket.
	orgTrailTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrgTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: org-trail
      S3BucketName: template-bucket
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
`
	twoClustersTemplate = `Resources:
  A:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: audit
      Engine: aurora-mysql
  B:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: Audit
      Engine: aurora-postgresql
`
	twoClustersPlan = `{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
  {"address": "aws_rds_cluster.a", "mode": "managed", "type": "aws_rds_cluster", "name": "a",
   "provider_name": "registry.terraform.io/hashicorp/aws",
   "change": {"actions": ["create"], "after": {"cluster_identifier": "audit", "engine": "aurora-mysql"}, "after_unknown": {}}},
  {"address": "aws_rds_cluster.b", "mode": "managed", "type": "aws_rds_cluster", "name": "b",
   "provider_name": "registry.terraform.io/hashicorp/aws",
   "change": {"actions": ["create"], "after": {"cluster_identifier": "audit", "engine": "aurora-mysql"}, "after_unknown": {}}}
]}`
)

// scenarioSnapshot is a snapshot file of account 111122223333 with one cluster, one trail
// (in bucket) and one collection gap.
func scenarioSnapshot(bucket string) string {
	return `{"schema_version": "1.0", "accounts": [{"account_id": "111122223333", "regions": [{"region": "us-east-1",
  "rds": {"db_clusters": [{"DBClusterIdentifier": "c", "DBClusterArn": "arn:aws:rds:us-east-1:111122223333:cluster:c", "Engine": "aurora-mysql"}],
          "db_instances": [], "db_cluster_parameter_groups": {}, "db_parameter_groups": {}, "option_groups": {}},
  "cloudtrail": {"trails": [{"Name": "main", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", "S3BucketName": "` + bucket + `"}]}}]}],
  "collection_gaps": [{"account_id": "111122223333", "region": "us-east-1", "service": "logs", "operation": "DescribeLogGroups", "error_code": "AccessDenied"}]}`
}

// westTrailSnapshot holds the scenario snapshot's trail main as a home trail of us-west-2.
const westTrailSnapshot = `{"schema_version": "1.0", "accounts": [{"account_id": "111122223333", "regions": [{"region": "us-west-2",
  "cloudtrail": {"trails": [{"Name": "main", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}]}}]}]}`

func trails(s *snapshot.Snapshot, account, region string) []snapshot.Trail {
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			if a.AccountID == account && r.Region == region && r.CloudTrail != nil {
				return r.CloudTrail.Trails
			}
		}
	}
	return nil
}

func bucketOf(t *testing.T, s *snapshot.Snapshot, account, region, arn string) string {
	t.Helper()
	var buckets []string
	for _, tr := range trails(s, account, region) {
		if tr.TrailARN == arn {
			buckets = append(buckets, tr.S3BucketName)
		}
	}
	if len(buckets) != 1 {
		t.Fatalf("trail %s in %s/%s: %d copies, want 1", arn, account, region, len(buckets))
	}
	return buckets[0]
}

// TestSeveralInputs: a resource in several inputs is judged once, a later PATH overriding
// an earlier one with a notice; identical copies and gaps collapse silently; inputs that
// hold a resource twice are input errors.
func TestSeveralInputs(t *testing.T) {
	binary := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
	tests := []struct {
		name      string
		files     map[string]string // written to the working directory; "exports/" is the scenario export
		args      []string
		wantNotes []string // notices about overrides
		wantErr   string   // the whole error
		check     func(t *testing.T, s *snapshot.Snapshot)
	}{
		{
			name:      "export then template: the template's trail wins",
			files:     map[string]string{"template.yaml": orgTrailTemplate},
			args:      []string{"exports", "template.yaml"},
			wantNotes: []string{"trail " + orgTrailARN + " in 123456789012/us-east-1: template.yaml overrides exports/us-east-1/describe-trails.json"},
			check: func(t *testing.T, s *snapshot.Snapshot) {
				if got := bucketOf(t, s, "123456789012", "us-east-1", orgTrailARN); got != "template-bucket" {
					t.Errorf("bucket = %s, want the template's", got)
				}
			},
		},
		{
			name:      "template then export: the export's place is where it was named",
			files:     map[string]string{"template.yaml": orgTrailTemplate},
			args:      []string{"template.yaml", "exports"},
			wantNotes: []string{"trail " + orgTrailARN + " in 123456789012/us-east-1: exports/us-east-1/describe-trails.json overrides template.yaml"},
			check: func(t *testing.T, s *snapshot.Snapshot) {
				if got := bucketOf(t, s, "123456789012", "us-east-1", orgTrailARN); got != "audit-trail-bucket" {
					t.Errorf("bucket = %s, want the export's", got)
				}
			},
		},
		{
			name:  "one snapshot twice: identical copies and gaps collapse silently",
			files: map[string]string{"a.json": scenarioSnapshot("b1"), "copy.json": scenarioSnapshot("b1")},
			args:  []string{"a.json", "copy.json"},
			check: func(t *testing.T, s *snapshot.Snapshot) {
				if n := len(s.Accounts[0].Regions[0].RDS.DBClusters); n != 1 {
					t.Errorf("%d clusters, want 1", n)
				}
				if n := len(s.CollectionGaps); n != 1 {
					t.Errorf("%d gaps, want 1", n)
				}
				bucketOf(t, s, "111122223333", "us-east-1", "arn:aws:cloudtrail:us-east-1:111122223333:trail/main")
			},
		},
		{
			name:      "a later snapshot overrides a changed trail",
			files:     map[string]string{"a.json": scenarioSnapshot("b1"), "b.json": scenarioSnapshot("b2")},
			args:      []string{"a.json", "b.json"},
			wantNotes: []string{"trail arn:aws:cloudtrail:us-east-1:111122223333:trail/main in 111122223333/us-east-1: b.json overrides a.json"},
			check: func(t *testing.T, s *snapshot.Snapshot) {
				if got := bucketOf(t, s, "111122223333", "us-east-1", "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"); got != "b2" {
					t.Errorf("bucket = %s, want b.json's", got)
				}
			},
		},
		{
			name:  "three inputs override in command-line order",
			files: map[string]string{"template.yaml": orgTrailTemplate, "t2.yaml": strings.Replace(orgTrailTemplate, "template-bucket", "last-bucket", 1)},
			args:  []string{"template.yaml", "exports", "t2.yaml"},
			wantNotes: []string{
				"trail " + orgTrailARN + " in 123456789012/us-east-1: exports/us-east-1/describe-trails.json overrides template.yaml",
				"trail " + orgTrailARN + " in 123456789012/us-east-1: t2.yaml overrides exports/us-east-1/describe-trails.json",
			},
			check: func(t *testing.T, s *snapshot.Snapshot) {
				if got := bucketOf(t, s, "123456789012", "us-east-1", orgTrailARN); got != "last-bucket" {
					t.Errorf("bucket = %s, want t2.yaml's", got)
				}
			},
		},
		{
			name:    "one TrailARN as the home trail of two regions",
			files:   map[string]string{"a.json": scenarioSnapshot("b1"), "west.json": westTrailSnapshot},
			args:    []string{"a.json", "west.json"},
			wantErr: `TrailARN "arn:aws:cloudtrail:us-east-1:111122223333:trail/main" of account 111122223333 names two home-region trails: us-east-1 (a.json) and us-west-2 (west.json)`,
		},
		{
			name:    "a template declaring one cluster twice",
			files:   map[string]string{"t.yaml": twoClustersTemplate},
			args:    []string{"t.yaml"},
			wantErr: `t.yaml: DB cluster "audit" in 123456789012/us-east-1 is declared twice: line 2, column 3 and line 7, column 3`,
		},
		{
			name:    "a plan declaring one cluster twice",
			files:   map[string]string{"plan.json": twoClustersPlan},
			args:    []string{"plan.json"},
			wantErr: `plan.json: DB cluster "audit" in 123456789012/us-east-1 is declared twice: line 2, column 3 and line 5, column 3`,
		},
		{
			name: "a template listing one option twice in an option group",
			files: map[string]string{"og.yaml": `Resources:
  OG:
    Type: AWS::RDS::OptionGroup
    Properties:
      OptionGroupName: og
      EngineName: mysql
      MajorEngineVersion: "8.0"
      OptionGroupDescription: x
      OptionConfigurations:
        - OptionName: MARIADB_AUDIT_PLUGIN
        - OptionName: MARIADB_AUDIT_PLUGIN
`},
			args:    []string{"og.yaml"},
			wantErr: `og.yaml: option MARIADB_AUDIT_PLUGIN of option group "og" in 123456789012/us-east-1 is declared twice (line 2, column 3)`,
		},
		{
			name:    "a snapshot with a duplicate member",
			files:   map[string]string{"dup.json": `{"schema_version": "1.0", "accounts": [{"account_id": "1", "account_id": "2", "regions": []}]}`},
			args:    []string{"dup.json"},
			wantErr: `dup.json: line 1, column 60 ($.accounts[0].account_id): duplicate member "account_id" in one object`,
		},
		{
			name:    "a binary file named .yaml",
			files:   map[string]string{"x.yaml": binary},
			args:    []string{"x.yaml"},
			wantErr: "x.yaml: not JSON or YAML (binary data at byte 0)",
		},
		{
			name:    "a binary file with a text prefix",
			files:   map[string]string{"bin": "ab\x00cd"},
			args:    []string{"bin"},
			wantErr: "bin: not JSON or YAML (binary data at byte 2)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyExport(t, filepath.Join(dir, "exports"))
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			var notes []string
			opts := scenarioOpts
			opts.Notice = func(msg string) {
				if strings.Contains(msg, " overrides ") {
					notes = append(notes, msg)
				}
			}
			s, err := Load(context.Background(), tt.args, opts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Load error = %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(notes, tt.wantNotes) {
				t.Errorf("notes = %q\nwant %q", notes, tt.wantNotes)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

// TestBinaryInDirectory: inside a directory a binary file is skipped with a notice.
func TestBinaryInDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "logo.yaml"), []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(scenarioSnapshot("b1")), 0o644); err != nil {
		t.Fatal(err)
	}
	var notes []string
	if _, err := Load(context.Background(), []string{dir}, Options{Notice: func(m string) { notes = append(notes, m) }}); err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{filepath.Join(dir, "logo.yaml") + ": skipped: not JSON or YAML (binary data)"}
	if !reflect.DeepEqual(notes, want) {
		t.Errorf("notes = %q, want %q", notes, want)
	}
}

// TestSeveralInputsEvaluate: the rules judge a merged export and template without an
// evaluation conflict, one verdict per rule and resource.
func TestSeveralInputsEvaluate(t *testing.T) {
	for _, args := range [][]string{{"exports", "template.yaml"}, {"template.yaml", "exports"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			copyExport(t, filepath.Join(dir, "exports"))
			if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(orgTrailTemplate), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			s := load(t, scenarioOpts, args...)
			fs := evaluate(t, s)
			if len(fs) == 0 {
				t.Fatal("no findings")
			}
			verdictsOf(t, fs)
		})
	}
}
