package input

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
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
		var f *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(n, ".tf.json") {
			f, diags = parser.ParseJSONFile(path)
		} else {
			f, diags = parser.ParseHCLFile(path)
		}
		if diags.HasErrors() || f == nil {
			l.opts.notice("%s: not read for resource locations: %s", path, tfFirstLine(diags.Error()))
			continue
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
	}
	return ix
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
