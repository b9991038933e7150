package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/snapshot"
)

func gapKeys(gaps []snapshot.Gap) []string {
	var out []string
	for _, g := range gaps {
		out = append(out, strings.Join([]string{g.Region, g.Service, g.Operation, g.Resource, g.ErrorCode}, " "))
	}
	return out
}

func countCalls(srv *awsfake.Server, region, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Operation == op && (region == "" || c.Region == region) {
			n++
		}
	}
	return n
}

// countReads counts the calls of op in region ("" = any) that are not an SDK retry of an
// earlier one. The SDK may retry any call: besides throttling and 5xx, a response whose
// connection its own request writer closed ("use of closed network connection",
// aws-sdk-go-v2#2737), which a fast local fake triggers now and then.
func countReads(srv *awsfake.Server, region, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Operation == op && (region == "" || c.Region == region) && c.Attempt <= 1 {
			n++
		}
	}
	return n
}

// TestFailuresBecomeGaps: every failure mode the issue names ends up in collection_gaps with
// a normalised error code, the failed service (only) stays nil, and collection goes on.
func TestFailuresBecomeGaps(t *testing.T) {
	const auditLG = "/aws/rds/cluster/audit-mysql/audit"
	tests := []struct {
		name     string
		faults   []awsfake.Fault
		world    func(*awsfake.Server)
		config   func(t *testing.T, cfg *Config)
		timeout  time.Duration
		wantGaps []string
		check    func(t *testing.T, snap *snapshot.Snapshot, srv *awsfake.Server)
	}{
		{
			name:   "throttling within the retries recovers",
			faults: []awsfake.Fault{{Service: "rds", Operation: "DescribeDBClusters", Region: "us-east-1", Code: "Throttling", Times: 2}},
			check: func(t *testing.T, snap *snapshot.Snapshot, srv *awsfake.Server) {
				if r := region(t, snap, acctA, "us-east-1"); r.RDS == nil || len(r.RDS.DBClusters) != 2 {
					t.Errorf("RDS = %+v, want collected after retries", r.RDS)
				}
				if n := countCalls(srv, "us-east-1", "DescribeDBClusters"); n != 3 {
					t.Errorf("DescribeDBClusters attempts = %d, want 3", n)
				}
				if n := countReads(srv, "us-east-1", "DescribeDBClusters"); n != 1 {
					t.Errorf("DescribeDBClusters reads = %d, want 1 (two retries)", n)
				}
			},
		},
		{
			name:     "throttling that outlasts the retries",
			faults:   []awsfake.Fault{{Service: "rds", Operation: "DescribeDBClusters", Region: "us-east-1", Code: "Throttling", Message: "Rate exceeded"}},
			wantGaps: []string{"us-east-1 rds DescribeDBClusters  Throttling"},
			check: func(t *testing.T, snap *snapshot.Snapshot, srv *awsfake.Server) {
				r := region(t, snap, acctA, "us-east-1")
				if r.RDS != nil || r.Logs == nil || r.CloudTrail == nil {
					t.Errorf("RDS = %v (want nil), Logs = %v, CloudTrail = %v (want collected)", r.RDS, r.Logs, r.CloudTrail)
				}
				if n := countCalls(srv, "us-east-1", "DescribeDBClusters"); n != 3 {
					t.Errorf("DescribeDBClusters attempts = %d, want 3", n)
				}
				if n := countReads(srv, "us-east-1", "DescribeDBClusters"); n != 1 {
					t.Errorf("DescribeDBClusters reads = %d, want 1 (two retries)", n)
				}
				if snap.CollectionGaps[0].Message != "Rate exceeded" || snap.CollectionGaps[0].AccountID != acctA {
					t.Errorf("gap = %+v", snap.CollectionGaps[0])
				}
			},
		},
		{
			name: "AccessDenied in one region only",
			faults: []awsfake.Fault{
				{Service: "rds", Region: "us-west-2", Status: 403, Code: "AccessDenied", Message: "User: arn:aws:sts::644160558196:assumed-role/audit/s is not authorized to perform: rds:DescribeDBClusters"},
				{Service: "logs", Region: "us-west-2", Status: 400, Code: "AccessDeniedException"},
				{Service: "cloudtrail", Region: "us-west-2", Status: 400, Code: "AccessDeniedException"},
			},
			wantGaps: []string{
				"us-west-2 cloudtrail DescribeTrails  AccessDenied",
				"us-west-2 logs DescribeLogGroups /aws/rds/ AccessDenied",
				"us-west-2 rds DescribeDBClusters  AccessDenied",
				"us-west-2 rds DescribeDBInstances  AccessDenied",
			},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				w := region(t, snap, acctA, "us-west-2")
				if w.RDS != nil || w.Logs != nil || w.CloudWatch != nil || w.CloudTrail != nil {
					t.Errorf("us-west-2 = %+v, want every service absent", w)
				}
				e := region(t, snap, acctA, "us-east-1")
				if e.RDS == nil || e.Logs == nil || e.CloudWatch == nil || e.CloudTrail == nil {
					t.Errorf("us-east-1 = %+v, want every service collected", e)
				}
			},
		},
		{
			name:     "5xx on one log group's subscription filters",
			faults:   []awsfake.Fault{{Operation: "DescribeSubscriptionFilters", Param: "logGroupName", Value: auditLG, Status: 500, Code: "ServiceUnavailableException"}},
			wantGaps: []string{"us-east-1 logs DescribeSubscriptionFilters " + auditLG + " InternalFailure"},
			check: func(t *testing.T, snap *snapshot.Snapshot, srv *awsfake.Server) {
				lg := region(t, snap, acctA, "us-east-1").Logs.LogGroups[auditLG]
				if len(lg.SubscriptionFilters) != 0 || len(lg.MetricFilters) != 1 {
					t.Errorf("log group = %+v", lg)
				}
				if n := countCalls(srv, "", "DescribeSubscriptionFilters"); n != 3+2 {
					t.Errorf("DescribeSubscriptionFilters calls = %d, want 3 attempts + 2 other groups", n)
				}
			},
		},
		{
			name:     "slow call hits the per-call timeout",
			faults:   []awsfake.Fault{{Operation: "GetTrailStatus", Delay: 3 * time.Second}},
			timeout:  300 * time.Millisecond,
			wantGaps: []string{"us-east-1 cloudtrail GetTrailStatus " + trailARN + " RequestTimeout"},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				tr := region(t, snap, acctA, "us-east-1").CloudTrail.Trails[0]
				if tr.Status != nil || tr.EventSelectors == nil {
					t.Errorf("trail = %+v, want selectors but no status", tr)
				}
			},
		},
		{
			name: "RDS endpoint unreachable",
			config: func(t *testing.T, cfg *Config) {
				cfg.AWS.HTTPClient = redirectService(cfg.AWS.HTTPClient, "rds", closedPort(t))
			},
			wantGaps: []string{
				"us-east-1 rds DescribeDBClusters  RequestError",
				"us-east-1 rds DescribeDBInstances  RequestError",
				"us-west-2 rds DescribeDBClusters  RequestError",
				"us-west-2 rds DescribeDBInstances  RequestError",
			},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				for _, g := range snap.CollectionGaps {
					if !strings.HasPrefix(g.Message, "cannot reach http://127.0.0.1:") || !strings.HasSuffix(g.Message, " (connection refused)") {
						t.Errorf("gap message %q, want cannot reach <endpoint> (connection refused)", g.Message)
					}
				}
				if r := region(t, snap, acctA, "us-east-1"); r.RDS != nil || r.Logs == nil {
					t.Errorf("RDS = %+v, want nil with logs collected", r.RDS)
				}
			},
		},
		{
			name:     "CloudWatch throttled (CBOR error answer)",
			faults:   []awsfake.Fault{{Service: "monitoring", Operation: "DescribeAlarms", Code: "ThrottlingException"}},
			wantGaps: []string{"us-east-1 cloudwatch DescribeAlarms  Throttling"},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				if r := region(t, snap, acctA, "us-east-1"); r.CloudWatch != nil || r.Logs == nil {
					t.Errorf("CloudWatch = %+v, want nil with logs collected", r.CloudWatch)
				}
			},
		},
		{
			name: "parameter group gone",
			world: func(srv *awsfake.Server) {
				delete(srv.AddAccount(acctA).Region("us-east-1").DBParamGroups, "rds-pg-group-a")
			},
			wantGaps: []string{
				"us-east-1 rds DescribeDBParameterGroups rds-pg-group-a DBParameterGroupNotFound",
				"us-east-1 rds DescribeDBParameters rds-pg-group-a DBParameterGroupNotFound",
			},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				r := region(t, snap, acctA, "us-east-1")
				if _, ok := r.RDS.DBParameterGroups["rds-pg-group-a"]; ok || len(r.RDS.DBParameterGroups) != 4 {
					t.Errorf("db parameter groups = %v", keys(r.RDS.DBParameterGroups))
				}
			},
		},
		{
			name: "engine defaults on a later page fail",
			faults: []awsfake.Fault{{Operation: "DescribeEngineDefaultClusterParameters", Param: "Marker", Value: "fake-marker-100",
				Status: 503, Code: "InternalFailure"}},
			wantGaps: []string{"us-east-1 rds DescribeEngineDefaultClusterParameters aurora5.6 InternalFailure"},
			check: func(t *testing.T, snap *snapshot.Snapshot, _ *awsfake.Server) {
				r := region(t, snap, acctA, "us-east-1")
				if _, ok := r.RDS.EngineDefaultClusterParameters["aurora5.6"]; ok {
					t.Error("partial engine defaults were kept")
				}
				if _, ok := r.RDS.EngineDefaultClusterParameters["aurora-postgresql16"]; !ok {
					t.Error("the other family's defaults are missing")
				}
				// The group lists only its modified parameters: the unmodified ones are
				// unresolved, with the gap as the reason, not taken as compliant.
				snapshot.Resolve(snap)
				p := region(t, snap, acctA, "us-east-1").RDS.DBClusters[0].Derived.EffectiveParameters["server_audit_logging"]
				want := "parameter group pgc-test does not list server_audit_logging and the engine defaults of family aurora5.6 are not in the snapshot (rds DescribeEngineDefaultClusterParameters failed: InternalFailure)"
				if p.From != snapshot.FromUnresolved || p.Unresolved != want {
					t.Errorf("server_audit_logging = %+v, want unresolved: %s", p, want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			recordedWorld(t, srv)
			if tt.world != nil {
				tt.world(srv)
			}
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			cfg := testConfig(srv, acctA, "us-east-1", "us-west-2")
			if tt.timeout > 0 {
				cfg.CallTimeout = tt.timeout
			}
			if tt.config != nil {
				tt.config(t, &cfg)
			}
			snap := mustCollect(t, cfg)
			got := gapKeys(snap.CollectionGaps)
			sort.Strings(got)
			if !slices.Equal(got, tt.wantGaps) {
				t.Errorf("gaps:\n got %q\nwant %q", got, tt.wantGaps)
			}
			if tt.check != nil {
				tt.check(t, snap, srv)
			}
		})
	}
}

