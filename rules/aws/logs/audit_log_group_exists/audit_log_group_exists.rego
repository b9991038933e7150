# METADATA
# title: Aurora cluster exports its audit log to a log group that does not exist
# description: |
#   An Aurora MySQL cluster with the `audit` export, or an Aurora PostgreSQL cluster with the
#   `postgresql` export, writes to /aws/rds/cluster/<cluster>/<type>. RDS uses an existing
#   group or creates one; a group that is missing (deleted after the export was enabled, or
#   never created) means the audit trail is not kept. Clusters without the export are judged by RDS.34 / RDS.37; Aurora
#   Serverless v1 ignores exports and is out of scope. RDS instances are judged by the twin
#   rule DBAUDIT-LOGS-006.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.CloudWatch.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
#   - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
# custom:
#   id: DBAUDIT-LOGS-001
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Create the log group /aws/rds/cluster/<cluster>/<type> (with retention and a KMS key), or re-enable the export so that RDS recreates it, and check that the cluster's instances are running.
#     cli: aws logs create-log-group --log-group-name /aws/rds/cluster/<cluster>/audit --kms-key-id <key-arn> && aws logs put-retention-policy --log-group-name /aws/rds/cluster/<cluster>/audit --retention-in-days 365
#     terraform: 'aws_cloudwatch_log_group: name = "/aws/rds/cluster/<cluster>/audit", retention_in_days = 365, kms_key_id = <key-arn>'
package rules.aws.logs.audit_log_group_exists

import data.rules.lib.aws

# The audit export type of an in-scope cluster, when it is enabled or not known yet.
_log_type(cluster) := t if {
	t := aws.cluster_audit_log_type(cluster)
	t in aws.exports(cluster)
}

_log_type(cluster) := aws.cluster_audit_log_type(cluster) if {
	aws.unknown(cluster, "EnabledCloudwatchLogsExports")
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	_log_type(cluster)
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	_log_type(cluster)
	aws.unknown(cluster, "EnabledCloudwatchLogsExports")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	not region.logs
	some cluster in region.rds.db_clusters
	_log_type(cluster)
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	reason := aws.not_collected_reason(account.account_id, region.region, "DescribeLogGroups", "CloudWatch Logs")
}

# Logs were collected, but DescribeLogGroups failed part-way: a missing group proves nothing.
not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	region.logs
	some cluster in region.rds.db_clusters
	t := _log_type(cluster)
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	not region.logs.log_groups[aws.cluster_log_group(cluster, t)]
	reason := aws.gap_reason(account.account_id, region.region, "DescribeLogGroups")
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("DB cluster %s exports its %s log, but the log group %s does not exist", [cluster.DBClusterIdentifier, t, name]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v; log group %s not in DescribeLogGroups", [aws.exports(cluster), name]),
} if {
	some account in input.accounts
	some region in account.regions
	region.logs
	some cluster in region.rds.db_clusters
	t := _log_type(cluster)
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	name := aws.cluster_log_group(cluster, t)
	not region.logs.log_groups[name]
	not aws.gap_reason(account.account_id, region.region, "DescribeLogGroups")
}
