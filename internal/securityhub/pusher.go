// Package securityhub pushes ASFF findings into AWS Security Hub CSPM with
// BatchImportFindings and resolves the findings a scan scope no longer produces.
//
// Limits honoured (shared/docs/formats.md §2.8): ≤ 100 findings and ≤ 6 MB per request,
// ≤ 240 KB per finding, a client-side rate of ≤ 10 BatchImportFindings and ≤ 3 GetFindings
// requests per second, backoff on throttling, FailedFindings retried and then reported by Id.
package securityhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"

	"github.com/dbaudit/scanner/internal/awserr"
	"github.com/dbaudit/scanner/internal/report"
)

// Service limits.
const (
	MaxBatchFindings = 100
	maxBatchBytes    = 6_000_000 - 64*1024 // 6 MB, less room for the envelope
	maxFindingBytes  = 240 * 1000
	MaxImportRate    = 10.0 // BatchImportFindings requests per second per account and Region
	maxGetRate       = 3.0  // GetFindings
	getPageSize      = 100
	maxFilterValues  = 20
)

// API is the part of the Security Hub client the pusher uses.
type API interface {
	BatchImportFindings(ctx context.Context, in *sh.BatchImportFindingsInput, optFns ...func(*sh.Options)) (*sh.BatchImportFindingsOutput, error)
	GetFindings(ctx context.Context, in *sh.GetFindingsInput, optFns ...func(*sh.Options)) (*sh.GetFindingsOutput, error)
}

// ClientFactory returns the client for a Region.
type ClientFactory func(region string) (API, error)

// NewClientFactory builds clients from an AWS config. The SDK's own retries are off: the
// pusher retries itself, so every attempt goes through its rate limiter.
func NewClientFactory(cfg aws.Config) ClientFactory {
	return func(region string) (API, error) {
		return sh.NewFromConfig(cfg, func(o *sh.Options) {
			if region != "" {
				o.Region = region
			}
			o.Retryer = aws.NopRetryer{}
		}), nil
	}
}

// Options configure a Pusher. Zero values are the defaults.
type Options struct {
	// Region sends every finding to this Region's Security Hub and moves own-account default
	// ProductArns there. Empty: each finding goes to the Region in its ProductArn.
	Region string
	// IncludePassed also sends PASSED findings. Without it a PASSED finding is sent only to
	// resolve an active, non-passed finding of the same Id.
	IncludePassed bool
	// NoArchive keeps findings the scope no longer produces as they are.
	NoArchive bool
	// Rate is the BatchImportFindings request rate (default and maximum 10/s).
	Rate float64
	// Workers is the number of requests in flight (default 4).
	Workers int
	// MaxAttempts per request on throttling and 5xx (default 8).
	MaxAttempts int
	// FindingAttempts is how often a finding listed in FailedFindings is sent (default 3).
	FindingAttempts int
	// BaseBackoff and MaxBackoff bound the exponential backoff (defaults 200 ms, 10 s).
	BaseBackoff, MaxBackoff time.Duration
	// Clock is the time source (default the wall clock).
	Clock Clock
	// Jitter picks the actual backoff in [0, d] (default full jitter).
	Jitter func(d time.Duration) time.Duration
}

func (o *Options) defaults() {
	if o.Rate <= 0 || o.Rate > MaxImportRate {
		o.Rate = MaxImportRate
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.FindingAttempts <= 0 {
		o.FindingAttempts = 3
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Jitter == nil {
		o.Jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d + 1)
		}
	}
}

// Scope is what a scan covered: findings in Security Hub that carry one of these
// GeneratorIds, come from the same ProductArn and account, and concern a resource in one of
// these Regions belong to the scan and may be resolved by it. Nothing outside it is touched,
// so differently scoped scans never archive each other's findings.
type Scope struct {
	// GeneratorIDs is the rule selection (report.ASFFGeneratorID per rule). Empty: the
	// GeneratorIds of the pushed findings.
	GeneratorIDs []string
	// Regions adds resource Regions the scan covered beyond those of its findings.
	Regions []string
	// Covered lists every account and Region the scan read. Each gets its findings swept
	// even when the scan produced none there (the last database was deleted), in the
	// Security Hub Region of its own-account default product (or ProductARN's).
	Covered []Covered
	// ProductARN is the product the scan's findings were built with ("": the own-account
	// default product of each Region).
	ProductARN string
}

// Covered is one account and Region a scan read.
type Covered struct{ Account, Region string }

