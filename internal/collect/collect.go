// Package collect reads the database audit-trail settings of live AWS accounts into a
// snapshot: RDS (clusters, instances, parameter groups, engine defaults, option groups),
// CloudWatch Logs (the /aws/rds/ log groups and CloudTrail destination groups, their metric
// and subscription filters), CloudWatch alarms on those filters' metrics, and CloudTrail
// (trails, status, event selectors), for many accounts and regions in parallel.
//
// Failure is data: a call that fails (access denied, throttling past retries, timeout, 5xx)
// becomes a snapshot.Gap and collection goes on. Only cancellation, an unusable base
// identity and a failed Organizations listing (or one without an active account) abort.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// Defaults of Config.
const (
	DefaultConcurrency       = 64
	DefaultRegionConcurrency = 8
	DefaultCallTimeout       = 30 * time.Second
	DefaultOrgRoleName       = "OrganizationAccountAccessRole"
	DefaultSessionName       = "dbaudit-scanner"
	// AllRegions in Regions means the account's enabled regions (EC2 DescribeRegions).
	AllRegions = "all"
)

// Config says what to collect and how.
type Config struct {
	// AWS is the base configuration: credentials (the SDK default chain or a profile, in the
	// CLI), default region for account-level calls, retryer, HTTP client, endpoint.
	AWS aws.Config
	// Regions to collect; empty or containing "all" = each account's enabled regions.
	Regions []string
	// RoleARN is assumed first (with ExternalID) when set.
	RoleARN    string
	ExternalID string
	// Org lists the organization's accounts and assumes OrgRoleName in each (the caller's
	// own account is read with the caller's credentials).
	Org         bool
	OrgRoleName string
	// Concurrency bounds the account×region units collected in parallel.
	Concurrency int
	// RegionConcurrency bounds the API calls in flight inside one account+region.
	RegionConcurrency int
	// CallTimeout bounds each API call (one page, retries included).
	CallTimeout time.Duration
	// AllParameters reads every parameter of each parameter group. By default only the
	// parameters modified in the group (Source=user) are read: the others hold the family's
	// engine defaults, which are read once per family and region anyway, and skipping them
	// cuts the parameter pages, most of the RDS calls and bytes, by about 90%.
	AllParameters bool
	// Retryer, when set, replaces AWS.Retryer (tests inject a zero-backoff retryer).
	Retryer func() aws.Retryer
	// SessionName is the AssumeRole session name.
	SessionName string
	// Logger receives a debug record per API call; nil discards.
	Logger *slog.Logger
	// Progress, when set, is updated while collecting (read it from another goroutine).
	Progress *Progress
	// Now is the clock for generated_at; nil = time.Now.
	Now func() time.Time
	// NewRegionClients and NewAccountClients build the API clients; nil = the SDK clients.
	NewRegionClients  func(cfg aws.Config, region string) RegionClients
	NewAccountClients func(cfg aws.Config) AccountClients
}

// Progress counts collection work; all fields are safe for concurrent reads.
type Progress struct {
	AccountsTotal, AccountsDone atomic.Int64
	RegionsTotal, RegionsDone   atomic.Int64
	Calls, Errors               atomic.Int64
}

type collector struct {
	cfg      Config
	log      *slog.Logger
	progress *Progress
	defaults *engineDefaultsCache
}

// target is one account to collect, with the credentials to use.
type target struct {
	id      string
	cfg     aws.Config
	assumed bool // credentials come from AssumeRole: verify them first
}

type accountResult struct {
	id      string
	regions []snapshot.Region
	gaps    []snapshot.Gap
}

