# METADATA
# title: DB instance Database Activity Stream has no KMS key
# description: |
#   Activity stream records are encrypted with the KMS key given when the stream is started;
#   a configured stream must report ActivityStreamKmsKeyId so that the key (and who may
#   decrypt the records) can be audited. A stream counts as configured when
#   ActivityStreamStatus is starting, started or stopping, or stopped while
#   ActivityStreamKinesisStreamName or ActivityStreamKmsKeyId is still set: AWS reports
#   ActivityStreamStatus `stopped` on every cluster and instance, including those that never
#   used DAS, so a plain `stopped` is out of scope. No Security Hub control covers Database
#   Activity Streams: this is a custom rule. Judged on DB instances that are not Aurora
#   members (RDS for Oracle and SQL Server support DAS); Aurora clusters have a sibling
#   cluster rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/DBActivityStreams.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/DBActivityStreams.Status.html
# custom:
#   id: DBAUDIT-DAS-005
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Restart the activity stream with a customer managed KMS key.
#     cli: aws rds stop-activity-stream --resource-arn <arn> --apply-immediately && aws rds start-activity-stream --resource-arn <arn> --mode async --kms-key-id <key> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_db_instance.<name>.arn, mode = "async", kms_key_id = <key>, engine_native_audit_fields_included = true'
package rules.aws.das.instance_activity_stream_kms_key

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

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": sprintf("%s is not known until apply", [attribute])} if {
	some instance in _all
	some attribute in ["ActivityStreamStatus", "ActivityStreamKmsKeyId"]
	aws.unknown(instance, attribute)
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("The Database Activity Stream of DB instance %s has no KMS key", [instance.DBInstanceIdentifier]),
	"evidence": sprintf("ActivityStreamStatus=%s; ActivityStreamKmsKeyId=<unset>", [instance.ActivityStreamStatus]),
} if {
	some instance in _in_scope
	not aws.unknown(instance, "ActivityStreamKmsKeyId")
	object.get(instance, "ActivityStreamKmsKeyId", "") == ""
}