// Failure is a finding that could not be delivered.
type Failure struct {
	ID, Region, Code, Message string
}

// Result summarises a push.
type Result struct {
	Imported      int // current findings delivered (new or updated)
	Resolved      int // PASSED findings sent to resolve an active failing finding
	Archived      int // findings the scope no longer produces, re-imported ARCHIVED
	SkippedPassed int // PASSED findings not sent (no --include-passed, nothing to resolve)
	Requests      int // BatchImportFindings requests made, retries included
	Throttled     int // requests answered with throttling
	// Failed lists the findings Security Hub refused one by one (FailedFindings, too large).
	Failed []Failure
	// Errors are the requests that failed for good, each reported once with the number of
	// findings it left undelivered (its own and those of its group never sent after it).
	Errors []*RequestError
}

// Undelivered is the number of findings not delivered, per finding and per request.
func (r *Result) Undelivered() int {
	n := len(r.Failed)
	for _, e := range r.Errors {
		n += e.Findings
	}
	return n
}

// Pusher sends findings to Security Hub.
type Pusher struct {
	clients ClientFactory
	opts    Options
}

// New returns a Pusher.
func New(clients ClientFactory, opts Options) *Pusher {
	opts.defaults()
	return &Pusher{clients: clients, opts: opts}
}

// findingsCount is "1 finding" or "N findings".
func findingsCount(n int) string {
	if n == 1 {
		return "1 finding"
	}
	return fmt.Sprintf("%d findings", n)
}

// ErrUndelivered is wrapped by Push's error when findings could not be delivered.
var ErrUndelivered = errors.New("not delivered")

// group is the findings for one Region's Security Hub, one product and one account.
type groupKey struct{ region, product, account string }

// Push delivers the findings (all statuses of one scan, as report.BuildASFF returns them)
// and resolves the scope's findings that the scan no longer produces. It returns an error
// wrapping ErrUndelivered when any finding was not delivered; the Result lists them by Id.
func (p *Pusher) Push(ctx context.Context, findings []report.ASFFFinding, scope Scope) (*Result, error) {
	res := &Result{}
	groups := map[groupKey][]item{}
	var order []groupKey
	ruleSel := map[string]bool{}
	for _, g := range scope.GeneratorIDs {
		ruleSel[g] = true
	}
	deriveRules := len(ruleSel) == 0
	for _, af := range findings {
		if p.opts.Region != "" {
			af.ProductArn = withRegion(af.ProductArn, p.opts.Region)
		}
		f, size, err := toSDK(af)
		if err != nil {
			return nil, fmt.Errorf("securityhub: %w", err)
		}
		region := p.opts.Region
		if region == "" {
			region = productRegion(af.ProductArn)
		}
		if size > maxFindingBytes {
			res.Failed = append(res.Failed, Failure{ID: af.ID, Region: region, Code: "FindingTooLarge",
				Message: fmt.Sprintf("%d bytes, above the 240 KB per finding", size)})
			continue
		}
		if region == "" {
			res.Failed = append(res.Failed, Failure{ID: af.ID, Code: "NoRegion", Message: "ProductArn has no Region and no --securityhub-region was given"})
			continue
		}
		if deriveRules {
			ruleSel[af.GeneratorID] = true
		}
		k := groupKey{region, af.ProductArn, af.AwsAccountID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], item{f: f, size: size, kind: "import"})
	}

	for _, c := range scope.Covered {
		region, product := c.Region, scope.ProductARN
		if p.opts.Region != "" {
			region = p.opts.Region
		}
		if product == "" {
			product = report.DefaultProductARN(region, c.Account)
		} else {
			region = productRegion(product)
			if p.opts.Region != "" {
				region = p.opts.Region
			}
		}
		k := groupKey{region, product, c.Account}
		if _, ok := groups[k]; !ok {
			groups[k] = nil
			order = append(order, k)
		}
	}

	for i, k := range order {
		reqErr, err := p.pushGroup(ctx, k, groups[k], ruleSel, scope.Regions, res)
		if err != nil {
			return res, fmt.Errorf("securityhub: %w", err)
		}
		if reqErr == nil {
			continue
		}
		res.Errors = append(res.Errors, reqErr)
		if reqErr.Auth {
			// Credentials and permissions are the same for every request: say it once and
			// stop, instead of failing every batch and Region the same way.
			for _, rest := range order[i+1:] {
				reqErr.Findings += len(groups[rest])
			}
			return res, fmt.Errorf("securityhub: push stopped, %s %w: %w", findingsCount(res.Undelivered()), ErrUndelivered, reqErr)
		}
	}
	sort.Slice(res.Failed, func(i, j int) bool { return res.Failed[i].ID < res.Failed[j].ID })
	if n := res.Undelivered(); n > 0 {
		msgs := make([]string, 0, len(res.Errors))
		for _, e := range res.Errors {
			msgs = append(msgs, e.Error())
		}
		if len(msgs) == 0 {
			return res, fmt.Errorf("securityhub: %s %w", findingsCount(n), ErrUndelivered)
		}
		return res, fmt.Errorf("securityhub: %s %w: %s", findingsCount(n), ErrUndelivered, strings.Join(msgs, "; "))
	}
	return res, nil
}

