package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/collect"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// collectOptions are the live-collection flags shared by `collect` and `scan`.
type collectOptions struct {
	profile     string
	regions     []string
	roleARN     string
	externalID  string
	org         bool
	orgRoleName string
	concurrency int
	quiet       bool
	logLevel    string
	callTimeout time.Duration
	maxAttempts int
	retryMode   string
	allParams   bool
}

func addCollectFlags(fs *pflag.FlagSet, o *collectOptions) {
	addCredentialFlags(fs, o)
	fs.StringSliceVar(&o.regions, "regions", []string{collect.AllRegions}, "regions to collect, comma-separated, or \"all\" for each account's enabled regions")
	fs.BoolVar(&o.org, "org", false, "collect every active account of the AWS Organization (ListAccounts), assuming --org-role-name in each")
	fs.StringVar(&o.orgRoleName, "org-role-name", collect.DefaultOrgRoleName, "role to assume in each organization account with --org")
	fs.IntVar(&o.concurrency, "concurrency", collect.DefaultConcurrency, "account×region units collected in parallel")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level on stderr: debug (names every API call), info, warn, error")
	fs.DurationVar(&o.callTimeout, "call-timeout", collect.DefaultCallTimeout, "timeout of each AWS API call, retries included")
	fs.IntVar(&o.maxAttempts, "max-attempts", 10, "attempts per AWS API call (throttling, 5xx)")
	fs.StringVar(&o.retryMode, "retry-mode", "adaptive", "AWS SDK retry mode: adaptive (client-side rate limiting on throttling) or standard")
	fs.BoolVar(&o.allParams, "all-parameters", false, "read every parameter of each parameter group, not only the modified ones (Source=user); engine defaults are read either way")
}

// addCredentialFlags registers the flags that choose the AWS identity: the collection's, and
// the Security Hub push's.
func addCredentialFlags(fs *pflag.FlagSet, o *collectOptions) {
	fs.StringVar(&o.profile, "profile", "", "AWS shared-config profile (default: the SDK's default credential chain)")
	fs.StringVar(&o.roleARN, "role-arn", "", "IAM role to assume before calling AWS")
	fs.StringVar(&o.externalID, "external-id", "", "external ID for --role-arn (or, without --role-arn, for the --org roles)")
}

// credentialFlagNames are the names addCredentialFlags registers.
func credentialFlagNames() map[string]bool {
	names := pflag.NewFlagSet("credentials", pflag.ContinueOnError)
	addCredentialFlags(names, &collectOptions{})
	out := map[string]bool{}
	names.VisitAll(func(f *pflag.Flag) { out[f.Name] = true })
	return out
}

// changedCollectFlag returns the name of a live-collection flag set on fs and not in
// allowed, or "".
func changedCollectFlag(fs *pflag.FlagSet, allowed map[string]bool) string {
	names := pflag.NewFlagSet("collect", pflag.ContinueOnError)
	addCollectFlags(names, &collectOptions{})
	changed := ""
	names.VisitAll(func(f *pflag.Flag) {
		if changed == "" && fs.Changed(f.Name) && !allowed[f.Name] {
			changed = f.Name
		}
	})
	return changed
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// awsConfig loads the base AWS configuration: the SDK's default chain (environment,
// shared config and credentials files, SSO, IMDS), or --profile; adaptive retries.
func awsConfig(ctx context.Context, o *collectOptions) (aws.Config, error) {
	attempts := o.maxAttempts
	if attempts <= 0 {
		attempts = 1
	}
	var retryer func() aws.Retryer
	switch o.retryMode {
	case "adaptive":
		retryer = func() aws.Retryer {
			return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) { so.MaxAttempts = attempts })
			})
		}
	case "standard":
		retryer = func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = attempts })
		}
	default:
		return aws.Config{}, fmt.Errorf("--retry-mode %q: want adaptive or standard", o.retryMode)
	}
	// Up to 8 calls per account+region are in flight and several accounts of an --org run
	// share one regional endpoint: keep that many connections alive per host (the SDK keeps
	// 10), or each call beyond them opens a new TLS connection.
	idle := max(o.concurrency, 1) * collect.DefaultRegionConcurrency
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = idle
		tr.MaxIdleConnsPerHost = idle
	})
	return loadAWSConfig(ctx, o, config.WithRetryer(retryer), config.WithHTTPClient(httpClient))
}

