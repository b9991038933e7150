package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/report/asffcheck"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestLimiter(t *testing.T) {
	tests := []struct {
		name     string
		rate     float64
		burst    int
		requests int
		wantSpan time.Duration
	}{
		{"10/s burst 1", 10, 1, 25, 2400 * time.Millisecond},
		{"3/s burst 1", 3, 1, 7, 2 * time.Second},
		{"10/s burst 5", 10, 5, 15, 1 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: t0}
			l := NewLimiter(clock, tc.rate, tc.burst)
			var at []time.Time
			for i := 0; i < tc.requests; i++ {
				if err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
				at = append(at, clock.Now())
			}
			if span := at[len(at)-1].Sub(at[0]); span < tc.wantSpan || span > tc.wantSpan+time.Microsecond {
				t.Errorf("span %v, want %v", span, tc.wantSpan)
			}
			max := int(tc.rate) + tc.burst - 1
			for i := range at {
				n := 0
				for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
					n++
				}
				if n > max {
					t.Errorf("%d requests within one second from %v, want ≤ %d", n, at[i].Sub(t0), max)
				}
			}
		})
	}
}

func TestBatches(t *testing.T) {
	tests := []struct {
		name     string
		n, size  int
		wantLens []int
	}{
		{"count limit", 250, 3000, []int{100, 100, 50}},
		{"size limit", 13, 1_000_000, []int{5, 5, 3}},
		{"exactly 100", 100, 10, []int{100}},
		{"empty", 0, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items := make([]item, tc.n)
			for i := range items {
				items[i].size = tc.size
			}
			var got []int
			for _, b := range batches(items) {
				got = append(got, len(b))
				total := 0
				for _, it := range b {
					total += it.size + 1
				}
				if total > maxBatchBytes || len(b) > MaxBatchFindings {
					t.Errorf("batch of %d findings, %d bytes exceeds the limits", len(b), total)
				}
			}
			if !reflect.DeepEqual(got, tc.wantLens) {
				t.Errorf("batch sizes %v, want %v", got, tc.wantLens)
			}
		})
	}
}

// TestPushWireFake drives the real SDK client against the restJson1 fake.
func TestPushWireFake(t *testing.T) {
	findings := manyFindings(t, 250, t0)
	alwaysBad, onceBad := findings[7].ID, findings[42].ID
	tests := []struct {
		name          string
		cfg           shfake.Config
		wantErr       bool
		wantFailed    []string
		wantFailCode  string
		wantReqErr    string // the one request-level error, reported once
		wantThrottled int
		wantRequests  int
	}{
		{name: "250 findings in batches of 100", wantRequests: 3},
		{name: "throttled with LimitExceededException", cfg: shfake.Config{ThrottleFirst: 2}, wantThrottled: 2, wantRequests: 5},
		{name: "throttled with TooManyRequestsException", cfg: shfake.Config{ThrottleFirst: 1, ThrottleCode: "TooManyRequestsException"}, wantThrottled: 1, wantRequests: 4},
		{name: "partial failure retried", cfg: shfake.Config{FailIDs: map[string]int{onceBad: 1}}, wantRequests: 4},
		{
			name: "partial failure reported by id", cfg: shfake.Config{FailIDs: map[string]int{alwaysBad: -1, onceBad: 1}},
			wantErr: true, wantFailed: []string{alwaysBad}, wantFailCode: "InternalFailure", wantRequests: 5,
		},
		{
			name: "validation failure not retried", cfg: shfake.Config{FailIDs: map[string]int{alwaysBad: -1}, FailCode: "InvalidInput"},
			wantErr: true, wantFailed: []string{alwaysBad}, wantFailCode: "InvalidInput", wantRequests: 3,
		},
		{
			name: "throttled past every retry", cfg: shfake.Config{ThrottleFirst: 1000},
			wantErr:    true,
			wantReqErr: "BatchImportFindings in us-east-1: throttled: HTTP 429 Too Many Requests (LimitExceededException: Rate exceeded) after 8 attempts", wantThrottled: 3 * 8, wantRequests: 3 * 8,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := shfake.New(tc.cfg)
			defer fake.Close()
			res, err := New(factoryFor(fake.URL), fastOptions()).Push(context.Background(), findings, Scope{})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUndelivered) {
				t.Errorf("error %v does not wrap ErrUndelivered", err)
			}
			for _, r := range fake.Log() {
				if r.Op == "BatchImportFindings" && (r.Findings > 100 || r.Bytes > shfake.MaxBatchBytes) {
					t.Errorf("request with %d findings / %d bytes", r.Findings, r.Bytes)
				}
			}
			if res.Requests != tc.wantRequests || res.Throttled != tc.wantThrottled {
				t.Errorf("requests %d throttled %d, want %d / %d", res.Requests, res.Throttled, tc.wantRequests, tc.wantThrottled)
			}
			if tc.wantFailed != nil {
				var ids []string
				for _, f := range res.Failed {
					ids = append(ids, f.ID)
					if f.Code != tc.wantFailCode {
						t.Errorf("failure %s code %s, want %s", f.ID, f.Code, tc.wantFailCode)
					}
				}
				if !reflect.DeepEqual(ids, tc.wantFailed) {
					t.Errorf("failed ids %v, want %v", ids, tc.wantFailed)
				}
			}
			if tc.wantFailCode != "" && len(res.Failed) == 0 {
				t.Error("want failures")
			}
			if tc.wantReqErr != "" {
				if len(res.Errors) != 1 || res.Errors[0].Error() != tc.wantReqErr || !strings.Contains(err.Error(), tc.wantReqErr) {
					t.Errorf("request errors %v (err %v), want one: %s", res.Errors, err, tc.wantReqErr)
				}
			} else if len(res.Errors) > 0 {
				t.Errorf("unexpected request errors %v", res.Errors)
			}
			// Nothing is lost silently: every finding is delivered or counted as undelivered.
			if got := len(fake.Findings()) + res.Undelivered(); got != len(findings) {
				t.Errorf("stored %d + undelivered %d != %d findings", len(fake.Findings()), res.Undelivered(), len(findings))
			}
			if res.Imported != len(fake.Findings()) {
				t.Errorf("Imported %d but the fake stored %d", res.Imported, len(fake.Findings()))
			}
		})
	}
}

