# METADATA
# title: Test cluster does not export the audit log
# description: Test rule for the policy controls (CLI tests).
# scope: package
# custom:
#   id: TEST-RDS-001
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Export the audit log.
#     cli: aws rds modify-db-cluster --db-cluster-identifier <cluster> --cloudwatch-logs-export-configuration '{"EnableLogTypes":["audit"]}'
#     terraform: 'aws_rds_cluster: enabled_cloudwatch_logs_exports = ["audit"]'
#   frameworks:
#     aws-securityhub: ["RDS.34"]
#     nist-800-53-r5: ["AU-2", "AU-12"]
package custom.test.export

applicable contains {"resource": cluster.DBClusterArn} if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
}

deny contains {"resource": cluster.DBClusterArn, "msg": sprintf("cluster %s does not export the audit log", [cluster.DBClusterIdentifier])} if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	not "audit" in object.get(cluster, "EnabledCloudwatchLogsExports", [])
}
