# METADATA
# title: DB instance Database Activity Stream is configured but not started
# description: |
#   A Database Activity Stream pushes every database activity record, KMS-encrypted, to
#   Kinesis; while it is stopped or stopping nothing is recorded. A stream counts as
#   configured when ActivityStreamStatus is starting, started or stopping, or stopped while
#   ActivityStreamKinesisStreamName or ActivityStreamKmsKeyId is still set: AWS reports
#   ActivityStreamStatus `stopped` on every cluster and instance, including those that never
#   used DAS, so a plain `stopped` is out of scope. A stream that is `starting` is not
#   evaluated (re-scan once started). No Security Hub control covers Database Activity
#   Streams: this is a custom rule. Judged on DB instances that are not Aurora members (RDS
#   for Oracle and SQL Server support DAS); Aurora clusters have a sibling cluster rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/DBActivityStreams.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/DBActivityStreams.Status.html
# custom:
#   id: DBAUDIT-DAS-004
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Start the activity stream (or remove its leftover configuration if it was retired on purpose).
#     cli: aws rds start-activity-stream --resource-arn <arn> --mode async --kms-key-id <key> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_db_instance.<name>.arn, mode = "async", kms_key_id = <key>, engine_native_audit_fields_included = true'
package rules.aws.das.instance_activity_stream_started

import data.rules.lib.aws

_all contains instance if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	not aws.is_aurora_member(instance)
}

_in_scope contains instance if {
	some instance in _all
	not aws.unknown(instance, "ActivityStreamStatus")
	aws.activity_stream_configured(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _in_scope
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "ActivityStreamStatus is not known until apply"} if {
	some instance in _all
	aws.unknown(instance, "ActivityStreamStatus")
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "the activity stream is starting; re-scan once it has started"} if {
	some instance in _in_scope
	lower(instance.ActivityStreamStatus) == "starting"
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("The Database Activity Stream of DB instance %s is %s, not started", [instance.DBInstanceIdentifier, lower(instance.ActivityStreamStatus)]),
	"evidence": sprintf("ActivityStreamStatus=%s; ActivityStreamKinesisStreamName=%s", [instance.ActivityStreamStatus, object.get(instance, "ActivityStreamKinesisStreamName", "<unset>")]),
} if {
	some instance in _in_scope
	lower(instance.ActivityStreamStatus) in {"stopped", "stopping"}
}
