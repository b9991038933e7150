# METADATA
# title: RDS for PostgreSQL instance pgaudit.log does not audit the required statement classes
# description: |
#   With pgAudit loaded, pgaudit.log selects the statement classes written to the log (READ,
#   WRITE, FUNCTION, ROLE, DDL, MISC, MISC_SET, ALL, NONE; default none). The items are
#   applied in order, case-insensitively, as pgAudit does: `all` adds every class, `-class`
#   removes one (`all, -misc`), `none` adds nothing. The result must include every class in
#   the parameter `pgaudit_required_classes` (default ddl, role, write) and must not be
#   empty; an unrecognised class name fails because PostgreSQL rejects the whole value.
#   Resources that do not load pgaudit are out of scope (see the pgaudit-loaded rule); if
#   shared_preload_libraries is unresolved the resource is not evaluated. Judged per RDS for
#   PostgreSQL instance (engine `postgres`, Multi-AZ DB cluster members included); Aurora
#   PostgreSQL is judged per cluster by the sibling rule.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
#   - https://github.com/pgaudit/pgaudit/blob/main/README.md
# custom:
#   id: DBAUDIT-RDS-017
#   severity: MEDIUM
#   service: rds
#   resource_type: AwsRdsDbInstance
#   remediation:
#     text: Set pgaudit.log in the DB parameter group to a list covering the required classes, e.g. `ddl,role,write`.
#     cli: aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=pgaudit.log,ParameterValue=\"ddl,role,write\",ApplyMethod=immediate"
#     terraform: 'aws_db_parameter_group: parameter { name = "pgaudit.log", value = "ddl,role,write" }'
package rules.aws.rds.rds_postgresql_pgaudit_log

import data.rules.lib.aws
import data.rules.lib.params

_spl := "shared_preload_libraries"

_param := "pgaudit.log"

_configured := {lower(trim_space(c)) | some c in params.values.pgaudit_required_classes}

_required := aws.pgaudit_classes if {
	"all" in _configured
} else := _configured - {"none"}

_in_scope contains [account.account_id, region.region, instance] if {
	some account in input.accounts
	some region in account.regions
	some instance in region.rds.db_instances
	aws.is_rds_postgresql(instance)
}

_loaded contains instance if {
	some [_, _, instance] in _in_scope
	aws.pgaudit_loaded(instance)
}

applicable contains {"resource": instance.DBInstanceArn} if {
	some instance in _loaded
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": sprintf("cannot tell whether pgaudit is loaded: %s", [reason])} if {
	some [_, _, instance] in _in_scope
	reason := aws.param_unresolved(instance, _spl)
}

not_evaluated contains {"resource": instance.DBInstanceArn, "reason": reason} if {
	some instance in _loaded
	reason := aws.param_unresolved(instance, _param)
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("pgaudit.log on RDS for PostgreSQL instance %s has unrecognised class(es) %s", [instance.DBInstanceIdentifier, concat(", ", sort(unknown))]),
	"evidence": aws.param_evidence(instance, _param),
} if {
	some instance in _loaded
	value := aws.param_value(instance, _param)
	unknown := aws.pgaudit_log_unknown(value)
	count(unknown) > 0
}

deny contains {
	"resource": instance.DBInstanceArn,
	"msg": sprintf("pgaudit.log on RDS for PostgreSQL instance %s does not audit %s", [instance.DBInstanceIdentifier, _gap_text(audited)]),
	"evidence": sprintf("%s; audited: %s; required: %s", [aws.param_evidence(instance, _param), _list(audited), _list(_required)]),
} if {
	some instance in _loaded
	value := aws.param_value(instance, _param)
	count(aws.pgaudit_log_unknown(value)) == 0
	audited := aws.pgaudit_log_classes(value)
	_fails(audited)
}

_fails(audited) if count(_required - audited) > 0

_fails(audited) if count(audited) == 0

_gap_text(audited) := concat(", ", sort(_required - audited)) if {
	count(_required - audited) > 0
} else := "any statement class"

_list(classes) := concat(",", sort(classes)) if {
	count(classes) > 0
} else := "none"
