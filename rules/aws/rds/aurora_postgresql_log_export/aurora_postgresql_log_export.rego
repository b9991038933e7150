# METADATA
# title: Aurora PostgreSQL cluster does not publish PostgreSQL logs to CloudWatch Logs
# description: |
#   The PostgreSQL log (which carries pgAudit records, connection logging and statement
#   logging) stays on the instances for rds.log_retention_period (3 days by default) unless
#   the cluster exports the `postgresql` log type to /aws/rds/cluster/<cluster>/postgresql.
#   Aurora Serverless v1 ignores export settings and is out of scope, as for RDS.34.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-37
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Concepts.PostgreSQL.html
# custom:
#   id: DBAUDIT-RDS-010
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Add `postgresql` to the cluster's CloudWatch Logs exports.
#     cli: aws rds modify-db-cluster --db-cluster-identifier <cluster> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["postgresql"]}'
#     terraform: 'aws_rds_cluster: enabled_cloudwatch_logs_exports = ["postgresql"]'
#   frameworks:
#     aws-securityhub: ["RDS.37"]
#     pci-dss-v4.0.1: ["10.4.2"]
package rules.aws.rds.aurora_postgresql_log_export

import data.rules.lib.aws

_in_scope contains [account.account_id, region.region, cluster] if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_postgresql(cluster)
	not aws.is_serverless_v1(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some [_, _, cluster] in _in_scope
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some [_, _, cluster] in _in_scope
	aws.unknown(cluster, "EnabledCloudwatchLogsExports")
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora PostgreSQL cluster %s does not export the postgresql log to CloudWatch Logs", [cluster.DBClusterIdentifier]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v", [aws.exports(cluster)]),
} if {
	some [_, _, cluster] in _in_scope
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	not "postgresql" in aws.exports(cluster)
}
