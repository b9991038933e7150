# METADATA
# title: RDS DB instance does not publish its engine's logs to CloudWatch Logs
# description: |
#   As Security Hub RDS.9, an RDS DB instance must publish every log type listed for its
#   engine: MySQL and MariaDB audit, error, general and slowquery; PostgreSQL postgresql and
#   upgrade; SQL Server error and agent; Oracle alert, audit, trace and listener (compared
#   case-insensitively). Aurora member instances are out of scope: the cluster owns the
#   exports (DBAUDIT-RDS-001 judges it), and flagging members for empty instance-level
#   exports is a known false positive of Prowler and Checkov. As in the Config rule,
#   instances whose status is not available, backing-up, storage-optimization or
#   storage-full are out of scope; instances without a known status are judged.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-9
#   - https://docs.aws.amazon.com/config/latest/developerguide/rds-logging-enabled.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
# custom:
#   id: DBAUDIT-RDS-020
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Enable the missing log types in the instance's CloudWatch Logs exports (audit needs the MARIADB_AUDIT_PLUGIN option on MySQL/MariaDB; general and slowquery need general_log, slow_query_log and log_output=FILE).
#     cli: aws rds modify-db-instance --db-instance-identifier <instance> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["audit","error","general","slowquery"]}' --apply-immediately
#     terraform: 'aws_db_instance: enabled_cloudwatch_logs_exports = ["audit", "error", "general", "slowquery"]'
#   frameworks:
#     aws-securityhub: ["RDS.9"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)", "SC-7(10)"]
#     pci-dss-v4.0.1: ["10.2.1"]
package rules.aws.rds.rds_instance_log_exports

import data.rules.lib.aws

_judged_statuses := {"available", "backing-up", "storage-optimization", "storage-full"}

_required_types(engine) := {"audit", "error", "general", "slowquery"} if engine in aws.rds_mysql_engines

_required_types(engine) := {"postgresql", "upgrade"} if engine == "postgres"

_required_types(engine) := {"error", "agent"} if startswith(engine, "sqlserver-")

_required_types(engine) := {"alert", "audit", "trace", "listener"} if startswith(engine, "oracle-")

_in_scope contains instance if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	not aws.is_aurora_member(instance)
	_required_types(instance.Engine)
	object.get(instance, "DBInstanceStatus", "available") in _judged_statuses
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _in_scope
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("RDS DB instance %s does not publish the %s logs to CloudWatch Logs", [instance.DBInstanceIdentifier, concat(", ", sort(missing))]),
	"evidence": sprintf("Engine=%s; EnabledCloudwatchLogsExports=%v; required: %s", [instance.Engine, aws.exports(instance), concat(",", sort(required))]),
} if {
	some instance in _in_scope
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	required := _required_types(instance.Engine)
	missing := required - {lower(t) | some t in aws.exports(instance)}
	count(missing) > 0
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "EnabledCloudwatchLogsExports is not known until apply"} if {
	some instance in _in_scope
	aws.unknown(instance, "EnabledCloudwatchLogsExports")
}
