package engine

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/internal/synth"
	"github.com/dbaudit/scanner/rules"
)

// BenchmarkEvaluate measures Evaluate on synthetic snapshots and, in the same run, raw OPA
// evaluating the same compiled rules on the same input with one prepared query (what
// `opa eval data.rules.aws` does minus process start-up and JSON parsing). Figures and the
// command are in docs/performance.md.
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	eng, err := New(ctx, WithSource(Source{FS: rules.FS}))
	if err != nil {
		b.Fatal(err)
	}
	raw := rawOPAQuery(b)
	for _, n := range []int{1_000, 10_000, 100_000} {
		snap := synth.Generate(n, 1)
		snapshot.Resolve(snap)
		got := synth.Count(snap)
		b.Run(fmt.Sprintf("engine/resources=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			findings := 0
			for b.Loop() {
				fs, err := eng.Evaluate(ctx, snap)
				if err != nil {
					b.Fatal(err)
				}
				findings = len(fs)
			}
			b.ReportMetric(float64(got), "resources")
			b.ReportMetric(float64(findings), "findings")
		})
		b.Run(fmt.Sprintf("raw-opa/resources=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := ast.InterfaceToValue(snap)
				if err != nil {
					b.Fatal(err)
				}
				rs, err := raw.Eval(ctx, rego.EvalParsedInput(v))
				if err != nil || len(rs) == 0 {
					b.Fatalf("raw eval: %v", err)
				}
			}
			b.ReportMetric(float64(got), "resources")
		})
	}
}

func rawOPAQuery(b *testing.B) rego.PreparedEvalQuery {
	b.Helper()
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := fs.ReadFile(rules.FS, p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		modules[p] = m
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	c := ast.NewCompiler()
	c.Compile(modules)
	if c.Failed() {
		b.Fatal(c.Errors)
	}
	pq, err := rego.New(rego.Query("data.rules.aws"), rego.Compiler(c)).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return pq
}
