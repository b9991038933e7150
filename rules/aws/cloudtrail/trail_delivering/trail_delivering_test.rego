package rules.aws.cloudtrail.trail_delivering_test

import data.rules.aws.cloudtrail.trail_delivering as rule

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

_with_status(status) := {
	"generated_at": "2026-11-22T10:00:00Z",
	"accounts": [{"account_id": _acct, "regions": [{"region": "us-east-1", "cloudtrail": {"trails": [object.union(_trail1, {"status": status})]}}]}],
}

test_passes_when_logging_and_delivering if {
	inp := _with_status({"IsLogging": true, "LatestDeliveryTime": "2026-11-22T09:55:00Z"})
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _arn1}} with input as inp
}

test_fails_when_not_logging if {
	res := rule.deny with input as _with_status({"IsLogging": false, "LatestDeliveryTime": "2026-11-22T09:55:00Z"})
	count(res) == 1
	some f in res
	f.resource == _arn1
	f.evidence == "IsLogging=false"
}

test_fails_when_delivery_error if {
	res := rule.deny with input as _with_status({"IsLogging": true, "LatestDeliveryTime": "2026-11-22T09:55:00Z", "LatestDeliveryError": "AccessDenied"})
	some f in res
	f.evidence == "LatestDeliveryError=AccessDenied"
}

test_fails_when_never_delivered if {
	res := rule.deny with input as _with_status({"IsLogging": true})
	some f in res
	f.evidence == "LatestDeliveryTime absent (no log file delivered)"
}

test_fails_when_delivery_is_stale if {
	res := rule.deny with input as _with_status({"IsLogging": true, "LatestDeliveryTime": "2026-11-21T09:00:00Z"})
	some f in res
	f.evidence == "LatestDeliveryTime=2026-11-21T09:00:00Z (25 h before generated_at=2026-11-22T10:00:00Z)"
}

test_not_evaluated_when_generated_at_missing if {
	inp := object.remove(_with_status({"IsLogging": true, "LatestDeliveryTime": "2026-11-21T09:00:00Z"}), ["generated_at"])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "generated_at is missing or not RFC 3339; the delivery age cannot be computed"}} with input as inp
}

test_not_evaluated_when_status_missing if {
	count(rule.deny) == 0 with input as _example
	rule.not_evaluated == {
		{"resource": _arn1, "reason": "GetTrailStatus output (status) was not collected for the trail"},
		{"resource": _arn2, "reason": "GetTrailStatus output (status) was not collected for the trail"},
	} with input as _example
}

test_not_evaluated_when_home_region_not_collected if {
	t := object.union(_trail1, {"IsMultiRegionTrail": true})
	inp := _input([{"region": "eu-west-1", "cloudtrail": {"trails": [t]}}])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "the home region us-east-1 of the trail was not collected; its status is not known"}} with input as inp
}

# A Terraform plan or CloudFormation template says the trail logs, but it has not delivered
# anything yet: not evaluated, not "never delivered".
test_not_evaluated_when_delivery_unknown_from_configuration if {
	trail := {
		"Name": "planned",
		"TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/planned",
		"HomeRegion": "us-east-1",
		"status": {"IsLogging": true},
		"derived": {"unknown_attributes": ["LatestDeliveryTime", "LatestDeliveryError"]},
	}
	inp := {"generated_at": "2026-11-20T09:00:00Z", "accounts": [{"account_id": "123456789012", "regions": [{"region": "us-east-1", "cloudtrail": {"trails": [trail]}}]}]}
	count(rule.deny) == 0 with input as inp
	some ne in rule.not_evaluated with input as inp
	contains(ne.reason, "not known from configuration")
}

test_not_evaluated_names_the_home_region_gap if {
	t := object.union(_trail1, {"IsMultiRegionTrail": true})
	inp := object.union(_input([{"region": "eu-west-1", "cloudtrail": {"trails": [t]}}]), {"collection_gaps": [{
		"account_id": "123456789012", "region": "us-east-1", "service": "cloudtrail", "operation": "DescribeTrails", "error_code": "AccessDenied",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _arn1, "reason": "the home region us-east-1 of the trail was not collected (cloudtrail DescribeTrails failed: AccessDenied); its status is not known"}} with input as inp
}
