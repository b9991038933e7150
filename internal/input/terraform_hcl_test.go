package input

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// compactScenarioPlan is the scenario plan as `terraform show -json` writes it: one line.
func compactScenarioPlan(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/inputs/terraform/scenario.tfplan.json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// modulePlan declares one cluster in a local module, one in a registry module and one in a
// local module whose directory is missing.
const modulePlan = `{"format_version":"1.2","terraform_version":"1.11.4",
"resource_changes":[
 {"address":"module.db.aws_rds_cluster.main","module_address":"module.db","mode":"managed","type":"aws_rds_cluster","name":"main",
  "change":{"actions":["create"],"after":{"cluster_identifier":"local-module-cluster","engine":"aurora-mysql"},"after_unknown":{}}},
 {"address":"module.db.module.inner.aws_rds_cluster.deep[0]","module_address":"module.db.module.inner","mode":"managed","type":"aws_rds_cluster","name":"deep","index":0,
  "change":{"actions":["create"],"after":{"cluster_identifier":"nested-module-cluster","engine":"aurora-mysql"},"after_unknown":{}}},
 {"address":"module.aurora.aws_rds_cluster.this[0]","module_address":"module.aurora","mode":"managed","type":"aws_rds_cluster","name":"this","index":0,
  "change":{"actions":["create"],"after":{"cluster_identifier":"registry-module-cluster","engine":"aurora-mysql"},"after_unknown":{}}},
 {"address":"module.gone.aws_rds_cluster.main","module_address":"module.gone","mode":"managed","type":"aws_rds_cluster","name":"main",
  "change":{"actions":["create"],"after":{"cluster_identifier":"missing-dir-cluster","engine":"aurora-mysql"},"after_unknown":{}}}
],
"configuration":{"root_module":{"module_calls":{
 "db":{"source":"./modules/db","module":{
   "resources":[{"address":"aws_rds_cluster.main","mode":"managed","type":"aws_rds_cluster","name":"main"}],
   "module_calls":{"inner":{"source":"../inner","module":{"resources":[{"address":"aws_rds_cluster.deep","mode":"managed","type":"aws_rds_cluster","name":"deep"}]}}}}},
 "aurora":{"source":"terraform-aws-modules/rds-aurora/aws","module":{"resources":[{"address":"aws_rds_cluster.this","mode":"managed","type":"aws_rds_cluster","name":"this"}]}},
 "gone":{"source":"./modules/gone","module":{"resources":[{"address":"aws_rds_cluster.main","mode":"managed","type":"aws_rds_cluster","name":"main"}]}}
}}}}`

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func clusterLocations(t *testing.T, s *snapshot.Snapshot) map[string]*snapshot.Location {
	t.Helper()
	out := map[string]*snapshot.Location{}
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			if r.RDS == nil {
				continue
			}
			for _, c := range r.RDS.DBClusters {
				if c.Derived == nil {
					out[c.DBClusterIdentifier] = nil
					continue
				}
				out[c.DBClusterIdentifier] = c.Derived.Location
			}
		}
	}
	return out
}

