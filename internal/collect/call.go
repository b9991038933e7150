package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/dbaudit/scanner/internal/awserr"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// Normalised gap error codes. Other API error codes (e.g. DBParameterGroupNotFound) are
// kept as the API sent them.
const (
	CodeAccessDenied    = "AccessDenied"
	CodeThrottling      = "Throttling"
	CodeRequestTimeout  = "RequestTimeout"
	CodeInternalFailure = "InternalFailure"
	CodeRequestError    = "RequestError"
	// CodeMalformedResponse: an answer (HTTP 2xx) that could not be decoded, e.g. cut off
	// or not a document of the API's protocol.
	CodeMalformedResponse = "MalformedResponse"
)

var accessDeniedCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
	"UnauthorizedAccess": true, "AuthorizationError": true, "NotAuthorized": true,
	"InvalidClientTokenId": true, "UnrecognizedClientException": true, "ExpiredToken": true,
	"ExpiredTokenException": true, "AccessDeniedFault": true,
}

var throttlingCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottledException": true, "TooManyRequestsException": true,
	"ProvisionedThroughputExceededException": true, "TransactionInProgressException": true,
	"RequestLimitExceeded": true, "BandwidthLimitExceeded": true, "LimitExceededException": true,
	"RequestThrottled": true, "SlowDown": true, "PriorRequestNotComplete": true,
	"EC2ThrottledException": true,
}

// classify turns a failed call into a gap error code and a message without secrets (API
// error messages name ARNs, never credentials; transport errors name the endpoint).
func classify(err error) (code, message string) {
	var ae smithy.APIError
	var de *smithy.DeserializationError
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case errors.As(err, &ae):
		code, message = ae.ErrorCode(), ae.ErrorMessage()
		switch {
		case accessDeniedCodes[code]:
			code = CodeAccessDenied
		case throttlingCodes[code]:
			code = CodeThrottling
		case status >= 500:
			// An HTML error page parses as "UnknownError" with no message: the status
			// is what the service said.
			if message == "" || message == code || code == "UnknownError" {
				message = httpStatus(status)
			} else {
				message = httpStatus(status) + ": " + code + ": " + message
			}
			code = CodeInternalFailure
		case code == "":
			code, message = CodeInternalFailure, err.Error()
		}
	case errors.Is(err, context.DeadlineExceeded):
		code, message = CodeRequestTimeout, "no answer within the per-call timeout"
	case isNetTimeout(err):
		code, message = CodeRequestTimeout, err.Error()
		if m, ok := unreachable(err); ok {
			message = m
		}
	case errors.As(err, &de):
		code, message = CodeMalformedResponse, "the answer could not be decoded"
		if status != 0 {
			message = fmt.Sprintf("the answer (%s) could not be decoded", httpStatus(status))
		}
		if de.Err != nil {
			message += ": " + de.Err.Error()
		}
	case status >= 500:
		code, message = CodeInternalFailure, httpStatus(status)
	default:
		code, message = CodeRequestError, err.Error()
		if m, ok := unreachable(err); ok {
			message = m
		}
	}
	if len(message) > 400 {
		message = message[:400] + "…"
	}
	return code, message
}

// unreachable renders a call that got no HTTP answer (the SDK's "https response error
// StatusCode: 0, … request send failed, Post …: dial tcp …") as
// "cannot reach https://rds.us-east-1.amazonaws.com (connection refused)".
func unreachable(err error) (string, bool) {
	endpoint, cause, _, ok := awserr.TransportFailure(err)
	if !ok {
		return "", false
	}
	return awserr.Unreachable(endpoint, cause), true
}

func httpStatus(status int) string {
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// regionRun is the state of one account+region collection (or of one account's setup,
// with region ""): its clients' call bound, its gaps.
type regionRun struct {
	c       *collector
	account string
	region  string
	sem     chan struct{}

	mu   sync.Mutex
	gaps []snapshot.Gap
}

func (c *collector) newRun(account, region string) *regionRun {
	return &regionRun{c: c, account: account, region: region, sem: make(chan struct{}, c.cfg.RegionConcurrency)}
}

// errGap says a call failed and its gap was recorded; the caller goes on without the data.
var errGap = errors.New("call failed (recorded as a collection gap)")

// call runs one API call (one page) with the per-call timeout and the region's call bound,
// logs it, and records a gap when it fails. It returns nil, errGap (the gap is recorded), or
// the parent context's error (cancellation: stop, record nothing).
func (r *regionRun) call(ctx context.Context, service, op, resource string, fn func(context.Context) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	cctx, cancel := context.WithTimeout(ctx, r.c.cfg.CallTimeout)
	cctx, tries := withAttempts(cctx)
	start := time.Now()
	err := fn(cctx)
	cancel()
	r.c.progress.Calls.Add(1)
	logged := r.c.log.Enabled(ctx, slog.LevelDebug) // the attributes cost more than the call's own bookkeeping
	var attrs []any
	if logged {
		attrs = []any{
			slog.String("service", service), slog.String("operation", op),
			slog.String("account", r.account), slog.String("region", r.region),
			slog.Duration("duration", time.Since(start)),
		}
		if resource != "" {
			attrs = append(attrs, slog.String("resource", resource))
		}
	}
	if err == nil {
		if logged {
			r.c.log.Debug("aws call", attrs...)
		}
		return nil
	}
	if ctx.Err() != nil {
		if logged {
			r.c.log.Debug("aws call cancelled", attrs...)
		}
		return ctx.Err()
	}
	code, msg := classify(err)
	if n, last := tries.lastError(); code == CodeRequestTimeout && last != nil {
		// Retried until the per-call timeout: say what the service answered.
		if lastCode, lastMsg := classify(last); lastCode != CodeRequestTimeout {
			code, msg = lastCode, fmt.Sprintf("%s after %d attempts within the %s per-call timeout", lastMsg, n, r.c.cfg.CallTimeout)
		}
	}
	r.c.progress.Errors.Add(1)
	if logged {
		r.c.log.Debug("aws call failed", append(attrs, slog.String("error_code", code), slog.String("error", msg))...)
	}
	r.addGap(snapshot.Gap{AccountID: r.account, Region: r.region, Service: service, Operation: op,
		Resource: resource, ErrorCode: code, Message: msg})
	return errGap
}

// stopError is the error of a failed call the collection cannot go on without: the
// cancellation, or the gap the call recorded.
func (r *regionRun) stopError(ctx context.Context, doing string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.gaps[len(r.gaps)-1]
	return fmt.Errorf("%s: %s: %s", doing, g.ErrorCode, g.Message)
}

func (r *regionRun) addGap(g snapshot.Gap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gaps = append(r.gaps, g)
}

func sortGaps(gaps []snapshot.Gap) {
	sort.SliceStable(gaps, func(i, j int) bool {
		a, b := gaps[i], gaps[j]
		for _, p := range [][2]string{{a.AccountID, b.AccountID}, {a.Region, b.Region}, {a.Service, b.Service},
			{a.Operation, b.Operation}, {a.Resource, b.Resource}, {a.ErrorCode, b.ErrorCode}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}

// logGroupFromARN returns the region, account and name of a log group ARN
// ("arn:aws:logs:us-east-1:123456789012:log-group:NAME:*").
func logGroupFromARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" {
		return "", "", "", false
	}
	name = strings.TrimSuffix(parts[6], ":*")
	return parts[3], parts[4], name, name != ""
}
