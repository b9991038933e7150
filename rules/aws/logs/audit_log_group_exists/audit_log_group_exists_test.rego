package rules.aws.logs.audit_log_group_exists_test

import data.rules.aws.logs.audit_log_group_exists as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_region(cluster, extra) := object.union({"region": "us-east-1", "rds": {"db_clusters": [cluster]}}, extra)

_input(region) := {"accounts": [{"account_id": "123456789012", "regions": [region]}]}

_cluster(overrides) := object.union(
	{
		"DBClusterIdentifier": "c1",
		"DBClusterArn": _arn,
		"Engine": "aurora-mysql",
		"EngineMode": "provisioned",
		"EnabledCloudwatchLogsExports": ["audit", "error"],
	},
	overrides,
)

_logs(names) := {"logs": {"log_groups": {name: {"logGroupName": name} | some name in names}}}

test_fails_when_audit_log_group_missing if {
	inp := _input(_region(_cluster({}), _logs(["/aws/rds/cluster/c1/error"])))
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == `EnabledCloudwatchLogsExports=["audit", "error"]; log group /aws/rds/cluster/c1/audit not in DescribeLogGroups`
	rule.applicable == {{"resource": _arn}} with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_passes_when_audit_log_group_exists if {
	inp := _input(_region(_cluster({}), _logs(["/aws/rds/cluster/c1/audit"])))
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _arn}} with input as inp
}

test_fails_when_aurora_postgresql_log_group_missing if {
	c := _cluster({"Engine": "aurora-postgresql", "EnabledCloudwatchLogsExports": ["postgresql"]})
	res := rule.deny with input as _input(_region(c, _logs([])))
	some f in res
	contains(f.msg, "/aws/rds/cluster/c1/postgresql")
}

test_passes_when_aurora_postgresql_log_group_exists if {
	c := _cluster({"Engine": "aurora-postgresql", "EnabledCloudwatchLogsExports": ["postgresql"]})
	count(rule.deny) == 0 with input as _input(_region(c, _logs(["/aws/rds/cluster/c1/postgresql"])))
}

test_passes_when_no_audit_export if {
	inp := _input(_region(_cluster({"EnabledCloudwatchLogsExports": ["error"]}), _logs([])))
	count(rule.deny) == 0 with input as inp
	count(rule.applicable) == 0 with input as inp
}

test_passes_when_serverless_v1 if {
	inp := _input(_region(_cluster({"EngineMode": "serverless"}), _logs([])))
	count(rule.applicable) == 0 with input as inp
}

test_not_evaluated_when_logs_not_collected if {
	inp := _input(_region(_cluster({}), {}))
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn, "reason": "CloudWatch Logs was not collected for account 123456789012 in us-east-1"}} with input as inp
}

test_not_evaluated_when_describe_log_groups_failed if {
	inp := object.union(_input(_region(_cluster({}), _logs([]))), {"collection_gaps": [{
		"account_id": "123456789012", "region": "us-east-1", "service": "logs",
		"operation": "DescribeLogGroups", "error_code": "ThrottlingException",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn, "reason": "logs DescribeLogGroups failed: ThrottlingException"}} with input as inp
}

test_not_evaluated_when_exports_unknown if {
	c := _cluster({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	inp := _input(_region(c, _logs([])))
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 1 with input as inp
}
