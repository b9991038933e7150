// Package shfake is an in-process wire-format fake of Security Hub's restJson1 API for
// BatchImportFindings (POST /findings/import) and GetFindings (POST /findings). It enforces
// what moto does not: ≤ 100 findings and ≤ 6 MB per request, ≤ 240 KB per finding, a request
// rate (token bucket) answered with HTTP 429 LimitExceededException, and GetFindings filter
// semantics. Scripted faults: throttle the first N imports, fail chosen finding Ids, answer
// an operation with an HTTP error (5xx, credentials and permission errors).
// It is a test helper.
package shfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits enforced (shared/docs/formats.md §2.8).
const (
	MaxFindings     = 100
	MaxBatchBytes   = 6 * 1024 * 1024
	MaxFindingBytes = 240 * 1024
)

// Config scripts the fake. Zero values: no rate limit, no faults.
type Config struct {
	// ImportRate / ImportBurst limit BatchImportFindings (requests per second); 0 = unlimited.
	ImportRate  float64
	ImportBurst int
	// GetRate / GetBurst limit GetFindings.
	GetRate  float64
	GetBurst int
	// ThrottleFirst answers the first N BatchImportFindings calls with 429.
	ThrottleFirst int
	// ThrottleGetFirst answers the first N GetFindings calls with 429.
	ThrottleGetFirst int
	// ThrottleCode is the error type of throttling answers (default LimitExceededException).
	ThrottleCode string
	// FailIDs fails a finding Id in FailedFindings that many times, with FailCode
	// (default "InternalFailure"); a negative count fails it always.
	FailIDs  map[string]int
	FailCode string
	// Discard keeps only the Ids of imported findings (benchmarks: the fake's own memory
	// stays out of the pusher's figures). GetFindings then finds nothing.
	Discard bool
	// AccountID, if set, is the caller: findings of other accounts fail with InvalidAccess.
	AccountID string
	// Errors answers calls of an operation ("BatchImportFindings", "GetFindings", or "*" for
	// both) with a scripted HTTP error instead of serving them.
	Errors map[string]ScriptedError
}

// ScriptedError is an HTTP error answer.
type ScriptedError struct {
	// Status is the HTTP status, e.g. 503, 500, 403, 400.
	Status int
	// Code is the X-Amzn-Errortype header (e.g. ExpiredTokenException,
	// UnrecognizedClientException, AccessDeniedException); "" sends none, like a bare 5xx
	// from a load balancer.
	Code string
	// Message is the JSON body's message; Body, if set, is sent instead of the JSON body
	// (e.g. an HTML error page).
	Message, Body string
	// Times answers only the first Times calls of the operation with the error; 0 = all.
	Times int
	// Skip serves the first Skip calls of the operation before the error starts (e.g. a
	// token that expires mid-push).
	Skip int
}

// Request is one logged call.
type Request struct {
	Op        string // "BatchImportFindings" or "GetFindings"
	Findings  int
	Bytes     int
	Status    int
	At        time.Time
	Throttled bool
}

// Server is the fake.
type Server struct {
	*httptest.Server
	cfg Config

	mu       sync.Mutex
	store    map[string]map[string]any // ProductArn + "\x00" + Id → finding
	order    []string
	log      []Request
	imports  int
	gets     int
	failLeft map[string]int
	buckets  map[string]*bucket
	received [][]byte // raw finding JSON of every import, for wire assertions
	ids      map[string]bool
	scripted map[string]int // calls answered with a scripted error, by Errors key
	seen     map[string]int // calls matching an Errors key, by key
}

type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func (b *bucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// New starts a fake; Close it when done.
func New(cfg Config) *Server {
	if cfg.ThrottleCode == "" {
		cfg.ThrottleCode = "LimitExceededException"
	}
	if cfg.FailCode == "" {
		cfg.FailCode = "InternalFailure"
	}
	if cfg.ImportBurst <= 0 {
		cfg.ImportBurst = 1
	}
	if cfg.GetBurst <= 0 {
		cfg.GetBurst = 1
	}
	s := &Server{cfg: cfg, store: map[string]map[string]any{}, ids: map[string]bool{}, failLeft: map[string]int{}, scripted: map[string]int{}, buckets: map[string]*bucket{
		"BatchImportFindings": {rate: cfg.ImportRate, burst: float64(cfg.ImportBurst)},
		"GetFindings":         {rate: cfg.GetRate, burst: float64(cfg.GetBurst)},
	}}
	for id, n := range cfg.FailIDs {
		s.failLeft[id] = n
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Log returns the request log.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Received returns the raw JSON of every finding received by BatchImportFindings.
func (s *Server) Received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.received...)
}

// DeliveredIDs is the number of distinct finding Ids accepted so far.
func (s *Server) DeliveredIDs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// Findings returns the stored findings in insertion order.
func (s *Server) Findings() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.store[k])
	}
	return out
}

// Seed stores findings as if imported earlier (Security Hub's own additions included).
func (s *Server) Seed(findings ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range findings {
		s.put(f)
	}
}

