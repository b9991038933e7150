package rules.aws.rds.aurora_mysql_audit_excluded_users_test

import data.rules.aws.rds.aurora_mysql_audit_excluded_users as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_param(value) := {"value": value, "source": "user", "from": "cluster-parameter-group", "group": "audit-pg"}

_unset := {"source": "engine-default", "from": "engine-default", "group": "aurora-mysql8.0"}

_unresolved := {"from": "unresolved", "unresolved": "DB cluster parameter group audit-pg is not in the snapshot"}

_cluster(params) := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": _arn,
	"Engine": "aurora-mysql",
	"EngineMode": "provisioned",
	"DBClusterParameterGroup": "audit-pg",
	"derived": {"effective_parameters": object.union(
		{
			"server_audit_logging": _param("1"),
			"server_audit_events": _param("CONNECT,QUERY"),
			"server_audit_excl_users": _unset,
			"server_audit_incl_users": _unset,
		},
		params,
	)},
}

test_fails_when_app_user_excluded if {
	c := _cluster({"server_audit_excl_users": _param("rdsadmin,app")})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	f.resource == _arn
	contains(f.msg, "app")
	f.evidence == "server_audit_excl_users=rdsadmin,app (cluster-parameter-group audit-pg); server_audit_incl_users=<unset> (engine-default); allowed exclusions: rdsadmin"
}

test_fails_when_incl_users_set if {
	c := _cluster({"server_audit_incl_users": _param("alice")})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	contains(f.msg, "server_audit_incl_users")
}

test_fails_when_user_case_differs if {
	c := _cluster({"server_audit_excl_users": _param("RDSADMIN")})
	count(rule.deny) == 1 with input as _input(c)
}

test_passes_when_only_rdsadmin_excluded if {
	c := _cluster({"server_audit_excl_users": _param(" rdsadmin ")})
	count(rule.deny) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_passes_when_lists_unset if {
	count(rule.deny) == 0 with input as _input(_cluster({}))
}

test_passes_when_allowed_users_overridden if {
	c := _cluster({"server_audit_excl_users": _param("rdsadmin,monitor")})
	count(rule.deny) == 0 with input as _input(c)
		with data.scanner.parameters as {"aurora_mysql_allowed_excluded_users": ["rdsadmin", "monitor"]}
}

test_out_of_scope_when_auditing_off if {
	c := _cluster({"server_audit_logging": _param("0"), "server_audit_excl_users": _param("app")})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_not_evaluated_when_logging_unresolved if {
	c := _cluster({"server_audit_logging": _unresolved})
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB cluster parameter group audit-pg is not in the snapshot"}} with input as _input(c)
}

test_not_evaluated_when_excl_users_unresolved if {
	c := _cluster({"server_audit_excl_users": _unresolved})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