// TestSDKConversionIsLossless: what reaches the wire is exactly the ASFF file record, and it
// passes the model walk.
func TestSDKConversionIsLossless(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	findings := scanASFF(t, t0,
		spec{"R1", "a", "", finding.StatusFail}, spec{"R1", "b", "eu-west-1", finding.StatusNotEvaluated},
		spec{"R2", "c", "", finding.StatusWaived})
	if _, err := New(factoryFor(fake.URL), Options{IncludePassed: true}).Push(context.Background(), findings, Scope{}); err != nil {
		t.Fatal(err)
	}
	got := fake.Received()
	if len(got) != len(findings) {
		t.Fatalf("received %d findings, want %d", len(got), len(findings))
	}
	model, err := asffcheck.Load(filepath.Join("../../testdata", "schemas/securityhub-service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]report.ASFFFinding{}
	for _, f := range findings {
		byID[f.ID] = f
	}
	for _, raw := range got {
		var wire map[string]any
		if err := json.Unmarshal(raw, &wire); err != nil {
			t.Fatal(err)
		}
		want := byID[wire["Id"].(string)]
		wb, _ := json.Marshal(want)
		var wantMap map[string]any
		_ = json.Unmarshal(wb, &wantMap)
		if !reflect.DeepEqual(wire, wantMap) {
			t.Errorf("wire body differs from the ASFF record:\nwire %s\nwant %s", raw, wb)
		}
		if model != nil {
			if probs := model.CheckFinding(raw); len(probs) > 0 {
				t.Errorf("wire finding fails the model walk: %s", strings.Join(probs, "; "))
			}
		}
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestResolutionAndScope: a second scan resolves what it no longer fails, archives what is
// gone, keeps CreatedAt, moves UpdatedAt forward, and leaves other scopes alone.
func TestResolutionAndScope(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	api, _ := factoryFor(fake.URL)(testRegion)
	ctx := context.Background()
	push := func(now time.Time, opts Options, scope Scope, f []report.ASFFFinding) *Result {
		t.Helper()
		opts.Clock = &fakeClock{now: now}
		res, err := New(factoryFor(fake.URL), opts).Push(ctx, f, scope)
		if err != nil {
			t.Fatalf("push: %v (%+v)", err, res.Failed)
		}
		return res
	}
	t1, t2 := t0, t0.Add(24*time.Hour)
	gen := func(rules ...string) []string {
		var out []string
		for _, r := range rules {
			out = append(out, report.ASFFGeneratorID("dbaudit-scanner", r))
		}
		return out
	}

	// Scan A (rules R1, R2 in us-east-1) and scan B (rule R3) and scan C (R1 in eu-west-1).
	a1 := scanASFF(t, t1,
		spec{"R1", "fixed", "", finding.StatusFail}, spec{"R1", "deleted", "", finding.StatusFail},
		spec{"R2", "still", "", finding.StatusFail}, spec{"R2", "fine", "", finding.StatusPass})
	push(t1, Options{}, Scope{GeneratorIDs: gen("R1", "R2")}, a1)
	b1 := scanASFF(t, t1, spec{"R3", "other-profile", "", finding.StatusFail})
	push(t1, Options{}, Scope{GeneratorIDs: gen("R3")}, b1)
	c1 := scanASFF(t, t1, spec{"R1", "euro", "eu-west-1", finding.StatusFail})
	push(t1, Options{Region: testRegion}, Scope{GeneratorIDs: gen("R1")}, c1)
	first := getAll(t, api)
	if len(first) != 5 {
		t.Fatalf("after the first scans %d findings, want 5 (the PASSED one is not sent)", len(first))
	}

	// Second run of scan A: "fixed" passes, "deleted" is gone, "still" fails.
	a2 := scanASFF(t, t2,
		spec{"R1", "fixed", "", finding.StatusPass}, spec{"R2", "still", "", finding.StatusFail},
		spec{"R2", "fine", "", finding.StatusPass})
	res := push(t2, Options{}, Scope{GeneratorIDs: gen("R1", "R2")}, a2)
	if res.Imported != 1 || res.Resolved != 1 || res.Archived != 1 || res.SkippedPassed != 1 {
		t.Errorf("result %+v, want 1 imported, 1 resolved, 1 archived, 1 skipped", res)
	}
	after := getAll(t, api)
	id := func(fs []report.ASFFFinding, i int) string { return fs[i].ID }
	checks := []struct {
		id, compliance, state string
		updated               bool
	}{
		{id(a1, 0), "PASSED", "ACTIVE", true},   // fixed → resolved
		{id(a1, 1), "FAILED", "ARCHIVED", true}, // deleted → archived
		{id(a1, 2), "FAILED", "ACTIVE", true},   // still failing → updated
		{id(b1, 0), "FAILED", "ACTIVE", false},  // other rule selection: untouched
		{id(c1, 0), "FAILED", "ACTIVE", false},  // other Region: untouched
	}
	for _, c := range checks {
		got, ok := after[c.id]
		if !ok {
			t.Errorf("%s missing", c.id)
			continue
		}
		if got.Compliance != c.compliance || got.RecordState != c.state {
			t.Errorf("%s: %s/%s, want %s/%s", c.id, got.Compliance, got.RecordState, c.compliance, c.state)
		}
		if got.CreatedAt != first[c.id].CreatedAt {
			t.Errorf("%s: CreatedAt changed %s → %s", c.id, first[c.id].CreatedAt, got.CreatedAt)
		}
		if moved := got.UpdatedAt > first[c.id].UpdatedAt; moved != c.updated {
			t.Errorf("%s: UpdatedAt %s → %s, want moved=%v", c.id, first[c.id].UpdatedAt, got.UpdatedAt, c.updated)
		}
	}

	// A finding re-imported at the same instant (a clock that did not move) still moves
	// UpdatedAt strictly forward, so Security Hub applies it.
	again := scanASFF(t, t2, spec{"R2", "still", "", finding.StatusFail})
	push(t2, Options{NoArchive: true}, Scope{GeneratorIDs: gen("R2")}, again)
	if u := getAll(t, api)[again[0].ID].UpdatedAt; u <= after[again[0].ID].UpdatedAt {
		t.Errorf("UpdatedAt did not move strictly forward: %s then %s", after[again[0].ID].UpdatedAt, u)
	}
}

func TestIncludePassed(t *testing.T) {
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	f := scanASFF(t, t0, spec{"R1", "ok", "", finding.StatusPass}, spec{"R1", "bad", "", finding.StatusFail})
	res, err := New(factoryFor(fake.URL), Options{IncludePassed: true}).Push(context.Background(), f, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || len(fake.Findings()) != 2 {
		t.Errorf("imported %d, stored %d; want both with --include-passed", res.Imported, len(fake.Findings()))
	}
}

func TestGetFindingsThrottledThenRetried(t *testing.T) {
	fake := shfake.New(shfake.Config{ThrottleGetFirst: 2})
	defer fake.Close()
	f := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail})
	if _, err := New(factoryFor(fake.URL), fastOptions()).Push(context.Background(), f, Scope{}); err != nil {
		t.Fatalf("a throttled GetFindings must be retried (prowler#5004): %v", err)
	}
	gets := 0
	for _, r := range fake.Log() {
		if r.Op == "GetFindings" {
			gets++
		}
	}
	if gets != 3 || len(fake.Findings()) != 1 {
		t.Errorf("GetFindings calls %d (want 3), stored %d", gets, len(fake.Findings()))
	}
}

// TestReadFailureDeliversNothing: without the existing findings nothing is sent for the
// scope, and every finding is reported.
func TestReadFailureDeliversNothing(t *testing.T) {
	fake := shfake.New(shfake.Config{ThrottleGetFirst: 100})
	defer fake.Close()
	f := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail}, spec{"R1", "b", "", finding.StatusFail})
	opts := fastOptions()
	opts.MaxAttempts = 2
	res, err := New(factoryFor(fake.URL), opts).Push(context.Background(), f, Scope{})
	if !errors.Is(err, ErrUndelivered) || res.Undelivered() != 2 || len(res.Errors) != 1 || len(fake.Findings()) != 0 {
		t.Fatalf("err %v, undelivered %d, request errors %v, stored %d", err, res.Undelivered(), res.Errors, len(fake.Findings()))
	}
	if want := "GetFindings in us-east-1: throttled: HTTP 429 Too Many Requests (LimitExceededException: Rate exceeded) after 2 attempts"; res.Errors[0].Error() != want {
		t.Errorf("request error %q, want %q", res.Errors[0], want)
	}
}

func TestBackoffUsesClock(t *testing.T) {
	fake := shfake.New(shfake.Config{ThrottleFirst: 3})
	defer fake.Close()
	clock := &fakeClock{now: t0}
	opts := Options{Clock: clock, Jitter: func(d time.Duration) time.Duration { return d }}
	f := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail})
	if _, err := New(factoryFor(fake.URL), opts).Push(context.Background(), f, Scope{}); err != nil {
		t.Fatal(err)
	}
	var backoffs []time.Duration
	for _, d := range clock.slept {
		if d >= 200*time.Millisecond {
			backoffs = append(backoffs, d)
		}
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if !reflect.DeepEqual(backoffs, want) {
		t.Errorf("backoffs %v, want exponential %v", backoffs, want)
	}
}

