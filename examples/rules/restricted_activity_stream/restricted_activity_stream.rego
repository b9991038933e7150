# METADATA
# title: Restricted Aurora cluster does not stream its activity
# description: |
#   Example custom rule. Clusters tagged data-classification=restricted must run a Database
#   Activity Stream, so that their audit trail leaves the database in near real time and
#   cannot be changed by database administrators. Copy this directory, change the package,
#   the id and the logic, and run `scanner rules test DIR` and `scanner scan --rules DIR`.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html
# custom:
#   id: ACME-RDS-001
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Start a Database Activity Stream on the cluster (a KMS key is required).
#     cli: aws rds start-activity-stream --resource-arn <cluster-arn> --mode async --kms-key-id <key-arn> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_rds_cluster.<name>.arn, mode = "async", kms_key_id = <key-arn>'
package custom.acme.restricted_activity_stream

import data.rules.lib.aws

_running := {"started", "starting"}

# Clusters in scope: tagged data-classification=restricted.
_restricted contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	some tag in object.get(cluster, "TagList", [])
	tag.Key == "data-classification"
	lower(object.get(tag, "Value", "")) == "restricted"
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _restricted
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "ActivityStreamStatus is not known until apply"} if {
	some cluster in _restricted
	aws.unknown(cluster, "ActivityStreamStatus")
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Restricted cluster %s has no running Database Activity Stream", [cluster.DBClusterIdentifier]),
	"evidence": sprintf("ActivityStreamStatus=%s", [status]),
} if {
	some cluster in _restricted
	not aws.unknown(cluster, "ActivityStreamStatus")
	status := object.get(cluster, "ActivityStreamStatus", "stopped")
	not status in _running
}