// pushGroup delivers one group. A request that failed for good is returned as a
// RequestError (the group's delivery stopped there); err is a programming or setup error.
func (p *Pusher) pushGroup(ctx context.Context, k groupKey, current []item, ruleSel map[string]bool, extraRegions []string, res *Result) (*RequestError, error) {
	api, err := p.clients(k.region)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", k.region, err)
	}
	regions := map[string]bool{}
	for _, r := range extraRegions {
		regions[r] = true
	}
	for i := range current {
		if r := resourceRegion(&current[i].f); r != "" {
			regions[r] = true
		}
	}
	existing, reqErr := p.existing(ctx, api, k, ruleSel, regions)
	if reqErr != nil {
		// Without the existing findings an import would reset CreatedAt and could not
		// resolve anything: send nothing for this group.
		reqErr.Findings = len(current)
		return reqErr, nil
	}

	now := report.FormatASFFTime(p.opts.Clock.Now())
	var send []item
	seen := map[string]bool{}
	for _, it := range current {
		id := str(it.f.Id)
		seen[id] = true
		e, had := existing[id]
		if complianceStatus(&it.f) == types.ComplianceStatusPassed && !p.opts.IncludePassed {
			if !had || e.RecordState == types.RecordStateArchived || complianceStatus(&e) == types.ComplianceStatusPassed {
				res.SkippedPassed++
				continue
			}
			it.kind = "resolve"
		}
		if had {
			// An update: keep the original CreatedAt / FirstObservedAt and move UpdatedAt
			// strictly forward, or Security Hub ignores it.
			if c := str(e.CreatedAt); c != "" {
				it.f.CreatedAt = ptr(c)
			}
			if fo := str(e.FirstObservedAt); fo != "" {
				it.f.FirstObservedAt = ptr(fo)
			}
			it.f.UpdatedAt = ptr(after(str(it.f.UpdatedAt), str(e.UpdatedAt)))
		}
		send = append(send, it)
	}
	if !p.opts.NoArchive {
		ids := make([]string, 0, len(existing))
		for id := range existing {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			e := existing[id]
			if seen[id] || e.RecordState == types.RecordStateArchived {
				continue
			}
			a := forArchive(e, now)
			send = append(send, item{f: a, size: sdkSize(a), kind: "archive"})
		}
	}
	return p.deliver(ctx, api, k.region, send, res), nil
}

// existing reads the findings of the scope with GetFindings (filters narrow the read; moto
// ignores them, so the scope is checked again here). Archived findings are read too, so a
// finding that comes back keeps its CreatedAt.
func (p *Pusher) existing(ctx context.Context, api API, k groupKey, ruleSel, regions map[string]bool) (map[string]types.AwsSecurityFinding, *RequestError) {
	out := map[string]types.AwsSecurityFinding{}
	if len(ruleSel) == 0 {
		return out, nil
	}
	regionList := make([]string, 0, len(regions))
	for r := range regions {
		regionList = append(regionList, r)
	}
	sort.Strings(regionList)
	limiter := NewLimiter(p.opts.Clock, maxGetRate, 1)
	prefix := commonPrefix(ruleSel)
	for chunk := range slices.Chunk(regionList, maxFilterValues) {
		filters := &types.AwsSecurityFindingFilters{
			ProductArn:     []types.StringFilter{eq(k.product)},
			AwsAccountId:   []types.StringFilter{eq(k.account)},
			ResourceRegion: eqAll(chunk),
		}
		if prefix != "" {
			filters.GeneratorId = []types.StringFilter{{Comparison: types.StringFilterComparisonPrefix, Value: ptr(prefix)}}
		}
		in := &sh.GetFindingsInput{Filters: filters, MaxResults: ptr(int32(getPageSize))}
		for {
			var page *sh.GetFindingsOutput
			attempts, err := p.retry(ctx, limiter, func() error {
				var err error
				page, err = api.GetFindings(ctx, in)
				return err
			}, nil)
			if err != nil {
				return nil, newRequestError("GetFindings", k.region, attempts, err)
			}
			for _, f := range page.Findings {
				if str(f.ProductArn) != k.product || str(f.AwsAccountId) != k.account || !ruleSel[str(f.GeneratorId)] {
					continue
				}
				if r := resourceRegion(&f); r != "" && !regions[r] {
					continue
				}
				out[str(f.Id)] = f
			}
			if str(page.NextToken) == "" {
				break
			}
			in.NextToken = page.NextToken
		}
	}
	return out, nil
}

