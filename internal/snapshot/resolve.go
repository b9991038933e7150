package snapshot

import (
	"fmt"
	"sort"
	"strings"
)

// Resolve fills the derived values every rule relies on: effective parameters on clusters
// and instances, and the alarms watching each metric filter. It replaces earlier derived
// values of those kinds, keeps locations and unknown attributes, and is idempotent.
func Resolve(s *Snapshot) {
	for ai := range s.Accounts {
		acct := &s.Accounts[ai]
		for ri := range acct.Regions {
			r := &acct.Regions[ri]
			if r.RDS != nil {
				resolveRDS(s, acct.AccountID, r)
			}
		}
	}
	LinkAlarms(s)
}

func resolveRDS(s *Snapshot, account string, r *Region) {
	rds := r.RDS
	clusterParams := map[string]map[string]EffectiveParameter{}
	for i := range rds.DBClusters {
		c := &rds.DBClusters[i]
		names := ParametersForEngine(c.Engine)
		eff := make(map[string]EffectiveParameter, len(names))
		for _, name := range names {
			eff[name] = clusterParameter(s, account, r.Region, rds, c.DBClusterParameterGroup, name)
		}
		c.Derived = withEffective(c.Derived, eff)
		clusterParams[c.DBClusterIdentifier] = eff
	}
	for i := range rds.DBInstances {
		inst := &rds.DBInstances[i]
		groupName := ""
		if len(inst.DBParameterGroups) > 0 {
			groupName = inst.DBParameterGroups[0].DBParameterGroupName
		}
		names := ParametersForEngine(inst.Engine)
		eff := make(map[string]EffectiveParameter, len(names))
		clusterEff, member := clusterParams[inst.DBClusterIdentifier]
		for _, name := range names {
			if member && inst.DBClusterIdentifier != "" {
				eff[name] = memberParameter(s, account, r.Region, rds, groupName, name, clusterEff[name])
			} else {
				eff[name] = instanceParameter(s, account, r.Region, rds, groupName, name)
			}
		}
		inst.Derived = withEffective(inst.Derived, eff)
	}
}

func withEffective(d *Derived, eff map[string]EffectiveParameter) *Derived {
	if d == nil {
		d = &Derived{}
	}
	d.EffectiveParameters = eff
	return d
}

// clusterParameter resolves a parameter of an Aurora cluster from its cluster parameter
// group and the family's engine defaults.
func clusterParameter(s *Snapshot, account, region string, rds *RDS, group, name string) EffectiveParameter {
	if group == "" {
		return unresolved("the cluster records no DB cluster parameter group")
	}
	g, ok := rds.DBClusterParameterGroups[group]
	if !ok {
		if v, known := defaultGroupValue(group, name); known {
			return EffectiveParameter{Value: &v, Source: "engine-default", From: FromEngineDefault, Group: group, Default: &v}
		}
		return unresolved(missingGroup(s, account, region, "DB cluster parameter group", group, "DescribeDBClusterParameters"))
	}
	return fromGroup(g.Parameters, FromClusterGroup, group, rds.EngineDefaultClusterParameters, g.DBParameterGroupFamily, name,
		defaultsGapNote(s, account, region, "DescribeDBClusterParameterGroups", "DescribeEngineDefaultClusterParameters", group, g.DBParameterGroupFamily))
}

// instanceParameter resolves a parameter of a stand-alone RDS instance.
func instanceParameter(s *Snapshot, account, region string, rds *RDS, group, name string) EffectiveParameter {
	if group == "" {
		return unresolved("the instance records no DB parameter group")
	}
	g, ok := rds.DBParameterGroups[group]
	if !ok {
		return unresolved(missingGroup(s, account, region, "DB parameter group", group, "DescribeDBParameters"))
	}
	return fromGroup(g.Parameters, FromInstanceGroup, group, rds.EngineDefaultParameters, g.DBParameterGroupFamily, name,
		defaultsGapNote(s, account, region, "DescribeDBParameterGroups", "DescribeEngineDefaultParameters", group, g.DBParameterGroupFamily))
}

// memberParameter resolves a parameter of an Aurora member instance: its own group's value
// wins when modified there (Source=user); otherwise the cluster's effective value applies.
func memberParameter(s *Snapshot, account, region string, rds *RDS, group, name string, cluster EffectiveParameter) EffectiveParameter {
	if group == "" {
		return cluster
	}
	g, ok := rds.DBParameterGroups[group]
	if !ok {
		if strings.HasPrefix(group, "default.") {
			return cluster // a default group overrides nothing
		}
		return unresolved(missingGroup(s, account, region, "DB parameter group", group, "DescribeDBParameters"))
	}
	p, ok := g.Parameters[name]
	if ok && p.Source == "user" {
		return EffectiveParameter{Value: p.ParameterValue, Source: p.Source, From: FromInstanceGroup, Group: group, Default: cluster.Default}
	}
	return cluster
}

