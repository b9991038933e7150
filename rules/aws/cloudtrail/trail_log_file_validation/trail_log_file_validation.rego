# METADATA
# title: CloudTrail trail log file validation is not enabled
# description: |
#   A trail should have log file integrity validation enabled (LogFileValidationEnabled), so
#   that CloudTrail writes signed digest files that show whether log files were modified or
#   deleted. Trails are judged once, in their home-region copy (or in a shadow copy when the
#   home region was not collected: the attribute is the same in every copy).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4
#   - https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-log-file-validation-enabled.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
# custom:
#   id: DBAUDIT-CT-004
#   severity: LOW
#   service: cloudtrail
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     text: Enable log file validation on the trail.
#     cli: aws cloudtrail update-trail --name <trail> --enable-log-file-validation
#     terraform: 'aws_cloudtrail: enable_log_file_validation = true'
#   frameworks:
#     aws-securityhub: ["CloudTrail.4"]
#     cis-aws-foundations-v1.2.0: ["2.2"]
#     cis-aws-foundations-v1.4.0: ["3.2"]
package rules.aws.cloudtrail.trail_log_file_validation

import data.rules.lib.aws

_home contains [account.account_id, trail.TrailARN] if {
	some account in input.accounts
	some region in account.regions
	some trail in region.cloudtrail.trails
	object.get(trail, "HomeRegion", region.region) == region.region
}

# The copies judged: the home copy, or any shadow copy when the account has no home copy.
_trails contains trail if {
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

applicable contains {"resource": trail.TrailARN} if {
	some trail in _trails
}

not_evaluated contains {"resource": trail.TrailARN, "reason": "LogFileValidationEnabled is not known until apply"} if {
	some trail in _trails
	aws.unknown(trail, "LogFileValidationEnabled")
}

deny contains {
	"resource": trail.TrailARN,
	"msg": sprintf("CloudTrail trail %s does not validate its log files", [trail.Name]),
	"evidence": sprintf("LogFileValidationEnabled=%v", [object.get(trail, "LogFileValidationEnabled", false)]),
} if {
	some trail in _trails
	not aws.unknown(trail, "LogFileValidationEnabled")
	object.get(trail, "LogFileValidationEnabled", false) != true
}
