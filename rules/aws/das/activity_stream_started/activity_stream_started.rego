# METADATA
# title: Aurora cluster Database Activity Stream is configured but not started
# description: |
#   A Database Activity Stream pushes every database activity record, KMS-encrypted, to
#   Kinesis; while it is stopped or stopping nothing is recorded. A stream counts as
#   configured when ActivityStreamStatus is starting, started or stopping, or stopped while
#   ActivityStreamKinesisStreamName or ActivityStreamKmsKeyId is still set: AWS reports
#   ActivityStreamStatus `stopped` on every cluster and instance, including those that never
#   used DAS, so a plain `stopped` is out of scope. A stream that is `starting` is not
#   evaluated (re-scan once started). No Security Hub control covers Database Activity
#   Streams: this is a custom rule. Aurora MySQL and Aurora PostgreSQL clusters are judged;
#   RDS for Oracle and SQL Server instances have a sibling instance rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.Status.html
# custom:
#   id: DBAUDIT-DAS-001
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Start the activity stream (or remove its leftover configuration if it was retired on purpose).
#     cli: aws rds start-activity-stream --resource-arn <arn> --mode async --kms-key-id <key> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_rds_cluster.<name>.arn, mode = "async", kms_key_id = <key>'
package rules.aws.das.activity_stream_started

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

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "ActivityStreamStatus is not known until apply"} if {
	some cluster in _all
	aws.unknown(cluster, "ActivityStreamStatus")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "the activity stream is starting; re-scan once it has started"} if {
	some cluster in _in_scope
	lower(cluster.ActivityStreamStatus) == "starting"
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("The Database Activity Stream of Aurora cluster %s is %s, not started", [cluster.DBClusterIdentifier, lower(cluster.ActivityStreamStatus)]),
	"evidence": sprintf("ActivityStreamStatus=%s; ActivityStreamKinesisStreamName=%s", [cluster.ActivityStreamStatus, object.get(cluster, "ActivityStreamKinesisStreamName", "<unset>")]),
} if {
	some cluster in _in_scope
	lower(cluster.ActivityStreamStatus) in {"stopped", "stopping"}
}
