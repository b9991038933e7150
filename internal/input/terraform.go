package input

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	version "github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// tfTypes are the resource types the plan importer maps; others are ignored.
var tfTypes = map[string]bool{
	"aws_rds_cluster": true, "aws_rds_cluster_instance": true, "aws_db_instance": true,
	"aws_rds_cluster_parameter_group": true, "aws_db_parameter_group": true, "aws_db_option_group": true,
	"aws_cloudwatch_log_group": true, "aws_cloudwatch_log_metric_filter": true,
	"aws_cloudwatch_log_subscription_filter": true, "aws_cloudwatch_metric_alarm": true, "aws_cloudtrail": true,
}

// isPlan reports whether a JSON document looks like `terraform show -json` output of a plan.
func isPlan(ix *jsonIndex) bool {
	return ix.topLevel == '{' && ix.has("format_version") &&
		(ix.has("planned_values") || ix.has("resource_changes") || ix.has("configuration"))
}

type tfResource struct {
	address    string
	configAddr string // module path + type.name, without instance keys
	module     string // "module.a.module.b" or ""
	typ        string
	index      any
	values     map[string]any
	unknown    map[string]any
	expr       map[string]*tfjson.Expression
	region     string
	loc        *snapshot.Location
	key        string // identifier used in the snapshot (name, or the address when unknown)
	keyUnknown bool
}

type tfPlan struct {
	file     string
	opts     Options
	account  string
	byConfig map[string][]*tfResource
	res      []*tfResource // mapped types
	others   []*tfResource // other managed resources, reference targets only
	// groupNames holds the keys of the planned log groups (built on first use).
	groupNames map[string]bool
}

// importPlan maps a Terraform plan's resources to a snapshot.
func importPlan(file string, ix *jsonIndex, opts Options) (*snapshot.Snapshot, error) {
	var probe struct {
		FormatVersion string `json:"format_version"`
	}
	if err := ix.decodeAt("$.format_version", &probe.FormatVersion); err != nil {
		return nil, fmt.Errorf("%s: %s: format_version must be a string", file, ix.place("$.format_version"))
	}
	if err := checkPlanVersion(probe.FormatVersion); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, ix.place("$.format_version"), err)
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(ix.data, &plan); err != nil {
		return nil, fmt.Errorf("%s: %w", file, describeJSON(ix.data, err))
	}
	p := &tfPlan{file: file, opts: opts, byConfig: map[string][]*tfResource{}}
	cfg := configIndex(plan.Config)
	providers := providerRegions(plan.Config)
	if len(plan.ResourceChanges) > 0 {
		for i, rc := range plan.ResourceChanges {
			if rc == nil || rc.Mode != tfjson.ManagedResourceMode || rc.Change == nil {
				continue
			}
			if rc.Change.Actions.Delete() || rc.Change.Actions.Forget() {
				continue // planned to go away: nothing to judge
			}
			after, _ := rc.Change.After.(map[string]any)
			unk, _ := rc.Change.AfterUnknown.(map[string]any)
			if after == nil {
				after = map[string]any{}
				if rc.Change.AfterUnknown == true {
					unk = map[string]any{"*": true}
				}
			}
			r := &tfResource{address: rc.Address, module: rc.ModuleAddress, typ: rc.Type, index: rc.Index,
				values: after, unknown: unk, loc: ix.location(file, pathIndex("$.resource_changes", i))}
			p.add(r, cfg, providers)
		}
	} else if plan.PlannedValues != nil {
		walkStateModule(plan.PlannedValues.RootModule, func(sr *tfjson.StateResource) {
			if sr.Mode != tfjson.ManagedResourceMode {
				return
			}
			vals := sr.AttributeValues
			if vals == nil {
				vals = map[string]any{}
			}
			r := &tfResource{address: sr.Address, module: moduleOf(sr.Address), typ: sr.Type, index: sr.Index,
				values: vals, loc: &snapshot.Location{File: file}}
			p.add(r, cfg, providers)
		})
	}
	// A resource declared in the .tf files beside the plan is located there, not at its
	// entry in the (often one-line) plan JSON.
	locator := newConfigLocator(file, plan.Config, opts)
	for _, r := range p.res {
		if loc := locator.locate(r.configAddr); loc != nil {
			r.loc = loc
		}
	}
	p.account = first(callerAccount(plan.PriorState), p.arnAccount(), opts.Account)
	if p.account == "" {
		p.account = DefaultAccount
		if len(p.res) > 0 {
			opts.notice("%s: account not named by the plan or --account; using %s", file, DefaultAccount)
		}
	}
	for _, r := range p.others {
		if r.region == "" {
			r.region = first(opts.Region, DefaultRegion)
		}
	}
	regionDefaulted := false
	for _, r := range p.res {
		if r.region == "" {
			r.region = first(opts.Region, DefaultRegion)
			regionDefaulted = regionDefaulted || opts.Region == ""
		}
	}
	if regionDefaulted {
		opts.notice("%s: region not named by the aws provider configuration or --region; using %s", file, DefaultRegion)
	}
	for _, r := range p.res {
		p.setKey(r)
	}
	b := newBuilder("terraform-plan")
	b.files = []string{file}
	for _, r := range p.res {
		p.emit(b, r)
	}
	for _, reg := range b.regions {
		linkMembers(reg.RDS)
	}
	return b.snapshot(), nil
}

