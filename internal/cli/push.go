package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/collect"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/input"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/securityhub"
)

// pushOptions are the Security Hub flags of `scan` (and, minus Push, of `push`).
type pushOptions struct {
	// Push sends the scan's findings to Security Hub (--push-securityhub).
	Push bool
	// IncludePassed also sends PASSED findings (--include-passed).
	IncludePassed bool
	// Region is the Security Hub Region (--securityhub-region); empty: each finding's Region.
	Region string
	// ProductARN overrides the own-account default product ARN (--product-arn).
	ProductARN string
	// NoArchive keeps findings the scope no longer produces (--securityhub-no-archive).
	NoArchive bool
	// Rate is the BatchImportFindings request rate (--securityhub-rate, ≤ 10).
	Rate float64
	// DefaultRegion is the Region of findings whose ProductArn names none (`push --region`);
	// empty: the AWS configuration's Region.
	DefaultRegion string
}

// addPushFlags registers the Security Hub flags of `scan`.
func addPushFlags(fs *pflag.FlagSet, o *pushOptions) {
	fs.BoolVar(&o.Push, "push-securityhub", false, "send the findings to AWS Security Hub (BatchImportFindings) and resolve the ones this scope no longer produces")
	addSecurityHubFlags(fs, o)
}

func addSecurityHubFlags(fs *pflag.FlagSet, o *pushOptions) {
	fs.BoolVar(&o.IncludePassed, "include-passed", false, "also send PASSED findings to Security Hub (by default only those that resolve an open finding)")
	fs.StringVar(&o.Region, "securityhub-region", "", "Security Hub Region to send every finding to (default: the Region of each finding)")
	fs.StringVar(&o.ProductARN, "product-arn", "", "ASFF ProductArn (default: arn:<partition>:securityhub:<region>:<account>:product/<account>/default, the partition from the Region)")
	fs.BoolVar(&o.NoArchive, "securityhub-no-archive", false, "do not archive Security Hub findings of this scope that the scan no longer produces")
	fs.Float64Var(&o.Rate, "securityhub-rate", securityhub.MaxImportRate, "BatchImportFindings requests per second (at most 10)")
}

// validate checks the Security Hub flags.
func (o *pushOptions) validate() error {
	if o.Rate <= 0 || o.Rate > securityhub.MaxImportRate {
		return fmt.Errorf("--securityhub-rate %g: want a rate in (0, %g]", o.Rate, securityhub.MaxImportRate)
	}
	if o.Region != "" {
		if err := checkRegion("securityhub-region", o.Region); err != nil {
			return err
		}
	}
	if o.DefaultRegion != "" {
		if err := checkRegion("region", o.DefaultRegion); err != nil {
			return err
		}
	}
	if o.ProductARN != "" {
		if a, err := arn.Parse(o.ProductARN); err != nil || a.Service != "securityhub" || !strings.HasPrefix(a.Resource, "product/") {
			return fmt.Errorf("--product-arn %q: not a Security Hub product ARN (arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default)", o.ProductARN)
		}
	}
	return nil
}

// pushIfRequested sends the report's findings to Security Hub when the flags ask for it,
// with the AWS identity creds names (--profile, --role-arn, --external-id).
func (a *app) pushIfRequested(ctx context.Context, r *finding.Report, o *pushOptions, creds *collectOptions) error {
	if o == nil || !o.Push {
		return nil
	}
	if err := o.validate(); err != nil {
		return withCode(ExitError, fmt.Errorf("push-securityhub: %w", err))
	}
	if err := checkPushAccounts(r); err != nil {
		return withCode(ExitError, fmt.Errorf("--push-securityhub: %w", err))
	}
	findings, err := report.BuildASFF(r, report.Options{ProductARN: o.ProductARN, Now: time.Now})
	if err != nil {
		return withCode(ExitError, fmt.Errorf("push-securityhub: %w", err))
	}
	tool := report.ASFFToolName(r)
	scope := securityhub.Scope{}
	for _, rule := range r.Rules {
		scope.GeneratorIDs = append(scope.GeneratorIDs, report.ASFFGeneratorID(tool, rule.ID))
	}
	// Every region the scan covered is in scope, including those with no finding left: their
	// earlier findings are resolved rather than left open (prowler#2190).
	scope.ProductARN = o.ProductARN
	seen := map[string]bool{}
	for _, sr := range r.Scanned {
		scope.Covered = append(scope.Covered, securityhub.Covered{Account: sr.AccountID, Region: sr.Region})
		if !seen[sr.Region] {
			seen[sr.Region] = true
			scope.Regions = append(scope.Regions, sr.Region)
		}
	}
	return a.push(ctx, findings, scope, o, creds)
}

