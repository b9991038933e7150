package scanner

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReleaseNotes: the release workflow takes a version's notes from CHANGELOG.md with
// scripts/release-notes.sh, which fails for a version the changelog does not describe.
func TestReleaseNotes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed: cannot run scripts/release-notes.sh")
	}
	dir := t.TempDir()
	changelog := filepath.Join(dir, "CHANGELOG.md")
	if err := os.WriteFile(changelog, []byte("# Changelog\n\nintro\n\n## 1.1.0 (unreleased)\n\n- new\n\n## 1.0.0 (2026-01-02)\n\n- first\n- second\n\n## 0.9.0\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		version string
		want    string // "" = the script must fail
	}{
		{"1.1.0", "- new\n"},
		{"v1.0.0", "- first\n- second\n"},
		{"1.0", ""},   // a prefix of a version is not that version
		{"2.0.0", ""}, // no section
		{"0.9.0", ""}, // an empty section
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			cmd := exec.Command("bash", "scripts/release-notes.sh", tt.version, changelog)
			out, err := cmd.Output()
			switch {
			case tt.want == "" && err == nil:
				t.Errorf("release-notes.sh %s succeeded with %q, want a failure", tt.version, out)
			case tt.want != "" && err != nil:
				t.Errorf("release-notes.sh %s: %v", tt.version, err)
			case tt.want != "" && string(out) != tt.want:
				t.Errorf("release-notes.sh %s = %q, want %q", tt.version, out, tt.want)
			}
		})
	}

	// The repository's changelog describes its newest version.
	out, err := exec.Command("bash", "scripts/release-notes.sh", newestChangelogVersion(t), "CHANGELOG.md").Output()
	if err != nil || len(out) == 0 {
		t.Errorf("release-notes.sh on CHANGELOG.md: %v", err)
	}
}

// newestChangelogVersion is the version of the first "## " heading of CHANGELOG.md.
func newestChangelogVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			v, _, _ := strings.Cut(h, " ")
			return v
		}
	}
	t.Fatal("CHANGELOG.md has no version heading")
	return ""
}

// goreleaser builds the pinned GoReleaser (tools/go.mod) and returns a function that runs it
// in the repository, failing the test when it fails. It skips without git or a checkout.
func goreleaser(t *testing.T) func(args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: GoReleaser reads the commit and tags with git")
	}
	if err := exec.Command("git", "rev-parse", "HEAD").Run(); err != nil {
		t.Skipf("not a git checkout (git rev-parse HEAD: %v): GoReleaser needs one", err)
	}
	bin := buildTool(t, filepath.Join("tools", "go.mod"), "github.com/goreleaser/goreleaser/v2")
	return func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		// A clone without a remote (CI has one) makes GoReleaser's git step fail before it
		// reads the commit: give it one through git's environment configuration.
		cmd.Env = append(os.Environ(), "GIT_CONFIG_COUNT=1",
			"GIT_CONFIG_KEY_0=remote.origin.url", "GIT_CONFIG_VALUE_0=https://github.com/dbaudit/scanner.git")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("goreleaser %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("goreleaser %s: ok", strings.Join(args, " "))
	}
}

// TestGoreleaserCheck: GoReleaser accepts .goreleaser.yaml (builds, archives, checksums,
// SBOMs, the container image).
func TestGoreleaserCheck(t *testing.T) {
	// GoReleaser's module tree is large: a new user's `go test ./...` should not have to
	// download and build it. .ci/run runs the release checks.
	if os.Getenv(snapshotEnv) != "1" {
		t.Skipf("set %s=1 to build GoReleaser and check .goreleaser.yaml (.ci/run does)", snapshotEnv)
	}
	goreleaser(t)("check")
}

// snapshotEnv turns on TestGoreleaserSnapshot, which builds six platforms: minutes of CPU,
// more than go test's default 10-minute timeout on a cold build cache. .ci/run sets it and
// runs the test alone with a longer timeout.
const snapshotEnv = "SCANNER_RELEASE_SNAPSHOT"

