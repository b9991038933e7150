package input

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// tfConfigSchema is the part of a Terraform configuration file the locator reads: the
// headers of resource and module blocks.
var tfConfigSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
}}

// tfConfigLocator finds where a plan's resources are declared in the Terraform configuration
// beside the plan: the root module is the plan file's directory, and a module called with a
// local source ("./modules/db", "../shared") is that directory joined with the source. A
// resource of a module from elsewhere (registry, git) is located at its `module` block, the
// closest line the plan's author owns. Without the .tf files, locate finds nothing and the
// plan's own position stands.
type tfConfigLocator struct {
	root   string // the plan's directory
	config *tfjson.ConfigModule
	opts   Options
	dirs   map[string]*tfDirIndex
}

// tfDirIndex holds the declarations of one module directory.
type tfDirIndex struct {
	resources map[string]snapshot.Location // "aws_rds_cluster.main"
	modules   map[string]snapshot.Location // module call name
}

func newConfigLocator(planFile string, cfg *tfjson.Config, opts Options) *tfConfigLocator {
	l := &tfConfigLocator{root: filepath.Dir(planFile), opts: opts, dirs: map[string]*tfDirIndex{}}
	if cfg != nil {
		l.config = cfg.RootModule
	}
	return l
}

// locate returns where the resource at configAddr (module path and type.name, without
// instance keys, e.g. "module.db.aws_rds_cluster.main") is declared, or nil.
func (l *tfConfigLocator) locate(configAddr string) *snapshot.Location {
	parts := strings.Split(configAddr, ".")
	dir, mod := l.root, l.config
	for len(parts) > 2 && parts[0] == "module" {
		name := parts[1]
		parts = parts[2:]
		var call *tfjson.ModuleCall
		if mod != nil {
			call = mod.ModuleCalls[name]
		}
		if call == nil || !isLocalModuleSource(call.Source) {
			return tfLocationOf(l.index(dir).modules, name)
		}
		dir, mod = filepath.Join(dir, filepath.FromSlash(call.Source)), call.Module
	}
	if len(parts) != 2 {
		return nil
	}
	return tfLocationOf(l.index(dir).resources, parts[0]+"."+parts[1])
}

func tfLocationOf(m map[string]snapshot.Location, key string) *snapshot.Location {
	loc, ok := m[key]
	if !ok {
		return nil
	}
	return &loc // a copy per resource
}

