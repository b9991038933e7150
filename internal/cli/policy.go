package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/policy"
	"github.com/dbaudit/scanner/rules"
)

// policyOptions are the scan flags that tune which rules run and how findings count.
type policyOptions struct {
	config     string
	waivers    []string
	frameworks []string
	rules      []string
	skipRules  []string
	severities []string
	rulesDirs  []string
	noBuiltin  bool
	// failOnSet records whether --fail-on was given (it then wins over the config).
	failOnSet bool
}

func addPolicyFlags(f *pflag.FlagSet, o *policyOptions) {
	f.StringVar(&o.config, "config", "", "config `FILE` (rule parameters, rules on/off, severity overrides, default --fail-on, waivers); default: "+policy.DefaultConfigFile+" in the working directory if present")
	f.StringArrayVar(&o.waivers, "waivers", nil, "waiver `FILE` (YAML with a waivers: list, entries as in the config); repeatable")
	f.StringSliceVar(&o.frameworks, "framework", nil, "evaluate only rules mapped to a framework and add a per-control compliance summary: fsbp/securityhub, cis, cis-1.2, cis-1.4, pci, nist, hipaa, or a metadata key; repeatable, comma-separated")
	f.StringSliceVar(&o.rules, "rule", nil, "evaluate only these rule ids (globs such as DBAUDIT-RDS-* allowed); repeatable, comma-separated")
	f.StringSliceVar(&o.skipRules, "skip-rule", nil, "do not evaluate these rule ids (globs allowed); repeatable, comma-separated")
	f.StringSliceVar(&o.severities, "severity", nil, "evaluate only rules of these severities (critical, high, medium, low, informational); repeatable, comma-separated")
	f.StringArrayVar(&o.rulesDirs, "rules", nil, "`DIR` of custom rules (same METADATA contract, sandboxed); repeatable")
	f.BoolVar(&o.noBuiltin, "no-builtin", false, "leave the built-in rules out (their shared libraries stay available to custom rules)")
}

// scanPolicy is the loaded policy of one scan.
type scanPolicy struct {
	config    *policy.Config
	waivers   []policy.Waiver
	selection *policy.Selection
}

// loadPolicy reads the config (explicit, or scanner.yaml in the working directory) and the
// waiver files, and parses the selection flags. Every error is a usage error (exit 2).
func loadPolicy(o *policyOptions) (*scanPolicy, error) {
	path := o.config
	if path == "" {
		if _, err := os.Stat(policy.DefaultConfigFile); err == nil {
			path = policy.DefaultConfigFile
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, withCode(ExitError, fmt.Errorf("read config: %w", err))
		}
	}
	cfg := &policy.Config{}
	if path != "" {
		var err error
		if cfg, err = policy.LoadConfig(path); err != nil {
			return nil, withCode(ExitError, fmt.Errorf("config: %w", err))
		}
	}
	p := &scanPolicy{config: cfg, waivers: cfg.Waivers}
	for _, wf := range o.waivers {
		ws, err := policy.LoadWaivers(wf)
		if err != nil {
			return nil, withCode(ExitError, fmt.Errorf("waivers: %w", err))
		}
		p.waivers = append(p.waivers, ws...)
	}
	sel, err := policy.NewSelection(cfg, o.rules, o.skipRules, o.severities, o.frameworks)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	p.selection = sel
	return p, nil
}

// failOn returns the --fail-on severity: the flag when given, else the config's fail_on,
// else the flag's default.
func (p *scanPolicy) failOn(flagValue string, flagSet bool) (finding.Severity, error) {
	if !flagSet && p.config.FailOn != nil {
		return *p.config.FailOn, nil
	}
	sev, err := finding.ParseSeverity(flagValue)
	if err != nil {
		return 0, withCode(ExitError, fmt.Errorf("--fail-on: %w", err))
	}
	return sev, nil
}

// ruleSources are the built-in pack (or only its libraries with --no-builtin) and the
// --rules directories.
func ruleSources(o *policyOptions) ([]engine.Source, error) {
	var out []engine.Source
	if o.noBuiltin {
		lib, err := fs.Sub(rules.FS, "lib")
		if err != nil {
			return nil, fmt.Errorf("load built-in libraries: %w", err)
		}
		out = append(out, engine.Source{FS: lib, Name: "lib"})
	} else {
		out = append(out, engine.Source{FS: rules.FS})
	}
	for _, dir := range o.rulesDirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("rules directory %s: %w", dir, unwrapPath(err))
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("rules directory %s: not a directory", dir)
		}
		out = append(out, engine.Source{FS: os.DirFS(dir), Name: dir})
	}
	return out, nil
}

// newEngine loads the rules with the policy's parameters, severity overrides and selection,
// then validates the selection against the loaded catalogue.
func (p *scanPolicy) newEngine(ctx context.Context, o *policyOptions) (*engine.Engine, error) {
	sources, err := ruleSources(o)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	opts := []engine.Option{
		engine.WithParameters(p.config.Parameters),
		engine.WithSeverityOverrides(p.config.SeverityOverrides()),
		engine.WithRuleSelector(p.selection.Selects),
	}
	for _, s := range sources {
		opts = append(opts, engine.WithSource(s))
	}
	eng, err := engine.New(ctx, opts...)
	if err != nil {
		var pe *engine.ParameterError
		if errors.As(err, &pe) && p.config.File != "" {
			if line, ok := p.config.ParameterLines[pe.Name]; ok {
				return nil, withCode(ExitError, fmt.Errorf("config: %w", &policy.Error{File: p.config.File, Line: line, Key: "parameters." + pe.Name, Msg: pe.Problem}))
			}
		}
		return nil, withCode(ExitError, fmt.Errorf("load rules: %w", err))
	}
	if err := p.selection.Validate(eng.Rules(), eng.SelectedRules()); err != nil {
		var ce *policy.Error
		if errors.As(err, &ce) {
			return nil, withCode(ExitError, fmt.Errorf("config: %w", err))
		}
		return nil, withCode(ExitError, err)
	}
	return eng, nil
}

// apply marks waived findings, records stale waivers and adds the framework summary.
func (p *scanPolicy) apply(rep *finding.Report, eng *engine.Engine, now time.Time) {
	scope := policy.Scope{}
	for _, r := range eng.Rules() {
		scope.Loaded = append(scope.Loaded, r.ID)
	}
	for _, r := range eng.SelectedRules() {
		scope.Selected = append(scope.Selected, r.ID)
	}
	rep.StaleWaivers = policy.Apply(rep.Findings, p.waivers, scope, now)
	finding.SortFindings(rep.Findings)
	if keys := p.selection.FrameworkKeys(rep.Rules); len(keys) > 0 {
		rep.Compliance = policy.Summarise(keys, rep.Rules, rep.Findings)
	}
}

// unwrapPath drops the *fs.PathError wrapper ("stat DIR: no such file…"), whose operation
// and path the caller's message already says.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
