# METADATA
# title: Database audit log group is not archived outside CloudWatch Logs
# description: |
#   Each audit log group of an enabled audit export (Aurora MySQL cluster `audit`, Aurora
#   PostgreSQL cluster `postgresql`, RDS MySQL/MariaDB instance `audit`, RDS PostgreSQL
#   instance `postgresql`) should have at least one subscription filter with a destination
#   (Amazon Data Firehose to S3, Lambda, Kinesis Data Streams or a cross-account destination),
#   so that the audit trail survives the group's retention and deletion of the group. Custom
#   rule; no Security Hub control. Groups that do not exist are reported by DBAUDIT-LOGS-001
#   / -006.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions.html
#   - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html
# custom:
#   id: DBAUDIT-LOGS-005
#   severity: LOW
#   service: logs
#   resource_type: AwsLogsLogGroup
#   remediation:
#     text: Add a subscription filter that streams the audit log group to Amazon Data Firehose (delivering to an S3 bucket with Object Lock or a retention policy) or to another archive.
#     cli: aws logs put-subscription-filter --log-group-name /aws/rds/cluster/<cluster>/audit --filter-name archive --filter-pattern '' --destination-arn <firehose-arn> --role-arn <role-arn>
#     terraform: 'aws_cloudwatch_log_subscription_filter: log_group_name = "/aws/rds/cluster/<cluster>/audit", filter_pattern = "", destination_arn = aws_kinesis_firehose_delivery_stream.audit.arn'
package rules.aws.logs.audit_log_archived

import data.rules.lib.aws

# The audit groups of one region's enabled audit exports: {log group name}.
_audit_groups(region) := {aws.cluster_log_group(c, t) |
	some c in region.rds.db_clusters
	t := aws.cluster_audit_log_type(c)
	t in aws.exports(c)
} | {aws.instance_log_group(i, t) |
	some i in region.rds.db_instances
	t := aws.instance_audit_log_type(i)
	t in aws.exports(i)
}

_archived(lg) if {
	some sf in object.get(lg, "subscription_filters", [])
	object.get(sf, "destinationArn", "") != ""
}

# A group is judged where it exists, or where CloudWatch Logs was not collected (not evaluated);
# a missing group is DBAUDIT-LOGS-001 / -006's finding.
_judged(region, name) if region.logs.log_groups[name]

_judged(region, _) if not region.logs

applicable contains {"resource": aws.log_group_arn(account.account_id, region.region, name)} if {
	some account in input.accounts
	some region in account.regions
	some name in _audit_groups(region)
	_judged(region, name)
}

not_evaluated contains {"resource": aws.log_group_arn(account.account_id, region.region, name), "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	not region.logs
	some name in _audit_groups(region)
	reason := aws.not_collected_reason(account.account_id, region.region, "DescribeLogGroups", "CloudWatch Logs")
}

not_evaluated contains {"resource": aws.log_group_arn(account.account_id, region.region, name), "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	some name in _audit_groups(region)
	lg := region.logs.log_groups[name]
	not _archived(lg)
	reason := aws.resource_gap_reason(account.account_id, region.region, "DescribeSubscriptionFilters", [name])
}

deny contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"msg": sprintf("Audit log group %s has no subscription filter that archives it", [name]),
	"evidence": sprintf("subscription_filters=%v", [[object.get(sf, "filterName", "") | some sf in object.get(lg, "subscription_filters", [])]]),
} if {
	some account in input.accounts
	some region in account.regions
	some name in _audit_groups(region)
	lg := region.logs.log_groups[name]
	not _archived(lg)
	not aws.resource_gap_reason(account.account_id, region.region, "DescribeSubscriptionFilters", [name])
}
