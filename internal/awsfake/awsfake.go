// Package awsfake is an in-process AWS wire-format fake for tests (layer A of
// ../shared/docs/testing-aws.md): an httptest server that answers the real protocols the
// aws-sdk-go-v2 clients speak — RDS, STS and EC2 query/XML, CloudWatch Logs, CloudTrail and
// Organizations JSON 1.1, CloudWatch RPC v2 CBOR — from an in-memory world of accounts and
// regions. It scripts throttling, errors in one region, 5xx, paging and latency, and keeps a
// request log that tests map to IAM actions.
//
// Resources are stored as botocore-shaped items (map[string]any, the "data" of a placebo
// recording), so recorded API answers (LoadPlacebo) and hand-built items look the same.
// Timestamps are time.Time values.
package awsfake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Item is one API object in botocore shape (member names as in the API output).
type Item = map[string]any

// Server is the fake. All exported methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	dataMu      sync.RWMutex // accounts, keys' targets, management: written only while setting up
	mu          sync.Mutex   // faults, latency, request log
	accounts    map[string]*Account
	keys        sync.Map // access key id → account id
	rdsModel    *xmlModel
	conns       atomic.Int64
	pages       sync.Map // pageKey → rendered parameter page
	cacheOn     atomic.Bool
	answers     sync.Map // answerKey → rendered answer (CacheAnswers)
	rdsModelErr error
	management  string // Organizations management account ("" = no organization)
	faults      []*faultState
	latency     time.Duration
	calls       []Call
	reqSeq      int
	// sessionLifetime > 0: each AssumeRole issues a new session token that expires after
	// it; a request signed with an expired token is answered ExpiredToken.
	sessionLifetime time.Duration
	sessionSkew     time.Duration
	sessions        map[string]time.Time // session token → expiry
	sessionSeq      int
}

// Account is one fake AWS account. Mutate it only before the collector runs.
type Account struct {
	ID string
	// EnabledRegions is what EC2 DescribeRegions returns.
	EnabledRegions []string
	// Trails are the account's own trails; DescribeTrails in a region returns those whose
	// HomeRegion is that region plus multi-Region ones (shadow copies).
	Trails []Item
	// TrailStatus and EventSelectors are keyed by TrailARN.
	TrailStatus    map[string]Item
	EventSelectors map[string]Item
	// ExternalID, when set, is required by AssumeRole into this account.
	ExternalID string

	regions map[string]*Region
}

// Region holds one region's resources of an account.
type Region struct {
	DBClusters          []Item
	DBInstances         []Item
	ClusterParamGroups  map[string]*ParamGroup // DescribeDBClusterParameterGroups + DescribeDBClusterParameters
	DBParamGroups       map[string]*ParamGroup // DescribeDBParameterGroups + DescribeDBParameters
	EngineDefaultsCl    map[string][]Item      // family → DescribeEngineDefaultClusterParameters parameters
	EngineDefaults      map[string][]Item      // family → DescribeEngineDefaultParameters parameters
	OptionGroups        []Item
	LogGroups           []Item
	MetricFilters       []Item
	SubscriptionFilters []Item
	MetricAlarms        []Item
	// ExtraTrails are returned by DescribeTrails in this region in addition to the account's
	// trails (e.g. an organization trail owned by another account).
	ExtraTrails []Item
}

// ParamGroup is a parameter group: its DescribeDB(Cluster)ParameterGroups item and its
// parameters. PageSize, when set, overrides MaxRecords (to replay recorded paging).
type ParamGroup struct {
	Meta       Item
	Parameters []Item
	PageSize   int
}

// Call is one request in the log.
type Call struct {
	Service   string // SigV4 signing name: rds, logs, monitoring, cloudtrail, sts, organizations, ec2
	Operation string
	Account   string
	Region    string
	Params    map[string]string
	Status    int
	ErrorCode string
	// Attempt is the SDK's attempt number (amz-sdk-request: attempt=N): above 1, the call
	// repeats one the client retried.
	Attempt int
}

// IAMAction is the IAM action the call needs, e.g. "rds:DescribeDBClusters".
func (c Call) IAMAction() string {
	prefix := c.Service
	if prefix == "monitoring" {
		prefix = "cloudwatch"
	}
	return prefix + ":" + c.Operation
}

