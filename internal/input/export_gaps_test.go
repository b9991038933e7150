package input

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// copyDir copies the files of src (recursively) into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// wantGap is a collection gap expected in a snapshot: the fields that identify it and a
// substring of its message.
type wantGap struct {
	operation, resource, code, message string
}

func findGap(gaps []snapshot.Gap, w wantGap) *snapshot.Gap {
	for i, g := range gaps {
		if g.Operation == w.operation && g.Resource == w.resource && g.ErrorCode == w.code && strings.Contains(g.Message, w.message) {
			return &gaps[i]
		}
	}
	return nil
}

// TestCLIExportMissingFiles: a file a judged resource needs, missing from an export
// directory, is a collection gap naming the file and the command that writes it, so the
// rules that need it are NOT_EVALUATED with that reason (and the scan exits 3: gaps); a
// failure recorded by scripts/export-aws-cli.sh is a gap with the recorded error code.
func TestCLIExportMissingFiles(t *testing.T) {
	repoRoot(t)
	const scenario = "testdata/inputs/awscli/scenario"
	if gaps := load(t, Options{}, scenario).CollectionGaps; len(gaps) != 0 {
		t.Fatalf("the complete scenario export has gaps: %+v", gaps)
	}
	const acct = "123456789012/us-east-1 "
	tests := []struct {
		name    string
		remove  []string          // files under us-east-1/
		write   map[string]string // files under us-east-1/
		gaps    []wantGap
		verdict string // "RULE resource=STATUS"
		reason  string // substring of that verdict's reason
	}{
		{name: "option group of an instance",
			remove:  []string{"describe-option-groups.mysql-audit-og.json"},
			gaps:    []wantGap{{"DescribeOptionGroups", "mysql-audit-og", "NotExported", "describe-option-groups.json is missing from DIR/us-east-1: run aws rds describe-option-groups --region us-east-1 > describe-option-groups.json (or scripts/export-aws-cli.sh)"}},
			verdict: "DBAUDIT-RDS-022 audited-mysql=NOT_EVALUATED", reason: "rds DescribeOptionGroups failed: NotExported"},
		{name: "option group missing from a complete listing",
			remove:  []string{"describe-option-groups.mysql-audit-og.json", "describe-option-groups.empty-og.json"},
			write:   map[string]string{"describe-option-groups.json": `{"OptionGroupsList": [{"OptionGroupName": "empty-og", "Options": []}]}`},
			gaps:    []wantGap{{"DescribeOptionGroups", "mysql-audit-og", "NotExported", "describe-option-groups.mysql-audit-og.json is missing from DIR/us-east-1: run aws rds describe-option-groups --option-group-name mysql-audit-og --region us-east-1 > describe-option-groups.mysql-audit-og.json"}},
			verdict: "DBAUDIT-RDS-022 audited-mysql=NOT_EVALUATED", reason: "rds DescribeOptionGroups failed: NotExported"},
		{name: "parameters of a listed cluster parameter group",
			remove:  []string{"describe-db-cluster-parameters.audit-cluster-pg.json"},
			gaps:    []wantGap{{"DescribeDBClusterParameters", "audit-cluster-pg", "NotExported", "describe-db-cluster-parameters.audit-cluster-pg.json is missing from DIR/us-east-1: run aws rds describe-db-cluster-parameters --db-cluster-parameter-group-name audit-cluster-pg --region us-east-1 > describe-db-cluster-parameters.audit-cluster-pg.json"}},
			verdict: "DBAUDIT-RDS-002 audit-cluster=NOT_EVALUATED", reason: "audit-cluster-pg is not in the snapshot (rds DescribeDBClusterParameters failed: NotExported)"},
		{name: "parameters of an instance's group",
			remove:  []string{"describe-db-parameters.pgaudit-pg.json"},
			gaps:    []wantGap{{"DescribeDBParameters", "pgaudit-pg", "NotExported", "describe-db-parameters.pgaudit-pg.json is missing"}},
			verdict: "DBAUDIT-RDS-016 app-postgres=NOT_EVALUATED", reason: "rds DescribeDBParameters failed: NotExported"},
		{name: "no CloudWatch Logs files for exported logs",
			remove: []string{"describe-log-groups.json", "describe-metric-filters.json", "describe-subscription-filters.1.json", "describe-subscription-filters.2.json"},
			gaps: []wantGap{{"DescribeLogGroups", "", "NotExported", "describe-log-groups.json is missing from DIR/us-east-1: run aws logs describe-log-groups --region us-east-1 > describe-log-groups.json"},
				{"DescribeMetricFilters", "", "NotExported", "describe-metric-filters.json is missing"}},
			verdict: "DBAUDIT-LOGS-001 audit-cluster=NOT_EVALUATED", reason: "logs DescribeLogGroups failed: NotExported"},
		{name: "no alarms",
			remove:  []string{"describe-alarms.json"},
			gaps:    []wantGap{{"DescribeAlarms", "", "NotExported", "run aws cloudwatch describe-alarms --region us-east-1 > describe-alarms.json"}},
			verdict: "DBAUDIT-LOGS-004 /aws/rds/cluster/audit-cluster/audit=NOT_EVALUATED", reason: "cloudwatch DescribeAlarms failed: NotExported"},
		{name: "trail status",
			remove:  []string{"get-trail-status.org-trail.json"},
			gaps:    []wantGap{{"GetTrailStatus", "org-trail", "NotExported", "get-trail-status.org-trail.json is missing from DIR/us-east-1: run aws cloudtrail get-trail-status --name arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail --region us-east-1"}},
			verdict: "DBAUDIT-CT-005 org-trail=NOT_EVALUATED", reason: "cloudtrail GetTrailStatus failed: NotExported"},
		{name: "no trails for the databases",
			remove:  []string{"describe-trails.json", "get-trail-status.org-trail.json", "get-trail-status.local-trail.json", "get-event-selectors.org-trail.json", "get-event-selectors.local-trail.json"},
			gaps:    []wantGap{{"DescribeTrails", "", "NotExported", "describe-trails.json is missing"}},
			verdict: "DBAUDIT-CT-002 123456789012=NOT_EVALUATED", reason: "cloudtrail DescribeTrails failed: NotExported"},
		{name: "recorded failure instead of NotExported",
			remove: []string{"describe-option-groups.mysql-audit-og.json"},
			write: map[string]string{"export-errors.json": `{"ExportErrors": [{"Region": "us-east-1", "Service": "rds", "Command": "describe-option-groups",
				"Arguments": "--option-group-name mysql-audit-og", "Subject": "mysql-audit-og", "File": "describe-option-groups.mysql-audit-og.json",
				"Operation": "DescribeOptionGroups", "ErrorCode": "AccessDenied", "Message": "An error occurred (AccessDenied) when calling the DescribeOptionGroups operation: no"}]}`},
			gaps:    []wantGap{{"DescribeOptionGroups", "mysql-audit-og", "AccessDenied", "aws rds describe-option-groups --option-group-name mysql-audit-og failed during the export (recorded in DIR/us-east-1/export-errors.json): An error occurred (AccessDenied)"}},
			verdict: "DBAUDIT-RDS-022 audited-mysql=NOT_EVALUATED", reason: "rds DescribeOptionGroups failed: AccessDenied"},
		{name: "recorded failure of engine defaults",
			write: map[string]string{"export-errors.json": `{"ExportErrors": [{"Region": "us-east-1", "Service": "rds", "Command": "describe-engine-default-cluster-parameters",
				"Arguments": "--db-parameter-group-family aurora-mysql8.0", "Subject": "aurora-mysql8.0", "ErrorCode": "InternalFailure", "Message": "not implemented"}]}`},
			gaps:    []wantGap{{"DescribeEngineDefaultClusterParameters", "aurora-mysql8.0", "InternalFailure", "not implemented"}},
			verdict: "DBAUDIT-RDS-004 audit-cluster=NOT_EVALUATED", reason: "(rds DescribeEngineDefaultClusterParameters failed: InternalFailure)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, scenario)
			region := filepath.Join(dir, "us-east-1")
			for _, f := range tt.remove {
				if err := os.Remove(filepath.Join(region, f)); err != nil {
					t.Fatal(err)
				}
			}
			for f, content := range tt.write {
				if err := os.WriteFile(filepath.Join(region, f), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := load(t, Options{}, dir)
			for _, w := range tt.gaps {
				w.message = strings.ReplaceAll(w.message, "DIR", dir)
				if findGap(s.CollectionGaps, w) == nil {
					t.Errorf("no gap %+v in %+v", w, s.CollectionGaps)
				}
			}
			if len(s.CollectionGaps) != len(tt.gaps) {
				t.Errorf("%d gaps, want %d: %+v", len(s.CollectionGaps), len(tt.gaps), s.CollectionGaps)
			}
			rule, rest, _ := strings.Cut(tt.verdict, " ")
			resource, status, _ := strings.Cut(rest, "=")
			f, ok := verdictsOf(t, evaluate(t, s))[rule+" "+acct+resource]
			if !ok || string(f.Status) != status || !strings.Contains(f.Reason, tt.reason) {
				t.Errorf("%s: %s %q, want %s with %q", tt.verdict, f.Status, f.Reason, status, tt.reason)
			}
		})
	}
}

// fakeAWS is an aws CLI stand-in for scripts/export-aws-cli.sh: one cluster whose parameter
// group cannot be read (AccessDenied), describe-trails without a connection, empty listings
// for the rest.
const fakeAWS = `#!/usr/bin/env bash
args="$*"
case "$args" in
  *"sts get-caller-identity"*) echo '{"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/t", "UserId": "t"}' ;;
  *"describe-db-clusters --query"*) echo audit-pg ;;
  *"--query"*) ;;
  *"rds describe-db-clusters"*) echo '{"DBClusters": [{"DBClusterIdentifier": "c1", "DBClusterArn": "arn:aws:rds:us-east-1:111122223333:cluster:c1",
    "Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.05.2", "DBClusterParameterGroup": "audit-pg", "DBClusterMembers": []}]}' ;;
  *"describe-db-cluster-parameters"*)
    printf 'An error occurred (AccessDenied) when calling the DescribeDBClusterParameters operation: "user" \\ is not\tauthorized\nsecond line\n' >&2; exit 254 ;;
  *"cloudtrail describe-trails"*) echo 'Could not connect to the endpoint URL: "https://cloudtrail.us-east-1.amazonaws.com/"' >&2; exit 255 ;;
  *"describe-db-instances"*) echo '{"DBInstances": []}' ;;
  *"describe-db-cluster-parameter-groups"*) echo '{"DBClusterParameterGroups": [{"DBClusterParameterGroupName": "audit-pg", "DBParameterGroupFamily": "aurora-mysql8.0"}]}' ;;
  *"describe-db-parameter-groups"*) echo '{"DBParameterGroups": []}' ;;
  *"describe-option-groups"*) echo '{"OptionGroupsList": []}' ;;
  *"describe-log-groups"*) echo '{"logGroups": []}' ;;
  *"describe-metric-filters"*) echo '{"metricFilters": []}' ;;
  *"describe-alarms"*) echo '{"MetricAlarms": [], "CompositeAlarms": []}' ;;
  *) echo "fake aws: unexpected call: $args" >&2; exit 2 ;;
esac
`

// TestExportScriptRecordsFailures: scripts/export-aws-cli.sh records each failed call in
// export-errors.json, and the importer turns each into a gap with the call's error code.
func TestExportScriptRecordsFailures(t *testing.T) {
	repoRoot(t)
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "export")
	cmd := exec.Command("bash", "scripts/export-aws-cli.sh", "-o", out, "us-east-1")
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	stderr, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("export: %v, want exit status 1 (calls failed)\n%s", err, stderr)
	}
	if txt, err := os.ReadFile(filepath.Join(out, "us-east-1", "export-errors.txt")); err != nil || strings.Count(string(txt), "\n") != 2 {
		t.Errorf("export-errors.txt: %v\n%s", err, txt)
	}
	s := load(t, Options{}, out)
	record := filepath.Join(out, "us-east-1", "export-errors.json")
	for _, w := range []wantGap{
		{"DescribeDBClusterParameters", "audit-pg", "AccessDenied",
			"aws rds describe-db-cluster-parameters --db-cluster-parameter-group-name audit-pg failed during the export (recorded in " + record +
				`): An error occurred (AccessDenied) when calling the DescribeDBClusterParameters operation: "user" \ is not` + "\tauthorized\nsecond line"},
		{"DescribeTrails", "", "CommandFailed", "aws cloudtrail describe-trails failed during the export (recorded in " + record + `): Could not connect to the endpoint URL: "https://`},
	} {
		if findGap(s.CollectionGaps, w) == nil {
			t.Errorf("no gap %+v in %+v", w, s.CollectionGaps)
		}
	}
	if len(s.CollectionGaps) != 2 {
		t.Errorf("gaps: %+v, want the two recorded failures only", s.CollectionGaps)
	}
	f := verdictsOf(t, evaluate(t, s))["DBAUDIT-RDS-002 111122223333/us-east-1 c1"]
	if f.Status != finding.StatusNotEvaluated || !strings.Contains(f.Reason, "audit-pg is not in the snapshot (rds DescribeDBClusterParameters failed: AccessDenied)") {
		t.Errorf("RDS-002 c1: %s %q", f.Status, f.Reason)
	}
}

