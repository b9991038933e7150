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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	// ExportDirOfFile makes each AWS CLI export file bring in the rest of its export
	// directory (docs/inputs.md, "Pre-commit"): the pre-commit hook passes only the changed
	// files, and one export file judged alone lacks what its siblings hold. CLI:
	// --export-dir-of-file.
	ExportDirOfFile bool
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
//
// A resource present in several inputs is judged once: a later PATH overrides an earlier
// one for that resource, with a notice naming both files (see mergeParts). All AWS CLI
// export files are joined into one input, which takes the place of the first of them.
func Load(ctx context.Context, paths []string, opts Options) (*snapshot.Snapshot, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var parts []part
	cliAt := -1 // index in parts of the joined AWS CLI export
	cli := newCLIImport(opts)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.path, unwrapPathError(err))
		}
		queued := len(cli.files)
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
			if err := checkUnique(f.path, s); err != nil {
				return nil, err
			}
			parts = append(parts, part{s: s, file: f.path})
		} else if queued == 0 && len(cli.files) > 0 {
			cliAt = len(parts)
			parts = append(parts, part{file: f.path, fromLocation: true})
		}
	}
	if cliAt >= 0 {
		s, err := cli.run()
		if err != nil {
			return nil, err
		}
		if err := checkUnique(parts[cliAt].file, s); err != nil {
			return nil, err
		}
		parts[cliAt].s = s
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
	out, err := mergeParts(parts, opts)
	if err != nil {
		return nil, err
	}
	snapshot.LinkAlarms(out)
	return out, nil
}

// checkUnique refuses an imported input that holds a resource twice (e.g. two
// aws_rds_cluster with one cluster_identifier): the rules look resources up by identity.
// Snapshot files are checked when decoded, with JSON paths.
func checkUnique(file string, s *snapshot.Snapshot) error {
	err := snapshot.CheckUnique(s)
	var dup *snapshot.DuplicateError
	if !errors.As(err, &dup) {
		return err
	}
	problem := dup.Problem
	if problem == snapshot.ListedTwice {
		problem = "is declared twice"
	}
	first, second := placeOf(file, dup.Locations[0], dup.Paths[0]), placeOf(file, dup.Locations[1], dup.Paths[1])
	if first == second {
		return fmt.Errorf("%s: %s %s (%s)", file, dup.What, problem, first)
	}
	return fmt.Errorf("%s: %s %s: %s and %s", file, dup.What, problem, first, second)
}

// placeOf renders where a resource is declared: "line L, column C" in file itself,
// "FILE:L:C" in another file, else its JSON path in the snapshot.
func placeOf(file string, loc *snapshot.Location, path string) string {
	switch {
	case loc == nil || loc.File == "":
		return path
	case loc.File == file && loc.Line > 0:
		return fmt.Sprintf("line %d, column %d", loc.Line, loc.Column)
	case loc.File == file:
		return path
	}
	return snapshot.DescribeLocation(loc)
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
	return importOne(name, data, opts, nil)
}