// Fault scripts an answer for matching calls. Empty match fields match anything.
type Fault struct {
	Service, Operation, Account, Region string
	// Param/Value match a request parameter (form field or top-level JSON member).
	Param, Value string
	// Skip lets the first Skip matching calls through; Times fails the next Times calls
	// (0 = all of them).
	Skip, Times int
	// Status and Code of the error answer (Code "" = no error, only Delay).
	Status  int
	Code    string
	Message string
	// Delay is added before answering.
	Delay time.Duration
	// Truncate answers HTTP 200 with the first half of the real answer while the
	// Content-Length header announces all of it, then drops the connection: a stream cut
	// in the middle of the body.
	Truncate bool
	// Body answers HTTP 200 (with the protocol's content type) with Body instead of the
	// real answer: a malformed body (Code "" and no Truncate).
	Body string
}

type faultState struct {
	Fault
	seen int
}

// New starts a fake; Close it when done.
func New() *Server {
	m, err := loadRDSModel()
	s := &Server{accounts: map[string]*Account{}, rdsModel: m, rdsModelErr: err}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	return s
}

// URL is the endpoint to put in aws.Config.BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// Connections counts the TCP connections clients opened.
func (s *Server) Connections() int64 { return s.conns.Load() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// HTTPClient returns a client for the fake with enough idle connections for heavy
// concurrency.
func (s *Server) HTTPClient() *http.Client {
	tr := s.srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 1024
	return &http.Client{Transport: tr}
}

// AccessKey is the static access key id that authenticates as account id.
func AccessKey(id string) string { return "AKIDFAKE" + id }

// Config is a hermetic literal aws.Config for account id: static fake credentials, the
// fake's endpoint, and a zero-backoff retryer with maxAttempts attempts (0 → 3).
func (s *Server) Config(id, region string, maxAttempts int) aws.Config {
	if maxAttempts <= 0 {
		maxAttempts = 3
	}
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey(id), "fake-secret", ""),
		BaseEndpoint: aws.String(s.URL()),
		HTTPClient:   s.HTTPClient(),
		Retryer:      ZeroBackoffRetryer(maxAttempts),
	}
}

// ZeroBackoffRetryer is a standard retryer without backoff delay or retry quota, for
// deterministic tests.
func ZeroBackoffRetryer(maxAttempts int) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		})
	}
}

// AddAccount creates (or returns) an account.
func (s *Server) AddAccount(id string, enabledRegions ...string) *Account {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	if a, ok := s.accounts[id]; ok {
		return a
	}
	if len(enabledRegions) == 0 {
		enabledRegions = []string{"us-east-1"}
	}
	a := &Account{ID: id, EnabledRegions: enabledRegions, TrailStatus: map[string]Item{},
		EventSelectors: map[string]Item{}, regions: map[string]*Region{}}
	s.accounts[id] = a
	s.keys.Store(AccessKey(id), id)
	return a
}

// SetManagementAccount makes id the Organizations management account: ListAccounts called
// from it lists every fake account.
func (s *Server) SetManagementAccount(id string) {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.management = id
}

// Region returns (creating) the account's region.
func (a *Account) Region(name string) *Region {
	r, ok := a.regions[name]
	if !ok {
		r = &Region{ClusterParamGroups: map[string]*ParamGroup{}, DBParamGroups: map[string]*ParamGroup{},
			EngineDefaultsCl: map[string][]Item{}, EngineDefaults: map[string][]Item{}}
		a.regions[name] = r
	}
	return r
}

// SetLatency adds d before every answer.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSessionLifetime makes AssumeRole issue a distinct session token per call, valid for
// d (the answer's Expiration says so, to the millisecond); requests signed with an expired
// token get HTTP 400 ExpiredToken, as AWS answers. The fake's clock runs skew ahead of the
// client's (AWS's clock and a client's never agree exactly): a token expires skew before
// its Expiration. d = 0 restores the default (one token, an hour, never checked).
func (s *Server) SetSessionLifetime(d, skew time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessionLifetime, s.sessionSkew = d, skew
}

// newSession returns the session token and expiry of a new AssumeRole answer.
func (s *Server) newSession() (token string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessionLifetime <= 0 {
		return "fake-session-token", time.Now().Add(time.Hour)
	}
	s.sessionSeq++
	token = fmt.Sprintf("fake-session-token-%d", s.sessionSeq)
	expires = time.Now().Add(s.sessionLifetime).Truncate(time.Millisecond)
	if s.sessions == nil {
		s.sessions = map[string]time.Time{}
	}
	s.sessions[token] = expires.Add(-s.sessionSkew)
	return token, expires
}

