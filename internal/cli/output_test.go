package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// umask returns the process umask (read by setting it and putting it back).
func umask() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}

// isJSONReport reports whether b is a JSON report of the scanner.
func isJSONReport(b []byte) bool {
	var doc struct {
		ReportVersion string `json:"report_version"`
	}
	return json.Unmarshal(b, &doc) == nil && doc.ReportVersion != ""
}

func TestScanOutputTargets(t *testing.T) {
	t.Run("symlink: the target is written, the link kept", func(t *testing.T) {
		dir := t.TempDir()
		target := writeFile(t, dir, "real.json", "old")
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink("real.json", link); err != nil {
			t.Fatal(err)
		}
		if r := run(t, "scan", "--demo", "-f", "json", "-o", link); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		fi, err := os.Lstat(link)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
		}
		b, err := os.ReadFile(target)
		if err != nil || !isJSONReport(b) {
			t.Fatalf("the link's target does not hold the report (%v): %.80s", err, b)
		}
	})
	t.Run("dangling symlink: the file it names is created", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink(filepath.Join(dir, "new.json"), link); err != nil {
			t.Fatal(err)
		}
		if r := run(t, "scan", "--demo", "-f", "json="+link); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("the symlink was replaced: %v", err)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "new.json")); err != nil || !isJSONReport(b) {
			t.Fatalf("new.json not written: %v", err)
		}
	})
	t.Run("FIFO: opened and written, not replaced", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
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
		if r := run(t, "scan", "--demo", "-f", "json", "-o", fifo); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		select {
		case b := <-got:
			if !isJSONReport(b) {
				t.Fatalf("the reader got %.80q", b)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("nothing read from the FIFO")
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO was replaced: %v %v", fi.Mode(), err)
		}
	})
	t.Run("/dev/null stays a device", func(t *testing.T) {
		before, err := os.Stat(os.DevNull)
		if err != nil || before.Mode()&fs.ModeCharDevice == 0 {
			t.Skip("no /dev/null character device")
		}
		if f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err != nil {
			t.Skipf("cannot write %s: %v", os.DevNull, err)
		} else {
			f.Close()
		}
		if r := run(t, "scan", "--demo", "-f", "json", "-o", os.DevNull); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		after, err := os.Stat(os.DevNull)
		if err != nil || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
			t.Fatalf("%s is no longer the character device: %v %v", os.DevNull, after.Mode(), err)
		}
	})
	t.Run("a new file gets 0666 less the umask", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "r.json")
		if r := run(t, "scan", "--demo", "-f", "json", "-o", out); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if want := 0o666 &^ umask(); fi.Mode().Perm() != want {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), want)
		}
	})
	t.Run("a replaced file keeps its mode", func(t *testing.T) {
		out := writeFile(t, t.TempDir(), "r.json", "old")
		if err := os.Chmod(out, 0o640); err != nil {
			t.Fatal(err)
		}
		if r := run(t, "scan", "--demo", "-f", "json", "-o", out); r.code != ExitFindings {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		fi, err := os.Stat(out)
		if err != nil || fi.Mode().Perm() != 0o640 {
			t.Fatalf("mode %v (%v), want 0640", fi.Mode().Perm(), err)
		}
		if b, _ := os.ReadFile(out); !isJSONReport(b) {
			t.Error("not replaced by the report")
		}
	})
}

// countingAWS points every AWS endpoint at a server that counts requests (and answers none
// usefully), with fake credentials, and returns the counter.
func countingAWS(t *testing.T) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	hermeticAWS(t, srv.URL)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	return &n
}

