package rules.aws.logs.failed_login_alarm_test

import data.rules.aws.logs.failed_login_alarm as rule

_acct := "123456789012"

_group := "/aws/rds/cluster/c1/audit"

_id := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/cluster/c1/audit"

_cluster := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:c1",
	"Engine": "aurora-mysql",
	"EngineMode": "provisioned",
	"EnabledCloudwatchLogsExports": ["audit"],
}

_filter(pattern, alarms) := {
	"filterName": "failed-logins",
	"filterPattern": pattern,
	"metricTransformations": [{"metricName": "FailedDbLogins", "metricNamespace": "DBAudit", "metricValue": "1"}],
	"derived": {"alarm_names": alarms},
}

_alarm(overrides) := object.union(
	{
		"AlarmName": "failed-db-logins",
		"MetricName": "FailedDbLogins",
		"Namespace": "DBAudit",
		"ActionsEnabled": true,
		"AlarmActions": ["arn:aws:sns:us-east-1:123456789012:security"],
	},
	overrides,
)

_input(filters, alarms) := {"accounts": [{"account_id": _acct, "regions": [{
	"region": "us-east-1",
	"rds": {"db_clusters": [_cluster]},
	"logs": {"log_groups": {_group: {"logGroupName": _group, "metric_filters": filters, "subscription_filters": []}}},
	"cloudwatch": {"metric_alarms": {a.AlarmName: a | some a in alarms}},
}]}]}

test_passes_when_filter_and_alarm_with_actions if {
	inp := _input([_filter(`"FAILED_CONNECT"`, ["failed-db-logins"])], [_alarm({})])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
	rule.applicable == {{"resource": _id}} with input as inp
}

test_passes_when_actions_enabled_absent if {
	a := object.remove(_alarm({}), ["ActionsEnabled"])
	count(rule.deny) == 0 with input as _input([_filter(`[..., retcode=1045]`, ["failed-db-logins"])], [a])
}

test_fails_when_no_metric_filter if {
	inp := _input([], [])
	res := rule.deny with input as inp
	count(res) == 1
	some f in res
	f.resource == _id
	f.evidence == `no metric filter pattern contains any of ["FAILED_CONNECT", "1045"]`
}

test_fails_when_filter_pattern_is_unrelated if {
	count(rule.deny) == 1 with input as _input([_filter(`"QUERY"`, ["failed-db-logins"])], [_alarm({})])
}

test_fails_when_alarm_actions_disabled if {
	inp := _input([_filter(`"FAILED_CONNECT"`, ["failed-db-logins"])], [_alarm({"ActionsEnabled": false})])
	res := rule.deny with input as inp
	some f in res
	f.evidence == `filter failed-logins: alarms ["failed-db-logins (ActionsEnabled=false, AlarmActions=1)"]`
}

test_fails_when_alarm_has_no_actions if {
	inp := _input([_filter(`"FAILED_CONNECT"`, ["failed-db-logins"])], [_alarm({"AlarmActions": []})])
	count(rule.deny) == 1 with input as inp
}

test_fails_when_filter_has_no_alarm if {
	inp := _input([_filter(`"FAILED_CONNECT"`, [])], [])
	res := rule.deny with input as inp
	some f in res
	f.evidence == "filter failed-logins: alarms []"
}

test_passes_when_terms_overridden if {
	inp := _input([_filter(`"Access denied"`, ["failed-db-logins"])], [_alarm({})])
	count(rule.deny) == 0 with input as inp with data.scanner.parameters as {"failed_login_filter_terms": {"audit": ["Access denied"]}}
}

test_passes_when_postgresql_instance_alarmed if {
	inp := {"accounts": [{"account_id": _acct, "regions": [{
		"region": "us-east-1",
		"rds": {"db_instances": [{"DBInstanceIdentifier": "pg1", "DBInstanceArn": "arn:aws:rds:us-east-1:123456789012:db:pg1", "Engine": "postgres", "EnabledCloudwatchLogsExports": ["postgresql"]}]},
		"logs": {"log_groups": {"/aws/rds/instance/pg1/postgresql": {"logGroupName": "/aws/rds/instance/pg1/postgresql", "metric_filters": [_filter(`"password authentication failed"`, ["failed-db-logins"])]}}},
		"cloudwatch": {"metric_alarms": {"failed-db-logins": _alarm({})}},
	}]}]}
	count(rule.deny) == 0 with input as inp
	rule.applicable == {{"resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/instance/pg1/postgresql"}} with input as inp
}

test_passes_when_log_group_missing if {
	inp := json.patch(_input([], []), [{"op": "replace", "path": "/accounts/0/regions/0/logs/log_groups", "value": {}}])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 0 with input as inp
}

test_not_evaluated_when_cloudwatch_not_collected if {
	inp := json.remove(_input([_filter(`"FAILED_CONNECT"`, [])], []), ["/accounts/0/regions/0/cloudwatch"])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id, "reason": "CloudWatch alarms was not collected for account 123456789012 in us-east-1"}} with input as inp
}

test_fails_when_no_filter_and_cloudwatch_not_collected if {
	inp := json.remove(_input([], []), ["/accounts/0/regions/0/cloudwatch"])
	count(rule.deny) == 1 with input as inp
}

test_not_evaluated_when_logs_not_collected if {
	inp := json.remove(_input([], []), ["/accounts/0/regions/0/logs"])
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id, "reason": "CloudWatch Logs was not collected for account 123456789012 in us-east-1"}} with input as inp
}

test_not_evaluated_when_metric_filters_not_collected if {
	inp := object.union(_input([], []), {"collection_gaps": [{
		"account_id": _acct, "region": "us-east-1", "service": "logs", "operation": "DescribeMetricFilters",
		"resource": _group, "error_code": "ThrottlingException",
	}]})
	count(rule.deny) == 0 with input as inp
	rule.not_evaluated == {{"resource": _id, "reason": "logs DescribeMetricFilters failed: ThrottlingException"}} with input as inp
}

test_not_evaluated_when_alarm_actions_unknown if {
	a := _alarm({"AlarmActions": [], "derived": {"unknown_attributes": ["AlarmActions"]}})
	inp := _input([_filter(`"FAILED_CONNECT"`, ["failed-db-logins"])], [a])
	count(rule.deny) == 0 with input as inp
	count(rule.not_evaluated) == 1 with input as inp
}

test_passes_when_log_group_missing_is_not_applicable if {
	inp := json.patch(_input([], []), [{"op": "replace", "path": "/accounts/0/regions/0/logs/log_groups", "value": {}}])
	count(rule.applicable) == 0 with input as inp
}