// TestExportDirOfFile: with Options.ExportDirOfFile (the pre-commit hook's
// --export-dir-of-file) a changed export file is judged with the rest of its export
// directory, exactly as scanning the directory; without it, the file alone lacks the rest.
func TestExportDirOfFile(t *testing.T) {
	repoRoot(t)
	const scenario = "testdata/inputs/awscli/scenario"
	whole := load(t, Options{}, scenario)
	want := verdictLines(verdictsOf(t, evaluate(t, whole)), nil)

	// The same export under an account directory (aws-export/get-caller-identity.json,
	// aws-export/123456789012/us-east-1/…), with files beside it that are not part of it.
	nested := t.TempDir()
	export := filepath.Join(nested, "aws-export")
	acctDir := filepath.Join(export, "123456789012")
	for _, d := range []string{acctDir, filepath.Join(export, "notes")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := copyDir(t, scenario)
	for from, to := range map[string]string{"us-east-1": filepath.Join(acctDir, "us-east-1"), "get-caller-identity.json": filepath.Join(export, "get-caller-identity.json")} {
		if err := os.Rename(filepath.Join(src, from), to); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range map[string]string{
		"template.yaml":               "Resources:\n  G:\n    Type: AWS::Logs::LogGroup\n",
		"123456789012/us-east-1/x.md": "notes\n",
		"notes/describe-trails.json":  `{"trailList": [{"Name": "elsewhere"}]}`,
	} {
		if err := os.WriteFile(filepath.Join(export, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		paths []string
	}{
		{"changed cluster export", []string{scenario + "/us-east-1/describe-db-clusters.json"}},
		{"two changed files and an unrelated one", []string{"README.md", scenario + "/us-east-1/describe-trails.json", scenario + "/get-caller-identity.json"}},
		{"account directory layout", []string{filepath.Join(acctDir, "us-east-1", "describe-db-clusters.json")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var notices []string
			s := load(t, Options{SkipUnknown: true, ExportDirOfFile: true, Notice: func(m string) { notices = append(notices, m) }}, tt.paths...)
			if len(s.CollectionGaps) != 0 {
				t.Errorf("gaps: %+v", s.CollectionGaps)
			}
			if d := diffLines(want, verdictLines(verdictsOf(t, evaluate(t, s)), nil)); d != "" {
				t.Errorf("verdicts differ from scanning the directory (- directory, + changed file):\n%s", d)
			}
			if d := diffLines(scenarioFacts(whole), scenarioFacts(s)); d != "" {
				t.Errorf("facts differ from scanning the directory:\n%s", d)
			}
			if !strings.Contains(strings.Join(notices, "\n"), "judged as one export with the") {
				t.Errorf("no notice of the added files: %q", notices)
			}
		})
	}

	// Without the option the one file is judged alone: what the other files hold is missing.
	s := load(t, Options{SkipUnknown: true}, scenario+"/us-east-1/describe-db-clusters.json")
	if findGap(s.CollectionGaps, wantGap{"DescribeDBInstances", "", "NotExported", "describe-db-instances.json is missing"}) == nil {
		t.Errorf("a lone export file: gaps %+v", s.CollectionGaps)
	}
}
