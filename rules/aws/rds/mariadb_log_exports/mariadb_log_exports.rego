# METADATA
# title: RDS for MariaDB DB instance does not publish logs to CloudWatch Logs
# description: |
#   As Security Hub RDS.42, an RDS for MariaDB instance must publish each log type in the
#   parameter mariadb_log_types (default audit and error; the control allows audit, error,
#   general and slowquery). The audit export carries records only with the
#   MARIADB_AUDIT_PLUGIN option (DBAUDIT-RDS-022, DBAUDIT-RDS-024).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-42
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
# custom:
#   id: DBAUDIT-RDS-021
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Enable the missing log types in the instance's CloudWatch Logs exports.
#     cli: aws rds modify-db-instance --db-instance-identifier <instance> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["audit","error"]}' --apply-immediately
#     terraform: 'aws_db_instance: enabled_cloudwatch_logs_exports = ["audit", "error"]'
#   frameworks:
#     aws-securityhub: ["RDS.42"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)", "SC-7(10)"]
package rules.aws.rds.mariadb_log_exports

import data.rules.lib.aws
import data.rules.lib.params

_required := {lower(trim_space(t)) | some t in params.values.mariadb_log_types}

_in_scope contains instance if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	instance.Engine == "mariadb"
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _in_scope
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("RDS for MariaDB DB instance %s does not publish the %s logs to CloudWatch Logs", [instance.DBInstanceIdentifier, concat(", ", sort(missing))]),
	"evidence": sprintf("EnabledCloudwatchLogsExports=%v; required: %s", [aws.exports(instance), concat(",", sort(_required))]),
} if {
	some instance in _in_scope
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	missing := _required - {lower(t) | some t in aws.exports(instance)}
	count(missing) > 0
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some instance in _in_scope
	aws.unknown(instance, "EnabledCloudwatchLogsExports")
}
