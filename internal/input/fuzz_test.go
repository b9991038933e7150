package input

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// The fuzz targets of the importers (docs/reliability.md, "Fuzzing"). `go test` replays
// the seeds and testdata/fuzz; a campaign runs one target with one worker, e.g.
//
//	go test ./internal/input -run '^$' -fuzz '^FuzzImportFile$' -fuzztime 1000000x -parallel 1
//
// Each target builds its heavy state (the compiled snapshot schema) once, outside the
// fuzz function, and checks more than "no panic": an error is one line and names the
// input; a successful import is a snapshot that passes the snapshot schema.

// fuzzState is what every exec shares: the schema compiled once for decoding snapshot
// inputs and for validating what the importers produce.
type fuzzState struct {
	dec *snapshot.Decoder
	val *snapshot.Validator
}

func newFuzzState(f *testing.F) *fuzzState {
	f.Helper()
	dec, err := snapshot.NewDecoder()
	if err != nil {
		f.Fatal(err)
	}
	val, err := snapshot.NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzState{dec: dec, val: val}
}

// check imports data as name and asserts the properties of the result.
func (st *fuzzState) check(t *testing.T, name string, data []byte) {
	t.Helper()
	s, err := importOne(name, data, Options{}, st.dec)
	if err != nil {
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("%s: error of more than one line: %q", name, msg)
		}
		if !strings.Contains(msg, name) {
			t.Fatalf("%s: error does not name the input: %q", name, msg)
		}
		return
	}
	if s == nil {
		t.Fatalf("%s: nil snapshot without an error", name)
	}
	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := st.val.Validate(buf.Bytes()); err != nil {
		t.Fatalf("%s: imported snapshot fails the snapshot schema: %v\n%s", name, err, buf.Bytes())
	}
}

// addSeeds adds the files matching the patterns (relative to the repository root) below
// max bytes, each through add.
func addSeeds(f *testing.F, max int, add func(name string, data []byte), patterns ...string) {
	f.Helper()
	for _, pat := range patterns {
		paths, _ := filepath.Glob(filepath.Join("../..", pat))
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil && len(data) <= max {
				add(filepath.Base(p), data)
			}
		}
	}
}

// fuzzName keeps a fuzzed file name usable: file names hold no line breaks or NULs (an
// error names the file, and must stay one line).
func fuzzName(name, fallback string) string {
	if name == "" || strings.ContainsAny(name, "\n\r\x00") || len(name) > 200 {
		return fallback
	}
	return name
}

// FuzzImportFile feeds arbitrary bytes to the importers under a fuzzed file name (the seeds
// carry every kind: JSON, YAML, exports with a subject, templates): kind detection decides
// which importer reads them. The per-shape targets below feed each importer directly.
func FuzzImportFile(f *testing.F) {
	st := newFuzzState(f)
	addSeeds(f, 200_000, func(n string, d []byte) { f.Add(n, d) },
		"testdata/inputs/*/*.*", "testdata/inputs/awscli/scenario/*/*.json", "testdata/demo/snapshot.json",
		"testdata/cli-examples/*.json")
	f.Add("template.yaml", []byte("Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      KMSKeyId: !Ref T\n"))
	f.Add("plan.json", []byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`))
	f.Add("describe-db-clusters.json", []byte(`{"DBClusters":[{"DBClusterIdentifier":null}]}`))
	f.Add("x.json", []byte(`{"a\nb":1}`))
	f.Add("t.json", []byte(`{"Resources":{"A":{"Type":"AWS::RDS::DBCluster","Properties":{"X":{"Fn::GetAttt\n":"a"}}}}}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		st.check(t, fuzzName(name, "x.json"), data)
	})
}

// cliExportNames are file names of every AWS CLI export shape the importer reads.
var cliExportNames = []string{
	"describe-db-clusters.json", "describe-db-instances.json",
	"describe-db-cluster-parameter-groups.json", "describe-db-parameter-groups.json",
	"describe-db-cluster-parameters.cpg.json", "describe-db-parameters.pg.json",
	"describe-engine-default-cluster-parameters.aurora-mysql8.0.json", "describe-engine-default-parameters.mysql8.0.json",
	"describe-option-groups.json", "describe-log-groups.json",
	"describe-metric-filters.json", "describe-subscription-filters.lg.json", "describe-alarms.json",
	"describe-trails.json", "get-trail-status.trail.json", "get-event-selectors.trail.json",
	"get-caller-identity.json", "export-errors.json",
}