// Collect reads the accounts and regions cfg names into a live snapshot.
func Collect(ctx context.Context, cfg Config) (*snapshot.Snapshot, error) {
	c := newCollector(cfg)
	started := c.cfg.Now().UTC().Truncate(time.Second)

	base := c.cfg.AWS.Copy()
	if base.Region == "" {
		base.Region = "us-east-1"
	}
	if c.cfg.Retryer != nil {
		base.Retryer = c.cfg.Retryer
	}
	setup := c.newRun("", "")
	var externalForOrg string
	if c.cfg.RoleARN != "" {
		base = c.assume(base, c.cfg.RoleARN, c.cfg.ExternalID)
	} else {
		externalForOrg = c.cfg.ExternalID
	}
	ac := c.cfg.NewAccountClients(base)
	var ident *sts.GetCallerIdentityOutput
	err := setup.call(ctx, "sts", "GetCallerIdentity", "", func(ctx context.Context) error {
		var err error
		ident, err = ac.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	})
	if err != nil {
		return nil, setup.stopError(ctx, "get caller identity")
	}
	callerID := aws.ToString(ident.Account)
	partition := "aws"
	if p := strings.Split(aws.ToString(ident.Arn), ":"); len(p) > 1 && p[1] != "" {
		partition = p[1]
	}

	targets := []target{{id: callerID, cfg: base}}
	if c.cfg.Org {
		ids, err := c.listAccounts(ctx, setup, ac.Organizations)
		if err != nil {
			return nil, err
		}
		targets = targets[:0]
		for _, id := range ids {
			if id == callerID {
				targets = append(targets, target{id: id, cfg: base})
				continue
			}
			role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, c.cfg.OrgRoleName)
			targets = append(targets, target{id: id, cfg: c.assume(base, role, externalForOrg), assumed: true})
		}
	}
	c.progress.AccountsTotal.Add(int64(len(targets)))

	results := make([]accountResult, len(targets))
	regionSem := make(chan struct{}, c.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { results[i] = c.collectAccount(ctx, t, regionSem) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}

	snap := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		GeneratedAt:   started.Format(time.RFC3339),
		Source:        &snapshot.Source{Kind: "live"},
		Accounts:      []snapshot.Account{},
	}
	gaps := append([]snapshot.Gap(nil), setup.gaps...)
	for _, r := range results {
		snap.Accounts = append(snap.Accounts, snapshot.Account{AccountID: r.id, Regions: r.regions})
		gaps = append(gaps, r.gaps...)
	}
	sortGaps(gaps)
	snap.CollectionGaps = gaps
	return snap, nil
}

