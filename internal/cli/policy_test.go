package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/cli"
)

// Policy-control tests: config file, waivers, selection, frameworks, custom rules, and the
// `rules test` / `rules doc` commands. Most scans use the small rule set in
// testdata/policy/rules (TEST-RDS-001 HIGH, TEST-LOGS-001 MEDIUM) with --no-builtin over
// testdata/policy/snapshot.json, where by default:
//   - TEST-RDS-001 fails on cluster legacy and passes on cluster orders;
//   - TEST-LOGS-001 fails on the orders audit log group (90 days < 365).

type cliResult struct {
	code           int
	stdout, stderr string
}

func runScanner(t *testing.T, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func policyTestdata(t *testing.T) (snapshot, rulesDir string) {
	return abs(t, "testdata/policy/snapshot.json"), abs(t, "testdata/policy/rules")
}

type scanCase struct {
	name    string
	config  string   // scanner.yaml content ("" = no config)
	waivers string   // --waivers file content ("" = none)
	args    []string // extra flags
	code    int
	out     []string // substrings of stdout
	notOut  []string // substrings stdout must not have
	errOut  []string // substrings of stderr
}

func (tc scanCase) run(t *testing.T) {
	t.Helper()
	// The table's width (docs/output-formats.md): wide enough that no phrase checked wraps.
	t.Setenv("COLUMNS", "200")
	snap, rulesDir := policyTestdata(t)
	dir := t.TempDir()
	args := []string{"scan", "--no-builtin", "--rules", rulesDir}
	if tc.config != "" {
		args = append(args, "--config", write(t, dir, "scanner.yaml", tc.config))
	}
	if tc.waivers != "" {
		args = append(args, "--waivers", write(t, dir, "waivers.yaml", tc.waivers))
	}
	args = append(append(args, tc.args...), snap)
	res := runScanner(t, args...)
	if res.code != tc.code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tc.code, res.stdout, res.stderr)
	}
	for _, s := range tc.out {
		if !strings.Contains(res.stdout, s) && !strings.Contains(tableText(res.stdout), s) {
			t.Errorf("stdout lacks %q:\n%s", s, res.stdout)
		}
	}
	for _, s := range tc.notOut {
		if strings.Contains(res.stdout, s) {
			t.Errorf("stdout has %q:\n%s", s, res.stdout)
		}
	}
	for _, s := range tc.errOut {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, res.stderr)
		}
	}
}

