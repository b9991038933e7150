package rules.aws.rds.instance_parameter_group_in_sync_test

import data.rules.aws.rds.instance_parameter_group_in_sync as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:db1"

_input(instance) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [instance]}}]}]}

_instance(engine, groups) := {
	"DBInstanceIdentifier": "db1",
	"DBInstanceArn": _arn,
	"Engine": engine,
	"DBInstanceStatus": "available",
	"DBParameterGroups": groups,
}

test_fails_when_pending_reboot if {
	i := _instance("postgres", [{"DBParameterGroupName": "pg-audit", "ParameterApplyStatus": "pending-reboot"}])
	res := rule.deny with input as _input(i)
	count(res) == 1
	some f in res
	f.resource == _arn
	f.evidence == "ParameterApplyStatus: pg-audit=pending-reboot"
}

test_fails_when_failed_to_apply if {
	i := _instance("mysql", [{"DBParameterGroupName": "my", "ParameterApplyStatus": "failed-to-apply"}])
	count(rule.deny) == 1 with input as _input(i)
}

test_passes_when_in_sync if {
	i := _instance("mysql", [{"DBParameterGroupName": "my", "ParameterApplyStatus": "in-sync"}])
	count(rule.deny) == 0 with input as _input(i)
	count(rule.not_evaluated) == 0 with input as _input(i)
	rule.applicable == {{"resource": _arn}} with input as _input(i)
}

test_not_evaluated_when_status_unknown if {
	i := _instance("mariadb", [{"DBParameterGroupName": "maria"}])
	count(rule.deny) == 0 with input as _input(i)
	rule.not_evaluated == {{"resource": _arn, "reason": "ParameterApplyStatus of maria is not known"}} with input as _input(i)
}

test_not_evaluated_when_groups_unknown if {
	i := object.union(_instance("mysql", []), {"derived": {"unknown_attributes": ["DBParameterGroups"]}})
	count(rule.deny) == 0 with input as _input(i)
	count(rule.not_evaluated) == 1 with input as _input(i)
}

test_out_of_scope_for_aurora_member if {
	i := object.union(
		_instance("aurora-mysql", [{"DBParameterGroupName": "a", "ParameterApplyStatus": "pending-reboot"}]),
		{"DBClusterIdentifier": "c1"},
	)
	count(rule.applicable) == 0 with input as _input(i)
	count(rule.deny) == 0 with input as _input(i)
}
