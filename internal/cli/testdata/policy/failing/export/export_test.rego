package custom.test.export_test

import data.custom.test.export as rule

_cluster(exports) := {
	"DBClusterIdentifier": "c1",
	"DBClusterArn": "arn:aws:rds:eu-west-1:111122223333:cluster:c1",
	"Engine": "aurora-mysql",
	"EnabledCloudwatchLogsExports": exports,
}

test_fails_without_audit_export if {
	count(rule.deny) == 1 with input as {"accounts": [{"regions": [{"rds": {"db_clusters": [_cluster([])]}}]}]}
}

# Deliberately wrong: the rule denies this cluster, so the test fails.
test_passes_without_audit_export if {
	count(rule.deny) == 0 with input as {"accounts": [{"regions": [{"rds": {"db_clusters": [_cluster(["error"])]}}]}]}
}
