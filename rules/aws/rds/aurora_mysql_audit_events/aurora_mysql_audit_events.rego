# METADATA
# title: Aurora MySQL Advanced Auditing does not record the required events
# description: |
#   With Advanced Auditing on (server_audit_logging=1), server_audit_events decides what is
#   recorded: CONNECT covers successful and failed logins and disconnects, QUERY every query
#   in plain text. The list must include every event in the parameter
#   aurora_mysql_required_audit_events (default CONNECT, QUERY). Clusters with auditing off
#   are out of scope here (DBAUDIT-RDS-002 reports them).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
# custom:
#   id: DBAUDIT-RDS-003
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Add the missing events to server_audit_events in the cluster's DB cluster parameter group (upper case, comma-separated, no spaces).
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=server_audit_events,ParameterValue='CONNECT,QUERY',ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "server_audit_events" value = "CONNECT,QUERY" }'
package rules.aws.rds.aurora_mysql_audit_events

import data.rules.lib.aws
import data.rules.lib.params

_required := {upper(trim_space(e)) | some e in params.values.aurora_mysql_required_audit_events}

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

_upper_set(s) := {upper(e) | some e in aws.csv_set(s)}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s does not audit the events %s", [cluster.DBClusterIdentifier, concat(", ", sort(missing))]),
	"evidence": sprintf("%s; required: %s", [aws.param_evidence(cluster, "server_audit_events"), concat(",", sort(_required))]),
} if {
	some cluster in _in_scope
	events := aws.param_value(cluster, "server_audit_events")
	missing := _required - _upper_set(events)
	count(missing) > 0
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some cluster in _aurora_mysql
	reason := aws.param_unresolved(cluster, "server_audit_logging")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some cluster in _in_scope
	reason := aws.param_unresolved(cluster, "server_audit_events")
}
