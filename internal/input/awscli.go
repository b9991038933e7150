package input

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// CLI export commands, named like the aws CLI command that produced them.
const (
	cmdDescribeDBClusters          = "describe-db-clusters"
	cmdDescribeDBInstances         = "describe-db-instances"
	cmdDescribeDBClusterPGs        = "describe-db-cluster-parameter-groups"
	cmdDescribeDBPGs               = "describe-db-parameter-groups"
	cmdDescribeDBClusterParameters = "describe-db-cluster-parameters"
	cmdDescribeDBParameters        = "describe-db-parameters"
	cmdEngineDefaultCluster        = "describe-engine-default-cluster-parameters"
	cmdEngineDefault               = "describe-engine-default-parameters"
	cmdDescribeOptionGroups        = "describe-option-groups"
	cmdDescribeLogGroups           = "describe-log-groups"
	cmdDescribeMetricFilters       = "describe-metric-filters"
	cmdDescribeSubscriptionFilters = "describe-subscription-filters"
	cmdDescribeAlarms              = "describe-alarms"
	cmdDescribeTrails              = "describe-trails"
	cmdGetTrailStatus              = "get-trail-status"
	cmdGetEventSelectors           = "get-event-selectors"
	cmdGetCallerIdentity           = "get-caller-identity"
	// cmdExportErrors is scripts/export-aws-cli.sh's record of the aws calls that failed.
	cmdExportErrors = "export-errors"
)

// cliCommand is what an export command stands for: the aws CLI service, the API operation
// (as collection gaps name it) and, for a command run once per subject, the option that
// names the subject.
type cliCommand struct{ service, op, subjectFlag string }

var cliCommands = map[string]cliCommand{
	cmdDescribeDBClusters:          {"rds", "DescribeDBClusters", ""},
	cmdDescribeDBInstances:         {"rds", "DescribeDBInstances", ""},
	cmdDescribeDBClusterPGs:        {"rds", "DescribeDBClusterParameterGroups", ""},
	cmdDescribeDBPGs:               {"rds", "DescribeDBParameterGroups", ""},
	cmdDescribeDBClusterParameters: {"rds", "DescribeDBClusterParameters", "--db-cluster-parameter-group-name"},
	cmdDescribeDBParameters:        {"rds", "DescribeDBParameters", "--db-parameter-group-name"},
	cmdEngineDefaultCluster:        {"rds", "DescribeEngineDefaultClusterParameters", "--db-parameter-group-family"},
	cmdEngineDefault:               {"rds", "DescribeEngineDefaultParameters", "--db-parameter-group-family"},
	cmdDescribeOptionGroups:        {"rds", "DescribeOptionGroups", "--option-group-name"},
	cmdDescribeLogGroups:           {"logs", "DescribeLogGroups", ""},
	cmdDescribeMetricFilters:       {"logs", "DescribeMetricFilters", ""},
	cmdDescribeSubscriptionFilters: {"logs", "DescribeSubscriptionFilters", "--log-group-name"},
	cmdDescribeAlarms:              {"cloudwatch", "DescribeAlarms", ""},
	cmdDescribeTrails:              {"cloudtrail", "DescribeTrails", ""},
	cmdGetTrailStatus:              {"cloudtrail", "GetTrailStatus", "--name"},
	cmdGetEventSelectors:           {"cloudtrail", "GetEventSelectors", "--trail-name"},
	cmdGetCallerIdentity:           {"sts", "GetCallerIdentity", ""},
}

// cliKeys maps the top-level key that identifies an export to its command.
var cliKeys = []struct{ key, cmd string }{
	{"DBClusters", cmdDescribeDBClusters},
	{"DBInstances", cmdDescribeDBInstances},
	{"DBClusterParameterGroups", cmdDescribeDBClusterPGs},
	{"DBParameterGroups", cmdDescribeDBPGs},
	{"OptionGroupsList", cmdDescribeOptionGroups},
	{"logGroups", cmdDescribeLogGroups},
	{"metricFilters", cmdDescribeMetricFilters},
	{"subscriptionFilters", cmdDescribeSubscriptionFilters},
	{"MetricAlarms", cmdDescribeAlarms},
	{"trailList", cmdDescribeTrails},
	{"ExportErrors", cmdExportErrors},
	{"EngineDefaults", ""}, // cluster or instance defaults: from the file name
}

// commandFromName returns the CLI command a file name starts with and the subject after it:
// "describe-db-cluster-parameters.audit-pg.json" → ("describe-db-cluster-parameters", "audit-pg").
func commandFromName(path string) (cmd, subject string) {
	base := filepath.Base(path)
	for _, ext := range []string{".json", ".JSON"} {
		base = strings.TrimSuffix(base, ext)
	}
	cmd, subject, _ = strings.Cut(base, ".")
	return cmd, subject
}

