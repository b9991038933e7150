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
