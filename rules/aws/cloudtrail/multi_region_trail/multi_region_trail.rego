# METADATA
# title: No logging multi-Region CloudTrail trail records read and write management events
# description: |
#   The account needs at least one multi-Region trail that is logging (GetTrailStatus
#   IsLogging) and records read and write management events: a basic event selector with
#   IncludeManagementEvents true (default) and ReadWriteType All (default), or an advanced
#   event selector with eventCategory = Management and no readOnly condition. A trail that
#   excludes management event sources (ExcludeManagementEventSources, e.g. kms.amazonaws.com
#   or rdsdata.amazonaws.com, or an advanced eventSource NotEquals condition) does not
#   qualify, as in AWS Config's multi-region-cloudtrail-enabled. Trails are judged by their
#   home-region copy, where status and event selectors are collected. An account whose
#   CloudTrail data was collected and that has no trail fails; an account whose CloudTrail
#   data is absent everywhere is not evaluated. The check is account-wide: findings carry
#   region "global".
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1
#   - https://docs.aws.amazon.com/config/latest/developerguide/multi-region-cloudtrail-enabled.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
# custom:
#   id: DBAUDIT-CT-001
#   severity: HIGH
#   service: cloudtrail
#   resource_type: AwsAccount
#   remediation:
#     text: Create (or fix) a multi-Region trail that logs all read and write management events without excluded event sources, and start logging on it.
#     cli: aws cloudtrail update-trail --name <trail> --is-multi-region-trail && aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' && aws cloudtrail start-logging --name <trail>
#     terraform: 'aws_cloudtrail: is_multi_region_trail = true, enable_logging = true, event_selector { read_write_type = "All", include_management_events = true } (no exclude_management_event_sources)'
#   frameworks:
#     aws-securityhub: ["CloudTrail.1"]
#     cis-aws-foundations-v1.2.0: ["2.1"]
#     cis-aws-foundations-v1.4.0: ["3.1"]
#     nist-800-53-r5: ["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)", "AU-14(1)", "SA-8(22)"]
#     cis-aws-foundations-v3.0.0: ["3.1"]
#     cis-aws-foundations-v5.0.0: ["3.1"]
package rules.aws.cloudtrail.multi_region_trail

import data.rules.lib.aws

_region := "global"

# Home-region copies of the trails, by [account id, TrailARN].
_home[[account.account_id, trail.TrailARN]] := [region.region, trail] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	object.get(trail, "HomeRegion", region.region) == region.region
}

# Every trail an account's regions list (home and shadow copies): account id → {[account id, TrailARN]}.
_trails[account.account_id] := {[account.account_id, trail.TrailARN] |
	some region in account.regions
	some trail in region.cloudtrail.trails
} if {
	some account in input.accounts
}

_multi_region contains [account.account_id, trail.TrailARN] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	trail.IsMultiRegionTrail == true
}

# [account id, TrailARN] → trail name (from the home copy; else the ARN's last part).
_names[[account.account_id, trail.TrailARN]] := trail.Name if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	object.get(trail, "HomeRegion", region.region) == region.region
}

_name(key) := _names[key]

_name(key) := name if {
	not _names[key]
	parts := split(key[1], "/")
	name := parts[count(parts) - 1]
}

_collected contains account.account_id if {
	some account in input.accounts
	some region in account.regions
	region.cloudtrail
}

# Management event sources the selectors exclude (basic, or advanced eventSource NotEquals
# on a management-event selector).
_exclusions(sel) := {src |
	some es in object.get(sel, "EventSelectors", [])
	some src in object.get(es, "ExcludeManagementEventSources", [])
} | {src |
	some aes in object.get(sel, "AdvancedEventSelectors", [])
	_management(aes)
	some fs in aes.FieldSelectors
	fs.Field == "eventSource"
	some src in object.get(fs, "NotEquals", [])
}

_management(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "eventCategory"
	"Management" in object.get(fs, "Equals", [])
}

_read_write(sel) if {
	some es in object.get(sel, "EventSelectors", [])
	object.get(es, "IncludeManagementEvents", true) == true
	upper(object.get(es, "ReadWriteType", "All")) == "ALL"
}