// detectCLI returns the command of an AWS CLI export, or "" when the document is not one.
func detectCLI(path string, ix *jsonIndex) (string, error) {
	nameCmd, _ := commandFromName(path)
	if ix.topLevel == '[' {
		switch nameCmd {
		case cmdDescribeDBClusters, cmdDescribeDBInstances, cmdDescribeLogGroups, cmdDescribeTrails,
			cmdDescribeMetricFilters, cmdDescribeSubscriptionFilters, cmdDescribeAlarms:
			return nameCmd, nil
		}
		return "", nil
	}
	if ix.topLevel != '{' {
		return "", nil
	}
	for _, k := range cliKeys {
		if !ix.has(k.key) {
			continue
		}
		if k.key == "EngineDefaults" {
			switch nameCmd {
			case cmdEngineDefaultCluster, cmdEngineDefault:
				return nameCmd, nil
			}
			return "", fmt.Errorf("%s: EngineDefaults output: name the file %s.<family>.json or %s.<family>.json so the scanner knows which kind of defaults it holds",
				ix.place("$.EngineDefaults"), cmdEngineDefaultCluster, cmdEngineDefault)
		}
		return k.cmd, nil
	}
	switch {
	case ix.has("TrailARN") && (ix.has("EventSelectors") || ix.has("AdvancedEventSelectors")):
		return cmdGetEventSelectors, nil
	case ix.has("Account") && ix.has("Arn"):
		return cmdGetCallerIdentity, nil
	case ix.has("Parameters"):
		switch nameCmd {
		case cmdDescribeDBClusterParameters, cmdDescribeDBParameters:
			return nameCmd, nil
		}
		return "", fmt.Errorf("%s: a Parameters output must be named %s.<group>.json or %s.<group>.json (the output does not name its parameter group)",
			ix.place("$.Parameters"), cmdDescribeDBClusterParameters, cmdDescribeDBParameters)
	case ix.has("IsLogging"):
		return cmdGetTrailStatus, nil
	}
	return "", nil
}

// cliFile is one export file with its inferred account and region.
type cliFile struct {
	path, cmd, subject string
	ix                 *jsonIndex
	dir                string
	region, account    string
	arnRegion          string
	arnAccount         string
}

// cliImport turns a set of AWS CLI export files into one snapshot. Files are joined across
// each other: parameters onto their group, status and selectors onto their trail, filters
// onto their log group.
type cliImport struct {
	opts  Options
	b     *builder
	files []*cliFile
	seen  map[string]map[string]bool // account/region → operations exported
	// params holds, per account/region, the parameter groups whose parameters were
	// exported: "cluster:<name>" and "instance:<name>".
	params map[string]map[string]bool
	// failed are the collection gaps of the aws calls export-errors.json records as failed.
	failed []snapshot.Gap
	// decoder reads the scanner's own snapshot files met during the same Load; compiled on
	// first use, once per Load.
	decoder *snapshot.Decoder
}

func (c *cliImport) snapshotDecoder() (*snapshot.Decoder, error) {
	if c.decoder == nil {
		d, err := snapshot.NewDecoder()
		if err != nil {
			return nil, err
		}
		c.decoder = d
	}
	return c.decoder, nil
}

func newCLIImport(opts Options) *cliImport {
	return &cliImport{opts: opts, b: newBuilder("aws-cli"), seen: map[string]map[string]bool{}, params: map[string]map[string]bool{}}
}

func (c *cliImport) add(path, cmd string, ix *jsonIndex) {
	_, subject := commandFromName(path)
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	f := &cliFile{path: path, cmd: cmd, subject: subject, ix: ix, dir: filepath.Dir(abs)}
	f.arnRegion, f.arnAccount = dominantARN(ix.data)
	c.files = append(c.files, f)
	c.b.files = append(c.b.files, path)
}

// dominantARN returns the most frequent region and account among the ARNs in data.
func dominantARN(data []byte) (string, string) {
	regions, accounts := map[string]int{}, map[string]int{}
	for _, m := range arnRe.FindAllSubmatch(data, -1) {
		if len(m[1]) > 0 {
			regions[string(m[1])]++
		}
		if len(m[2]) > 0 {
			accounts[string(m[2])]++
		}
	}
	return top(regions), top(accounts)
}

func top(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}

// cloudTrailCmd: shadow trails carry their home region's ARN (and organization trails the
// management account's), so for these exports the directory names win over the ARNs.
func cloudTrailCmd(cmd string) bool {
	return cmd == cmdDescribeTrails || cmd == cmdGetEventSelectors || cmd == cmdGetTrailStatus
}

