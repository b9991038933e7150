package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

type result struct {
	code   int
	stdout string
	stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A snapshot whose only cluster passes every rule that judges it, with nothing missing.
const passingSnapshot = `{
  "schema_version": "1.0",
  "generated_at": "2026-11-20T09:00:00Z",
  "accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1",
    "rds": {"db_clusters": [], "db_instances": [], "db_cluster_parameter_groups": {}, "db_parameter_groups": {}, "option_groups": {}}
  }]}]
}`

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	passing := writeFile(t, dir, "passing.json", passingSnapshot)
	withGap := writeFile(t, dir, "gap.json", strings.Replace(passingSnapshot, `"accounts"`,
		`"collection_gaps": [{"account_id": "123456789012", "region": "us-east-1", "service": "logs", "operation": "DescribeLogGroups", "error_code": "AccessDenied"}], "accounts"`, 1))
	unrelated := writeFile(t, dir, "package.json", `{"name": "web", "version": "1.0.0"}`)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"demo has failing findings", []string{"scan", "--demo"}, ExitFindings},
		{"file of unknown shape", []string{"scan", unrelated}, ExitError},
		{"file of unknown shape skipped (pre-commit)", []string{"scan", "--skip-unknown", unrelated}, ExitOK},
		{"nothing failing", []string{"scan", passing}, ExitOK},
		{"gaps without failures are incomplete", []string{"scan", withGap}, ExitIncomplete},
		{"fail-on above every failure, but demo has a gap", []string{"scan", "--demo", "--fail-on", "critical"}, ExitIncomplete},
		{"bad flag value", []string{"scan", "--demo", "--fail-on", "severe"}, ExitError},
		{"unknown flag", []string{"scan", "--demo", "--bogus"}, ExitError},
		{"unknown format", []string{"scan", "--demo", "--format", "xml"}, ExitError},
		{"collection flag with a file", []string{"scan", passing, "--regions", "us-east-1"}, ExitError},
		{"collection flag with --demo", []string{"scan", "--demo", "--all-parameters"}, ExitError},
		{"input flag with a file", []string{"scan", passing, "--region", "us-east-1"}, ExitOK},
		{"rules list", []string{"rules", "list"}, ExitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != tc.want {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, tc.want, r.stderr)
			}
			if tc.want == ExitError && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("error must be one line, got:\n%s", r.stderr)
			}
		})
	}
}

func TestScanBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    []string // substrings of the one-line error
	}{
		{"malformed JSON", "{\n  \"schema_version\": \"1.0\",\n  \"accounts\": [\n", []string{"bad.json", "line 4", "malformed JSON"}},
		{"syntax error", "{\n  \"schema_version\": \"1.0\",\n  \"accounts\": [}\n}", []string{"bad.json", "line 3, column 16"}},
		{"wrong type", `{"schema_version": "1.0", "accounts": [{"account_id": "1", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [{"DBClusterIdentifier": "a", "DBClusterArn": "x", "Engine": 5}], "db_instances": [], "db_cluster_parameter_groups": {}, "db_parameter_groups": {}, "option_groups": {}}}]}]}`,
			[]string{"bad.json", "$.accounts[0].regions[0].rds.db_clusters[0].Engine", "string"}},
		{"unknown field", `{"schema_version": "1.0", "accounts": [], "acounts": []}`, []string{"bad.json", "acounts"}},
		{"unknown schema version", `{"schema_version": "9.9", "accounts": []}`, []string{"bad.json", "$.schema_version", "9.9"}},
		{"not a snapshot", `{"hello": "world"}`, []string{"bad.json"}},
		{"empty file", ``, []string{"bad.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := writeFile(t, dir, "bad.json", tc.content)
			out := filepath.Join(dir, "report.json")
			r := run(t, "scan", in, "--format", "json", "--output", out)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d (stderr %q)", r.code, ExitError, r.stderr)
			}
			line := strings.TrimSpace(r.stderr)
			if strings.Contains(line, "\n") {
				t.Errorf("error is not one line: %q", line)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("error %q does not mention %q", line, w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("an output file was written despite the error")
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		r := run(t, "scan", filepath.Join(dir, "nope.json"))
		if r.code != ExitError || !strings.Contains(r.stderr, "nope.json") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		p := writeFile(t, dir, "locked.json", passingSnapshot)
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			// Root reads a file without permissions (CI runs as root); reading Linux's
			// /proc/self/mem from offset 0 fails with EIO for anyone.
			p = "/proc/self/mem"
			if _, err := os.Stat(p); err != nil {
				t.Skip("running as root without /proc/self/mem: no file root cannot read")
			}
		}
		r := run(t, "scan", p)
		if r.code != ExitError || !strings.Contains(r.stderr, p) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Fatalf("exit %d, stderr %q; want exit 2 and one line naming %s", r.code, r.stderr, p)
		}
	})
}

func TestScanTableOutput(t *testing.T) {
	r := run(t, "scan", "--demo")
	for _, want := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "FAIL", "PASS", "NOT_EVALUATED", "COLLECTION GAPS", "findings:"} {
		if want == "CRITICAL" {
			continue // the pack may have no critical rule
		}
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table output lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	last := strings.TrimSpace(r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:])
	if !strings.Contains(last, "failed") || !strings.Contains(last, "passed") {
		t.Errorf("last line is not the summary: %q", last)
	}
}

func TestScanWritesSeveralFormats(t *testing.T) {
	dir := t.TempDir()
	jsonOut := filepath.Join(dir, "r.json")
	r := run(t, "scan", "--demo", "--format", "table", "--format", "json="+jsonOut)
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ReportVersion string `json:"report_version"`
		Findings      []any  `json:"findings"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.ReportVersion == "" || len(doc.Findings) == 0 {
		t.Fatalf("bad JSON report (%v): %.200s", err, b)
	}
	if !strings.Contains(r.stdout, "findings:") {
		t.Error("table not written to stdout")
	}
	if r := run(t, "scan", "--demo", "--format", "table", "--format", "json"); r.code != ExitError {
		t.Errorf("two formats on stdout: exit %d, want %d", r.code, ExitError)
	}
}

// TestDemoJSONGolden is the end-to-end golden test: embedded demo → rules → JSON report.
// Regenerate with: go test ./internal/cli -run TestDemoJSONGolden -update
func TestDemoJSONGolden(t *testing.T) {
	// The build's own version (a release stamp, or "(devel)") is not part of the golden.
	defer func(v string) { Version = v }(Version)
	Version = "test"
	r := run(t, "scan", "--demo", "--format", "json")
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "demo-report.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != r.stdout {
		t.Errorf("JSON report differs from %s; if the change is intended, rerun with -update\n%s", golden, firstDiff(string(want), r.stdout))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

// TestRulesListFitsWidth: `rules list` fits the terminal width like the scan's table, and
// still names every rule.
func TestRulesListFitsWidth(t *testing.T) {
	for _, width := range []string{"80", "120"} {
		t.Setenv("COLUMNS", width)
		r := run(t, "rules", "list")
		if r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		limit, _ := strconv.Atoi(width)
		for _, line := range strings.Split(r.stdout, "\n") {
			if n := utf8.RuneCountInString(line); n > limit {
				t.Errorf("COLUMNS=%s: a line of %d columns: %q", width, n, line)
			}
		}
		for _, id := range []string{"DBAUDIT-CT-001", "DBAUDIT-RDS-024", "DBAUDIT-LOGS-006"} {
			if !strings.Contains(r.stdout, id) {
				t.Errorf("COLUMNS=%s: %s missing", width, id)
			}
		}
	}
}