// sessionExpired reports whether token is a session token that has expired.
func (s *Server) sessionExpired(token string) bool {
	if token == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.sessions[token]
	return ok && !time.Now().Before(exp)
}

// AddFault scripts an answer.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// Calls returns a copy of the request log.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls clears the request log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// CountByOperation counts logged calls per "service:Operation" (IAM action).
func (s *Server) CountByOperation() map[string]int {
	out := map[string]int{}
	for _, c := range s.Calls() {
		out[c.IAMAction()]++
	}
	return out
}

// apiError is an error answer.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// request is a parsed incoming call.
type request struct {
	service, op, account, region string
	protocol                     string // query, json, cbor
	form                         url.Values
	json                         map[string]any
	cbor                         map[string]any
	accessKey                    string
	attempt                      int
}

func (r *request) param(name string) string {
	switch {
	case r.form != nil:
		return r.form.Get(name)
	case r.json != nil:
		if v, ok := r.json[name]; ok {
			return fmt.Sprint(v)
		}
	case r.cbor != nil:
		if v, ok := r.cbor[name]; ok {
			return fmt.Sprint(v)
		}
	}
	return ""
}

func (r *request) params() map[string]string {
	out := map[string]string{}
	for k, v := range r.form {
		if k != "Action" && k != "Version" && len(v) > 0 {
			out[k] = v[0]
		}
	}
	for _, m := range []map[string]any{r.json, r.cbor} {
		for k, v := range m {
			switch v.(type) {
			case map[string]any, []any:
			default:
				out[k] = fmt.Sprint(v)
			}
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	req, err := parseRequest(hr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if id, ok := s.keys.Load(req.accessKey); ok {
		req.account = id.(string)
	}
	s.mu.Lock()
	delay := s.latency
	var fault *Fault
	for _, f := range s.faults {
		if f.matches(req) {
			f.seen++
			if f.seen > f.Skip && (f.Times == 0 || f.seen <= f.Skip+f.Times) {
				ff := f.Fault
				fault = &ff
				break
			}
		}
	}
	s.reqSeq++
	seq := s.reqSeq
	s.mu.Unlock()
	// AWS authenticates a request when it arrives.
	expired := s.sessionExpired(hr.Header.Get("X-Amz-Security-Token"))
	if fault != nil {
		delay += fault.Delay
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-hr.Context().Done():
			t.Stop()
			s.log(req, 499, "ClientClosedRequest")
			return
		}
	}
	var body []byte
	var aerr *apiError
	switch {
	case req.account == "" && req.op != "":
		aerr = errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	case expired:
		aerr = errf(400, "ExpiredToken", "The security token included in the request is expired")
	case fault != nil && fault.Code != "":
		st := fault.Status
		if st == 0 {
			st = 400
		}
		msg := fault.Message
		if msg == "" {
			msg = "scripted " + fault.Code
		}
		aerr = &apiError{status: st, code: fault.Code, message: msg}
	default:
		body, err = s.dispatch(hr.Context(), req)
		if err != nil && !errors.As(err, &aerr) {
			aerr = errf(500, "InternalFailure", "%v", err)
		}
	}
	reqID := fmt.Sprintf("fake-%08d", seq)
	if aerr != nil {
		s.log(req, aerr.status, aerr.code)
		writeError(w, req, aerr, reqID)
		return
	}
	s.log(req, 200, "")
	switch req.protocol {
	case "query":
		w.Header().Set("Content-Type", "text/xml")
	case "json":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	case "cbor":
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	}
	w.Header().Set("X-Amzn-Requestid", reqID)
	switch {
	case fault != nil && fault.Truncate:
		// Announce the whole answer, send half: net/http closes the connection.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:len(body)/2])
	case fault != nil && fault.Body != "":
		_, _ = w.Write([]byte(fault.Body))
	default:
		_, _ = w.Write(body)
	}
}

func (s *Server) log(req *request, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Service: req.service, Operation: req.op, Account: req.account,
		Region: req.region, Params: req.params(), Status: status, ErrorCode: code, Attempt: req.attempt})
}

func (f *faultState) matches(r *request) bool {
	if f.Service != "" && f.Service != r.service {
		return false
	}
	if f.Operation != "" && f.Operation != r.op {
		return false
	}
	if f.Account != "" && f.Account != r.account {
		return false
	}
	if f.Region != "" && f.Region != r.region {
		return false
	}
	if f.Param != "" && r.param(f.Param) != f.Value {
		return false
	}
	return true
}

