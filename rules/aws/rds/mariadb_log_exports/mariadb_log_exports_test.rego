package rules.aws.rds.mariadb_log_exports_test

import data.rules.aws.rds.mariadb_log_exports as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:maria1"

_input(instance) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [instance]}}]}]}

_instance(overrides) := object.union(
	{
		"DBInstanceIdentifier": "maria1",
		"DBInstanceArn": _arn,
		"Engine": "mariadb",
		"DBInstanceStatus": "available",
	},
	overrides,
)

test_fails_when_audit_missing if {
	res := rule.deny with input as _input(_instance({"EnabledCloudwatchLogsExports": ["error"]}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "EnabledCloudwatchLogsExports=[\"error\"]; required: audit,error"
}

test_fails_when_no_exports if {
	count(rule.deny) == 1 with input as _input(_instance({}))
}

test_fails_when_parameter_requires_general if {
	i := _instance({"EnabledCloudwatchLogsExports": ["audit", "error"]})
	count(rule.deny) == 1 with input as _input(i)
		with data.scanner.parameters as {"mariadb_log_types": ["audit", "error", "general"]}
}

test_passes_when_audit_and_error_exported if {
	i := _instance({"EnabledCloudwatchLogsExports": ["audit", "error"]})
	count(rule.deny) == 0 with input as _input(i)
	count(rule.not_evaluated) == 0 with input as _input(i)
	rule.applicable == {{"resource": _arn}} with input as _input(i)
}

test_not_evaluated_when_exports_unknown if {
	i := _instance({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(i)
	count(rule.not_evaluated) == 1 with input as _input(i)
}

test_out_of_scope_for_mysql if {
	i := _instance({"Engine": "mysql"})
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}
