# METADATA
# title: CloudWatch Logs log group does not keep logs for the required period
# description: |
#   Every log group in the snapshot (the /aws/rds/ groups and the CloudTrail destination
#   groups) must keep events for at least `min_log_retention_days` (default 365, as
#   CloudWatch.16's minRetentionTime). A group without `retentionInDays` never expires and
#   passes, as in AWS Config's cw-loggroup-retention-period-check (Checkov and Prowler wrongly
#   flag it). A group of class DELIVERY keeps events for one day only and fails. When
#   CloudWatch Logs was not collected in a region, the audit export groups and trail
#   destination groups expected there are reported as not evaluated.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16
#   - https://docs.aws.amazon.com/config/latest/developerguide/cw-loggroup-retention-period-check.html
#   - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
# custom:
#   id: DBAUDIT-LOGS-002
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsLogsLogGroup
#   remediation:
#     text: Set the log group's retention to at least the required number of days (or remove the retention policy so that events never expire); recreate DELIVERY-class groups as STANDARD.
#     cli: aws logs put-retention-policy --log-group-name <log-group> --retention-in-days 365
#     terraform: 'aws_cloudwatch_log_group: retention_in_days = 365 (0 = never expire), log_group_class = "STANDARD"'
#   frameworks:
#     aws-securityhub: ["CloudWatch.16"]
#     nist-800-53-r5: ["AU-10", "AU-11", "AU-6(3)", "AU-6(4)", "CA-7", "SI-12"]
package rules.aws.logs.log_group_retention

import data.rules.lib.aws
import data.rules.lib.params

_min := params.values.min_log_retention_days

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
	"reason": "retentionInDays is not known until apply",
} if {
	some account in input.accounts
	some region in account.regions
	some name, lg in region.logs.log_groups
	aws.unknown(lg, "retentionInDays")
	not _violation(lg)
}

deny contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"msg": sprintf("Log group %s keeps events for less than the required %v days", [name, _min]),
	"evidence": evidence,
} if {
	some account in input.accounts
	some region in account.regions
	some name, lg in region.logs.log_groups
	evidence := _violation(lg)
}

_violation(lg) := "logGroupClass=DELIVERY (events are kept for one day)" if {
	lg.logGroupClass == "DELIVERY"
} else := sprintf("retentionInDays=%v", [lg.retentionInDays]) if {
	not aws.unknown(lg, "retentionInDays")
	lg.retentionInDays < _min
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
