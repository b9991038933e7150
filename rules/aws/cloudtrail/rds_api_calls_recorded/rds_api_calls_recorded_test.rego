package rules.aws.cloudtrail.rds_api_calls_recorded_test

import data.rules.aws.cloudtrail.rds_api_calls_recorded as rule

_acct := "123456789012"

_account_id := "AWS::::Account:123456789012"

_cluster := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": "arn:aws:rds:us-west-2:123456789012:cluster:c1",
	"Engine": "aurora-mysql",
}

_basic := {"EventSelectors": [{"IncludeManagementEvents": true, "DataResources": [], "ReadWriteType": "All"}]}

_arn(name, home) := sprintf("arn:aws:cloudtrail:%s:123456789012:trail/%s", [home, name])

_base(name, home) := {
	"Name": name,
	"TrailARN": _arn(name, home),
	"HomeRegion": home,
	"IsMultiRegionTrail": true,
	"status": {"IsLogging": true},
}

# object.union merges nested objects, so event selectors are set whole.
_trail(name, home, overrides) := object.union(object.union(_base(name, home), {"event_selectors": _basic}), overrides) if {
	not overrides.event_selectors
} else := object.union(_base(name, home), overrides)

_shadow(trail) := object.remove(trail, ["status", "event_selectors"])

# us-east-1 holds the trails' home copies; us-west-2 holds the DB cluster.
_input(home_trails, db_region_trails) := {"accounts": [{"account_id": _acct, "regions": [
	{"region": "us-east-1", "cloudtrail": {"trails": home_trails}},
	{"region": "us-west-2", "rds": {"db_clusters": [_cluster], "db_instances": []}, "cloudtrail": {"trails": db_region_trails}},
]}]}

_multi(overrides) := _trail("main", "us-east-1", overrides)

_one(overrides) := _input([_multi(overrides)], [_shadow(_multi(overrides))])

_scope := {"resource": _account_id, "account_id": _acct, "region": "us-west-2"}

test_passes_when_multi_region_trail_records_management_events if {
	inp := _one({})
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {_scope} with input as inp
}

test_passes_when_write_only if {
	sel := {"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}
	count(rule.deny) == 0 with input as _one({"event_selectors": sel})
}

test_passes_when_only_kms_excluded if {
	sel := {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}
	count(rule.deny) == 0 with input as _one({"event_selectors": sel})
}

test_passes_when_advanced_write_selector if {
	sel := {"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["false"]},
	]}]}
	count(rule.deny) == 0 with input as _one({"event_selectors": sel})
}

test_fails_when_rdsdata_excluded if {
	sel := {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["rdsdata.amazonaws.com"]}]}
	inp := _one({"event_selectors": sel})
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _account_id
	f.region == "us-west-2"
	f.evidence == "main: rdsdata.amazonaws.com excluded from management events"
	count(rule.not_evaluated) == 0 with input as inp
}

test_fails_when_advanced_selector_excludes_rdsdata if {
	sel := {"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]},
	]}]}
	count(rule.deny) == 1 with input as _one({"event_selectors": sel})
}

test_fails_when_read_only if {
	sel := {"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true}]}
	res := rule.deny with input as _one({"event_selectors": sel})
	some f in res
	f.evidence == "main: no event selector records write management events"
}

test_fails_when_advanced_read_only if {
	sel := {"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["true"]},
	]}]}
	count(rule.deny) == 1 with input as _one({"event_selectors": sel})
}

test_fails_when_not_logging if {
	res := rule.deny with input as _one({"status": {"IsLogging": false}})
	some f in res
	f.evidence == "main: IsLogging=false"
}

test_fails_when_only_trail_is_single_region_elsewhere if {
	t := _trail("local", "us-east-1", {"IsMultiRegionTrail": false})
	res := rule.deny with input as _input([t], [])
	some f in res
	f.evidence == "no trail covers us-west-2"
}

test_passes_when_single_region_trail_homed_in_db_region if {
	t := _trail("local", "us-west-2", {"IsMultiRegionTrail": false})
	count(rule.deny) == 0 with input as _input([], [t])
}

test_passes_when_region_has_no_db_resources if {
	inp := {"accounts": [{"account_id": _acct, "regions": [{"region": "us-east-1", "cloudtrail": {"trails": []}}]}]}
	count(rule.applicable) == 0 with input as inp
	count(rule.deny) == 0 with input as inp
}

test_passes_when_db_region_not_collected_but_multi_region_trail_qualifies if {
	inp := json.remove(_one({}), ["/accounts/0/regions/1/cloudtrail"])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_not_evaluated_when_cloudtrail_not_collected if {
	inp := json.remove(_input([], []), ["/accounts/0/regions/1/cloudtrail"])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {object.union(_scope, {"reason": "CloudTrail was not collected for account 123456789012 in us-west-2"})} with input as inp
}

test_not_evaluated_when_home_copy_has_no_event_selectors if {
	t := object.remove(_multi({}), ["event_selectors"])
	inp := _input([t], [_shadow(t)])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {object.union(_scope, {"reason": "trail main: event_selectors was not collected"})} with input as inp
}

test_not_evaluated_when_home_region_missing if {
	inp := {"accounts": [{"account_id": _acct, "regions": [{
		"region": "us-west-2",
		"rds": {"db_clusters": [_cluster]},
		"cloudtrail": {"trails": [_shadow(_multi({}))]},
	}]}]}
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {object.union(_scope, {"reason": "trail main: its home-region copy is not in the snapshot"})} with input as inp
}

test_not_evaluated_when_databases_not_listed if {
	inp := {
		"accounts": [{"account_id": _acct, "regions": [{"region": "us-west-2", "cloudtrail": {"trails": []}}]}],
		"collection_gaps": [{"account_id": _acct, "region": "us-west-2", "service": "rds", "operation": "DescribeDBClusters", "error_code": "AccessDenied"}],
	}
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {object.union(_scope, {"reason": "rds DescribeDBClusters failed: AccessDenied"})} with input as inp
}
