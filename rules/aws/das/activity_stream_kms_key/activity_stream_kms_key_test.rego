package rules.aws.das.activity_stream_kms_key_test

import data.rules.aws.das.activity_stream_kms_key as rule

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

test_fails_when_started_without_key if {
	r := _resource({"ActivityStreamStatus": "started", "ActivityStreamKinesisStreamName": "aws-rds-das-x"})
	res := rule.deny with input as _input(r)
	count(res) == 1
	some f in res
	f.resource == _arn
	f.msg == "The Database Activity Stream of Aurora cluster c1 has no KMS key"
	f.evidence == "ActivityStreamStatus=started; ActivityStreamKmsKeyId=<unset>"
}

test_fails_when_key_empty if {
	r := object.union(_stream("started"), {"ActivityStreamKmsKeyId": ""})
	count(rule.deny) == 1 with input as _input(r)
}

test_passes_when_key_set if {
	r := _stream("started")
	count(rule.deny) == 0 with input as _input(r)
	count(rule.not_evaluated) == 0 with input as _input(r)
	rule.applicable == {{"resource": _arn}} with input as _input(r)
}

test_out_of_scope_when_plain_stopped if {
	r := _resource({"ActivityStreamStatus": "stopped"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}

test_out_of_scope_for_neptune if {
	r := _resource({"ActivityStreamStatus": "started", "Engine": "neptune"})
	count(rule.applicable) == 0 with input as _input(r)
	count(rule.deny) == 0 with input as _input(r)
}

test_not_evaluated_when_key_unknown if {
	r := _resource({"ActivityStreamStatus": "started", "derived": {"unknown_attributes": ["ActivityStreamKmsKeyId"]}})
	count(rule.deny) == 0 with input as _input(r)
	rule.not_evaluated == {{"resource": _arn, "reason": "ActivityStreamKmsKeyId is not known until apply"}} with input as _input(r)
}
