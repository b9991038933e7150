package rules.aws.rds.aurora_postgresql_pgaudit_loaded_test

import data.rules.aws.rds.aurora_postgresql_pgaudit_loaded as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:pg1"

_input(resource) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [resource]}}]}]}

_resource(overrides) := object.union(
	{
		"DBClusterIdentifier": "pg1",
		"DBClusterArn": _arn,
		"Engine": "aurora-postgresql",
		"EngineMode": "provisioned",
	},
	overrides,
)

# _with(params): a resource whose effective parameters hold the given values (null = unset).
_with(params) := _resource({"derived": {"effective_parameters": {name: _ep(value) | some name, value in params}}})

_ep(value) := {"from": "cluster-parameter-group", "group": "pg-custom", "source": "user", "value": value} if value != null

_ep(null) := {"from": "cluster-parameter-group", "group": "pg-custom", "source": "user"}

_unresolved := {"from": "unresolved", "unresolved": "DB parameter group pg-custom was not collected (AccessDenied)"}

test_fails_when_pgaudit_not_preloaded if {
	r := _with({"shared_preload_libraries": "pg_stat_statements"})
	res := rule.deny with input as _input(r)
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "Aurora PostgreSQL cluster pg1 does not load pgaudit (shared_preload_libraries)"
	f.evidence == "shared_preload_libraries=pg_stat_statements (cluster-parameter-group pg-custom)"
}

test_fails_when_engine_default_without_pgaudit if {
	r := _resource({"derived": {"effective_parameters": {"shared_preload_libraries": {"from": "engine-default", "value": "pg_stat_statements"}}}})
	res := rule.deny with input as _input(r)
	some f in res
	f.evidence == "shared_preload_libraries=pg_stat_statements (engine-default)"
}

test_fails_when_unset if {
	r := _with({"shared_preload_libraries": null})
	res := rule.deny with input as _input(r)
	some f in res
	f.evidence == "shared_preload_libraries=<unset> (cluster-parameter-group pg-custom)"
}

test_fails_when_only_a_similar_name if {
	r := _with({"shared_preload_libraries": "pgaudit_ext,pg_stat_statements"})
	count(rule.deny) == 1 with input as _input(r)
}

test_passes_when_pgaudit_preloaded if {
	r := _with({"shared_preload_libraries": "pg_stat_statements,pgaudit"})
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_passes_with_spaces_and_upper_case if {
	r := _with({"shared_preload_libraries": "rdsutils , PGAudit"})
	count(rule.deny) == 0 with input as _input(r)
}

test_not_evaluated_when_parameter_unresolved if {
	r := _resource({"derived": {"effective_parameters": {"shared_preload_libraries": _unresolved}}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group pg-custom was not collected (AccessDenied)"}} with input as _input(r)
}

test_not_evaluated_when_no_effective_parameters if {
	r := _resource({})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "parameter shared_preload_libraries was not resolved for this resource"}} with input as _input(r)
}

test_out_of_scope_for_aurora_mysql if {
	r := object.union(_with({"shared_preload_libraries": ""}), {"Engine": "aurora-mysql"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}