// TestPagedRecordings replays recorded multi-page DescribeDBParameters answers (3 pages of
// up to 100; 4 pages of 1) with --all-parameters and checks every page is followed.
func TestPagedRecordings(t *testing.T) {
	tests := []struct {
		scenario, group string
		pages, pageSize int
		wantParams      int
		wantParam       string
	}{
		{"test_rds_param_filter", "rds-pg-group-a", 3, 100, 230, "log_destination"},
		{"test_rds_param_value", "test", 4, 1, 4, "rds.force_admin_logging_level"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			r := srv.AddAccount(acctA).Region("us-east-1")
			r.DBInstances = awsfake.Items(recording(t, tt.scenario+"/rds.DescribeDBInstances_1.json"), "DBInstances")
			var params []awsfake.Item
			for i := 1; i <= tt.pages; i++ {
				params = append(params, awsfake.Items(recording(t, fmt.Sprintf("%s/rds.DescribeDBParameters_%d.json", tt.scenario, i)), "Parameters")...)
			}
			r.DBParamGroups[tt.group] = &awsfake.ParamGroup{Meta: awsfake.Item{"DBParameterGroupName": tt.group}, Parameters: params, PageSize: tt.pageSize}
			cfg := testConfig(srv, acctA, "us-east-1")
			cfg.AllParameters = true
			snap := mustCollect(t, cfg)
			g, ok := region(t, snap, acctA, "us-east-1").RDS.DBParameterGroups[tt.group]
			if !ok || len(g.Parameters) != tt.wantParams || g.ParametersSource != "" {
				t.Fatalf("group %s: %d parameters, want %d", tt.group, len(g.Parameters), tt.wantParams)
			}
			if p := g.Parameters[tt.wantParam]; p.ParameterValue == nil {
				t.Errorf("%s = %+v, want a value", tt.wantParam, p)
			}
			if n := countReads(srv, "", "DescribeDBParameters"); n != tt.pages {
				t.Errorf("DescribeDBParameters reads = %d, want %d pages", n, tt.pages)
			}
		})
	}
}

