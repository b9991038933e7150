package journey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// scannerBin is the binary built from ./cmd/scanner by TestMain.
var scannerBin string

// repoRoot is the repository's root directory, seen from this package.
const repoRoot = ".."

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "scanner-journey-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "journey:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	scannerBin = filepath.Join(dir, "scanner")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", scannerBin, "./cmd/scanner")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "journey: go build ./cmd/scanner: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// workspace is a user's working directory: the demo snapshot, an AWS CLI export, a
// Terraform plan and a CloudFormation template of one account, the example rules, and the
// layout of the README's GitHub Actions workflow (infra/, cloudformation/, aws-export/).
type workspace struct {
	dir string
	env []string
}

func newWorkspace(t *testing.T) *workspace {
	t.Helper()
	w := &workspace{dir: t.TempDir()}
	copies := []struct{ src, dst string }{
		{"testdata/demo/snapshot.json", "snapshot.json"},
		{"testdata/demo/snapshot.json", "earlier/snapshot.json"},
		{"testdata/inputs/awscli/scenario", "exports"},
		{"testdata/inputs/terraform/scenario.tfplan.json", "plan.json"},
		{"testdata/inputs/cloudformation/scenario.yaml", "template.yaml"},
		{"examples", "examples"},
		{"testdata/inputs/terraform/scenario.tfplan.json", "infra/plan.json"},
		{"testdata/inputs/cloudformation", "cloudformation"},
		{"testdata/inputs/awscli/scenario", "aws-export"},
	}
	for _, c := range copies {
		copyTree(t, filepath.Join(repoRoot, c.src), filepath.Join(w.dir, c.dst))
	}
	w.env = hermeticEnv(t, w.dir)
	return w
}

// hermeticEnv is the process environment without AWS settings, with a home and AWS config
// files of its own, no colour and no instance metadata.
func hermeticEnv(t *testing.T, dir string) []string {
	t.Helper()
	home := filepath.Join(dir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(home, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || k == "HOME" || k == "NO_COLOR" || k == "COLUMNS" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "AWS_CONFIG_FILE="+empty, "AWS_SHARED_CREDENTIALS_FILE="+empty,
		"AWS_EC2_METADATA_DISABLED=true", "NO_COLOR=1")
}

func (w *workspace) path(rel string) string { return filepath.Join(w.dir, rel) }

// with returns a copy of the workspace's environment with extra variables.
func (w *workspace) with(kv ...string) []string {
	return append(append([]string(nil), w.env...), kv...)
}

type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// errorLines are the stderr lines that are not notes or progress.
func (r result) errorLines() []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if l == "" || strings.HasPrefix(l, "scanner: note:") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstderr:\n%s\nstdout (first 2000 bytes):\n%.2000s", r.code, r.elapsed.Round(time.Millisecond), r.stderr, r.stdout)
}

// run runs the scanner in the workspace with env (nil: the workspace's own).
func (w *workspace) run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return w.runCtx(t, context.Background(), env, nil, args...)
}

func (w *workspace) runCtx(t *testing.T, ctx context.Context, env []string, stdin io.Reader, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, scannerBin, args...)
	cmd.Dir = w.dir
	if env == nil {
		env = w.env
	}
	cmd.Env = env
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run scanner %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// files lists the regular files and links under dir (relative paths), skipping the home.
func files(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == ".home" {
				return filepath.SkipDir
			}
			return nil
		}
		out[rel] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newFiles returns the files in after that are not in before.
func newFiles(before, after map[string]bool) []string {
	var out []string
	for f := range after {
		if !before[f] {
			out = append(out, f)
		}
	}
	return out
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
