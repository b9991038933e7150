# METADATA
# title: RDS DB instance parameter group is not applied
# description: |
#   An instance whose DBParameterGroups[].ParameterApplyStatus is not in-sync (e.g.
#   pending-reboot) does not yet run with its parameter group's settings, so audit settings
#   made there (general_log, log_output, pgAudit, log_connections) are not in effect. Applies
#   to RDS instances; Aurora member instances are covered at cluster level by
#   DBAUDIT-RDS-006.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBParameterGroupStatus.html
# custom:
#   id: DBAUDIT-RDS-008
#   severity: LOW
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Reboot the instance when its parameter group status is pending-reboot (or wait for applying to finish, and investigate failed-to-apply).
#     cli: aws rds reboot-db-instance --db-instance-identifier <instance>
#     terraform: Terraform does not reboot instances; reboot after apply (aws rds reboot-db-instance).
package rules.aws.rds.instance_parameter_group_in_sync

import data.rules.lib.aws

_in_scope contains instance if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	not aws.is_aurora_member(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _in_scope
}

_groups(instance) := object.get(instance, "DBParameterGroups", [])

_not_in_sync(instance) := {sprintf("%s=%s", [g.DBParameterGroupName, g.ParameterApplyStatus]) |
	some g in _groups(instance)
	g.ParameterApplyStatus
	g.ParameterApplyStatus != "in-sync"
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("RDS DB instance %s does not have its DB parameter group applied", [instance.DBInstanceIdentifier]),
	"evidence": sprintf("ParameterApplyStatus: %s", [concat(", ", sort(bad))]),
} if {
	some instance in _in_scope
	not aws.unknown(instance, "DBParameterGroups")
	bad := _not_in_sync(instance)
	count(bad) > 0
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "DBParameterGroups is not known until apply"} if {
	some instance in _in_scope
	aws.unknown(instance, "DBParameterGroups")
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": sprintf("ParameterApplyStatus of %s is not known", [concat(", ", sort(unknown))])} if {
	some instance in _in_scope
	not aws.unknown(instance, "DBParameterGroups")
	count(_not_in_sync(instance)) == 0
	unknown := {g.DBParameterGroupName |
		some g in _groups(instance)
		not g.ParameterApplyStatus
	}
	count(unknown) > 0
}
