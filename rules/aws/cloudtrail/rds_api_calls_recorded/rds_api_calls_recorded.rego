# METADATA
# title: RDS API calls in a region with databases are not recorded by a logging trail
# description: |
#   For every region that has DB clusters or DB instances, some trail covering the region (a
#   multi-Region trail, or a trail homed in the region) must be logging and record write
#   management events (a basic selector with IncludeManagementEvents true and ReadWriteType
#   All or WriteOnly, or an advanced selector on eventCategory = Management without a
#   readOnly = true condition) without excluding rdsdata.amazonaws.com, the RDS Data API
#   source. Otherwise changes to clusters, parameter groups, log exports and Data API
#   statements leave no CloudTrail record. Trails are judged by their home-region copy.
#   Regions without DB resources are out of scope. One finding per account and region
#   (region = the region judged). Custom rule; no Security Hub control.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/logging-using-cloudtrail.html
#   - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail-data-api.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
# custom:
#   id: DBAUDIT-CT-002
#   severity: HIGH
#   service: cloudtrail
#   resource_type: AwsAccount
#   remediation:
#     text: Make a multi-Region trail (or a trail in the region) log write management events without excluding rdsdata.amazonaws.com, and start logging on it.
#     cli: aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' && aws cloudtrail start-logging --name <trail>
#     terraform: 'aws_cloudtrail: is_multi_region_trail = true, enable_logging = true, event_selector { read_write_type = "All", include_management_events = true } (no exclude_management_event_sources = ["rdsdata.amazonaws.com"])'
package rules.aws.cloudtrail.rds_api_calls_recorded

import data.rules.lib.aws

_rds_data := "rdsdata.amazonaws.com"

# Regions with DB resources: [account id, region].
_db_regions contains [account.account_id, region.region] if {
	some account in input.accounts
	some region in account.regions
	some _ in region.rds.db_clusters
}

_db_regions contains [account.account_id, region.region] if {
	some account in input.accounts
	some region in account.regions
	some _ in region.rds.db_instances
}

_collected contains [account.account_id, region.region] if {
	some account in input.accounts
	some region in account.regions
	region.cloudtrail
}

# Home-region copies of the trails, by [account id, TrailARN].
_home[[account.account_id, trail.TrailARN]] := [region.region, trail] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	object.get(trail, "HomeRegion", region.region) == region.region
}

# Multi-Region trails by account: account id → {TrailARN}.
_multi_region[account_id] := arns if {
	some account in input.accounts
	account_id := account.account_id
	arns := {trail.TrailARN |
		some region in account.regions
		some trail in region.cloudtrail.trails
		trail.IsMultiRegionTrail == true
	}
}

# Trails covering a region with DB resources: [account id, region] → {TrailARN}. A region's
# DescribeTrails lists its own trails and shadow copies of multi-Region trails; multi-Region
# trails seen in other regions cover it too.
_covering[[account.account_id, region.region]] := arns if {
	some account in input.accounts
	some region in account.regions
	[account.account_id, region.region] in _db_regions
	local := {trail.TrailARN |
		some trail in region.cloudtrail.trails
		_covers(trail, region.region)
	}
	arns := local | object.get(_multi_region, account.account_id, set())
}

_covers(trail, _) if trail.IsMultiRegionTrail == true

_covers(trail, region) if object.get(trail, "HomeRegion", region) == region

_writes_basic(es) if {
	object.get(es, "IncludeManagementEvents", true) == true
	upper(object.get(es, "ReadWriteType", "All")) in {"ALL", "WRITEONLY"}
}

_management(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "eventCategory"
	"Management" in object.get(fs, "Equals", [])
}

_writes_advanced(aes) if {
	_management(aes)
	not _read_only(aes)
}

# An advanced selector limited to read-only events.
_read_only(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "readOnly"
	"true" in object.get(fs, "Equals", [])
}

_read_only(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "readOnly"
	"false" in object.get(fs, "NotEquals", [])
}

_excludes_rds_data(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "eventSource"
	_rds_data in object.get(fs, "NotEquals", [])
}

_excludes_rds_data(aes) if {
	some fs in aes.FieldSelectors
	fs.Field == "eventSource"
	equals := object.get(fs, "Equals", [])
	count(equals) > 0
	not _rds_data in equals
}

