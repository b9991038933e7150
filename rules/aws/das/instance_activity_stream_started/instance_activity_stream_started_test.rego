package rules.aws.das.instance_activity_stream_started_test

import data.rules.aws.das.instance_activity_stream_started as rule

_arn := "arn:aws:rds:us-east-1:123456789012:db:ora1"

_input(resource) := {"accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "rds": {"db_instances": [resource]}}]}]}

_resource(overrides) := object.union(
	{
		"DBInstanceIdentifier": "ora1",
		"DBInstanceArn": _arn,
		"Engine": "oracle-ee",
	},
	overrides,
)

_stream(status) := _resource({
	"ActivityStreamStatus": status,
	"ActivityStreamMode": "async",
	"ActivityStreamKmsKeyId": "12345678-abcd-efgh-ijkl-bd041f170262",
	"ActivityStreamKinesisStreamName": "aws-rds-das-x",
})

test_fails_when_stopping if {
	res := rule.deny with input as _input(_stream("stopping"))
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "The Database Activity Stream of DB instance ora1 is stopping, not started"
	f.evidence == "ActivityStreamStatus=stopping; ActivityStreamKinesisStreamName=aws-rds-das-x"
}

test_fails_when_stopped_with_leftover_stream_name if {
	r := _resource({"ActivityStreamStatus": "stopped", "ActivityStreamKinesisStreamName": "aws-rds-das-x"})
	count(rule.deny) == 1 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_passes_when_started if {
	r := _stream("started")
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_out_of_scope_when_plain_stopped if {
	# AWS reports "stopped" on resources that never used DAS.
	r := _resource({"ActivityStreamStatus": "stopped"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
}

test_out_of_scope_when_no_status if {
	count(rule.applicable) == 0 with input as _input(_resource({}))
	count(rule.deny) == 0 with input as _input(_resource({}))
}

test_out_of_scope_for_aurora_member if {
	r := object.union(_stream("stopping"), {"Engine": "aurora-postgresql", "DBClusterIdentifier": "c1"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}

test_not_evaluated_when_starting if {
	r := _stream("starting")
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "the activity stream is starting; re-scan once it has started"}} with input as _input(r)
}

test_not_evaluated_when_status_unknown if {
	r := _resource({"derived": {"unknown_attributes": ["ActivityStreamStatus"]}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "ActivityStreamStatus is not known until apply"}} with input as _input(r)
}
