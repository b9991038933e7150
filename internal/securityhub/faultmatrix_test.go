package securityhub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// TestPushFaultMatrix is the Security Hub half of issue 14's fault matrix: the push of 251
// failing findings (three BatchImportFindings batches in us-east-1, one in eu-west-1) under
// throttling, partial FailedFindings, 5xx and a token that expires mid-push. In every case
// no finding is lost: each is either in Security Hub or counted undelivered, exactly once
// (a per-finding failure names it, a request error counts it), and the error says how many.
// docs/reliability.md lists the outcomes.
func TestPushFaultMatrix(t *testing.T) {
	findings := manyFindings(t, 250, t0)
	findings = append(findings, scanASFF(t, t0, spec{"R1", "euro", "eu-west-1", finding.StatusFail})...)
	total := len(findings)
	failID, flakyID := findings[7].ID, findings[150].ID
	const expired = "The security token included in the request is expired"
	tests := []struct {
		name string
		cfg  shfake.Config
		// wantStored findings delivered; wantFailed per-finding failures (Ids);
		// wantStopped: the push stops at the first error (credentials).
		wantStored  int
		wantFailed  []string
		wantStopped bool
		wantErr     string // part of the error ("" = none)
	}{
		{name: "throttled, then served", cfg: shfake.Config{ThrottleFirst: 2}, wantStored: total},
		{name: "rate limit (token bucket)", cfg: shfake.Config{ImportRate: 50, ImportBurst: 1}, wantStored: total},
		{name: "throttled past the retries", cfg: shfake.Config{ThrottleFirst: 1000},
			wantErr: fmt.Sprintf("%d findings not delivered: BatchImportFindings in us-east-1: throttled: HTTP 429", total)},
		{name: "partial FailedFindings", cfg: shfake.Config{FailIDs: map[string]int{failID: -1, flakyID: 1}},
			wantStored: total - 1, wantFailed: []string{failID}, wantErr: "1 finding not delivered"},
		{name: "5xx, then served", cfg: shfake.Config{Errors: map[string]shfake.ScriptedError{"BatchImportFindings": {Status: 503, Times: 2}}},
			wantStored: total},
		{name: "5xx past the retries after the first batch", cfg: shfake.Config{Errors: map[string]shfake.ScriptedError{"BatchImportFindings": {Status: 500, Code: "InternalException", Skip: 1}}},
			wantStored: 100, wantErr: fmt.Sprintf("%d findings not delivered: BatchImportFindings in ", total-100)},
		{name: "token expires mid-push", cfg: shfake.Config{Errors: map[string]shfake.ScriptedError{"*": {Status: 403, Code: "ExpiredTokenException", Message: expired, Skip: 2}}},
			wantStored: 100, wantStopped: true,
			wantErr: fmt.Sprintf("push stopped, %d findings not delivered: BatchImportFindings in us-east-1: credentials or permissions rejected: HTTP 403 Forbidden (ExpiredTokenException: %s)", total-100, expired)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := shfake.New(tc.cfg)
			defer fake.Close()
			opts := fastOptions()
			opts.Workers = 1 // deterministic order: GetFindings, then the batches, group by group
			opts.MaxAttempts = 3
			res, err := New(factoryFor(fake.URL), opts).Push(context.Background(), findings, Scope{})

			stored := map[string]bool{}
			for _, f := range fake.Findings() {
				stored[f["Id"].(string)] = true
			}
			if len(stored) != tc.wantStored || res.Imported != len(stored) {
				t.Errorf("stored %d, Imported %d; want %d", len(stored), res.Imported, tc.wantStored)
			}
			// Zero findings lost: delivered + undelivered = all.
			if got := len(stored) + res.Undelivered(); got != total {
				t.Errorf("delivered %d + undelivered %d = %d, want %d", len(stored), res.Undelivered(), got, total)
			}
			// Each undelivered finding reported once.
			var failed []string
			seen := map[string]bool{}
			for _, f := range res.Failed {
				if seen[f.ID] {
					t.Errorf("finding %s reported undelivered twice", f.ID)
				}
				seen[f.ID] = true
				if stored[f.ID] {
					t.Errorf("finding %s reported undelivered but stored", f.ID)
				}
				failed = append(failed, f.ID)
			}
			if strings.Join(failed, ",") != strings.Join(tc.wantFailed, ",") {
				t.Errorf("per-finding failures %v, want %v", failed, tc.wantFailed)
			}
			for _, e := range res.Errors {
				if e.Findings <= 0 {
					t.Errorf("request error %v counts %d findings", e, e.Findings)
				}
			}
			if stopped := len(res.Errors) == 1 && res.Errors[0].Auth; stopped != tc.wantStopped {
				t.Errorf("stopped %v (errors %v), want %v", stopped, res.Errors, tc.wantStopped)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrUndelivered) {
				t.Fatalf("err\n  %v\nwant it to contain\n  %s", err, tc.wantErr)
			}
			if want := findingsCount(res.Undelivered()) + " not delivered"; !strings.Contains(err.Error(), want) {
				t.Errorf("err %v does not say %q", err, want)
			}
		})
	}
}
