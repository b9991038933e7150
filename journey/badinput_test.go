package journey

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingAWS is an endpoint that counts the requests it gets and fails each with 500.
func countingAWS(t *testing.T) (url string, calls *atomic.Int64) {
	t.Helper()
	calls = &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "the journey tests' AWS stand-in answers nothing", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// TestBadInput: bad flags and bad files end with exit 2, one line on stderr that names the
// flag or the file and the place, no output file, and no AWS call.
func TestBadInput(t *testing.T) {
	w := newWorkspace(t)
	writeFile(t, w.path("bad/malformed.json"), []byte("{\n  \"schema_version\": \"1.0\",\n  \"accounts\": [\n}\n"))
	writeFile(t, w.path("bad/unknown.json"), []byte(`{"hello": "world"}`))
	writeFile(t, w.path("bad/binary.yaml"), []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"))
	writeFile(t, w.path("bad/dupkey.json"), []byte("{\n  \"schema_version\": \"1.0\",\n  \"accounts\": [\n    {\"account_id\": \"123456789012\", \"account_id\": \"210987654321\", \"regions\": []}\n  ]\n}\n"))
	writeFile(t, w.path("bad/template.yaml"), []byte("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      DBClusterParameterGroupName: !Reff Params\n"))
	writeFile(t, w.path("bad/not-asff.json"), []byte("[\n  {\"SchemaVersion\": \"2018-10-08\", \"Severity\": \"HIGH\"}\n]\n"))
	url, calls := countingAWS(t)
	env := w.with("AWS_ENDPOINT_URL="+url, "AWS_ACCESS_KEY_ID=AKIDJOURNEY", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_REGION=us-east-1", "AWS_MAX_ATTEMPTS=1")

	tests := []struct {
		name string
		args []string
		// want are substrings of the one error line.
		want []string
	}{
		{"region typo", []string{"scan", "--regions", "not-a-region"}, []string{"not-a-region"}},
		{"region in upper case", []string{"scan", "--regions", "US-EAST-1"}, []string{"US-EAST-1"}},
		{"empty region", []string{"scan", "--regions", ""}, []string{"region"}},
		{"region list with a typo", []string{"collect", "--regions", "us-east-1,eu-wset-1"}, []string{"eu-wset-1"}},
		{"concurrency 0", []string{"scan", "--concurrency", "0"}, []string{"--concurrency"}},
		{"call timeout 0", []string{"scan", "--call-timeout", "0s"}, []string{"--call-timeout"}},
		{"max attempts 0", []string{"collect", "--max-attempts", "0"}, []string{"--max-attempts"}},
		{"account not 12 digits", []string{"scan", "template.yaml", "--account", "12345"}, []string{"--account", "12345"}},
		{"role ARN not an ARN", []string{"scan", "--role-arn", "auditor"}, []string{"--role-arn"}},
		{"--region without PATH", []string{"scan", "--region", "us-east-1"}, []string{"--regions"}},
		{"Security Hub Region typo", []string{"scan", "--demo", "--push-securityhub", "--securityhub-region", "us-esat-1"}, []string{"us-esat-1"}},
		{"push rate 0", []string{"scan", "--demo", "--push-securityhub", "--securityhub-rate", "0"}, []string{"--securityhub-rate"}},
		{"Security Hub flag without a push", []string{"scan", "--demo", "--include-passed"}, []string{"--include-passed", "--push-securityhub"}},
		{"empty output file name", []string{"scan", "--demo", "-f", "sarif="}, []string{"sarif="}},
		{"output over an input", []string{"scan", "snapshot.json", "-f", "json=snapshot.json"}, []string{"snapshot.json", "input"}},
		{"output over an input through a directory", []string{"scan", "exports/", "-o", "exports/us-east-1/describe-trails.json"}, []string{"describe-trails.json", "input"}},
		{"missing output directory", []string{"scan", "--demo", "-f", "sarif=missing/out.sarif"}, []string{"missing/out.sarif"}},
		{"output is a directory", []string{"scan", "--demo", "-o", "exports"}, []string{"exports"}},
		{"unknown format", []string{"scan", "--demo", "-f", "yaml"}, []string{"yaml"}},
		{"unknown flag", []string{"scan", "--demo", "--fail-on-new"}, []string{"--fail-on-new"}},
		{"bad severity", []string{"scan", "--demo", "--fail-on", "urgent"}, []string{"urgent"}},
		{"demo with a PATH", []string{"scan", "--demo", "snapshot.json"}, []string{"--demo"}},
		{"mistyped subcommand", []string{"scna", "--demo"}, []string{"scna"}},
		{"mistyped rules subcommand", []string{"rules", "lsit"}, []string{"lsit"}},
		{"missing file", []string{"scan", "nosuch.json"}, []string{"nosuch.json"}},
		{"malformed JSON", []string{"scan", "bad/malformed.json"}, []string{"bad/malformed.json", "line 4"}},
		{"unknown shape", []string{"scan", "bad/unknown.json"}, []string{"bad/unknown.json", "unknown input shape"}},
		{"binary file", []string{"scan", "bad/binary.yaml"}, []string{"bad/binary.yaml", "not JSON or YAML"}},
		{"duplicate key in a snapshot", []string{"scan", "bad/dupkey.json"}, []string{"bad/dupkey.json", "line 4", "account_id"}},
		{"unknown CloudFormation tag", []string{"scan", "bad/template.yaml"}, []string{"bad/template.yaml", "7", "!Reff"}},
		{"push of a file that is not ASFF", []string{"push", "bad/not-asff.json"}, []string{"bad/not-asff.json"}},
		{"push of malformed JSON", []string{"push", "bad/malformed.json"}, []string{"bad/malformed.json", "line 4", "column"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := files(t, w.dir)
			args := tc.args
			if args[0] == "scan" && !slices.Contains(args, "-o") && !slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "=") }) {
				args = append(slices.Clone(args), "-f", "json=out.json")
			}
			n := calls.Load()
			r := w.run(t, env, args...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got %s", r)
			}
			lines := r.errorLines()
			if len(lines) != 1 {
				t.Fatalf("want one error line, got %d: %s", len(lines), r)
			}
			for _, s := range tc.want {
				if !strings.Contains(lines[0], s) {
					t.Errorf("error line lacks %q: %s", s, lines[0])
				}
			}
			for _, s := range []string{"Go struct", "json: cannot", "eval_conflict", "goroutine", "*errors."} {
				if strings.Contains(lines[0], s) {
					t.Errorf("error line shows internals (%q): %s", s, lines[0])
				}
			}
			if got := calls.Load() - n; got != 0 {
				t.Errorf("%d AWS calls before the error; flags and files must be checked first", got)
			}
			if r.elapsed > 10*time.Second {
				t.Errorf("took %s to refuse bad input", r.elapsed)
			}
			if nf := newFiles(before, files(t, w.dir)); len(nf) != 0 {
				t.Errorf("exit 2 left files behind: %v", nf)
			}
		})
	}
}