func TestScanConfig(t *testing.T) {
	tests := []scanCase{
		{name: "defaults without config", code: 1,
			out: []string{"TEST-RDS-001", "cluster legacy does not export", "keeps events 90 days"}},
		{name: "parameter default fails the log group", args: []string{"--rule", "TEST-LOGS-001"}, code: 1,
			out: []string{"FAIL", "keeps events 90 days"}},
		{name: "config parameter passes the log group", config: "parameters:\n  min_log_retention_days: 30\n", args: []string{"--rule", "TEST-LOGS-001"}, code: 0,
			out: []string{"PASS", "1 finding: 0 failed, 1 passed"}, notOut: []string{"keeps events"}},
		{name: "rule turned off in config", config: "rules:\n  TEST-RDS-001:\n    enabled: false\n", args: []string{"--fail-on", "high"}, code: 0,
			out: []string{"TEST-LOGS-001"}, notOut: []string{"TEST-RDS-001"}},
		{name: "rule left on in config", config: "rules:\n  TEST-RDS-001:\n    enabled: true\n", args: []string{"--fail-on", "high"}, code: 1,
			out: []string{"TEST-RDS-001"}},
		{name: "explicit --rule wins over config off", config: "rules:\n  TEST-RDS-001:\n    enabled: false\n", args: []string{"--rule", "TEST-RDS-001"}, code: 1,
			out: []string{"TEST-RDS-001"}},
		{name: "severity override below --fail-on", config: "rules:\n  TEST-RDS-001:\n    severity: low\n", args: []string{"--rule", "TEST-RDS-001", "--fail-on", "medium"}, code: 0,
			out: []string{"LOW (2)"}, notOut: []string{"HIGH"}},
		{name: "no severity override", args: []string{"--rule", "TEST-RDS-001", "--fail-on", "medium"}, code: 1,
			out: []string{"HIGH (2)"}},
		{name: "default --fail-on from config", config: "fail_on: critical\n", code: 0,
			out: []string{"2 failed"}},
		{name: "--fail-on flag wins over config", config: "fail_on: critical\n", args: []string{"--fail-on", "high"}, code: 1},
		{name: "config fail_on medium still fails on medium", config: "fail_on: medium\n", args: []string{"--rule", "TEST-LOGS-001"}, code: 1},

		{name: "typo: unknown top-level key", config: "version: 1\nparameterz:\n  min_log_retention_days: 30\n", code: 2,
			errOut: []string{"scanner.yaml:2: parameterz: unknown key \"parameterz\""}},
		{name: "typo: unknown rule setting", config: "rules:\n  TEST-RDS-001:\n    enable: false\n", code: 2,
			errOut: []string{"scanner.yaml:3: rules.TEST-RDS-001.enable: unknown key"}},
		{name: "wrong type: enabled", config: "rules:\n  TEST-RDS-001:\n    enabled: \"off\"\n", code: 2,
			errOut: []string{"scanner.yaml:3: rules.TEST-RDS-001.enabled: want true or false"}},
		{name: "wrong type: fail_on", config: "fail_on: [high]\n", code: 2,
			errOut: []string{"scanner.yaml:1: fail_on: want a severity"}},
		{name: "typo: unknown parameter", config: "# tuning\nparameters:\n  min_log_retention_dayz: 30\n", code: 2,
			errOut: []string{"scanner.yaml:3: parameters.min_log_retention_dayz: unknown parameter"}},
		{name: "wrong type: parameter", config: "parameters:\n  min_log_retention_days: thirty\n", code: 2,
			errOut: []string{"scanner.yaml:2: parameters.min_log_retention_days: parameter \"min_log_retention_days\" is a string, want a number (default 365)"}},
		{name: "typo: unknown rule id", config: "rules:\n  TEST-RDS-01:\n    enabled: false\n", code: 2,
			errOut: []string{"scanner.yaml:2: rules.TEST-RDS-01: unknown rule id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestScanConfigDefaultsToWorkingDirectory(t *testing.T) {
	snap, rulesDir := policyTestdata(t)
	dir := t.TempDir()
	t.Chdir(dir)
	args := []string{"scan", "--no-builtin", "--rules", rulesDir, "--rule", "TEST-LOGS-001", snap}
	if res := runScanner(t, args...); res.code != 1 {
		t.Fatalf("without scanner.yaml: exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
	}
	write(t, dir, "scanner.yaml", "parameters:\n  min_log_retention_days: 30\n")
	if res := runScanner(t, args...); res.code != 0 {
		t.Fatalf("with ./scanner.yaml: exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
	}
	write(t, dir, "scanner.yaml", "parameterz: {}\n")
	if res := runScanner(t, args...); res.code != 2 || !strings.Contains(res.stderr, "scanner.yaml:1: parameterz") {
		t.Fatalf("with a broken ./scanner.yaml: exit %d, want 2\n%s", res.code, res.stderr)
	}
	if res := runScanner(t, append([]string{"scan", "--config", filepath.Join(dir, "missing.yaml")}, args[1:]...)...); res.code != 2 || !strings.Contains(res.stderr, "missing.yaml") {
		t.Fatalf("missing --config: exit %d, want 2\n%s", res.code, res.stderr)
	}
}

const legacyARN = "arn:aws:rds:eu-west-1:111122223333:cluster:legacy"

func waiverYAML(resource, expires string) string {
	return "waivers:\n  - rule: TEST-RDS-001\n    resource: " + resource + "\n    account: \"111122223333\"\n    region: eu-west-1\n    reason: Legacy cluster, decommissioned in Q1\n    owner: dba-team\n    expires: " + expires + "\n"
}

func TestScanWaivers(t *testing.T) {
	only := []string{"--rule", "TEST-RDS-001"}
	tests := []scanCase{
		{name: "waiver in config applies", config: waiverYAML(legacyARN, "2999-12-31"), args: only, code: 0,
			out: []string{"WAIVED", "waived: Legacy cluster, decommissioned in Q1", "0 failed, 1 passed, 0 not evaluated, 1 waived"}},
		{name: "waiver file applies", waivers: waiverYAML(legacyARN, "2999-12-31"), args: only, code: 0,
			out: []string{"WAIVED", "waived: Legacy cluster"}},
		{name: "waived finding never counts toward --fail-on", config: waiverYAML(legacyARN, "2999-12-31"), args: append([]string{"--fail-on", "informational"}, only...), code: 0},
		{name: "glob resource", config: waiverYAML("'arn:aws:rds:*:111122223333:cluster:leg*'", "2999-12-31"), args: only, code: 0,
			out: []string{"WAIVED"}},
		{name: "without the waiver the finding fails", args: only, code: 1,
			notOut: []string{"WAIVED"}},
		{name: "expired waiver fails again and says so", config: waiverYAML(legacyARN, "2020-01-01"), args: only, code: 1,
			out: []string{"FAIL", "(waiver expired on 2020-01-01)"}, notOut: []string{"WAIVED"}},
		{name: "stale waiver is reported", config: waiverYAML("arn:aws:rds:eu-west-1:111122223333:cluster:gone", "2999-12-31"), args: only, code: 1,
			out: []string{"STALE WAIVERS (1)", "matches no failing finding", "cluster:gone", "1 stale waiver"}},
		{name: "waiver for an unknown rule is stale", waivers: strings.Replace(waiverYAML(legacyARN, "2999-12-31"), "TEST-RDS-001", "TEST-RDS-404", 1), args: only, code: 1,
			out: []string{"STALE WAIVERS (1)", `no loaded rule matches "TEST-RDS-404"`}},
		{name: "waiver without reason", config: "waivers:\n  - rule: TEST-RDS-001\n    resource: '*'\n    expires: 2999-01-01\n", code: 2,
			errOut: []string{"scanner.yaml:2: waivers[0]: reason is required"}},
		{name: "waiver with a bad date", waivers: waiverYAML(legacyARN, "next-year"), code: 2,
			errOut: []string{"waivers.yaml:8: waivers[0].expires: want a date YYYY-MM-DD"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

type jsonOutput struct {
	Summary struct {
		Fail, Pass, Waived int
	} `json:"summary"`
	Findings []struct {
		RuleID     string `json:"rule_id"`
		Status     string `json:"status"`
		Severity   string `json:"severity"`
		ResourceID string `json:"resource_id"`
		Reason     string `json:"reason"`
		Waiver     *struct {
			Reason, Owner, Expires string
			Expired                bool
		} `json:"waiver"`
	} `json:"findings"`
	Compliance []struct {
		Framework string `json:"framework"`
		Name      string `json:"name"`
		Controls  []struct {
			ID                 string `json:"id"`
			Status             string `json:"status"`
			Pass, Fail, Waived int
			NotEvaluated       int      `json:"not_evaluated"`
			Rules              []string `json:"rules"`
		} `json:"controls"`
	} `json:"compliance_summary"`
	StaleWaivers []struct {
		Rule, Resource, Why, Source, Expires string
	} `json:"stale_waivers"`
}

func scanJSON(t *testing.T, config string, args ...string) (jsonOutput, int) {
	t.Helper()
	snap, rulesDir := policyTestdata(t)
	all := []string{"scan", "--no-builtin", "--rules", rulesDir, "-f", "json"}
	if config != "" {
		all = append(all, "--config", write(t, t.TempDir(), "scanner.yaml", config))
	}
	res := runScanner(t, append(append(all, args...), snap)...)
	if res.code == 2 {
		t.Fatalf("exit 2: %s", res.stderr)
	}
	var out jsonOutput
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("decode json output: %v\n%s", err, res.stdout)
	}
	return out, res.code
}

func TestScanWaiversJSON(t *testing.T) {
	out, code := scanJSON(t, waiverYAML(legacyARN, "2999-12-31"), "--rule", "TEST-RDS-001")
	if code != 0 || out.Summary.Waived != 1 || out.Summary.Fail != 0 {
		t.Fatalf("exit %d, summary %+v", code, out.Summary)
	}
	for _, f := range out.Findings {
		if f.ResourceID == legacyARN && (f.Status != "WAIVED" || f.Reason != "Legacy cluster, decommissioned in Q1" || f.Waiver == nil || f.Waiver.Owner != "dba-team" || f.Waiver.Expires != "2999-12-31") {
			t.Errorf("waived finding = %+v", f)
		}
	}

	out, code = scanJSON(t, waiverYAML(legacyARN, "2020-01-01"), "--rule", "TEST-RDS-001")
	if code != 1 || out.Summary.Fail != 1 {
		t.Fatalf("expired: exit %d, summary %+v", code, out.Summary)
	}
	for _, f := range out.Findings {
		if f.ResourceID == legacyARN && (f.Status != "FAIL" || f.Waiver == nil || !f.Waiver.Expired || !strings.Contains(f.Reason, "waiver expired on 2020-01-01")) {
			t.Errorf("expired-waiver finding = %+v", f)
		}
	}

	out, _ = scanJSON(t, waiverYAML("arn:aws:rds:*:cluster:gone", "2999-12-31"), "--rule", "TEST-RDS-001")
	if len(out.StaleWaivers) != 1 || out.StaleWaivers[0].Why != "matches no failing finding" || !strings.HasSuffix(out.StaleWaivers[0].Source, "scanner.yaml:2") {
		t.Errorf("stale waivers = %+v", out.StaleWaivers)
	}
}

func TestScanSelection(t *testing.T) {
	tests := []scanCase{
		{name: "--rule", args: []string{"--rule", "TEST-RDS-001"}, code: 1,
			out: []string{"TEST-RDS-001"}, notOut: []string{"TEST-LOGS-001"}},
		{name: "--rule glob", args: []string{"--rule", "TEST-LOGS-*"}, code: 1,
			out: []string{"TEST-LOGS-001"}, notOut: []string{"TEST-RDS-001"}},
		{name: "--skip-rule", args: []string{"--skip-rule", "TEST-RDS-001"}, code: 1,
			out: []string{"TEST-LOGS-001"}, notOut: []string{"TEST-RDS-001"}},
		{name: "--severity", args: []string{"--severity", "high"}, code: 1,
			out: []string{"TEST-RDS-001"}, notOut: []string{"TEST-LOGS-001"}},
		{name: "--severity list", args: []string{"--severity", "high,medium"}, code: 1,
			out: []string{"TEST-RDS-001", "TEST-LOGS-001"}},
		{name: "--framework selects and summarises", args: []string{"--framework", "nist"}, code: 1,
			out: []string{"TEST-RDS-001", "COMPLIANCE NIST SP 800-53 Rev. 5 (2 controls)", "| AU-2 ", "| AU-12 "}, notOut: []string{"TEST-LOGS-001"}},
		{name: "no summary without --framework", code: 1,
			notOut: []string{"COMPLIANCE"}},
		{name: "--framework without mapped rules", args: []string{"--framework", "hipaa"}, code: 2,
			errOut: []string{"--framework hipaa: no loaded rule is mapped to this framework (frameworks with mapped rules: aws-securityhub, nist-800-53-r5)"}},
		{name: "--rule naming no rule", args: []string{"--rule", "TEST-RDS-999"}, code: 2,
			errOut: []string{"--rule TEST-RDS-999: no loaded rule matches"}},
		{name: "nothing selected", args: []string{"--severity", "critical"}, code: 2,
			errOut: []string{"no rules selected"}},
		{name: "bad --severity", args: []string{"--severity", "urgent"}, code: 2,
			errOut: []string{"--severity: unknown severity"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestScanFrameworkSummaryJSON(t *testing.T) {
	out, code := scanJSON(t, waiverYAML(legacyARN, "2999-12-31"), "--framework", "fsbp")
	if code != 1 || len(out.Compliance) != 1 || out.Compliance[0].Framework != "aws-securityhub" {
		t.Fatalf("exit %d, compliance %+v", code, out.Compliance)
	}
	got := map[string]string{}
	for _, c := range out.Compliance[0].Controls {
		got[c.ID] = c.Status
		switch c.ID {
		case "RDS.34":
			if c.Pass != 1 || c.Waived != 1 || c.Fail != 0 || len(c.Rules) != 1 || c.Rules[0] != "TEST-RDS-001" {
				t.Errorf("RDS.34 = %+v", c)
			}
		case "CloudWatch.16":
			if c.Fail != 1 {
				t.Errorf("CloudWatch.16 = %+v", c)
			}
		}
	}
	if got["RDS.34"] != "WAIVED" || got["CloudWatch.16"] != "FAIL" || len(got) != 2 {
		t.Errorf("control statuses = %v", got)
	}
}

// customRule is testdata/policy/rules/export/export.rego with one edit applied.
func customRuleDir(t *testing.T, old, new string) string {
	t.Helper()
	src, err := os.ReadFile("testdata/policy/rules/export/export.rego")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("export.rego has no %q", old)
	}
	dir := t.TempDir()
	write(t, dir, "export/export.rego", strings.Replace(string(src), old, new, 1))
	return dir
}

func TestScanCustomRules(t *testing.T) {
	snap, rulesDir := policyTestdata(t)

	t.Run("with the built-in rules", func(t *testing.T) {
		res := runScanner(t, "scan", "--rules", rulesDir, "-f", "json", snap)
		if res.code == 2 || !strings.Contains(res.stdout, `"TEST-RDS-001"`) || !strings.Contains(res.stdout, `"DBAUDIT-RDS-001"`) {
			t.Fatalf("exit %d; want built-in and custom rules\n%s", res.code, res.stderr)
		}
	})
	t.Run("--no-builtin leaves the built-in rules out", func(t *testing.T) {
		res := runScanner(t, "scan", "--no-builtin", "--rules", rulesDir, "-f", "json", snap)
		if res.code != 1 || strings.Contains(res.stdout, "DBAUDIT-") || !strings.Contains(res.stdout, `"TEST-RDS-001"`) {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	})
	t.Run("--no-builtin without --rules has nothing to run", func(t *testing.T) {
		res := runScanner(t, "scan", "--no-builtin", snap)
		if res.code != 2 || !strings.Contains(res.stderr, "no rules selected") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
	})
	t.Run("example rule", func(t *testing.T) {
		data, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		tagged := strings.Replace(string(data), `"DBClusterIdentifier": "legacy",`, `"DBClusterIdentifier": "legacy", "TagList": [{"Key": "data-classification", "Value": "restricted"}],`, 1)
		res := runScanner(t, "scan", "--no-builtin", "--rules", abs(t, "../../examples/rules"), write(t, t.TempDir(), "snap.json", tagged))
		if res.code != 1 || !strings.Contains(res.stdout, "ACME-RDS-001") || !strings.Contains(res.stdout, "Restricted cluster legacy has no running Database Activity Stream") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	})

	refused := []struct {
		name, old, new string
		want           []string
	}{
		{"http.send", `not "audit" in`, `http.send({"method": "GET", "url": "https://example.com"}).status_code == 200
	not "audit" in`, []string{"export/export.rego:29", "undefined function http.send"}},
		{"net.lookup_ip_addr", `not "audit" in`, `count(net.lookup_ip_addr("example.com")) > 0
	not "audit" in`, []string{"undefined function net.lookup_ip_addr"}},
		{"opa.runtime", `not "audit" in`, `opa.runtime().env.AWS_SECRET_ACCESS_KEY != ""
	not "audit" in`, []string{"undefined function opa.runtime"}},
		{"misspelt input path", "some cluster in region.rds.db_clusters\n\tnot", "some cluster in region.rds.db_clusterz\n\tnot", []string{"export/export.rego:28", "db_clusterz", "want (one of)"}},
		{"missing severity", "#   severity: HIGH\n", "", []string{"export/export.rego:1: METADATA: custom.severity is required"}},
		{"missing remediation", "#     text: Export the audit log.\n", "", []string{"export/export.rego:1: METADATA: custom.remediation.text must be a non-empty string"}},
		{"duplicate of a built-in id", "id: TEST-RDS-001", "id: DBAUDIT-RDS-001", []string{"custom.id DBAUDIT-RDS-001 is already used"}},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			dir := customRuleDir(t, tc.old, tc.new)
			args := []string{"scan", "--rules", dir, snap}
			if tc.name != "duplicate of a built-in id" {
				args = append([]string{"scan", "--no-builtin"}, args[1:]...)
			}
			res := runScanner(t, args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", res.code, res.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
		})
	}
}

func TestRulesTestCommand(t *testing.T) {
	httpSend := customRuleDir(t, `not "audit" in`, "http.send({\"method\": \"GET\", \"url\": \"https://example.com\"})\n\tnot \"audit\" in")
	tests := []struct {
		name string
		args []string
		code int
		out  string
		err  string
	}{
		{"example rules pass", []string{"rules", "test", "../../examples/rules"}, 0, "PASS: 5/5", ""},
		{"verbose lists tests", []string{"rules", "test", "-v", "../../examples/rules"}, 0, "test_passes_when_stream_started: PASS", ""},
		{"failing test", []string{"rules", "test", "testdata/policy/failing"}, 1, "FAIL: 1/2", ""},
		{"no tests", []string{"rules", "test", "testdata/policy/rules"}, 2, "", "no tests found"},
		{"sandbox applies to tests", []string{"rules", "test", httpSend}, 2, "", "undefined function http.send"},
		{"missing directory", []string{"rules", "test", "testdata/policy/nope"}, 2, "", "testdata/policy/nope"},
		{"built-in rules", []string{"rules", "test"}, 0, "PASS: ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runScanner(t, tc.args...)
			if res.code != tc.code || !strings.Contains(res.stdout, tc.out) || !strings.Contains(res.stderr, tc.err) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", res.code, tc.code, res.stdout, res.stderr)
			}
		})
	}
}

// TestRulesDocInSync keeps docs/rules.md equal to `scanner rules doc`.
func TestRulesDocInSync(t *testing.T) {
	res := runScanner(t, "rules", "doc")
	if res.code != 0 {
		t.Fatalf("rules doc: exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"# Rule reference", "## Parameters", "`min_log_retention_days` | `365`", "### DBAUDIT-RDS-001"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("rules doc lacks %q", want)
		}
	}
	file := filepath.Join(t.TempDir(), "rules.md")
	if res := runScanner(t, "rules", "doc", "-o", file); res.code != 0 {
		t.Fatalf("rules doc -o: exit %d: %s", res.code, res.stderr)
	}
	written, err := os.ReadFile(file)
	if err != nil || string(written) != res.stdout {
		t.Fatalf("rules doc -o wrote something else than stdout (err %v)", err)
	}
	committed, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatalf("read docs/rules.md: %v (generate it: go run ./cmd/scanner rules doc -o docs/rules.md)", err)
	}
	if string(committed) != res.stdout {
		t.Errorf("docs/rules.md is out of date with the rule metadata; regenerate it: go run ./cmd/scanner rules doc -o docs/rules.md")
	}
}

// TestExampleConfigLoads keeps examples/scanner.yaml valid against the built-in rules.
func TestExampleConfigLoads(t *testing.T) {
	res := runScanner(t, "scan", "--demo", "--config", "../../examples/scanner.yaml", "-f", "json")
	if res.code == 2 {
		t.Fatalf("examples/scanner.yaml does not load: %s", res.stderr)
	}
}

// tableText joins the table's wrapped cell lines: borders and padding become single spaces,
// so a phrase wrapped across two lines of a cell still reads as one.
func tableText(out string) string {
	var words []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "+") {
			continue // a border line
		}
		words = append(words, strings.Fields(strings.ReplaceAll(line, "|", " "))...)
	}
	return strings.Join(words, " ")
}