// TestOrganizationAndIAMPolicy collects an organization (assume role per member account,
// one member refusing it, --regions all) with a debug logger, and checks that the
// collector called nothing outside docs/iam-policy.json and that the policy lists nothing
// the collector does not call; that the logs name every API call and hold no secret.
func TestOrganizationAndIAMPolicy(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	recordedWorld(t, srv)
	srv.AddAccount(acctB, "eu-west-1").Region("eu-west-1").DBClusters = []awsfake.Item{
		clusterItem(acctB, "eu-west-1", "b1", "aurora-mysql", "cpg", nil)}
	srv.AddAccount(acctB).Region("eu-west-1").ClusterParamGroups["cpg"] = &awsfake.ParamGroup{
		Meta: awsfake.Item{"DBClusterParameterGroupName": "cpg", "DBParameterGroupFamily": "aurora-mysql8.0"}}
	srv.AddAccount(acctC, "us-east-1").ExternalID = "expected-external-id" // AssumeRole without it is denied
	srv.SetManagementAccount(acctA)

	var logs bytes.Buffer
	cfg := testConfig(srv, acctA)
	cfg.Org = true
	cfg.OrgRoleName = "audit"
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	snap := mustCollect(t, cfg)

	var ids []string
	for _, a := range snap.Accounts {
		ids = append(ids, a.AccountID)
	}
	if !slices.Equal(ids, []string{acctB, acctC, acctA}) { // sorted by id
		t.Errorf("accounts = %v", ids)
	}
	if got := gapKeys(snap.CollectionGaps); !slices.Equal(got, []string{" sts AssumeRole  AccessDenied"}) || snap.CollectionGaps[0].AccountID != acctC {
		t.Errorf("gaps = %q, want one AssumeRole gap for %s", got, acctC)
	}
	if r := region(t, snap, acctB, "eu-west-1"); r.RDS == nil || len(r.RDS.DBClusters) != 1 {
		t.Errorf("member account region = %+v", r)
	}

	// IAM: the calls made (the fake's request log) equal the policy's actions.
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Statement []struct {
			Action []string
		}
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	allowed := map[string]bool{}
	for _, s := range policy.Statement {
		for _, a := range s.Action {
			allowed[a] = true
		}
	}
	called := srv.CountByOperation()
	for action := range called {
		if !allowed[action] {
			t.Errorf("the collector calls %s, which docs/iam-policy.json does not allow", action)
		}
	}
	for action := range allowed {
		if called[action] == 0 {
			t.Errorf("docs/iam-policy.json allows %s, which the collector never called (not least privilege, or untested)", action)
		}
	}

	// Logs: one debug record per API call attempt the collector made, no secrets.
	out := logs.String()
	for _, op := range []string{"GetCallerIdentity", "ListAccounts", "DescribeRegions", "DescribeDBClusters",
		"DescribeDBClusterParameters", "DescribeLogGroups", "DescribeAlarms", "GetTrailStatus"} {
		if !strings.Contains(out, `"operation":"`+op+`"`) {
			t.Errorf("debug log does not name %s", op)
		}
	}
	if strings.Contains(out, "fake-secret") || strings.Contains(out, "fake-session-token") {
		t.Error("debug log contains credentials")
	}
	js, _ := json.Marshal(snap)
	if strings.Contains(string(js), "fake-secret") || strings.Contains(string(js), "fake-session-token") {
		t.Error("snapshot contains credentials")
	}
}

