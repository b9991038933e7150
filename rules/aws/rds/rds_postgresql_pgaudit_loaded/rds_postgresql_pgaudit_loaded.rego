# METADATA
# title: RDS for PostgreSQL instance does not load pgAudit
# description: |
#   pgAudit writes session and object audit records (AUDIT: SESSION / AUDIT: OBJECT) to the
#   PostgreSQL log; without it the log has no audit trail. It must be listed in the
#   effective shared_preload_libraries (compared case-insensitively, item by item) of the DB
#   parameter group; adding it needs a reboot and then CREATE EXTENSION pgaudit. Judged per
#   RDS for PostgreSQL instance (engine `postgres`, Multi-AZ DB cluster members included);
#   Aurora PostgreSQL is judged per cluster by the sibling rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
#   - https://github.com/pgaudit/pgaudit/blob/main/README.md
# custom:
#   id: DBAUDIT-RDS-016
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Add `pgaudit` to shared_preload_libraries in a custom DB parameter group, reboot, then run CREATE EXTENSION pgaudit.
#     cli: aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=shared_preload_libraries,ParameterValue=\"pg_stat_statements,pgaudit\",ApplyMethod=pending-reboot"
#     terraform: 'aws_db_parameter_group: parameter { name = "shared_preload_libraries", value = "pg_stat_statements,pgaudit", apply_method = "pending-reboot" }'
package rules.aws.rds.rds_postgresql_pgaudit_loaded

import data.rules.lib.aws

_param := "shared_preload_libraries"

_in_scope contains [account.account_id, region.region, instance] if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_rds_postgresql(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some [_, _, instance] in _in_scope
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some [_, _, instance] in _in_scope
	reason := aws.param_unresolved(instance, _param)
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("RDS for PostgreSQL instance %s does not load pgaudit (shared_preload_libraries)", [instance.DBInstanceIdentifier]),
	"evidence": aws.param_evidence(instance, _param),
} if {
	some [_, _, instance] in _in_scope
	not aws.param_unresolved(instance, _param)
	not aws.pgaudit_loaded(instance)
}
