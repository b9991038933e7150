package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/buildinfo"
)

// TestVersionFlag: --version prints the version, the commit and the date of the build, and
// the reports carry the same version as tool.version.
func TestVersionFlag(t *testing.T) {
	r := run(t, "--version")
	want := "scanner version " + buildinfo.Read().String() + "\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("--version: code %d, stdout %q, want 0, %q", r.code, r.stdout, want)
	}
	// A test binary is no release build.
	if !strings.HasPrefix(r.stdout, "scanner version (devel), commit ") {
		t.Errorf("--version of a test binary = %q, want a (devel) build", r.stdout)
	}
	if Version != buildinfo.Read().Version {
		t.Errorf("Version = %q, want %q", Version, buildinfo.Read().Version)
	}

	out := filepath.Join(t.TempDir(), "scan.json")
	if r := run(t, "scan", "--demo", "-f", "json="+out); r.code != ExitFindings {
		t.Fatalf("scan --demo: code %d, stderr %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tool struct{ Name, Version string } `json:"tool"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tool.Version != Version {
		t.Errorf("JSON tool.version = %q, want %q", doc.Tool.Version, Version)
	}
}
