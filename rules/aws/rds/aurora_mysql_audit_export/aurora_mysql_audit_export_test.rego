package rules.aws.rds.aurora_mysql_audit_export_test

import data.rules.aws.rds.aurora_mysql_audit_export as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_cluster(overrides) := object.union(
	{
		"DBClusterIdentifier": "c1",
		"DBClusterArn": _arn,
		"Engine": "aurora-mysql",
		"EngineMode": "provisioned",
	},
	overrides,
)

test_fails_when_no_exports if {
	res := rule.deny with input as _input(_cluster({}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "EnabledCloudwatchLogsExports=[]"
}

test_fails_when_only_error_exported if {
	c := _cluster({"EnabledCloudwatchLogsExports": ["error", "slowquery"]})
	count(rule.deny) == 1 with input as _input(c)
}

test_passes_when_audit_exported if {
	c := _cluster({"EnabledCloudwatchLogsExports": ["audit", "error"]})
	count(rule.deny) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
}

test_legacy_aurora_engine_in_scope if {
	c := _cluster({"Engine": "aurora"})
	count(rule.deny) == 1 with input as _input(c)
}

test_out_of_scope_for_aurora_postgresql if {
	c := _cluster({"Engine": "aurora-postgresql"})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.applicable) == 0 with input as _input(c)
}

test_out_of_scope_for_serverless_v1 if {
	c := _cluster({"EngineMode": "serverless"})
	count(rule.applicable) == 0 with input as _input(c)
}

test_not_evaluated_when_exports_unknown if {
	c := _cluster({"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