func (s *Server) put(f map[string]any) {
	k := fmt.Sprint(f["ProductArn"]) + "\x00" + fmt.Sprint(f["Id"])
	if _, ok := s.store[k]; !ok {
		s.order = append(s.order, k)
	}
	// What Security Hub adds to stored findings; a provider must not send these back.
	pf, _ := f["ProductFields"].(map[string]any)
	if pf == nil {
		pf = map[string]any{}
	}
	pf["aws/securityhub/FindingId"] = fmt.Sprint(f["ProductArn"]) + "/" + fmt.Sprint(f["Id"])
	pf["aws/securityhub/ProductName"] = "Default"
	f["ProductFields"] = pf
	if _, ok := f["Workflow"]; !ok {
		f["Workflow"] = map[string]any{"Status": "NEW"}
	}
	f["ProcessedAt"] = time.Now().UTC().Format(time.RFC3339Nano)
	s.store[k] = f
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidInputException", err.Error())
		return
	}
	if !strings.Contains(r.Header.Get("Authorization"), "/securityhub/aws4_request") {
		writeError(w, http.StatusForbidden, "InvalidAccessException", "request not signed for securityhub")
		return
	}
	op := ""
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/findings/import":
		op = "BatchImportFindings"
	case r.Method == http.MethodPost && r.URL.Path == "/findings":
		op = "GetFindings"
	}
	if op != "" && s.scriptedError(w, op, len(body)) {
		return
	}
	switch op {
	case "BatchImportFindings":
		s.batchImport(w, body)
	case "GetFindings":
		s.getFindings(w, body)
	default:
		writeError(w, http.StatusNotFound, "ResourceNotFoundException", r.Method+" "+r.URL.Path+" not implemented by the fake")
	}
}

// scriptedError answers a call with the error Config.Errors scripts for op, if any.
func (s *Server) scriptedError(w http.ResponseWriter, op string, size int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := op
	e, ok := s.cfg.Errors[key]
	if !ok {
		key = "*"
		if e, ok = s.cfg.Errors[key]; !ok {
			return false
		}
	}
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	s.seen[key]++
	if s.seen[key] <= e.Skip {
		return false
	}
	if e.Times > 0 && s.scripted[key] >= e.Times {
		return false
	}
	s.scripted[key]++
	s.record(op, 0, size, e.Status, false)
	if e.Code != "" {
		w.Header().Set("X-Amzn-Errortype", e.Code)
	}
	if e.Body != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(e.Status)
		_, _ = io.WriteString(w, e.Body)
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.Message})
	return true
}

func (s *Server) record(op string, n, size, status int, throttled bool) {
	s.log = append(s.log, Request{Op: op, Findings: n, Bytes: size, Status: status, At: time.Now(), Throttled: throttled})
}

