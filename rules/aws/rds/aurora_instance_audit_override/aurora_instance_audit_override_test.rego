package rules.aws.rds.aurora_instance_audit_override_test

import data.rules.aws.rds.aurora_instance_audit_override as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:c1-a"

_input(cluster, instance, groups) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {
	"db_clusters": [cluster],
	"db_instances": [instance],
	"db_cluster_parameter_groups": {"audit-pg": {"DBClusterParameterGroupName": "audit-pg", "Parameters": {}}},
	"db_parameter_groups": groups,
}}]}]}

_groups := {"inst-pg": {"DBParameterGroupName": "inst-pg", "Parameters": {}}}

_cp(value) := {"value": value, "source": "user", "from": "cluster-parameter-group", "group": "audit-pg"}

_ip(value) := {"value": value, "source": "user", "from": "instance-parameter-group", "group": "inst-pg"}

_unresolved := {"from": "unresolved", "unresolved": "DB cluster parameter group audit-pg is not in the snapshot"}

_cluster(engine, params) := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:c1",
	"Engine": engine,
	"EngineMode": "provisioned",
	"DBClusterParameterGroup": "audit-pg",
	"derived": {"effective_parameters": params},
}

_instance(engine, params) := {
	"DBInstanceIdentifier": "c1-a",
	"DBInstanceArn": _arn,
	"Engine": engine,
	"DBClusterIdentifier": "c1",
	"DBParameterGroups": [{"DBParameterGroupName": "inst-pg", "ParameterApplyStatus": "in-sync"}],
	"derived": {"effective_parameters": params},
}

_mysql_cluster := _cluster("aurora-mysql", {"server_audit_logging": _cp("1"), "server_audit_events": _cp("CONNECT,QUERY")})

test_fails_when_instance_turns_auditing_off if {
	i := _instance("aurora-mysql", {"server_audit_logging": _ip("0"), "server_audit_events": _cp("CONNECT,QUERY")})
	res := rule.deny with input as _input(_mysql_cluster, i, _groups)
	count(res) == 1
	some f in res
	f.resource == _arn
	contains(f.msg, "server_audit_logging")
	f.evidence == "server_audit_logging=0 (instance-parameter-group inst-pg) vs cluster server_audit_logging=1 (cluster-parameter-group audit-pg)"
}

test_fails_when_instance_drops_pgaudit if {
	c := _cluster("aurora-postgresql", {"shared_preload_libraries": _cp("pg_stat_statements,pgaudit"), "pgaudit.log": _cp("ddl,role,write")})
	i := _instance("aurora-postgresql", {"shared_preload_libraries": _ip("pg_stat_statements"), "pgaudit.log": _cp("ddl,role,write")})
	count(rule.deny) == 1 with input as _input(c, i, _groups)
}

test_fails_when_instance_sets_pgaudit_log_none if {
	c := _cluster("aurora-postgresql", {"pgaudit.log": _cp("ddl,role,write")})
	i := _instance("aurora-postgresql", {"pgaudit.log": _ip("none")})
	count(rule.deny) == 1 with input as _input(c, i, _groups)
	count(rule.not_evaluated) == 0 with input as _input(c, i, _groups)
}

test_passes_when_no_instance_overrides if {
	i := _instance("aurora-mysql", {"server_audit_logging": _cp("1"), "server_audit_events": _cp("CONNECT,QUERY")})
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, _groups)
	count(rule.not_evaluated) == 0 with input as _input(_mysql_cluster, i, _groups)
	rule.applicable == {{"resource": _arn}} with input as _input(_mysql_cluster, i, _groups)
}

test_passes_when_override_equals_cluster_value if {
	c := _cluster("aurora-postgresql", {"log_connections": _cp("1"), "shared_preload_libraries": _cp("pg_stat_statements,pgaudit")})
	i := _instance("aurora-postgresql", {"log_connections": _ip("ON"), "shared_preload_libraries": _ip("pgaudit, pg_stat_statements")})
	count(rule.deny) == 0 with input as _input(c, i, _groups)
}

test_passes_when_override_is_not_audit_relevant if {
	c := _cluster("aurora-postgresql", {"log_statement": _cp("ddl")})
	i := _instance("aurora-postgresql", {"log_statement": _ip("none")})
	count(rule.deny) == 0 with input as _input(c, i, _groups)
}

test_not_evaluated_when_instance_group_missing if {
	i := _instance("aurora-mysql", {"server_audit_logging": {"from": "unresolved", "unresolved": "DB parameter group inst-pg is not in the snapshot"}})
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group inst-pg is not in the snapshot"}} with input as _input(_mysql_cluster, i, {})
}

test_not_evaluated_when_instance_names_no_group_and_value_unresolved if {
	i := object.union(
		_instance("aurora-mysql", {"server_audit_logging": {"from": "unresolved", "unresolved": "no parameter group"}}),
		{"DBParameterGroups": []},
	)
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "no parameter group"}} with input as _input(_mysql_cluster, i, {})
}

test_passes_when_default_instance_group_not_collected if {
	i := object.union(
		_instance("aurora-mysql", {"server_audit_logging": _cp("1")}),
		{"DBParameterGroups": [{"DBParameterGroupName": "default.aurora-mysql8.0", "ParameterApplyStatus": "in-sync"}]},
	)
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, {})
	count(rule.not_evaluated) == 0 with input as _input(_mysql_cluster, i, {})
}

test_passes_when_cluster_value_unresolved_without_override if {
	c := _cluster("aurora-postgresql", {"pgaudit.log_catalog": _unresolved})
	i := _instance("aurora-postgresql", {"pgaudit.log_catalog": _unresolved})
	count(rule.deny) == 0 with input as _input(c, i, _groups)
	count(rule.not_evaluated) == 0 with input as _input(c, i, _groups)
}

test_not_evaluated_when_instance_group_missing_only if {
	i := _instance("aurora-mysql", {"server_audit_logging": _cp("1")})
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "DB parameter group inst-pg is not in the snapshot"}} with input as _input(_mysql_cluster, i, {})
}

test_not_evaluated_when_cluster_missing if {
	i := _instance("aurora-mysql", {"server_audit_logging": _ip("0")})
	c := object.union(_mysql_cluster, {"DBClusterIdentifier": "other"})
	count(rule.deny) == 0 with input as _input(c, i, _groups)
	rule.not_evaluated == {{"resource": _arn, "reason": "DB cluster c1 is not in the snapshot"}} with input as _input(c, i, _groups)
}

test_not_evaluated_when_cluster_value_unresolved if {
	c := _cluster("aurora-mysql", {"server_audit_logging": _unresolved})
	i := _instance("aurora-mysql", {"server_audit_logging": _ip("0")})
	count(rule.deny) == 0 with input as _input(c, i, _groups)
	count(rule.not_evaluated) == 1 with input as _input(c, i, _groups)
}

test_out_of_scope_for_rds_instance if {
	i := json.remove(_instance("mysql", {"server_audit_logging": _ip("0")}), ["DBClusterIdentifier"])
	count(rule.applicable) == 0 with input as _input(_mysql_cluster, i, _groups)
	count(rule.deny) == 0 with input as _input(_mysql_cluster, i, _groups)
	count(rule.not_evaluated) == 0 with input as _input(_mysql_cluster, i, _groups)
}