// TestPersistent5xxNamedInTheGap: a call that keeps answering 503 until the per-call timeout
// ends its retries is a gap that says HTTP 503, not RequestTimeout.
func TestPersistent5xxNamedInTheGap(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	recordedWorld(t, srv)
	srv.AddFault(awsfake.Fault{Operation: "GetTrailStatus", Status: 503, Code: "ServiceUnavailable"})
	cfg := testConfig(srv, acctA, "us-east-1")
	cfg.CallTimeout = 400 * time.Millisecond
	cfg.AWS.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 1000
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 50 * time.Millisecond, nil })
			o.RateLimiter = ratelimit.None
		})
	}
	snap := mustCollect(t, cfg)
	var gap *snapshot.Gap
	for i, g := range snap.CollectionGaps {
		if g.Operation == "GetTrailStatus" {
			gap = &snap.CollectionGaps[i]
		}
	}
	if gap == nil {
		t.Fatalf("no GetTrailStatus gap: %+v", snap.CollectionGaps)
	}
	if gap.ErrorCode != CodeInternalFailure || !strings.Contains(gap.Message, "HTTP 503") || !strings.Contains(gap.Message, "attempts within the 400ms per-call timeout") {
		t.Errorf("gap = %+v, want InternalFailure naming HTTP 503 and the attempts", gap)
	}
	if n := countCalls(srv, "us-east-1", "GetTrailStatus"); n < 2 {
		t.Errorf("GetTrailStatus attempts = %d, want retries until the timeout", n)
	}
}