// importOne is ImportFile with a snapshot decoder built by the caller (nil: compiled on
// first use), so a caller importing many files compiles the schema once.
func importOne(name string, data []byte, opts Options, dec *snapshot.Decoder) (*snapshot.Snapshot, error) {
	cli := newCLIImport(opts)
	cli.decoder = dec
	s, err := importFile(name, data, opts, cli)
	if err != nil {
		return nil, err
	}
	if len(cli.files) > 0 {
		if s, err = cli.run(); err != nil {
			return nil, err
		}
	}
	if err := checkUnique(name, s); err != nil {
		return nil, err
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
		err = fmt.Errorf("%s: %w", name, truncationOr(data, err))
		if !namesAnInput(data) {
			// JSON with comments (tsconfig.json), a JSON template of another tool: not
			// ours to judge, so inside a directory it is skipped rather than failing.
			return nil, &skipError{err, "malformed JSON that names no input marker"}
		}
		return nil, err
	}
	if err := snapshot.DuplicateMember(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
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
	for i, k := range keys {
		keys[i] = oneLine(k)
	}
	return "keys: " + strings.Join(keys, ", ")
}

// oneLine is s for an error message: quoted when it holds a line break or another control
// character, so that the error stays one line.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

func importYAML(name string, data []byte, opts Options) (*snapshot.Snapshot, error) {
	if at := binaryAt(data); at >= 0 {
		return nil, &skipError{fmt.Errorf("%s: not JSON or YAML (binary data at byte %d)", name, at), "not JSON or YAML (binary data)"}
	}
	root, err := parseYAML(data)
	if err != nil {
		err = fmt.Errorf("%s: %w", name, err)
		switch {
		case !isYAMLName(name):
			return nil, &skipError{err, "neither JSON nor YAML"}
		case !namesAnInput(data):
			// A Helm or Jinja template is YAML only after rendering: not ours to judge.
			return nil, &skipError{err, "malformed YAML that names no input marker"}
		}
		return nil, err
	}
	if !isTemplate(root) {
		what := "a YAML mapping without them"
		switch root.Kind {
		case yaml.MappingNode:
			var keys []string
			for i := 0; i < len(root.Content) && len(keys) < 8; i += 2 {
				keys = append(keys, root.Content[i].Value)
			}
			if len(keys) > 0 {
				what = "top-level keys: " + strings.Join(keys, ", ")
			}
		case yaml.SequenceNode:
			what = "a YAML list"
		case yaml.ScalarNode:
			what = "plain text"
		}
		return nil, &skipError{fmt.Errorf("%s: line %d, column %d: unknown input shape: not a CloudFormation template (no AWSTemplateFormatVersion, no Resources with AWS:: types; %s)",
			name, root.Line, root.Column, what), "unknown input shape"}
	}
	return importTemplate(name, root, opts)
}

// inputMarkers are words that only the scanner's inputs hold: CloudFormation
// (AWSTemplateFormatVersion, AWS:: types), snapshots, Terraform plans and the AWS CLI exports'
// top-level keys. A file that fails to parse and holds none of them is not one of our inputs
// (a Helm template, a JSON file with comments), so a directory scan skips it; one that holds
// one is a broken input and fails the scan, since skipping it could hide a failing resource.
var inputMarkers = func() [][]byte {
	words := []string{"AWSTemplateFormatVersion", "AWS::", "schema_version", "format_version", "resource_changes", "planned_values"}
	for _, k := range cliKeys {
		words = append(words, `"`+k.key+`"`)
	}
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}()

func namesAnInput(data []byte) bool {
	for _, m := range inputMarkers {
		if bytes.Contains(data, m) {
			return true
		}
	}
	return false
}

// binaryAt returns the offset of the first byte that cannot be text when data holds a NUL
// or another control character that neither JSON nor YAML allows (anything below 0x20 but
// tab, newline and carriage return; DEL), else -1. The first such byte or invalid UTF-8
// sequence is reported, e.g. byte 0 of a PNG (0x89) or of an ELF binary (0x7f).
func binaryAt(data []byte) int {
	control := -1
	for i, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			control = i
			break
		}
	}
	if control < 0 {
		return -1
	}
	for i := 0; i < control; {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return control
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

// Files lists the files Load reads for paths (directories walked as Load walks them), so a
// caller can refuse to write a report over one of them.
func Files(paths []string) ([]string, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.path
	}
	return out, nil
}

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

// part is one input's snapshot and the file it came from.
type part struct {
	s    *snapshot.Snapshot
	file string
	// fromLocation: the resources name their own file in derived.location (the joined AWS
	// CLI export, whose file is the first export file).
	fromLocation bool
}

// origin is the file a resource of the part came from.
func (p part) origin(ref snapshot.ResourceRef) string {
	if p.fromLocation && ref.Location != nil && ref.Location.File != "" {
		return ref.Location.File
	}
	return p.file
}

// Merge combines snapshots in order: accounts and Regions with the same id are merged, a
// resource present in several (see snapshot.ResourceRef) is kept once, the later
// snapshot's copy winning, and identical collection gaps are kept once. A single snapshot
// is returned as is.
func Merge(parts ...*snapshot.Snapshot) (*snapshot.Snapshot, error) {
	ps := make([]part, len(parts))
	for i, p := range parts {
		ps[i] = part{s: p, file: fmt.Sprintf("input %d", i+1)}
	}
	return mergeParts(ps, Options{})
}

