package rules.aws.rds.aurora_mysql_default_parameter_group_test

import data.rules.aws.rds.aurora_mysql_default_parameter_group as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_cluster(overrides) := object.union(
	{
		"DBClusterIdentifier": "c1",
		"DBClusterArn": _arn,
		"Engine": "aurora-mysql",
		"EngineMode": "provisioned",
		"DBClusterParameterGroup": "default.aurora-mysql8.0",
	},
	overrides,
)

test_fails_when_default_group if {
	res := rule.deny with input as _input(_cluster({}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "DBClusterParameterGroup=default.aurora-mysql8.0"
	count(rule.not_evaluated) == 0 with input as _input(_cluster({}))
}

test_fails_when_legacy_aurora_default_group if {
	c := _cluster({"Engine": "aurora", "DBClusterParameterGroup": "default.aurora5.6"})
	count(rule.deny) == 1 with input as _input(c)
}

test_passes_when_custom_group if {
	c := _cluster({"DBClusterParameterGroup": "audit-pg"})
	count(rule.deny) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_passes_when_custom_group_named_like_default if {
	c := _cluster({"DBClusterParameterGroup": "default-audit"})
	count(rule.deny) == 0 with input as _input(c)
}

test_not_evaluated_when_group_unknown if {
	c := _cluster({"DBClusterParameterGroup": "", "derived": {"unknown_attributes": ["DBClusterParameterGroup"]}})
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "DBClusterParameterGroup is not known until apply"}} with input as _input(c)
}

test_not_evaluated_when_group_absent if {
	c := json.remove(_cluster({}), ["DBClusterParameterGroup"])
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}

test_out_of_scope_for_aurora_postgresql if {
	c := _cluster({"Engine": "aurora-postgresql", "DBClusterParameterGroup": "default.aurora-postgresql16"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_out_of_scope_for_serverless_v1 if {
	c := _cluster({"EngineMode": "serverless"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_not_evaluated_when_group_empty if {
	c := _cluster({"DBClusterParameterGroup": ""})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