func TestReadASFF(t *testing.T) {
	f := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail})
	good, _ := json.Marshal(f)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"round trip", string(good), ""},
		{"unknown member", strings.Replace(string(good), `"Title"`, `"Note":{"Text":"x"},"Title"`, 1), `: unknown member "Note" (not an ASFF member --format asff writes)`},
		{"not an array", `{"Findings":[]}`, "read asff: line 1, column 1: the file must be a JSON array of findings written by --format asff, not an object"},
		{"missing id", `[{"SchemaVersion":"2018-10-08"}]`, "lacks Id"},
		{"severity as a string", "[\n  {\n    \"Id\": \"x\",\n    \"Severity\": \"HIGH\"\n  }\n]", `read asff: line 4, column 17: Severity: want an object, got a string`},
		{"nested type error", "[{\"Resources\": [{\"Type\": \"Other\", \"Region\": 5}]}]", `read asff: line 1, column 45: Resources.Region: want a string, got a number`},
		{"syntax error", "[\n  {\"Id\": \"x\",}\n]", `read asff: line 2, column 15: malformed JSON: invalid character '}' looking for beginning of object key string`},
		{"truncated", "[\n  {\"Id\": ", `read asff: line 2, column 10: malformed JSON: unexpected end of file`},
		{"unknown member position", "[\n  {\n    \"Id\": \"x\",\n    \"Bogus\": 1\n  }\n]", `read asff: line 4, column 5: unknown member "Bogus" (not an ASFF member --format asff writes)`},
		{"trailing data", `[] []`, `read asff: line 1, column 4: unexpected data after the JSON array`},
		{"bad UpdatedAt", strings.Replace(string(good), `"UpdatedAt":"`, `"UpdatedAt":"x`, 1), `finding 0 (`},
		{"AwsAccountId not 12 digits", strings.Replace(string(good), `"AwsAccountId":"123456789012"`, `"AwsAccountId":"1234"`, 1), `read asff: finding 0 (` + f[0].ID + `): AwsAccountId "1234" is not a 12-digit AWS account id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadASFF(strings.NewReader(tc.in))
			if tc.wantErr == "" {
				if err != nil || !reflect.DeepEqual(got, f) {
					t.Fatalf("err %v, equal %v", err, reflect.DeepEqual(got, f))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			// No Go type or struct names (report.ASFFSeverity, ASFFFinding.Severity).
			for _, goName := range []string{"report.", "ASFFFinding", "ASFFSeverity", "Go ", "struct", "unmarshal", "json:"} {
				if strings.Contains(err.Error(), goName) {
					t.Errorf("error %q speaks Go (%q)", err, goName)
				}
			}
		})
	}
}
