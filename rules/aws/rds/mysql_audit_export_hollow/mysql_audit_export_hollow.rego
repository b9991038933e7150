# METADATA
# title: Aurora MySQL cluster exports an audit log that receives nothing
# description: |
#   An export without its parameter is hollow. An Aurora MySQL cluster that publishes the
#   `audit` log type (so it passes Security Hub RDS.34) while server_audit_logging is not
#   1/ON or server_audit_events is empty writes no audit records: the log group
#   /aws/rds/cluster/<cluster>/audit stays empty. Neither RDS.34 nor RDS.45 alone reports
#   this combination. Aurora Serverless v1 ignores export settings and is out of scope.
#   DBAUDIT-RDS-024 is the same check for RDS for MySQL and MariaDB instances.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-34
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-45
# custom:
#   id: DBAUDIT-RDS-023
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: In the cluster's custom DB cluster parameter group set server_audit_logging to 1 and server_audit_events (e.g. CONNECT,QUERY), so the audit export receives records.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=server_audit_logging,ParameterValue=1,ApplyMethod=immediate" "ParameterName=server_audit_events,ParameterValue='CONNECT,QUERY',ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "server_audit_logging" value = "1" } and parameter { name = "server_audit_events" value = "CONNECT,QUERY" }'
package rules.aws.rds.mysql_audit_export_hollow

import data.rules.lib.aws

_params := ["server_audit_logging", "server_audit_events"]

_aurora_mysql contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_mysql(cluster)
	not aws.is_serverless_v1(cluster)
}

_exports_audit(cluster) if {
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	some t in aws.exports(cluster)
	lower(t) == "audit"
}

# Judged only where the audit log is exported.
_in_scope contains cluster if {
	some cluster in _aurora_mysql
	_exports_audit(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

_problems(cluster) := {"server_audit_logging is not 1/ON" |
	not aws.truthy(aws.param_value(cluster, "server_audit_logging"))
	aws.param_value(cluster, "server_audit_logging")
} | {"server_audit_events is empty" |
	aws.param_value(cluster, "server_audit_events") == ""
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s exports the audit log but records nothing: %s", [cluster.DBClusterIdentifier, concat(", ", sort(problems))]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v; %s", [aws.exports(cluster), concat("; ", [aws.param_evidence(cluster, p) | some p in _params])]),
} if {
	some cluster in _in_scope
	problems := _problems(cluster)
	count(problems) > 0
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some cluster in _aurora_mysql
	aws.unknown(cluster, "EnabledCloudwatchLogsExports")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": concat("; ", sort(unknowns))} if {
	some cluster in _in_scope
	count(_problems(cluster)) == 0
	unknowns := {aws.param_unresolved(cluster, p) | some p in _params}
	count(unknowns) > 0
}