// closedPort returns a local address nothing listens on.
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

// redirectService sends the requests signed for service to addr instead.
func redirectService(next aws.HTTPClient, service, addr string) aws.HTTPClient {
	return doerFunc(func(req *http.Request) (*http.Response, error) {
		if !strings.Contains(req.Header.Get("Authorization"), "/"+service+"/aws4_request") {
			return next.Do(req)
		}
		req = req.Clone(req.Context())
		req.URL.Host, req.Host = addr, ""
		return (&http.Client{}).Do(req)
	})
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// TestUnreachableEndpoint: an account-level call that gets no HTTP answer stops the
// collection with one line naming the endpoint and the cause, not the SDK's text.
func TestUnreachableEndpoint(t *testing.T) {
	tests := []struct {
		name      string
		endpoint  func(t *testing.T) string
		wantCause string
		// retryUntilTimeout: the SDK retries until the per-call timeout ends the call.
		retryUntilTimeout bool
	}{
		{"connection refused", func(t *testing.T) string { return "http://" + closedPort(t) }, "connection refused", false},
		{"connection refused until the per-call timeout", func(t *testing.T) string { return "http://" + closedPort(t) }, "connection refused", true},
		{"connection closed", func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					// Read the request, then close without answering.
					_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
					_, _ = io.Copy(io.Discard, c)
					c.Close()
				}
			}()
			return "http://" + l.Addr().String()
		}, "connection closed without an answer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			cfg := testConfig(srv, acctA, "us-east-1")
			endpoint := tt.endpoint(t)
			cfg.AWS.BaseEndpoint = aws.String(endpoint)
			if tt.retryUntilTimeout {
				cfg.CallTimeout = 200 * time.Millisecond
				cfg.AWS.Retryer = func() aws.Retryer {
					return retry.NewStandard(func(o *retry.StandardOptions) {
						o.MaxAttempts = 1000
						o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 20 * time.Millisecond, nil })
						o.RateLimiter = ratelimit.None
					})
				}
			}
			_, err := Collect(context.Background(), cfg)
			want := "get caller identity: RequestError: cannot reach " + endpoint + " (" + tt.wantCause + ")"
			if tt.retryUntilTimeout {
				if err == nil || !strings.HasPrefix(err.Error(), want+" after ") || !strings.HasSuffix(err.Error(), " attempts within the 200ms per-call timeout") {
					t.Fatalf("err\n  %v\nwant\n  %s after N attempts within the 200ms per-call timeout", err, want)
				}
				return
			}
			if err == nil || err.Error() != want {
				t.Fatalf("err\n  %v\nwant\n  %s", err, want)
			}
		})
	}
}

// rewriteAnswers rewrites the bodies of the answers to op's requests (X-Amz-Target ends in op).
func rewriteAnswers(next aws.HTTPClient, op string, rewrite func([]byte) []byte) aws.HTTPClient {
	return doerFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.Do(req)
		if err != nil || !strings.HasSuffix(req.Header.Get("X-Amz-Target"), "."+op) {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		body = rewrite(body)
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Del("Content-Length")
		return resp, nil
	})
}

// TestOrgWithoutActiveAccount: --org against an organization whose ListAccounts names no
// ACTIVE account is an error, not an empty (clean) snapshot.
func TestOrgWithoutActiveAccount(t *testing.T) {
	tests := []struct {
		name    string
		rewrite func([]byte) []byte
	}{
		{"every account suspended", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(`"ACTIVE"`), []byte(`"SUSPENDED"`)) }},
		{"no account listed", func([]byte) []byte { return []byte(`{"Accounts":[]}`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			recordedWorld(t, srv)
			srv.AddAccount(acctB, "eu-west-1")
			srv.SetManagementAccount(acctA)
			cfg := testConfig(srv, acctA, "us-east-1")
			cfg.Org = true
			cfg.AWS.HTTPClient = rewriteAnswers(cfg.AWS.HTTPClient, "ListAccounts", tt.rewrite)
			snap, err := Collect(context.Background(), cfg)
			const want = "the organization lists no active account (ListAccounts)"
			if err == nil || err.Error() != want {
				t.Fatalf("snapshot %v, err %v; want %s", snap, err, want)
			}
			if n := countCalls(srv, "", "ListAccounts"); n != 1 {
				t.Errorf("ListAccounts calls = %d, want 1", n)
			}
			if n := countCalls(srv, "", "DescribeDBClusters"); n != 0 {
				t.Errorf("DescribeDBClusters calls = %d, want nothing collected", n)
			}
		})
	}
}
