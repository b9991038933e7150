package rules.aws.das.activity_stream_sync_mode_test

import data.rules.aws.das.activity_stream_sync_mode as rule

_arn := "arn:aws:rds:us-east-1:123456789012:cluster:c1"

_input(resource) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_clusters": [resource]}}]}]}

_resource(overrides) := object.union(
	{
		"DBClusterIdentifier": "c1",
		"DBClusterArn": _arn,
		"Engine": "aurora-postgresql",
		"EngineMode": "provisioned",
	},
	overrides,
)

_stream(status) := _resource({
	"ActivityStreamStatus": status,
	"ActivityStreamMode": "async",
	"ActivityStreamKmsKeyId": "12345678-abcd-efgh-ijkl-bd041f170262",
	"ActivityStreamKinesisStreamName": "aws-rds-das-x",
})

_sync_required := {"activity_stream_require_sync": true}

test_fails_when_async_and_sync_required if {
	res := rule.deny with input as _input(_stream("started"))
		with data.scanner.parameters as _sync_required
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "The Database Activity Stream of Aurora PostgreSQL cluster c1 runs in async mode, not sync"
	f.evidence == "ActivityStreamMode=async; ActivityStreamStatus=started"
}

test_passes_when_sync if {
	r := object.union(_stream("started"), {"ActivityStreamMode": "sync"})
	count(rule.deny) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
	count(rule.not_evaluated) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
	rule.applicable == {{"resource": _arn}} with input as _input(r) with data.scanner.parameters as _sync_required
}

test_passes_when_async_and_sync_not_required if {
	# Default parameters: the rule judges nothing.
	count(rule.deny) == 0 with input as _input(_stream("started"))
	count(rule.applicable) == 0 with input as _input(_stream("started"))
	count(rule.not_evaluated) == 0 with input as _input(_stream("started"))
}

test_out_of_scope_for_aurora_mysql if {
	r := object.union(_stream("started"), {"Engine": "aurora-mysql"})
	count(rule.applicable) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
	count(rule.deny) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
}

test_out_of_scope_when_not_started if {
	every status in ["stopped", "starting", "stopping"] {
		count(rule.applicable) == 0 with input as _input(_stream(status)) with data.scanner.parameters as _sync_required
		count(rule.deny) == 0 with input as _input(_stream(status)) with data.scanner.parameters as _sync_required
	}
}

test_not_evaluated_when_mode_missing if {
	r := _resource({"ActivityStreamStatus": "started"})
	count(rule.deny) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
	rule.not_evaluated == {{"resource": _arn, "reason": "the started activity stream reports no ActivityStreamMode"}} with input as _input(r)
		with data.scanner.parameters as _sync_required
}

test_not_evaluated_when_mode_unknown if {
	r := _resource({"ActivityStreamStatus": "started", "derived": {"unknown_attributes": ["ActivityStreamMode"]}})
	count(rule.deny) == 0 with input as _input(r) with data.scanner.parameters as _sync_required
	rule.not_evaluated == {{"resource": _arn, "reason": "ActivityStreamMode is not known until apply"}} with input as _input(r)
		with data.scanner.parameters as _sync_required
}
