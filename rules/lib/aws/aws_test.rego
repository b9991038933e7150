package rules.lib.aws_test

import data.rules.lib.aws

test_attached_option_groups_counts_active_memberships if {
	instance := {"OptionGroupMemberships": [
		{"OptionGroupName": "a", "Status": "in-sync"},
		{"OptionGroupName": "b", "Status": "pending-apply"},
		{"OptionGroupName": "c", "Status": "applying"},
		{"OptionGroupName": "d", "Status": "pending-removal"},
		{"OptionGroupName": "e", "Status": "failed"},
		{"OptionGroupName": "f"},
	]}
	aws.attached_option_groups(instance) == {"a", "b", "c", "f"}
}

test_attached_option_groups_empty_without_memberships if {
	aws.attached_option_groups({}) == set()
}

test_is_default_option_group if {
	aws.is_default_option_group("default:mysql-8-0")
	not aws.is_default_option_group("audit-mysql80")
}

test_group_option_and_setting if {
	og := {"Options": [{"OptionName": "MARIADB_AUDIT_PLUGIN", "OptionSettings": [
		{"Name": "SERVER_AUDIT_EVENTS", "Value": "CONNECT,QUERY_DDL", "DefaultValue": "CONNECT,QUERY"},
		{"Name": "SERVER_AUDIT_FILE_ROTATIONS", "DefaultValue": "9"},
		{"Name": "SERVER_AUDIT_EXCL_USERS"},
	]}]}
	o := aws.group_option(og, "MARIADB_AUDIT_PLUGIN")
	aws.option_setting(o, "SERVER_AUDIT_EVENTS") == "CONNECT,QUERY_DDL"
	aws.option_setting(o, "SERVER_AUDIT_FILE_ROTATIONS") == "9"
	not aws.option_setting(o, "SERVER_AUDIT_EXCL_USERS")
	not aws.group_option(og, "TIMEZONE")
}

# The same cases as internal/awspartition's TestOf (OrDefault: names that fit no partition are aws).
test_partition_of_region if {
	cases := {
		"us-east-1": "aws",
		"eu-central-2": "aws",
		"il-central-1": "aws",
		"cn-north-1": "aws-cn",
		"cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso",
		"us-isob-east-1": "aws-iso-b",
		"eu-isoe-west-1": "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
		"eusc-de-east-1": "aws-eusc",
		"": "aws",
		"global": "aws",
		"CN-NORTH-1": "aws",
		"cn-north": "aws",
		"us-gov-west-1 ": "aws",
	}
	every region, want in cases {
		aws.partition(region) == want
	}
}

test_log_group_arn_follows_the_partition if {
	aws.log_group_arn("123456789012", "us-east-1", "/aws/rds/cluster/a/audit") == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/cluster/a/audit"
	aws.log_group_arn("123456789012", "cn-north-1", "/aws/rds/cluster/a/audit") == "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/rds/cluster/a/audit"
	aws.log_group_arn("123456789012", "us-gov-west-1", "g") == "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:g"
}

test_account_gap_reason_only_for_gaps_without_region if {
	inp := {"collection_gaps": [
		{"account_id": "1", "service": "sts", "operation": "AssumeRole", "error_code": "AccessDenied"},
		{"account_id": "2", "region": "us-east-1", "service": "sts", "operation": "AssumeRole", "error_code": "Throttling"},
	]}
	aws.account_gap_reason("1", "AssumeRole") == "sts AssumeRole failed: AccessDenied" with input as inp
	not aws.account_gap_reason("2", "AssumeRole") with input as inp
}

test_trail_home_gap_names_the_home_region_listing if {
	inp := {"collection_gaps": [{"account_id": "1", "region": "us-east-1", "service": "cloudtrail", "operation": "DescribeTrails", "error_code": "Throttling"}]}
	aws.trail_home_gap("1", "arn:aws:cloudtrail:us-east-1:1:trail/t") == " (cloudtrail DescribeTrails failed: Throttling)" with input as inp
	aws.trail_home_gap("1", "arn:aws:cloudtrail:eu-west-1:1:trail/t") == "" with input as inp
	aws.trail_home_gap("1", "not-an-arn") == "" with input as inp
}