// TestGoreleaserSnapshot runs the release recipe offline: a snapshot release without the
// container image (it needs docker buildx), into a temporary dist directory. Every archive,
// the checksums and the SBOMs must be there, the checksums must match, and the Linux binary
// must report the snapshot's version and the commit.
func TestGoreleaserSnapshot(t *testing.T) {
	if os.Getenv(snapshotEnv) != "1" {
		t.Skipf("set %s=1 to build the snapshot release of six platforms (.ci/run does)", snapshotEnv)
	}
	run := goreleaser(t)
	headOut, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.TrimSpace(string(headOut))
	// The SBOM step runs `go tool -modfile=tools/go.mod cyclonedx-gomod`: build it now so a
	// missing module proxy skips here rather than failing inside GoReleaser.
	buildTool(t, filepath.Join("tools", "go.mod"), "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod")

	// The same recipe with dist/ in a temporary directory.
	cfg, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	// dist stays inside the repository, as in .goreleaser.yaml: the SBOM command runs in it
	// and `go tool -modfile` needs the main module above its working directory.
	if err := os.MkdirAll("dist", 0o755); err != nil {
		t.Fatal(err)
	}
	distParent, err := os.MkdirTemp("dist", "snapshot-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(distParent) })
	dist, err := filepath.Abs(filepath.Join(distParent, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(tmp, "goreleaser.yaml")
	if err := os.WriteFile(cfgPath, append(cfg, []byte("\ndist: "+dist+"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	run("release", "--snapshot", "--clean", "--skip=docker", "--config", cfgPath)

	var meta struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}
	readJSONFile(t, filepath.Join(dist, "metadata.json"), &meta)
	v := meta.Version
	if !strings.Contains(v, "SNAPSHOT") {
		t.Fatalf("metadata.json version %q is no snapshot version", v)
	}

	var archives, sboms []string
	for _, osName := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			ext := ".tar.gz"
			if osName == "windows" {
				ext = ".zip"
			}
			archives = append(archives, "scanner_"+v+"_"+osName+"_"+arch+ext)
			sboms = append(sboms, "scanner_"+v+"_"+osName+"_"+arch+".cdx.json")
		}
	}
	sums := checksums(t, filepath.Join(dist, "scanner_"+v+"_checksums.txt"))
	for _, name := range append(slices.Clone(archives), sboms...) {
		want, ok := sums[name]
		if !ok {
			t.Errorf("checksums file lacks %s", name)
			continue
		}
		if got := sha256File(t, filepath.Join(dist, name)); got != want {
			t.Errorf("%s: sha256 %s, checksums file says %s", name, got, want)
		}
	}

	for i, name := range archives {
		binary := "scanner"
		if strings.HasSuffix(name, ".zip") {
			binary = "scanner.exe"
		}
		if got := archiveFiles(t, filepath.Join(dist, name)); !slices.Equal(got, []string{"CHANGELOG.md", "README.md", binary}) {
			t.Errorf("%s holds %v, want CHANGELOG.md, README.md, %s", name, got, binary)
		}
		var bom struct {
			BOMFormat string `json:"bomFormat"`
			Metadata  struct {
				Component struct {
					Name string `json:"name"`
				} `json:"component"`
			} `json:"metadata"`
			Components []struct {
				Name string `json:"name"`
			} `json:"components"`
		}
		readJSONFile(t, filepath.Join(dist, sboms[i]), &bom)
		names := make([]string, 0, len(bom.Components))
		for _, c := range bom.Components {
			names = append(names, c.Name)
		}
		if bom.BOMFormat != "CycloneDX" || bom.Metadata.Component.Name != "github.com/dbaudit/scanner" ||
			!slices.Contains(names, "github.com/open-policy-agent/opa") {
			t.Errorf("%s: bomFormat %q, component %q, %d components: want a CycloneDX SBOM of github.com/dbaudit/scanner listing OPA",
				sboms[i], bom.BOMFormat, bom.Metadata.Component.Name, len(names))
		}
	}

	// The host's binary reports the stamped version and commit.
	bin := filepath.Join(tmp, "scanner-linux")
	extract(t, filepath.Join(dist, "scanner_"+v+"_linux_amd64.tar.gz"), "scanner", bin)
	if out, err := exec.Command("uname", "-sm").Output(); err == nil && strings.TrimSpace(string(out)) == "Linux x86_64" {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil {
			t.Fatalf("scanner --version: %v", err)
		}
		want := "scanner version " + v + ", commit " + head + ", built "
		if !strings.HasPrefix(string(out), want) {
			t.Errorf("scanner --version = %q, want %q…", out, want)
		}
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checksums reads a sha256sum file: name → hex digest.
func checksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: line %q is not 'SHA256  NAME'", path, sc.Text())
		}
		sums[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// archiveFiles lists the files of a .tar.gz or .zip archive, sorted.
func archiveFiles(t *testing.T, path string) []string {
	t.Helper()
	var names []string
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
	} else {
		forEachTar(t, path, func(h *tar.Header, _ io.Reader) { names = append(names, h.Name) })
	}
	slices.Sort(names)
	return names
}

// extract writes the file name of a .tar.gz archive to dst, executable.
func extract(t *testing.T, archive, name, dst string) {
	t.Helper()
	found := false
	forEachTar(t, archive, func(h *tar.Header, r io.Reader) {
		if h.Name != name {
			return
		}
		found = true
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	})
	if !found {
		t.Fatalf("%s has no %s", archive, name)
	}
}

func forEachTar(t *testing.T, path string, fn func(*tar.Header, io.Reader)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		fn(h, tr)
	}
}
