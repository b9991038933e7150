# METADATA
# title: CloudTrail trail does not deliver to CloudWatch Logs
# description: |
#   A trail should send its events to a CloudWatch Logs log group (CloudWatchLogsLogGroupArn
#   set), where metric filters and alarms can watch them. When the home-region copy's
#   GetTrailStatus reports a LatestCloudWatchLogsDeliveryTime older than
#   `max_trail_delivery_age_hours` before the snapshot time (generated_at), the trail fails
#   too, like the Config rule parameter expectedDeliveryWindowAge. Trails are judged once, in
#   their home-region copy (or in a shadow copy when the home region was not collected; the
#   delivery time is then not known).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5
#   - https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-cloud-watch-logs-enabled.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
# custom:
#   id: DBAUDIT-CT-005
#   severity: LOW
#   service: cloudtrail
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     text: Send the trail's events to a CloudWatch Logs log group (with an IAM role CloudTrail can assume), and fix the role or log group if delivery has stopped.
#     cli: aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>
#     terraform: 'aws_cloudtrail: cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*", cloud_watch_logs_role_arn = aws_iam_role.trail_to_cwl.arn'
#   frameworks:
#     aws-securityhub: ["CloudTrail.5"]
#     cis-aws-foundations-v1.2.0: ["2.4"]
#     cis-aws-foundations-v1.4.0: ["3.4"]
package rules.aws.cloudtrail.trail_cloudwatch_logs

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

_has_log_group(trail) if object.get(trail, "CloudWatchLogsLogGroupArn", "") != ""

_is_home(region, trail) if object.get(trail, "HomeRegion", region) == region

applicable contains {"resource": trail.TrailARN} if {
	some [_, _, trail] in _trails
}

not_evaluated contains {"resource": trail.TrailARN, "reason": reason} if {
	some [account_id, region, trail] in _trails
	reason := _unknown(account_id, region, trail)
}

deny contains {
	"resource": trail.TrailARN,
	"msg": sprintf("CloudTrail trail %s does not send its events to CloudWatch Logs", [trail.Name]),
	"evidence": "CloudWatchLogsLogGroupArn absent",
} if {
	some [_, _, trail] in _trails
	not aws.unknown(trail, "CloudWatchLogsLogGroupArn")
	not _has_log_group(trail)
}

deny contains {
	"resource": trail.TrailARN,
	"msg": sprintf("CloudTrail trail %s has not delivered to CloudWatch Logs for more than %v hours", [trail.Name, _max_age_hours]),
	"evidence": sprintf("LatestCloudWatchLogsDeliveryTime=%s (%v h before generated_at=%s)", [delivered, floor(age_ns / 3600000000000), input.generated_at]),
} if {
	some [_, region, trail] in _trails
	_is_home(region, trail)
	_has_log_group(trail)
	delivered := trail.status.LatestCloudWatchLogsDeliveryTime
	age_ns := _generated_ns - time.parse_rfc3339_ns(delivered)
	age_ns > (_max_age_hours * 3600) * 1000000000
}

# Why the trail cannot be judged (only asked about trails with a log group: a trail without
# one fails whatever its status).
_unknown(account_id, region, trail) := "CloudWatchLogsLogGroupArn is not known until apply" if {
	aws.unknown(trail, "CloudWatchLogsLogGroupArn")
} else := sprintf("the home region %s of the trail was not collected%s; its CloudWatch Logs delivery time is not known", [trail.HomeRegion, aws.trail_home_gap(account_id, trail.TrailARN)]) if {
	_has_log_group(trail)
	not _is_home(region, trail)
} else := reason if {
	_has_log_group(trail)
	not trail.status
	reason := _status_missing(account_id, region, trail)
} else := "generated_at is missing or not RFC 3339; the delivery age cannot be computed" if {
	_has_log_group(trail)
	trail.status.LatestCloudWatchLogsDeliveryTime
	not _generated_ns
} else := sprintf("LatestCloudWatchLogsDeliveryTime=%s is not RFC 3339", [delivered]) if {
	_has_log_group(trail)
	delivered := trail.status.LatestCloudWatchLogsDeliveryTime
	not time.parse_rfc3339_ns(delivered)
}

_status_missing(account_id, region, trail) := reason if {
	reason := aws.resource_gap_reason(account_id, region, "GetTrailStatus", [trail.Name, trail.TrailARN])
} else := "GetTrailStatus output (status) was not collected for the trail"
