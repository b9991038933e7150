// Package engine loads Rego rules with their METADATA, compiles them once, prepares one
// query per rule once, and evaluates snapshots into per-resource findings. An Engine is
// immutable and safe for concurrent use.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// Rule set names of the per-rule contract (docs/writing-rules.md).
const (
	ruleDeny         = "deny"
	ruleApplicable   = "applicable"
	ruleNotEvaluated = "not_evaluated"
)

// Source is a set of rule files: an fs.FS and a label for error messages.
type Source struct {
	FS fs.FS
	// Name prefixes file names in errors and rule metadata (e.g. "builtin" or a directory).
	Name string
}

type config struct {
	sources    []Source
	parameters map[string]any
	severities map[string]finding.Severity
	selector   func(*finding.Rule) bool
	sandbox    bool
	printTo    io.Writer
}

// Option configures New.
type Option func(*config)

// WithSource adds a rule set (built-in rules, or a --rules directory).
func WithSource(s Source) Option { return func(c *config) { c.sources = append(c.sources, s) } }

// WithParameters overrides rule parameters (keys of rules.lib.params.defaults).
func WithParameters(p map[string]any) Option { return func(c *config) { c.parameters = p } }

// WithSeverityOverrides replaces the METADATA severity of the rules it names (by id). The
// overrides apply before the rule selector runs, so selecting by severity sees them.
// Ids that name no rule are ignored; callers validate them against Rules.
func WithSeverityOverrides(m map[string]finding.Severity) Option {
	return func(c *config) { c.severities = m }
}

// WithRuleSelector keeps only the rules the function accepts; they are filtered before any
// query is prepared.
func WithRuleSelector(f func(*finding.Rule) bool) Option {
	return func(c *config) { c.selector = f }
}

// WithSandbox restricts rules to builtins that cannot reach the network, the environment or
// the clock (see Capabilities). On by default.
func WithSandbox(on bool) Option { return func(c *config) { c.sandbox = on } }

// WithPrintOutput sends Rego print() output to w (debugging rules).
func WithPrintOutput(w io.Writer) Option { return func(c *config) { c.printTo = w } }

type preparedRule struct {
	rule     *finding.Rule
	query    rego.PreparedEvalQuery
	hasNotEv bool
}

// Engine evaluates snapshots.
type Engine struct {
	rules      []preparedRule
	catalogue  []*finding.Rule
	parameters map[string]any
}

// New loads, validates and compiles the rules of every source and prepares their queries.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	cfg := config{sandbox: true}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.sources) == 0 {
		return nil, fmt.Errorf("load rules: no rule source given")
	}
	modules := map[string]*ast.Module{}
	var order []string
	for _, src := range cfg.sources {
		mods, names, err := loadModules(src)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if _, dup := modules[n]; dup {
				return nil, fmt.Errorf("load rules %s: the file name is used by two rule sets", n)
			}
			modules[n] = mods[n]
			order = append(order, n)
		}
	}

	schema, err := inputSchema()
	if err != nil {
		return nil, err
	}
	caps := ast.CapabilitiesForThisVersion()
	if cfg.sandbox {
		caps = SandboxCapabilities()
	}
	compiler := ast.NewCompiler().
		WithStrict(true).
		WithCapabilities(caps).
		WithSchemas(schema).
		WithUseTypeCheckAnnotations(true).
		WithEnablePrintStatements(cfg.printTo != nil)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compile rules: %w", compiler.Errors)
	}

	defaults, err := defaultParameters(ctx, compiler)
	if err != nil {
		return nil, err
	}
	params := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(cfg.parameters)) {
		v := cfg.parameters[k]
		def, ok := defaults[k]
		if !ok {
			return nil, &ParameterError{Name: k, Problem: fmt.Sprintf("unknown parameter %q (known: %s)", k, strings.Join(slices.Sorted(maps.Keys(defaults)), ", "))}
		}
		if problem := checkParameterType(v, def); problem != "" {
			return nil, &ParameterError{Name: k, Problem: fmt.Sprintf("parameter %q %s", k, problem)}
		}
		params[k] = v
	}
	effective := map[string]any{}
	for k, v := range defaults {
		effective[k] = v
	}
	for k, v := range params {
		effective[k] = v
	}
	store, err := parameterStore(params)
	if err != nil {
		return nil, err
	}

	e := &Engine{parameters: effective}
	seen := map[string]string{}
	for _, name := range order {
		m := modules[name]
		ann := packageAnnotations(m)
		if isLibrary(ann) {
			continue
		}
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		rule, err := ruleFromAnnotations(name, pkg, ann, m.Package.Location)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[rule.ID]; dup {
			return nil, fmt.Errorf("%s: METADATA: custom.id %s is already used by %s", at(name, ann.Location), rule.ID, prev)
		}
		seen[rule.ID] = name
		defined := definedRules(m)
		for _, required := range []string{ruleDeny, ruleApplicable} {
			if !defined[required] {
				return nil, fmt.Errorf("%s: rule %s must define %q (a set of objects)", at(name, m.Package.Location), rule.ID, required)
			}
		}
		if sev, ok := cfg.severities[rule.ID]; ok {
			rule.Severity = sev
		}
		rule.Parameters = parametersRead(compiler.Modules[name])
		e.catalogue = append(e.catalogue, rule)
		if cfg.selector != nil && !cfg.selector(rule) {
			continue
		}
		ref := m.Package.Path.String()
		q := fmt.Sprintf("%s = %s.%s; %s = %s.%s", ruleDeny, ref, ruleDeny, ruleApplicable, ref, ruleApplicable)
		if defined[ruleNotEvaluated] {
			q += fmt.Sprintf("; %s = %s.%s", ruleNotEvaluated, ref, ruleNotEvaluated)
		}
		regoOpts := []func(*rego.Rego){
			rego.Query(q),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.Capabilities(caps),
			rego.StrictBuiltinErrors(true),
		}
		if cfg.printTo != nil {
			regoOpts = append(regoOpts, rego.EnablePrintStatements(true), rego.PrintHook(printHook{w: cfg.printTo}))
		}
		pq, err := rego.New(regoOpts...).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare rule %s: %w", rule.ID, err)
		}
		e.rules = append(e.rules, preparedRule{rule: rule, query: pq, hasNotEv: defined[ruleNotEvaluated]})
	}
	sort.Slice(e.catalogue, func(i, j int) bool { return e.catalogue[i].ID < e.catalogue[j].ID })
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].rule.ID < e.rules[j].rule.ID })
	return e, nil
}

