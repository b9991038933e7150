# METADATA
# title: CloudTrail trail log files are not encrypted with a KMS key
# description: |
#   A trail should encrypt its log files with SSE-KMS (KmsKeyId set); DescribeTrails omits
#   KmsKeyId when the trail uses the default SSE-S3 encryption. Trails are judged once, in
#   their home-region copy (or in a shadow copy when the home region was not collected: the
#   attribute is the same in every copy).
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2
#   - https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-encryption-enabled.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
# custom:
#   id: DBAUDIT-CT-003
#   severity: MEDIUM
#   service: cloudtrail
#   resource_type: AwsCloudTrailTrail
#   remediation:
#     text: Configure the trail to encrypt log files with a customer managed KMS key whose policy allows cloudtrail.amazonaws.com to use it.
#     cli: aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>
#     terraform: 'aws_cloudtrail: kms_key_id = aws_kms_key.cloudtrail.arn'
#   frameworks:
#     aws-securityhub: ["CloudTrail.2"]
#     cis-aws-foundations-v1.2.0: ["2.7"]
#     cis-aws-foundations-v1.4.0: ["3.7"]
package rules.aws.cloudtrail.trail_kms_encryption

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

not_evaluated contains {"resource": trail.TrailARN, "reason": "KmsKeyId is not known until apply"} if {
	some trail in _trails
	aws.unknown(trail, "KmsKeyId")
}

deny contains {
	"resource": trail.TrailARN,
	"msg": sprintf("CloudTrail trail %s does not encrypt its log files with a KMS key", [trail.Name]),
	"evidence": "KmsKeyId absent",
} if {
	some trail in _trails
	not aws.unknown(trail, "KmsKeyId")
	object.get(trail, "KmsKeyId", "") == ""
}
