// Package mototest starts moto_server, the AWS emulator on the machine image, for
// integration tests (shared/docs/testing-aws.md §2). Tests import it; the scanner does not.
package mototest

import (
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Start runs moto_server on a free loopback port for this test and stops it (its whole
// process group: the pyenv shim execs python under it) when the test ends. It skips the test,
// saying what would have run, when moto is not installed. It returns the endpoint URL.
func Start(t testing.TB, what string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	_ = l.Close()
	args := []string{"-H", "127.0.0.1", "-p", port}
	var cmd *exec.Cmd
	if p, err := exec.LookPath("moto_server"); err == nil {
		cmd = exec.Command(p, args...)
	} else if py, err := exec.LookPath("python3"); err == nil && exec.Command(py, "-c", "import moto.server").Run() == nil {
		cmd = exec.Command(py, append([]string{"-m", "moto.server"}, args...)...)
	} else {
		t.Skipf("moto not installed (neither moto_server nor python3 -m moto.server): skipping %s", what)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server did not start (%v): skipping %s", err, what)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	url := "http://127.0.0.1:" + port
	deadline := time.Now().Add(30 * time.Second)
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
