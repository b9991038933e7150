package scanner

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// buildTool builds a Go program pinned in one of the tools modules (tools/go.mod,
// tools/actionlint/go.mod) into a temporary directory. It skips the test when the module
// cannot be built, which only happens without the Go module proxy (.ci/run downloads the
// tools modules first, so CI fails there instead).
func buildTool(t *testing.T, modfile, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-modfile="+modfile, "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot build %s from %s (is the Go module proxy reachable?): %v\n%s", pkg, modfile, err, out)
	}
	return bin
}

// actionlintProject lays out a repository actionlint can lint: the root action.yml, the
// repository's workflows, the README's workflow with `uses: dbaudit/scanner@…` pointing at
// the local action (so actionlint checks its inputs against action.yml), and the action's
// steps as a workflow (so actionlint checks their expressions and scripts). edit may change
// any file before it is written. It returns the project and the workflow files.
func actionlintProject(t *testing.T, edit func(name string, content []byte) []byte) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{}

	action, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	files["action.yml"] = action

	workflows, err := filepath.Glob(filepath.Join(".github", "workflows", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(workflows) == 0 {
		t.Fatal("no workflows in .github/workflows")
	}
	for _, w := range workflows {
		b, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		files[w] = b
	}

	readmeFlows := readmeWorkflows(t)
	if len(readmeFlows) == 0 {
		t.Fatal("README.md shows no GitHub Actions workflow")
	}
	usesAction := regexp.MustCompile(`(?m)^(\s*-?\s*uses:\s*)dbaudit/scanner@\S+`)
	for i, w := range readmeFlows {
		if !usesAction.MatchString(w) {
			t.Errorf("README.md workflow %d does not use the dbaudit/scanner action", i+1)
		}
		files[filepath.Join(".github", "workflows", "readme-"+string(rune('a'+i))+".yml")] = []byte(usesAction.ReplaceAllString(w, "${1}./"))
	}
	files[filepath.Join(".github", "workflows", "action-steps.yml")] = actionStepsWorkflow(t, action)

	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil { // actionlint's project root
		t.Fatal(err)
	}
	var lint []string
	for name, b := range files {
		if edit != nil {
			b = edit(name, b)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if name != "action.yml" {
			lint = append(lint, name)
		}
	}
	slices.Sort(lint)
	return dir, lint
}

// readmeWorkflows returns the YAML code blocks of README.md that are workflows (have jobs).
func readmeWorkflows(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var flows []string
	var block []string
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case !in && (line == "```yaml" || line == "```yml"):
			in, block = true, nil
		case in && strings.HasPrefix(line, "```"):
			in = false
			body := strings.Join(block, "\n") + "\n"
			var doc any
			if err := yaml.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("README.md: a yaml block does not parse: %v", err)
			}
			if m, ok := doc.(map[string]any); ok && m["jobs"] != nil {
				flows = append(flows, body)
			}
		case in:
			block = append(block, line)
		}
	}
	return flows
}

// actionStepsWorkflow turns the composite action's steps into a workflow job whose
// workflow_dispatch inputs are the action's inputs, so that `inputs.*`, `steps.*` and the
// scripts are checked as in a workflow.
func actionStepsWorkflow(t *testing.T, action []byte) []byte {
	t.Helper()
	var meta struct {
		Inputs map[string]struct {
			Description string `yaml:"description"`
			Required    bool   `yaml:"required"`
			Default     string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []any  `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(action, &meta); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if meta.Runs.Using != "composite" || len(meta.Runs.Steps) == 0 {
		t.Fatalf("action.yml: runs.using %q with %d steps, want a composite action", meta.Runs.Using, len(meta.Runs.Steps))
	}
	inputs := map[string]any{}
	for name, in := range meta.Inputs {
		inputs[name] = map[string]any{"description": in.Description, "required": in.Required, "default": in.Default, "type": "string"}
	}
	wf := map[string]any{
		"name": "action.yml steps",
		"on":   map[string]any{"workflow_dispatch": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": meta.Runs.Steps}},
	}
	b, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type actionlintError struct {
	Message  string `json:"message"`
	Filepath string `json:"filepath"`
	Line     int    `json:"line"`
	Kind     string `json:"kind"`
}

func runActionlint(t *testing.T, bin, dir string, files []string) []actionlintError {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-format", "{{json .}}"}, files...)...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) { // 1: lint errors found
		t.Fatalf("actionlint: %v\n%s", err, stderr.String())
	}
	var errs []actionlintError
	if s := strings.TrimSpace(string(out)); s != "" && s != "null" {
		if err := json.Unmarshal([]byte(s), &errs); err != nil {
			t.Fatalf("actionlint output: %v\n%s", err, out)
		}
	}
	return errs
}

// TestActionlint lints the composite action, the repository's workflows and the README's
// workflow with actionlint (pinned in tools/actionlint/go.mod). actionlint runs shellcheck
// on the scripts when shellcheck is installed.
func TestActionlint(t *testing.T) {
	bin := buildTool(t, filepath.Join("tools", "actionlint", "go.mod"), "github.com/rhysd/actionlint/cmd/actionlint")
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck is not installed: actionlint checks the workflows without it")
	}

	t.Run("clean", func(t *testing.T) {
		dir, files := actionlintProject(t, nil)
		for _, e := range runActionlint(t, bin, dir, files) {
			t.Errorf("%s:%d: %s [%s]", e.Filepath, e.Line, e.Message, e.Kind)
		}
	})

	// The lint sees what it must: a wrong input in the README's workflow, an undefined
	// input in the action's steps, an action without a description.
	tests := []struct {
		name string
		file string
		from string
		to   string
		want string
	}{
		{"README workflow names an input the action lacks", "readme-a.yml", "fail-on:", "fail_on:", `input "fail_on" is not defined`},
		{"action step reads an undefined input", "action-steps.yml", "inputs.paths", "inputs.pathz", `property "pathz" is not defined`},
		{"action without description", "action.yml", "\ndescription:", "\ndescriptio:", "description is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := false
			dir, files := actionlintProject(t, func(name string, b []byte) []byte {
				if filepath.Base(name) != tt.file {
					return b
				}
				s := strings.Replace(string(b), tt.from, tt.to, 1)
				changed = s != string(b)
				return []byte(s)
			})
			if !changed {
				t.Fatalf("%s does not contain %q", tt.file, tt.from)
			}
			errs := runActionlint(t, bin, dir, files)
			for _, e := range errs {
				if strings.Contains(e.Message, tt.want) {
					return
				}
			}
			t.Errorf("actionlint did not report %q; it reported %+v", tt.want, errs)
		})
	}
}
