# METADATA
# title: RDS for PostgreSQL instance does not log authenticated connections
# description: |
#   log_connections records who connected (PostgreSQL also logs failed authentication on its
#   own, but not successful logins). Up to PostgreSQL 17 it is a boolean; PostgreSQL 18 made
#   it a list of stages (receipt, authentication, authorization, all; empty = off) and still
#   accepts the legacy booleans. Passes when the effective value is a true boolean (1, on,
#   true, yes) or a list containing `authentication` or `all`; fails when it is
#   off/0/false/no, empty or unset, or a list without the authentication stage (e.g. only
#   `receipt`, which records that a connection arrived but not the authenticated user).
#   Judged per RDS for PostgreSQL instance (engine `postgres`, Multi-AZ DB cluster members
#   included); Aurora PostgreSQL is judged per cluster by the sibling rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html
# custom:
#   id: DBAUDIT-RDS-019
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Set log_connections = 1 (on PostgreSQL 18 or later `authentication,authorization` or `all`) in the DB parameter group.
#     cli: aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=log_connections,ParameterValue=1,ApplyMethod=immediate"
#     terraform: 'aws_db_parameter_group: parameter { name = "log_connections", value = "1" }'
package rules.aws.rds.rds_postgresql_connection_logging

import data.rules.lib.aws

_param := "log_connections"

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
	"msg": sprintf("RDS for PostgreSQL instance %s does not log authenticated connections (log_connections)", [instance.DBInstanceIdentifier]),
	"evidence": aws.param_evidence(instance, _param),
} if {
	some [_, _, instance] in _in_scope
	value := aws.param_value(instance, _param)
	not aws.pg_log_connections_authenticated(value)
}