// checkPlanVersion accepts the plan format versions terraform-json reads.
func checkPlanVersion(v string) error {
	c, err := version.NewConstraint(tfjson.PlanFormatVersionConstraints)
	if err != nil {
		return fmt.Errorf("plan version constraint: %w", err)
	}
	ver, err := version.NewVersion(v)
	if err != nil {
		return fmt.Errorf("unsupported Terraform plan format_version %q: not a version", v)
	}
	if !c.Check(ver) {
		return fmt.Errorf("unsupported Terraform plan format_version %q (this scanner reads %s)", v, tfjson.PlanFormatVersionConstraints)
	}
	return nil
}

var indexRe = regexp.MustCompile(`\[[^\]]*\]`)

func moduleOf(address string) string {
	parts := strings.Split(indexRe.ReplaceAllString(address, ""), ".")
	var mod []string
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] != "module" {
			break
		}
		mod = append(mod, "module."+parts[i+1])
	}
	return strings.Join(mod, ".")
}

func (p *tfPlan) add(r *tfResource, cfg map[string]*tfjson.ConfigResource, providers map[string]string) {
	stripped := indexRe.ReplaceAllString(r.address, "")
	r.configAddr = stripped
	r.module = indexRe.ReplaceAllString(r.module, "")
	if c, ok := cfg[stripped]; ok {
		r.expr = c.Expressions
		r.region = providerRegion(providers, r.module, c.ProviderConfigKey)
	} else {
		r.region = providers["aws"]
	}
	if r.region == "" {
		r.region = p.arnRegion(r)
	}
	// Every managed resource can be the target of a reference; only mapped types are emitted.
	p.byConfig[stripped] = append(p.byConfig[stripped], r)
	if tfTypes[r.typ] {
		p.res = append(p.res, r)
	} else {
		p.others = append(p.others, r)
	}
}

func walkStateModule(m *tfjson.StateModule, fn func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		fn(r)
	}
	for _, c := range m.ChildModules {
		walkStateModule(c, fn)
	}
}

// configIndex maps "module.a.aws_x.y" to its configuration block.
func configIndex(c *tfjson.Config) map[string]*tfjson.ConfigResource {
	out := map[string]*tfjson.ConfigResource{}
	if c == nil {
		return out
	}
	var walk func(prefix string, m *tfjson.ConfigModule)
	walk = func(prefix string, m *tfjson.ConfigModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			out[prefix+r.Address] = r
		}
		names := make([]string, 0, len(m.ModuleCalls))
		for n := range m.ModuleCalls {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			walk(prefix+"module."+n+".", m.ModuleCalls[n].Module)
		}
	}
	walk("", c.RootModule)
	return out
}

