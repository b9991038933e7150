package snapshot

import "strings"

// AuditParameters are the parameters Resolve computes an effective value for. Rules read
// them from derived.effective_parameters; each resource gets the ones of its engine family
// (ParametersForEngine).
var AuditParameters = append(append([]string{}, mysqlParameters...), postgresParameters...)

var mysqlParameters = []string{
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
}

var postgresParameters = []string{
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

// ParametersForEngine returns the audit parameters that exist for an RDS engine: the MySQL
// family (aurora, aurora-mysql, mysql, mariadb) or the PostgreSQL family (aurora-postgresql,
// postgres). Other engines (Oracle, SQL Server) have none.
func ParametersForEngine(engine string) []string {
	switch {
	case engine == "aurora" || strings.Contains(engine, "mysql") || engine == "mariadb":
		return mysqlParameters
	case strings.Contains(engine, "postgres"):
		return postgresParameters
	}
	return nil
}