// isLocalModuleSource reports whether a module source is a local path, which Terraform
// recognises by its "./" or "../" prefix.
func isLocalModuleSource(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") ||
		strings.HasPrefix(src, `.\`) || strings.HasPrefix(src, `..\`)
}

// index parses the *.tf and *.tf.json files of dir once. Override files (override.tf,
// *_override.tf) are read last, so a block's primary declaration wins.
func (l *tfConfigLocator) index(dir string) *tfDirIndex {
	if ix, ok := l.dirs[dir]; ok {
		return ix
	}
	ix := &tfDirIndex{resources: map[string]snapshot.Location{}, modules: map[string]snapshot.Location{}}
	l.dirs[dir] = ix
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ix // no configuration here: the plan's positions stand
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")) {
			names = append(names, n)
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if oa, ob := isOverrideFile(a), isOverrideFile(b); oa != ob {
			if oa {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	parser := hclparse.NewParser()
	for _, n := range names {
		path := filepath.Join(dir, n)
		src, err := os.ReadFile(path)
		if err != nil {
			l.opts.notice("%s: not read for resource locations: %v", path, unwrapPathError(err))
			continue
		}
		if err := ix.add(parser, path, src); err != nil {
			l.opts.notice("%s: not read for resource locations: %s", path, err)
		}
	}
	return ix
}

// add records the resource and module blocks of one configuration file (*.tf or *.tf.json,
// by path's suffix); the error is the first line of the parser's diagnostics.
func (ix *tfDirIndex) add(parser *hclparse.Parser, path string, src []byte) error {
	if depth := bracketDepth(src); depth > maxTFNesting {
		// The HCL parsers recurse once per level: a deep enough file overflows the stack,
		// which no recover catches.
		return fmt.Errorf("brackets nested %d deep (at most %d are read)", depth, maxTFNesting)
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".tf.json") {
		f, diags = parser.ParseJSON(src, path)
	} else {
		blanked, err := blankLongTemplates(path, src)
		if err != nil {
			return err
		}
		f, diags = parser.ParseHCL(blanked, path)
	}
	if diags.HasErrors() || f == nil {
		return errors.New(tfFirstLine(diags.Error()))
	}
	content, _, _ := f.Body.PartialContent(tfConfigSchema)
	for _, b := range content.Blocks {
		loc := snapshot.Location{File: path, Line: b.DefRange.Start.Line, Column: b.DefRange.Start.Column}
		var m map[string]snapshot.Location
		var key string
		switch b.Type {
		case "resource":
			m, key = ix.resources, b.Labels[0]+"."+b.Labels[1]
		case "module":
			m, key = ix.modules, b.Labels[0]
		default:
			continue
		}
		if _, seen := m[key]; !seen {
			m[key] = loc
		}
	}
	return nil
}

// maxTemplateTokens is the most tokens a string or heredoc may hold before
// blankLongTemplates replaces it.
const maxTemplateTokens = 16

// blankLongTemplates replaces each string and heredoc of more than maxTemplateTokens tokens
// by an empty string with the same lines, so that block positions stay where they are. The
// locator reads only block headers, and hclsyntax joins a template's consecutive literal
// tokens (heredoc lines, "$$" escapes) pairwise, in time quadratic in their number: a 1 MB
// heredoc took minutes. Short strings, such as block labels, are kept. An unterminated
// string or heredoc is an error here: the parser would take as long over it.
func blankLongTemplates(path string, src []byte) ([]byte, error) {
	tokens, _ := hclsyntax.LexConfig(src, path, hcl.InitialPos)
	var out []byte
	done := 0 // bytes of src already copied to out
	for i := 0; i < len(tokens); i++ {
		if t := tokens[i].Type; t != hclsyntax.TokenOQuote && t != hclsyntax.TokenOHeredoc {
			continue
		}
		depth, end := 0, -1
		for j := i; j < len(tokens) && end < 0; j++ {
			switch tokens[j].Type {
			case hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
				depth++
			case hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
				if depth--; depth == 0 {
					end = j
				}
			}
		}
		if end < 0 {
			start := tokens[i].Range.Start
			return nil, fmt.Errorf("%s:%d,%d: unterminated string or heredoc", tokens[i].Range.Filename, start.Line, start.Column)
		}
		if end-i-1 > maxTemplateTokens {
			from, to := tokens[i].Range.Start.Byte, tokens[end].Range.End.Byte
			lines := bytes.Count(src[from:to], []byte("\n"))
			out = append(out, src[done:from]...)
			if lines == 0 {
				out = append(out, `""`...)
				out = append(out, bytes.Repeat([]byte(" "), to-from-2)...)
			} else { // newlines inside parentheses are not line ends
				out = append(out, '(')
				out = append(out, bytes.Repeat([]byte("\n"), lines)...)
				out = append(out, `"")`...)
			}
			done = to
		}
		i = end
	}
	if out == nil {
		return src, nil
	}
	return append(out, src[done:]...), nil
}

// maxTFNesting bounds the bracket nesting of a configuration file read for locations; real
// configurations nest a few levels.
const maxTFNesting = 1000

// bracketDepth is the deepest nesting of (, [ and { in src, counting brackets inside strings
// and comments too (an over-estimate only for unbalanced brackets there).
func bracketDepth(src []byte) int {
	depth, deepest := 0, 0
	for _, c := range src {
		switch c {
		case '(', '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return deepest
}

func isOverrideFile(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

func tfFirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
