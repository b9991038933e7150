package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	scanner "github.com/dbaudit/scanner"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/input"
	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/snapshot"
)

type scanOptions struct {
	formats []string
	output  string
	failOn  string
	demo    bool
	noColor bool
	input   input.Options
	collect collectOptions
	push    pushOptions
	policy  policyOptions
}

func (a *app) scanCommand() *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Evaluate the rules against snapshots or exported configuration (no PATH: collect live)",
		Long: `Evaluate the audit-trail rules.

With PATH arguments, scan snapshot files and exported configuration (files or directories).
With --demo, scan the embedded demo account. With neither, collect from AWS and evaluate.

Output files are written only when the whole scan succeeded: every flag and output path is
checked before anything is collected or evaluated, every format is rendered, and with
--push-securityhub the findings are pushed, before the first file is written.

Exit codes: 0 nothing failing at or above --fail-on, 1 failing findings, 2 usage/input/runtime
error (no output written), 3 nothing failing but the scan is incomplete (collection gaps),
130 interrupted.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.policy.failOnSet = cmd.Flags().Changed("fail-on")
			if err := o.checkFlags(cmd.Flags(), args); err != nil {
				return withCode(ExitError, err)
			}
			return a.runScan(cmd.Context(), o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.formats, "format", "f", []string{"table"}, "output format: "+strings.Join(report.Formats(), ", ")+"; repeat as FORMAT=FILE to write several")
	f.StringVarP(&o.output, "output", "o", "", "write the (single) output format to FILE instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "low", "lowest severity of a failing finding that makes the exit code 1 (critical, high, medium, low, informational); overrides the config's fail_on")
	f.BoolVar(&o.demo, "demo", false, "scan the embedded demo account snapshot")
	f.BoolVar(&o.noColor, "no-color", false, "never colour the table output")
	f.StringVar(&o.input.Region, "region", "", "region for inputs that do not name one")
	f.StringVar(&o.input.Account, "account", "", "account id for inputs that do not name one")
	f.BoolVar(&o.input.SkipUnknown, "skip-unknown", false, "skip files of unknown shape with a note instead of failing (for pre-commit, which passes every changed file)")
	f.BoolVar(&o.input.ExportDirOfFile, "export-dir-of-file", false, "judge each AWS CLI export file with the rest of its export directory (for pre-commit, which passes only the changed files)")
	addPolicyFlags(f, &o.policy)
	addCollectFlags(f, &o.collect)
	addPushFlags(f, &o.push)
	return cmd
}

// checkFlags checks every flag that can be checked without reading inputs or calling AWS.
func (o *scanOptions) checkFlags(fs *pflag.FlagSet, args []string) error {
	if o.demo && len(args) > 0 {
		return errors.New("--demo takes no PATH arguments")
	}
	live := len(args) == 0 && !o.demo
	if !live {
		// The push uses the collection's AWS identity flags, so they are allowed with it.
		var allowed map[string]bool
		if o.push.Push {
			allowed = credentialFlagNames()
		}
		if name := changedCollectFlag(fs, allowed); name != "" {
			if credentialFlagNames()[name] {
				return fmt.Errorf("--%s applies to live collection (a scan with neither PATH arguments nor --demo) and to --push-securityhub", name)
			}
			return fmt.Errorf("--%s applies to live collection only (a scan with neither PATH arguments nor --demo)", name)
		}
	}
	if len(args) == 0 {
		if fs.Changed("region") {
			hint := ""
			if live {
				hint = "; to choose the Regions to collect, use --regions"
			}
			return fmt.Errorf("--region applies to PATH inputs that name no Region%s", hint)
		}
		if fs.Changed("account") {
			return errors.New("--account applies to PATH inputs that name no account")
		}
	}
	if !o.push.Push {
		// Without a push these flags would do nothing; --product-arn also sets the ASFF
		// output's ProductArn.
		for _, name := range []string{"include-passed", "securityhub-region", "securityhub-no-archive", "securityhub-rate"} {
			if fs.Changed(name) {
				return fmt.Errorf("--%s applies to --push-securityhub", name)
			}
		}
		if fs.Changed("product-arn") && !slices.ContainsFunc(o.formats, func(f string) bool { return strings.Contains(f, "asff") }) {
			return errors.New("--product-arn applies to --push-securityhub and the asff format")
		}
	}
	if err := checkRegionFlags(fs, "region", "securityhub-region"); err != nil {
		return err
	}
	if fs.Changed("account") {
		if err := checkAccount("account", o.input.Account); err != nil {
			return err
		}
	}
	if live {
		if err := o.collect.validate(); err != nil {
			return err
		}
	} else if err := o.collect.validateCredentials(); err != nil {
		return err
	}
	return o.push.validate()
}

// output is one rendered format and where it goes ("" = stdout).
type output struct {
	format string
	path   string
}

func parseOutputs(formats []string, single string) ([]output, error) {
	var outs []output
	for _, spec := range formats {
		for _, part := range strings.Split(spec, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, path, hasFile := strings.Cut(part, "=")
			if _, err := report.New(name, report.Options{}); err != nil {
				return nil, fmt.Errorf("--format: %w", err)
			}
			if hasFile && strings.TrimSpace(path) == "" {
				// Likely an unset variable (-f sarif=$OUT): stdout would be a surprise.
				return nil, fmt.Errorf("--format %s: no file name after '='", part)
			}
			outs = append(outs, output{format: name, path: path})
		}
	}
	if len(outs) == 0 {
		return nil, errors.New("--format: no format given")
	}
	if single != "" {
		if len(outs) != 1 || outs[0].path != "" {
			return nil, errors.New("--output takes one format; use --format FORMAT=FILE to write several")
		}
		outs[0].path = single
	}
	toStdout := 0
	files := map[string]bool{}
	for _, o := range outs {
		if o.path == "" {
			toStdout++
			continue
		}
		if files[o.path] {
			return nil, fmt.Errorf("--format: two formats write %s", o.path)
		}
		files[o.path] = true
	}
	if toStdout > 1 {
		return nil, errors.New("--format: only one format can go to stdout; give the others a file (FORMAT=FILE)")
	}
	return outs, nil
}

func (a *app) runScan(ctx context.Context, o *scanOptions, args []string) error {
	outs, err := parseOutputs(o.formats, o.output)
	if err != nil {
		return withCode(ExitError, err)
	}
	files, err := planOutputs(outs)
	if err != nil {
		return withCode(ExitError, err)
	}
	if len(args) > 0 {
		inputs, err := input.Files(args)
		if err != nil {
			return withCode(ExitError, err)
		}
		if err := refuseOverwritingInputs(outs, inputs); err != nil {
			return withCode(ExitError, err)
		}
	}
	if o.push.Push {
		// The AWS configuration of the push is local (files, environment): check it now,
		// not after the evaluation.
		if _, err := pushConfig(ctx, &o.push, &o.collect); err != nil {
			return withCode(ExitError, fmt.Errorf("push-securityhub: %w", err))
		}
	}
	pol, err := loadPolicy(&o.policy)
	if err != nil {
		return err
	}
	failOn, err := pol.failOn(o.failOn, o.policy.failOnSet)
	if err != nil {
		return err
	}
	// Load the rules before the snapshot, so a rule or config error never waits for a
	// live collection.
	eng, err := pol.newEngine(ctx, &o.policy)
	if err != nil {
		return err
	}

	snap, inputs, err := a.loadSnapshot(ctx, o, args)
	if err != nil {
		return err
	}
	snapshot.Resolve(snap)

	findings, err := eng.Evaluate(ctx, snap)
	if err != nil {
		return withCode(ExitError, err)
	}
	rep := buildReport(snap, eng.SelectedRules(), findings, inputs)
	pol.apply(rep, eng, time.Now())

	// Render and stage every output, then push, then write: a failed push (exit 2) leaves
	// no output file behind, and a failed render pushes nothing.
	rendered, err := a.renderOutputs(ctx, outs, rep, o, failOn)
	if err != nil {
		return withCode(ExitError, err)
	}
	staged, err := stageOutputs(outs, files, rendered)
	defer func() {
		for _, s := range staged {
			s.abort()
		}
	}()
	if err != nil {
		return withCode(ExitError, err)
	}
	if err := a.pushIfRequested(ctx, rep, &o.push, &o.collect); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return withCode(ExitError, err)
	}
	if err := a.commitOutputs(outs, staged, rendered); err != nil {
		return withCode(ExitError, err)
	}
	*a.code = exitCodeFor(rep, failOn)
	return nil
}

func exitCodeFor(rep *finding.Report, failOn finding.Severity) int {
	switch {
	case rep.FailingAtOrAbove(failOn) > 0:
		return ExitFindings
	case len(rep.Gaps) > 0:
		return ExitIncomplete
	default:
		return ExitOK
	}
}

func (a *app) loadSnapshot(ctx context.Context, o *scanOptions, args []string) (*snapshot.Snapshot, []string, error) {
	switch {
	case o.demo:
		snap, err := snapshot.Decode(scanner.DemoSnapshotName, scanner.DemoSnapshot)
		if err != nil {
			return nil, nil, withCode(ExitError, err)
		}
		return snap, []string{scanner.DemoSnapshotName}, nil
	case len(args) > 0:
		opts := o.input
		opts.Notice = func(msg string) { fmt.Fprintf(a.streams.Err, "scanner: note: %s\n", msg) }
		snap, err := input.Load(ctx, args, opts)
		if err != nil {
			return nil, nil, withCode(ExitError, err)
		}
		return snap, args, nil
	default:
		snap, err := a.collectLive(ctx, &o.collect)
		if err != nil {
			return nil, nil, err
		}
		return snap, nil, nil
	}
}

func buildReport(snap *snapshot.Snapshot, selected []*finding.Rule, findings []finding.Finding, inputs []string) *finding.Report {
	rep := &finding.Report{
		Tool:        finding.Tool{Name: "scanner", Version: Version},
		GeneratedAt: snap.GeneratedAt,
		Inputs:      inputs,
		Rules:       selected,
		Findings:    findings,
	}
	for _, g := range snap.CollectionGaps {
		rep.Gaps = append(rep.Gaps, finding.Gap(g))
	}
	for _, acct := range snap.Accounts {
		for _, r := range acct.Regions {
			rep.Scanned = append(rep.Scanned, finding.AccountRegion{AccountID: acct.AccountID, Region: r.Region})
		}
	}
	return rep
}

// planOutputs checks the output files of outs (planOutput); nil entries go to stdout.
func planOutputs(outs []output) ([]*outputFile, error) {
	files := make([]*outputFile, len(outs))
	for i, out := range outs {
		if out.path == "" {
			continue
		}
		f, err := planOutput(out.path)
		if err != nil {
			return nil, err
		}
		files[i] = f
	}
	return files, nil
}

// renderOutputs renders every format in memory, so an error never leaves a partial file.
func (a *app) renderOutputs(ctx context.Context, outs []output, rep *finding.Report, o *scanOptions, failOn finding.Severity) ([][]byte, error) {
	workDir, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find the working directory: %w", err)
	}
	rendered := make([][]byte, len(outs))
	for i, out := range outs {
		opts := report.Options{
			Color: out.path == "" && !o.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(a.streams.Out),
			// SARIF URIs are made relative to the working directory: in CI that is the
			// repository root, which is what GitHub code scanning resolves them against.
			BaseDir:    workDir,
			ProductARN: o.push.ProductARN,
			// ASFF UpdatedAt must move forward on every import, so file output uses the
			// real clock (reporters themselves never read one).
			Now:    time.Now,
			FailOn: failOn,
			Width:  report.OutputWidth(a.streams.Out, out.path != "", os.Getenv("COLUMNS")),
		}
		r, err := report.New(out.format, opts)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := r.Write(ctx, &buf, rep); err != nil {
			return nil, fmt.Errorf("render %s: %w", out.format, err)
		}
		rendered[i] = buf.Bytes()
	}
	return rendered, nil
}

// stageOutputs stages each file output (temporary files written, non-regular files opened).
// On error it returns what it staged so far, for the caller to abort.
func stageOutputs(outs []output, files []*outputFile, rendered [][]byte) ([]*stagedFile, error) {
	var staged []*stagedFile
	for i := range outs {
		if files[i] == nil {
			continue
		}
		s, err := files[i].stage(rendered[i])
		if err != nil {
			return staged, err
		}
		staged = append(staged, s)
	}
	return staged, nil
}

// commitOutputs writes the stdout output and commits the staged files, in --format order.
func (a *app) commitOutputs(outs []output, staged []*stagedFile, rendered [][]byte) error {
	next := 0
	for i, out := range outs {
		if out.path != "" {
			if err := staged[next].commit(); err != nil {
				return err
			}
			next++
			continue
		}
		if _, err := a.streams.Out.Write(rendered[i]); err != nil {
			return fmt.Errorf("write %s output: %w", out.format, err)
		}
	}
	return nil
}
