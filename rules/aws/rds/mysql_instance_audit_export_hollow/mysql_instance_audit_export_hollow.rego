# METADATA
# title: RDS for MySQL or MariaDB DB instance exports an audit log that receives nothing
# description: |
#   An export without its plugin is hollow. RDS for MySQL and MariaDB write audit records
#   only through the MARIADB_AUDIT_PLUGIN option; an instance that publishes the `audit`
#   log type (as RDS.9 and RDS.42 ask) without an attached option group (in-sync, applying
#   or pending-apply) carrying that option sends nothing to
#   /aws/rds/instance/<instance>/audit. default:* option groups cannot carry the option.
#   DBAUDIT-RDS-023 is the same check for Aurora MySQL clusters.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
# custom:
#   id: DBAUDIT-RDS-024
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Attach a custom option group with the MARIADB_AUDIT_PLUGIN option to the instance, so the audit export receives records.
#     cli: aws rds add-option-to-option-group --option-group-name <group> --options '[{"OptionName":"MARIADB_AUDIT_PLUGIN","OptionSettings":[{"Name":"SERVER_AUDIT_EVENTS","Value":"CONNECT,QUERY"}]}]' --apply-immediately && aws rds modify-db-instance --db-instance-identifier <instance> --option-group-name <group> --apply-immediately
#     terraform: 'aws_db_option_group: option { option_name = "MARIADB_AUDIT_PLUGIN" }; aws_db_instance: option_group_name = aws_db_option_group.<name>.name'
package rules.aws.rds.mysql_instance_audit_export_hollow

import data.rules.lib.aws

_plugin := "MARIADB_AUDIT_PLUGIN"

_exports_audit(instance) if {
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	some t in aws.exports(instance)
	lower(t) == "audit"
}

_mysql(instance) if {
	instance.Engine in aws.rds_mysql_engines
	not aws.is_aurora_member(instance)
}

# Instances exporting `audit` whose option groups are known, with the state of each attached
# option group ("plugin", "no-plugin" or an unknown-reason string). The region object is
# never passed to a function.
_judged contains {"instance": instance, "groups": groups} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_mysql(instance)
	_exports_audit(instance)
	not aws.unknown(instance, "OptionGroupMemberships")
	groups := {name: _state(account.account_id, region.region, name, object.get(region, ["rds", "option_groups", name], null)) |
		some name in aws.attached_option_groups(instance)
	}
}

applicable contains {"resource": j.instance.DBInstanceArn} if {
	some j in _judged
}

_state(_, _, name, _) := {"state": "no-plugin", "why": sprintf("%s is a default option group", [name])} if aws.is_default_option_group(name)

_state(account_id, region_name, name, null) := {"state": "unknown", "why": reason} if {
	not aws.is_default_option_group(name)
	reason := _missing_reason(account_id, region_name, name)
}

_state(_, _, name, og) := {"state": "plugin", "why": sprintf("option group %s has %s", [name, _plugin])} if {
	not aws.is_default_option_group(name)
	og != null
	aws.group_option(og, _plugin)
}

_state(_, _, name, og) := {"state": "no-plugin", "why": sprintf("option group %s has no %s option", [name, _plugin])} if {
	not aws.is_default_option_group(name)
	og != null
	not aws.group_option(og, _plugin)
}

_missing_reason(account_id, region_name, name) := reason if {
	reason := aws.resource_gap_reason(account_id, region_name, "DescribeOptionGroups", [name])
} else := sprintf("option group %s is not in the snapshot", [name])

_states(j) := {v.state | some v in j.groups}

_whys(j, state) := sort([v.why | some v in j.groups; v.state == state])

_memberships(instance) := concat(", ", sort([sprintf("%s (%s)", [m.OptionGroupName, object.get(m, "Status", "<no status>")]) |
	some m in object.get(instance, "OptionGroupMemberships", [])
]))

deny contains {
	"resource": j.instance.DBInstanceArn,
	"msg": sprintf("RDS DB instance %s exports the audit log but has no %s option, so the log group receives nothing", [j.instance.DBInstanceIdentifier, _plugin]),
	"evidence": concat("; ", array.concat(
		[
			sprintf("EnabledCloudwatchLogsExports=%v", [aws.exports(j.instance)]),
			sprintf("OptionGroupMemberships=[%s]", [_memberships(j.instance)]),
		],
		_whys(j, "no-plugin"),
	)),
} if {
	some j in _judged
	states := _states(j)
	not "plugin" in states
	not "unknown" in states
}

not_evaluated contains {"resource": j.instance.DBInstanceArn, "reason": concat("; ", _whys(j, "unknown"))} if {
	some j in _judged
	states := _states(j)
	not "plugin" in states
	"unknown" in states
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_mysql(instance)
	some attribute in ["EnabledCloudwatchLogsExports", "OptionGroupMemberships"]
	aws.unknown(instance, attribute)
	not _unknown_exports_without_audit(instance, attribute)
	reason := sprintf("%s is not known until apply", [attribute])
}

# Exports known and without `audit`: the option group does not matter.
_unknown_exports_without_audit(instance, "OptionGroupMemberships") if {
	not aws.unknown(instance, "EnabledCloudwatchLogsExports")
	not _exports_audit(instance)
}
