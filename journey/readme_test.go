package journey

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// readmeJourney is what a README command must do when a user runs it.
type readmeJourney struct {
	// live commands reach AWS; TestLiveJourneys runs them against moto_server.
	live bool
	code int
	// files are the files the command must leave in the working directory (and no others).
	files []string
	// stdout, when set, must appear in the standard output.
	stdout string
}

// readmeJourneys has an entry for every scanner command in README.md (code blocks, the
// workflow's run steps and inline code), so the README cannot drift from what works.
var readmeJourneys = map[string]readmeJourney{
	"scanner scan --demo":                            {code: 1, stdout: "DBAUDIT-CT-001"},
	"scanner scan snapshot.json":                     {code: 1, stdout: "DBAUDIT-RDS-001"},
	"scanner scan exports/ plan.json template.yaml":  {code: 1, stdout: "audit-cluster"},
	"scanner scan --profile audit --regions all":     {live: true, code: 1},
	"scanner collect --regions all -o snapshot.json": {live: true, code: 3, files: []string{"snapshot.json"}},
	"scanner scan --demo -f table -f sarif=scanner.sarif -f asff=findings.asff.json": {
		code: 1, files: []string{"scanner.sarif", "findings.asff.json"}, stdout: "DBAUDIT-CT-001"},
	"scanner scan --demo --push-securityhub":                                      {live: true, code: 1},
	"scanner push findings.asff.json":                                             {live: true, code: 0},
	"scanner push --profile audit findings.asff.json":                             {live: true, code: 0},
	"scanner rules list":                                                          {code: 0, stdout: "DBAUDIT-RDS-001"},
	"scanner rules test examples/rules":                                           {code: 0},
	"scanner scan --help":                                                         {code: 0, stdout: "--fail-on"},
	"scanner scan --org --regions all --format json=scan.json --push-securityhub": {live: true, code: 1, files: []string{"scan.json"}},
	"scanner scan infra/plan.json cloudformation/ aws-export/ --format table --format sarif=results.sarif --format markdown=summary.md --fail-on high": {
		code: 1, files: []string{"results.sarif", "summary.md"}, stdout: "DBAUDIT-"},
}

var inlineCommand = regexp.MustCompile("`(scanner [^`]+)`")

// readmeCommands returns the scanner commands of README.md: shell code blocks (with
// `go run ./cmd/scanner` read as `scanner`), the `run` steps of YAML code blocks, and inline
// code that starts with `scanner `.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	add := func(c string) {
		c = strings.Join(strings.Fields(c), " ")
		if strings.HasPrefix(c, "scanner ") && !slices.Contains(cmds, c) {
			cmds = append(cmds, c)
		}
	}
	var block, prose []string
	lang, inBlock := "", false
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "```") {
			if inBlock {
				body := strings.Join(block, "\n")
				switch lang {
				case "sh", "bash", "shell", "console":
					for _, l := range block {
						l, _, _ = strings.Cut(l, "#")
						l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "$ "))
						if rest, ok := strings.CutPrefix(l, "go run ./cmd/scanner "); ok {
							l = "scanner " + rest
						}
						add(l)
					}
				case "yaml", "yml":
					var doc any
					if err := yaml.Unmarshal([]byte(body), &doc); err != nil {
						t.Fatalf("README.md: a yaml block does not parse: %v", err)
					}
					walkRuns(doc, add)
				}
				block, inBlock = nil, false
				continue
			}
			lang, inBlock = strings.TrimSpace(strings.TrimPrefix(line, "```")), true
			continue
		}
		if inBlock {
			block = append(block, line)
			continue
		}
		prose = append(prose, line)
	}
	// Inline code may wrap across lines.
	// A span of fewer than three words names a command ("`scanner push` gets …") rather
	// than running one.
	for _, m := range inlineCommand.FindAllStringSubmatch(strings.Join(prose, "\n"), -1) {
		if len(strings.Fields(m[1])) >= 3 {
			add(m[1])
		}
	}
	return cmds
}

func walkRuns(v any, add func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "run" {
				add(s)
			}
			walkRuns(val, add)
		}
	case []any:
		for _, e := range x {
			walkRuns(e, add)
		}
	}
}

// TestReadmeJourneysAreListed keeps readmeJourneys and the README in step.
func TestReadmeJourneysAreListed(t *testing.T) {
	cmds := readmeCommands(t)
	for _, c := range cmds {
		if _, ok := readmeJourneys[c]; !ok {
			t.Errorf("README.md runs %q, which has no entry in readmeJourneys", c)
		}
	}
	for c := range readmeJourneys {
		if !slices.Contains(cmds, c) {
			t.Errorf("readmeJourneys lists %q, which README.md no longer shows", c)
		}
	}
}

// TestReadmeOfflineCommands runs every README command that needs no AWS account, in a fresh
// working directory, and checks exit code, output and the files it leaves.
func TestReadmeOfflineCommands(t *testing.T) {
	for _, c := range readmeCommands(t) {
		j, ok := readmeJourneys[c]
		if !ok || j.live {
			continue
		}
		t.Run(c, func(t *testing.T) {
			w := newWorkspace(t)
			before := files(t, w.dir)
			r := w.run(t, nil, strings.Fields(c)[1:]...)
			checkJourney(t, w, j, r, before)
		})
	}
}

func checkJourney(t *testing.T, w *workspace, j readmeJourney, r result, before map[string]bool) {
	t.Helper()
	if r.code != j.code {
		t.Fatalf("want exit %d, got %s", j.code, r)
	}
	if j.stdout != "" && !strings.Contains(r.stdout, j.stdout) {
		t.Errorf("stdout lacks %q: %s", j.stdout, r)
	}
	if strings.Contains(r.stderr, "eval_conflict") || strings.Contains(r.stderr, "panic") {
		t.Errorf("internal error on stderr: %s", r)
	}
	got := newFiles(before, files(t, w.dir))
	slices.Sort(got)
	want := slices.Clone(j.files)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files written: %v, want %v", got, want)
	}
	for _, f := range j.files {
		checkOutputFile(t, w.path(f))
	}
}
