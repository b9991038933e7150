package rules.aws.logs.audit_log_archived_test

import data.rules.aws.logs.audit_log_archived as rule

_acct := "123456789012"

_group := "/aws/rds/instance/db1/audit"

_id := "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/rds/instance/db1/audit"

_input(subscriptions) := {"accounts": [{"account_id": _acct, "regions": [{
	"region": "eu-west-1",
	"rds": {"db_instances": [{"DBInstanceIdentifier": "db1", "DBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:db1", "Engine": "mysql", "EnabledCloudwatchLogsExports": ["audit", "error"]}]},
	"logs": {"log_groups": {
		_group: {"logGroupName": _group, "metric_filters": [], "subscription_filters": subscriptions},
		"/aws/rds/instance/db1/error": {"logGroupName": "/aws/rds/instance/db1/error"},
	}},
}]}]}

test_passes_when_subscribed_to_firehose if {
	inp := _input([{"filterName": "archive", "filterPattern": "", "destinationArn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/audit"}])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _id}} with input as inp
}

test_fails_when_no_subscription_filter if {
	inp := _input([])
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _id
	f.msg == "Audit log group /aws/rds/instance/db1/audit has no subscription filter that archives it"
	f.evidence == "subscription_filters=[]"
}

test_fails_when_subscription_has_no_destination if {
	res := rule.deny with input as _input([{"filterName": "x", "filterPattern": "", "destinationArn": ""}])
	some f in res
	f.evidence == `subscription_filters=["x"]`
}

test_not_evaluated_when_logs_not_collected if {
	inp := json.remove(_input([]), ["/accounts/0/regions/0/logs"])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id, "reason": "CloudWatch Logs was not collected for account 123456789012 in eu-west-1"}} with input as inp
}

test_not_evaluated_when_subscription_filters_not_collected if {
	inp := object.union(_input([]), {"collection_gaps": [{
		"account_id": _acct, "region": "eu-west-1", "service": "logs", "operation": "DescribeSubscriptionFilters",
		"resource": _group, "error_code": "AccessDeniedException",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id, "reason": "logs DescribeSubscriptionFilters failed: AccessDeniedException"}} with input as inp
}

test_passes_when_gap_is_for_another_group if {
	inp := object.union(_input([{"filterName": "a", "filterPattern": "", "destinationArn": "arn:aws:lambda:eu-west-1:123456789012:function:f"}]), {"collection_gaps": [{
		"account_id": _acct, "region": "eu-west-1", "service": "logs", "operation": "DescribeSubscriptionFilters",
		"resource": "/aws/rds/instance/other/audit", "error_code": "AccessDeniedException",
	}]})
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_passes_when_log_group_missing_is_not_applicable if {
	inp := json.patch(_input([]), [{"op": "remove", "path": "/accounts/0/regions/0/logs/log_groups/~1aws~1rds~1instance~1db1~1audit"}])
	count(rule.applicable) == 0 with input as inp
	count(rule.deny) == 0 with input as inp
}
