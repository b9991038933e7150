package securityhub

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// flakyProxy accepts connections and closes the first `drop` of them after reading the
// request (the client sees EOF, no answer); later ones are relayed to target ("" = drop
// every connection). silent: accept and say nothing (a TLS handshake times out).
type flakyProxy struct {
	l        net.Listener
	drop     int
	target   string
	silent   bool
	accepted atomic.Int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

func newFlakyProxy(t *testing.T, drop int, target string, silent bool) *flakyProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyProxy{l: l, drop: drop, target: target, silent: silent}
	p.wg.Go(p.serve)
	t.Cleanup(p.close)
	return p
}

func (p *flakyProxy) addr() string { return p.l.Addr().String() }

func (p *flakyProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		n := p.accepted.Add(1)
		switch {
		case p.silent:
			// Hold the connection open without a word until close.
		case p.target == "" || int(n) <= p.drop:
			p.wg.Go(func() {
				// Read what the client sends, then close without answering.
				_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				buf := make([]byte, 64<<10)
				for {
					if _, err := c.Read(buf); err != nil {
						break
					}
					_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
				}
				c.Close()
			})
		default:
			p.wg.Go(func() {
				up, err := net.Dial("tcp", p.target)
				if err != nil {
					c.Close()
					return
				}
				go func() { _, _ = io.Copy(up, c); up.Close() }()
				_, _ = io.Copy(c, up)
				c.Close()
			})
		}
	}
}

func (p *flakyProxy) close() {
	p.l.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// TestTransportErrorsRetried: a request that gets no HTTP answer (connection refused,
// closed, a DNS failure, a TLS handshake timeout) is retried with backoff up to MaxAttempts
// and then reported once in one line naming the endpoint and the cause, without SDK text.
func TestTransportErrorsRetried(t *testing.T) {
	findings := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail})
	tests := []struct {
		name string
		// setup returns the endpoint URL, and optionally the HTTP client to use.
		setup        func(t *testing.T) (url string, client *awshttp.BuildableClient, connections func() int64)
		wantErr      string // after "securityhub: 1 finding not delivered: GetFindings in us-east-1: "
		wantAttempts int    // connections the endpoint saw (0: not counted)
		wantStored   int
	}{
		{
			name: "connection refused",
			setup: func(t *testing.T) (string, *awshttp.BuildableClient, func() int64) {
				return "http://" + closedPort(t), nil, nil
			},
			wantErr: "cannot reach http://ADDR (connection refused) after 8 attempts",
		},
		{
			name: "server closes every connection",
			setup: func(t *testing.T) (string, *awshttp.BuildableClient, func() int64) {
				p := newFlakyProxy(t, 0, "", false)
				return "http://" + p.addr(), nil, p.accepted.Load
			},
			wantErr:      "cannot reach http://ADDR (connection closed without an answer) after 8 attempts",
			wantAttempts: 8,
		},
		{
			name: "TLS handshake timeout",
			setup: func(t *testing.T) (string, *awshttp.BuildableClient, func() int64) {
				p := newFlakyProxy(t, 0, "", true)
				c := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
					tr.TLSHandshakeTimeout = 30 * time.Millisecond
				})
				return "https://" + p.addr(), c, p.accepted.Load
			},
			wantErr:      "cannot reach https://ADDR (TLS handshake timeout) after 8 attempts",
			wantAttempts: 8,
		},
		{
			name: "DNS failure",
			setup: func(t *testing.T) (string, *awshttp.BuildableClient, func() int64) {
				c := awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) {
					d.Resolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
						return nil, errors.New("no DNS server in this test")
					}}
				})
				return "https://securityhub.example.invalid", c, nil
			},
			wantErr: "cannot reach https://securityhub.example.invalid (DNS lookup failed: no DNS server in this test) after 8 attempts",
		},
		{
			name: "connections closed within the attempts recover",
			setup: func(t *testing.T) (string, *awshttp.BuildableClient, func() int64) {
				fake := shfake.New(shfake.Config{})
				t.Cleanup(fake.Close)
				p := newFlakyProxy(t, 3, strings.TrimPrefix(fake.URL, "http://"), false)
				t.Cleanup(func() {
					if n := len(fake.Findings()); n != 1 {
						t.Errorf("stored %d findings, want 1", n)
					}
				})
				return "http://" + p.addr(), nil, nil
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url, client, connections := tc.setup(t)
			cfg := testConfig(url)
			if client != nil {
				cfg.HTTPClient = client
			}
			clock := &fakeClock{now: t0}
			opts := Options{Clock: clock, Jitter: func(d time.Duration) time.Duration { return d }}
			res, err := New(NewClientFactory(cfg), opts).Push(context.Background(), findings, Scope{})
			if tc.wantErr == "" {
				if err != nil || res.Imported != 1 {
					t.Fatalf("err %v, imported %d; want the finding delivered after the retries", err, res.Imported)
				}
				return
			}
			want := "securityhub: 1 finding not delivered: GetFindings in us-east-1: " +
				strings.ReplaceAll(tc.wantErr, "ADDR", strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://"))
			if err == nil || err.Error() != want {
				t.Fatalf("err\n  %v\nwant\n  %s", err, want)
			}
			if msg := err.Error(); strings.Contains(msg, "StatusCode") || strings.Contains(msg, "request send failed") ||
				strings.Contains(msg, "dial tcp") || strings.Contains(msg, "\n") {
				t.Errorf("err %q carries raw SDK or transport text", msg)
			}
			if len(res.Errors) != 1 || res.Errors[0].Findings != 1 || res.Errors[0].Attempts != 8 {
				t.Errorf("request errors %+v, want one after 8 attempts counting 1 finding", res.Errors)
			}
			if connections != nil && tc.wantAttempts > 0 {
				if n := connections(); n != int64(tc.wantAttempts) {
					t.Errorf("%d connections, want %d attempts", n, tc.wantAttempts)
				}
			}
			for _, d := range []time.Duration{200, 400, 800, 1600, 3200, 6400, 10000} {
				if !slices.Contains(clock.slept, d*time.Millisecond) {
					t.Errorf("no backoff of %v between attempts (slept %v)", d*time.Millisecond, clock.slept)
				}
			}
		})
	}
}

// TestTransportFailureNotRetried: what another attempt cannot change is reported at once.
func TestTransportFailureNotRetried(t *testing.T) {
	findings := scanASFF(t, t0, spec{"R1", "a", "", finding.StatusFail})
	// An HTTPS endpoint answered in plain HTTP.
	fake := shfake.New(shfake.Config{})
	defer fake.Close()
	url := "https://" + strings.TrimPrefix(fake.URL, "http://")
	res, err := New(factoryFor(url), Options{Clock: &fakeClock{now: t0}}).Push(context.Background(), findings, Scope{})
	want := "securityhub: 1 finding not delivered: GetFindings in us-east-1: cannot reach " + url + " (server gave HTTP response to HTTPS client)"
	if err == nil || err.Error() != want {
		t.Fatalf("err\n  %v\nwant\n  %s", err, want)
	}
	if len(res.Errors) != 1 || res.Errors[0].Attempts != 1 || len(fake.Log()) != 0 {
		t.Errorf("request errors %+v, %d requests served; want one attempt", res.Errors, len(fake.Log()))
	}
}