// mergeParts merges the inputs in command-line order. A resource of a later part
// replaces a different copy of an earlier one, with a notice naming both files; copies
// equal but for derived.location collapse silently. The merged snapshot is checked with
// snapshot.CheckUnique (a TrailARN naming home-region trails in two Regions is an error
// naming both files).
func mergeParts(parts []part, opts Options) (*snapshot.Snapshot, error) {
	if len(parts) == 1 {
		return parts[0].s, nil
	}
	out := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{}}
	accountIdx := map[string]int{}
	origins := map[string]string{} // account, Region, kind, id → file of the kept copy
	seenFiles := map[string]bool{}
	for _, p := range parts {
		if out.GeneratedAt == "" || p.s.GeneratedAt > out.GeneratedAt {
			out.GeneratedAt = p.s.GeneratedAt
		}
		if p.s.Source != nil {
			if out.Source == nil {
				out.Source = &snapshot.Source{Kind: p.s.Source.Kind}
			}
			for _, f := range p.s.Source.Files {
				if !seenFiles[f] {
					seenFiles[f] = true
					out.Source.Files = append(out.Source.Files, f)
				}
			}
		}
		out.CollectionGaps = snapshot.MergeGaps(out.CollectionGaps, p.s.CollectionGaps)
		for _, a := range p.s.Accounts {
			i, ok := accountIdx[a.AccountID]
			if !ok {
				i = len(out.Accounts)
				accountIdx[a.AccountID] = i
				out.Accounts = append(out.Accounts, snapshot.Account{AccountID: a.AccountID, Regions: []snapshot.Region{}})
			}
			acc := &out.Accounts[i]
			for _, r := range a.Regions {
				mergeRegionOf(acc, r, p, origins, opts)
			}
		}
	}
	if err := snapshot.CheckUnique(out); err != nil {
		var dup *snapshot.DuplicateError
		if !errors.As(err, &dup) {
			return nil, err
		}
		return nil, fmt.Errorf("%s %s: %s and %s", dup.What, dup.Problem, mergedPlace(out, dup.Paths[0], dup.Locations[0], origins), mergedPlace(out, dup.Paths[1], dup.Locations[1], origins))
	}
	return out, nil
}

// mergeRegionOf merges one Region of part p into the account, noting overrides.
func mergeRegionOf(acc *snapshot.Account, r snapshot.Region, p part, origins map[string]string, opts Options) {
	key := func(ref snapshot.ResourceRef) string {
		return strings.Join([]string{acc.AccountID, r.Region, ref.Kind, ref.ID}, "\x00")
	}
	at := -1
	for i := range acc.Regions {
		if acc.Regions[i].Region == r.Region {
			at = i
			break
		}
	}
	if at < 0 {
		acc.Regions = append(acc.Regions, snapshot.Region{Region: r.Region})
		at = len(acc.Regions) - 1
	}
	replaced := map[string]bool{}
	for _, ref := range snapshot.MergeRegion(&acc.Regions[at], r) {
		replaced[key(ref)] = true
	}
	for _, ref := range snapshot.Resources(r) {
		k := key(ref)
		prev, ok := origins[k]
		switch {
		case !ok:
			origins[k] = p.origin(ref)
		case replaced[k]:
			now := p.origin(ref)
			opts.notice("%s %s in %s/%s: %s overrides %s", ref.Kind, ref.ID, acc.AccountID, r.Region, now, prev)
			origins[k] = now
		}
	}
}

// mergedPlace names the file a resource of the merged snapshot came from, with its Region.
func mergedPlace(s *snapshot.Snapshot, path string, loc *snapshot.Location, origins map[string]string) string {
	var ai, ri, ti int
	if _, err := fmt.Sscanf(path, "$.accounts[%d].regions[%d].cloudtrail.trails[%d]", &ai, &ri, &ti); err != nil {
		return path
	}
	a := s.Accounts[ai]
	r := a.Regions[ri]
	t := r.CloudTrail.Trails[ti]
	file := origins[strings.Join([]string{a.AccountID, r.Region, snapshot.KindTrail, snapshot.TrailID(t)}, "\x00")]
	if loc != nil && loc.File != "" && loc.Line > 0 && loc.File == file {
		file = snapshot.DescribeLocation(loc)
	}
	return fmt.Sprintf("%s (%s)", r.Region, file)
}
