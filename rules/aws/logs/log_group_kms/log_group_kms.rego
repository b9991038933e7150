# METADATA
# title: CloudWatch Logs log group is not encrypted with a KMS key
# description: |
#   Every log group in the snapshot (the /aws/rds/ groups and the CloudTrail destination
#   groups) must be encrypted with an AWS KMS key (`kmsKeyId` set), as AWS Config's
#   cloudwatch-log-group-encrypted checks. There is no Security Hub control for it. Without a
#   customer managed key, anyone with logs:GetLogEvents reads the audit records and access
#   cannot be revoked through the key policy. When CloudWatch Logs was not collected in a
#   region, the audit export groups and trail destination groups expected there are reported
#   as not evaluated.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/config/latest/developerguide/cloudwatch-log-group-encrypted.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
# custom:
#   id: DBAUDIT-LOGS-003
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsLogsLogGroup
#   remediation:
#     text: Associate a customer managed KMS key with the log group (the key policy must allow the logs.<region>.amazonaws.com principal).
#     cli: aws logs associate-kms-key --log-group-name <log-group> --kms-key-id <key-arn>
#     terraform: 'aws_cloudwatch_log_group: kms_key_id = aws_kms_key.logs.arn'
package rules.aws.logs.log_group_kms

import data.rules.lib.aws

applicable contains {"resource": aws.log_group_arn(account.account_id, region.region, name)} if {
	some account in input.accounts
	some region in account.regions
	some name, _ in region.logs.log_groups
}

applicable contains {"resource": aws.log_group_arn(account_id, region, name)} if {
	some [account_id, region, name, _] in _expected_not_collected
}

not_evaluated contains {"resource": aws.log_group_arn(account_id, region, name), "reason": reason} if {
	some [account_id, region, name, reason] in _expected_not_collected
}

not_evaluated contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"reason": "kmsKeyId is not known until apply",
} if {
	some account in input.accounts
	some region in account.regions
	some name, lg in region.logs.log_groups
	aws.unknown(lg, "kmsKeyId")
}

deny contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"msg": sprintf("Log group %s is not encrypted with a KMS key", [name]),
	"evidence": "kmsKeyId absent",
} if {
	some account in input.accounts
	some region in account.regions
	some name, lg in region.logs.log_groups
	not aws.unknown(lg, "kmsKeyId")
	object.get(lg, "kmsKeyId", "") == ""
}

# Log groups we know should exist in a region whose CloudWatch Logs data was not collected:
# the audit export groups and the trail destination groups.
# [account_id, region, log group name, reason]
_expected_not_collected contains [account.account_id, region.region, name, reason] if {
	some account in input.accounts
	some region in account.regions
	not region.logs
	some name in _audit_groups(region)
	reason := aws.not_collected_reason(account.account_id, region.region, "DescribeLogGroups", "CloudWatch Logs")
}

_expected_not_collected contains [account_id, region_name, name, reason] if {
	some [account_id, region_name, name] in _trail_groups
	[account_id, region_name] in _logs_not_collected
	reason := aws.not_collected_reason(account_id, region_name, "DescribeLogGroups", "CloudWatch Logs")
}

_logs_not_collected contains [account.account_id, region.region] if {
	some account in input.accounts
	some region in account.regions
	not region.logs
}

_audit_groups(region) := {aws.cluster_log_group(c, t) |
	some c in region.rds.db_clusters
	t := aws.cluster_audit_log_type(c)
	t in aws.exports(c)
} | {aws.instance_log_group(i, t) |
	some i in region.rds.db_instances
	t := aws.instance_audit_log_type(i)
	t in aws.exports(i)
}

# CloudWatchLogsLogGroupArn is arn:aws:logs:<region>:<account>:log-group:<name>:*
_trail_groups contains [parts[4], parts[3], parts[6]] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	parts := split(trail.CloudWatchLogsLogGroupArn, ":")
	count(parts) >= 7
	parts[5] == "log-group"
}
