# METADATA
# title: Aurora PostgreSQL cluster pgaudit.role is not rds_pgaudit
# description: |
#   Object audit logging (AUDIT: OBJECT records for the tables and columns granted to the
#   audit role) needs pgaudit.role; on RDS and Aurora the only allowed value is
#   `rds_pgaudit`, a role that must be created first (CREATE ROLE rds_pgaudit). Resources
#   that do not load pgaudit are out of scope (see the pgaudit-loaded rule); if
#   shared_preload_libraries is unresolved the resource is not evaluated. Judged per cluster
#   (the cluster's effective value); member instances are not judged here.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
#   - https://github.com/pgaudit/pgaudit/blob/main/README.md
# custom:
#   id: DBAUDIT-RDS-014
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Create the role rds_pgaudit and set pgaudit.role = rds_pgaudit in the DB cluster parameter group.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=pgaudit.role,ParameterValue=rds_pgaudit,ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "pgaudit.role", value = "rds_pgaudit" }'
package rules.aws.rds.aurora_postgresql_pgaudit_role

import data.rules.lib.aws

_spl := "shared_preload_libraries"

_param := "pgaudit.role"

_expected := "rds_pgaudit"

_in_scope contains [account.account_id, region.region, cluster] if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_postgresql(cluster)
}

_loaded contains cluster if {
	some [_, _, cluster] in _in_scope
	aws.pgaudit_loaded(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _loaded
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": sprintf("cannot tell whether pgaudit is loaded: %s", [reason])} if {
	some [_, _, cluster] in _in_scope
	reason := aws.param_unresolved(cluster, _spl)
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": reason} if {
	some cluster in _loaded
	reason := aws.param_unresolved(cluster, _param)
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("pgaudit.role on Aurora PostgreSQL cluster %s is not rds_pgaudit, so object audit logging is off", [cluster.DBClusterIdentifier]),
	"evidence": aws.param_evidence(cluster, _param),
} if {
	some cluster in _loaded
	aws.param_value(cluster, _param) != _expected
}