// loadAWSConfig loads the SDK's default configuration, or --profile's, with opts. It does
// not assume --role-arn (the collector does, and so does the push's sessionConfig).
func loadAWSConfig(ctx context.Context, o *collectOptions, opts ...func(*config.LoadOptions) error) (aws.Config, error) {
	if o.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.profile))
	}
	// The SDK's own log lines (an IMDS fallback, a checksum it could not verify) would
	// interleave with the scanner's one-line errors; failures reach the user as errors.
	opts = append(opts, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		return aws.Config{}, fmt.Errorf("AWS profile %q is not in the shared config files (~/.aws/config, ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE)", missing.Profile)
	}
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// usableCredentials retrieves the configuration's credentials once, so a machine without
// any gets one line instead of the same long SDK error for every call.
func usableCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return errors.New("no AWS credentials configured")
	}
	_, err := cfg.Credentials.Retrieve(ctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case strings.Contains(err.Error(), "EC2 IMDS"):
		// The default chain ends at the instance role: on a machine that is not an EC2
		// instance, that only means nothing else had credentials either.
		return errors.New("no AWS credentials found: pass --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (nothing in the environment, the shared config files or an instance role)")
	default:
		msg := strings.TrimPrefix(err.Error(), "failed to refresh cached credentials, ")
		return fmt.Errorf("no usable AWS credentials (from --profile, --role-arn, the environment, the shared config files or an instance role): %s", oneLine(msg))
	}
}

// collectLive collects a snapshot from the AWS accounts the options name. Failed calls are
// collection gaps in the snapshot, not errors; errors are a bad configuration, an unusable
// identity, a failed organization listing, or cancellation.
func (a *app) collectLive(ctx context.Context, o *collectOptions) (*snapshot.Snapshot, error) {
	logger, err := newLogger(a.streams.Err, o.logLevel)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	cfg, err := awsConfig(ctx, o)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	if err := usableCredentials(ctx, cfg); err != nil {
		return nil, withCode(ExitError, fmt.Errorf("live collection: %w", err))
	}
	progress := &collect.Progress{}
	stop := func() {}
	if !o.quiet && !logger.Enabled(ctx, slog.LevelDebug) && isTerminal(a.streams.Err) {
		stop = showProgress(a.streams.Err, progress)
	}
	snap, err := collect.Collect(ctx, collect.Config{
		AWS:           cfg,
		Regions:       o.regions,
		RoleARN:       o.roleARN,
		ExternalID:    o.externalID,
		Org:           o.org,
		OrgRoleName:   o.orgRoleName,
		Concurrency:   o.concurrency,
		CallTimeout:   o.callTimeout,
		AllParameters: o.allParams,
		Logger:        logger,
		Progress:      progress,
	})
	stop()
	if err != nil {
		return nil, withCode(ExitError, fmt.Errorf("live collection: %w", err))
	}
	logger.Info("collection finished", "accounts", len(snap.Accounts), "regions", progress.RegionsDone.Load(),
		"calls", progress.Calls.Load(), "gaps", len(snap.CollectionGaps))
	return snap, nil
}

// showProgress redraws one status line on w until the returned stop is called.
func showProgress(w io.Writer, p *collect.Progress) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	line := func() {
		fmt.Fprintf(w, "\rcollecting: accounts %d/%d, regions %d/%d, API calls %d, errors %d ",
			p.AccountsDone.Load(), p.AccountsTotal.Load(), p.RegionsDone.Load(), p.RegionsTotal.Load(),
			p.Calls.Load(), p.Errors.Load())
	}
	wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				line()
				fmt.Fprintln(w)
				return
			case <-t.C:
				line()
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// collectCommand implements `scanner collect -o snapshot.json`.
func (a *app) collectCommand() *cobra.Command {
	o := &collectOptions{}
	var output string
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Collect a snapshot from live AWS accounts",
		Long: "collect reads the database audit-trail settings (RDS, CloudWatch Logs, CloudWatch alarms, CloudTrail)\n" +
			"of live AWS accounts into a snapshot file that `scanner scan` evaluates offline.\n" +
			"Calls that fail are recorded as collection gaps; the exit code is then 3 (docs/collect.md).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := o.validate(); err != nil {
				return withCode(ExitError, err)
			}
			var file *outputFile
			if output != "" && output != "-" {
				var err error
				if file, err = planOutput(output); err != nil {
					return withCode(ExitError, err)
				}
			}
			snap, err := a.collectLive(ctx, o)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := snapshot.Encode(&buf, snap); err != nil {
				return withCode(ExitError, fmt.Errorf("encode snapshot: %w", err))
			}
			if file == nil {
				if _, err := a.streams.Out.Write(buf.Bytes()); err != nil {
					return withCode(ExitError, fmt.Errorf("write snapshot: %w", err))
				}
			} else {
				staged, err := file.stage(buf.Bytes())
				if err != nil {
					return withCode(ExitError, err)
				}
				defer staged.abort()
				if err := ctx.Err(); err != nil {
					return withCode(ExitError, fmt.Errorf("write snapshot %s: %w", output, err))
				}
				if err := staged.commit(); err != nil {
					return withCode(ExitError, err)
				}
			}
			if n := len(snap.CollectionGaps); n > 0 {
				fmt.Fprintf(a.streams.Err, "scanner: collected with %s; see collection_gaps in the snapshot\n", plural(n, "collection gap", "collection gaps"))
				*a.code = ExitIncomplete
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "snapshot file to write (default: stdout)")
	addCollectFlags(cmd.Flags(), o)
	return cmd
}
