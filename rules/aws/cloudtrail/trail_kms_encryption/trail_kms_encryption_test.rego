package rules.aws.cloudtrail.trail_kms_encryption_test

import data.rules.aws.cloudtrail.trail_kms_encryption as rule

_acct := "123456789012"

_arn1 := "arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1"

_arn2 := "arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail2"

# controls.md §9: cli-examples/describe-trails.json, as collected in us-east-1.
_trail1 := {
	"IncludeGlobalServiceEvents": true,
	"Name": "Trail1",
	"TrailARN": _arn1,
	"LogFileValidationEnabled": false,
	"IsMultiRegionTrail": false,
	"S3BucketName": "amzn-s3-demo-bucket",
	"CloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role",
	"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*",
	"HomeRegion": "us-east-1",
}

_trail2 := {
	"IncludeGlobalServiceEvents": true,
	"Name": "Trail2",
	"S3KeyPrefix": "my-prefix",
	"TrailARN": _arn2,
	"LogFileValidationEnabled": false,
	"IsMultiRegionTrail": false,
	"S3BucketName": "amzn-s3-demo-bucket2",
	"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/4c5ae5ac-3c13-421e-8335-c7868ef6a769",
	"HomeRegion": "us-east-1",
}

_input(regions) := {"accounts": [{"account_id": _acct, "regions": regions}]}

_example := _input([{"region": "us-east-1", "cloudtrail": {"trails": [_trail1, _trail2]}}])

test_fails_when_no_kms_key_in_describe_trails_example if {
	res := rule.deny with input as _example
	count(res) == 1
	some f in res
	f.resource == _arn1
	f.msg == "CloudTrail trail Trail1 does not encrypt its log files with a KMS key"
	f.evidence == "KmsKeyId absent"
	rule.applicable == {{"resource": _arn1}, {"resource": _arn2}} with input as _example
}

test_passes_when_kms_key_set if {
	inp := _input([{"region": "us-east-1", "cloudtrail": {"trails": [_trail2]}}])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	count(rule.applicable) == 1 with input as inp
}

test_passes_when_shadow_copies_are_judged_once if {
	multi := object.union(_trail2, {"IsMultiRegionTrail": true})
	inp := _input([
		{"region": "us-east-1", "cloudtrail": {"trails": [multi]}},
		{"region": "eu-west-1", "cloudtrail": {"trails": [multi]}},
	])
	rule.applicable == {{"resource": _arn2}} with input as inp
	count(rule.deny) == 0 with input as inp
}

test_fails_when_only_shadow_copy_collected if {
	multi := object.union(_trail1, {"IsMultiRegionTrail": true})
	inp := _input([{"region": "eu-west-1", "cloudtrail": {"trails": [multi]}}])
	count(rule.deny) == 1 with input as inp
}

test_not_evaluated_when_kms_key_unknown if {
	t := object.union(_trail1, {"derived": {"unknown_attributes": ["KmsKeyId"]}})
	inp := _input([{"region": "us-east-1", "cloudtrail": {"trails": [t]}}])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "KmsKeyId is not known until apply"}} with input as inp
}
