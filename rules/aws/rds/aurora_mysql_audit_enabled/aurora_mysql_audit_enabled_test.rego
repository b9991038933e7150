package rules.aws.rds.aurora_mysql_audit_enabled_test

import data.rules.aws.rds.aurora_mysql_audit_enabled as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_param(value) := {"value": value, "source": "user", "from": "cluster-parameter-group", "group": "audit-pg"}

_default(value) := {"value": value, "source": "engine-default", "from": "engine-default", "group": "aurora-mysql8.0"}

_unset := {"source": "engine-default", "from": "engine-default", "group": "aurora-mysql8.0"}

_unresolved := {"from": "unresolved", "unresolved": "DB cluster parameter group audit-pg is not in the snapshot"}

_cluster(params, overrides) := object.union(
	{
		"DBClusterIdentifier": "c1",
		"DBClusterArn": _arn,
		"Engine": "aurora-mysql",
		"EngineMode": "provisioned",
		"DBClusterParameterGroup": "audit-pg",
		"DBClusterMembers": [{"DBInstanceIdentifier": "c1-a", "DBClusterParameterGroupStatus": "in-sync"}],
		"derived": {"effective_parameters": params},
	},
	overrides,
)

_good := {
	"server_audit_logging": _param("1"),
	"server_audit_events": _param("CONNECT,QUERY"),
	"server_audit_logs_upload": _default("0"),
}

test_fails_when_logging_is_engine_default if {
	params := {"server_audit_logging": _default("0"), "server_audit_events": _unset}
	res := rule.deny with input as _input(_cluster(params, {}))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "server_audit_logging=0 (engine-default); server_audit_events=<unset> (engine-default); DBClusterMembers: c1-a=in-sync"
	count(rule.not_evaluated) == 0 with input as _input(_cluster(params, {}))
}

test_fails_when_logging_off if {
	params := object.union(_good, {"server_audit_logging": _param("OFF")})
	count(rule.deny) == 1 with input as _input(_cluster(params, {}))
}

test_fails_when_only_logs_upload_is_on if {
	params := {
		"server_audit_logging": _default("0"),
		"server_audit_events": _param("CONNECT"),
		"server_audit_logs_upload": _param("1"),
	}
	count(rule.deny) == 1 with input as _input(_cluster(params, {}))
}

test_fails_when_events_empty if {
	params := object.union(_good, {"server_audit_events": _param(" ")})
	res := rule.deny with input as _input(_cluster(params, {}))
	count(res) == 1
	some f in res
	contains(f.msg, "server_audit_events is empty")
}

test_fails_when_member_pending_reboot if {
	c := _cluster(_good, {"DBClusterMembers": [
		{"DBInstanceIdentifier": "c1-a", "DBClusterParameterGroupStatus": "in-sync"},
		{"DBInstanceIdentifier": "c1-b", "DBClusterParameterGroupStatus": "pending-reboot"},
	]})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	contains(f.msg, "member c1-b is pending-reboot")
	f.evidence == "server_audit_logging=1 (cluster-parameter-group audit-pg); server_audit_events=CONNECT,QUERY (cluster-parameter-group audit-pg); DBClusterMembers: c1-a=in-sync, c1-b=pending-reboot"
}

test_passes_when_auditing_enabled_and_in_sync if {
	count(rule.deny) == 0 with input as _input(_cluster(_good, {}))
	count(rule.not_evaluated) == 0 with input as _input(_cluster(_good, {}))
	rule.applicable == {{"resource": _arn}} with input as _input(_cluster(_good, {}))
}

test_passes_when_logging_is_on_lowercase if {
	params := object.union(_good, {"server_audit_logging": _param("on")})
	count(rule.deny) == 0 with input as _input(_cluster(params, {}))
}

test_passes_when_no_members if {
	c := _cluster(_good, {"DBClusterMembers": []})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_not_evaluated_when_parameter_unresolved if {
	params := object.union(_good, {"server_audit_logging": _unresolved})
	count(rule.deny) == 0 with input as _input(_cluster(params, {}))
	rule.not_evaluated == {{"resource": _arn, "reason": "DB cluster parameter group audit-pg is not in the snapshot"}} with input as _input(_cluster(params, {}))
}

test_not_evaluated_when_parameters_missing if {
	c := _cluster({}, {})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}

test_not_evaluated_when_member_status_unknown if {
	c := _cluster(_good, {"DBClusterMembers": [{"DBInstanceIdentifier": "c1-a"}]})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}

test_fails_not_not_evaluated_when_logging_off_and_events_unresolved if {
	params := {"server_audit_logging": _default("0"), "server_audit_events": _unresolved}
	count(rule.deny) == 1 with input as _input(_cluster(params, {}))
	count(rule.not_evaluated) == 0 with input as _input(_cluster(params, {}))
}

test_out_of_scope_for_aurora_postgresql if {
	c := _cluster({}, {"Engine": "aurora-postgresql"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_out_of_scope_for_serverless_v1 if {
	c := _cluster({}, {"EngineMode": "serverless"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_legacy_aurora_engine_in_scope if {
	c := _cluster({"server_audit_logging": _default("0"), "server_audit_events": _unset}, {"Engine": "aurora"})
	count(rule.deny) == 1 with input as _input(c)
}
