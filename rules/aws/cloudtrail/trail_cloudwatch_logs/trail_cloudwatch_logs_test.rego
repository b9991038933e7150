package rules.aws.cloudtrail.trail_cloudwatch_logs_test

import data.rules.aws.cloudtrail.trail_cloudwatch_logs as rule

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

_with_status(trail, status) := _input([{"region": "us-east-1", "cloudtrail": {"trails": [object.union(trail, {"status": status})]}}])

_at(inp, generated_at) := object.union(inp, {"generated_at": generated_at})

test_fails_when_no_log_group_in_describe_trails_example if {
	res := rule.deny with input as _example
	count(res) == 1
	some f in res
	f.resource == _arn2
	f.msg == "CloudTrail trail Trail2 does not send its events to CloudWatch Logs"
	f.evidence == "CloudWatchLogsLogGroupArn absent"
}

test_passes_when_recent_delivery if {
	inp := _at(_with_status(_trail1, {"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": "2026-11-22T09:00:00Z"}), "2026-11-22T10:00:00Z")
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _arn1}} with input as inp
}

test_passes_when_no_delivery_time_reported if {
	inp := _with_status(_trail1, {"IsLogging": true})
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_fails_when_delivery_is_stale if {
	inp := _at(_with_status(_trail1, {"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": "2026-11-20T09:30:00Z"}), "2026-11-22T10:00:00Z")
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.evidence == "LatestCloudWatchLogsDeliveryTime=2026-11-20T09:30:00Z (48 h before generated_at=2026-11-22T10:00:00Z)"
}

test_passes_when_stale_delivery_within_overridden_window if {
	inp := _at(_with_status(_trail1, {"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": "2026-11-20T09:30:00Z"}), "2026-11-22T10:00:00Z")
	count(rule.deny) == 0 with input as inp with data.scanner.parameters as {"max_trail_delivery_age_hours": 72}
}

test_not_evaluated_when_generated_at_missing if {
	inp := _with_status(_trail1, {"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": "2026-11-20T09:30:00Z"})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "generated_at is missing or not RFC 3339; the delivery age cannot be computed"}} with input as inp
}

test_not_evaluated_when_status_missing if {
	inp := object.union(_input([{"region": "us-east-1", "cloudtrail": {"trails": [_trail1]}}]), {"collection_gaps": [{
		"account_id": _acct, "region": "us-east-1", "service": "cloudtrail", "operation": "GetTrailStatus",
		"resource": _arn1, "error_code": "AccessDeniedException",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "cloudtrail GetTrailStatus failed: AccessDeniedException"}} with input as inp
}

test_not_evaluated_when_home_region_not_collected if {
	t := object.union(_trail1, {"IsMultiRegionTrail": true})
	inp := _input([{"region": "eu-west-1", "cloudtrail": {"trails": [t]}}])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 1 with input as inp
}
