# METADATA
# title: Aurora cluster parameter group is not applied on every member
# description: |
#   A member whose DBClusterParameterGroupStatus is not in-sync (e.g. pending-reboot) does
#   not yet run with the cluster parameter group's settings, so audit settings made there
#   (Advanced Auditing, pgAudit, log_connections) are not in effect on it. Applies to Aurora
#   MySQL and Aurora PostgreSQL clusters. Security Hub RDS.45 fails Aurora MySQL clusters in
#   this state too.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBClusterMember.html
# custom:
#   id: DBAUDIT-RDS-006
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Reboot the members whose cluster parameter group status is pending-reboot (or wait for applying to finish, and investigate failures).
#     cli: aws rds reboot-db-instance --db-instance-identifier <member>
#     terraform: Terraform does not reboot instances; reboot the members after apply (aws rds reboot-db-instance).
package rules.aws.rds.cluster_parameter_group_in_sync

import data.rules.lib.aws

_in_scope contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	cluster.Engine in aws.aurora_engines
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

_out_of_sync(cluster) := {m.DBInstanceIdentifier |
	some m in object.get(cluster, "DBClusterMembers", [])
	m.DBClusterParameterGroupStatus
	m.DBClusterParameterGroupStatus != "in-sync"
}

_statuses(cluster) := sort([sprintf("%s=%s", [m.DBInstanceIdentifier, object.get(m, "DBClusterParameterGroupStatus", "<unknown>")]) |
	some m in cluster.DBClusterMembers
])

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora cluster %s has members without the current cluster parameter group applied: %s", [cluster.DBClusterIdentifier, concat(", ", sort(members))]),
	"evidence": sprintf("DBClusterParameterGroup=%s; DBClusterParameterGroupStatus: %s", [object.get(cluster, "DBClusterParameterGroup", "<unknown>"), concat(", ", _statuses(cluster))]),
} if {
	some cluster in _in_scope
	members := _out_of_sync(cluster)
	count(members) > 0
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": sprintf("DBClusterParameterGroupStatus of members %s is not known", [concat(", ", sort(unknown))])} if {
	some cluster in _in_scope
	count(_out_of_sync(cluster)) == 0
	unknown := {m.DBInstanceIdentifier |
		some m in object.get(cluster, "DBClusterMembers", [])
		not m.DBClusterParameterGroupStatus
	}
	count(unknown) > 0
}
