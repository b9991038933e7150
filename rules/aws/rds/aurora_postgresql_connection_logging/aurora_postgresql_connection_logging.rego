# METADATA
# title: Aurora PostgreSQL cluster does not log authenticated connections
# description: |
#   log_connections records who connected (PostgreSQL also logs failed authentication on its
#   own, but not successful logins). Up to PostgreSQL 17 it is a boolean; PostgreSQL 18 made
#   it a list of stages (receipt, authentication, authorization, all; empty = off) and still
#   accepts the legacy booleans. Passes when the effective value is a true boolean (1, on,
#   true, yes) or a list containing `authentication` or `all`; fails when it is
#   off/0/false/no, empty or unset, or a list without the authentication stage (e.g. only
#   `receipt`, which records that a connection arrived but not the authenticated user).
#   Judged per cluster (the cluster's effective value); member instances are not judged
#   here.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Concepts.PostgreSQL.html
# custom:
#   id: DBAUDIT-RDS-015
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Set log_connections = 1 (on PostgreSQL 18 or later `authentication,authorization` or `all`) in the DB cluster parameter group.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=log_connections,ParameterValue=1,ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "log_connections", value = "1" }'
package rules.aws.rds.aurora_postgresql_connection_logging

import data.rules.lib.aws

_param := "log_connections"

_in_scope contains [account.account_id, region.region, cluster] if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_postgresql(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some [_, _, cluster] in _in_scope
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some [_, _, cluster] in _in_scope
	reason := aws.param_unresolved(cluster, _param)
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora PostgreSQL cluster %s does not log authenticated connections (log_connections)", [cluster.DBClusterIdentifier]),
	"evidence": aws.param_evidence(cluster, _param),
} if {
	some [_, _, cluster] in _in_scope
	value := aws.param_value(cluster, _param)
	not aws.pg_log_connections_authenticated(value)
}
