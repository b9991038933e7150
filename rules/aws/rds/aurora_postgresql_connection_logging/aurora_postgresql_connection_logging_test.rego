package rules.aws.rds.aurora_postgresql_connection_logging_test

import data.rules.aws.rds.aurora_postgresql_connection_logging as rule

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

_lc(value) := _with({"log_connections": value})

test_fails_when_log_connections_off if {
	res := rule.deny with input as _input(_lc("0"))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "Aurora PostgreSQL cluster pg1 does not log authenticated connections (log_connections)"
	f.evidence == "log_connections=0 (cluster-parameter-group pg-custom)"
}

test_fails_when_unset if {
	res := rule.deny with input as _input(_lc(null))
	some f in res
	f.evidence == "log_connections=<unset> (cluster-parameter-group pg-custom)"
}

test_fails_when_empty_list if {
	count(rule.deny) == 1 with input as _input(_lc(""))
}

test_fails_when_legacy_off_spellings if {
	every value in ["off", "false", "no", "OFF"] {
		count(rule.deny) == 1 with input as _input(_lc(value))
	}
}

test_fails_when_only_receipt if {
	count(rule.deny) == 1 with input as _input(_lc("receipt"))
	count(rule.deny) == 1 with input as _input(_lc("receipt,authorization"))
}

test_passes_when_legacy_on if {
	every value in ["1", "on", "true", "yes", "ON"] {
		count(rule.deny) == 0 with input as _input(_lc(value))
	}
	rule.applicable == {{"resource": _arn}} with input as _input(_lc("1"))
}

test_passes_when_pg18_list_includes_authentication if {
	count(rule.deny) == 0 with input as _input(_lc("receipt, authentication"))
	count(rule.deny) == 0 with input as _input(_lc("all"))
	count(rule.not_evaluated) == 0 with input as _input(_lc("all"))
}

test_not_evaluated_when_parameter_unresolved if {
	r := _resource({"derived": {"effective_parameters": {"log_connections": _unresolved}}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group pg-custom was not collected (AccessDenied)"}} with input as _input(r)
}

test_out_of_scope_for_aurora_mysql if {
	r := object.union(_lc("0"), {"Engine": "aurora-mysql"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}