// fromGroup resolves name from a group's parameters, else the family's engine defaults;
// defaultsGap explains why the defaults are missing, when a collection gap does.
func fromGroup(params map[string]Parameter, from, group string, defaults map[string]EngineDefaults, family, name, defaultsGap string) EffectiveParameter {
	var def *string
	defaultKnown := false
	if d, ok := defaults[family]; ok && family != "" {
		defaultKnown = true
		if dp, ok := d.Parameters[name]; ok {
			def = dp.ParameterValue
		}
	}
	p, listed := params[name]
	switch {
	case listed && p.ParameterValue != nil:
		return EffectiveParameter{Value: p.ParameterValue, Source: p.Source, From: from, Group: group, Default: def}
	case def != nil:
		return EffectiveParameter{Value: def, Source: "engine-default", From: FromEngineDefault, Group: family, Default: def}
	case listed:
		// Listed without a value and no default: the parameter is unset.
		return EffectiveParameter{Source: p.Source, From: from, Group: group}
	case defaultKnown:
		// Neither the group nor the family's defaults have it: the engine has no such
		// parameter, so it is unset.
		return EffectiveParameter{From: FromEngineDefault, Group: family}
	default:
		reason := fmt.Sprintf("parameter group %s does not list %s and the engine defaults", group, name)
		if family != "" {
			reason += " of family " + family
		}
		return unresolved(reason + " are not in the snapshot" + defaultsGap)
	}
}

// auroraMySQLAuditDefaults are the documented defaults of the Advanced Auditing parameters
// (Aurora MySQL user guide, parameter reference). A default.aurora-mysql* group cannot be
// modified, so it always runs with them, even when the group itself was not collected.
var auroraMySQLAuditDefaults = map[string]string{
	"server_audit_logging":     "0",
	"server_audit_events":      "",
	"server_audit_excl_users":  "",
	"server_audit_incl_users":  "",
	"server_audit_logs_upload": "0",
}

func defaultGroupValue(group, name string) (string, bool) {
	if !strings.HasPrefix(group, "default.aurora-mysql") && !strings.HasPrefix(group, "default.aurora5.") {
		return "", false
	}
	v, ok := auroraMySQLAuditDefaults[name]
	return v, ok
}

func unresolved(reason string) EffectiveParameter {
	return EffectiveParameter{From: FromUnresolved, Unresolved: reason}
}

func missingGroup(s *Snapshot, account, region, kind, group, operation string) string {
	return fmt.Sprintf("%s %s is not in the snapshot", kind, group) + gapNote(s, account, region, operation, group)
}

// defaultsGapNote explains why a group's engine defaults are missing: the gap of the
// family's defaults, or, when the group's family is unknown, the gap of the group's
// Describe…ParameterGroups call that would have named it.
func defaultsGapNote(s *Snapshot, account, region, groupOp, defaultsOp, group, family string) string {
	if family == "" {
		return gapNote(s, account, region, groupOp, group)
	}
	return gapNote(s, account, region, defaultsOp, family)
}

// gapNote is " (<service> <operation> failed: <code>)" for the collection gap of operation
// on resource in the account and region, or "" when there is none.
func gapNote(s *Snapshot, account, region, operation, resource string) string {
	for _, g := range s.CollectionGaps {
		if g.AccountID == account && g.Region == region && g.Operation == operation && (g.Resource == "" || g.Resource == resource) {
			return fmt.Sprintf(" (%s %s failed: %s)", g.Service, g.Operation, g.ErrorCode)
		}
	}
	return ""
}

// LinkAlarms sets derived.alarm_names on every metric filter: the alarms of the same region
// whose Namespace and MetricName match one of the filter's metric transformations, sorted.
// It is idempotent and creates no empty derived object, so importers run it after merging
// files (alarms and filters from different files meet) without changing their output shape.
func LinkAlarms(s *Snapshot) {
	for ai := range s.Accounts {
		for ri := range s.Accounts[ai].Regions {
			if r := &s.Accounts[ai].Regions[ri]; r.Logs != nil {
				linkRegionAlarms(r)
			}
		}
	}
}

func linkRegionAlarms(r *Region) {
	byMetric := map[string][]string{}
	if r.CloudWatch != nil {
		for name, a := range r.CloudWatch.MetricAlarms {
			for _, m := range AlarmMetrics(a) {
				k := m.Namespace + "\x00" + m.MetricName
				byMetric[k] = append(byMetric[k], name)
			}
		}
	}
	for gname, g := range r.Logs.LogGroups {
		for fi := range g.MetricFilters {
			mf := &g.MetricFilters[fi]
			var names []string
			for _, t := range mf.MetricTransformations {
				names = append(names, byMetric[t.MetricNamespace+"\x00"+t.MetricName]...)
			}
			sort.Strings(names)
			names = dedupe(names)
			if mf.Derived == nil && len(names) == 0 {
				continue
			}
			if mf.Derived == nil {
				mf.Derived = &MetricFilterDerived{}
			}
			mf.Derived.AlarmNames = names
		}
		r.Logs.LogGroups[gname] = g
	}
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