_records(sel) if {
	some es in object.get(sel, "EventSelectors", [])
	_writes_basic(es)
	not _rds_data in object.get(es, "ExcludeManagementEventSources", [])
}

_records(sel) if {
	some aes in object.get(sel, "AdvancedEventSelectors", [])
	_writes_advanced(aes)
	not _excludes_rds_data(aes)
}

# The selectors would record write management events but for the rdsdata exclusion.
_rds_data_excluded(sel) if {
	some es in object.get(sel, "EventSelectors", [])
	_writes_basic(es)
	_rds_data in object.get(es, "ExcludeManagementEventSources", [])
}

_rds_data_excluded(sel) if {
	some aes in object.get(sel, "AdvancedEventSelectors", [])
	_writes_advanced(aes)
	_excludes_rds_data(aes)
}

_name(key) := trail.Name if {
	[_, trail] := _home[key]
} else := parts[count(parts) - 1] if {
	parts := split(key[1], "/")
}

# Why a trail does not record the RDS API calls, from what is known about it.
_issue(key) := "IsLogging=false" if {
	[_, trail] := _home[key]
	trail.status.IsLogging == false
} else := sprintf("%s excluded from management events", [_rds_data]) if {
	[_, trail] := _home[key]
	not _records(trail.event_selectors)
	_rds_data_excluded(trail.event_selectors)
} else := "no event selector records write management events" if {
	[_, trail] := _home[key]
	not _records(trail.event_selectors)
}

# Why a trail without a known issue cannot be judged.
_unknown(key) := sprintf("trail %s: its home-region copy is not in the snapshot%s", [_name(key), aws.trail_home_gap(key[0], key[1])]) if {
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

_ok contains [account_id, region] if {
	some [account_id, region], arns in _covering
	some arn in arns
	key := [account_id, arn]
	not _issue(key)
	not _unknown(key)
}

_resource(account_id, region) := {
	"resource": aws.account_resource(account_id),
	"account_id": account_id,
	"region": region,
}

applicable contains _resource(account_id, region) if {
	some [account_id, region] in _db_regions
}

not_evaluated contains object.union(_resource(account_id, region), {"reason": reason}) if {
	some [account_id, region] in _db_regions
	not [account_id, region] in _ok
	not [account_id, region] in _collected
	reason := aws.not_collected_reason(account_id, region, "DescribeTrails", "CloudTrail")
}

# A Region whose databases could not be listed may have some: not evaluated.
not_evaluated contains object.union(_resource(account.account_id, region.region), {"reason": reason}) if {
	some account in input.accounts
	some region in account.regions
	not region.rds
	reason := _rds_gap(account.account_id, region.region)
}

_rds_gap(account_id, region) := reason if {
	reason := aws.gap_reason(account_id, region, "DescribeDBClusters")
} else := reason if {
	reason := aws.gap_reason(account_id, region, "DescribeDBInstances")
}

not_evaluated contains object.union(_resource(account_id, region), {"reason": concat("; ", sort(reasons))}) if {
	some [account_id, region] in _db_regions
	not [account_id, region] in _ok
	[account_id, region] in _collected
	reasons := {r |
		some arn in _covering[[account_id, region]]
		not _issue([account_id, arn])
		r := _unknown([account_id, arn])
	}
	count(reasons) > 0
}

deny contains object.union(_resource(account_id, region), {
	"msg": sprintf("No logging CloudTrail trail records RDS API calls (write management events, including %s) for account %s in %s", [_rds_data, account_id, region]),
	"evidence": evidence,
}) if {
	some [account_id, region] in _db_regions
	not [account_id, region] in _ok
	[account_id, region] in _collected
	keys := {[account_id, arn] | some arn in _covering[[account_id, region]]}
	every key in keys {
		_issue(key)
	}
	evidence := _evidence(region, [sprintf("%s: %s", [_name(key), _issue(key)]) | some key in keys])
}

_evidence(region, issues) := sprintf("no trail covers %s", [region]) if count(issues) == 0

_evidence(_, issues) := concat("; ", sort(issues)) if count(issues) > 0
