# METADATA
# title: Aurora MySQL cluster does not publish audit logs to CloudWatch Logs
# description: |
#   Advanced Auditing writes to local files that rotate at 100 MB and are removed after
#   24 hours. Only the `audit` log export keeps the records, in the log group
#   /aws/rds/cluster/<cluster>/audit. Aurora Serverless v1 ignores export settings and is
#   out of scope, as in Security Hub.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-34
# custom:
#   id: DBAUDIT-RDS-001
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Add `audit` to the cluster's CloudWatch Logs exports.
#     cli: aws rds modify-db-cluster --db-cluster-identifier <cluster> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["audit"]}'
#     terraform: 'aws_rds_cluster: enabled_cloudwatch_logs_exports = ["audit", "error"]'
#   frameworks:
#     aws-securityhub: ["RDS.34"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)"]
#     pci-dss-v4.0.1: ["10.2.1"]
package rules.aws.rds.aurora_mysql_audit_export

import data.rules.lib.aws

_in_scope contains [account.account_id, region.region, cluster] if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_mysql(cluster)
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
	"msg": sprintf("Aurora MySQL cluster %s does not export the audit log to CloudWatch Logs", [cluster.DBClusterIdentifier]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v", [aws.exports(cluster)]),
} if {
	some [_, _, cluster] in _in_scope
	not aws.unknown(cluster, "EnabledCloudwatchLogsExports")
	not "audit" in aws.exports(cluster)
}
