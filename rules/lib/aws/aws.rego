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

# account_gap_reason(account_id, operation) is gap_reason for an account-level gap (one
# without a region: the AssumeRole of an organization member, DescribeRegions).
account_gap_reason(account_id, operation) := reasons[0] if {
	reasons := sort([sprintf("%s %s failed: %s", [g.service, g.operation, g.error_code]) |
		some g in object.get(input, "collection_gaps", [])
		g.account_id == account_id
		object.get(g, "region", "") == ""
		g.operation == operation
	])
	count(reasons) > 0
}

# trail_home_gap(account_id, trail_arn) is " (cloudtrail DescribeTrails failed: CODE)" when
# the trail listing of the trail's home region (from its ARN) failed, else "".
trail_home_gap(account_id, trail_arn) := sprintf(" (%s)", [reason]) if {
	parts := split(trail_arn, ":")
	count(parts) > 3
	reason := gap_reason(account_id, parts[3], "DescribeTrails")
} else := ""

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

# The resource id of a log group: its ARN without the trailing ":*". Built from the name so
# that a missing group and an existing one have the same id; the partition follows the Region
# (arn:aws-cn:logs:cn-north-1:…), as in internal/engine.LogGroupID.
log_group_arn(account_id, region, name) := sprintf("arn:%s:logs:%s:%s:log-group:%s", [partition(region), region, account_id, name])

# partition(region) is the AWS partition of a Region name, from the SDK's Region patterns as
# in internal/awspartition: aws-cn (cn-…), aws-us-gov (us-gov-…), aws-iso (us-iso-…),
# aws-iso-b (us-isob-…), aws-iso-e (eu-isoe-…), aws-iso-f (us-isof-…), aws-eusc (eusc-de-…),
# else aws (also for a name that fits no partition, like awspartition.OrDefault).
partition(region) := id if {
	some id, pattern in _partition_patterns
	regex.match(pattern, region)
} else := "aws"

_partition_patterns := {
	"aws-cn": `^cn-\w+-\d+$`,
	"aws-us-gov": `^us-gov-\w+-\d+$`,
	"aws-iso": `^us-iso-\w+-\d+$`,
	"aws-iso-b": `^us-isob-\w+-\d+$`,
	"aws-iso-e": `^eu-isoe-\w+-\d+$`,
	"aws-iso-f": `^us-isof-\w+-\d+$`,
	"aws-eusc": `^eusc-(de)-\w+-\d+$`,
}

# The export type that carries a database's audit records: `audit` for Aurora MySQL clusters
# and RDS MySQL/MariaDB instances, `postgresql` for Aurora PostgreSQL clusters and RDS
# PostgreSQL instances. Undefined for Aurora Serverless v1 (ignores exports) and for Aurora
# member instances (the cluster owns the exports).
cluster_audit_log_type(cluster) := "audit" if {
	is_aurora_mysql(cluster)
	not is_serverless_v1(cluster)
}

cluster_audit_log_type(cluster) := "postgresql" if {
	is_aurora_postgresql(cluster)
	not is_serverless_v1(cluster)
}

instance_audit_log_type(instance) := "audit" if instance.Engine in rds_mysql_engines

instance_audit_log_type(instance) := "postgresql" if instance.Engine == "postgres"

# not_collected_reason explains why a service's data is absent from a region: the recorded
# collection gap of operation if any, else "<what> was not collected ...".
not_collected_reason(account_id, region, operation, what) := reason if {
	reason := gap_reason(account_id, region, operation)
} else := sprintf("%s was not collected for account %s in %s", [what, account_id, region])

# resource_gap_reason is gap_reason limited to gaps on one resource: the gap's resource is
# one of names (e.g. a trail's name and ARN), or empty (the whole operation failed).
# Indexed by [account, region, operation] so that rules can ask per resource cheaply.
resource_gap_reason(account_id, region, operation, names) := reasons[0] if {
	gaps := _gaps_by_operation[[account_id, region, operation]]
	reasons := sort([sprintf("%s %s failed: %s", [g.service, g.operation, g.error_code]) |
		some g in gaps
		object.get(g, "resource", "") in ({""} | {n | some n in names})
	])
	count(reasons) > 0
}

