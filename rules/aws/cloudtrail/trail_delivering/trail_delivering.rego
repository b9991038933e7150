# METADATA
# title: CloudTrail trail is not logging or not delivering log files
# description: |
#   A trail must be logging (GetTrailStatus IsLogging) and delivering: its
#   LatestDeliveryTime must be within `max_trail_delivery_age_hours` of the snapshot time
#   (generated_at) and there must be no LatestDeliveryError (typically a bucket policy or KMS
#   key policy that stopped allowing CloudTrail). A stopped trail fails. Status is read in the
#   trail's home region only; a trail whose home region was not collected, or whose status is
#   missing, is not evaluated. Custom rule; no Security Hub control.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-troubleshooting.html
# custom:
#   id: DBAUDIT-CT-006
#   severity: MEDIUM
#   service: cloudtrail
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     text: Start logging on the trail, and fix the S3 bucket policy or KMS key policy named by LatestDeliveryError so that CloudTrail can deliver log files again.
#     cli: aws cloudtrail start-logging --name <trail> && aws cloudtrail get-trail-status --name <trail>
#     terraform: 'aws_cloudtrail: enable_logging = true; aws_s3_bucket_policy / aws_kms_key policy allowing cloudtrail.amazonaws.com'
package rules.aws.cloudtrail.trail_delivering

import data.rules.lib.aws
import data.rules.lib.params

_home contains [account.account_id, trail.TrailARN] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	object.get(trail, "HomeRegion", region.region) == region.region
}

# The copies judged: the home copy, or any shadow copy when the account has no home copy.
# [account id, region, trail]: the region is where the copy was read.
_trails contains [account.account_id, region.region, trail] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	_judged(account.account_id, region.region, trail)
}

_judged(_, region, trail) if object.get(trail, "HomeRegion", region) == region

_judged(account_id, region, trail) if {
	object.get(trail, "HomeRegion", region) != region
	not [account_id, trail.TrailARN] in _home
}

_max_age_hours := params.values.max_trail_delivery_age_hours

_generated_ns := time.parse_rfc3339_ns(input.generated_at)

_is_home(region, trail) if object.get(trail, "HomeRegion", region) == region

applicable contains {"resource": trail.TrailARN} if {
	some [_, _, trail] in _trails
}

not_evaluated contains {"resource": trail.TrailARN, "reason": reason} if {
	some [account_id, region, trail] in _trails
	not _problem(trail)
	reason := _unknown(account_id, region, trail)
}

deny contains {
	"resource": trail.TrailARN,
	"msg": sprintf("CloudTrail trail %s is not logging or has not delivered log files within %v hours", [trail.Name, _max_age_hours]),
	"evidence": evidence,
} if {
	some [_, region, trail] in _trails
	_is_home(region, trail)
	evidence := _problem(trail)
}

_problem(trail) := "IsLogging=false" if {
	trail.status.IsLogging == false
} else := sprintf("LatestDeliveryError=%s", [error]) if {
	trail.status.IsLogging == true
	error := object.get(trail.status, "LatestDeliveryError", "")
	error != ""
} else := "LatestDeliveryTime absent (no log file delivered)" if {
	trail.status.IsLogging == true
	not trail.status.LatestDeliveryTime
	not aws.unknown(trail, "LatestDeliveryTime")
} else := sprintf("LatestDeliveryTime=%s (%v h before generated_at=%s)", [delivered, floor(age_ns / 3600000000000), input.generated_at]) if {
	trail.status.IsLogging == true
	delivered := trail.status.LatestDeliveryTime
	age_ns := _generated_ns - time.parse_rfc3339_ns(delivered)
	age_ns > (_max_age_hours * 3600) * 1000000000
}

# Why a trail without a known problem cannot be judged.
_unknown(account_id, region, trail) := sprintf("the home region %s of the trail was not collected%s; its status is not known", [trail.HomeRegion, aws.trail_home_gap(account_id, trail.TrailARN)]) if {
	not _is_home(region, trail)
} else := "the trail's log delivery is not known from configuration (it has not run yet)" if {
	trail.status.IsLogging == true
	aws.unknown(trail, "LatestDeliveryTime")
} else := reason if {
	not trail.status
	reason := _status_missing(account_id, region, trail)
} else := "GetTrailStatus returned no IsLogging" if {
	not trail.status.IsLogging == true
	not trail.status.IsLogging == false
} else := "generated_at is missing or not RFC 3339; the delivery age cannot be computed" if {
	not _generated_ns
} else := sprintf("LatestDeliveryTime=%s is not RFC 3339", [delivered]) if {
	delivered := trail.status.LatestDeliveryTime
	not time.parse_rfc3339_ns(delivered)
}

_status_missing(account_id, region, trail) := reason if {
	reason := aws.resource_gap_reason(account_id, region, "GetTrailStatus", [trail.Name, trail.TrailARN])
} else := "GetTrailStatus output (status) was not collected for the trail"
