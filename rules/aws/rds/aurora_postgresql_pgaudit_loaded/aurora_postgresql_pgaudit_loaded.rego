# METADATA
# title: Aurora PostgreSQL cluster does not load pgAudit
# description: |
#   pgAudit writes session and object audit records (AUDIT: SESSION / AUDIT: OBJECT) to the
#   PostgreSQL log; without it the log has no audit trail. It must be listed in the
#   effective shared_preload_libraries (compared case-insensitively, item by item) of the DB
#   cluster parameter group; adding it needs a reboot and then CREATE EXTENSION pgaudit.
#   Judged per cluster (the cluster's effective value); member instances are not judged
#   here.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
#   - https://github.com/pgaudit/pgaudit/blob/main/README.md
# custom:
#   id: DBAUDIT-RDS-012
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Add `pgaudit` to shared_preload_libraries in a custom DB cluster parameter group, reboot, then run CREATE EXTENSION pgaudit.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=shared_preload_libraries,ParameterValue=\"pg_stat_statements,pgaudit\",ApplyMethod=pending-reboot"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "shared_preload_libraries", value = "pg_stat_statements,pgaudit", apply_method = "pending-reboot" }'
package rules.aws.rds.aurora_postgresql_pgaudit_loaded

import data.rules.lib.aws

_param := "shared_preload_libraries"

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
	"msg": sprintf("Aurora PostgreSQL cluster %s does not load pgaudit (shared_preload_libraries)", [cluster.DBClusterIdentifier]),
	"evidence": aws.param_evidence(cluster, _param),
} if {
	some [_, _, cluster] in _in_scope
	not aws.param_unresolved(cluster, _param)
	not aws.pgaudit_loaded(cluster)
}
