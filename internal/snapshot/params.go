package snapshot

// AuditParameters are the parameters Resolve computes an effective value for, on every
// cluster and instance. Rules read them from derived.effective_parameters.
var AuditParameters = []string{
	// Aurora MySQL Advanced Auditing (cluster parameter group).
	"server_audit_logging",
	"server_audit_events",
	"server_audit_excl_users",
	"server_audit_incl_users",
	"server_audit_logs_upload",
	// MySQL / MariaDB logs behind the general and slowquery exports.
	"general_log",
	"slow_query_log",
	"log_output",
	// PostgreSQL and pgAudit.
	"shared_preload_libraries",
	"pgaudit.log",
	"pgaudit.role",
	"pgaudit.log_catalog",
	"pgaudit.log_parameter",
	"log_connections",
	"log_disconnections",
	"log_statement",
}