// TestFailedPushWritesNothing: a push that fails (here every Security Hub call answers 500)
// is exit 2 with one line saying so, and the output files are not written.
func TestFailedPushWritesNothing(t *testing.T) {
	w := newWorkspace(t)
	url, calls := countingAWS(t)
	env := w.with("AWS_ENDPOINT_URL="+url, "AWS_ACCESS_KEY_ID=AKIDJOURNEY", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_REGION=us-east-1", "AWS_MAX_ATTEMPTS=2")
	before := files(t, w.dir)
	r := w.run(t, env, "scan", "--demo", "--push-securityhub", "-f", "json=scan.json", "-f", "sarif=scan.sarif")
	if r.code != 2 {
		t.Fatalf("want exit 2, got %s", r)
	}
	if calls.Load() == 0 {
		t.Fatalf("no call reached the Security Hub stand-in: %s", r)
	}
	if !strings.Contains(r.stderr, "500") {
		t.Errorf("the error does not say the service answered HTTP 500: %s", r)
	}
	if strings.Contains(r.stderr, "RequestTimeout") {
		t.Errorf("a 5xx is reported as a timeout: %s", r)
	}
	if nf := newFiles(before, files(t, w.dir)); len(nf) != 0 {
		t.Errorf("a failed push left files behind: %v", nf)
	}
}

// TestCredentialsErrorOnce: without credentials, the push and the live scan say so on one
// line, not once per finding or call, and with no SDK log lines around it.
func TestCredentialsErrorOnce(t *testing.T) {
	w := newWorkspace(t)
	url, _ := countingAWS(t)
	env := w.with("AWS_ENDPOINT_URL="+url, "AWS_REGION=us-east-1")
	for _, args := range [][]string{
		{"scan", "--demo", "--push-securityhub"},
		{"scan", "--regions", "us-east-1"},
		{"collect", "--regions", "us-east-1", "-o", "snapshot.json"},
	} {
		r := w.run(t, env, args...)
		if r.code != 2 {
			t.Fatalf("%v: want exit 2, got %s", args, r)
		}
		lines := r.errorLines()
		if len(lines) != 1 || strings.Count(strings.ToLower(r.stderr), "credentials") < 1 {
			t.Errorf("%v: want one line about credentials, got %s", args, r)
		}
		if strings.Contains(r.stderr, "IMDS") || strings.Contains(r.stderr, "SDK ") {
			t.Errorf("%v: SDK internals on stderr: %s", args, r)
		}
	}
}
