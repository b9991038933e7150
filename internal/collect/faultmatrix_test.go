package collect

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

// The fault matrix of issue 14: every AWS operation the collector calls (the actions of
// docs/iam-policy.json, which TestOrganizationAndIAMPolicy ties to the calls made) × six
// faults against the wire fake. docs/reliability.md ("Fault matrix") lists the outcome.

// matrixRegion is where the regional faults are injected (account acctA); everything in
// other regions and in acctB must come out as in the clean run.
const matrixRegion = "us-east-1"

// matrixFault is one column of the matrix: a fault in each wire protocol and the gap error
// code it must become.
type matrixFault struct {
	name  string
	code  string
	fault func(protocol string) awsfake.Fault
}

var matrixFaults = []matrixFault{
	{"AccessDenied", CodeAccessDenied, func(p string) awsfake.Fault {
		switch p {
		case "ec2":
			return awsfake.Fault{Status: 403, Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}
		case "json":
			return awsfake.Fault{Status: 400, Code: "AccessDeniedException", Message: "User is not authorized"}
		}
		return awsfake.Fault{Status: 403, Code: "AccessDenied", Message: "User is not authorized"}
	}},
	{"throttled past the retries", CodeThrottling, func(p string) awsfake.Fault {
		switch p {
		case "ec2":
			return awsfake.Fault{Status: 503, Code: "RequestLimitExceeded", Message: "Request limit exceeded."}
		case "json":
			return awsfake.Fault{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"}
		}
		return awsfake.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded"}
	}},
	{"5xx", CodeInternalFailure, func(p string) awsfake.Fault {
		if p == "json" {
			return awsfake.Fault{Status: 500, Code: "ServiceUnavailableException", Message: "Service unavailable"}
		}
		return awsfake.Fault{Status: 503, Code: "ServiceUnavailable", Message: "Service unavailable"}
	}},
	{"timeout", CodeRequestTimeout, func(string) awsfake.Fault { return awsfake.Fault{Delay: 3 * time.Second} }},
	{"truncated body", CodeMalformedResponse, func(string) awsfake.Fault { return awsfake.Fault{Truncate: true} }},
	{"malformed body", CodeMalformedResponse, func(string) awsfake.Fault { return awsfake.Fault{Body: "Service Unavailable\n"} }},
}

// matrixTimeout is the per-call timeout of the timeout column (the other columns keep the
// default test timeout so that a busy machine does not add gaps).
const matrixTimeout = time.Second

// matrixOp is one row: an operation and what its failure must do.
type matrixOp struct {
	// fails: the run stops (exit 2) instead of recording a gap.
	fails bool
	// account, region of the gap ("" = account-level); the fault is injected there.
	account, region string
	// gapOperation names the gap when it is not the failed call's (the assumed role is
	// verified with GetCallerIdentity).
	gapOperation string
	// lost are the account/regions the failure leaves out of the snapshot by design
	// ("account" or "account/region").
	lost []string
	// rules must each report NOT_EVALUATED, naming the operation, in the failed account
	// (and Region): rule ids (which must also not PASS there), or "service:S" for every rule
	// of service S.
	rules []string
}

// matrixOps: the expected outcome per IAM action. A new call of the collector fails
// TestFaultMatrixCoversEveryCall until it has a row here.
var matrixOps = map[string]matrixOp{
	"sts:GetCallerIdentity":      {fails: true, account: acctA},
	"organizations:ListAccounts": {fails: true, account: acctA},
	"sts:AssumeRole":             {account: acctB, lost: []string{acctB}, rules: allServices},
	"ec2:DescribeRegions":        {account: acctA, lost: []string{acctA + "/us-west-2"}, rules: allServices},

	"rds:DescribeDBClusters":                     {account: acctA, region: matrixRegion, rules: []string{"service:rds", "service:logs", "DBAUDIT-CT-002"}},
	"rds:DescribeDBInstances":                    {account: acctA, region: matrixRegion, rules: []string{"service:rds", "service:logs", "DBAUDIT-CT-002"}},
	"rds:DescribeDBClusterParameterGroups":       {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-002", "DBAUDIT-RDS-003", "DBAUDIT-RDS-004", "DBAUDIT-RDS-023"}},
	"rds:DescribeDBClusterParameters":            {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-002", "DBAUDIT-RDS-003", "DBAUDIT-RDS-004", "DBAUDIT-RDS-012", "DBAUDIT-RDS-013", "DBAUDIT-RDS-014", "DBAUDIT-RDS-015", "DBAUDIT-RDS-023"}},
	"rds:DescribeDBParameterGroups":              {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-016", "DBAUDIT-RDS-017", "DBAUDIT-RDS-018", "DBAUDIT-RDS-019"}},
	"rds:DescribeDBParameters":                   {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-016", "DBAUDIT-RDS-017", "DBAUDIT-RDS-018", "DBAUDIT-RDS-019"}},
	"rds:DescribeEngineDefaultClusterParameters": {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-002", "DBAUDIT-RDS-003", "DBAUDIT-RDS-004", "DBAUDIT-RDS-023"}},
	"rds:DescribeEngineDefaultParameters":        {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-016", "DBAUDIT-RDS-017", "DBAUDIT-RDS-018", "DBAUDIT-RDS-019"}},
	"rds:DescribeOptionGroups":                   {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-RDS-022"}},
	"logs:DescribeLogGroups":                     {account: acctA, region: matrixRegion, rules: []string{"service:logs"}},
	"logs:DescribeMetricFilters":                 {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-LOGS-004"}},
	"logs:DescribeSubscriptionFilters":           {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-LOGS-005"}},
	"cloudwatch:DescribeAlarms":                  {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-LOGS-004"}},
	"cloudtrail:DescribeTrails":                  {account: acctA, region: matrixRegion, rules: []string{"service:cloudtrail", "service:logs"}},
	"cloudtrail:GetTrailStatus":                  {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-CT-005", "DBAUDIT-CT-006"}},
	"cloudtrail:GetEventSelectors":               {account: acctA, region: matrixRegion, rules: []string{"DBAUDIT-CT-001", "DBAUDIT-CT-002"}},
}

// allServices: a failure that hides a whole account (or its other Regions) leaves every
// rule not evaluated there.
var allServices = []string{"service:rds", "service:logs", "service:cloudtrail"}

// matrixWorld is recordedWorld (acctA, the organization's management account, us-east-1 and
// us-west-2) plus a member account acctB (eu-west-1) read through AssumeRole.
func matrixWorld(t testing.TB, srv *awsfake.Server) {
	t.Helper()
	recordedWorld(t, srv)
	const reg = "eu-west-1"
	r := srv.AddAccount(acctB, reg).Region(reg)
	r.DBClusters = []awsfake.Item{clusterItem(acctB, reg, "b1", "aurora-mysql", "cpg", []string{"audit"}, "b1-1")}
	r.DBInstances = []awsfake.Item{instanceItem(acctB, reg, "b1-1", "aurora-mysql", "b1", "default.aurora-mysql8.0", "")}
	r.ClusterParamGroups["cpg"] = &awsfake.ParamGroup{
		Meta:       awsfake.Item{"DBClusterParameterGroupName": "cpg", "DBParameterGroupFamily": "aurora-mysql8.0"},
		Parameters: []awsfake.Item{param("server_audit_logging", "1", "user"), param("server_audit_events", "CONNECT,QUERY", "user")},
	}
	r.DBParamGroups["default.aurora-mysql8.0"] = &awsfake.ParamGroup{Meta: awsfake.Item{"DBParameterGroupName": "default.aurora-mysql8.0", "DBParameterGroupFamily": "aurora-mysql8.0"}}
	r.EngineDefaultsCl["aurora-mysql8.0"] = defaults(3, param("server_audit_excl_users", "", "engine-default"))
	r.EngineDefaults["aurora-mysql8.0"] = defaults(3)
	r.LogGroups = []awsfake.Item{logGroupItem(acctB, reg, "/aws/rds/cluster/b1/audit", 365, 0)}
	srv.SetManagementAccount(acctA)

	// In acctA's us-east-1, a MySQL instance whose option group carries the audit plugin
	// (DescribeOptionGroups decides its verdict), and a failed-login filter on the audit
	// log group, whose alarm DescribeAlarms reads.
	a := srv.AddAccount(acctA).Region(matrixRegion)
	a.DBInstances = append(a.DBInstances, instanceItem(acctA, matrixRegion, "audited-mysql", "mysql", "", "default.mysql8.0", "audit-og"))
	a.OptionGroups = append(a.OptionGroups, awsfake.Item{"OptionGroupName": "audit-og", "EngineName": "mysql", "MajorEngineVersion": "8.0",
		"Options": []any{map[string]any{"OptionName": "MARIADB_AUDIT_PLUGIN", "OptionSettings": []any{
			map[string]any{"Name": "SERVER_AUDIT_EVENTS", "Value": "CONNECT,QUERY"}}}}})
	for _, f := range a.MetricFilters {
		if f["filterName"] == "audit-failures" {
			f["filterPattern"] = "FAILED_CONNECT"
		}
	}
}

func matrixConfig(srv *awsfake.Server) Config {
	cfg := testConfig(srv, acctA) // every enabled region
	cfg.Org = true
	cfg.OrgRoleName = "audit"
	return cfg
}

// protocol is the wire protocol of a service (signing name), for the fault's spelling.
func protocol(service string) string {
	switch service {
	case "rds", "sts":
		return "query"
	case "ec2":
		return "ec2"
	case "monitoring":
		return "cbor"
	}
	return "json"
}

// policyActions reads the actions of docs/iam-policy.json.
func policyActions(t testing.TB) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var policy struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	var out []string
	for _, s := range policy.Statement {
		out = append(out, s.Action...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// ruleIDs expands a row's rules ("service:S" = every rule of service S).
func ruleIDs(eng *engine.Engine, names []string) []string {
	var out []string
	for _, n := range names {
		service, ok := strings.CutPrefix(n, "service:")
		if !ok {
			out = append(out, n)
			continue
		}
		for _, r := range eng.Rules() {
			if r.Service == service {
				out = append(out, r.ID)
			}
		}
	}
	return out
}

// matrixRun is the outcome of one collection.
type matrixRun struct {
	snap     *snapshot.Snapshot
	raw      map[string]string // "account/region" → the region's JSON before Resolve
	err      error
	findings map[string]finding.Finding // rule + resource → finding
	calls    []awsfake.Call
}

func runMatrix(t testing.TB, eng *engine.Engine, faults []awsfake.Fault, callTimeout time.Duration) *matrixRun {
	return runWorld(t, eng, matrixWorld, matrixConfig, faults, callTimeout)
}

// runWorld collects world with config and faults, and evaluates the snapshot.
func runWorld(t testing.TB, eng *engine.Engine, world func(testing.TB, *awsfake.Server), config func(*awsfake.Server) Config,
	faults []awsfake.Fault, callTimeout time.Duration) *matrixRun {
	srv := awsfake.New()
	defer srv.Close()
	world(t, srv)
	for _, f := range faults {
		srv.AddFault(f)
	}
	cfg := config(srv)
	if callTimeout > 0 {
		cfg.CallTimeout = callTimeout
	}
	run := &matrixRun{raw: map[string]string{}}
	run.snap, run.err = Collect(context.Background(), cfg)
	run.calls = srv.Calls()
	if run.err != nil {
		return run
	}
	for _, a := range run.snap.Accounts {
		for _, r := range a.Regions {
			js, _ := json.Marshal(r)
			run.raw[a.AccountID+"/"+r.Region] = string(js)
		}
	}
	snapshot.Resolve(run.snap)
	fs, err := eng.Evaluate(context.Background(), run.snap)
	if err != nil {
		t.Errorf("evaluate: %v", err)
		return run
	}
	run.findings = map[string]finding.Finding{}
	for _, f := range fs {
		run.findings[f.RuleID+" "+f.ResourceID+" "+f.Region] = f
	}
	return run
}

// inScope says whether a finding is about the failed account (and region, for a regional
// call; account-wide findings of the account count too).
func (op matrixOp) inScope(f finding.Finding) bool {
	if f.AccountID != op.account {
		return false
	}
	return op.region == "" || f.Region == op.region || f.Region == "global" || f.Region == ""
}

func (op matrixOp) lostRegion(key string) bool {
	for _, l := range op.lost {
		if key == l || strings.HasPrefix(key, l+"/") {
			return true
		}
	}
	return false
}

func TestFaultMatrix(t *testing.T) {
	eng, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	base := runMatrix(t, eng, nil, 0)
	if base.err != nil || len(base.snap.CollectionGaps) != 0 {
		t.Fatalf("clean run: err %v, gaps %+v", base.err, base.snap.CollectionGaps)
	}

	// Every call of the clean run has a row, and every row is an action of the policy.
	actions := policyActions(t)
	for _, c := range base.calls {
		if _, ok := matrixOps[c.IAMAction()]; !ok {
			t.Errorf("the collector calls %s, which the fault matrix does not cover", c.IAMAction())
		}
	}
	if got := slices.Sorted(maps.Keys(matrixOps)); !slices.Equal(got, actions) {
		t.Errorf("matrix rows %q\ndocs/iam-policy.json actions %q", got, actions)
	}

	type cell struct {
		action string
		fault  matrixFault
		run    *matrixRun
	}
	var cells []*cell
	for _, action := range actions {
		for _, mf := range matrixFaults {
			cells = append(cells, &cell{action: action, fault: mf})
		}
	}
	// The cells run a few at a time: most of a cell is waiting (timeouts).
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, c := range cells {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			service, op, _ := strings.Cut(c.action, ":")
			if service == "cloudwatch" {
				service = "monitoring"
			}
			f := c.fault.fault(protocol(service))
			row := matrixOps[c.action]
			f.Service, f.Operation, f.Account, f.Region = service, op, row.account, row.region
			if c.action == "sts:AssumeRole" {
				f.Account = acctA // the caller: the member's role is assumed with acctA's credentials
			}
			var timeout time.Duration
			if c.fault.code == CodeRequestTimeout {
				timeout = matrixTimeout
			}
			c.run = runMatrix(t, eng, []awsfake.Fault{f}, timeout)
		})
	}
	wg.Wait()

	for _, c := range cells {
		t.Run(c.action+"/"+c.fault.name, func(t *testing.T) {
			checkCell(t, c.action, c.fault, matrixOps[c.action], ruleIDs(eng, matrixOps[c.action].rules), base, c.run)
		})
	}
}

func checkCell(t *testing.T, action string, mf matrixFault, op matrixOp, ruleIDs []string, base, run *matrixRun) {
	_, opName, _ := strings.Cut(action, ":")
	service, _, _ := strings.Cut(action, ":")
	if op.fails {
		if run.err == nil {
			t.Fatalf("the run completed (gaps %+v); want it to fail", run.snap.CollectionGaps)
		}
		t.Logf("run fails: %v", run.err)
		return
	}
	if run.err != nil {
		t.Fatalf("the scan did not complete: %v", run.err)
	}
	// The gap names the account, Region, service and operation, with the fault's code.
	gapOp := opName
	if op.gapOperation != "" {
		gapOp = op.gapOperation
	}
	if len(run.snap.CollectionGaps) == 0 {
		t.Fatal("no collection gap: exit code 0 for a failed call")
	}
	for _, g := range run.snap.CollectionGaps {
		if g.AccountID != op.account || g.Region != op.region || g.Service != service || g.Operation != gapOp || g.ErrorCode != mf.code {
			t.Errorf("gap %+v; want account %s, region %q, %s %s, %s", g, op.account, op.region, service, gapOp, mf.code)
		}
	}
	// Nothing else is lost: the other accounts and regions are as in the clean run.
	for key, want := range base.raw {
		got, ok := run.raw[key]
		switch {
		case op.lostRegion(key):
			if ok && op.region == "" && op.account == acctB {
				t.Errorf("%s collected although the role could not be assumed", key)
			}
		case !ok:
			t.Errorf("%s is missing from the snapshot", key)
		case key != op.account+"/"+op.region && got != want:
			t.Errorf("%s differs from the clean run:\n got %s\nwant %s", key, got, want)
		}
	}
	for key, bf := range base.findings {
		f, ok := run.findings[key]
		if op.inScope(bf) {
			continue
		}
		if !ok || f.Status != bf.Status || f.Reason != bf.Reason {
			t.Errorf("outside the failed scope, %s changed: %s %q → %s %q", key, bf.Status, bf.Reason, f.Status, f.Reason)
		}
	}
	// In the failed scope: no new PASS, every changed verdict is NOT_EVALUATED naming the
	// failed operation.
	for key, f := range run.findings {
		if !op.inScope(f) {
			continue
		}
		bf, had := base.findings[key]
		if had && bf.Status == f.Status && bf.Reason == f.Reason {
			continue
		}
		switch {
		case f.Status == finding.StatusPass:
			t.Errorf("%s: PASS with data missing (clean run: %s %q)", key, bf.Status, bf.Reason)
		case f.Status == finding.StatusNotEvaluated && !strings.Contains(f.Reason, gapOp):
			t.Errorf("%s: NOT_EVALUATED, reason %q does not name %s", key, f.Reason, gapOp)
		case f.Status == finding.StatusFail && had && bf.Status != finding.StatusFail:
			t.Errorf("%s: FAIL with data missing (clean run: %s %q): %s", key, bf.Status, bf.Reason, f.Evidence)
		}
	}
	// A finding of the clean run that is gone (its resource was not listed) is covered by a
	// NOT_EVALUATED of its rule for the account (and Region) naming the gap.
	for key, bf := range base.findings {
		if _, ok := run.findings[key]; ok || !op.inScope(bf) {
			continue
		}
		covered := false
		for _, f := range run.findings {
			if f.RuleID == bf.RuleID && f.AccountID == bf.AccountID && f.Status == finding.StatusNotEvaluated &&
				strings.Contains(f.Reason, gapOp) && (f.Region == bf.Region || f.Region == "global") {
				covered = true
			}
		}
		if !covered {
			t.Errorf("%s (%s in the clean run) is gone, and no NOT_EVALUATED of %s names %s", key, bf.Status, bf.RuleID, gapOp)
		}
	}
	// The rules that read the operation's data say so.
	// A rule named by id reads the failed call's data wherever it passes; "service:S"
	// rules may pass on resources the call does not concern (a log group's retention
	// when the cluster listing failed).
	strict := map[string]bool{}
	for _, r := range op.rules {
		strict[r] = !strings.HasPrefix(r, "service:")
	}
	for _, id := range ruleIDs {
		found := false
		for key, f := range run.findings {
			if f.RuleID == id && op.inScope(f) && f.Status == finding.StatusNotEvaluated && strings.Contains(f.Reason, gapOp) {
				found = true
			}
			if strict[id] && f.RuleID == id && op.inScope(f) && f.Status == finding.StatusPass {
				t.Errorf("%s: PASS although %s failed", key, gapOp)
			}
		}
		if !found {
			t.Errorf("%s reports no NOT_EVALUATED naming %s", id, gapOp)
		}
	}
}
