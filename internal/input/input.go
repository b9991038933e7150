// Package input turns the files a user points the scanner at into one snapshot. Every kind
// of input (snapshot JSON, AWS CLI exports, Terraform plans, CloudFormation templates)
// becomes the same snapshot, so the same rules judge all of them.
package input

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// Options carry what the files may not say themselves.
type Options struct {
	// Region and Account are used when neither the data nor the directory names say
	// (docs/inputs.md). For infrastructure code without them the importers fall back to
	// DefaultRegion / DefaultAccount and say so through Notice.
	Region  string
	Account string
	// Notice, when set, receives one-line remarks that are not errors: defaults applied,
	// files of unknown shape skipped inside a directory. The CLI prints them to stderr.
	Notice func(msg string)
	// SkipUnknown skips files of unknown shape (and files that are neither JSON nor YAML)
	// with a notice even when they were named explicitly, as inside directories. The
	// pre-commit hook needs it: it passes every changed *.json / *.yaml file.
	SkipUnknown bool
}

func (o Options) notice(format string, args ...any) {
	if o.Notice != nil {
		o.Notice(fmt.Sprintf(format, args...))
	}
}

// Input kinds, as recorded in snapshot.Source.Kind.
const (
	KindSnapshot       = "snapshot"
	KindAWSCLI         = "aws-cli"
	KindTerraformPlan  = "terraform-plan"
	KindCloudFormation = "cloudformation"
)

// inputFile is one file to import; explicit files were named on the command line, the
// others were found by walking a directory.
type inputFile struct {
	path     string
	explicit bool
}

// Load reads files and directories (recursively) and merges them into one snapshot. The
// kind of each file is detected from its content. Errors name the file and the place in
// it, on one line.
func Load(ctx context.Context, paths []string, opts Options) (*snapshot.Snapshot, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var parts []*snapshot.Snapshot
	cli := newCLIImport(opts)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.path, unwrapPathError(err))
		}
		s, err := importFile(f.path, data, opts, cli)
		if err != nil {
			var skip *skipError
			if (!f.explicit || opts.SkipUnknown) && errors.As(err, &skip) && !strictName(f.path) {
				opts.notice("%s: skipped: %s", f.path, skip.reason)
				continue
			}
			return nil, err
		}
		if s != nil {
			parts = append(parts, s)
		}
	}
	if len(cli.files) > 0 {
		s, err := cli.run()
		if err != nil {
			return nil, err
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 && opts.SkipUnknown {
		// Nothing to judge (e.g. a pre-commit run on unrelated files): an empty snapshot,
		// so the scan reports no findings instead of failing.
		opts.notice("no input files of a known kind in %s; nothing to scan", strings.Join(paths, ", "))
		return &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{}}, nil
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("read %s: no input files of a known kind", strings.Join(paths, ", "))
	}
	out := Merge(parts...)
	snapshot.LinkAlarms(out)
	return out, nil
}

// skipError marks a file that is not an input at all (unknown shape, not JSON/YAML); inside
// a directory such files are skipped with a notice instead of failing the scan.
type skipError struct {
	err    error
	reason string
}

func (e *skipError) Error() string { return e.err.Error() }
func (e *skipError) Unwrap() error { return e.err }

// strictName: inside a directory, files whose name says they are an input (AWS CLI command
// names, *.template) fail the scan when broken instead of being skipped.
func strictName(path string) bool {
	base := filepath.Base(path)
	if strings.HasSuffix(base, ".template") {
		return true
	}
	cmd, _ := commandFromName(base)
	for _, k := range cliKeys {
		if k.cmd != "" && k.cmd == cmd {
			return true
		}
	}
	switch cmd {
	case cmdDescribeDBClusterParameters, cmdDescribeDBParameters, cmdEngineDefaultCluster, cmdEngineDefault,
		cmdGetTrailStatus, cmdGetEventSelectors, cmdGetCallerIdentity:
		return true
	}
	return false
}

// ImportFile imports one file's bytes on its own (AWS CLI exports are joined only within a
// Load). Tests and callers holding data in memory use it.
func ImportFile(name string, data []byte, opts Options) (*snapshot.Snapshot, error) {
	cli := newCLIImport(opts)
	s, err := importFile(name, data, opts, cli)
	if err != nil {
		return nil, err
	}
	if len(cli.files) > 0 {
		if s, err = cli.run(); err != nil {
			return nil, err
		}
	}
	snapshot.LinkAlarms(s)
	return s, nil
}

// importFile detects a file's kind and imports it; AWS CLI exports are queued on cli.
func importFile(name string, data []byte, opts Options, cli *cliImport) (*snapshot.Snapshot, error) {
	data, err := normalizeEncoding(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, &skipError{fmt.Errorf("%s: empty file", name), "empty file"}
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return importJSON(name, data, opts, cli)
	}
	return importYAML(name, data, opts)
}

func importJSON(name string, data []byte, opts Options, cli *cliImport) (*snapshot.Snapshot, error) {
	ix, err := indexJSON(data, 2)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, truncationOr(data, err))
	}
	switch {
	case ix.topLevel == '{' && ix.has("schema_version"):
		dec, err := cli.snapshotDecoder()
		if err != nil {
			return nil, err
		}
		return dec.Decode(name, data)
	case isPlan(ix):
		return importPlan(name, ix, opts)
	case ix.topLevel == '{' && (ix.has("AWSTemplateFormatVersion") || ix.has("Resources")):
		root, err := parseYAML(templateBytes(data, true))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !isTemplate(root) {
			return nil, fmt.Errorf("%s: %s: Resources holds entries without an AWS:: Type; not a CloudFormation template", name, ix.place("$.Resources"))
		}
		return importTemplate(name, root, opts)
	}
	cmd, err := detectCLI(name, ix)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cmd != "" {
		cli.add(name, cmd, ix)
		return nil, nil
	}
	if ix.has("format_version") {
		return nil, fmt.Errorf("%s: %s: unsupported Terraform JSON: format_version without planned_values or resource_changes (state files and `terraform show -json` without a plan are not read)", name, ix.place("$.format_version"))
	}
	return nil, &skipError{fmt.Errorf("%s: unknown input shape: not a scanner snapshot, AWS CLI export, Terraform plan or CloudFormation template (top-level %s)", name, describeTop(ix)), "unknown input shape"}
}