// resolveScope infers each file's account and region (docs/inputs.md, "Region and account").
func (c *cliImport) resolveScope() error {
	// Accounts named by get-caller-identity.json, per directory.
	identity := map[string]string{}
	for _, f := range c.files {
		if f.cmd != cmdGetCallerIdentity {
			continue
		}
		var id struct{ Account string }
		if err := json.Unmarshal(f.ix.data, &id); err != nil {
			return fmt.Errorf("%s: %w", f.path, describeJSON(f.ix.data, err))
		}
		if !accountRe.MatchString(id.Account) {
			return fmt.Errorf("%s: %s: Account %q is not a 12-digit account id", f.path, f.ix.place("$.Account"), id.Account)
		}
		identity[f.dir] = id.Account
	}
	dirRegion := func(dir string) string {
		for d := dir; ; d = filepath.Dir(d) {
			if isRegion(filepath.Base(d)) {
				return filepath.Base(d)
			}
			if filepath.Dir(d) == d {
				return ""
			}
		}
	}
	dirAccount := func(dir string) string {
		for d := dir; ; d = filepath.Dir(d) {
			if a, ok := identity[d]; ok {
				return a
			}
			if accountRe.MatchString(filepath.Base(d)) {
				return filepath.Base(d)
			}
			if filepath.Dir(d) == d {
				return ""
			}
		}
	}
	for _, f := range c.files {
		dr, da := dirRegion(f.dir), dirAccount(f.dir)
		if cloudTrailCmd(f.cmd) {
			f.region, f.account = first(dr, f.arnRegion), first(da, f.arnAccount)
		} else {
			f.region, f.account = first(f.arnRegion, dr), first(f.arnAccount, da)
		}
	}
	// Files whose data names neither (parameters, trail status) take what their directory's
	// other files agree on.
	consensus := func(dir string, get func(*cliFile) string) string {
		vals := map[string]bool{}
		for _, f := range c.files {
			if f.dir == dir && get(f) != "" {
				vals[get(f)] = true
			}
		}
		if len(vals) == 1 {
			for v := range vals {
				return v
			}
		}
		return ""
	}
	for _, f := range c.files {
		if f.region == "" {
			f.region = consensus(f.dir, func(g *cliFile) string { return g.region })
		}
		if f.account == "" {
			f.account = consensus(f.dir, func(g *cliFile) string { return g.account })
		}
	}
	for _, f := range c.files {
		if f.region == "" {
			f.region = first(c.opts.Region, DefaultRegion)
			if c.opts.Region == "" && f.cmd != cmdGetCallerIdentity {
				c.opts.notice("%s: region not named by ARNs, directory or --region; using %s", f.path, DefaultRegion)
			}
		}
		if f.account == "" {
			f.account = first(c.opts.Account, DefaultAccount)
			if c.opts.Account == "" && f.cmd != cmdGetCallerIdentity {
				c.opts.notice("%s: account not named by ARNs, get-caller-identity.json, directory or --account; using %s", f.path, DefaultAccount)
			}
		}
	}
	return nil
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (c *cliImport) mark(f *cliFile, op string) { setIn(c.seen, f.account+"/"+f.region, op) }

func setIn(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

// run imports all files. Order matters: resources first, then what attaches to them.
func (c *cliImport) run() (*snapshot.Snapshot, error) {
	if c.opts.ExportDirOfFile {
		if err := c.addExportDirs(); err != nil {
			return nil, err
		}
	}
	if err := c.resolveScope(); err != nil {
		return nil, err
	}
	phase := map[string]int{
		cmdGetCallerIdentity:           0,
		cmdExportErrors:                0,
		cmdDescribeDBClusters:          1,
		cmdDescribeDBInstances:         1,
		cmdDescribeDBClusterPGs:        1,
		cmdDescribeDBPGs:               1,
		cmdDescribeOptionGroups:        1,
		cmdDescribeLogGroups:           1,
		cmdDescribeAlarms:              1,
		cmdDescribeTrails:              1,
		cmdEngineDefaultCluster:        1,
		cmdEngineDefault:               1,
		cmdDescribeDBClusterParameters: 2,
		cmdDescribeDBParameters:        2,
		cmdDescribeMetricFilters:       2,
		cmdDescribeSubscriptionFilters: 2,
		cmdGetTrailStatus:              2,
		cmdGetEventSelectors:           2,
	}
	files := append([]*cliFile(nil), c.files...)
	sort.SliceStable(files, func(i, j int) bool { return phase[files[i].cmd] < phase[files[j].cmd] })
	for _, f := range files {
		if err := c.importFile(f); err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
	}
	c.addGaps()
	for _, r := range c.b.regions {
		dedupe(r)
	}
	return c.b.snapshot(), nil
}

// addExportDirs queues the other export files of each queued file's export directory
// (Options.ExportDirOfFile), so that one changed file is judged with the rest of its export,
// exactly as scanning the directory would judge it.
func (c *cliImport) addExportDirs() error {
	queued := map[string]bool{}
	var roots []string
	for _, f := range c.files {
		queued[absOr(f.path)] = true
		if root := exportRoot(filepath.Dir(f.path)); !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
	}
	added := false
	for _, root := range roots {
		paths, err := exportFiles(root)
		if err != nil {
			return err
		}
		n := 0
		for _, path := range paths {
			if queued[absOr(path)] {
				continue
			}
			queued[absOr(path)] = true
			ok, err := c.addSibling(path)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		if n > 0 {
			added = true
			c.opts.notice("%s: judged as one export with the %d other export file(s) of its directory", root, n)
		}
	}
	if added {
		// The order of a directory scan, so that duplicates resolve the same way.
		sort.SliceStable(c.files, func(i, j int) bool { return c.files[i].path < c.files[j].path })
		sort.Strings(c.b.files)
	}
	return nil
}

// addSibling queues path when it is an AWS CLI export. Other files (templates, notes) are
// not part of the export and are left alone; a broken file named like an export fails, as
// inside a scanned directory.
func (c *cliImport) addSibling(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	data, err = normalizeEncoding(data)
	if err != nil {
		if strictName(path) {
			return false, fmt.Errorf("%s: %w", path, err)
		}
		return false, nil
	}
	ix, err := indexJSON(data, 2)
	if err != nil {
		if strictName(path) {
			return false, fmt.Errorf("%s: %w", path, truncationOr(data, err))
		}
		return false, nil
	}
	cmd, err := detectCLI(path, ix)
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	if cmd == "" {
		return false, nil
	}
	c.add(path, cmd, ix)
	return true, nil
}

// exportRoot is the export directory a file in dir belongs to. In the layout of
// scripts/export-aws-cli.sh (OUT/get-caller-identity.json, OUT/[<account>/]<region>/…) it is
// the directory above the region and account directories, or the first of them that holds
// get-caller-identity.json; a file outside that layout belongs to its own directory.
func exportRoot(dir string) string {
	d := absOr(dir)
	up := 0
	for {
		base := filepath.Base(d)
		if !isRegion(base) && !accountRe.MatchString(base) {
			break
		}
		if _, err := os.Stat(filepath.Join(d, cmdGetCallerIdentity+".json")); err == nil {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d, up = parent, up+1
	}
	// Relative to dir as given, so that file names read as the user wrote them.
	root := dir
	for range up {
		root = filepath.Join(root, "..")
	}
	return filepath.Clean(root)
}

// exportFiles lists the *.json files of an export directory: those in root and, below it,
// in region and account directories only (the export layout), sorted.
func exportFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", path, unwrapPathError(err))
		}
		if d.IsDir() {
			if path != root && !isRegion(d.Name()) && !accountRe.MatchString(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(path), ".json") {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func absOr(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// list decodes the array at key (or the top-level array of a --query projection) into out
// and returns, per item, its location and the members present.
func list[T any](f *cliFile, key string, out *[]T) ([]*snapshot.Location, []map[string]bool, error) {
	path := "$"
	if f.ix.topLevel == '{' {
		path = "$." + key
	}
	var raw []json.RawMessage
	if err := f.ix.decodeAt(path, &raw); err != nil {
		return nil, nil, fmt.Errorf("%s: expected an array of %s items", f.ix.place(path), key)
	}
	locs := make([]*snapshot.Location, len(raw))
	present := make([]map[string]bool, len(raw))
	for i, r := range raw {
		p := pathIndex(path, i)
		var item T
		if err := json.Unmarshal(r, &item); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.ix.place(p), describeJSON(r, err))
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(r, &keys); err != nil {
			return nil, nil, fmt.Errorf("%s: expected an object", f.ix.place(p))
		}
		present[i] = map[string]bool{}
		for k := range keys {
			present[i][k] = true
		}
		*out = append(*out, item)
		locs[i] = locAt(f, p)
	}
	return locs, present, nil
}

// locAt returns the location of an item; items nested deeper than the index fall back to
// the nearest indexed parent.
func locAt(f *cliFile, path string) *snapshot.Location {
	for p := path; p != ""; {
		if _, ok := f.ix.offsets[p]; ok {
			return f.ix.location(f.path, p)
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return &snapshot.Location{File: f.path}
}

// projected lists the API members of T a --query projection left out: unknown, not absent.
func projected[T any](f *cliFile, present map[string]bool) []string {
	if f.ix.topLevel != '[' {
		return nil
	}
	var missing []string
	t := reflect.TypeFor[T]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "derived" || strings.Contains(name, "_") || present[name] {
			continue
		}
		missing = append(missing, name)
	}
	return missing
}

func (c *cliImport) importFile(f *cliFile) error {
	acct, reg := f.account, f.region
	switch f.cmd {
	case cmdGetCallerIdentity:
		return nil
	case cmdExportErrors:
		return c.importFailures(f)
	case cmdDescribeDBClusters:
		var items []snapshot.DBCluster
		locs, present, err := list(f, "DBClusters", &items)
		if err != nil {
			return err
		}
		r := c.b.rds(acct, reg)
		for i, it := range items {
			if skipEngine(it.Engine) {
				continue
			}
			if it.DBClusterArn == "" {
				it.DBClusterArn = clusterARN(reg, acct, it.DBClusterIdentifier)
			}
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			addUnknown(&it.Derived, projected[snapshot.DBCluster](f, present[i])...)
			r.DBClusters = append(r.DBClusters, it)
		}
		c.mark(f, "DescribeDBClusters")
	case cmdDescribeDBInstances:
		var items []snapshot.DBInstance
		locs, present, err := list(f, "DBInstances", &items)
		if err != nil {
			return err
		}
		r := c.b.rds(acct, reg)
		for i, it := range items {
			if skipEngine(it.Engine) {
				continue
			}
			if it.DBInstanceArn == "" {
				it.DBInstanceArn = instanceARN(reg, acct, it.DBInstanceIdentifier)
			}
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			addUnknown(&it.Derived, projected[snapshot.DBInstance](f, present[i])...)
			r.DBInstances = append(r.DBInstances, it)
		}
		c.mark(f, "DescribeDBInstances")
	case cmdDescribeDBClusterPGs:
		var items []snapshot.DBClusterParameterGroup
		locs, _, err := list(f, "DBClusterParameterGroups", &items)
		if err != nil {
			return err
		}
		r := c.b.rds(acct, reg)
		for i, it := range items {
			cur := r.DBClusterParameterGroups[it.DBClusterParameterGroupName]
			it.Parameters = cur.Parameters
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			r.DBClusterParameterGroups[it.DBClusterParameterGroupName] = it
		}
		c.mark(f, "DescribeDBClusterParameterGroups")
	case cmdDescribeDBPGs:
		var items []snapshot.DBParameterGroup
		locs, _, err := list(f, "DBParameterGroups", &items)
		if err != nil {
			return err
		}
		r := c.b.rds(acct, reg)
		for i, it := range items {
			cur := r.DBParameterGroups[it.DBParameterGroupName]
			it.Parameters = cur.Parameters
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			r.DBParameterGroups[it.DBParameterGroupName] = it
		}
		c.mark(f, "DescribeDBParameterGroups")
	case cmdDescribeDBClusterParameters, cmdDescribeDBParameters:
		if f.subject == "" {
			return fmt.Errorf("the file name must name the parameter group: %s.<group>.json", f.cmd)
		}
		var items []snapshot.Parameter
		if _, _, err := list(f, "Parameters", &items); err != nil {
			return err
		}
		params := map[string]snapshot.Parameter{}
		for _, p := range items {
			params[p.ParameterName] = p
		}
		r := c.b.rds(acct, reg)
		if f.cmd == cmdDescribeDBClusterParameters {
			g, ok := r.DBClusterParameterGroups[f.subject]
			if !ok {
				g = snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: f.subject, DBClusterParameterGroupArn: clusterPGARN(reg, acct, f.subject)}
				withLocation(&g.Derived, &snapshot.Location{File: f.path, Line: 1, Column: 1})
			}
			g.Parameters = mergeParams(g.Parameters, params)
			r.DBClusterParameterGroups[f.subject] = g
			setIn(c.params, acct+"/"+reg, "cluster:"+f.subject)
		} else {
			g, ok := r.DBParameterGroups[f.subject]
			if !ok {
				g = snapshot.DBParameterGroup{DBParameterGroupName: f.subject, DBParameterGroupArn: instancePGARN(reg, acct, f.subject)}
				withLocation(&g.Derived, &snapshot.Location{File: f.path, Line: 1, Column: 1})
			}
			g.Parameters = mergeParams(g.Parameters, params)
			r.DBParameterGroups[f.subject] = g
			setIn(c.params, acct+"/"+reg, "instance:"+f.subject)
		}
	case cmdEngineDefaultCluster, cmdEngineDefault:
		var d struct {
			DBParameterGroupFamily string
			Parameters             []snapshot.Parameter
		}
		if err := f.ix.decodeAt("$.EngineDefaults", &d); err != nil {
			return err
		}
		family := first(d.DBParameterGroupFamily, f.subject)
		if family == "" {
			return fmt.Errorf("%s: no DBParameterGroupFamily in the output or the file name (%s.<family>.json)", f.ix.place("$.EngineDefaults"), f.cmd)
		}
		params := map[string]snapshot.Parameter{}
		for _, p := range d.Parameters {
			params[p.ParameterName] = p
		}
		r := c.b.rds(acct, reg)
		ed := snapshot.EngineDefaults{DBParameterGroupFamily: family, Parameters: params}
		if f.cmd == cmdEngineDefaultCluster {
			if r.EngineDefaultClusterParameters == nil {
				r.EngineDefaultClusterParameters = map[string]snapshot.EngineDefaults{}
			}
			ed.Parameters = mergeParams(r.EngineDefaultClusterParameters[family].Parameters, params)
			r.EngineDefaultClusterParameters[family] = ed
		} else {
			if r.EngineDefaultParameters == nil {
				r.EngineDefaultParameters = map[string]snapshot.EngineDefaults{}
			}
			ed.Parameters = mergeParams(r.EngineDefaultParameters[family].Parameters, params)
			r.EngineDefaultParameters[family] = ed
		}
	case cmdDescribeOptionGroups:
		var items []snapshot.OptionGroup
		locs, _, err := list(f, "OptionGroupsList", &items)
		if err != nil {
			return err
		}
		r := c.b.rds(acct, reg)
		for i, it := range items {
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			r.OptionGroups[it.OptionGroupName] = it
		}
		c.mark(f, "DescribeOptionGroups")
		if f.subject == "" {
			c.mark(f, opListing(cmdDescribeOptionGroups))
		}
	case cmdDescribeLogGroups:
		var items []snapshot.LogGroup
		locs, present, err := list(f, "logGroups", &items)
		if err != nil {
			return err
		}
		l := c.b.logs(acct, reg)
		for i, it := range items {
			cur, ok := l.LogGroups[it.LogGroupName]
			if ok { // filters imported earlier onto a stub
				it.MetricFilters, it.SubscriptionFilters = cur.MetricFilters, cur.SubscriptionFilters
			}
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			addUnknown(&it.Derived, projected[snapshot.LogGroup](f, present[i])...)
			l.LogGroups[it.LogGroupName] = it
		}
		c.mark(f, "DescribeLogGroups")
	case cmdDescribeMetricFilters:
		var items []snapshot.MetricFilter
		locs, _, err := list(f, "metricFilters", &items)
		if err != nil {
			return err
		}
		l := c.b.logs(acct, reg)
		for i, it := range items {
			if it.LogGroupName == "" {
				return fmt.Errorf("%s: metric filter without logGroupName", f.ix.place(pathIndex("$.metricFilters", i)))
			}
			it.Derived = &snapshot.MetricFilterDerived{Location: locs[i]}
			g := logGroupStub(l, it.LogGroupName, reg, acct)
			g.MetricFilters = append(g.MetricFilters, it)
			l.LogGroups[it.LogGroupName] = g
		}
		c.mark(f, "DescribeMetricFilters")
	case cmdDescribeSubscriptionFilters:
		var items []snapshot.SubscriptionFilter
		if _, _, err := list(f, "subscriptionFilters", &items); err != nil {
			return err
		}
		l := c.b.logs(acct, reg)
		for i, it := range items {
			if it.LogGroupName == "" {
				return fmt.Errorf("%s: subscription filter without logGroupName", f.ix.place(pathIndex("$.subscriptionFilters", i)))
			}
			g := logGroupStub(l, it.LogGroupName, reg, acct)
			g.SubscriptionFilters = append(g.SubscriptionFilters, it)
			l.LogGroups[it.LogGroupName] = g
		}
		c.mark(f, "DescribeSubscriptionFilters")
	case cmdDescribeAlarms:
		var items []snapshot.MetricAlarm
		locs, _, err := list(f, "MetricAlarms", &items)
		if err != nil {
			return err
		}
		cw := c.b.cloudwatch(acct, reg)
		for i, it := range items {
			it.Derived = nil
			withLocation(&it.Derived, locs[i])
			cw.MetricAlarms[it.AlarmName] = it
		}
		c.mark(f, "DescribeAlarms")
	case cmdDescribeTrails:
		var items []snapshot.Trail
		locs, present, err := list(f, "trailList", &items)
		if err != nil {
			return err
		}
		ct := c.b.cloudtrail(acct, reg)
		for i, it := range items {
			it.Derived = nil
			it.Status, it.EventSelectors = nil, nil
			withLocation(&it.Derived, locs[i])
			addUnknown(&it.Derived, projected[snapshot.Trail](f, present[i])...)
			ct.Trails = append(ct.Trails, it)
		}
		c.mark(f, "DescribeTrails")
	case cmdGetTrailStatus:
		st, err := decodeTrailStatus(f)
		if err != nil {
			return err
		}
		t := c.findTrail(acct, reg, func(t *snapshot.Trail) bool { return t.Name == f.subject || t.TrailARN == f.subject })
		if t == nil {
			c.b.gaps = append(c.b.gaps, snapshot.Gap{AccountID: acct, Region: reg, Service: "cloudtrail", Operation: "GetTrailStatus",
				Resource: f.subject, ErrorCode: "SubjectNotFound",
				Message: fmt.Sprintf("%s: no trail in this region's describe-trails output matches the file name (%s.<trail-name>.json)", f.path, cmdGetTrailStatus)})
			return nil
		}
		t.Status = st
	case cmdGetEventSelectors:
		var es struct {
			TrailARN               string
			EventSelectors         []snapshot.EventSelector
			AdvancedEventSelectors []snapshot.AdvancedEventSelector
		}
		if err := json.Unmarshal(f.ix.data, &es); err != nil {
			return describeJSON(f.ix.data, err)
		}
		t := c.findTrail(acct, reg, func(t *snapshot.Trail) bool { return t.TrailARN == es.TrailARN })
		if t == nil {
			c.b.gaps = append(c.b.gaps, snapshot.Gap{AccountID: acct, Region: reg, Service: "cloudtrail", Operation: "GetEventSelectors",
				Resource: es.TrailARN, ErrorCode: "SubjectNotFound",
				Message: fmt.Sprintf("%s: no trail in this region's describe-trails output has TrailARN %s", f.path, es.TrailARN)})
			return nil
		}
		t.EventSelectors = &snapshot.EventSelectors{EventSelectors: es.EventSelectors, AdvancedEventSelectors: es.AdvancedEventSelectors}
	default:
		return fmt.Errorf("unsupported AWS CLI export %s", f.cmd)
	}
	return nil
}

// findTrail finds a trail in its home region; with no subject (a file named just
// get-trail-status.json) the region's only home trail matches.
func (c *cliImport) findTrail(acct, reg string, match func(*snapshot.Trail) bool) *snapshot.Trail {
	r, ok := c.b.regions[acct+"/"+reg]
	if !ok || r.CloudTrail == nil {
		return nil
	}
	var home []*snapshot.Trail
	for i := range r.CloudTrail.Trails {
		t := &r.CloudTrail.Trails[i]
		if t.HomeRegion != "" && t.HomeRegion != reg {
			continue
		}
		if match(t) {
			return t
		}
		home = append(home, t)
	}
	probe := &snapshot.Trail{}
	if match(probe) && len(home) == 1 { // empty subject matched the empty probe
		return home[0]
	}
	return nil
}

func logGroupStub(l *snapshot.Logs, name, region, account string) snapshot.LogGroup {
	g, ok := l.LogGroups[name]
	if !ok {
		// Filters of a group the export did not describe: the group's own settings are unknown.
		g = snapshot.LogGroup{LogGroupName: name, LogGroupArn: logGroupARN(region, account, name)}
		addUnknown(&g.Derived, "retentionInDays", "kmsKeyId")
	}
	return g
}

func mergeParams(dst, src map[string]snapshot.Parameter) map[string]snapshot.Parameter {
	if dst == nil {
		dst = map[string]snapshot.Parameter{}
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// skipEngine: Neptune and DocumentDB come back from the RDS API but are out of scope.
func skipEngine(engine string) bool { return engine == "neptune" || engine == "docdb" }

// trailStatusTimes are GetTrailStatus members that are timestamps: epoch seconds (floats)
// in CLI v1 output, ISO 8601 strings in CLI v2 output; the snapshot stores RFC 3339.
var trailStatusTimes = map[string]bool{
	"LatestDeliveryTime": true, "LatestNotificationTime": true, "StartLoggingTime": true, "StopLoggingTime": true,
	"LatestCloudWatchLogsDeliveryTime": true, "LatestDigestDeliveryTime": true,
}

func decodeTrailStatus(f *cliFile) (*snapshot.TrailStatus, error) {
	dec := json.NewDecoder(bytes.NewReader(f.ix.data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, describeJSON(f.ix.data, err)
	}
	clean := map[string]any{}
	for k, v := range raw {
		if trailStatusTimes[k] {
			ts, err := toRFC3339(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.ix.place("$."+k), err)
			}
			clean[k] = ts
			continue
		}
		clean[k] = v
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return nil, fmt.Errorf("re-encode trail status: %w", err)
	}
	var st snapshot.TrailStatus
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, describeJSON(b, err)
	}
	return &st, nil
}

func toRFC3339(v any) (string, error) {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return "", fmt.Errorf("invalid timestamp %s", t)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC().Format(time.RFC3339Nano), nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999-07:00", "2006-01-02T15:04:05Z07:00"} {
			if ts, err := time.Parse(layout, t); err == nil {
				return ts.UTC().Format(time.RFC3339Nano), nil
			}
		}
		return "", fmt.Errorf("invalid timestamp %q", t)
	}
	return "", fmt.Errorf("invalid timestamp %v", v)
}

// addGaps records what the export lacks that a judged resource needs, so rules report
// NOT_EVALUATED with the reason and the scan exits 3 instead of reading an absent file as
// "none exist": the aws calls export-errors.json records as failed (with their error
// code), and files missing from the export (error code NotExported, the message naming
// the file and the command that makes it).
func (c *cliImport) addGaps() {
	c.b.gaps = append(c.b.gaps, c.failed...)
	keys := append([]string(nil), c.b.order...)
	sort.Strings(keys)
	for _, k := range keys {
		r := c.b.regions[k]
		acct, reg, _ := strings.Cut(k, "/")
		miss := func(cmd, subject, arg, resource string) {
			op := cliCommands[cmd].op
			for _, g := range c.failed { // the call failed: its own gap says why
				if g.AccountID == acct && g.Region == reg && g.Operation == op && (g.Resource == "" || g.Resource == resource || g.Resource == arg) {
					return
				}
			}
			c.b.gaps = append(c.b.gaps, c.missingFile(acct, reg, cmd, subject, arg, resource))
		}
		seen := c.seen[k]

		// Listings: a region that has a service's resources needs all its listings, and
		// databases need the log groups, filters and alarms their audit logs go to, and
		// the trails that record their API calls.
		rdsNeeded := r.RDS != nil
		logsNeeded := r.Logs != nil || exportsLogs(r)
		trailsNeeded := r.CloudTrail != nil || rdsNeeded
		for _, n := range []struct {
			need bool
			cmd  string
		}{
			{rdsNeeded, cmdDescribeDBClusters}, {rdsNeeded, cmdDescribeDBInstances},
			{logsNeeded, cmdDescribeLogGroups}, {logsNeeded, cmdDescribeMetricFilters},
			{r.Logs != nil && len(r.Logs.LogGroups) > 0, cmdDescribeSubscriptionFilters}, // one file per group
			{logsNeeded, cmdDescribeAlarms},
			{trailsNeeded, cmdDescribeTrails},
		} {
			if n.need && !seen[cliCommands[n.cmd].op] {
				miss(n.cmd, "", "", "")
			}
		}

		if r.RDS != nil {
			// A referenced group whose parameters were not exported is left out of the
			// snapshot: listed without parameters it would read as "nothing modified" and
			// be judged by the engine defaults. Rules then say it is not in the snapshot,
			// with this gap's reason.
			for _, g := range referencedGroups(r.RDS) {
				if g.cluster && !c.params[k]["cluster:"+g.name] {
					delete(r.RDS.DBClusterParameterGroups, g.name)
					miss(cmdDescribeDBClusterParameters, g.name, g.name, g.name)
				} else if !g.cluster && !c.params[k]["instance:"+g.name] {
					delete(r.RDS.DBParameterGroups, g.name)
					miss(cmdDescribeDBParameters, g.name, g.name, g.name)
				}
			}
			for _, name := range referencedOptionGroups(r.RDS) {
				if _, ok := r.RDS.OptionGroups[name]; ok || strings.HasPrefix(name, "default:") {
					continue // default option groups carry no options; rules need no data
				}
				if seen[opListing(cmdDescribeOptionGroups)] {
					miss(cmdDescribeOptionGroups, safeName(name), name, name)
				} else {
					miss(cmdDescribeOptionGroups, "", "", name)
				}
			}
		}
		if r.CloudTrail != nil {
			for _, t := range r.CloudTrail.Trails {
				if t.HomeRegion != "" && t.HomeRegion != reg {
					continue
				}
				if t.Status == nil {
					miss(cmdGetTrailStatus, safeName(t.Name), first(t.TrailARN, t.Name), t.Name)
				}
				if t.EventSelectors == nil {
					miss(cmdGetEventSelectors, safeName(t.Name), first(t.TrailARN, t.Name), t.Name)
				}
			}
		}
	}
}

// opListing is the seen-key of a command's whole listing (a file without a subject).
func opListing(cmd string) string { return cliCommands[cmd].op + " listing" }

// safeName is how scripts/export-aws-cli.sh puts a subject into a file name.
func safeName(s string) string { return strings.NewReplacer("/", "_", ":", "_", " ", "_").Replace(s) }

// exportsLogs: a database of the region exports logs to CloudWatch Logs, or a trail homed
// there delivers to a log group.
func exportsLogs(r *snapshot.Region) bool {
	if r.RDS != nil {
		for _, c := range r.RDS.DBClusters {
			if len(c.EnabledCloudwatchLogsExports) > 0 {
				return true
			}
		}
		for _, in := range r.RDS.DBInstances {
			if len(in.EnabledCloudwatchLogsExports) > 0 {
				return true
			}
		}
	}
	if r.CloudTrail != nil {
		for _, t := range r.CloudTrail.Trails {
			if (t.HomeRegion == "" || t.HomeRegion == r.Region) && t.CloudWatchLogsLogGroupArn != "" {
				return true
			}
		}
	}
	return false
}

// missingFile is the NotExported gap of a file the export lacks: the file, the directory
// it is missing from and the aws command that writes it. subject goes into the file name,
// arg is the command's subject option value, resource the gap's resource.
func (c *cliImport) missingFile(acct, reg, cmd, subject, arg, resource string) snapshot.Gap {
	cc := cliCommands[cmd]
	file := cmd + ".json"
	if subject != "" {
		file = cmd + "." + subject + ".json"
	}
	run := "aws " + cc.service + " " + cmd
	if arg != "" && cc.subjectFlag != "" {
		run += " " + cc.subjectFlag + " " + shellQuote(arg)
	}
	run += " --region " + reg + " > " + shellQuote(file)
	return snapshot.Gap{AccountID: acct, Region: reg, Service: cc.service, Operation: cc.op, Resource: resource, ErrorCode: "NotExported",
		Message: fmt.Sprintf("%s is missing from %s: run %s (or scripts/export-aws-cli.sh)", file, c.exportDir(acct, reg), run)}
}

// exportDir names the directory of an account and region's export files, as given.
func (c *cliImport) exportDir(acct, reg string) string {
	dirs := map[string]bool{}
	for _, f := range c.files {
		if f.account == acct && f.region == reg && f.cmd != cmdGetCallerIdentity && f.cmd != cmdExportErrors {
			dirs[filepath.Dir(f.path)] = true
		}
	}
	if len(dirs) == 0 {
		return "the export of " + acct + "/" + reg
	}
	return strings.Join(slices.Sorted(maps.Keys(dirs)), ", ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// exportFailure is one failed aws call in export-errors.json (scripts/export-aws-cli.sh).
type exportFailure struct {
	Region    string `json:"Region"`
	Service   string `json:"Service"`
	Command   string `json:"Command"`
	Arguments string `json:"Arguments"`
	Subject   string `json:"Subject"`
	File      string `json:"File"`
	Operation string `json:"Operation"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

// importFailures turns each failed call of an export-errors.json into a collection gap with
// its error code.
func (c *cliImport) importFailures(f *cliFile) error {
	var items []exportFailure
	if _, _, err := list(f, "ExportErrors", &items); err != nil {
		return err
	}
	for i, it := range items {
		cc, known := cliCommands[it.Command]
		op := first(it.Operation, cc.op)
		if it.Command == "" || op == "" {
			return fmt.Errorf("%s: a failed call needs Command (an aws CLI command such as %s) or Operation", f.ix.place(pathIndex("$.ExportErrors", i)), cmdDescribeDBClusters)
		}
		service := first(it.Service, cc.service)
		if !known && service == "" {
			service = "unknown"
		}
		call := strings.TrimSpace(strings.Join([]string{"aws", service, it.Command, it.Arguments}, " "))
		c.failed = append(c.failed, snapshot.Gap{AccountID: f.account, Region: first(it.Region, f.region), Service: service, Operation: op,
			Resource: it.Subject, ErrorCode: first(it.ErrorCode, "CommandFailed"),
			Message: fmt.Sprintf("%s failed during the export (recorded in %s): %s", call, f.path, strings.TrimSpace(it.Message))})
	}
	return nil
}

type groupRef struct {
	name    string
	cluster bool
}

func referencedGroups(r *snapshot.RDS) []groupRef {
	seen := map[groupRef]bool{}
	var out []groupRef
	add := func(g groupRef) {
		if g.name != "" && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, c := range r.DBClusters {
		add(groupRef{c.DBClusterParameterGroup, true})
	}
	for _, in := range r.DBInstances {
		for _, g := range in.DBParameterGroups {
			add(groupRef{g.DBParameterGroupName, false})
		}
	}
	return out
}

// referencedOptionGroups lists the option groups the region's instances are members of.
func referencedOptionGroups(r *snapshot.RDS) []string {
	seen := map[string]bool{}
	var out []string
	for _, in := range r.DBInstances {
		for _, m := range in.OptionGroupMemberships {
			if m.OptionGroupName != "" && !seen[m.OptionGroupName] {
				seen[m.OptionGroupName] = true
				out = append(out, m.OptionGroupName)
			}
		}
	}
	return out
}

// dedupe drops repeated clusters, instances and trails (the same export given twice, or
// paged output split over files); the first occurrence wins.
func dedupe(r *snapshot.Region) {
	if r.RDS != nil {
		seen := map[string]bool{}
		out := r.RDS.DBClusters[:0]
		for _, c := range r.RDS.DBClusters {
			if !seen[c.DBClusterArn] {
				seen[c.DBClusterArn] = true
				out = append(out, c)
			}
		}
		r.RDS.DBClusters = out
		seen = map[string]bool{}
		outI := r.RDS.DBInstances[:0]
		for _, in := range r.RDS.DBInstances {
			if !seen[in.DBInstanceArn] {
				seen[in.DBInstanceArn] = true
				outI = append(outI, in)
			}
		}
		r.RDS.DBInstances = outI
	}
	if r.CloudTrail != nil {
		seen := map[string]bool{}
		out := r.CloudTrail.Trails[:0]
		for _, t := range r.CloudTrail.Trails {
			k := first(t.TrailARN, t.Name)
			if !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
		r.CloudTrail.Trails = out
	}
}
