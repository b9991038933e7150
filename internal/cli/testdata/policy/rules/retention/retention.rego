# METADATA
# title: Test log group keeps events too briefly
# description: Test rule for the policy controls (CLI tests); reads min_log_retention_days.
# scope: package
# custom:
#   id: TEST-LOGS-001
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsLogsLogGroup
#   remediation:
#     text: Raise the retention.
#     cli: aws logs put-retention-policy --log-group-name <group> --retention-in-days 365
#     terraform: 'aws_cloudwatch_log_group: retention_in_days = 365'
#   frameworks:
#     aws-securityhub: ["CloudWatch.16"]
package custom.test.retention

import data.rules.lib.params

applicable contains {"resource": group.arn} if {
	some account in input.accounts
	some region in account.regions
	some group in region.logs.log_groups
}

deny contains {"resource": group.arn, "msg": sprintf("log group %s keeps events %d days", [group.logGroupName, group.retentionInDays])} if {
	some account in input.accounts
	some region in account.regions
	some group in region.logs.log_groups
	group.retentionInDays < params.values.min_log_retention_days
}
