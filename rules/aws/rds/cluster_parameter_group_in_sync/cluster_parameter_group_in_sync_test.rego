package rules.aws.rds.cluster_parameter_group_in_sync_test

import data.rules.aws.rds.cluster_parameter_group_in_sync as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(cluster) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [cluster]}}]}]}

_cluster(engine, members) := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": _arn,
	"Engine": engine,
	"EngineMode": "provisioned",
	"DBClusterParameterGroup": "audit-pg",
	"DBClusterMembers": members,
}

_member(id, status) := {"DBInstanceIdentifier": id, "DBClusterParameterGroupStatus": status}

test_fails_when_member_pending_reboot if {
	c := _cluster("aurora-mysql", [_member("c1-a", "in-sync"), _member("c1-b", "pending-reboot")])
	res := rule.deny with input as _input(c)
	count(res) == 1
	some f in res
	f.resource == _arn
	contains(f.msg, "c1-b")
	f.evidence == "DBClusterParameterGroup=audit-pg; DBClusterParameterGroupStatus: c1-a=in-sync, c1-b=pending-reboot"
}

test_fails_for_aurora_postgresql if {
	c := _cluster("aurora-postgresql", [_member("c1-a", "applying")])
	count(rule.deny) == 1 with input as _input(c)
}

test_passes_when_all_members_in_sync if {
	c := _cluster("aurora-mysql", [_member("c1-a", "in-sync"), _member("c1-b", "in-sync")])
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
	rule.applicable == {{"resource": _arn}} with input as _input(c)
}

test_passes_when_no_members if {
	c := json.remove(_cluster("aurora-mysql", []), ["DBClusterMembers"])
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 0 with input as _input(c)
}

test_not_evaluated_when_member_status_unknown if {
	c := _cluster("aurora-postgresql", [_member("c1-a", "in-sync"), {"DBInstanceIdentifier": "c1-b"}])
	count(rule.deny) == 0 with input as _input(c)
	rule.not_evaluated == {{"resource": _arn, "reason": "DBClusterParameterGroupStatus of members c1-b is not known"}} with input as _input(c)
}

test_out_of_scope_for_multi_az_db_cluster if {
	c := _cluster("mysql", [_member("c1-a", "pending-reboot")])
	count(rule.applicable) == 0 with input as _input(c)
	count(rule.deny) == 0 with input as _input(c)
}
