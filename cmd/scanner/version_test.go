package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildScanner builds this command into a temporary directory with extra go build flags.
func buildScanner(t *testing.T, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scanner")
	args := append([]string{"build", "-o", bin}, flags...)
	cmd := exec.Command("go", append(args, ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return bin
}

// TestReleaseStamp builds the binary the way .goreleaser.yaml does (-ldflags -X) and checks
// that --version prints the stamp and that the JSON, SARIF and ASFF reports carry the version.
func TestReleaseStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the scanner binary; skipped with -short")
	}
	const (
		pkg    = "github.com/dbaudit/scanner/internal/buildinfo"
		commit = "0123456789abcdef0123456789abcdef01234567"
		date   = "2026-12-08T10:00:00Z"
	)
	bin := buildScanner(t, "-trimpath", "-ldflags",
		"-s -w -X "+pkg+".version=0.2.0 -X "+pkg+".commit="+commit+" -X "+pkg+".date="+date)

	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("scanner --version: %v", err)
	}
	if want := "scanner version 0.2.0, commit " + commit + ", built " + date + "\n"; string(out) != want {
		t.Errorf("scanner --version = %q, want %q", out, want)
	}

	dir := t.TempDir()
	scan := exec.Command(bin, "scan", "--demo", "-f", "json=scan.json", "-f", "sarif=scan.sarif", "-f", "asff=scan.asff.json")
	scan.Dir = dir
	if out, err := scan.CombinedOutput(); scan.ProcessState == nil || scan.ProcessState.ExitCode() != 1 {
		t.Fatalf("scanner scan --demo: %v (want exit 1)\n%s", err, out)
	}
	var js struct {
		Tool struct{ Version string } `json:"tool"`
	}
	readJSON(t, filepath.Join(dir, "scan.json"), &js)
	if js.Tool.Version != "0.2.0" {
		t.Errorf("JSON tool.version = %q, want 0.2.0", js.Tool.Version)
	}
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Version, SemanticVersion string } `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	readJSON(t, filepath.Join(dir, "scan.sarif"), &sarif)
	if len(sarif.Runs) != 1 || sarif.Runs[0].Tool.Driver.Version != "0.2.0" || sarif.Runs[0].Tool.Driver.SemanticVersion != "0.2.0" {
		t.Errorf("SARIF runs[].tool.driver = %+v, want version and semanticVersion 0.2.0", sarif.Runs)
	}
	var asff []struct {
		ProductFields map[string]string `json:"ProductFields"`
	}
	readJSON(t, filepath.Join(dir, "scan.asff.json"), &asff)
	if len(asff) == 0 {
		t.Fatal("ASFF: no findings")
	}
	for i, f := range asff {
		if v := f.ProductFields["dbaudit/scanner/ToolVersion"]; v != "0.2.0" {
			t.Fatalf("ASFF finding %d: ProductFields ToolVersion = %q, want 0.2.0", i, v)
		}
	}
}

// TestDevelBuildNamesCommit: a build from a clone (go build, go install) is "(devel)" and
// names the commit Go recorded from the checkout.
func TestDevelBuildNamesCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the scanner binary; skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: cannot check the commit Go records")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (git rev-parse HEAD: %v): Go records no commit", err)
	}
	if tags, _ := exec.Command("git", "tag", "--points-at", "HEAD").Output(); len(strings.TrimSpace(string(tags))) > 0 {
		t.Skipf("HEAD is tagged %s: Go records the tag as the version, not (devel)", strings.TrimSpace(string(tags)))
	}
	// -buildvcs=true overrides a GOFLAGS=-buildvcs=false of the environment.
	bin := buildScanner(t, "-buildvcs=true")
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("scanner --version: %v", err)
	}
	want := "scanner version (devel), commit " + strings.TrimSpace(string(head))
	if !strings.HasPrefix(string(out), want) || !strings.Contains(string(out), ", committed ") {
		t.Errorf("scanner --version = %q, want %q… with the commit time", out, want)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
