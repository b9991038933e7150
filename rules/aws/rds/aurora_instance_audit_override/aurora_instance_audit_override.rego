# METADATA
# title: Aurora instance overrides the cluster's audit parameters
# description: |
#   For parameters settable at both levels, a value modified in an Aurora instance's own DB
#   parameter group (Source=user) wins over the DB cluster parameter group, even when set
#   back to the default. An instance that sets an audit-relevant parameter (server_audit_*,
#   pgaudit.*, log_connections, log_disconnections, shared_preload_libraries) to a value
#   different from the cluster's effective value audits differently from what the cluster
#   group, where reviews and Security Hub look, says, and usually less. Values are compared
#   as case-insensitive comma lists, with 1/on/true/yes and 0/off/false/no treated alike.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
# custom:
#   id: DBAUDIT-RDS-007
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Reset the audit parameters in the instance's DB parameter group so the cluster parameter group's values apply, or attach a parameter group without these overrides.
#     cli: aws rds reset-db-parameter-group --db-parameter-group-name <instance-group> --parameters "ParameterName=<parameter>,ApplyMethod=pending-reboot"
#     terraform: 'aws_db_parameter_group (used by aws_rds_cluster_instance): remove the parameter { name = "<parameter>" } block'
package rules.aws.rds.aurora_instance_audit_override

import data.rules.lib.aws

# Clusters by [account, region, DBClusterIdentifier], built once: a complete object, so
# that a lookup is a hash lookup rather than a re-evaluation of a partial rule.
_clusters := {[account.account_id, region.region, cluster.DBClusterIdentifier]: cluster |
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_aurora_member(instance)
}

_relevant(instance, name) if {
	instance.Engine in aws.aurora_mysql_engines
	startswith(name, "server_audit_")
}

_relevant(instance, name) if {
	instance.Engine in aws.aurora_postgresql_engines
	startswith(name, "pgaudit.")
}

_relevant(instance, name) if {
	instance.Engine in aws.aurora_postgresql_engines
	name in {"log_connections", "log_disconnections", "shared_preload_libraries"}
}

# Instance-level overrides of audit-relevant parameters.
_overrides(instance) := {name |
	some name, p in object.get(instance, ["derived", "effective_parameters"], {})
	p.from == "instance-parameter-group"
	_relevant(instance, name)
}

_canon(x) := "on" if x in {"1", "on", "true", "yes"}

_canon(x) := "off" if x in {"0", "off", "false", "no"}

_canon(x) := x if not x in {"1", "on", "true", "yes", "0", "off", "false", "no"}

_norm(resource, name) := {_canon(x) | some x in aws.csv_set(lower(aws.param_value(resource, name)))}

_cluster(account_id, region_name, instance) := _clusters[[account_id, region_name, instance.DBClusterIdentifier]]

_differs(instance, cluster) := {name |
	some name in _overrides(instance)
	not aws.param_unresolved(cluster, name)
	_norm(instance, name) != _norm(cluster, name)
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("Aurora instance %s overrides the audit parameters %s of cluster %s in its own DB parameter group", [instance.DBInstanceIdentifier, concat(", ", sort(names)), cluster.DBClusterIdentifier]),
	"evidence": concat("; ", [sprintf("%s vs cluster %s", [aws.param_evidence(instance, n), aws.param_evidence(cluster, n)]) | some n in sort(names)]),
} if {
	some account in input.accounts
	account_id := account.account_id
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_aurora_member(instance)
	cluster := _cluster(account_id, region.region, instance)
	names := _differs(instance, cluster)
	count(names) > 0
}

_denied := {f.resource | some f in deny}

# Functions get the region's name, never the region object (function calls are cached by
# their arguments).
not_evaluated contains {"resource": instance.DBInstanceArn, "reason": concat("; ", sort(reasons))} if {
	some account in input.accounts
	account_id := account.account_id
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_aurora_member(instance)
	not instance.DBInstanceArn in _denied
	missing_groups := {sprintf("DB parameter group %s is not in the snapshot", [name]) |
		some g in object.get(instance, "DBParameterGroups", [])
		name := g.DBParameterGroupName
		not startswith(name, "default.") # default groups cannot be modified: no overrides
		not region.rds.db_parameter_groups[name]
	}
	reasons := (missing_groups | _missing_cluster(account_id, region.region, instance)) | _unresolved(account_id, region.region, instance)
	count(reasons) > 0
}

_missing_cluster(account_id, region_name, instance) := {sprintf("DB cluster %s is not in the snapshot", [object.get(instance, "DBClusterIdentifier", "<unknown>")]) |
	not _cluster(account_id, region_name, instance)
}

# Unresolved audit parameters on the cluster where the instance overrides them, and, when
# the instance names no DB parameter group (so its presence cannot be checked), on the
# instance. With the instance's group in the snapshot, a parameter not taken from it is
# simply not overridden, whatever the cluster's value.
_unresolved(account_id, region_name, instance) := {r |
	count(object.get(instance, "DBParameterGroups", [])) == 0
	some name, p in object.get(instance, ["derived", "effective_parameters"], {})
	_relevant(instance, name)
	p.from == "unresolved"
	r := aws.param_unresolved(instance, name)
} | {r |
	cluster := _cluster(account_id, region_name, instance)
	some name in _overrides(instance)
	r := aws.param_unresolved(cluster, name)
}
