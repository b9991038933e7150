package rules.aws.rds.mysql_audit_export_hollow_test

import data.rules.aws.rds.mysql_audit_export_hollow as rule

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
		"EnabledCloudwatchLogsExports": ["audit", "error"],
		"derived": {"effective_parameters": params},
	},
	overrides,
)

test_fails_when_audit_exported_with_logging_off if {
	c := _cluster({"server_audit_logging": _default("0"), "server_audit_events": _unset}, {})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "EnabledCloudwatchLogsExports=[\"audit\", \"error\"]; server_audit_logging=0 (engine-default); server_audit_events=<unset> (engine-default)"
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_fails_when_events_empty if {
	c := _cluster({"server_audit_logging": _param("1"), "server_audit_events": _param("")}, {})
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	contains(f.msg, "server_audit_events is empty")
}

test_passes_when_auditing_on if {
	c := _cluster({"server_audit_logging": _param("ON"), "server_audit_events": _param("CONNECT,QUERY")}, {})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
}

test_out_of_scope_when_audit_not_exported if {
	c := _cluster({"server_audit_logging": _default("0")}, {"EnabledCloudwatchLogsExports": ["error"]})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_out_of_scope_for_serverless_v1 if {
	c := _cluster({"server_audit_logging": _default("0")}, {"EngineMode": "serverless"})
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}

test_not_evaluated_when_parameters_unresolved if {
	c := _cluster({"server_audit_logging": _unresolved, "server_audit_events": _unresolved}, {})
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB cluster parameter group audit-pg is not in the snapshot"}} with input as _input(c)
}

test_not_evaluated_when_exports_unknown if {
	c := _cluster({"server_audit_logging": _default("0")}, {"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
