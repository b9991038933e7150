package engine

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestOptions tune RunTests.
type TestOptions struct {
	// Filter is a regular expression on test names (as `opa test --run`); empty runs all.
	Filter string
	// Timeout bounds each test; zero means OPA's default.
	Timeout time.Duration
	// Support are rule sets the tested rules import (e.g. the built-in libraries): loaded,
	// but their own _test.rego files are not run.
	Support []Source
}

// RunTests runs the test_* rules of the _test.rego files in the sources, as `opa test`
// would, but compiled like a scan: sandbox capabilities (no http.send, net.*, opa.runtime,
// ...) and strict mode. Results are sorted by package and name. It returns an error when a
// module does not parse or compile; failing tests are results, not errors.
func RunTests(ctx context.Context, sources []Source, opts TestOptions) ([]*tester.Result, error) {
	modules := map[string]*ast.Module{}
	all := append(append([]Source{}, opts.Support...), sources...)
	for i, src := range all {
		support := i < len(opts.Support)
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("load rules %s: %w", displayName(src, p), err)
			}
			if d.IsDir() || path.Ext(p) != ".rego" || (support && strings.HasSuffix(p, "_test.rego")) {
				return nil
			}
			b, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return fmt.Errorf("load rules %s: %w", displayName(src, p), err)
			}
			name := displayName(src, p)
			if _, dup := modules[name]; dup {
				return fmt.Errorf("load rules %s: the file name is used by two rule sets", name)
			}
			m, err := parseModule(name, b)
			if err != nil {
				return fmt.Errorf("parse rules: %w", err)
			}
			modules[name] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	compiler := ast.NewCompiler().
		WithStrict(true).
		WithCapabilities(SandboxCapabilities()).
		WithEnablePrintStatements(true)
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetModules(modules).
		CapturePrintOutput(true).
		Filter(opts.Filter)
	if opts.Timeout > 0 {
		runner = runner.SetTimeout(opts.Timeout)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("compile rule tests: %w", err)
	}
	var out []*tester.Result
	for r := range ch {
		out = append(out, r)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("run rule tests: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return strings.Compare(out[i].Name, out[j].Name) < 0
	})
	return out, nil
}