// checkPushAccounts refuses a push of findings for no real account: an input that names no
// account gets the placeholder input.DefaultAccount, which must never reach Security Hub.
// It runs before any request, so nothing is pushed or written.
func checkPushAccounts(r *finding.Report) error {
	accounts := make([]string, 0, len(r.Findings)+len(r.Scanned))
	files := make([]string, 0, len(r.Findings)+len(r.Scanned))
	for _, f := range r.Findings {
		file := ""
		if f.Location != nil {
			file = f.Location.File
		}
		accounts, files = append(accounts, f.AccountID), append(files, file)
	}
	for _, s := range r.Scanned {
		accounts, files = append(accounts, s.AccountID), append(files, "")
	}
	bad := -1
	for i, acct := range accounts {
		if acct == input.DefaultAccount || len(acct) != 12 || strings.Trim(acct, "0123456789") != "" {
			if bad < 0 || (files[bad] == "" && files[i] != "") {
				bad = i // prefer one whose file is known
			}
		}
	}
	if bad < 0 {
		return nil
	}
	source := files[bad]
	if source == "" {
		source = strings.Join(r.Inputs, ", ")
	}
	if source == "" {
		source = "the input"
	}
	if accounts[bad] == input.DefaultAccount {
		return fmt.Errorf("%s names no AWS account (the findings use the placeholder %s); pass --account", source, input.DefaultAccount)
	}
	return fmt.Errorf("%s names account %q, not a 12-digit AWS account id", source, accounts[bad])
}

// checkASFFAccounts refuses a saved ASFF file with a finding for the placeholder account
// (ReadASFF already requires 12 digits).
func checkASFFAccounts(findings []report.ASFFFinding) error {
	for i, f := range findings {
		if f.AwsAccountID == input.DefaultAccount {
			return fmt.Errorf("finding %d (%q): AwsAccountId %s is the placeholder of a scan input that named no AWS account; scan again with --account", i, f.ID, f.AwsAccountID)
		}
	}
	return nil
}

// pushCommand is `scanner push FILE.asff.json`: push a saved ASFF file.
func (a *app) pushCommand() *cobra.Command {
	o := &pushOptions{}
	creds := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "push FILE.asff.json",
		Short: "Send a saved ASFF file (scan --format asff) to AWS Security Hub",
		Long: "push sends the findings of an ASFF file written by `scan --format asff` to AWS Security Hub\n" +
			"with BatchImportFindings, then resolves the findings of the same scope (account, Region and\n" +
			"the rules present in the file) that the file no longer contains. Use - for standard input.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("push takes one ASFF file (written by scan --format asff), or - for standard input; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkRegionFlags(cmd.Flags(), "region", "securityhub-region"); err != nil {
				return withCode(ExitError, fmt.Errorf("push: %w", err))
			}
			if err := o.validate(); err != nil {
				return withCode(ExitError, fmt.Errorf("push: %w", err))
			}
			if err := creds.validateCredentials(); err != nil {
				return withCode(ExitError, fmt.Errorf("push: %w", err))
			}
			var in io.Reader = a.streams.In
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return withCode(ExitError, fmt.Errorf("push: %w", err))
				}
				defer f.Close()
				in = f
			}
			findings, err := securityhub.ReadASFF(in)
			if err == nil {
				err = checkASFFAccounts(findings)
			}
			if err != nil {
				return withCode(ExitError, fmt.Errorf("push: %s: %w", args[0], err))
			}
			if o.ProductARN != "" {
				for i := range findings {
					findings[i].ProductArn = o.ProductARN
				}
			}
			// The rule selection is the rules present in the file (Scope with no GeneratorIDs).
			return a.push(cmd.Context(), findings, securityhub.Scope{}, o, creds)
		},
	}
	addSecurityHubFlags(cmd.Flags(), o)
	addCredentialFlags(cmd.Flags(), creds)
	cmd.Flags().StringVar(&o.DefaultRegion, "region", "", "Security Hub Region for findings whose ProductArn names none (default: the AWS configuration's Region); --securityhub-region sends every finding to one Region")
	return cmd
}