// providerRegions maps provider config keys to their constant region.
func providerRegions(c *tfjson.Config) map[string]string {
	out := map[string]string{}
	if c == nil {
		return out
	}
	for k, pc := range c.ProviderConfigs {
		if pc == nil || pc.Name != "aws" {
			continue
		}
		if e, ok := pc.Expressions["region"]; ok && e != nil {
			if s, ok := e.ConstantValue.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// providerRegion finds the region of a resource's provider: its own configuration, else the
// root provider of the same name and alias that a module inherits.
func providerRegion(providers map[string]string, module, key string) string {
	if key == "" {
		return providers["aws"]
	}
	// Keys look like "aws", "aws.west", "module.a:aws" or (older plans) "a:aws".
	candidates := []string{key}
	if module != "" && !strings.HasPrefix(key, "module.") && strings.Contains(key, ":") {
		candidates = append(candidates, "module."+key)
	}
	if i := strings.LastIndex(key, ":"); i >= 0 {
		candidates = append(candidates, key[i+1:]) // inherited from the root module
	}
	for _, k := range candidates {
		if r, ok := providers[k]; ok {
			return r
		}
	}
	return ""
}

func callerAccount(s *tfjson.State) string {
	if s == nil || s.Values == nil {
		return ""
	}
	var acct string
	walkStateModule(s.Values.RootModule, func(r *tfjson.StateResource) {
		if acct == "" && r.Mode == tfjson.DataResourceMode && r.Type == "aws_caller_identity" {
			if a, ok := r.AttributeValues["account_id"].(string); ok && accountRe.MatchString(a) {
				acct = a
			}
		}
	})
	return acct
}

// arnAccount finds an account in the known ARNs of the mapped resources.
func (p *tfPlan) arnAccount() string {
	counts := map[string]int{}
	for _, r := range p.res {
		for _, v := range r.values {
			if s, ok := v.(string); ok {
				if _, a, ok := arnRegionAccount(s); ok && a != "" {
					counts[a]++
				}
			}
		}
	}
	return top(counts)
}

func (p *tfPlan) arnRegion(r *tfResource) string {
	if s, ok := r.values["arn"].(string); ok {
		if reg, _, ok := arnRegionAccount(s); ok {
			return reg
		}
	}
	return ""
}

// isUnknown reports whether attr is "known after apply".
func (r *tfResource) isUnknown(attr string) bool {
	if r.unknown == nil {
		return false
	}
	if b, ok := r.unknown["*"].(bool); ok && b {
		return true
	}
	switch u := r.unknown[attr].(type) {
	case bool:
		return u
	case []any, map[string]any:
		return containsTrue(u)
	}
	return false
}

func containsTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case []any:
		for _, x := range t {
			if containsTrue(x) {
				return true
			}
		}
	case map[string]any:
		for _, x := range t {
			if containsTrue(x) {
				return true
			}
		}
	}
	return false
}

// setKey decides the identifier a resource is known by in the snapshot.
func (p *tfPlan) setKey(r *tfResource) {
	attr := map[string]string{
		"aws_rds_cluster": "cluster_identifier", "aws_rds_cluster_instance": "identifier", "aws_db_instance": "identifier",
		"aws_rds_cluster_parameter_group": "name", "aws_db_parameter_group": "name", "aws_db_option_group": "name",
		"aws_cloudwatch_log_group": "name", "aws_cloudwatch_log_metric_filter": "name",
		"aws_cloudwatch_log_subscription_filter": "name", "aws_cloudwatch_metric_alarm": "alarm_name", "aws_cloudtrail": "name",
	}[r.typ]
	if s, ok := r.values[attr].(string); ok && s != "" && !r.isUnknown(attr) {
		r.key = s
		return
	}
	r.key, r.keyUnknown = r.address, true
}

// refTarget follows a configuration reference ("aws_x.y.attr", "aws_x.y[0]") from r to a
// planned resource in the same module.
func (p *tfPlan) refTarget(r *tfResource, ref string) (*tfResource, string) {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "var.") || strings.HasPrefix(ref, "local.") || strings.HasPrefix(ref, "data.") ||
		strings.HasPrefix(ref, "module.") || strings.HasPrefix(ref, "each.") || strings.HasPrefix(ref, "count.") ||
		strings.HasPrefix(ref, "path.") || strings.HasPrefix(ref, "self.") {
		return nil, ""
	}
	parts := strings.SplitN(ref, ".", 3)
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "aws_") {
		return nil, ""
	}
	name := parts[1]
	idx := ""
	if i := strings.IndexByte(name, '['); i >= 0 {
		idx, name = name[i:], name[:i]
	}
	attr := ""
	if len(parts) == 3 {
		attr = parts[2]
	}
	addr := parts[0] + "." + name
	if r.module != "" {
		addr = r.module + "." + addr
	}
	cands := p.byConfig[addr]
	switch {
	case len(cands) == 1:
		return cands[0], attr
	case idx != "":
		for _, c := range cands {
			if strings.HasSuffix(c.address, idx) {
				return c, attr
			}
		}
	default:
		for _, c := range cands { // same count/for_each key as the referrer
			if fmt.Sprint(c.index) == fmt.Sprint(r.index) {
				return c, attr
			}
		}
	}
	return nil, ""
}

