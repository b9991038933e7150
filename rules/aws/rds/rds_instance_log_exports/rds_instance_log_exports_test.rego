package rules.aws.rds.rds_instance_log_exports_test

import data.rules.aws.rds.rds_instance_log_exports as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:db1"

_input(instance) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [instance]}}]}]}

_instance(engine, overrides) := object.union(
	{
		"DBInstanceIdentifier": "db1",
		"DBInstanceArn": _arn,
		"Engine": engine,
		"DBInstanceStatus": "available",
	},
	overrides,
)

test_fails_when_mysql_exports_only_error if {
	i := _instance("mysql", {"EnabledCloudwatchLogsExports": ["error"]})
	res := rule.deny with input as _input(i)
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "RDS DB instance db1 does not publish the audit, general, slowquery logs to CloudWatch Logs"
	f.evidence == "Engine=mysql; EnabledCloudwatchLogsExports=[\"error\"]; required: audit,error,general,slowquery"
}

test_fails_when_no_exports if {
	count(rule.deny) == 1 with input as _input(_instance("mariadb", {}))
}

test_fails_when_postgres_lacks_upgrade if {
	i := _instance("postgres", {"EnabledCloudwatchLogsExports": ["postgresql"]})
	count(rule.deny) == 1 with input as _input(i)
}

test_fails_when_sqlserver_lacks_agent if {
	i := _instance("sqlserver-se", {"EnabledCloudwatchLogsExports": ["error"]})
	count(rule.deny) == 1 with input as _input(i)
}

test_fails_when_oracle_lacks_listener if {
	i := _instance("oracle-ee", {"EnabledCloudwatchLogsExports": ["alert", "audit", "trace"]})
	count(rule.deny) == 1 with input as _input(i)
}

test_passes_when_mysql_exports_all_four if {
	i := _instance("mysql", {"EnabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery", "iam-db-auth-error"]})
	count(rule.deny) == 0 with input as _input(i)
	rule.applicable == {{"resource": _arn}} with input as _input(i)
	count(rule.not_evaluated) == 0 with input as _input(i)
}

test_passes_when_case_differs if {
	i := _instance("oracle-se2", {"EnabledCloudwatchLogsExports": ["Alert", "Audit", "Trace", "Listener"]})
	count(rule.deny) == 0 with input as _input(i)
}

test_passes_when_postgres_exports_both if {
	i := _instance("postgres", {"EnabledCloudwatchLogsExports": ["postgresql", "upgrade"]})
	count(rule.deny) == 0 with input as _input(i)
}

test_fails_when_status_absent if {
	i := json.remove(_instance("mysql", {}), ["DBInstanceStatus"])
	count(rule.deny) == 1 with input as _input(i)
}

test_not_evaluated_when_exports_unknown if {
	i := _instance("mysql", {"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(i)
	rule.not_evaluated == {{"resource": _arn, "reason": "EnabledCloudwatchLogsExports is not known until apply"}} with input as _input(i)
}

test_out_of_scope_for_aurora_member if {
	i := _instance("aurora-mysql", {"DBClusterIdentifier": "c1"})
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}

test_out_of_scope_when_stopped if {
	i := _instance("mysql", {"DBInstanceStatus": "stopped"})
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}

test_out_of_scope_for_unlisted_engine if {
	i := _instance("db2-se", {})
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}