// commonPrefix is the longest "<tool>/" prefix shared by all GeneratorIds ("" if none): one
// PREFIX filter value instead of one EQUALS per rule.
func commonPrefix(ids map[string]bool) string {
	prefix, first := "", true
	for id := range ids {
		i := strings.LastIndex(id, "/")
		if i < 0 {
			return ""
		}
		if first {
			prefix, first = id[:i+1], false
		} else if id[:i+1] != prefix {
			return ""
		}
	}
	return prefix
}

func eq(v string) types.StringFilter {
	return types.StringFilter{Comparison: types.StringFilterComparisonEquals, Value: ptr(v)}
}

func eqAll(vs []string) []types.StringFilter {
	out := make([]types.StringFilter, 0, len(vs))
	for _, v := range vs {
		out = append(out, eq(v))
	}
	return out
}

// batches splits items into requests of ≤ 100 findings and ≤ 6 MB.
func batches(items []item) [][]item {
	var out [][]item
	var cur []item
	size := 0
	for _, it := range items {
		if len(cur) == MaxBatchFindings || (len(cur) > 0 && size+it.size+1 > maxBatchBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, it)
		size += it.size + 1
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// deliver sends items in rounds: every batch (with request-level retries), then the
// findings Security Hub listed in FailedFindings with a retryable code, up to
// FindingAttempts times. What Security Hub refused is recorded in res.Failed. A request that
// fails for good stops the delivery: the batches not sent yet are not tried (each would fail
// the same way, after as many retries) and the returned RequestError counts them.
func (p *Pusher) deliver(ctx context.Context, api API, region string, items []item, res *Result) *RequestError {
	limiter := NewLimiter(p.opts.Clock, p.opts.Rate, 1)
	var mu sync.Mutex
	var stop *RequestError // guarded by mu
	pending := items
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > 1 {
			if err := p.opts.Clock.Sleep(ctx, p.backoff(attempt-1)); err != nil {
				for _, it := range pending {
					res.Failed = append(res.Failed, Failure{ID: str(it.f.Id), Region: region, Code: "Canceled", Message: err.Error()})
				}
				return nil
			}
		}
		var retry []item
		work := make(chan []item)
		var wg sync.WaitGroup
		for w := 0; w < p.opts.Workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range work {
					mu.Lock()
					stopped := stop != nil
					if stopped {
						stop.Findings += len(b)
					}
					mu.Unlock()
					if stopped {
						continue
					}
					ok, again, failed, reqErr := p.sendBatch(ctx, api, limiter, region, b, attempt < p.opts.FindingAttempts, &mu, res)
					mu.Lock()
					switch {
					case reqErr != nil && stop == nil:
						stop = reqErr
						stop.Findings = len(b)
					case reqErr != nil:
						stop.Findings += len(b) // a concurrent batch failed too: one report
					}
					for _, it := range ok {
						switch it.kind {
						case "resolve":
							res.Resolved++
						case "archive":
							res.Archived++
						default:
							res.Imported++
						}
					}
					retry = append(retry, again...)
					res.Failed = append(res.Failed, failed...)
					mu.Unlock()
				}
			}()
		}
		for _, b := range batches(pending) {
			work <- b
		}
		close(work)
		wg.Wait()
		if stop != nil {
			stop.Findings += len(retry)
			return stop
		}
		pending = retry
	}
	return nil
}

