package rules.aws.rds.rds_postgresql_pgaudit_log_test

import data.rules.aws.rds.rds_postgresql_pgaudit_log as rule

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

_loaded(log) := _with({"shared_preload_libraries": "pg_stat_statements,pgaudit", "pgaudit.log": log})

test_fails_when_pgaudit_log_none if {
	res := rule.deny with input as _input(_loaded("none"))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "pgaudit.log on RDS for PostgreSQL instance pg-i1 does not audit ddl, role, write"
	f.evidence == "pgaudit.log=none (instance-parameter-group pg-custom); audited: none; required: ddl,role,write"
}

test_fails_when_pgaudit_log_unset if {
	res := rule.deny with input as _input(_loaded(null))
	some f in res
	f.evidence == "pgaudit.log=<unset> (instance-parameter-group pg-custom); audited: none; required: ddl,role,write"
}

test_fails_when_a_required_class_is_missing if {
	res := rule.deny with input as _input(_loaded("read, write, ddl"))
	some f in res
	f.msg == "pgaudit.log on RDS for PostgreSQL instance pg-i1 does not audit role"
}

test_fails_when_all_minus_a_required_class if {
	res := rule.deny with input as _input(_loaded("all, -role"))
	some f in res
	f.msg == "pgaudit.log on RDS for PostgreSQL instance pg-i1 does not audit role"
}

test_fails_when_all_then_minus_all if {
	count(rule.deny) == 1 with input as _input(_loaded("all,-all,read"))
}

test_fails_when_class_unrecognised if {
	res := rule.deny with input as _input(_loaded("ddl,role,write,selects"))
	count(res) == 1
	some f in res
	f.msg == "pgaudit.log on RDS for PostgreSQL instance pg-i1 has unrecognised class(es) selects"
}

test_fails_when_nothing_audited_and_nothing_required if {
	res := rule.deny with input as _input(_loaded("none"))
		with data.scanner.parameters as {"pgaudit_required_classes": []}
	some f in res
	f.msg == "pgaudit.log on RDS for PostgreSQL instance pg-i1 does not audit any statement class"
}

test_fails_when_parameter_requires_read if {
	count(rule.deny) == 1 with input as _input(_loaded("ddl,role,write"))
		with data.scanner.parameters as {"pgaudit_required_classes": ["ddl", "role", "write", "read"]}
}

test_passes_when_required_classes_listed if {
	r := _loaded("ddl,role,write")
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_passes_when_upper_case if {
	count(rule.deny) == 0 with input as _input(_loaded("DDL, ROLE, WRITE, READ"))
}

test_passes_when_all_minus_misc if {
	count(rule.deny) == 0 with input as _input(_loaded("all, -misc"))
}

test_passes_when_minus_before_all if {
	# Items apply in order: the later `all` adds misc back; role stays audited.
	count(rule.deny) == 0 with input as _input(_loaded("-role, all"))
}

test_not_evaluated_when_pgaudit_log_unresolved if {
	r := _resource({"derived": {"effective_parameters": {
		"shared_preload_libraries": _ep("pgaudit"),
		"pgaudit.log": _unresolved,
	}}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group pg-custom was not collected (AccessDenied)"}} with input as _input(r)
}

test_not_evaluated_when_preload_unresolved if {
	r := _resource({"derived": {"effective_parameters": {
		"shared_preload_libraries": _unresolved,
		"pgaudit.log": _ep("none"),
	}}})
	count(rule.deny) == 0 with input as _input(r)
	count(rule.applicable) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "cannot tell whether pgaudit is loaded: DB parameter group pg-custom was not collected (AccessDenied)"}} with input as _input(r)
}

test_out_of_scope_when_pgaudit_not_loaded if {
	r := _with({"shared_preload_libraries": "pg_stat_statements", "pgaudit.log": "none"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
}

test_out_of_scope_for_aurora_postgresql_member if {
	r := object.union(_loaded("none"), {"Engine": "aurora-postgresql", "DBClusterIdentifier": "pg1"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}