func newCollector(cfg Config) *collector {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.RegionConcurrency <= 0 {
		cfg.RegionConcurrency = DefaultRegionConcurrency
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.OrgRoleName == "" {
		cfg.OrgRoleName = DefaultOrgRoleName
	}
	if cfg.SessionName == "" {
		cfg.SessionName = DefaultSessionName
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewRegionClients == nil {
		cfg.NewRegionClients = SDKRegionClients
	}
	if cfg.NewAccountClients == nil {
		cfg.NewAccountClients = SDKAccountClients
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p := cfg.Progress
	if p == nil {
		p = &Progress{}
	}
	return &collector{cfg: cfg, log: log, progress: p, defaults: &engineDefaultsCache{entries: map[engineDefaultsKey]*engineDefaultsEntry{}}}
}

// assume returns base with credentials from AssumeRole into role (cached, refreshed).
func (c *collector) assume(base aws.Config, role, externalID string) aws.Config {
	out := base.Copy()
	stsClient := c.cfg.NewAccountClients(base).STS
	provider := stscreds.NewAssumeRoleProvider(stsClient, role, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = c.cfg.SessionName
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	out.Credentials = RenewedEarly(provider)
	return out
}

// RenewedEarly caches a provider's expiring credentials (an assumed role's session) and
// renews them before they expire (earlyRefresh), for every client of a long run.
func RenewedEarly(provider aws.CredentialsProvider) *aws.CredentialsCache {
	return aws.NewCredentialsCache(earlyRefresh{provider}, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = time.Minute
	})
}

// earlyRefresh makes the credentials cache assume the role again before the session
// expires — a minute early, or a quarter of the session's lifetime if that is shorter. A
// cache that waits for the expiry itself signs requests with a session that expires on the
// way (ExpiredToken: a gap) during a long run.
type earlyRefresh struct{ aws.CredentialsProvider }

// AdjustExpiresBy implements aws.AdjustExpiresByCredentialsCacheStrategy.
func (earlyRefresh) AdjustExpiresBy(creds aws.Credentials, d time.Duration) (aws.Credentials, error) {
	if !creds.CanExpire {
		return creds, nil
	}
	if quarter := time.Until(creds.Expires) / 4; d < -quarter {
		d = -quarter
	}
	creds.Expires = creds.Expires.Add(d)
	return creds, nil
}

// listAccounts returns the organization's active account ids, sorted; none is an error.
func (c *collector) listAccounts(ctx context.Context, run *regionRun, api OrganizationsAPI) ([]string, error) {
	var ids []string
	p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		var out *organizations.ListAccountsOutput
		err := run.call(ctx, "organizations", "ListAccounts", "", func(ctx context.Context) error {
			var err error
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return nil, run.stopError(ctx, "list organization accounts")
		}
		for _, a := range out.Accounts {
			if a.Status == orgtypes.AccountStatusActive || a.State == orgtypes.AccountStateActive {
				ids = append(ids, aws.ToString(a.Id))
			}
		}
	}
	if len(ids) == 0 {
		// Collecting nothing would report a clean organization.
		return nil, errNoActiveAccount
	}
	sort.Strings(ids)
	return ids, nil
}

var errNoActiveAccount = errors.New("the organization lists no active account (ListAccounts)")

var errNoRegions = errors.New("DescribeRegions listed no enabled Region")

// collectAccount verifies the account's credentials, resolves its regions and collects
// them, each region under regionSem.
func (c *collector) collectAccount(ctx context.Context, t target, regionSem chan struct{}) accountResult {
	defer c.progress.AccountsDone.Add(1)
	res := accountResult{id: t.id, regions: []snapshot.Region{}}
	run := c.newRun(t.id, "")
	ac := c.cfg.NewAccountClients(t.cfg)
	explicit := explicitRegions(c.cfg.Regions)
	if t.assumed {
		// Verifying the assumed identity once turns a role that cannot be assumed into
		// one gap, instead of one per call.
		err := run.call(ctx, "sts", "AssumeRole", "", func(ctx context.Context) error {
			_, err := ac.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		})
		if err != nil {
			for _, r := range explicit {
				res.regions = append(res.regions, snapshot.Region{Region: r})
			}
			res.gaps = run.gaps
			return res
		}
	}
	regions := explicit
	if regions == nil {
		err := run.call(ctx, "ec2", "DescribeRegions", "", func(ctx context.Context) error {
			out, err := ac.EC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			if err != nil {
				return err
			}
			for _, r := range out.Regions {
				regions = append(regions, aws.ToString(r.RegionName))
			}
			if len(regions) == 0 {
				// Every account has enabled Regions: an empty list is a broken answer,
				// and collecting nothing would report a clean account.
				return errNoRegions
			}
			return nil
		})
		if err != nil {
			// Fall back to the default region so the account is not skipped entirely.
			regions = []string{t.cfg.Region}
		}
		sort.Strings(regions)
	}
	c.progress.RegionsTotal.Add(int64(len(regions)))

	out := make([]snapshot.Region, len(regions))
	runs := make([]*regionRun, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		runs[i] = c.newRun(t.id, region)
		wg.Go(func() {
			select {
			case regionSem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-regionSem }()
			out[i] = c.collectRegion(ctx, runs[i], t.cfg)
			c.progress.RegionsDone.Add(1)
		})
	}
	wg.Wait()
	res.regions = out
	res.gaps = run.gaps
	for _, r := range runs {
		res.gaps = append(res.gaps, r.gaps...)
	}
	return res
}

// explicitRegions returns the sorted, de-duplicated region list, or nil for "all".
func explicitRegions(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range in {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if strings.EqualFold(r, AllRegions) {
			return nil
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// collectRegion collects one account+region; services run in parallel.
func (c *collector) collectRegion(ctx context.Context, run *regionRun, cfg aws.Config) snapshot.Region {
	cl := c.cfg.NewRegionClients(cfg, run.region)
	out := snapshot.Region{Region: run.region}
	var wg sync.WaitGroup
	wg.Go(func() { out.RDS = run.collectRDS(ctx, cl.RDS) })
	wg.Go(func() { out.Logs, out.CloudWatch, out.CloudTrail = run.collectLogsAndTrails(ctx, cl) })
	wg.Wait()
	return out
}