_read_write(sel) if {
	some aes in object.get(sel, "AdvancedEventSelectors", [])
	_management(aes)
	not _has_field(aes, "readOnly")
}

_has_field(aes, field) if {
	some fs in aes.FieldSelectors
	fs.Field == field
}

# Why a trail does not qualify, from what is known about it.
_issue(key) := "IsMultiRegionTrail=false" if {
	not key in _multi_region
	not _unknown_attr(key, "IsMultiRegionTrail")
} else := "IsLogging=false" if {
	[_, trail] := _home[key]
	trail.status.IsLogging == false
} else := sprintf("ExcludeManagementEventSources=%v", [sort(excluded)]) if {
	[_, trail] := _home[key]
	excluded := _exclusions(trail.event_selectors)
	count(excluded) > 0
} else := "no event selector records both read and write management events" if {
	[_, trail] := _home[key]
	not _read_write(trail.event_selectors)
}

_unknown_attr(key, attr) if {
	[_, trail] := _home[key]
	aws.unknown(trail, attr)
}

# Why a trail without a known issue cannot be judged.
_unknown(key) := sprintf("IsMultiRegionTrail of trail %s is not known until apply", [_name(key)]) if {
	_unknown_attr(key, "IsMultiRegionTrail")
} else := sprintf("trail %s: its home-region copy is not in the snapshot%s", [_name(key), aws.trail_home_gap(key[0], key[1])]) if {
	not _home[key]
} else := _missing(key, "GetTrailStatus", "status") if {
	[_, trail] := _home[key]
	not trail.status.IsLogging
	not trail.status.IsLogging == false
} else := _missing(key, "GetEventSelectors", "event_selectors") if {
	[_, trail] := _home[key]
	not trail.event_selectors
}

_missing(key, operation, field) := sprintf("trail %s: %s", [_name(key), reason]) if {
	[region, trail] := _home[key]
	reason := aws.resource_gap_reason(key[0], region, operation, [trail.Name, trail.TrailARN])
} else := sprintf("trail %s: %s was not collected", [_name(key), field])

_ok contains account_id if {
	some account_id, keys in _trails
	some key in keys
	not _issue(key)
	not _unknown(key)
}

applicable contains {"resource": aws.account_resource(account.account_id), "account_id": account.account_id, "region": _region} if {
	some account in input.accounts
}

not_evaluated contains {
	"resource": aws.account_resource(account.account_id),
	"account_id": account.account_id,
	"region": _region,
	"reason": reason,
} if {
	some account in input.accounts
	not account.account_id in _collected
	reason := _not_collected(account)
}

not_evaluated contains {
	"resource": aws.account_resource(account_id),
	"account_id": account_id,
	"region": _region,
	"reason": concat("; ", sort(reasons)),
} if {
	some account_id in _collected
	not account_id in _ok
	reasons := {r | some key in _trails[account_id]; not _issue(key); r := _unknown(key)}
	count(reasons) > 0
}

deny contains {
	"resource": aws.account_resource(account_id),
	"account_id": account_id,
	"region": _region,
	"msg": sprintf("Account %s has no logging multi-Region CloudTrail trail that records read and write management events", [account_id]),
	"evidence": evidence,
} if {
	some account_id in _collected
	not account_id in _ok
	every key in _trails[account_id] {
		_issue(key)
	}
	issues := [sprintf("%s: %s", [_name(key), _issue(key)]) | some key in _trails[account_id]]
	evidence := _evidence(issues)
}

_evidence(issues) := "no trails" if count(issues) == 0

_evidence(issues) := concat("; ", sort(issues)) if count(issues) > 0

_not_collected(account) := reason if {
	reasons := sort([r |
		some region in account.regions
		r := aws.gap_reason(account.account_id, region.region, "DescribeTrails")
	])
	reason := reasons[0]
} else := reason if {
	reason := aws.account_gap_reason(account.account_id, "AssumeRole")
} else := sprintf("CloudTrail was not collected for account %s", [account.account_id])