// TestExitTwoWritesNothing: every usage error is found before anything is written, and a
// failed push writes nothing either.
func TestExitTwoWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		args func(t *testing.T, dir string) []string // the first output is dir/a.json
		fake shfake.Config                           // for --push-securityhub
		want string                                  // in the one-line error
	}{
		{"bad --securityhub-rate", func(t *testing.T, dir string) []string {
			return []string{"--push-securityhub", "--securityhub-rate", "50"}
		}, shfake.Config{}, "--securityhub-rate"},
		{"bad --securityhub-rate without --push-securityhub", func(t *testing.T, dir string) []string {
			return []string{"--securityhub-rate", "0"}
		}, shfake.Config{}, "--securityhub-rate"},
		{"bad --securityhub-region", func(t *testing.T, dir string) []string {
			return []string{"--push-securityhub", "--securityhub-region", "US-EAST-1"}
		}, shfake.Config{}, "lower case"},
		{"missing directory of a second output", func(t *testing.T, dir string) []string {
			return []string{"-f", "sarif=" + filepath.Join(dir, "missing", "r.sarif")}
		}, shfake.Config{}, "does not exist"},
		{"an output is a directory", func(t *testing.T, dir string) []string {
			return []string{"-f", "sarif=" + dir}
		}, shfake.Config{}, "is a directory"},
		{"two formats to one file", func(t *testing.T, dir string) []string {
			return []string{"-f", "sarif=" + filepath.Join(dir, "a.json")}
		}, shfake.Config{}, "two formats"},
		{"unknown push profile", func(t *testing.T, dir string) []string {
			return []string{"--push-securityhub", "--profile", "nonexistent"}
		}, shfake.Config{}, "nonexistent"},
		{"no credentials for the push", func(t *testing.T, dir string) []string {
			t.Setenv("AWS_ACCESS_KEY_ID", "")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "")
			return []string{"--push-securityhub"}
		}, shfake.Config{}, "no AWS credentials found"},
		{"failed push", func(t *testing.T, dir string) []string {
			return []string{"--push-securityhub", "--rule", "DBAUDIT-RDS-*"}
		}, shfake.Config{AccountID: "999999999999"}, "not delivered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := shfake.New(tc.fake)
			defer fake.Close()
			hermeticAWS(t, fake.URL)
			dir := t.TempDir()
			first := filepath.Join(dir, "a.json")
			args := append([]string{"scan", "--demo", "-f", "table", "-f", "json=" + first}, tc.args(t, dir)...)
			r := run(t, args...)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, ExitError, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, "scanner: ") || !strings.Contains(strings.ToLower(last), strings.ToLower(tc.want)) {
				t.Errorf("last stderr line %q, want a scanner error mentioning %q", last, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout written: %.80q", r.stdout)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("%s left in the output directory", e.Name())
			}
			if tc.fake.AccountID == "" && len(fake.Log()) != 0 {
				t.Errorf("%d Security Hub requests for a usage error", len(fake.Log()))
			}
		})
	}
}

// TestFlagsCheckedBeforeAWS: bad live-collection flags fail with a one-line usage error
// before any AWS call.
func TestFlagsCheckedBeforeAWS(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown region", []string{"collect", "--regions", "not-a-region"}, `"not-a-region" is not an AWS Region`},
		{"upper-case region", []string{"scan", "--regions", "US-EAST-1"}, "us-east-1"},
		{"empty region", []string{"collect", "--regions", ""}, "--regions"},
		{"one bad region of two", []string{"collect", "--regions", "us-east-1,eu-west-x"}, "eu-west-x"},
		{"region with a typo in its direction", []string{"collect", "--regions", "us-east-1,eu-wset-1"}, "eu-wset-1"},
		{"Security Hub Region typo", []string{"scan", "--demo", "--push-securityhub", "--securityhub-region", "us-esat-1"}, "us-esat-1"},
		{"mistyped subcommand before a flag", []string{"scna", "--demo"}, `did you mean "scan"?`},
		{"zero concurrency", []string{"collect", "--concurrency", "0"}, "--concurrency"},
		{"zero call timeout", []string{"scan", "--call-timeout", "0s"}, "--call-timeout"},
		{"negative call timeout", []string{"collect", "--call-timeout", "-1s"}, "--call-timeout"},
		{"zero attempts", []string{"collect", "--max-attempts", "0"}, "--max-attempts"},
		{"bad retry mode", []string{"collect", "--retry-mode", "eager"}, "--retry-mode"},
		{"role ARN of a user", []string{"collect", "--role-arn", "arn:aws:iam::123456789012:user/bob"}, "IAM role ARN"},
		{"role ARN that is no ARN", []string{"scan", "--role-arn", "Auditor"}, "not an ARN"},
		{"role ARN with a short account", []string{"collect", "--role-arn", "arn:aws:iam::1234:role/Auditor"}, "12 digits"},
		{"--region for a live scan", []string{"scan", "--region", "us-east-1"}, "--regions"},
		{"--region with --demo", []string{"scan", "--demo", "--region", "us-east-1"}, "PATH inputs"},
		{"bad --region for inputs", []string{"scan", "testdata/policy/snapshot.json", "--region", "useast1"}, `"useast1"`},
		{"empty --region for inputs", []string{"scan", "testdata/policy/snapshot.json", "--region", ""}, "empty Region"},
		{"bad --account", []string{"scan", "testdata/policy/snapshot.json", "--account", "12345"}, "12 digits"},
		{"bad push --region", []string{"push", "--region", "mars-1", "x.json"}, "mars-1"},
		{"bad push --securityhub-region", []string{"push", "--securityhub-region", "", "x.json"}, "empty Region"},
		{"bad push --role-arn", []string{"push", "--role-arn", "arn:aws:s3:::bucket", "x.json"}, "IAM role ARN"},
		{"bad --product-arn", []string{"scan", "--demo", "--product-arn", "nope"}, "--product-arn"},
		{"collection flag with a file and a push", []string{"scan", "testdata/policy/snapshot.json", "--push-securityhub", "--regions", "us-east-1"}, "--regions applies to live collection only"},
		{"credential flag with a file and no push", []string{"scan", "testdata/policy/snapshot.json", "--profile", "x"}, "--push-securityhub"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := countingAWS(t)
			r := run(t, tc.args...)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, ExitError, r.stderr)
			}
			line := strings.TrimSpace(r.stderr)
			if strings.Contains(line, "\n") || !strings.Contains(line, tc.want) {
				t.Errorf("stderr %q, want one line mentioning %q", line, tc.want)
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("%d AWS calls before the usage error", n)
			}
		})
	}
}