// FuzzAWSCLIExport feeds each AWS CLI export shape: kind selects the file name (the
// command), data is the export.
func FuzzAWSCLIExport(f *testing.F) {
	st := newFuzzState(f)
	kindOf := func(name string) uint8 {
		cmd, _ := commandFromName(name)
		for i, n := range cliExportNames {
			if c, _ := commandFromName(n); c == cmd {
				return uint8(i)
			}
		}
		return 0
	}
	addSeeds(f, 100_000, func(n string, d []byte) { f.Add(kindOf(n), d) },
		"testdata/inputs/awscli/scenario/*/*.json", "testdata/cli-examples/*.json")
	f.Add(uint8(0), []byte(`{"DBClusters":[{"DBClusterIdentifier":null}]}`))
	f.Add(uint8(16), []byte(`{"UserId":"AIDA","Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/x"}`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		st.check(t, cliExportNames[int(kind)%len(cliExportNames)], data)
	})
}

// FuzzTerraformPlan feeds `terraform show -json` plans.
func FuzzTerraformPlan(f *testing.F) {
	st := newFuzzState(f)
	addSeeds(f, 100_000, func(_ string, d []byte) { f.Add(d) },
		"testdata/inputs/terraform/*.json", "testdata/external/checkov/tests/terraform/*/resources/plan_*/*.json",
		"testdata/external/checkov/tests/common/runner_registry/plan_*/*.json")
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`))
	f.Add([]byte(modulePlan))
	f.Fuzz(func(t *testing.T, data []byte) {
		st.check(t, "plan.json", data)
	})
}

// FuzzCloudFormation feeds CloudFormation templates, as YAML (short-form intrinsics such as
// !Ref and !Sub) and as JSON (long-form Fn:: intrinsics): yaml selects the file name.
func FuzzCloudFormation(f *testing.F) {
	st := newFuzzState(f)
	addSeeds(f, 100_000, func(n string, d []byte) { f.Add(!strings.HasSuffix(n, ".json"), d) },
		"testdata/inputs/cloudformation/*.*",
		"testdata/external/checkov/tests/cloudformation/checks/resource/aws/example_*/*.yaml",
		"testdata/external/checkov/tests/cloudformation/checks/resource/aws/example_*/*.json")
	f.Add(true, []byte("Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      KMSKeyId: !Ref T\n      S3BucketName: !Sub '${AWS::StackName}-logs'\n      IsLogging: !If [C, true, !GetAtt X.Y]\n"))
	f.Add(false, []byte(`{"Resources":{"L":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":{"Fn::Join":["",["/aws/rds/",{"Ref":"AWS::Region"}]]},"RetentionInDays":{"Fn::FindInMap":["M","a","b"]}}}}}`))
	f.Fuzz(func(t *testing.T, yaml bool, data []byte) {
		name := "template.json"
		if yaml {
			name = "template.yaml"
		}
		st.check(t, name, data)
	})
}

// FuzzTerraformHCL feeds the reader of Terraform configuration files (*.tf, and *.tf.json
// when json is set) that locates a plan's resources: it must record blocks or return a
// one-line error, never panic, and every location it records is in the file.
func FuzzTerraformHCL(f *testing.F) {
	f.Add(false, []byte("resource \"aws_rds_cluster\" \"main\" {\n  cluster_identifier = \"c\"\n}\n\nmodule \"db\" {\n  source = \"./modules/db\"\n}\n"))
	f.Add(false, []byte("locals {\n  x = \"${var.a}-${upper(\"b\")}\"\n}\nresource \"a\" \"b\" {\n  dynamic \"x\" {\n    for_each = [1]\n    content { y = x.value }\n  }\n}\n"))
	f.Add(false, []byte("variable \"v\" {\n  default = <<EOT\nheredoc\nEOT\n}\n"))
	f.Add(true, []byte(`{"resource":{"aws_rds_cluster":{"main":{"cluster_identifier":"c"}}},"module":{"db":{"source":"./db"}}}`))
	f.Fuzz(func(t *testing.T, json bool, data []byte) {
		path := "main.tf"
		if json {
			path = "main.tf.json"
		}
		ix := &tfDirIndex{resources: map[string]snapshot.Location{}, modules: map[string]snapshot.Location{}}
		if err := ix.add(hclparse.NewParser(), path, data); err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error of more than one line: %q", msg)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, m := range []map[string]snapshot.Location{ix.resources, ix.modules} {
			for key, loc := range m {
				if loc.File != path || loc.Line < 1 || loc.Line > lines || loc.Column < 1 {
					t.Fatalf("%s: location %+v outside the %d-line file", key, loc, lines)
				}
			}
		}
	})
}
