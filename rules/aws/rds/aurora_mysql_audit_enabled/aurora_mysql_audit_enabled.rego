# METADATA
# title: Aurora MySQL cluster does not have Advanced Auditing enabled
# description: |
#   Advanced Auditing records nothing unless the cluster parameter group sets
#   server_audit_logging to 1 (ON) and server_audit_events to a non-empty event list, and
#   every member instance has the group applied (DBClusterParameterGroupStatus in-sync).
#   server_audit_logs_upload is an upload switch, not an alternative to these parameters.
#   Aurora Serverless v1 is out of scope.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-45
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
# custom:
#   id: DBAUDIT-RDS-002
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbCluster
#   remediation:
#     text: In a custom DB cluster parameter group attached to the cluster, set server_audit_logging to 1 and server_audit_events (e.g. CONNECT,QUERY), then reboot members whose group status is not in-sync.
#     cli: aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> --parameters "ParameterName=server_audit_logging,ParameterValue=1,ApplyMethod=immediate" "ParameterName=server_audit_events,ParameterValue='CONNECT,QUERY',ApplyMethod=immediate"
#     terraform: 'aws_rds_cluster_parameter_group: parameter { name = "server_audit_logging" value = "1" } and parameter { name = "server_audit_events" value = "CONNECT,QUERY" }'
#   frameworks:
#     aws-securityhub: ["RDS.45"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)"]
package rules.aws.rds.aurora_mysql_audit_enabled

import data.rules.lib.aws

_params := ["server_audit_logging", "server_audit_events"]

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

# Definite problems, one string each.
_problems(cluster) := (_logging_off(cluster) | _events_empty(cluster)) | _out_of_sync(cluster)

_logging_off(cluster) := {"server_audit_logging is not 1/ON" |
	v := aws.param_value(cluster, "server_audit_logging")
	not aws.truthy(v)
}

_events_empty(cluster) := {"server_audit_events is empty" |
	aws.param_value(cluster, "server_audit_events") == ""
}

_out_of_sync(cluster) := {sprintf("member %s is %s", [m.DBInstanceIdentifier, m.DBClusterParameterGroupStatus]) |
	some m in object.get(cluster, "DBClusterMembers", [])
	m.DBClusterParameterGroupStatus
	m.DBClusterParameterGroupStatus != "in-sync"
}

_evidence(cluster) := concat("; ", array.concat(
	[aws.param_evidence(cluster, p) | some p in _params],
	[sprintf("DBClusterMembers: %s", [concat(", ", _member_statuses(cluster))]) |
		count(object.get(cluster, "DBClusterMembers", [])) > 0
	],
))

_member_statuses(cluster) := sort([sprintf("%s=%s", [m.DBInstanceIdentifier, object.get(m, "DBClusterParameterGroupStatus", "<unknown>")]) |
	some m in cluster.DBClusterMembers
])

deny contains {
	"resource": cluster.DBClusterArn,
	"msg": sprintf("Aurora MySQL cluster %s does not have Advanced Auditing enabled: %s", [cluster.DBClusterIdentifier, concat(", ", sort(problems))]),
	"evidence": _evidence(cluster),
} if {
	some cluster in _in_scope
	problems := _problems(cluster)
	count(problems) > 0
}

# Missing inputs are reported only when no definite problem already fails the cluster.
not_evaluated contains {"resource": cluster.DBClusterArn, "reason": concat("; ", sort(unknowns))} if {
	some cluster in _in_scope
	count(_problems(cluster)) == 0
	unknowns := _unknowns(cluster)
	count(unknowns) > 0
}

_unknowns(cluster) := {aws.param_unresolved(cluster, p) | some p in _params} | {r |
	some m in object.get(cluster, "DBClusterMembers", [])
	not m.DBClusterParameterGroupStatus
	r := sprintf("DBClusterParameterGroupStatus of member %s is not known", [m.DBInstanceIdentifier])
}
