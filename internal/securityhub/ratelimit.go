package securityhub

import (
	"context"
	"math"
	"sync"
	"time"
)

// Clock is the time source of the pusher: injected so tests and benchmarks control it.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Limiter is a token bucket (GCRA form): at most burst requests at once, then one every
// 1/rate. With burst 1 no window of one second ever holds more than rate requests.
type Limiter struct {
	mu       sync.Mutex
	clock    Clock
	interval time.Duration
	burst    int
	tat      time.Time // theoretical arrival time of the next request
}

// NewLimiter returns a limiter of rate requests per second with the given burst (≥ 1).
func NewLimiter(clock Clock, rate float64, burst int) *Limiter {
	if burst < 1 {
		burst = 1
	}
	// Round the interval up: rounding down would let rate+1 requests into one second.
	return &Limiter{clock: clock, interval: time.Duration(math.Ceil(float64(time.Second) / rate)), burst: burst}
}

// Wait blocks until the caller may send one request.
func (l *Limiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	now := l.clock.Now()
	if l.tat.Before(now) {
		l.tat = now
	}
	wait := l.tat.Sub(now) - time.Duration(l.burst-1)*l.interval
	l.tat = l.tat.Add(l.interval)
	l.mu.Unlock()
	if wait > 0 {
		return l.clock.Sleep(ctx, wait)
	}
	return ctx.Err()
}
