package rules.aws.logs.log_group_retention_test

import data.rules.aws.logs.log_group_retention as rule

_acct := "123456789012"

_input(region) := {"accounts": [{"account_id": _acct, "regions": [object.union({"region": "us-west-2"}, region)]}]}

_groups(groups) := {"logs": {"log_groups": {g.logGroupName: g | some g in groups}}}

_id(name) := sprintf("arn:aws:logs:us-west-2:%s:log-group:%s", [_acct, name])

# controls.md §9: cli-examples/describe-log-groups.json (retentionInDays 5) fails CloudWatch.16.
test_fails_when_retention_is_5_days if {
	inp := _input(_groups([{
		"storedBytes": 0, "metricFilterCount": 0, "creationTime": 1433189500783,
		"logGroupName": "my-logs", "retentionInDays": 5,
		"arn": "arn:aws:logs:us-west-2:0123456789012:log-group:my-logs:*",
	}]))
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _id("my-logs")
	f.evidence == "retentionInDays=5"
	f.msg == "Log group my-logs keeps events for less than the required 365 days"
	rule.applicable == {{"resource": _id("my-logs")}} with input as inp
}

test_passes_when_never_expire if {
	inp := _input(_groups([{"logGroupName": "/aws/rds/cluster/c1/audit"}]))
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _id("/aws/rds/cluster/c1/audit")}} with input as inp
}

test_passes_when_retention_is_365_days if {
	inp := _input(_groups([{"logGroupName": "g", "retentionInDays": 365}]))
	count(rule.deny) == 0 with input as inp
}

test_fails_when_below_overridden_minimum if {
	inp := _input(_groups([{"logGroupName": "g", "retentionInDays": 365}]))
	res := rule.deny with input as inp with data.scanner.parameters as {"min_log_retention_days": 400}
	some f in res
	f.msg == "Log group g keeps events for less than the required 400 days"
}

test_fails_when_delivery_class if {
	inp := _input(_groups([{"logGroupName": "g", "logGroupClass": "DELIVERY"}]))
	res := rule.deny with input as inp
	some f in res
	f.evidence == "logGroupClass=DELIVERY (events are kept for one day)"
}

test_not_evaluated_when_retention_unknown if {
	inp := _input(_groups([{"logGroupName": "g", "derived": {"unknown_attributes": ["retentionInDays"]}}]))
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id("g"), "reason": "retentionInDays is not known until apply"}} with input as inp
}

test_not_evaluated_when_logs_not_collected if {
	inp := _input({
		"rds": {"db_clusters": [{
			"DBClusterIdentifier": "c1", "DBClusterArn": "arn:aws:rds:us-west-2:123456789012:cluster:c1",
			"Engine": "aurora-mysql", "EngineMode": "provisioned", "EnabledCloudwatchLogsExports": ["audit"],
		}]},
		"cloudtrail": {"trails": [{
			"Name": "t", "TrailARN": "arn:aws:cloudtrail:us-west-2:123456789012:trail/t", "HomeRegion": "us-west-2",
			"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-west-2:123456789012:log-group:CloudTrail/t:*",
		}]},
	})
	count(rule.deny) == 0 with input as inp
	reason := "CloudWatch Logs was not collected for account 123456789012 in us-west-2"
	rule.not_evaluated == {
		{"resource": _id("/aws/rds/cluster/c1/audit"), "reason": reason},
		{"resource": _id("CloudTrail/t"), "reason": reason},
	} with input as inp
}
