package journey

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputsIntoSpecialFiles: -o and FORMAT=FILE write through symlinks and into devices
// and FIFOs instead of replacing them.
func TestOutputsIntoSpecialFiles(t *testing.T) {
	t.Run("/dev/null stays a device", func(t *testing.T) {
		w := newWorkspace(t)
		r := w.run(t, nil, "scan", "--demo", "-o", "/dev/null")
		if r.code != 1 {
			t.Fatalf("want exit 1, got %s", r)
		}
		st, err := os.Stat("/dev/null")
		if err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is no longer a character device: %v %v", st.Mode(), err)
		}
	})
	t.Run("/dev/stdout", func(t *testing.T) {
		w := newWorkspace(t)
		r := w.run(t, nil, "scan", "--demo", "-f", "table=t.txt", "-f", "json=/dev/stdout")
		if r.code != 1 || !strings.Contains(r.stdout, `"findings"`) {
			t.Fatalf("want exit 1 and the JSON report on stdout, got %s", r)
		}
	})
	t.Run("symlink", func(t *testing.T) {
		w := newWorkspace(t)
		if err := os.MkdirAll(w.path("reports"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("reports/latest.sarif", w.path("scan.sarif")); err != nil {
			t.Fatal(err)
		}
		r := w.run(t, nil, "scan", "--demo", "-f", "sarif=scan.sarif")
		if r.code != 1 {
			t.Fatalf("want exit 1, got %s", r)
		}
		st, err := os.Lstat(w.path("scan.sarif"))
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("scan.sarif is no longer a symlink (%v, %v)", st.Mode(), err)
		}
		checkOutputFile(t, w.path("reports/latest.sarif"))
	})
	t.Run("FIFO", func(t *testing.T) {
		w := newWorkspace(t)
		fifo := w.path("findings.pipe")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		got := make(chan []byte, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- nil
				return
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- b
		}()
		r := w.run(t, nil, "scan", "--demo", "-f", "json="+fifo)
		if r.code != 1 {
			t.Fatalf("want exit 1, got %s", r)
		}
		select {
		case b := <-got:
			if !strings.Contains(string(b), `"findings"`) {
				t.Errorf("the FIFO's reader got %.200q", b)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("nothing arrived through the FIFO")
		}
		st, err := os.Lstat(fifo)
		if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced (%v, %v)", st.Mode(), err)
		}
	})
}

// TestOutputFileMode: new files get 0666 less the umask, like any tool's.
func TestOutputFileMode(t *testing.T) {
	for _, tc := range []struct {
		umask int
		want  os.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o002, 0o664}} {
		w := newWorkspace(t)
		old := syscall.Umask(tc.umask) // inherited by the child process
		r := w.run(t, nil, "scan", "--demo", "-f", "json=out.json")
		syscall.Umask(old)
		if r.code != 1 {
			t.Fatalf("want exit 1, got %s", r)
		}
		st, err := os.Stat(w.path("out.json"))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != tc.want {
			t.Errorf("umask %03o: out.json has mode %04o, want %04o", tc.umask, got, tc.want)
		}
	}
}

// TestInterrupted: Ctrl-C during a live scan says "interrupted" on one line and leaves no file.
func TestInterrupted(t *testing.T) {
	w := newWorkspace(t)
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); srv.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, scannerBin, "scan", "--regions", "us-east-1", "-f", "json=out.json")
	cmd.Dir = w.dir
	cmd.Env = w.with("AWS_ENDPOINT_URL="+srv.URL, "AWS_ACCESS_KEY_ID=AKIDJOURNEY", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	_ = cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code != 130 {
		t.Errorf("exit code %d after Ctrl-C (%v), want 130", code, err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; last != "scanner: interrupted" {
		t.Errorf("stderr ends with %q, want \"scanner: interrupted\" (all: %s)", last, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(w.dir, "out.json")); err == nil {
		t.Error("an interrupted scan wrote out.json")
	}
}
