# METADATA
# title: RDS for PostgreSQL instance does not publish its logs to CloudWatch Logs
# description: |
#   The PostgreSQL log (which carries pgAudit records, connection logging and statement
#   logging) stays on the instance for rds.log_retention_period (3 days by default) unless
#   the instance exports it to /aws/rds/instance/<instance>/<type>. Every export type in the
#   parameter `rds_postgresql_log_types` (default `postgresql`; Security Hub also accepts
#   `upgrade`) must be enabled. Multi-AZ DB cluster members (engine `postgres`) are in scope.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-36
#   - https://docs.aws.amazon.com/config/latest/developerguide/rds-postgresql-logs-to-cloudwatch.html
# custom:
#   id: DBAUDIT-RDS-011
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Add the missing log types (e.g. `postgresql`) to the instance's CloudWatch Logs exports.
#     cli: aws rds modify-db-instance --db-instance-identifier <instance> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["postgresql"]}'
#     terraform: 'aws_db_instance: enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]'
#   frameworks:
#     aws-securityhub: ["RDS.36"]
#     pci-dss-v4.0.1: ["10.4.2"]
package rules.aws.rds.rds_postgresql_log_export

import data.rules.lib.aws
import data.rules.lib.params

_required := {lower(trim_space(t)) | some t in params.values.rds_postgresql_log_types}

_in_scope contains [account.account_id, region.region, instance] if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_rds_postgresql(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some [_, _, instance] in _in_scope
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some [_, _, instance] in _in_scope
	aws.unknown(instance, "EnabledCloudwatchLogsExports")
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("RDS for PostgreSQL instance %s does not export the %s log(s) to CloudWatch Logs", [instance.DBInstanceIdentifier, concat(", ", sort(missing))]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v; required: %v", [aws.exports(instance), sort(_required)]),
} if {
	some [_, _, instance] in _in_scope
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	missing := _required - {lower(t) | some t in aws.exports(instance)}
	count(missing) > 0
}