func describeTop(ix *jsonIndex) string {
	if ix.topLevel == '[' {
		return "array; an array is read only from a file named after its aws command, e.g. describe-db-clusters.json"
	}
	keys := append([]string(nil), ix.topKeys...)
	if len(keys) > 8 {
		keys = append(keys[:8], "…")
	}
	if len(keys) == 0 {
		return "object is empty"
	}
	return "keys: " + strings.Join(keys, ", ")
}

func importYAML(name string, data []byte, opts Options) (*snapshot.Snapshot, error) {
	root, err := parseYAML(data)
	if err != nil {
		err = fmt.Errorf("%s: %w", name, err)
		if !isYAMLName(name) {
			return nil, &skipError{err, "neither JSON nor YAML"}
		}
		return nil, err
	}
	if !isTemplate(root) {
		var keys []string
		if root.Kind == yaml.MappingNode {
			for i := 0; i < len(root.Content) && len(keys) < 8; i += 2 {
				keys = append(keys, root.Content[i].Value)
			}
		}
		return nil, &skipError{fmt.Errorf("%s: line %d, column %d: unknown input shape: not a CloudFormation template (no AWSTemplateFormatVersion, no Resources with AWS:: types; top-level keys: %s)",
			name, root.Line, root.Column, strings.Join(keys, ", ")), "unknown input shape"}
	}
	return importTemplate(name, root, opts)
}

func isYAMLName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".template":
		return true
	}
	return false
}

// truncationMarkerRe matches the elision markers of AWS documentation examples
// ("...some output truncated...", "...output omitted...", a bare "...").
var truncationMarkerRe = regexp.MustCompile(`(?m)^[ \t]*(\.\.\.[^\n]*?)[ \t]*\r?$`)

// truncationOr explains a JSON syntax error caused by an elision marker; other errors are
// returned as they are.
func truncationOr(data []byte, err error) error {
	if loc := truncationMarkerRe.FindSubmatchIndex(data); loc != nil {
		line, col := lineColumn(data, int64(loc[2]))
		return fmt.Errorf("line %d, column %d: truncated output: the line holds the elision marker %q (AWS documentation examples are abridged; export the complete output with the aws CLI)",
			line, col, string(data[loc[2]:loc[3]]))
	}
	return err
}

// describeJSON turns encoding/json errors into "line L, column C: …" messages.
func describeJSON(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("%s: malformed JSON: %s", snapshot.LineCol(data, syn.Offset), syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		path := "$"
		if typ.Field != "" {
			path += "." + typ.Field
		}
		return fmt.Errorf("%s (%s): expected %s, got JSON %s", path, snapshot.LineCol(data, typ.Offset), typ.Type, typ.Value)
	}
	return err
}

// inputExts are the extensions read when walking a directory.
var inputExts = map[string]bool{".json": true, ".yaml": true, ".yml": true, ".template": true}

// expand lists the files named by paths; directories are walked for *.json, *.yaml, *.yml
// and *.template files (hidden directories are skipped).
func expand(paths []string) ([]inputFile, error) {
	var files []inputFile
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
		}
		if !st.IsDir() {
			files = append(files, inputFile{path: p, explicit: true})
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", path, unwrapPathError(err))
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if inputExts[strings.ToLower(filepath.Ext(path))] {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("read %s: no input files in directory (*.json, *.yaml, *.yml, *.template)", p)
		}
		sort.Strings(found)
		for _, f := range found {
			files = append(files, inputFile{path: f})
		}
	}
	return files, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err
	}
	return err
}

func asPathError(err error, target **fs.PathError) bool {
	pe, ok := err.(*fs.PathError)
	if ok {
		*target = pe
	}
	return ok
}

// Merge combines snapshots: accounts and regions with the same id are merged, their
// resources appended, gaps concatenated. A single snapshot is returned as is.
func Merge(parts ...*snapshot.Snapshot) *snapshot.Snapshot {
	if len(parts) == 1 {
		return parts[0]
	}
	out := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{}}
	accountIdx := map[string]int{}
	for _, p := range parts {
		if out.GeneratedAt == "" || p.GeneratedAt > out.GeneratedAt {
			out.GeneratedAt = p.GeneratedAt
		}
		if p.Source != nil {
			if out.Source == nil {
				out.Source = &snapshot.Source{Kind: p.Source.Kind}
			}
			out.Source.Files = append(out.Source.Files, p.Source.Files...)
		}
		out.CollectionGaps = append(out.CollectionGaps, p.CollectionGaps...)
		for _, a := range p.Accounts {
			i, ok := accountIdx[a.AccountID]
			if !ok {
				accountIdx[a.AccountID] = len(out.Accounts)
				out.Accounts = append(out.Accounts, snapshot.Account{AccountID: a.AccountID})
				i = len(out.Accounts) - 1
			}
			out.Accounts[i].Regions = mergeRegions(out.Accounts[i].Regions, a.Regions)
		}
	}
	return out
}

func mergeRegions(dst, src []snapshot.Region) []snapshot.Region {
	for _, r := range src {
		found := false
		for i := range dst {
			if dst[i].Region == r.Region {
				snapshot.MergeRegion(&dst[i], r)
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, r)
		}
	}
	return dst
}
