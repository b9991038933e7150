# METADATA
# title: Aurora MySQL cluster uses a default DB cluster parameter group
# description: |
#   Advanced Auditing is configured in the DB cluster parameter group, and the default.*
#   groups cannot be modified: server_audit_logging stays 0 and server_audit_events empty,
#   so the cluster can never pass Security Hub RDS.45. This is the usual reason RDS.45
#   fails. Attaching a custom group for the first time needs a cluster restart. Aurora
#   Serverless v1 is out of scope, as in DBAUDIT-RDS-002.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-45
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html
# custom:
#   id: DBAUDIT-RDS-005
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Create a custom DB cluster parameter group for the cluster's family, enable Advanced Auditing in it, attach it to the cluster and restart the cluster.
#     cli: aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --db-parameter-group-family aurora-mysql8.0 --description "audit" && aws rds modify-db-cluster --db-cluster-identifier <cluster> --db-cluster-parameter-group-name <group>
#     terraform: 'aws_rds_cluster: db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.<name>.name'
#   frameworks:
#     aws-securityhub: ["RDS.45"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)"]
package rules.aws.rds.aurora_mysql_default_parameter_group

import data.rules.lib.aws

_in_scope contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_mysql(cluster)
	not aws.is_serverless_v1(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s uses the unmodifiable default cluster parameter group %s, so Advanced Auditing cannot be enabled", [cluster.DBClusterIdentifier, group]),
	"evidence": sprintf("DBClusterParameterGroup=%s", [group]),
} if {
	some cluster in _in_scope
	not aws.unknown(cluster, "DBClusterParameterGroup")
	group := cluster.DBClusterParameterGroup
	startswith(group, "default.")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "DBClusterParameterGroup is not known until apply"} if {
	some cluster in _in_scope
	aws.unknown(cluster, "DBClusterParameterGroup")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "DBClusterParameterGroup is not in the snapshot"} if {
	some cluster in _in_scope
	not aws.unknown(cluster, "DBClusterParameterGroup")
	object.get(cluster, "DBClusterParameterGroup", "") == ""
}