// push delivers findings and prints a summary and every undelivered finding to stderr.
func (a *app) push(ctx context.Context, findings []report.ASFFFinding, scope securityhub.Scope, o *pushOptions, creds *collectOptions) error {
	cfg, err := pushConfig(ctx, o, creds)
	if err != nil {
		return withCode(ExitError, fmt.Errorf("securityhub: %w", err))
	}
	// Without credentials every request would fail alike, each finding reported with the
	// same long SDK message: say it once.
	if err := usableCredentials(ctx, cfg); err != nil {
		return withCode(ExitError, fmt.Errorf("securityhub: %w", err))
	}
	findings = withDefaultRegion(findings, cfg.Region)
	p := securityhub.New(securityhub.NewClientFactory(cfg), securityhub.Options{
		Region: o.Region, IncludePassed: o.IncludePassed, NoArchive: o.NoArchive, Rate: o.Rate,
	})
	res, err := p.Push(ctx, findings, scope)
	if res != nil {
		fmt.Fprintf(a.streams.Err, "securityhub: %d imported, %d resolved, %d archived, %d passed not sent; %s (%d throttled)",
			res.Imported, res.Resolved, res.Archived, res.SkippedPassed, plural(res.Requests, "request", "requests"), res.Throttled)
		if n := res.Undelivered(); n > 0 {
			fmt.Fprintf(a.streams.Err, "; %d NOT DELIVERED", n)
		}
		fmt.Fprintln(a.streams.Err)
		failed := append([]securityhub.Failure(nil), res.Failed...)
		sort.SliceStable(failed, func(i, j int) bool { return failed[i].ID < failed[j].ID })
		for _, f := range failed {
			fmt.Fprintf(a.streams.Err, "securityhub: not delivered: %s (%s): %s: %s\n", f.ID, f.Region, f.Code, oneLine(f.Message))
		}
	}
	if err != nil {
		if errors.Is(err, securityhub.ErrUndelivered) {
			return withCode(ExitError, err)
		}
		return withCode(ExitError, fmt.Errorf("securityhub: %w", err))
	}
	return nil
}

// pushConfig is the push's AWS configuration: the same identity as the collection's
// (--profile, then --role-arn assumed with --external-id), in --securityhub-region, else
// --region, else the configuration's own Region.
func pushConfig(ctx context.Context, o *pushOptions, creds *collectOptions) (aws.Config, error) {
	if creds == nil {
		creds = &collectOptions{}
	}
	var opts []func(*config.LoadOptions) error
	if region := cmp.Or(o.Region, o.DefaultRegion); region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := loadAWSConfig(ctx, creds, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if creds.roleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), creds.roleARN, func(ao *stscreds.AssumeRoleOptions) {
			ao.RoleSessionName = collect.DefaultSessionName
			if creds.externalID != "" {
				ao.ExternalID = aws.String(creds.externalID)
			}
		})
		cfg.Credentials = collect.RenewedEarly(provider) // renewed before the session expires mid-push
	}
	return cfg, nil
}

// withDefaultRegion puts region into the ProductArn of findings whose ProductArn names no
// Region, so they go to that Region's Security Hub.
func withDefaultRegion(findings []report.ASFFFinding, region string) []report.ASFFFinding {
	if region == "" {
		return findings
	}
	out := findings
	copied := false
	for i, f := range findings {
		a, err := arn.Parse(f.ProductArn)
		if err != nil || a.Region != "" {
			continue
		}
		if !copied {
			out = append([]report.ASFFFinding(nil), findings...)
			copied = true
		}
		a.Region = region
		out[i].ProductArn = a.String()
	}
	return out
}
