package rules.aws.rds.mysql_audit_plugin_test

import data.rules.aws.rds.mysql_audit_plugin as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:db1"

_input(instance, option_groups) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {
	"db_instances": [instance],
	"option_groups": option_groups,
}}]}]}

_instance(engine, memberships) := {
	"DBInstanceIdentifier": "db1",
	"DBInstanceArn": _arn,
	"Engine": engine,
	"DBInstanceStatus": "available",
	"OptionGroupMemberships": memberships,
}

_member(name, status) := {"OptionGroupName": name, "Status": status}

_plugin_group(name, settings) := {name: {
	"OptionGroupName": name,
	"EngineName": "mysql",
	"MajorEngineVersion": "8.0",
	"Options": [{"OptionName": "MARIADB_AUDIT_PLUGIN", "OptionSettings": settings}],
}}

_events(value) := [{"Name": "SERVER_AUDIT_EVENTS", "Value": value, "DefaultValue": "CONNECT,QUERY"}]

test_fails_when_default_option_group if {
	i := _instance("mysql", [_member("default:mysql-8-0", "in-sync")])
	res := rule.deny with input as _input(i, {})
	count(res) == 1
	some f in res
	f.resource == _arn
	contains(f.msg, "default:mysql-8-0 is a default option group, which cannot carry MARIADB_AUDIT_PLUGIN")
	f.evidence == "OptionGroupMemberships=[default:mysql-8-0 (in-sync)]; default:mysql-8-0 is a default option group, which cannot carry MARIADB_AUDIT_PLUGIN; required SERVER_AUDIT_EVENTS: CONNECT,QUERY"
	count(rule.not_evaluated) == 0 with input as _input(i, {})
}

test_fails_when_no_option_group if {
	i := _instance("mariadb", [])
	res := rule.deny with input as _input(i, {})
	count(res) == 1
	some f in res
	f.evidence == "OptionGroupMemberships=[]"
}

test_fails_when_plugin_missing if {
	i := _instance("mysql", [_member("og1", "in-sync")])
	ogs := {"og1": {"OptionGroupName": "og1", "Options": [{"OptionName": "TIMEZONE"}]}}
	res := rule.deny with input as _input(i, ogs)
	count(res) == 1
	some f in res
	contains(f.msg, "option group og1 has no MARIADB_AUDIT_PLUGIN option")
}

test_fails_when_query_event_missing if {
	i := _instance("mysql", [_member("og1", "in-sync")])
	res := rule.deny with input as _input(i, _plugin_group("og1", _events("CONNECT,QUERY_DDL")))
	count(res) == 1
	some f in res
	contains(f.msg, "SERVER_AUDIT_EVENTS=CONNECT,QUERY_DDL lacks QUERY")
}

test_fails_when_plugin_group_pending_removal if {
	i := _instance("mysql", [_member("og1", "pending-removal"), _member("default:mysql-8-0", "pending-apply")])
	count(rule.deny) == 1 with input as _input(i, _plugin_group("og1", _events("CONNECT,QUERY")))
}

test_passes_when_plugin_with_required_events if {
	i := _instance("mysql", [_member("og1", "in-sync")])
	ogs := _plugin_group("og1", _events("CONNECT, QUERY, QUERY_DCL"))
	count(rule.deny) == 0 with input as _input(i, ogs)
	count(rule.not_evaluated) == 0 with input as _input(i, ogs)
	rule.applicable == {{"resource": _arn}} with input as _input(i, ogs)
}

test_passes_when_events_use_default_value if {
	i := _instance("mariadb", [_member("og1", "pending-apply")])
	ogs := _plugin_group("og1", [{"Name": "SERVER_AUDIT_EVENTS", "DefaultValue": "CONNECT,QUERY"}])
	count(rule.deny) == 0 with input as _input(i, ogs)
}

test_passes_when_events_setting_absent if {
	i := _instance("mariadb", [_member("og1", "in-sync")])
	count(rule.deny) == 0 with input as _input(i, _plugin_group("og1", []))
}

test_fails_when_required_events_overridden if {
	i := _instance("mariadb", [_member("og1", "in-sync")])
	count(rule.deny) == 1 with input as _input(i, _plugin_group("og1", []))
		with data.scanner.parameters as {"mysql_required_audit_events": ["CONNECT", "QUERY", "TABLE"]}
}

test_not_evaluated_when_option_group_not_in_snapshot if {
	i := _instance("mysql", [_member("og1", "in-sync")])
	count(rule.deny) == 0 with input as _input(i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "option group og1 is not in the snapshot"}} with input as _input(i, {})
}

test_not_evaluated_with_collection_gap_reason if {
	i := _instance("mysql", [_member("og1", "in-sync")])
	inp := object.union(_input(i, {}), {"collection_gaps": [{
		"account_id": "123456789012", "region": "us-east-1", "service": "rds",
		"operation": "DescribeOptionGroups", "error_code": "AccessDenied",
	}]})
	rule.not_evaluated == {{"resource": _arn, "reason": "rds DescribeOptionGroups failed: AccessDenied"}} with input as inp
}

test_not_evaluated_when_memberships_unknown if {
	i := object.union(_instance("mysql", []), {"derived": {"unknown_attributes": ["OptionGroupMemberships"]}})
	count(rule.deny) == 0 with input as _input(i, {})
	count(rule.not_evaluated) == 1 with input as _input(i, {})
}

test_out_of_scope_for_postgres if {
	i := _instance("postgres", [_member("default:postgres-16", "in-sync")])
	count(rule.applicable) == 0 with input as _input(i, {})
	count(rule.deny) == 0 with input as _input(i, {})
}

test_out_of_scope_for_aurora_member if {
	i := object.union(_instance("aurora-mysql", [_member("default:aurora-mysql-8-0", "in-sync")]), {"DBClusterIdentifier": "c1"})
	count(rule.applicable) == 0 with input as _input(i, {})
	count(rule.deny) == 0 with input as _input(i, {})
}
