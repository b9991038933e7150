package rules.aws.cloudtrail.multi_region_trail_test

import data.rules.aws.cloudtrail.multi_region_trail as rule

_acct := "123456789012"

_account_id := "AWS::::Account:123456789012"

_input(regions) := {"accounts": [{"account_id": _acct, "regions": regions}]}

_region(name, trails) := {"region": name, "cloudtrail": {"trails": trails}}

_arn(name) := sprintf("arn:aws:cloudtrail:us-east-1:123456789012:trail/%s", [name])

# cli-examples/get-event-selectors.json
_basic := {"EventSelectors": [{"IncludeManagementEvents": true, "DataResources": [], "ReadWriteType": "All"}]}

# cli-examples/get-event-selectors.advanced.json
_advanced := {"AdvancedEventSelectors": [{
	"Name": "Management events selector",
	"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}]}

_excluding(source) := {"EventSelectors": [{
	"ReadWriteType": "All",
	"IncludeManagementEvents": true,
	"DataResources": [],
	"ExcludeManagementEventSources": [source],
}]}

_base(name) := {
	"Name": name,
	"TrailARN": _arn(name),
	"HomeRegion": "us-east-1",
	"IsMultiRegionTrail": true,
	"S3BucketName": "trail-bucket",
	"status": {"IsLogging": true},
}

# object.union merges nested objects, so event selectors are set whole.
_trail(name, overrides) := object.union(object.union(_base(name), {"event_selectors": _basic}), overrides) if {
	not overrides.event_selectors
} else := object.union(_base(name), overrides)

# A multi-Region trail's copy in another region: no status, no selectors.
_shadow(trail) := object.remove(trail, ["status", "event_selectors"])

# controls.md §9: cli-examples/describe-trails.json has two single-Region trails: CloudTrail.1 fails.
test_fails_when_only_single_region_trails if {
	trail1 := {
		"IncludeGlobalServiceEvents": true, "Name": "Trail1", "TrailARN": _arn("Trail1"),
		"LogFileValidationEnabled": false, "IsMultiRegionTrail": false, "S3BucketName": "amzn-s3-demo-bucket",
		"CloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role",
		"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*",
		"HomeRegion": "us-east-1", "status": {"IsLogging": true}, "event_selectors": _basic,
	}
	trail2 := {
		"IncludeGlobalServiceEvents": true, "Name": "Trail2", "S3KeyPrefix": "my-prefix", "TrailARN": _arn("Trail2"),
		"LogFileValidationEnabled": false, "IsMultiRegionTrail": false, "S3BucketName": "amzn-s3-demo-bucket2",
		"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/4c5ae5ac-3c13-421e-8335-c7868ef6a769",
		"HomeRegion": "us-east-1", "status": {"IsLogging": true}, "event_selectors": _basic,
	}
	inp := _input([_region("us-east-1", [trail1, trail2])])
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _account_id
	f.account_id == _acct
	f.region == "global"
	f.evidence == "Trail1: IsMultiRegionTrail=false; Trail2: IsMultiRegionTrail=false"
	rule.applicable == {{"resource": _account_id, "account_id": _acct, "region": "global"}} with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_passes_when_multi_region_trail_with_basic_selectors if {
	t := _trail("main", {})
	inp := _input([_region("us-east-1", [t]), _region("eu-west-1", [_shadow(t)])])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	count(rule.applicable) == 1 with input as inp
}

test_passes_when_multi_region_trail_with_advanced_selectors if {
	inp := _input([_region("us-east-1", [_trail("main", {"event_selectors": _advanced})])])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_passes_when_selector_defaults_apply if {
	inp := _input([_region("us-east-1", [_trail("main", {"event_selectors": {"EventSelectors": [{"DataResources": []}]}})])])
	count(rule.deny) == 0 with input as inp
}

test_passes_when_one_of_several_trails_qualifies if {
	bad := _trail("bad", {"status": {"IsLogging": false}})
	inp := _input([_region("us-east-1", [bad, _trail("good", {})])])
	count(rule.deny) == 0 with input as inp
}

# controls.md §9: the get-event-selectors exclude variants fail CloudTrail.1.
test_fails_when_kms_events_excluded if {
	inp := _input([_region("us-east-1", [_trail("main", {"event_selectors": _excluding("kms.amazonaws.com")})])])
	res := rule.deny with input as inp
	some f in res
	f.evidence == `main: ExcludeManagementEventSources=["kms.amazonaws.com"]`
}

test_fails_when_rdsdata_events_excluded if {
	inp := _input([_region("us-east-1", [_trail("main", {"event_selectors": _excluding("rdsdata.amazonaws.com")})])])
	count(rule.deny) == 1 with input as inp
}

test_fails_when_advanced_selector_excludes_event_source if {
	sel := {"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]},
	]}]}
	count(rule.deny) == 1 with input as _input([_region("us-east-1", [_trail("main", {"event_selectors": sel})])])
}

test_fails_when_write_only if {
	sel := {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}
	res := rule.deny with input as _input([_region("us-east-1", [_trail("main", {"event_selectors": sel})])])
	some f in res
	f.evidence == "main: no event selector records both read and write management events"
}

test_fails_when_management_events_off if {
	sel := {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]}
	count(rule.deny) == 1 with input as _input([_region("us-east-1", [_trail("main", {"event_selectors": sel})])])
}

test_fails_when_advanced_selector_read_only if {
	sel := {"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["false"]},
	]}]}
	count(rule.deny) == 1 with input as _input([_region("us-east-1", [_trail("main", {"event_selectors": sel})])])
}

