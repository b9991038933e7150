# METADATA
# title: Aurora MySQL Advanced Auditing skips database users
# description: |
#   server_audit_excl_users removes users from the audit log and a non-empty
#   server_audit_incl_users limits auditing to the listed users (CONNECT events ignore both
#   lists). Only the users in the parameter aurora_mysql_allowed_excluded_users (default the
#   rdsadmin health-check user) may be excluded. User names are compared case-sensitively, as
#   MySQL does. Clusters with auditing off are out of scope (DBAUDIT-RDS-002 reports them).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
# custom:
#   id: DBAUDIT-RDS-004
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Remove application and human users from server_audit_excl_users and clear server_audit_incl_users in the cluster's DB cluster parameter group.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=server_audit_excl_users,ParameterValue=rdsadmin,ApplyMethod=immediate" "ParameterName=server_audit_incl_users,ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "server_audit_excl_users" value = "rdsadmin" } and no server_audit_incl_users parameter'
package rules.aws.rds.aurora_mysql_audit_excluded_users

import data.rules.lib.aws
import data.rules.lib.params

_allowed := {trim_space(u) | some u in params.values.aurora_mysql_allowed_excluded_users}

_aurora_mysql contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_mysql(cluster)
}

# Judged only where Advanced Auditing is on.
_in_scope contains cluster if {
	some cluster in _aurora_mysql
	aws.truthy(aws.param_value(cluster, "server_audit_logging"))
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

_evidence(cluster) := sprintf("%s; %s; allowed exclusions: %s", [
	aws.param_evidence(cluster, "server_audit_excl_users"),
	aws.param_evidence(cluster, "server_audit_incl_users"),
	concat(",", sort(_allowed)),
])

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s excludes users %s from Advanced Auditing", [cluster.DBClusterIdentifier, concat(", ", sort(extra))]),
	"evidence": _evidence(cluster),
} if {
	some cluster in _in_scope
	excluded := aws.param_value(cluster, "server_audit_excl_users")
	extra := aws.csv_set(excluded) - _allowed
	count(extra) > 0
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s audits only the users in server_audit_incl_users", [cluster.DBClusterIdentifier]),
	"evidence": _evidence(cluster),
} if {
	some cluster in _in_scope
	included := aws.param_value(cluster, "server_audit_incl_users")
	count(aws.csv_set(included)) > 0
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some cluster in _aurora_mysql
	reason := aws.param_unresolved(cluster, "server_audit_logging")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some cluster in _in_scope
	some p in ["server_audit_excl_users", "server_audit_incl_users"]
	reason := aws.param_unresolved(cluster, p)
}
