package snapshot

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/snapshot.schema.json")

const schemaDoc = "../../docs/snapshot.schema.json"

// TestPublishedSchemaIsCurrent keeps docs/snapshot.schema.json equal to the schema generated
// from the Go types (regenerate with: go test ./internal/snapshot -run Schema -update).
func TestPublishedSchemaIsCurrent(t *testing.T) {
	want, err := SchemaJSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaDoc, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date; run go test ./internal/snapshot -run Schema -update", schemaDoc)
	}
}

// TestExamplesValidate checks every snapshot example in the repository against the schema.
func TestExamplesValidate(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("../../testdata/inputs/golden/*.json")
	examples = append(examples, "../../testdata/demo/snapshot.json")
	for _, p := range examples {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(data); err != nil {
				t.Fatal(err)
			}
			if _, err := Decode(p, data); err != nil {
				t.Fatal(err)
			}
		})
	}
	if len(examples) < 2 {
		t.Fatalf("found only %d examples", len(examples))
	}
}

func TestValidateNamesThePath(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"wrong type", `{"schema_version":"1.0","accounts":[{"account_id":"1","regions":[{"region":"x","logs":{"log_groups":{"/aws/rds/x":{"logGroupName":"/aws/rds/x","retentionInDays":"long","metric_filters":[],"subscription_filters":[]}}}}]}]}`,
			`$.accounts[0].regions[0].logs.log_groups["/aws/rds/x"].retentionInDays`},
		{"unknown member", `{"schema_version":"1.0","accounts":[{"account_id":"1","regions":[{"region":"x","rds":{"db_clusters":[{"DBClusterIdentifier":"a","DBClusterArn":"b","Engine":"aurora-mysql","EnabledCloudwatchLogExports":["audit"]}],"db_instances":[],"db_cluster_parameter_groups":{},"db_parameter_groups":{},"option_groups":{}}}]}]}`,
			"EnabledCloudwatchLogExports"},
		{"missing required", `{"schema_version":"1.0"}`, "accounts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %s", err, tc.want)
			}
		})
	}
}
