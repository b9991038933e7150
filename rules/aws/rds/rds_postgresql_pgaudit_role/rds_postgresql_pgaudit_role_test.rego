package rules.aws.rds.rds_postgresql_pgaudit_role_test

import data.rules.aws.rds.rds_postgresql_pgaudit_role as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:pg-i1"

_input(resource) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [resource]}}]}]}

_resource(overrides) := object.union(
	{
		"DBInstanceIdentifier": "pg-i1",
		"DBInstanceArn": _arn,
		"Engine": "postgres",
	},
	overrides,
)

# _with(params): a resource whose effective parameters hold the given values (null = unset).
_with(params) := _resource({"derived": {"effective_parameters": {name: _ep(value) | some name, value in params}}})

_ep(value) := {"from": "instance-parameter-group", "group": "pg-custom", "source": "user", "value": value} if value != null

_ep(null) := {"from": "instance-parameter-group", "group": "pg-custom", "source": "user"}

_unresolved := {"from": "unresolved", "unresolved": "DB parameter group pg-custom was not collected (AccessDenied)"}

_loaded(role) := _with({"shared_preload_libraries": "pgaudit", "pgaudit.role": role})

test_fails_when_role_unset if {
	res := rule.deny with input as _input(_loaded(null))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "pgaudit.role on RDS for PostgreSQL instance pg-i1 is not rds_pgaudit, so object audit logging is off"
	f.evidence == "pgaudit.role=<unset> (instance-parameter-group pg-custom)"
}

test_fails_when_role_is_another_name if {
	res := rule.deny with input as _input(_loaded("auditor"))
	some f in res
	f.evidence == "pgaudit.role=auditor (instance-parameter-group pg-custom)"
}

test_passes_when_role_is_rds_pgaudit if {
	r := _loaded("rds_pgaudit")
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_passes_when_value_has_surrounding_spaces if {
	count(rule.deny) == 0 with input as _input(_loaded(" rds_pgaudit "))
}

test_not_evaluated_when_role_unresolved if {
	r := _resource({"derived": {"effective_parameters": {
		"shared_preload_libraries": _ep("pgaudit"),
		"pgaudit.role": _unresolved,
	}}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group pg-custom was not collected (AccessDenied)"}} with input as _input(r)
}

test_not_evaluated_when_preload_unresolved if {
	r := _resource({"derived": {"effective_parameters": {"shared_preload_libraries": _unresolved}}})
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 1 with input as _input(r)
}

test_out_of_scope_when_pgaudit_not_loaded if {
	r := _with({"shared_preload_libraries": "pg_stat_statements", "pgaudit.role": null})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
}

test_out_of_scope_for_aurora_postgresql_member if {
	r := object.union(_loaded(null), {"Engine": "aurora-postgresql", "DBClusterIdentifier": "pg1"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}