// Rules returns every loaded rule (selected or not), sorted by id.
func (e *Engine) Rules() []*finding.Rule { return e.catalogue }

// SelectedRules returns the rules Evaluate runs, sorted by id.
func (e *Engine) SelectedRules() []*finding.Rule {
	out := make([]*finding.Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.rule
	}
	return out
}

// Parameters returns the effective rule parameters (defaults merged with overrides).
func (e *Engine) Parameters() map[string]any { return e.parameters }

func loadModules(src Source) (map[string]*ast.Module, []string, error) {
	mods := map[string]*ast.Module{}
	var names []string
	err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("load rules %s: %w", displayName(src, p), err)
		}
		if d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		b, err := fs.ReadFile(src.FS, p)
		if err != nil {
			return fmt.Errorf("load rules %s: %w", displayName(src, p), err)
		}
		name := displayName(src, p)
		m, err := parseModule(name, b)
		if err != nil {
			return fmt.Errorf("parse rules: %w", err)
		}
		mods[name] = m
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	return mods, names, nil
}

func displayName(src Source, p string) string {
	if src.Name == "" {
		return p
	}
	return path.Join(src.Name, p)
}

// definedRules lists the rule names a module defines.
func definedRules(m *ast.Module) map[string]bool {
	out := map[string]bool{}
	for _, r := range m.Rules {
		out[r.Head.Name.String()] = true
		if len(r.Head.Reference) > 0 {
			out[r.Head.Reference[0].Value.(ast.Var).String()] = true
		}
	}
	return out
}

// inputSchema is the snapshot JSON Schema as the compiler's input schema, so rules that
// reference a path the snapshot cannot have fail to compile.
func inputSchema() (*ast.SchemaSet, error) {
	raw, err := snapshot.SchemaJSON()
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("load snapshot schema: %w", err)
	}
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, doc)
	return ss, nil
}

func parameterStore(params map[string]any) (storage.Store, error) {
	// Round-trip through JSON so numbers and nested values have the types OPA expects.
	b, err := json.Marshal(map[string]any{"scanner": map[string]any{"parameters": params}})
	if err != nil {
		return nil, fmt.Errorf("rule parameters: %w", err)
	}
	return inmem.NewFromReader(bytes.NewReader(b)), nil
}

// defaultParameters evaluates rules.lib.params.defaults, the documented defaults.
func defaultParameters(ctx context.Context, c *ast.Compiler) (map[string]any, error) {
	rs, err := rego.New(rego.Query("data.rules.lib.params.defaults"), rego.Compiler(c), rego.Store(inmem.New())).Eval(ctx)
	if err != nil {
		return nil, fmt.Errorf("read rule parameter defaults: %w", err)
	}
	if len(rs) == 0 {
		return map[string]any{}, nil
	}
	m, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("read rule parameter defaults: rules.lib.params.defaults is %T, want an object", rs[0].Expressions[0].Value)
	}
	return m, nil
}
