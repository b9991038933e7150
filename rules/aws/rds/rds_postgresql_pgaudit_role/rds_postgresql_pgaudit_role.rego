# METADATA
# title: RDS for PostgreSQL instance pgaudit.role is not rds_pgaudit
# description: |
#   Object audit logging (AUDIT: OBJECT records for the tables and columns granted to the
#   audit role) needs pgaudit.role; on RDS and Aurora the only allowed value is
#   `rds_pgaudit`, a role that must be created first (CREATE ROLE rds_pgaudit). Resources
#   that do not load pgaudit are out of scope (see the pgaudit-loaded rule); if
#   shared_preload_libraries is unresolved the resource is not evaluated. Judged per RDS for
#   PostgreSQL instance (engine `postgres`, Multi-AZ DB cluster members included); Aurora
#   PostgreSQL is judged per cluster by the sibling rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
#   - https://github.com/pgaudit/pgaudit/blob/main/README.md
# custom:
#   id: DBAUDIT-RDS-018
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Create the role rds_pgaudit and set pgaudit.role = rds_pgaudit in the DB parameter group.
#     cli: aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=pgaudit.role,ParameterValue=rds_pgaudit,ApplyMethod=immediate"
#     terraform: 'aws_db_parameter_group: parameter { name = "pgaudit.role", value = "rds_pgaudit" }'
package rules.aws.rds.rds_postgresql_pgaudit_role

import data.rules.lib.aws

_spl := "shared_preload_libraries"

_param := "pgaudit.role"

_expected := "rds_pgaudit"

_in_scope contains [account.account_id, region.region, instance] if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_rds_postgresql(instance)
}

_loaded contains instance if {
	some [_, _, instance] in _in_scope
	aws.pgaudit_loaded(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _loaded
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": sprintf("cannot tell whether pgaudit is loaded: %s", [reason])} if {
	some [_, _, instance] in _in_scope
	reason := aws.param_unresolved(instance, _spl)
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some instance in _loaded
	reason := aws.param_unresolved(instance, _param)
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("pgaudit.role on RDS for PostgreSQL instance %s is not rds_pgaudit, so object audit logging is off", [instance.DBInstanceIdentifier]),
	"evidence": aws.param_evidence(instance, _param),
} if {
	some instance in _loaded
	aws.param_value(instance, _param) != _expected
}