_gaps_by_operation[[g.account_id, g.region, g.operation]] contains g if {
	some g in object.get(input, "collection_gaps", [])
}

# --- PostgreSQL and Database Activity Streams helpers ---

# RDS for PostgreSQL: standalone instances and Multi-AZ DB cluster members (never Aurora).
is_rds_postgresql(instance) if instance.Engine == "postgres"

# Comma-separated list → set of trimmed, lower-cased, non-empty items.
csv_lower_set(s) := {lower(x) | some x in csv_set(s)}

# pgaudit is in the effective shared_preload_libraries (undefined while unresolved).
pgaudit_loaded(resource) if "pgaudit" in csv_lower_set(param_value(resource, "shared_preload_libraries"))

# pgAudit session classes (pgaudit.log), lower case.
pgaudit_classes := {"read", "write", "function", "role", "ddl", "misc", "misc_set"}

# pgaudit.log items in order: {"class", "subtract"}; matching is case-insensitive.
pgaudit_log_items(value) := [{"class": trim_space(trim_prefix(x, "-")), "subtract": startswith(x, "-")} |
	some raw in split(lower(value), ",")
	x := trim_space(raw)
	x != ""
]

# Classes pgaudit.log enables, applied in order as pgAudit does: `all` adds every class,
# `-x` removes x (`-all` removes every class), `none` adds nothing. Unknown names are ignored
# here (see pgaudit_log_unknown).
pgaudit_log_classes(value) := {c |
	items := pgaudit_log_items(value)
	some c in pgaudit_classes
	hits := {i | some i, item in items; item.class in {c, "all"}}
	count(hits) > 0
	not items[max(hits)].subtract
}

# Items of pgaudit.log that are not pgAudit class names (PostgreSQL rejects such a value).
pgaudit_log_unknown(value) := {item.class |
	some item in pgaudit_log_items(value)
	not item.class in (pgaudit_classes | {"all", "none"})
}

# log_connections records authenticated connections: a legacy boolean that is on
# (1/on/true/yes) or, from PostgreSQL 18, a list including `authentication` or `all`.
pg_log_connections_authenticated(value) if truthy(value)

pg_log_connections_authenticated(value) if {
	some item in csv_lower_set(value)
	item in {"authentication", "all"}
}

# A Database Activity Stream is configured when it is starting, started or stopping, or
# stopped but still names its Kinesis stream or KMS key. AWS reports
# ActivityStreamStatus "stopped" on clusters and instances that never used DAS, so the
# status alone does not say a stream was configured.
activity_stream_configured(resource) if lower(resource.ActivityStreamStatus) in {"starting", "started", "stopping"}

activity_stream_configured(resource) if {
	lower(resource.ActivityStreamStatus) == "stopped"
	some field in ["ActivityStreamKinesisStreamName", "ActivityStreamKmsKeyId"]
	object.get(resource, field, "") != ""
}

# --- RDS option groups (MySQL / MariaDB audit plugin) ---

# Names of the option groups an instance has attached or is attaching: memberships in-sync,
# applying or pending-apply. pending-removal and the other states do not count. A membership
# without Status (e.g. from a Terraform plan) is the configured group and counts.
attached_option_groups(instance) := {m.OptionGroupName |
	some m in object.get(instance, "OptionGroupMemberships", [])
	object.get(m, "Status", "in-sync") in {"in-sync", "applying", "pending-apply"}
}

# default:<engine>-<version> option groups cannot be modified, so they carry no options.
is_default_option_group(name) if startswith(name, "default:")

# group_option(option_group, name) is the option called name in the group; undefined if absent.
group_option(option_group, name) := o if {
	some o in object.get(option_group, "Options", [])
	o.OptionName == name
}

# option_setting(option, name) is the setting's Value, else its DefaultValue; undefined when
# the option lists neither.
option_setting(option, name) := v if {
	some s in object.get(option, "OptionSettings", [])
	s.Name == name
	v := _setting_value(s)
}

_setting_value(s) := s.Value if {
	s.Value != ""
} else := s.DefaultValue if {
	s.DefaultValue != ""
}