test_fails_when_not_logging if {
	res := rule.deny with input as _input([_region("us-east-1", [_trail("main", {"status": {"IsLogging": false}})])])
	some f in res
	f.evidence == "main: IsLogging=false"
}

test_fails_when_no_trails if {
	res := rule.deny with input as _input([_region("us-east-1", []), {"region": "eu-west-1"}])
	some f in res
	f.evidence == "no trails"
}

test_not_evaluated_when_cloudtrail_not_collected if {
	inp := object.union(_input([{"region": "us-east-1"}]), {"collection_gaps": [{
		"account_id": _acct, "region": "us-east-1", "service": "cloudtrail",
		"operation": "DescribeTrails", "error_code": "AccessDeniedException",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{
		"resource": _account_id, "account_id": _acct, "region": "global",
		"reason": "cloudtrail DescribeTrails failed: AccessDeniedException",
	}} with input as inp
}

test_not_evaluated_when_status_missing if {
	t := object.remove(_trail("main", {}), ["status"])
	inp := object.union(_input([_region("us-east-1", [t])]), {"collection_gaps": [{
		"account_id": _acct, "region": "us-east-1", "service": "cloudtrail",
		"operation": "GetTrailStatus", "resource": "main", "error_code": "ThrottlingException",
	}]})
	count(rule.deny) == 0 with input as inp
	some ne in rule.not_evaluated with input as inp
	ne.reason == "trail main: cloudtrail GetTrailStatus failed: ThrottlingException"
}

test_not_evaluated_when_event_selectors_missing if {
	t := object.remove(_trail("main", {}), ["event_selectors"])
	inp := _input([_region("us-east-1", [t])])
	count(rule.deny) == 0 with input as inp
	some ne in rule.not_evaluated with input as inp
	ne.reason == "trail main: event_selectors was not collected"
}

test_not_evaluated_when_home_region_not_collected if {
	inp := _input([_region("eu-west-1", [_shadow(_trail("main", {}))])])
	count(rule.deny) == 0 with input as inp
	some ne in rule.not_evaluated with input as inp
	ne.reason == "trail main: its home-region copy is not in the snapshot"
}

test_fails_when_shadow_only_trail_is_single_region if {
	# A trail homed elsewhere that is not multi-Region cannot qualify whatever its status.
	t := _shadow(_trail("other", {"IsMultiRegionTrail": false}))
	count(rule.deny) == 1 with input as _input([_region("eu-west-1", [t])])
}

test_not_evaluated_names_the_assume_role_gap if {
	inp := object.union(_input([]), {"collection_gaps": [{
		"account_id": _acct, "service": "sts", "operation": "AssumeRole", "error_code": "AccessDenied",
	}]})
	count(rule.deny) == 0 with input as inp
	some ne in rule.not_evaluated with input as inp
	ne.reason == "sts AssumeRole failed: AccessDenied"
}
