# METADATA
# title: AWS snapshot helpers
# description: Shared functions over the snapshot (engines, log group names, parameters).
# scope: package
# custom:
#   library: true
package rules.lib.aws

aurora_mysql_engines := {"aurora", "aurora-mysql"}

aurora_postgresql_engines := {"aurora-postgresql"}

aurora_engines := aurora_mysql_engines | aurora_postgresql_engines

# RDS engines whose instances stand alone (not Aurora). Multi-AZ DB clusters use these too.
rds_mysql_engines := {"mysql", "mariadb"}

postgresql_engines := {"postgres", "aurora-postgresql"}

is_aurora_mysql(cluster) if cluster.Engine in aurora_mysql_engines

is_aurora_postgresql(cluster) if cluster.Engine in aurora_postgresql_engines

# An instance that belongs to an Aurora cluster: the cluster owns its exports and
# cluster-level parameters.
is_aurora_member(instance) if startswith(instance.Engine, "aurora")

# Aurora Serverless v1 ignores export settings.
is_serverless_v1(cluster) if cluster.EngineMode == "serverless"

exports(resource) := object.get(resource, "EnabledCloudwatchLogsExports", [])

cluster_log_group(cluster, log_type) := sprintf("/aws/rds/cluster/%s/%s", [cluster.DBClusterIdentifier, log_type])

instance_log_group(instance, log_type) := sprintf("/aws/rds/instance/%s/%s", [instance.DBInstanceIdentifier, log_type])

account_resource(account_id) := sprintf("AWS::::Account:%s", [account_id])

# unknown(resource, attribute) is true when the attribute's value is not known yet
# (e.g. "known after apply" in a Terraform plan).
unknown(resource, attribute) if attribute in object.get(resource, ["derived", "unknown_attributes"], [])

# Effective parameters (see docs/snapshot.md). param_unresolved gives the reason a
# parameter's value cannot be judged; param_value is the trimmed value, "" when unset.
param_unresolved(resource, name) := reason if {
	p := resource.derived.effective_parameters[name]
	p.from == "unresolved"
	reason := p.unresolved
}

param_unresolved(resource, name) := reason if {
	not resource.derived.effective_parameters[name]
	reason := sprintf("parameter %s was not resolved for this resource", [name])
}

param_value(resource, name) := trim_space(object.get(p, "value", "")) if {
	p := resource.derived.effective_parameters[name]
	p.from != "unresolved"
}

# A short "name=value (origin)" string for evidence.
param_evidence(resource, name) := sprintf("%s=%s (%s)", [name, _shown(p), _origin(p)]) if {
	p := resource.derived.effective_parameters[name]
}

param_evidence(resource, name) := sprintf("%s unresolved", [name]) if {
	not resource.derived.effective_parameters[name]
}

_shown(p) := p.value if p.value
else := "<unset>"

_origin(p) := sprintf("%s %s", [p.from, p.group]) if {
	p.group
	p.from != "engine-default"
}

_origin(p) := "engine-default" if p.from == "engine-default"

_origin(p) := p.from if {
	not p.group
	p.from != "engine-default"
}

# Comma-separated list → set of trimmed, non-empty items (case kept).
csv_set(s) := {trim_space(x) | some x in split(s, ","); trim_space(x) != ""}

# Boolean-ish parameter values: 1/on/true/yes (case-insensitive).
truthy(v) if lower(trim_space(v)) in {"1", "on", "true", "yes"}

# gap_reason(account_id, region, operation) explains why an operation's data is missing,
# when the snapshot records a collection gap for it.
gap_reason(account_id, region, operation) := reasons[0] if {
	reasons := sort([sprintf("%s %s failed: %s", [g.service, g.operation, g.error_code]) |
		some g in object.get(input, "collection_gaps", [])
		g.account_id == account_id
		g.region == region
		g.operation == operation
	])
	count(reasons) > 0
}
