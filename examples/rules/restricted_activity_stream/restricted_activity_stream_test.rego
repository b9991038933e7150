package custom.acme.restricted_activity_stream_test

import data.custom.acme.restricted_activity_stream as rule

_input(cluster) := {"accounts": [{"account_id": "111122223333", "regions": [{"region": "eu-west-1", "rds": {"db_clusters": [cluster]}}]}]}

_cluster(overrides) := object.union(
	{
		"DBClusterIdentifier": "payments",
		"DBClusterArn": "arn:aws:rds:eu-west-1:111122223333:cluster:payments",
		"Engine": "aurora-postgresql",
		"TagList": [{"Key": "data-classification", "Value": "restricted"}],
	},
	overrides,
)

test_fails_when_no_stream if {
	res := rule.deny with input as _input(_cluster({}))
	count(res) == 1
	some f in res
	f.evidence == "ActivityStreamStatus=stopped"
}

test_fails_when_stream_stopping if {
	count(rule.deny) == 1 with input as _input(_cluster({"ActivityStreamStatus": "stopping"}))
}

test_passes_when_stream_started if {
	count(rule.deny) == 0 with input as _input(_cluster({"ActivityStreamStatus": "started"}))
}

test_passes_for_untagged_cluster if {
	c := _cluster({"TagList": [{"Key": "team", "Value": "payments"}]})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.applicable) == 0 with input as _input(c)
}

test_not_evaluated_when_status_unknown if {
	c := _cluster({"derived": {"unknown_attributes": ["ActivityStreamStatus"]}})
	count(rule.deny) == 0 with input as _input(c)
	count(rule.not_evaluated) == 1 with input as _input(c)
}