// tfAttrs reads one resource's attributes and records the API members it cannot know.
type tfAttrs struct {
	p       *tfPlan
	r       *tfResource
	unknown []string
}

// raw returns the planned value of attr, following a configuration reference when the value
// is unknown until apply. ok is false when the value cannot be known.
func (a *tfAttrs) raw(attr, member string) (any, bool) {
	if !a.r.isUnknown(attr) {
		return a.r.values[attr], true
	}
	if e := a.r.expr[attr]; e != nil {
		for _, ref := range e.References {
			t, tattr := a.p.refTarget(a.r, ref)
			if t == nil {
				continue
			}
			return a.p.refValue(t, tattr, member), true
		}
	}
	a.unknown = append(a.unknown, member)
	return nil, false
}

// refValue is the value a reference to t.attr stands for: the snapshot identifier (or
// synthesized ARN) of a mapped resource, or a placeholder ARN for anything else.
func (p *tfPlan) refValue(t *tfResource, attr, member string) string {
	if !tfTypes[t.typ] {
		svc := strings.SplitN(strings.TrimPrefix(t.typ, "aws_"), "_", 2)[0]
		return placeholderARN(svc, t.region, p.account, t.address)
	}
	if attr == "arn" {
		switch t.typ {
		case "aws_cloudwatch_log_group":
			arn := logGroupARN(t.region, p.account, t.key)
			if member == "CloudWatchLogsLogGroupArn" {
				arn += ":*"
			}
			return arn
		case "aws_rds_cluster":
			return clusterARN(t.region, p.account, t.key)
		case "aws_db_instance", "aws_rds_cluster_instance":
			return instanceARN(t.region, p.account, t.key)
		case "aws_cloudtrail":
			return trailARN(t.region, p.account, t.key)
		case "aws_cloudwatch_metric_alarm":
			return alarmARN(t.region, p.account, t.key)
		}
	}
	if s, ok := t.values[attr].(string); ok && s != "" && !t.isUnknown(attr) {
		return s
	}
	return t.key
}

// tfMetricQueries maps aws_cloudwatch_metric_alarm metric_query blocks (metric math) to
// Metrics items.
func tfMetricQueries(v any) []snapshot.MetricDataQuery {
	blocks, _ := v.([]any)
	var out []snapshot.MetricDataQuery
	for _, b := range blocks {
		q, ok := b.(map[string]any)
		if !ok {
			continue
		}
		str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
		mq := snapshot.MetricDataQuery{Id: str(q, "id"), Expression: str(q, "expression"), Label: str(q, "label"), ReturnData: toBool(q["return_data"])}
		if metrics, _ := q["metric"].([]any); len(metrics) > 0 {
			if mm, ok := metrics[0].(map[string]any); ok {
				mq.MetricStat = &snapshot.MetricStat{
					Metric: snapshot.Metric{Namespace: str(mm, "namespace"), MetricName: str(mm, "metric_name")},
					Period: toInt32(mm["period"]), Stat: str(mm, "stat"), Unit: str(mm, "unit"),
				}
			}
		}
		out = append(out, mq)
	}
	return out
}

func (a *tfAttrs) str(attr, member string) string {
	v, ok := a.raw(attr, member)
	if !ok {
		return ""
	}
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

func (a *tfAttrs) boolp(attr, member string) *bool {
	v, ok := a.raw(attr, member)
	if !ok {
		return nil
	}
	return toBool(v)
}

func toBool(v any) *bool {
	switch t := v.(type) {
	case bool:
		return &t
	case string: // plans of some providers store booleans as strings
		switch strings.ToLower(t) {
		case "true":
			return boolPtr(true)
		case "false":
			return boolPtr(false)
		}
	}
	return nil
}

func (a *tfAttrs) int32p(attr, member string) *int32 {
	v, ok := a.raw(attr, member)
	if !ok {
		return nil
	}
	return toInt32(v)
}

func toInt32(v any) *int32 {
	switch t := v.(type) {
	case float64:
		n := int32(t)
		return &n
	case string:
		if n, err := strconv.Atoi(t); err == nil {
			n32 := int32(n)
			return &n32
		}
	}
	return nil
}

func toFloat(v any) *float64 {
	switch t := v.(type) {
	case float64:
		return &t
	case string:
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return &f
		}
	}
	return nil
}