func (s *Server) batchImport(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req struct {
		Findings []json.RawMessage `json:"Findings"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.record("BatchImportFindings", 0, len(body), 400, false)
		writeError(w, http.StatusBadRequest, "InvalidInputException", "malformed body: "+err.Error())
		return
	}
	s.imports++
	if s.imports <= s.cfg.ThrottleFirst || !s.buckets["BatchImportFindings"].take(time.Now()) {
		s.record("BatchImportFindings", len(req.Findings), len(body), 429, true)
		writeError(w, http.StatusTooManyRequests, s.cfg.ThrottleCode, "Rate exceeded")
		return
	}
	switch {
	case len(req.Findings) < 1 || len(req.Findings) > MaxFindings:
		s.record("BatchImportFindings", len(req.Findings), len(body), 400, false)
		writeError(w, http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("Findings has %d members; it must have between 1 and 100", len(req.Findings)))
		return
	case len(body) > MaxBatchBytes:
		s.record("BatchImportFindings", len(req.Findings), len(body), 413, false)
		writeError(w, http.StatusRequestEntityTooLarge, "InvalidInputException", "request larger than 6 MB")
		return
	}
	type failure struct{ Id, ErrorCode, ErrorMessage string }
	var failed []failure
	for _, raw := range req.Findings {
		if !s.cfg.Discard {
			s.received = append(s.received, raw)
		}
		var f map[string]any
		if err := json.Unmarshal(raw, &f); err != nil {
			failed = append(failed, failure{"", "InvalidInput", err.Error()})
			continue
		}
		id, _ := f["Id"].(string)
		if msg := invalid(f, len(raw)); msg != "" {
			failed = append(failed, failure{id, "InvalidInput", msg})
			continue
		}
		if s.cfg.AccountID != "" && f["AwsAccountId"] != s.cfg.AccountID {
			failed = append(failed, failure{id, "InvalidAccess", "account mismatch"})
			continue
		}
		if n, ok := s.failLeft[id]; ok && n != 0 {
			s.failLeft[id] = n - 1
			failed = append(failed, failure{id, s.cfg.FailCode, "scripted failure"})
			continue
		}
		s.ids[id] = true
		if s.cfg.Discard {
			continue
		}
		k := fmt.Sprint(f["ProductArn"]) + "\x00" + id
		if old, ok := s.store[k]; ok {
			// An update counts only if UpdatedAt is later; otherwise it is silently ignored.
			if !later(f["UpdatedAt"], old["UpdatedAt"]) {
				continue
			}
			if wf, ok := old["Workflow"]; ok {
				f["Workflow"] = wf
			}
		}
		s.put(f)
	}
	s.record("BatchImportFindings", len(req.Findings), len(body), 200, false)
	if failed == nil {
		failed = []failure{}
	}
	writeJSON(w, map[string]any{
		"FailedCount":    len(failed),
		"SuccessCount":   len(req.Findings) - len(failed),
		"FailedFindings": failed,
	})
}

// invalid is the fake's ASFF check: what the service rejects per finding.
func invalid(f map[string]any, size int) string {
	if size > MaxFindingBytes {
		return "finding larger than 240 KB"
	}
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description", "Resources"} {
		if v, ok := f[k]; !ok || v == "" {
			return "missing " + k
		}
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if _, err := time.Parse(time.RFC3339Nano, fmt.Sprint(f[k])); err != nil {
			return k + " is not a timestamp"
		}
	}
	for _, k := range []string{"Workflow", "Note", "UserDefinedFields", "VerificationState", "WorkflowState"} {
		if _, ok := f[k]; ok {
			return "provider sent customer-owned " + k
		}
	}
	if pf, ok := f["ProductFields"].(map[string]any); ok {
		for k := range pf {
			if strings.HasPrefix(k, "aws/") {
				return "provider sent reserved ProductFields key " + k
			}
		}
	}
	return ""
}

func later(a, b any) bool {
	ta, errA := time.Parse(time.RFC3339Nano, fmt.Sprint(a))
	tb, errB := time.Parse(time.RFC3339Nano, fmt.Sprint(b))
	return errA == nil && (errB != nil || ta.After(tb))
}

type stringFilter struct {
	Value      string `json:"Value"`
	Comparison string `json:"Comparison"`
}

func (s *Server) getFindings(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req struct {
		Filters    map[string][]stringFilter `json:"Filters"`
		NextToken  string                    `json:"NextToken"`
		MaxResults *int                      `json:"MaxResults"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.record("GetFindings", 0, len(body), 400, false)
		writeError(w, http.StatusBadRequest, "InvalidInputException", "malformed body: "+err.Error())
		return
	}
	s.gets++
	if s.gets <= s.cfg.ThrottleGetFirst || !s.buckets["GetFindings"].take(time.Now()) {
		s.record("GetFindings", 0, len(body), 429, true)
		writeError(w, http.StatusTooManyRequests, s.cfg.ThrottleCode, "Rate exceeded")
		return
	}
	max := 100
	if req.MaxResults != nil {
		max = *req.MaxResults
	}
	if max < 1 || max > 100 {
		s.record("GetFindings", 0, len(body), 400, false)
		writeError(w, http.StatusBadRequest, "InvalidInputException", "MaxResults must be between 1 and 100")
		return
	}
	var match []map[string]any
	for _, k := range s.order {
		if f := s.store[k]; matches(f, req.Filters) {
			match = append(match, f)
		}
	}
	start := 0
	if req.NextToken != "" {
		n, err := strconv.Atoi(req.NextToken)
		if err != nil || n < 0 || n > len(match) {
			s.record("GetFindings", 0, len(body), 400, false)
			writeError(w, http.StatusBadRequest, "InvalidInputException", "bad NextToken")
			return
		}
		start = n
	}
	end := min(start+max, len(match))
	out := map[string]any{"Findings": match[start:end]}
	if end < len(match) {
		out["NextToken"] = strconv.Itoa(end)
	}
	s.record("GetFindings", end-start, len(body), 200, false)
	writeJSON(w, out)
}

// matches applies filters: values of one field are OR-ed, fields are AND-ed. Supported:
// EQUALS, PREFIX, NOT_EQUALS on top-level strings, ResourceRegion and ComplianceStatus.
func matches(f map[string]any, filters map[string][]stringFilter) bool {
	for field, fs := range filters {
		var val string
		switch field {
		case "ResourceRegion":
			if res, ok := f["Resources"].([]any); ok && len(res) > 0 {
				val, _ = res[0].(map[string]any)["Region"].(string)
			}
		case "ComplianceStatus":
			if c, ok := f["Compliance"].(map[string]any); ok {
				val, _ = c["Status"].(string)
			}
		default:
			val, _ = f[field].(string)
		}
		hit := false
		for _, flt := range fs {
			switch flt.Comparison {
			case "EQUALS":
				hit = hit || val == flt.Value
			case "PREFIX":
				hit = hit || strings.HasPrefix(val, flt.Value)
			case "NOT_EQUALS":
				hit = hit || val != flt.Value
			}
		}
		if len(fs) > 0 && !hit {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
