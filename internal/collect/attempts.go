package collect

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
)

// A call that keeps failing with, say, HTTP 503 is retried until the per-call timeout ends
// it, and the SDK then returns only the context's deadline: the gap would say "timeout"
// where the service said 503. The attempts middleware keeps each call's last attempt error,
// so the gap names what the service answered.

type attemptsKey struct{}

// attempts is the record of one call's attempts.
type attempts struct {
	mu   sync.Mutex
	n    int
	last error
}

func (a *attempts) record(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	if err != nil {
		a.last = err
	}
}

func (a *attempts) lastError() (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n, a.last
}

func withAttempts(ctx context.Context) (context.Context, *attempts) {
	a := &attempts{}
	return context.WithValue(ctx, attemptsKey{}, a), a
}

// recordAttempts runs after the SDK's retry middleware, so it sees every attempt.
var recordAttempts = middleware.FinalizeMiddlewareFunc("scannerRecordAttempts",
	func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleFinalize(ctx, in)
		if a, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
			a.record(err)
		}
		return out, md, err
	})

// withAttemptRecorder adds recordAttempts to every client built from cfg.
func withAttemptRecorder(cfg aws.Config) aws.Config {
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		if _, ok := stack.Finalize.Get("Retry"); !ok {
			return stack.Finalize.Add(recordAttempts, middleware.After)
		}
		return stack.Finalize.Insert(recordAttempts, "Retry", middleware.After)
	})
	return cfg
}
