package rules.aws.cloudtrail.trail_log_file_validation_test

import data.rules.aws.cloudtrail.trail_log_file_validation as rule

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

test_fails_when_validation_off_in_describe_trails_example if {
	res := rule.deny with input as _example
	{f.resource | some f in res} == {_arn1, _arn2}
	some f in res
	f.resource == _arn2
	f.msg == "CloudTrail trail Trail2 does not validate its log files"
	f.evidence == "LogFileValidationEnabled=false"
}

test_passes_when_validation_on if {
	t := object.union(_trail1, {"LogFileValidationEnabled": true})
	inp := _input([{"region": "us-east-1", "cloudtrail": {"trails": [t]}}])
	count(rule.deny) == 0 with input as inp
	rule.applicable == {{"resource": _arn1}} with input as inp
}

test_not_evaluated_when_validation_unknown if {
	t := object.union(_trail1, {"derived": {"unknown_attributes": ["LogFileValidationEnabled"]}})
	inp := _input([{"region": "us-east-1", "cloudtrail": {"trails": [object.remove(t, ["LogFileValidationEnabled"])]}}])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "LogFileValidationEnabled is not known until apply"}} with input as inp
}
