# METADATA
# title: Aurora cluster Database Activity Stream has no KMS key
# description: |
#   Activity stream records are encrypted with the KMS key given when the stream is started;
#   a configured stream must report ActivityStreamKmsKeyId so that the key (and who may
#   decrypt the records) can be audited. A stream counts as configured when
#   ActivityStreamStatus is starting, started or stopping, or stopped while
#   ActivityStreamKinesisStreamName or ActivityStreamKmsKeyId is still set: AWS reports
#   ActivityStreamStatus `stopped` on every cluster and instance, including those that never
#   used DAS, so a plain `stopped` is out of scope. No Security Hub control covers Database
#   Activity Streams: this is a custom rule. Aurora MySQL and Aurora PostgreSQL clusters are
#   judged; RDS for Oracle and SQL Server instances have a sibling instance rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.Status.html
# custom:
#   id: DBAUDIT-DAS-003
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Restart the activity stream with a customer managed KMS key.
#     cli: aws rds stop-activity-stream --resource-arn <arn> --apply-immediately && aws rds start-activity-stream --resource-arn <arn> --mode async --kms-key-id <key> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_rds_cluster.<name>.arn, mode = "async", kms_key_id = <key>'
package rules.aws.das.activity_stream_kms_key

import data.rules.lib.aws

_all contains cluster if {
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	cluster.Engine in aws.aurora_engines
}

_in_scope contains cluster if {
	some cluster in _all
	not aws.unknown(cluster, "ActivityStreamStatus")
	aws.activity_stream_configured(cluster)
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": sprintf("%s is not known until apply", [attribute])} if {
	some cluster in _all
	some attribute in ["ActivityStreamStatus", "ActivityStreamKmsKeyId"]
	aws.unknown(cluster, attribute)
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("The Database Activity Stream of Aurora cluster %s has no KMS key", [cluster.DBClusterIdentifier]),
	"evidence": sprintf("ActivityStreamStatus=%s; ActivityStreamKmsKeyId=<unset>", [cluster.ActivityStreamStatus]),
} if {
	some cluster in _in_scope
	not aws.unknown(cluster, "ActivityStreamKmsKeyId")
	object.get(cluster, "ActivityStreamKmsKeyId", "") == ""
}
