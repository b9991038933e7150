# METADATA
# title: Aurora PostgreSQL cluster Database Activity Stream runs in asynchronous mode
# description: |
#   In asynchronous mode the database does not wait for activity records to be written, so
#   records can be lost under load; synchronous mode favours the audit trail over
#   performance. Only Aurora PostgreSQL supports sync mode (Aurora MySQL is async-only); RDS
#   for Oracle and SQL Server instances are not judged because the reference does not state
#   their mode support. The rule is opt-in: only when the parameter
#   `activity_stream_require_sync` is true does it judge Aurora PostgreSQL clusters whose
#   stream is `started` (fail unless ActivityStreamMode is `sync`). With the default (false)
#   it judges nothing (`applicable` is empty), so no mode is reported. No Security Hub
#   control covers Database Activity Streams: this is a custom rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.Status.html
# custom:
#   id: DBAUDIT-DAS-002
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: Restart the activity stream in synchronous mode.
#     cli: aws rds stop-activity-stream --resource-arn <arn> --apply-immediately && aws rds start-activity-stream --resource-arn <arn> --mode sync --kms-key-id <key> --apply-immediately
#     terraform: 'aws_rds_cluster_activity_stream: resource_arn = aws_rds_cluster.<name>.arn, mode = "sync", kms_key_id = <key>'
package rules.aws.das.activity_stream_sync_mode

import data.rules.lib.aws
import data.rules.lib.params

_require_sync if params.values.activity_stream_require_sync == true

_all contains cluster if {
	_require_sync
	some account in input.accounts
	some region in account.regions
	some cluster in region.rds.db_clusters
	aws.is_aurora_postgresql(cluster)
}

_in_scope contains cluster if {
	some cluster in _all
	not aws.unknown(cluster, "ActivityStreamStatus")
	lower(object.get(cluster, "ActivityStreamStatus", "")) == "started"
}

applicable contains {"resource": cluster.DBClusterArn} if {
	some cluster in _in_scope
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "ActivityStreamStatus is not known until apply"} if {
	some cluster in _all
	aws.unknown(cluster, "ActivityStreamStatus")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "ActivityStreamMode is not known until apply"} if {
	some cluster in _in_scope
	aws.unknown(cluster, "ActivityStreamMode")
}

not_evaluated contains {"resource": cluster.DBClusterArn, "reason": "the started activity stream reports no ActivityStreamMode"} if {
	some cluster in _in_scope
	not aws.unknown(cluster, "ActivityStreamMode")
	object.get(cluster, "ActivityStreamMode", "") == ""
}

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("The Database Activity Stream of Aurora PostgreSQL cluster %s runs in %s mode, not sync", [cluster.DBClusterIdentifier, lower(cluster.ActivityStreamMode)]),
	"evidence": sprintf("ActivityStreamMode=%s; ActivityStreamStatus=%s", [cluster.ActivityStreamMode, cluster.ActivityStreamStatus]),
} if {
	some cluster in _in_scope
	not aws.unknown(cluster, "ActivityStreamMode")
	mode := object.get(cluster, "ActivityStreamMode", "")
	mode != ""
	lower(mode) != "sync"
}