// sendBatch makes one BatchImportFindings call (with request-level retries) and sorts the
// batch into delivered, to retry, and failed for good.
func (p *Pusher) sendBatch(ctx context.Context, api API, limiter *Limiter, region string, b []item, mayRetry bool, mu *sync.Mutex, res *Result) (ok, again []item, failed []Failure, reqErr *RequestError) {
	in := &sh.BatchImportFindingsInput{Findings: make([]types.AwsSecurityFinding, len(b))}
	for i, it := range b {
		in.Findings[i] = it.f
	}
	var out *sh.BatchImportFindingsOutput
	attempts, err := p.retry(ctx, limiter, func() error {
		mu.Lock()
		res.Requests++
		mu.Unlock()
		var err error
		out, err = api.BatchImportFindings(ctx, in)
		return err
	}, func() {
		mu.Lock()
		res.Throttled++
		mu.Unlock()
	})
	if err != nil {
		return nil, nil, nil, newRequestError("BatchImportFindings", region, attempts, err)
	}
	byID := map[string]types.ImportFindingsError{}
	for _, fe := range out.FailedFindings {
		byID[str(fe.Id)] = fe
	}
	for _, it := range b {
		fe, bad := byID[str(it.f.Id)]
		switch {
		case !bad:
			ok = append(ok, it)
		case mayRetry && retryableFindingError(str(fe.ErrorCode)):
			again = append(again, it)
		default:
			failed = append(failed, Failure{ID: str(it.f.Id), Region: region, Code: str(fe.ErrorCode), Message: str(fe.ErrorMessage)})
		}
	}
	// A response that reports more failures than it names cannot be matched to findings.
	// Re-sending is idempotent (an equal UpdatedAt is ignored), so the whole batch is retried.
	if int(aws.ToInt32(out.FailedCount)) > len(out.FailedFindings) {
		if mayRetry {
			return nil, b, nil, nil
		}
		failed = failed[:0]
		for _, it := range b {
			failed = append(failed, Failure{ID: str(it.f.Id), Region: region, Code: "Unreported",
				Message: "FailedCount exceeds the FailedFindings listed"})
		}
		return nil, nil, failed, nil
	}
	return ok, again, failed, nil
}

// retry calls fn after the limiter allows it, retrying throttling, 5xx and transport errors
// with exponential backoff and full jitter, and returns the attempts made. Credentials and
// permission errors are final at once: another attempt gets the same answer.
func (p *Pusher) retry(ctx context.Context, limiter *Limiter, fn func() error, onThrottle func()) (int, error) {
	for attempt := 1; ; attempt++ {
		if err := limiter.Wait(ctx); err != nil {
			return attempt - 1, err
		}
		err := fn()
		if err == nil {
			return attempt, nil
		}
		throttle, transient := classify(err)
		if throttle && onThrottle != nil {
			onThrottle()
		}
		if !transient || attempt >= p.opts.MaxAttempts || ctx.Err() != nil {
			return attempt, err
		}
		if serr := p.opts.Clock.Sleep(ctx, p.backoff(attempt)); serr != nil {
			return attempt, err
		}
	}
}

func (p *Pusher) backoff(attempt int) time.Duration {
	d := p.opts.BaseBackoff << min(attempt-1, 20)
	if d > p.opts.MaxBackoff || d <= 0 {
		d = p.opts.MaxBackoff
	}
	return p.opts.Jitter(d)
}

var throttleCodes = map[string]bool{
	"LimitExceededException": true, "TooManyRequestsException": true, "ThrottlingException": true,
	"Throttling": true, "RequestLimitExceeded": true, "SlowDown": true,
}

var transientCodes = map[string]bool{
	"InternalException": true, "InternalServerError": true, "InternalFailure": true, "ServiceUnavailable": true,
	"RequestTimeout": true, "RequestTimeoutException": true,
}

// authCodes are the error codes of rejected credentials or missing permissions. They do not
// depend on the request, so they are never retried and they stop the push.
var authCodes = map[string]bool{
	"ExpiredToken": true, "ExpiredTokenException": true, "InvalidClientTokenId": true,
	"UnrecognizedClientException": true, "InvalidSignatureException": true, "SignatureDoesNotMatch": true,
	"IncompleteSignature": true, "IncompleteSignatureException": true, "MissingAuthenticationToken": true,
	"MissingAuthenticationTokenException": true, "InvalidToken": true, "TokenRefreshRequired": true,
	"AuthFailure": true, "RequestExpired": true, "AccessDenied": true, "AccessDeniedException": true,
	"UnauthorizedOperation": true, "NotAuthorized": true, "InvalidAccessException": true,
}

