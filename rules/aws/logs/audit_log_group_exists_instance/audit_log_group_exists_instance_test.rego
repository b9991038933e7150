package rules.aws.logs.audit_log_group_exists_instance_test

import data.rules.aws.logs.audit_log_group_exists_instance as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:db1"

_region(instance, extra) := object.union({"region": "us-east-1", "rds": {"db_instances": [instance]}}, extra)

_input(region) := {"accounts": [{"account_id": "123456789012", "regions": [region]}]}

_instance(overrides) := object.union(
	{
		"DBInstanceIdentifier": "db1",
		"DBInstanceArn": _arn,
		"Engine": "mariadb",
		"EnabledCloudwatchLogsExports": ["audit"],
	},
	overrides,
)

_logs(names) := {"logs": {"log_groups": {name: {"logGroupName": name} | some name in names}}}

test_fails_when_audit_log_group_missing if {
	inp := _input(_region(_instance({}), _logs([])))
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "DB instance db1 exports its audit log, but the log group /aws/rds/instance/db1/audit does not exist"
	f.evidence == `EnabledCloudwatchLogsExports=["audit"]; log group /aws/rds/instance/db1/audit not in DescribeLogGroups`
	rule.applicable == {{"resource": _arn}} with input as inp
}

test_passes_when_audit_log_group_exists if {
	inp := _input(_region(_instance({"Engine": "mysql"}), _logs(["/aws/rds/instance/db1/audit"])))
	count(rule.deny) == 0 with input as inp
	rule.applicable == {{"resource": _arn}} with input as inp
}

test_fails_when_postgresql_log_group_missing if {
	i := _instance({"Engine": "postgres", "EnabledCloudwatchLogsExports": ["postgresql", "upgrade"]})
	res := rule.deny with input as _input(_region(i, _logs(["/aws/rds/instance/db1/upgrade"])))
	some f in res
	contains(f.msg, "/aws/rds/instance/db1/postgresql")
}

test_passes_when_aurora_member_instance if {
	i := _instance({"Engine": "aurora-mysql", "EnabledCloudwatchLogsExports": ["audit"]})
	inp := _input(_region(i, _logs([])))
	count(rule.applicable) == 0 with input as inp
	count(rule.deny) == 0 with input as inp
}

test_passes_when_no_audit_export if {
	inp := _input(_region(_instance({"EnabledCloudwatchLogsExports": ["error"]}), _logs([])))
	count(rule.applicable) == 0 with input as inp
}

test_not_evaluated_when_logs_not_collected if {
	inp := _input(_region(_instance({}), {}))
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn, "reason": "CloudWatch Logs was not collected for account 123456789012 in us-east-1"}} with input as inp
}

test_not_evaluated_when_exports_unknown if {
	i := _instance({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	inp := _input(_region(i, _logs([])))
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 1 with input as inp
}
