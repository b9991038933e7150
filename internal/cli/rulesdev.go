package cli

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/spf13/cobra"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/policy"
	"github.com/dbaudit/scanner/rules"
)

// rulesTestCommand is `scanner rules test [DIR...]`: validate the rules like a scan would
// (METADATA contract, sandbox, snapshot schema), then run their _test.rego files like
// `opa test`. Without DIR it tests the built-in pack. Exit 0 when every test passes, 1 when
// one fails or errors, 2 when the rules do not load or there are no tests.
func (a *app) rulesTestCommand() *cobra.Command {
	var (
		verbose bool
		run     string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the _test.rego files of custom rule directories (default: the built-in rules) in the sandbox",
		Long: `Validate rules the way a scan loads them (METADATA contract, sandbox capabilities, snapshot
schema type-check), then run the test_* rules of their _test.rego files, like ` + "`opa test`" + `.
Custom rule directories can import the built-in libraries (data.rules.lib.aws, data.rules.lib.params).

Exit codes: 0 all tests pass, 1 a test failed or errored, 2 the rules do not load or no test was found.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			// Without DIR: the built-in pack. With DIRs: their rules and tests, on top of the
			// built-in libraries (loaded, not tested).
			sources := []engine.Source{{FS: rules.FS}}
			var support []engine.Source
			if len(args) > 0 {
				all, err := ruleSources(&policyOptions{noBuiltin: true, rulesDirs: args})
				if err != nil {
					return withCode(ExitError, err)
				}
				support, sources = all[:1], all[1:]
			}
			if _, err := engine.New(ctx, sourceOptions(append(append([]engine.Source{}, support...), sources...))...); err != nil {
				return withCode(ExitError, fmt.Errorf("load rules: %w", err))
			}
			results, err := engine.RunTests(ctx, sources, engine.TestOptions{Filter: run, Timeout: timeout, Support: support})
			if err != nil {
				return withCode(ExitError, err)
			}
			if len(results) == 0 {
				return withCode(ExitError, errors.New("no tests found (test rules are named test_* in *_test.rego files)"))
			}
			ch := make(chan *tester.Result, len(results))
			failed := false
			for _, r := range results {
				failed = failed || r.Fail || r.Error != nil
				ch <- r
			}
			close(ch)
			rep := tester.PrettyReporter{Output: a.streams.Out, Verbose: verbose, FailureLine: true}
			if err := rep.Report(ch); err != nil {
				return withCode(ExitError, fmt.Errorf("write test report: %w", err))
			}
			if failed {
				*a.code = ExitFindings
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every test and its print() output")
	cmd.Flags().StringVar(&run, "run", "", "run only tests whose name matches this regular expression")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit per test (default: OPA's)")
	return cmd
}

func sourceOptions(sources []engine.Source) []engine.Option {
	opts := make([]engine.Option, 0, len(sources))
	for _, s := range sources {
		opts = append(opts, engine.WithSource(s))
	}
	return opts
}

// rulesDocCommand is `scanner rules doc`: render the rule reference (docs/rules.md) from
// the built-in rules' METADATA and the parameter defaults.
func (a *app) rulesDocCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "doc",
		Short: "Render the rule reference (docs/rules.md) from the rule metadata and parameter defaults",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var buf bytes.Buffer
			if err := renderRulesDoc(cmd, &buf); err != nil {
				return withCode(ExitError, err)
			}
			if output == "" {
				if _, err := a.streams.Out.Write(buf.Bytes()); err != nil {
					return withCode(ExitError, fmt.Errorf("write rules doc: %w", err))
				}
				return nil
			}
			if err := writeOutputFile(cmd.Context(), output, buf.Bytes()); err != nil {
				return withCode(ExitError, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (e.g. docs/rules.md) instead of stdout")
	return cmd
}

func renderRulesDoc(cmd *cobra.Command, buf *bytes.Buffer) error {
	eng, err := engine.New(cmd.Context(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		return fmt.Errorf("load rules: %w", err)
	}
	params, err := policy.ParameterDocs(rules.FS, policy.ParamsFile, eng.Parameters(), eng.Rules())
	if err != nil {
		return err
	}
	return policy.WriteRulesDoc(buf, eng.Rules(), params)
}