// TestPlanLocationsFromConfiguration: a finding on a plan's resource points at its resource
// block in the .tf files beside the plan (root module, local modules; the module block for
// a registry module), and at the plan itself when the configuration is not there.
func TestPlanLocationsFromConfiguration(t *testing.T) {
	type want struct {
		file      string // relative to the test directory
		line, col int
	}
	tests := []struct {
		name    string
		plan    []byte
		files   map[string]string
		want    map[string]want
		notices []string
	}{
		{
			name: "root module",
			plan: compactScenarioPlan(t),
			files: map[string]string{
				"main.tf": "terraform {\n  required_version = \">= 1.5\"\n}\n\nresource \"aws_rds_cluster\" \"audit\" {\n  cluster_identifier = \"audit-cluster\"\n}\n",
				// a second file, indented, and an override that must not win
				"clusters.tf":          "# noaudit\n\n  resource \"aws_rds_cluster\" \"noaudit\" {\n    engine = \"aurora-mysql\"\n  }\n",
				"override.tf":          "resource \"aws_rds_cluster\" \"audit\" {\n  apply_immediately = true\n}\n",
				"unrelated.txt":        "resource \"aws_rds_cluster\" \"noaudit\" {}\n",
				"modules/x/ignored.tf": "resource \"aws_rds_cluster\" \"audit\" {}\n",
			},
			want: map[string]want{
				"audit-cluster":   {"main.tf", 5, 1},
				"noaudit-cluster": {"clusters.tf", 3, 3},
			},
		},
		{
			name: "no configuration beside the plan",
			plan: compactScenarioPlan(t),
			want: map[string]want{
				"audit-cluster":   {"plan.json", 1, 0},
				"noaudit-cluster": {"plan.json", 1, 0},
			},
		},
		{
			name: "configuration without the block",
			plan: compactScenarioPlan(t),
			files: map[string]string{
				"main.tf": "resource \"aws_rds_cluster\" \"audit\" {}\n",
			},
			want: map[string]want{
				"audit-cluster":   {"main.tf", 1, 1},
				"noaudit-cluster": {"plan.json", 1, 0},
			},
		},
		{
			name: "JSON configuration syntax",
			plan: compactScenarioPlan(t),
			files: map[string]string{
				"main.tf.json": "{\n  \"resource\": {\n    \"aws_rds_cluster\": {\n      \"audit\": {\n        \"engine\": \"aurora-mysql\"\n      }\n    }\n  }\n}\n",
			},
			want: map[string]want{
				"audit-cluster": {"main.tf.json", 4, 16}, // the block's opening brace
			},
		},
		{
			name: "unparseable file",
			plan: compactScenarioPlan(t),
			files: map[string]string{
				"main.tf":   "resource \"aws_rds_cluster\" \"audit\" {\n",
				"second.tf": "\n\nresource \"aws_rds_cluster\" \"noaudit\" {}\n",
			},
			want: map[string]want{
				"audit-cluster":   {"plan.json", 1, 0},
				"noaudit-cluster": {"second.tf", 3, 1},
			},
			notices: []string{"main.tf: not read for resource locations"},
		},
		{
			name: "modules",
			plan: []byte(strings.ReplaceAll(modulePlan, "\n", "")),
			files: map[string]string{
				"main.tf":               "module \"db\" {\n  source = \"./modules/db\"\n}\n\nmodule \"aurora\" {\n  source = \"terraform-aws-modules/rds-aurora/aws\"\n}\n\nmodule \"gone\" {\n  source = \"./modules/gone\"\n}\n",
				"modules/db/main.tf":    "variable \"x\" {}\n\nresource \"aws_rds_cluster\" \"main\" {\n  engine = \"aurora-mysql\"\n}\n\nmodule \"inner\" {\n  source = \"../inner\"\n}\n",
				"modules/inner/main.tf": "resource \"aws_rds_cluster\" \"deep\" {\n  count = 1\n}\n",
			},
			want: map[string]want{
				"local-module-cluster":    {"modules/db/main.tf", 3, 1},
				"nested-module-cluster":   {"modules/inner/main.tf", 1, 1},
				"registry-module-cluster": {"main.tf", 5, 1},
				"missing-dir-cluster":     {"plan.json", 1, 0},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			planPath := filepath.Join(dir, "plan.json")
			if err := os.WriteFile(planPath, tc.plan, 0o644); err != nil {
				t.Fatal(err)
			}
			var notices []string
			opts := scenarioOpts
			opts.Notice = func(msg string) { notices = append(notices, msg) }
			s := load(t, opts, planPath)
			got := clusterLocations(t, s)
			for id, w := range tc.want {
				loc, ok := got[id]
				if !ok {
					t.Errorf("cluster %s not in the snapshot (have %v)", id, got)
					continue
				}
				if loc == nil {
					t.Errorf("cluster %s has no location", id)
					continue
				}
				wantFile := filepath.Join(dir, filepath.FromSlash(w.file))
				if loc.File != wantFile || loc.Line != w.line || (w.col != 0 && loc.Column != w.col) {
					t.Errorf("cluster %s at %s:%d:%d, want %s:%d:%d", id, loc.File, loc.Line, loc.Column, wantFile, w.line, w.col)
				}
			}
			for _, n := range tc.notices {
				found := false
				for _, got := range notices {
					found = found || strings.Contains(got, n)
				}
				if !found {
					t.Errorf("no notice %q in %q", n, notices)
				}
			}
		})
	}
}

func TestIsLocalModuleSource(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"./modules/db", true},
		{"../shared/db", true},
		{"terraform-aws-modules/rds-aurora/aws", false},
		{"git::https://example.com/db.git", false},
		{"modules/db", false}, // Terraform reads this as a registry address
		{"", false},
	}
	for _, tc := range tests {
		if got := isLocalModuleSource(tc.src); got != tc.want {
			t.Errorf("isLocalModuleSource(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}
