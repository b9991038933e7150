package input

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzImportFile feeds arbitrary bytes to the importers under every file name kind: they
// must return a snapshot or an error, never panic. `go test` runs the seeds; fuzz with
// go test ./internal/input -run '^$' -fuzz FuzzImportFile -fuzztime 60s
func FuzzImportFile(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/inputs/*/*.*")
	more, _ := filepath.Glob("../../testdata/inputs/awscli/scenario/*/*.json")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil && len(data) < 200_000 {
			f.Add(filepath.Base(p), data)
		}
	}
	f.Add("template.yaml", []byte("Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      KMSKeyId: !Ref T\n"))
	f.Add("plan.json", []byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`))
	f.Add("describe-db-clusters.json", []byte(`{"DBClusters":[{"DBClusterIdentifier":null}]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for _, n := range []string{name, "x.json", "x.yaml", "describe-db-parameters.pg.json", "get-trail-status.t.json"} {
			s, err := ImportFile(n, data, Options{})
			if err == nil && s == nil {
				t.Fatalf("%s: nil snapshot without an error", n)
			}
		}
	})
}
