package rules.aws.rds.aurora_mysql_audit_events_test

import data.rules.aws.rds.aurora_mysql_audit_events as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_param(value) := {"value": value, "source": "user", "from": "cluster-parameter-group", "group": "audit-pg"}

_unresolved := {"from": "unresolved", "unresolved": "DB cluster parameter group audit-pg is not in the snapshot"}

_cluster(params) := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": _arn,
	"Engine": "aurora-mysql",
	"EngineMode": "provisioned",
	"DBClusterParameterGroup": "audit-pg",
	"derived": {"effective_parameters": params},
}

_audited(events) := _cluster({"server_audit_logging": _param("1"), "server_audit_events": _param(events)})

test_fails_when_query_missing if {
	res := rule.deny with input as _input(_audited("CONNECT,QUERY_DDL"))
	count(res) == 1
	some f in res
	f.resource == _arn
	contains(f.msg, "QUERY")
	f.evidence == "server_audit_events=CONNECT,QUERY_DDL (cluster-parameter-group audit-pg); required: CONNECT,QUERY"
}

test_fails_when_events_empty if {
	count(rule.deny) == 1 with input as _input(_audited(""))
}

test_fails_when_required_events_overridden if {
	count(rule.deny) == 1 with input as _input(_audited("CONNECT,QUERY"))
		with data.scanner.parameters as {"aurora_mysql_required_audit_events": ["CONNECT", "QUERY", "TABLE"]}
}

test_passes_when_all_required_events_present if {
	count(rule.deny) == 0 with input as _input(_audited("CONNECT,QUERY,TABLE"))
	rule.applicable == {{"resource": _arn}} with input as _input(_audited("CONNECT,QUERY,TABLE"))
}

test_passes_when_case_and_spaces_differ if {
	count(rule.deny) == 0 with input as _input(_audited(" connect , Query "))
}

test_passes_when_required_events_overridden if {
	count(rule.deny) == 0 with input as _input(_audited("CONNECT"))
		with data.scanner.parameters as {"aurora_mysql_required_audit_events": ["connect"]}
}

test_out_of_scope_when_auditing_off if {
	c := _cluster({"server_audit_logging": _param("0"), "server_audit_events": _param("")})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_out_of_scope_for_aurora_postgresql if {
	c := object.union(_audited(""), {"Engine": "aurora-postgresql"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_not_evaluated_when_logging_unresolved if {
	c := _cluster({"server_audit_logging": _unresolved, "server_audit_events": _unresolved})
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB cluster parameter group audit-pg is not in the snapshot"}} with input as _input(c)
}

test_not_evaluated_when_events_unresolved if {
	c := _cluster({"server_audit_logging": _param("ON"), "server_audit_events": _unresolved})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
