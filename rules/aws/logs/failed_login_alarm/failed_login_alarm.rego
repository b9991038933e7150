# METADATA
# title: Database audit log group has no alarm on failed logins
# description: |
#   Each audit log group of an enabled audit export (Aurora MySQL cluster `audit`, Aurora
#   PostgreSQL cluster `postgresql`, RDS MySQL/MariaDB instance `audit`, RDS PostgreSQL
#   instance `postgresql`) needs a metric filter whose pattern contains one of the
#   `failed_login_filter_terms` for its log type (defaults: FAILED_CONNECT or 1045 for
#   `audit`; "authentication failed" or 28P01 for `postgresql`), and an alarm on the filter's
#   metric with actions enabled and at least one AlarmActions target. No Security Hub control
#   checks failed database logins (CloudWatch.6 covers console sign-in failures only), so this
#   rule is custom. Groups that do not exist are reported by DBAUDIT-LOGS-001 / -006.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
# custom:
#   id: DBAUDIT-LOGS-004
#   severity: MEDIUM
#   service: logs
#   resource_type: AwsLogsLogGroup
#   remediation:
#     text: Create a metric filter for failed logins on the audit log group and a CloudWatch alarm on its metric that notifies an SNS topic.
#     cli: aws logs put-metric-filter --log-group-name /aws/rds/cluster/<cluster>/audit --filter-name failed-db-logins --filter-pattern '"FAILED_CONNECT"' --metric-transformations metricName=FailedDbLogins,metricNamespace=DBAudit,metricValue=1 && aws cloudwatch put-metric-alarm --alarm-name failed-db-logins --namespace DBAudit --metric-name FailedDbLogins --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>
#     terraform: 'aws_cloudwatch_log_metric_filter (pattern = "\"FAILED_CONNECT\"") + aws_cloudwatch_metric_alarm (alarm_actions = [aws_sns_topic.security.arn])'
package rules.aws.logs.failed_login_alarm

import data.rules.lib.aws
import data.rules.lib.params

# The audit groups of one region's enabled audit exports: {[log type, log group name]}.
_audit_groups(region) := {[t, aws.cluster_log_group(c, t)] |
	some c in region.rds.db_clusters
	t := aws.cluster_audit_log_type(c)
	t in aws.exports(c)
} | {[t, aws.instance_log_group(i, t)] |
	some i in region.rds.db_instances
	t := aws.instance_audit_log_type(i)
	t in aws.exports(i)
}

_terms(log_type) := object.get(params.values.failed_login_filter_terms, log_type, [])

# Metric filters of the group whose pattern contains a failed-login term.
_login_filters(lg, log_type) := {mf |
	some mf in object.get(lg, "metric_filters", [])
	some term in _terms(log_type)
	contains(mf.filterPattern, term)
}

_alarm_names(mf) := object.get(mf, ["derived", "alarm_names"], [])

_alarm_ok(cloudwatch, name) if {
	alarm := cloudwatch.metric_alarms[name]
	object.get(alarm, "ActionsEnabled", true) != false
	count(object.get(alarm, "AlarmActions", [])) > 0
}

_alarmed(region, filters) if {
	some mf in filters
	some name in _alarm_names(mf)
	_alarm_ok(region.cloudwatch, name)
}

# "name (ActionsEnabled=…, AlarmActions=n)" for each alarm on the filter's metrics.
_alarm_states(region, mf) := [_alarm_state(region, name) | some name in _alarm_names(mf)]

_alarm_state(region, name) := sprintf("%s (ActionsEnabled=%v, AlarmActions=%d)", [
	name,
	object.get(alarm, "ActionsEnabled", true),
	count(object.get(alarm, "AlarmActions", [])),
]) if {
	alarm := region.cloudwatch.metric_alarms[name]
} else := sprintf("%s (not found)", [name])

# Why the alarms of matching filters cannot be judged, if they cannot.
_alarms_unknown(account_id, region, filters) := aws.not_collected_reason(account_id, region.region, "DescribeAlarms", "CloudWatch alarms") if {
	not region.cloudwatch
} else := reason if {
	reason := aws.gap_reason(account_id, region.region, "DescribeAlarms")
} else := sprintf("alarm %s: ActionsEnabled or AlarmActions is not known until apply", [name]) if {
	some mf in filters
	some name in _alarm_names(mf)
	alarm := region.cloudwatch.metric_alarms[name]
	some attr in ["ActionsEnabled", "AlarmActions"]
	aws.unknown(alarm, attr)
}

# A group is judged where it exists, or where CloudWatch Logs was not collected (not evaluated);
# a missing group is DBAUDIT-LOGS-001 / -006's finding.
_judged(region, name) if region.logs.log_groups[name]

_judged(region, _) if not region.logs

applicable contains {"resource": aws.log_group_arn(account.account_id, region.region, name)} if {
	some account in input.accounts
	some region in account.regions
	some [_, name] in _audit_groups(region)
	_judged(region, name)
}

not_evaluated contains {"resource": aws.log_group_arn(account.account_id, region.region, name), "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	not region.logs
	some [_, name] in _audit_groups(region)
	reason := aws.not_collected_reason(account.account_id, region.region, "DescribeLogGroups", "CloudWatch Logs")
}

# No matching filter, but the group's metric filters could not be read.
not_evaluated contains {"resource": aws.log_group_arn(account.account_id, region.region, name), "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	some [t, name] in _audit_groups(region)
	lg := region.logs.log_groups[name]
	count(_login_filters(lg, t)) == 0
	reason := aws.resource_gap_reason(account.account_id, region.region, "DescribeMetricFilters", [name])
}

not_evaluated contains {"resource": aws.log_group_arn(account.account_id, region.region, name), "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	some [t, name] in _audit_groups(region)
	lg := region.logs.log_groups[name]
	filters := _login_filters(lg, t)
	count(filters) > 0
	not _alarmed(region, filters)
	reason := _alarms_unknown(account.account_id, region, filters)
}

deny contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"msg": sprintf("Audit log group %s has no metric filter for failed database logins", [name]),
	"evidence": sprintf("no metric filter pattern contains any of %v", [_terms(t)]),
} if {
	some account in input.accounts
	some region in account.regions
	some [t, name] in _audit_groups(region)
	lg := region.logs.log_groups[name]
	count(_login_filters(lg, t)) == 0
	not aws.resource_gap_reason(account.account_id, region.region, "DescribeMetricFilters", [name])
}

deny contains {
	"resource": aws.log_group_arn(account.account_id, region.region, name),
	"msg": sprintf("Audit log group %s has a failed-login metric filter but no alarm with enabled actions on it", [name]),
	"evidence": concat("; ", sort([sprintf("filter %s: alarms %v", [mf.filterName, _alarm_states(region, mf)]) | some mf in filters])),
} if {
	some account in input.accounts
	some region in account.regions
	some [t, name] in _audit_groups(region)
	lg := region.logs.log_groups[name]
	filters := _login_filters(lg, t)
	count(filters) > 0
	not _alarmed(region, filters)
	not _alarms_unknown(account.account_id, region, filters)
}
