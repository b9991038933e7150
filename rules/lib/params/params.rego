# METADATA
# title: Rule parameters
# description: |
#   Tunable rule parameters and their documented defaults. A scan overrides them through
#   data.scanner.parameters (config file); rules read the merged object `values`.
# scope: package
# custom:
#   library: true
package rules.lib.params

# Every parameter with its default. Keep docs/rules.md in sync (a test checks it).
defaults := {
	# CloudWatch.16: minimum log group retention in days; "never expire" always passes.
	"min_log_retention_days": 365,
	# Aurora MySQL server_audit_events that must all be present.
	"aurora_mysql_required_audit_events": ["CONNECT", "QUERY"],
	# Users that may appear in server_audit_excl_users (e.g. the rdsadmin health-check user).
	"aurora_mysql_allowed_excluded_users": ["rdsadmin"],
	# MARIADB_AUDIT_PLUGIN SERVER_AUDIT_EVENTS that must all be present.
	"mysql_required_audit_events": ["CONNECT", "QUERY"],
	# pgaudit.log classes that must be audited (after `all` and `-class` are applied).
	"pgaudit_required_classes": ["ddl", "role", "write"],
	# RDS.36: export types an RDS for PostgreSQL instance must publish.
	"rds_postgresql_log_types": ["postgresql"],
	# RDS.42: export types an RDS for MariaDB instance must publish.
	"mariadb_log_types": ["audit", "error"],
	# Metric filter terms that count as a failed-login filter, per log type.
	"failed_login_filter_terms": {
		"audit": ["FAILED_CONNECT", "1045"],
		"postgresql": ["authentication failed", "28P01"],
	},
	# Maximum age of a trail's latest log delivery, relative to the snapshot time.
	"max_trail_delivery_age_hours": 24,
	# Require synchronous Database Activity Streams where the engine supports sync mode.
	"activity_stream_require_sync": false,
}

default _overrides := {}

_overrides := data.scanner.parameters

values := object.union(defaults, _overrides)
