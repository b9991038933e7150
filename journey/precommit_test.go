package journey

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// hookEntry returns the command line of a pre-commit hook in .pre-commit-hooks.yaml.
func hookEntry(t *testing.T, id string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID    string   `yaml:"id"`
		Entry string   `yaml:"entry"`
		Args  []string `yaml:"args"`
	}
	if err := yaml.Unmarshal(raw, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	for _, h := range hooks {
		if h.ID == id {
			return append(strings.Fields(h.Entry), h.Args...)
		}
	}
	t.Fatalf(".pre-commit-hooks.yaml has no hook %s", id)
	return nil
}

// verdicts maps "rule resource" to status in a JSON report.
func verdicts(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			RuleID     string `json:"rule_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range rep.Findings {
		out[f.RuleID+" "+f.ResourceID] = f.Status
	}
	return out
}

// TestPreCommitHook runs the hook as pre-commit does (entry, args, the changed files): a
// changed export file is judged with the rest of its export directory, and unrelated files
// are skipped.
func TestPreCommitHook(t *testing.T) {
	entry := hookEntry(t, "scanner-scan-system")
	if entry[0] != "scanner" {
		t.Fatalf("the system hook runs %q, not scanner", entry[0])
	}
	w := newWorkspace(t)
	writeFile(t, w.path("package.json"), []byte(`{"name": "unrelated"}`))
	whole := w.run(t, nil, "scan", "exports/", "-f", "json=whole.json")

	args := append(append([]string(nil), entry[1:]...), "-f", "json=hook.json",
		"exports/us-east-1/describe-db-clusters.json", "package.json")
	r := w.run(t, nil, args...)
	if r.code != whole.code {
		t.Fatalf("the hook exits %d, scanning the directory %d: %s", r.code, whole.code, r)
	}
	want, got := verdicts(t, w.path("whole.json")), verdicts(t, w.path("hook.json"))
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: hook says %q, the directory scan %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the hook judges %d findings, the directory scan %d", len(got), len(want))
	}

	// A commit that touches no input: nothing to judge, exit 0.
	r = w.run(t, nil, append(append([]string(nil), entry[1:]...), "package.json")...)
	if r.code != 0 {
		t.Errorf("a commit of unrelated files: want exit 0, got %s", r)
	}
}
