package rules.aws.rds.mysql_instance_audit_export_hollow_test

import data.rules.aws.rds.mysql_instance_audit_export_hollow as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:db1"

_input(instance, option_groups) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {
	"db_instances": [instance],
	"option_groups": option_groups,
}}]}]}

_instance(engine, exports, memberships) := {
	"DBInstanceIdentifier": "db1",
	"DBInstanceArn": _arn,
	"Engine": engine,
	"EnabledCloudwatchLogsExports": exports,
	"OptionGroupMemberships": memberships,
}

_member(name, status) := {"OptionGroupName": name, "Status": status}

_with_plugin := {"og1": {"OptionGroupName": "og1", "Options": [{"OptionName": "MARIADB_AUDIT_PLUGIN"}]}}

_without_plugin := {"og1": {"OptionGroupName": "og1", "Options": []}}

test_fails_when_default_option_group if {
	i := _instance("mysql", ["audit", "error"], [_member("default:mysql-8-0", "in-sync")])
	res := rule.deny with input as _input(i, {})
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "EnabledCloudwatchLogsExports=[\"audit\", \"error\"]; OptionGroupMemberships=[default:mysql-8-0 (in-sync)]; default:mysql-8-0 is a default option group"
	count(rule.not_evaluated) == 0 with input as _input(i, {})
}

test_fails_when_option_group_lacks_plugin if {
	i := _instance("mariadb", ["audit"], [_member("og1", "in-sync")])
	count(rule.deny) == 1 with input as _input(i, _without_plugin)
}

test_fails_when_plugin_group_pending_removal if {
	i := _instance("mariadb", ["audit"], [_member("og1", "pending-removal")])
	count(rule.deny) == 1 with input as _input(i, _with_plugin)
}

test_passes_when_plugin_attached if {
	i := _instance("mysql", ["audit"], [_member("og1", "in-sync")])
	count(rule.deny) == 0 with input as _input(i, _with_plugin)
	count(rule.not_evaluated) == 0 with input as _input(i, _with_plugin)
	rule.applicable == {{"resource": _arn}} with input as _input(i, _with_plugin)
}

test_out_of_scope_when_audit_not_exported if {
	i := _instance("mysql", ["error"], [_member("default:mysql-8-0", "in-sync")])
	count(rule.applicable) == 0 with input as _input(i, {})
	count(rule.deny) == 0 with input as _input(i, {})
	count(rule.not_evaluated) == 0 with input as _input(i, {})
}

test_out_of_scope_for_aurora_member if {
	i := object.union(_instance("aurora-mysql", ["audit"], []), {"DBClusterIdentifier": "c1"})
	count(rule.applicable) == 0 with input as _input(i, {})
	count(rule.deny) == 0 with input as _input(i, {})
}

test_not_evaluated_when_option_group_not_in_snapshot if {
	i := _instance("mysql", ["audit"], [_member("og1", "in-sync")])
	count(rule.deny) == 0 with input as _input(i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "option group og1 is not in the snapshot"}} with input as _input(i, {})
}

test_not_evaluated_when_exports_unknown if {
	i := object.union(_instance("mysql", [], []), {"derived": {"unknown_attributes": ["EnabledCloudwatchLogsExports"]}})
	count(rule.deny) == 0 with input as _input(i, {})
	rule.not_evaluated == {{"resource": _arn, "reason": "EnabledCloudwatchLogsExports is not known until apply"}} with input as _input(i, {})
}

test_not_evaluated_when_memberships_unknown if {
	i := object.union(_instance("mysql", ["audit"], []), {"derived": {"unknown_attributes": ["OptionGroupMemberships"]}})
	count(rule.deny) == 0 with input as _input(i, {})
	count(rule.not_evaluated) == 1 with input as _input(i, {})
}

test_out_of_scope_when_memberships_unknown_but_audit_not_exported if {
	i := object.union(_instance("mysql", ["error"], []), {"derived": {"unknown_attributes": ["OptionGroupMemberships"]}})
	count(rule.not_evaluated) == 0 with input as _input(i, {})
}
