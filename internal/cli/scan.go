package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

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

Exit codes: 0 nothing failing at or above --fail-on, 1 failing findings, 2 usage/input/runtime
error, 3 nothing failing but the scan is incomplete (collection gaps).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.policy.failOnSet = cmd.Flags().Changed("fail-on")
			if len(args) > 0 || o.demo {
				if name := changedCollectFlag(cmd.Flags()); name != "" {
					return withCode(ExitError, fmt.Errorf("--%s applies to live collection only (a scan with neither PATH arguments nor --demo)", name))
				}
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
			name, path, _ := strings.Cut(part, "=")
			if _, err := report.New(name, report.Options{}); err != nil {
				return nil, fmt.Errorf("--format: %w", err)
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
	for _, o := range outs {
		if o.path == "" {
			toStdout++
		}
	}
	if toStdout > 1 {
		return nil, errors.New("--format: only one format can go to stdout; give the others a file (FORMAT=FILE)")
	}
	return outs, nil
}

func (a *app) runScan(ctx context.Context, o *scanOptions, args []string) error {
	pol, err := loadPolicy(&o.policy)
	if err != nil {
		return err
	}
	failOn, err := pol.failOn(o.failOn, o.policy.failOnSet)
	if err != nil {
		return err
	}
	outs, err := parseOutputs(o.formats, o.output)
	if err != nil {
		return withCode(ExitError, err)
	}
	if o.demo && len(args) > 0 {
		return withCode(ExitError, errors.New("--demo takes no PATH arguments"))
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

	if err := a.writeOutputs(ctx, outs, rep, o, failOn); err != nil {
		return withCode(ExitError, err)
	}
	if err := a.pushIfRequested(ctx, rep, &o.push); err != nil {
		return err
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

// writeOutputs renders every format in memory first, so an error never leaves a partial
// file, then writes each file atomically (temp file + rename).
func (a *app) writeOutputs(ctx context.Context, outs []output, rep *finding.Report, o *scanOptions, failOn finding.Severity) error {
	workDir, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("find the working directory: %w", err)
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
			return err
		}
		var buf bytes.Buffer
		if err := r.Write(ctx, &buf, rep); err != nil {
			return fmt.Errorf("render %s: %w", out.format, err)
		}
		rendered[i] = buf.Bytes()
	}
	for i, out := range outs {
		if out.path == "" {
			if _, err := a.streams.Out.Write(rendered[i]); err != nil {
				return fmt.Errorf("write %s output: %w", out.format, err)
			}
			continue
		}
		if err := writeFileAtomic(out.path, rendered[i]); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes data to path via a temporary file in the same directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
