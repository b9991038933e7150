package journey

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dbaudit/scanner/internal/awspartition"
	"github.com/dbaudit/scanner/internal/report/asffcheck"
)

// inputKinds are the inputs a user scans, as PATH arguments in a workspace.
var inputKinds = []struct {
	name string
	args []string
}{
	{"demo", []string{"--demo"}},
	{"snapshot", []string{"snapshot.json"}},
	{"export directory", []string{"exports/"}},
	{"terraform plan", []string{"plan.json"}},
	{"cloudformation template", []string{"template.yaml"}},
	{"export, plan and template of one account", []string{"exports/", "plan.json", "template.yaml"}},
	{"two snapshots of one account", []string{"earlier/snapshot.json", "snapshot.json"}},
	{"export and template named into the export's account", []string{"exports/", "template.yaml", "--account", "123456789012", "--region", "us-east-1"}},
}

// formatFiles names each output format's file as a user would.
var formatFiles = []struct{ format, file string }{
	{"table", "out.txt"},
	{"json", "out.json"},
	{"sarif", "out.sarif"},
	{"asff", "out.asff.json"},
	{"junit", "out.xml"},
	{"markdown", "out.md"},
	{"csv", "out.csv"},
}

// TestFormatsByInput writes every output format for every kind of input, in one run per
// input, and validates each file (SARIF against the OASIS schema, ASFF against the
// Security Hub model).
func TestFormatsByInput(t *testing.T) {
	for _, in := range inputKinds {
		t.Run(in.name, func(t *testing.T) {
			w := newWorkspace(t)
			args := append([]string{"scan"}, in.args...)
			for _, f := range formatFiles {
				args = append(args, "-f", f.format+"="+f.file)
			}
			before := files(t, w.dir)
			r := w.run(t, nil, args...)
			want := readmeJourney{code: 1}
			for _, f := range formatFiles {
				want.files = append(want.files, f.file)
			}
			checkJourney(t, w, want, r, before)
			if len(r.errorLines()) != 0 {
				t.Errorf("stderr has more than notes: %s", r)
			}
		})
	}
}

// TestStdoutByFormat: each format also goes to standard output.
func TestStdoutByFormat(t *testing.T) {
	w := newWorkspace(t)
	for _, f := range formatFiles {
		t.Run(f.format, func(t *testing.T) {
			r := w.run(t, nil, "scan", "--demo", "-f", f.format)
			if r.code != 1 || len(r.stdout) == 0 {
				t.Fatalf("want exit 1 and output, got %s", r)
			}
			p := filepath.Join(t.TempDir(), f.file)
			writeFile(t, p, []byte(r.stdout))
			checkOutputFile(t, p)
		})
	}
}

var (
	sarifOnce   sync.Once
	sarifSchema *jsonschema.Schema
	sarifErr    error
	modelOnce   sync.Once
	asffModel   *asffcheck.Model
	modelErr    error
)

// checkOutputFile validates a file the scanner wrote, by its name.
func checkOutputFile(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read output: %v", err)
	}
	if len(data) == 0 {
		t.Fatalf("%s is empty", path)
	}
	name := filepath.Base(path)
	switch {
	case strings.HasSuffix(name, ".sarif"):
		sarifOnce.Do(func() {
			c := jsonschema.NewCompiler()
			sarifSchema, sarifErr = c.Compile(filepath.Join(repoRoot, "testdata/schemas/sarif-2.1.0.json"))
		})
		if sarifErr != nil {
			t.Fatal(sarifErr)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sarifSchema.Validate(doc); err != nil {
			t.Errorf("%s does not validate against SARIF 2.1.0: %v", name, err)
		}
	case strings.Contains(name, "asff"):
		modelOnce.Do(func() {
			asffModel, modelErr = asffcheck.Load(filepath.Join(repoRoot, "testdata/schemas/securityhub-service-2.json"))
		})
		if modelErr != nil {
			t.Fatal(modelErr)
		}
		var findings []json.RawMessage
		if err := json.Unmarshal(data, &findings); err != nil {
			t.Fatalf("%s: not a JSON array of findings: %v", name, err)
		}
		if len(findings) == 0 {
			t.Errorf("%s holds no finding", name)
		}
		for i, f := range findings {
			for _, p := range asffModel.CheckFinding(f) {
				t.Errorf("%s: finding %d: %s", name, i, p)
			}
			var head struct {
				Region    string
				Resources []struct{ Region string }
			}
			_ = json.Unmarshal(f, &head)
			// The top-level Region is Security Hub's to fill; Resources[].Region is ours.
			var regions []string
			if head.Region != "" {
				regions = append(regions, head.Region)
			}
			for _, r := range head.Resources {
				regions = append(regions, r.Region)
			}
			for _, r := range regions {
				if _, ok := awspartition.Of(r); !ok {
					t.Errorf("%s: finding %d carries Region %q, not an AWS Region", name, i, r)
				}
			}
		}
	case strings.HasSuffix(name, ".md"):
		if !bytes.HasPrefix(data, []byte("## ")) {
			t.Errorf("%s does not start with a Markdown heading: %.80q", name, data)
		}
	case strings.HasSuffix(name, ".json"):
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc["findings"] == nil && doc["schema_version"] == nil {
			t.Errorf("%s is neither a JSON report nor a snapshot", name)
		}
	case strings.HasSuffix(name, ".xml"):
		var suites struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(data, &suites); err != nil || suites.XMLName.Local != "testsuites" {
			t.Errorf("%s is not a JUnit document (%v, root %q)", name, err, suites.XMLName.Local)
		}
	case strings.HasSuffix(name, ".csv"):
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Errorf("%s: %d CSV rows, %v", name, len(rows), err)
		}
	case strings.HasSuffix(name, ".txt"):
		if !bytes.Contains(data, []byte("DBAUDIT-")) {
			t.Errorf("%s: the table names no rule", name)
		}
	default:
		t.Fatalf("checkOutputFile: no check for %s", name)
	}
}