func TestCollectOptionsValidate(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
	}{
		{nil, false},
		{[]string{"--regions", "all"}, false},
		{[]string{"--regions", "ALL"}, false},
		{[]string{"--regions", "us-east-1,cn-north-1,us-gov-west-1,eu-central-2"}, false},
		{[]string{"--role-arn", "arn:aws:iam::123456789012:role/path/Auditor", "--external-id", "x"}, false},
		{[]string{"--role-arn", "arn:aws-cn:iam::123456789012:role/Auditor"}, false},
		{[]string{"--role-arn", "arn:aws:iam:us-east-1:123456789012:role/Auditor"}, true},
		{[]string{"--role-arn", "arn:aws:iam::123456789012:role/"}, true},
		{[]string{"--regions", "aws-global"}, true},
		{[]string{"--concurrency", "-3"}, true},
		{[]string{"--org", "--org-role-name", ""}, true},
		{[]string{"--log-level", "loud"}, true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			o := &collectOptions{}
			fs := pflag.NewFlagSet("collect", pflag.ContinueOnError)
			addCollectFlags(fs, o)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if err := o.validate(); (err != nil) != tc.wantErr {
				t.Errorf("validate() = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

func TestUnknownSubcommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scna"}, `unknown command "scna" for "scanner"; did you mean "scan"?`},
		{[]string{"rules", "lsit"}, `unknown command "lsit" for "scanner rules"; did you mean "list"?`},
		{[]string{"rules", "zzzzzz"}, `unknown command "zzzzzz" for "scanner rules"; see 'scanner rules --help'`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != ExitError || strings.TrimSpace(r.stderr) != "scanner: "+tc.want {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, "scanner: "+tc.want)
			}
		})
	}
	for _, args := range [][]string{{}, {"rules"}} {
		if r := run(t, args...); r.code != ExitOK || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%v: exit %d, want the help and 0", args, r.code)
		}
	}
}

func TestInterrupted(t *testing.T) {
	countingAWS(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"scan", "--demo", "-f", "json", "-o", filepath.Join(t.TempDir(), "r.json")},
		{"collect", "--regions", "us-east-1", "-o", filepath.Join(t.TempDir(), "s.json")},
	} {
		var out, errb bytes.Buffer
		code := Run(ctx, args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
		if code != ExitInterrupted || errb.String() != "scanner: interrupted\n" {
			t.Errorf("%v: exit %d, stderr %q; want %d and one line", args, code, errb.String(), ExitInterrupted)
		}
		if _, err := os.Stat(args[len(args)-1]); err == nil {
			t.Errorf("%v: an output file was written", args)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 gaps", 1: "1 gap", 2: "2 gaps"} {
		if got := plural(n, "gap", "gaps"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