func (a *tfAttrs) strs(attr, member string) []string {
	v, ok := a.raw(attr, member)
	if !ok {
		return nil
	}
	return toStrings(v)
}

func toStrings(v any) []string {
	switch t := v.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	}
	return nil
}

func (a *tfAttrs) blocks(attr, member string) []map[string]any {
	v, ok := a.raw(attr, member)
	if !ok {
		return nil
	}
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func (a *tfAttrs) tags() []snapshot.Tag {
	m, _ := a.r.values["tags"].(map[string]any)
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]snapshot.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, snapshot.Tag{Key: k, Value: fmt.Sprint(m[k])})
	}
	return out
}

func bstr(m map[string]any, k string) string {
	switch t := m[k].(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

func (p *tfPlan) derived(a *tfAttrs, keyMember string) *snapshot.Derived {
	var d *snapshot.Derived
	withLocation(&d, a.r.loc)
	if a.r.keyUnknown && keyMember != "" {
		a.unknown = append(a.unknown, keyMember)
	}
	addUnknown(&d, a.unknown...)
	return d
}

// emit maps one planned resource to its snapshot form.
func (p *tfPlan) emit(b *builder, r *tfResource) {
	a := &tfAttrs{p: p, r: r}
	acct, reg := p.account, r.region
	switch r.typ {
	case "aws_rds_cluster":
		c := snapshot.DBCluster{DBClusterIdentifier: r.key, DBClusterArn: clusterARN(reg, acct, r.key)}
		c.Engine = a.str("engine", "Engine")
		c.EngineVersion = a.str("engine_version", "EngineVersion")
		c.EngineMode = a.str("engine_mode", "EngineMode")
		c.DBClusterParameterGroup = p.paramGroup(a, "db_cluster_parameter_group_name", "DBClusterParameterGroup", c.Engine, c.EngineVersion)
		c.EnabledCloudwatchLogsExports = a.strs("enabled_cloudwatch_logs_exports", "EnabledCloudwatchLogsExports")
		c.StorageEncrypted = a.boolp("storage_encrypted", "StorageEncrypted")
		c.KmsKeyId = a.str("kms_key_id", "KmsKeyId")
		c.IAMDatabaseAuthenticationEnabled = a.boolp("iam_database_authentication_enabled", "IAMDatabaseAuthenticationEnabled")
		c.DatabaseName = a.str("database_name", "DatabaseName")
		c.TagList = a.tags()
		c.Derived = p.derived(a, "DBClusterIdentifier")
		if skipEngine(c.Engine) {
			return
		}
		rds := b.rds(acct, reg)
		rds.DBClusters = append(rds.DBClusters, c)
	case "aws_rds_cluster_instance", "aws_db_instance":
		in := snapshot.DBInstance{DBInstanceIdentifier: r.key, DBInstanceArn: instanceARN(reg, acct, r.key)}
		in.Engine = a.str("engine", "Engine")
		in.EngineVersion = a.str("engine_version", "EngineVersion")
		in.DBInstanceClass = a.str("instance_class", "DBInstanceClass")
		in.PubliclyAccessible = a.boolp("publicly_accessible", "PubliclyAccessible")
		pgAttr := "parameter_group_name"
		if r.typ == "aws_rds_cluster_instance" {
			pgAttr = "db_parameter_group_name"
			in.DBClusterIdentifier = a.str("cluster_identifier", "DBClusterIdentifier")
		} else {
			in.EnabledCloudwatchLogsExports = a.strs("enabled_cloudwatch_logs_exports", "EnabledCloudwatchLogsExports")
			in.StorageEncrypted = a.boolp("storage_encrypted", "StorageEncrypted")
			in.KmsKeyId = a.str("kms_key_id", "KmsKeyId")
			in.IAMDatabaseAuthenticationEnabled = a.boolp("iam_database_authentication_enabled", "IAMDatabaseAuthenticationEnabled")
			in.MultiAZ = a.boolp("multi_az", "MultiAZ")
			in.ReadReplicaSourceDBInstanceIdentifier = a.str("replicate_source_db", "ReadReplicaSourceDBInstanceIdentifier")
			if og := a.str("option_group_name", "OptionGroupMemberships"); og != "" {
				in.OptionGroupMemberships = []snapshot.OptionGroupMembership{{OptionGroupName: og}}
			}
		}
		if pg := p.paramGroup(a, pgAttr, "DBParameterGroups", in.Engine, in.EngineVersion); pg != "" {
			in.DBParameterGroups = []snapshot.DBParameterGroupStatus{{DBParameterGroupName: pg}}
		}
		in.TagList = a.tags()
		in.Derived = p.derived(a, "DBInstanceIdentifier")
		if skipEngine(in.Engine) {
			return
		}
		rds := b.rds(acct, reg)
		rds.DBInstances = append(rds.DBInstances, in)
	case "aws_rds_cluster_parameter_group", "aws_db_parameter_group":
		family := a.str("family", "DBParameterGroupFamily")
		desc := a.str("description", "Description")
		params := map[string]snapshot.Parameter{}
		for _, blk := range a.blocks("parameter", "Parameters") {
			name := bstr(blk, "name")
			if name == "" {
				continue
			}
			v := bstr(blk, "value")
			params[name] = snapshot.Parameter{ParameterName: name, ParameterValue: &v, Source: "user", ApplyMethod: bstr(blk, "apply_method")}
		}
		rds := b.rds(acct, reg)
		if r.typ == "aws_rds_cluster_parameter_group" {
			g := snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: r.key, DBParameterGroupFamily: family, Description: desc,
				DBClusterParameterGroupArn: clusterPGARN(reg, acct, r.key), Parameters: params}
			g.Derived = p.derived(a, "DBClusterParameterGroupName")
			rds.DBClusterParameterGroups[r.key] = g
		} else {
			g := snapshot.DBParameterGroup{DBParameterGroupName: r.key, DBParameterGroupFamily: family, Description: desc,
				DBParameterGroupArn: instancePGARN(reg, acct, r.key), Parameters: params}
			g.Derived = p.derived(a, "DBParameterGroupName")
			rds.DBParameterGroups[r.key] = g
		}
	case "aws_db_option_group":
		og := snapshot.OptionGroup{OptionGroupName: r.key, OptionGroupArn: optionGroupARN(reg, acct, r.key), Options: []snapshot.Option{}}
		og.EngineName = a.str("engine_name", "EngineName")
		og.MajorEngineVersion = a.str("major_engine_version", "MajorEngineVersion")
		og.OptionGroupDescription = a.str("option_group_description", "OptionGroupDescription")
		for _, blk := range a.blocks("option", "Options") {
			o := snapshot.Option{OptionName: bstr(blk, "option_name"), OptionVersion: bstr(blk, "version")}
			settings, _ := blk["option_settings"].([]any)
			for _, s := range settings {
				if m, ok := s.(map[string]any); ok {
					o.OptionSettings = append(o.OptionSettings, snapshot.OptionSetting{Name: bstr(m, "name"), Value: bstr(m, "value")})
				}
			}
			og.Options = append(og.Options, o)
		}
		og.Derived = p.derived(a, "OptionGroupName")
		b.rds(acct, reg).OptionGroups[r.key] = og
	case "aws_cloudwatch_log_group":
		g := snapshot.LogGroup{LogGroupName: r.key, LogGroupArn: logGroupARN(reg, acct, r.key), Arn: logGroupARN(reg, acct, r.key) + ":*"}
		// retention_in_days = 0 is the provider's "never expire": the API then has no retentionInDays.
		if n := a.int32p("retention_in_days", "retentionInDays"); n != nil && *n > 0 {
			g.RetentionInDays = n
		}
		g.KmsKeyId = a.str("kms_key_id", "kmsKeyId")
		g.LogGroupClass = a.str("log_group_class", "logGroupClass")
		g.Derived = p.derived(a, "logGroupName")
		l := b.logs(acct, reg)
		if cur, ok := l.LogGroups[r.key]; ok {
			g.MetricFilters, g.SubscriptionFilters = cur.MetricFilters, cur.SubscriptionFilters
		}
		l.LogGroups[r.key] = g
	case "aws_cloudwatch_log_metric_filter":
		f := snapshot.MetricFilter{FilterName: r.key}
		f.FilterPattern = a.str("pattern", "filterPattern")
		f.LogGroupName = a.str("log_group_name", "logGroupName")
		for _, blk := range a.blocks("metric_transformation", "metricTransformations") {
			t := snapshot.MetricTransformation{MetricName: bstr(blk, "name"), MetricNamespace: bstr(blk, "namespace"),
				MetricValue: bstr(blk, "value"), Unit: bstr(blk, "unit")}
			t.DefaultValue = toFloat(blk["default_value"])
			f.MetricTransformations = append(f.MetricTransformations, t)
		}
		f.Derived = &snapshot.MetricFilterDerived{Location: r.loc}
		p.attachFilter(b, acct, reg, f.LogGroupName, func(g *snapshot.LogGroup) { g.MetricFilters = append(g.MetricFilters, f) })
	case "aws_cloudwatch_log_subscription_filter":
		f := snapshot.SubscriptionFilter{FilterName: r.key}
		f.FilterPattern = a.str("filter_pattern", "filterPattern")
		f.LogGroupName = a.str("log_group_name", "logGroupName")
		f.DestinationArn = a.str("destination_arn", "destinationArn")
		f.RoleArn = a.str("role_arn", "roleArn")
		f.Distribution = a.str("distribution", "distribution")
		p.attachFilter(b, acct, reg, f.LogGroupName, func(g *snapshot.LogGroup) { g.SubscriptionFilters = append(g.SubscriptionFilters, f) })
	case "aws_cloudwatch_metric_alarm":
		m := snapshot.MetricAlarm{AlarmName: r.key, AlarmArn: alarmARN(reg, acct, r.key)}
		m.MetricName = a.str("metric_name", "MetricName")
		m.Namespace = a.str("namespace", "Namespace")
		m.Statistic = a.str("statistic", "Statistic")
		m.Period = a.int32p("period", "Period")
		m.EvaluationPeriods = a.int32p("evaluation_periods", "EvaluationPeriods")
		if v, ok := a.raw("threshold", "Threshold"); ok {
			m.Threshold = toFloat(v)
		}
		m.ComparisonOperator = a.str("comparison_operator", "ComparisonOperator")
		m.ActionsEnabled = a.boolp("actions_enabled", "ActionsEnabled")
		m.AlarmActions = a.strs("alarm_actions", "AlarmActions")
		m.OKActions = a.strs("ok_actions", "OKActions")
		if v, ok := a.raw("metric_query", "Metrics"); ok {
			m.Metrics = tfMetricQueries(v)
		}
		m.Derived = p.derived(a, "AlarmName")
		b.cloudwatch(acct, reg).MetricAlarms[r.key] = m
	case "aws_cloudtrail":
		t := snapshot.Trail{Name: r.key, TrailARN: trailARN(reg, acct, r.key), HomeRegion: reg}
		t.S3BucketName = a.str("s3_bucket_name", "S3BucketName")
		t.S3KeyPrefix = a.str("s3_key_prefix", "S3KeyPrefix")
		t.SnsTopicARN = a.str("sns_topic_name", "SnsTopicARN")
		t.IncludeGlobalServiceEvents = a.boolp("include_global_service_events", "IncludeGlobalServiceEvents")
		t.IsMultiRegionTrail = a.boolp("is_multi_region_trail", "IsMultiRegionTrail")
		t.IsOrganizationTrail = a.boolp("is_organization_trail", "IsOrganizationTrail")
		t.LogFileValidationEnabled = a.boolp("enable_log_file_validation", "LogFileValidationEnabled")
		t.CloudWatchLogsLogGroupArn = a.str("cloud_watch_logs_group_arn", "CloudWatchLogsLogGroupArn")
		t.CloudWatchLogsRoleArn = a.str("cloud_watch_logs_role_arn", "CloudWatchLogsRoleArn")
		t.KmsKeyId = a.str("kms_key_id", "KmsKeyId")
		if v := a.boolp("enable_logging", "IsLogging"); v != nil {
			t.Status = &snapshot.TrailStatus{IsLogging: v}
		}
		t.EventSelectors = p.selectors(a)
		t.Derived = p.derived(a, "Name")
		// Configuration says whether the trail logs, not when it last delivered: a trail
		// that does not exist yet has no delivery history, which rules must not read as
		// "never delivered".
		t.Derived = markDeliveryUnknown(t.Derived)
		ct := b.cloudtrail(acct, reg)
		ct.Trails = append(ct.Trails, t)
	}
}

// paramGroup resolves a parameter group name; when the code names none, RDS assigns
// default.<family>, derived from the engine version where possible.
func (p *tfPlan) paramGroup(a *tfAttrs, attr, member, engine, engineVersion string) string {
	if !a.r.isUnknown(attr) {
		if s, _ := a.r.values[attr].(string); s != "" {
			return s
		}
	}
	if e := a.r.expr[attr]; a.r.isUnknown(attr) && e != nil && len(e.References) > 0 {
		return a.str(attr, member)
	}
	if fam := defaultParameterGroupFamily(engine, engineVersion); fam != "" {
		return "default." + fam
	}
	a.unknown = append(a.unknown, member)
	return ""
}

func (p *tfPlan) attachFilter(b *builder, acct, reg, group string, add func(*snapshot.LogGroup)) {
	if group == "" {
		return
	}
	l := b.logs(acct, reg)
	g, ok := l.LogGroups[group]
	if !ok {
		// Declared before (or without) its group: a stub whose own settings are unknown until
		// the group's resource is emitted (which keeps the filters).
		g = snapshot.LogGroup{LogGroupName: group, LogGroupArn: logGroupARN(reg, acct, group)}
		if !p.declaresLogGroup(group) {
			addUnknown(&g.Derived, "retentionInDays", "kmsKeyId")
		}
	}
	add(&g)
	l.LogGroups[group] = g
}

func (p *tfPlan) declaresLogGroup(name string) bool {
	if p.groupNames == nil {
		p.groupNames = map[string]bool{}
		for _, r := range p.res {
			if r.typ == "aws_cloudwatch_log_group" {
				p.groupNames[r.key] = true
			}
		}
	}
	return p.groupNames[name]
}

func (p *tfPlan) selectors(a *tfAttrs) *snapshot.EventSelectors {
	before := len(a.unknown)
	basic := a.blocks("event_selector", "EventSelectors")
	adv := a.blocks("advanced_event_selector", "EventSelectors")
	if len(a.unknown) > before {
		return nil
	}
	if len(basic) == 0 && len(adv) == 0 {
		// No selectors in code: CloudTrail's default is one basic selector logging all
		// management events (CreateTrail without PutEventSelectors).
		return &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: boolPtr(true)}}}
	}
	out := &snapshot.EventSelectors{}
	for _, s := range basic {
		es := snapshot.EventSelector{ReadWriteType: bstr(s, "read_write_type"), IncludeManagementEvents: toBool(s["include_management_events"]),
			ExcludeManagementEventSources: toStrings(s["exclude_management_event_sources"])}
		drs, _ := s["data_resource"].([]any)
		for _, d := range drs {
			if m, ok := d.(map[string]any); ok {
				es.DataResources = append(es.DataResources, snapshot.DataResource{Type: bstr(m, "type"), Values: toStrings(m["values"])})
			}
		}
		out.EventSelectors = append(out.EventSelectors, es)
	}
	for _, s := range adv {
		as := snapshot.AdvancedEventSelector{Name: bstr(s, "name"), FieldSelectors: []snapshot.AdvancedFieldSelector{}}
		fss, _ := s["field_selector"].([]any)
		for _, f := range fss {
			if m, ok := f.(map[string]any); ok {
				as.FieldSelectors = append(as.FieldSelectors, snapshot.AdvancedFieldSelector{Field: bstr(m, "field"),
					Equals: toStrings(m["equals"]), StartsWith: toStrings(m["starts_with"]), EndsWith: toStrings(m["ends_with"]),
					NotEquals: toStrings(m["not_equals"]), NotStartsWith: toStrings(m["not_starts_with"]), NotEndsWith: toStrings(m["not_ends_with"])})
			}
		}
		out.AdvancedEventSelectors = append(out.AdvancedEventSelectors, as)
	}
	return out
}
