package rules.aws.rds.aurora_postgresql_log_export_test

import data.rules.aws.rds.aurora_postgresql_log_export as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:pg1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_cluster(overrides) := object.union(
	{
		"DBClusterIdentifier": "pg1",
		"DBClusterArn": _arn,
		"Engine": "aurora-postgresql",
		"EngineMode": "provisioned",
	},
	overrides,
)

test_fails_when_no_exports if {
	res := rule.deny with input as _input(_cluster({}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "Aurora PostgreSQL cluster pg1 does not export the postgresql log to CloudWatch Logs"
	f.evidence == "EnabledCloudwatchLogsExports=[]"
}

test_fails_when_only_instance_log_exported if {
	c := _cluster({"EnabledCloudwatchLogsExports": ["instance", "iam-db-auth-error"]})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	f.evidence == `EnabledCloudwatchLogsExports=["instance", "iam-db-auth-error"]`
}

test_passes_when_postgresql_exported if {
	c := _cluster({"EnabledCloudwatchLogsExports": ["postgresql"]})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
}

test_out_of_scope_for_aurora_mysql if {
	c := _cluster({"Engine": "aurora-mysql"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_out_of_scope_for_multi_az_postgres_cluster if {
	c := _cluster({"Engine": "postgres"})
	count(rule.applicable) == 0 with input as _input(c)
}

test_out_of_scope_for_serverless_v1 if {
	c := _cluster({"EngineMode": "serverless"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_not_evaluated_when_exports_unknown if {
	c := _cluster({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "EnabledCloudwatchLogsExports is not known until apply"}} with input as _input(c)
}
