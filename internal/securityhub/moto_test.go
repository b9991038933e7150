package securityhub

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
)

// startMoto starts moto_server on a free port and stops that process when the test ends.
func startMoto(t *testing.T) string {
	t.Helper()
	var cmd *exec.Cmd
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	args := []string{"-H", "127.0.0.1", "-p", fmt.Sprint(port)}
	if p, err := exec.LookPath("moto_server"); err == nil {
		cmd = exec.Command(p, args...)
	} else if py, err := exec.LookPath("python3"); err == nil && exec.Command(py, "-c", "import moto.server").Run() == nil {
		cmd = exec.Command(py, append([]string{"-m", "moto.server"}, args...)...)
	} else {
		t.Skip("moto not installed (moto_server / python3 -m moto.server): skipping the Security Hub round trip")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server did not start: %v", err)
	}
	t.Cleanup(func() {
		// Kill the process group this test started (the pyenv shim execs python under it).
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server not ready at %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestMotoRoundTrip pushes through the real SDK to moto's BatchImportFindings and reads the
// result back with GetFindings (moto ignores GetFindings filters, so the pusher's own scope
// check is what keeps the other scope's finding alive here).
func TestMotoRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("moto round trip skipped in -short mode")
	}
	url := startMoto(t)
	ctx := context.Background()
	clients := factoryFor(url)
	api, _ := clients(testRegion)
	if c, ok := api.(*sh.Client); ok {
		if _, err := c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}); err != nil {
			t.Logf("EnableSecurityHub: %v (continuing)", err)
		}
	}
	t1, t2 := t0, t0.Add(time.Hour)
	gen := []string{report.ASFFGeneratorID("dbaudit-scanner", "R1")}

	first := scanASFF(t, t1, spec{"R1", "fixed", "", finding.StatusFail}, spec{"R1", "gone", "", finding.StatusFail},
		spec{"R1", "stays", "", finding.StatusFail})
	other := scanASFF(t, t1, spec{"R9", "other-scope", "", finding.StatusFail})
	for _, run := range []struct {
		f     []report.ASFFFinding
		scope Scope
	}{{first, Scope{GeneratorIDs: gen}}, {other, Scope{GeneratorIDs: []string{report.ASFFGeneratorID("dbaudit-scanner", "R9")}}}} {
		res, err := New(clients, Options{Clock: &fakeClock{now: t1}}).Push(ctx, run.f, run.scope)
		if err != nil {
			t.Fatalf("first push: %v %+v", err, res.Failed)
		}
	}
	before := getAll(t, api)
	if len(before) != 4 {
		t.Fatalf("moto holds %d findings after the first push, want 4", len(before))
	}

	second := scanASFF(t, t2, spec{"R1", "fixed", "", finding.StatusPass}, spec{"R1", "stays", "", finding.StatusFail})
	res, err := New(clients, Options{Clock: &fakeClock{now: t2}}).Push(ctx, second, Scope{GeneratorIDs: gen})
	if err != nil {
		t.Fatalf("second push: %v %+v", err, res.Failed)
	}
	if res.Imported != 1 || res.Resolved != 1 || res.Archived != 1 {
		t.Errorf("result %+v, want 1 imported, 1 resolved, 1 archived", res)
	}
	got := getAll(t, api)
	want := map[string]struct{ compliance, state string }{
		first[0].ID: {"PASSED", "ACTIVE"},
		first[1].ID: {"FAILED", "ARCHIVED"},
		first[2].ID: {"FAILED", "ACTIVE"},
		other[0].ID: {"FAILED", "ACTIVE"},
	}
	for id, w := range want {
		g := got[id]
		if g.Compliance != w.compliance || g.RecordState != w.state {
			t.Errorf("%s: %s/%s, want %s/%s", id, g.Compliance, g.RecordState, w.compliance, w.state)
		}
		if g.CreatedAt != before[id].CreatedAt {
			t.Errorf("%s: CreatedAt %s → %s", id, before[id].CreatedAt, g.CreatedAt)
		}
	}
	if got[other[0].ID].UpdatedAt != before[other[0].ID].UpdatedAt {
		t.Errorf("the other scope's finding was touched")
	}
}
