package securityhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// TestRequestErrorsReportedOnce: a request that fails for good is one error naming the
// operation, Region, HTTP status and attempts, not one failure per finding; credentials and
// permission errors are not retried and stop the whole push.
func TestRequestErrorsReportedOnce(t *testing.T) {
	// 250 findings in us-east-1 (three batches) and 1 in eu-west-1 (a second group).
	findings := manyFindings(t, 250, t0)
	findings = append(findings, scanASFF(t, t0, spec{"R1", "euro", "eu-west-1", finding.StatusFail})...)
	const expired = "The security token included in the request is expired"
	tests := []struct {
		name         string
		errs         map[string]shfake.ScriptedError
		noCreds      bool
		wantErr      string // the whole error, after "securityhub: "
		wantStopped  bool
		wantRequests map[string]int // calls that reached the fake, by operation
		wantStored   int
	}{
		{
			name:         "persistent bare 503 from a proxy",
			errs:         map[string]shfake.ScriptedError{"BatchImportFindings": {Status: 503, Body: "<html><body>503 Service Unavailable</body></html>"}},
			wantErr:      "251 findings not delivered: BatchImportFindings in us-east-1: HTTP 503 Service Unavailable after 8 attempts; BatchImportFindings in eu-west-1: HTTP 503 Service Unavailable after 8 attempts",
			wantRequests: map[string]int{"GetFindings": 2, "BatchImportFindings": 16},
		},
		{
			name:         "persistent 500 with an error code",
			errs:         map[string]shfake.ScriptedError{"GetFindings": {Status: 500, Code: "InternalException", Message: "Internal   error\nretry"}},
			wantErr:      "251 findings not delivered: GetFindings in us-east-1: HTTP 500 Internal Server Error (InternalException: Internal error retry) after 8 attempts; GetFindings in eu-west-1: HTTP 500 Internal Server Error (InternalException: Internal error retry) after 8 attempts",
			wantRequests: map[string]int{"GetFindings": 16},
		},
		{
			name:         "passing 503 is retried",
			errs:         map[string]shfake.ScriptedError{"BatchImportFindings": {Status: 503, Times: 2}},
			wantRequests: map[string]int{"GetFindings": 2, "BatchImportFindings": 6},
			wantStored:   251,
		},
		{
			name:         "expired token",
			errs:         map[string]shfake.ScriptedError{"*": {Status: 403, Code: "ExpiredTokenException", Message: expired}},
			wantErr:      "push stopped, 251 findings not delivered: GetFindings in us-east-1: credentials or permissions rejected: HTTP 403 Forbidden (ExpiredTokenException: " + expired + ")",
			wantStopped:  true,
			wantRequests: map[string]int{"GetFindings": 1},
		},
		{
			name:         "unknown access key",
			errs:         map[string]shfake.ScriptedError{"*": {Status: 403, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}},
			wantErr:      "push stopped, 251 findings not delivered: GetFindings in us-east-1: credentials or permissions rejected: HTTP 403 Forbidden (UnrecognizedClientException: The security token included in the request is invalid.)",
			wantStopped:  true,
			wantRequests: map[string]int{"GetFindings": 1},
		},
		{
			name:         "bad signature",
			errs:         map[string]shfake.ScriptedError{"*": {Status: 403, Code: "InvalidSignatureException", Message: "The request signature we calculated does not match the signature you provided."}},
			wantErr:      "push stopped, 251 findings not delivered: GetFindings in us-east-1: credentials or permissions rejected: HTTP 403 Forbidden (InvalidSignatureException: The request signature we calculated does not match the signature you provided.)",
			wantStopped:  true,
			wantRequests: map[string]int{"GetFindings": 1},
		},
		{
			name:         "import denied, reading allowed",
			errs:         map[string]shfake.ScriptedError{"BatchImportFindings": {Status: 403, Code: "AccessDeniedException", Message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: securityhub:BatchImportFindings"}},
			wantErr:      "push stopped, 251 findings not delivered: BatchImportFindings in us-east-1: credentials or permissions rejected: HTTP 403 Forbidden (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: securityhub:BatchImportFindings)",
			wantStopped:  true,
			wantRequests: map[string]int{"GetFindings": 1, "BatchImportFindings": 1},
		},
		{
			name:         "no credentials at all",
			noCreds:      true,
			wantErr:      "push stopped, 251 findings not delivered: GetFindings in us-east-1: no usable AWS credentials: get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found",
			wantStopped:  true,
			wantRequests: map[string]int{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := shfake.New(shfake.Config{Errors: tc.errs})
			defer fake.Close()
			cfg := testConfig(fake.URL)
			if tc.noCreds {
				cfg.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{}, errors.New("no EC2 IMDS role found")
				}))
			}
			opts := fastOptions()
			opts.Workers = 1
			res, err := New(NewClientFactory(cfg), opts).Push(context.Background(), findings, Scope{})
			requests := map[string]int{}
			for _, r := range fake.Log() {
				requests[r.Op]++
			}
			if len(requests) != len(tc.wantRequests) {
				t.Errorf("requests %v, want %v", requests, tc.wantRequests)
			}
			for op, n := range tc.wantRequests {
				if requests[op] != n {
					t.Errorf("requests %v, want %v", requests, tc.wantRequests)
				}
			}
			if tc.wantErr == "" {
				if err != nil || len(fake.Findings()) != tc.wantStored {
					t.Fatalf("err %v, stored %d; want %d delivered", err, len(fake.Findings()), tc.wantStored)
				}
				return
			}
			if err == nil || err.Error() != "securityhub: "+tc.wantErr {
				t.Fatalf("err\n  %v\nwant\n  securityhub: %s", err, tc.wantErr)
			}
			if !errors.Is(err, ErrUndelivered) {
				t.Errorf("%v does not wrap ErrUndelivered", err)
			}
			var re *RequestError
			if !errors.As(err, &re) && len(res.Errors) == 0 {
				t.Errorf("no RequestError in %v", err)
			}
			if len(res.Failed) != 0 {
				t.Errorf("%d per-finding failures, want the request error once: %v", len(res.Failed), res.Failed[0])
			}
			if res.Undelivered() != len(findings) || len(fake.Findings()) != 0 {
				t.Errorf("undelivered %d, stored %d; want %d, 0", res.Undelivered(), len(fake.Findings()), len(findings))
			}
			if stopped := strings.Contains(err.Error(), "push stopped"); stopped != tc.wantStopped || (stopped && len(res.Errors) != 1) {
				t.Errorf("stopped %v with %d request errors, want stopped %v", stopped, len(res.Errors), tc.wantStopped)
			}
		})
	}
}

// TestBodyCutOffIsTransient: an answer whose body was cut off (the connection closed or
// reset mid-body, aws-sdk-go-v2#2737) is tried again, not reported as a failure.
func TestBodyCutOffIsTransient(t *testing.T) {
	for _, cause := range []error{net.ErrClosed, io.ErrUnexpectedEOF, syscall.ECONNRESET} {
		err := fmt.Errorf("operation error SecurityHub: GetFindings, deserialization failed, failed to decode response body: %w", &net.OpError{Op: "read", Err: cause})
		if throttle, transient := classify(err); throttle || !transient {
			t.Errorf("%v: throttle=%v transient=%v, want a transient error", cause, throttle, transient)
		}
	}
}
