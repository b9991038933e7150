package rules.aws.logs.log_group_kms_test

import data.rules.aws.logs.log_group_kms as rule

_acct := "123456789012"

_input(region) := {"accounts": [{"account_id": _acct, "regions": [object.union({"region": "us-west-2"}, region)]}]}

_groups(groups) := {"logs": {"log_groups": {g.logGroupName: g | some g in groups}}}

_id(name) := sprintf("arn:aws:logs:us-west-2:%s:log-group:%s", [_acct, name])

test_fails_when_no_kms_key if {
	inp := _input(_groups([{"logGroupName": "my-logs", "retentionInDays": 5}]))
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _id("my-logs")
	f.evidence == "kmsKeyId absent"
	f.msg == "Log group my-logs is not encrypted with a KMS key"
	rule.applicable == {{"resource": _id("my-logs")}} with input as inp
}

test_passes_when_kms_key_set if {
	inp := _input(_groups([{"logGroupName": "/aws/rds/instance/db1/audit", "kmsKeyId": "arn:aws:kms:us-west-2:123456789012:key/k"}]))
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	count(rule.applicable) == 1 with input as inp
}

test_not_evaluated_when_kms_key_unknown if {
	inp := _input(_groups([{"logGroupName": "g", "derived": {"unknown_attributes": ["kmsKeyId"]}}]))
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id("g"), "reason": "kmsKeyId is not known until apply"}} with input as inp
}

test_not_evaluated_when_logs_not_collected if {
	inp := object.union(
		_input({"rds": {"db_instances": [{
			"DBInstanceIdentifier": "db1", "DBInstanceArn": "arn:aws:rds:us-west-2:123456789012:db:db1",
			"Engine": "postgres", "EnabledCloudwatchLogsExports": ["postgresql"],
		}]}}),
		{"collection_gaps": [{"account_id": _acct, "region": "us-west-2", "service": "logs", "operation": "DescribeLogGroups", "error_code": "AccessDeniedException"}]},
	)
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id("/aws/rds/instance/db1/postgresql"), "reason": "logs DescribeLogGroups failed: AccessDeniedException"}} with input as inp
}
