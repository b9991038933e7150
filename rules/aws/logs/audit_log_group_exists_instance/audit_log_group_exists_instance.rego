# METADATA
# title: RDS instance exports its audit log to a log group that does not exist
# description: |
#   An RDS for MySQL or MariaDB instance with the `audit` export, or an RDS for PostgreSQL
#   instance with the `postgresql` export, writes to /aws/rds/instance/<instance>/<type>. RDS
#   uses an existing group or creates one; a group that is missing (deleted after the export
#   was enabled, or never created) means the audit trail is not kept. Aurora member instances
#   are out of scope (the cluster owns the exports; see DBAUDIT-LOGS-001), and so are
#   instances without the export (RDS.9 / RDS.36 / RDS.42). Twin of DBAUDIT-LOGS-001 for DB
#   instances.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
#   - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
# custom:
#   id: DBAUDIT-LOGS-006
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Create the log group /aws/rds/instance/<instance>/<type> (with retention and a KMS key), or re-enable the export so that RDS recreates it, and check that the instance is running.
#     cli: aws logs create-log-group --log-group-name /aws/rds/instance/<instance>/audit --kms-key-id <key-arn> && aws logs put-retention-policy --log-group-name /aws/rds/instance/<instance>/audit --retention-in-days 365
#     terraform: 'aws_cloudwatch_log_group: name = "/aws/rds/instance/<instance>/audit", retention_in_days = 365, kms_key_id = <key-arn>'
package rules.aws.logs.audit_log_group_exists_instance

import data.rules.lib.aws

# The audit export type of an in-scope instance, when it is enabled or not known yet.
_log_type(instance) := t if {
	t := aws.instance_audit_log_type(instance)
	t in aws.exports(instance)
}

_log_type(instance) := aws.instance_audit_log_type(instance) if {
	aws.unknown(instance, "EnabledCloudwatchLogsExports")
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_log_type(instance)
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_log_type(instance)
	aws.unknown(instance, "EnabledCloudwatchLogsExports")
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	not region.logs
	some instance in region.rds.db_instances
	_log_type(instance)
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	reason := aws.not_collected_reason(account.account_id, region.region, "DescribeLogGroups", "CloudWatch Logs")
}

# Logs were collected, but DescribeLogGroups failed part-way: a missing group proves nothing.
not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	region.logs
	some instance in region.rds.db_instances
	t := _log_type(instance)
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	not region.logs.log_groups[aws.instance_log_group(instance, t)]
	reason := aws.gap_reason(account.account_id, region.region, "DescribeLogGroups")
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("DB instance %s exports its %s log, but the log group %s does not exist", [instance.DBInstanceIdentifier, t, name]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v; log group %s not in DescribeLogGroups", [aws.exports(instance), name]),
} if {
	some account in input.accounts
	some region in account.regions
	region.logs
	some instance in region.rds.db_instances
	t := _log_type(instance)
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	name := aws.instance_log_group(instance, t)
	not region.logs.log_groups[name]
	not aws.gap_reason(account.account_id, region.region, "DescribeLogGroups")
}
