# METADATA
# title: RDS for MySQL or MariaDB DB instance does not run the MariaDB Audit Plugin
# description: |
#   RDS for MySQL and MariaDB record database audit events only through the
#   MARIADB_AUDIT_PLUGIN option of the instance's option group (not a parameter group). The
#   instance must have an attached option group (membership in-sync, applying or
#   pending-apply; pending-removal does not count) with that option, whose
#   SERVER_AUDIT_EVENTS (Value, else DefaultValue, else the documented default
#   CONNECT,QUERY) includes every event in the parameter mysql_required_audit_events.
#   default:* option groups cannot be modified and so cannot carry the plugin. No Security
#   Hub control checks this.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MariaDB.Options.AuditPlugin.html
# custom:
#   id: DBAUDIT-RDS-022
#   severity: HIGH
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Attach a custom option group with the MARIADB_AUDIT_PLUGIN option and SERVER_AUDIT_EVENTS including CONNECT and QUERY (adding the option needs no reboot).
#     cli: aws rds add-option-to-option-group --option-group-name <group> --options '[{"OptionName":"MARIADB_AUDIT_PLUGIN","OptionSettings":[{"Name":"SERVER_AUDIT_EVENTS","Value":"CONNECT,QUERY"}]}]' --apply-immediately && aws rds modify-db-instance --db-instance-identifier <instance> --option-group-name <group> --apply-immediately
#     terraform: 'aws_db_option_group: option { option_name = "MARIADB_AUDIT_PLUGIN" option_settings { name = "SERVER_AUDIT_EVENTS" value = "CONNECT,QUERY" } }; aws_db_instance: option_group_name = aws_db_option_group.<name>.name'
package rules.aws.rds.mysql_audit_plugin

import data.rules.lib.aws
import data.rules.lib.params

_plugin := "MARIADB_AUDIT_PLUGIN"

# Documented default of SERVER_AUDIT_EVENTS.
_default_events := "CONNECT,QUERY"

_required := {upper(trim_space(e)) | some e in params.values.mysql_required_audit_events}

_in_scope(instance) if {
	instance.Engine in aws.rds_mysql_engines
	not aws.is_aurora_member(instance)
}

# One entry per in-scope instance (whose option groups are known): the verdict of each
# attached option group. Option groups are looked up by name; the region object is never
# passed to a function.
_judged contains {"instance": instance, "verdicts": verdicts} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_in_scope(instance)
	not aws.unknown(instance, "OptionGroupMemberships")
	verdicts := {name: _judge(account.account_id, region.region, name, object.get(region, ["rds", "option_groups", name], null)) |
		some name in aws.attached_option_groups(instance)
	}
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_in_scope(instance)
}

_judge(_, _, name, _) := {"state": "fail", "why": sprintf("%s is a default option group, which cannot carry %s", [name, _plugin])} if {
	aws.is_default_option_group(name)
}

_judge(account_id, region_name, name, null) := {"state": "unknown", "why": _missing_reason(account_id, region_name, name)} if {
	not aws.is_default_option_group(name)
}

_judge(_, _, name, og) := _judge_group(name, og) if {
	not aws.is_default_option_group(name)
	og != null
}

_missing_reason(account_id, region_name, name) := reason if {
	reason := aws.resource_gap_reason(account_id, region_name, "DescribeOptionGroups", [name])
} else := sprintf("option group %s is not in the snapshot", [name])

_judge_group(name, og) := {"state": "fail", "why": sprintf("option group %s has no %s option", [name, _plugin])} if {
	not aws.group_option(og, _plugin)
} else := verdict if {
	events := _events(aws.group_option(og, _plugin))
	missing := _required - {upper(e) | some e in aws.csv_set(events)}
	verdict := _events_verdict(name, events, missing)
}

_events(option) := v if {
	v := aws.option_setting(option, "SERVER_AUDIT_EVENTS")
} else := _default_events

_events_verdict(name, events, missing) := {"state": "pass", "why": sprintf("option group %s: %s SERVER_AUDIT_EVENTS=%s", [name, _plugin, events])} if {
	count(missing) == 0
} else := {"state": "fail", "why": sprintf("option group %s: %s SERVER_AUDIT_EVENTS=%s lacks %s", [name, _plugin, events, concat(",", sort(missing))])}

_states(j) := {v.state | some v in j.verdicts}

_reasons(j, state) := concat("; ", sort([v.why | some v in j.verdicts; v.state == state]))

_memberships(instance) := concat(", ", sort([sprintf("%s (%s)", [m.OptionGroupName, object.get(m, "Status", "<no status>")]) |
	some m in object.get(instance, "OptionGroupMemberships", [])
]))

deny contains {
	"resource": j.instance.DBInstanceArn,
	"msg": sprintf("RDS DB instance %s has no option group attached, so the MariaDB Audit Plugin is not running", [j.instance.DBInstanceIdentifier]),
	"evidence": sprintf("OptionGroupMemberships=[%s]", [_memberships(j.instance)]),
} if {
	some j in _judged
	count(j.verdicts) == 0
}

deny contains {
	"resource": j.instance.DBInstanceArn,
	"msg": sprintf("RDS DB instance %s does not run the MariaDB Audit Plugin with the required events: %s", [j.instance.DBInstanceIdentifier, _reasons(j, "fail")]),
	"evidence": sprintf("OptionGroupMemberships=[%s]; %s; required SERVER_AUDIT_EVENTS: %s", [_memberships(j.instance), _reasons(j, "fail"), concat(",", sort(_required))]),
} if {
	some j in _judged
	_states(j) == {"fail"}
}

not_evaluated contains {"resource": j.instance.DBInstanceArn, "reason": _reasons(j, "unknown")} if {
	some j in _judged
	states := _states(j)
	"unknown" in states
	not "pass" in states
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": "OptionGroupMemberships is not known until apply"} if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	_in_scope(instance)
	aws.unknown(instance, "OptionGroupMemberships")
}