// isAuth reports whether err is a credentials or permission problem: no usable credentials
// (the SDK could not get or sign with any), a rejected token or signature, or access denied.
func isAuth(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && authCodes[ae.ErrorCode()] {
		return true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		s := re.HTTPStatusCode()
		return s == http.StatusUnauthorized || (s == http.StatusForbidden && (ae == nil || !throttleCodes[ae.ErrorCode()]))
	}
	return noCredentials(err)
}

// noCredentials reports whether the SDK failed before sending: it found or refreshed no
// credentials (no profile, no environment, no instance role, an expired SSO session).
func noCredentials(err error) bool {
	var se *v4.SigningError
	if errors.As(err, &se) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "get identity: ") || strings.Contains(msg, "retrieve credentials") ||
		strings.Contains(msg, "refresh cached credentials")
}

// classify reports whether err is throttling and whether it is worth retrying.
func classify(err error) (throttle, transient bool) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isAuth(err) {
		return false, false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if throttleCodes[ae.ErrorCode()] {
			return true, true
		}
		if transientCodes[ae.ErrorCode()] {
			return false, true
		}
	}
	if _, _, transient, ok := awserr.TransportFailure(err); ok {
		// No HTTP answer (the SDK reports it as a response with status 0).
		return false, transient
	}
	if bodyCutOff(err) {
		return false, true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == http.StatusTooManyRequests:
			return true, true
		case s >= 500:
			return false, true
		}
		return false, false
	}
	if ae != nil {
		return false, false
	}
	// No HTTP response at all: a transport error (reset, refused, timeout).
	return false, true
}

// bodyCutOff reports an answer whose body could not be read to its end: the connection
// closed or reset mid-body (the SDK can close it itself, aws-sdk-go-v2#2737). Another
// attempt reads it whole.
func bodyCutOff(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// RequestError is a Security Hub request that failed for good: after its retries, or at
// once for a credentials or permission error. Push reports it once, not per finding.
type RequestError struct {
	Op       string // BatchImportFindings or GetFindings
	Region   string // the Security Hub Region called
	Attempts int
	Status   int    // HTTP status of the last answer; 0 when none came
	Code     string // the service's error code; "" when it sent none
	Message  string // the service's message, or the error without an answer
	Auth     bool   // credentials or permissions: Push stops
	Throttle bool
	// Findings is how many findings were not delivered because of it.
	Findings int
	Err      error
}

func newRequestError(op, region string, attempts int, err error) *RequestError {
	e := &RequestError{Op: op, Region: region, Attempts: attempts, Err: err, Auth: isAuth(err)}
	e.Throttle, _ = classify(err)
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.Status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() != "UnknownError":
		e.Code, e.Message = ae.ErrorCode(), ae.ErrorMessage()
	case errors.As(err, &ae):
		// No error code: a bare status from a proxy or load balancer (the SDK's
		// placeholder message repeats the code).
		if m := ae.ErrorMessage(); m != "UnknownError" {
			e.Message = m
		}
	case e.Status == 0:
		if endpoint, cause, _, ok := awserr.TransportFailure(err); ok {
			e.Message = awserr.Unreachable(endpoint, cause)
			break
		}
		e.Message = err.Error()
		var oe *smithy.OperationError
		if errors.As(err, &oe) {
			e.Message = oe.Err.Error() // without "operation error SecurityHub: <op>, "
		}
	}
	return e
}

// Error says what failed, where, how, and after how many attempts, in one line:
// "BatchImportFindings in us-east-1: HTTP 503 Service Unavailable after 8 attempts".
func (e *RequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s: ", e.Op, e.Region)
	switch {
	case e.Auth && e.Status == 0:
		b.WriteString("no usable AWS credentials")
	case e.Auth:
		b.WriteString("credentials or permissions rejected")
	case e.Throttle:
		b.WriteString("throttled")
	}
	if e.Auth || e.Throttle {
		b.WriteString(": ")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	detail := e.Code
	if e.Message != "" {
		detail = strings.TrimPrefix(detail+": "+e.Message, ": ")
	}
	switch {
	case detail != "" && e.Status != 0:
		b.WriteString(" (" + oneLine(detail) + ")")
	case detail != "":
		b.WriteString(oneLine(detail))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the SDK error.
func (e *RequestError) Unwrap() error { return e.Err }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// retryableFindingError: per-finding errors worth another attempt. Validation and access
// errors are final.
func retryableFindingError(code string) bool {
	c := strings.ToLower(code)
	return !strings.Contains(c, "invalidinput") && !strings.Contains(c, "invalidaccess") && !strings.Contains(c, "accessdenied")
}