func parseRequest(hr *http.Request) (*request, error) {
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	req := &request{}
	// amz-sdk-request: attempt=1; max=3
	if a, ok := strings.CutPrefix(hr.Header.Get("Amz-Sdk-Request"), "attempt="); ok {
		req.attempt, _ = strconv.Atoi(strings.TrimSpace(strings.SplitN(a, ";", 2)[0]))
	}
	// Credential=AKID/20240101/us-east-1/rds/aws4_request
	auth := hr.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		cred := auth[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
		parts := strings.Split(cred, "/")
		if len(parts) == 5 {
			req.accessKey, req.region, req.service = parts[0], parts[2], parts[3]
		}
	}
	switch {
	case hr.Header.Get("X-Amz-Target") != "":
		t := hr.Header.Get("X-Amz-Target")
		req.op = t[strings.LastIndex(t, ".")+1:]
		req.protocol = "json"
		req.json = map[string]any{}
		if len(bytes.TrimSpace(raw)) > 0 {
			if err := jsonUnmarshal(raw, &req.json); err != nil {
				return nil, fmt.Errorf("decode JSON body: %w", err)
			}
		}
	case strings.HasPrefix(hr.URL.Path, "/service/"):
		if i := strings.Index(hr.URL.Path, "/operation/"); i >= 0 {
			req.op = hr.URL.Path[i+len("/operation/"):]
		}
		req.protocol = "cbor"
		req.cbor = map[string]any{}
		if len(raw) > 0 {
			m, err := decodeCBORMap(raw)
			if err != nil {
				return nil, fmt.Errorf("decode CBOR body: %w", err)
			}
			req.cbor = m
		}
	default:
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fmt.Errorf("decode form: %w", err)
		}
		req.form = form
		req.op = form.Get("Action")
		req.protocol = "query"
	}
	return req, nil
}

// CacheAnswers makes the fake answer a repeated read request (same account, region,
// operation and parameters) from a cache of its first rendering. Call it once the world is
// complete: later changes to the world are not seen. Benchmarks use it so that a warm-up run
// leaves the fake little CPU to spend (AWS spends it on its own machines).
func (s *Server) CacheAnswers() { s.cacheOn.Store(true) }

func (s *Server) dispatch(ctx context.Context, req *request) ([]byte, error) {
	switch req.service {
	case "sts", "ec2", "organizations": // account-level: STS answers carry fresh credentials
		return s.render(ctx, req)
	}
	if !s.cacheOn.Load() {
		return s.render(ctx, req)
	}
	key := answerKey(req)
	if b, ok := s.answers.Load(key); ok {
		return b.([]byte), nil
	}
	b, err := s.render(ctx, req)
	if err == nil {
		s.answers.Store(key, b)
	}
	return b, err
}

func answerKey(req *request) string {
	params := req.params()
	var b strings.Builder
	b.WriteString(req.account + "\x00" + req.region + "\x00" + req.service + "\x00" + req.op)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		b.WriteString("\x00" + k + "=" + params[k])
	}
	return b.String()
}

func (s *Server) render(ctx context.Context, req *request) ([]byte, error) {
	s.dataMu.RLock()
	defer s.dataMu.RUnlock()
	acct := s.accounts[req.account]
	switch req.service {
	case "sts":
		return s.sts(req, acct)
	case "ec2":
		return s.ec2(req, acct)
	case "organizations":
		return s.organizations(req, acct)
	}
	reg := acct.regions[req.region]
	if reg == nil {
		reg = &Region{}
	}
	switch req.service {
	case "rds":
		return s.rds(req, reg)
	case "logs":
		return s.logs(req, reg)
	case "monitoring":
		return s.cloudwatch(req, reg)
	case "cloudtrail":
		return s.cloudtrail(req, acct, reg)
	}
	_ = ctx
	return nil, errf(400, "UnknownService", "service %q is not served by the fake", req.service)
}

// page returns items[from:from+size] and the next marker ("" at the end).
func page(items []Item, marker string, size int) ([]Item, string, error) {
	from := 0
	if marker != "" {
		if _, err := fmt.Sscanf(marker, "fake-marker-%d", &from); err != nil || from < 0 || from > len(items) {
			return nil, "", errf(400, "InvalidParameterValue", "invalid marker %q", marker)
		}
	}
	if size <= 0 {
		size = 100
	}
	to := from + size
	if to >= len(items) {
		return items[from:], "", nil
	}
	return items[from:to], fmt.Sprintf("fake-marker-%d", to), nil
}
