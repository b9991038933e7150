package rules.aws.rds.rds_postgresql_log_export_test

import data.rules.aws.rds.rds_postgresql_log_export as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:pg-i1"

_input(instance) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [instance]}}]}]}

_instance(overrides) := object.union(
	{
		"DBInstanceIdentifier": "pg-i1",
		"DBInstanceArn": _arn,
		"Engine": "postgres",
	},
	overrides,
)

test_fails_when_no_exports if {
	res := rule.deny with input as _input(_instance({}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "RDS for PostgreSQL instance pg-i1 does not export the postgresql log(s) to CloudWatch Logs"
	f.evidence == `EnabledCloudwatchLogsExports=[]; required: ["postgresql"]`
}

test_fails_when_only_upgrade_exported if {
	i := _instance({"EnabledCloudwatchLogsExports": ["upgrade"]})
	count(rule.deny) == 1 with input as _input(i)
}

test_fails_when_parameter_requires_upgrade_too if {
	i := _instance({"EnabledCloudwatchLogsExports": ["postgresql"]})
	res := rule.deny with input as _input(i)
		with data.scanner.parameters as {"rds_postgresql_log_types": ["postgresql", "upgrade"]}
	count(res) == 1
	some f in res
	f.msg == "RDS for PostgreSQL instance pg-i1 does not export the upgrade log(s) to CloudWatch Logs"
}

test_passes_when_postgresql_exported if {
	i := _instance({"EnabledCloudwatchLogsExports": ["postgresql", "upgrade"]})
	count(rule.deny) == 0 with input as _input(i)
	count(rule.not_evaluated) == 0 with input as _input(i)
	rule.applicable == {{"resource": _arn}} with input as _input(i)
}

test_passes_for_multi_az_cluster_member if {
	i := _instance({"DBClusterIdentifier": "maz1", "EnabledCloudwatchLogsExports": ["postgresql"]})
	rule.applicable == {{"resource": _arn}} with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}

test_out_of_scope_for_aurora_postgresql_member if {
	i := _instance({"Engine": "aurora-postgresql", "DBClusterIdentifier": "pg1"})
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}

test_out_of_scope_for_mysql if {
	i := _instance({"Engine": "mysql"})
	count(rule.applicable) == 0 with input as _input(i)
}

test_not_evaluated_when_exports_unknown if {
	i := _instance({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(i)
	rule.not_evaluated == {{"resource": _arn, "reason": "EnabledCloudwatchLogsExports is not known until apply"}} with input as _input(i)
}
