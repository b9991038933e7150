package input

import "testing"

// TestSynthesizedARNsFollowThePartition: ARNs made up for infrastructure code name the
// partition of their Region, as the real resources' ARNs do.
func TestSynthesizedARNsFollowThePartition(t *testing.T) {
	const acct = "123456789012"
	tests := []struct {
		name, got, want string
	}{
		{"cluster aws", clusterARN("us-east-1", acct, "c"), "arn:aws:rds:us-east-1:123456789012:cluster:c"},
		{"cluster china", clusterARN("cn-north-1", acct, "c"), "arn:aws-cn:rds:cn-north-1:123456789012:cluster:c"},
		{"instance govcloud", instanceARN("us-gov-west-1", acct, "i"), "arn:aws-us-gov:rds:us-gov-west-1:123456789012:db:i"},
		{"cluster parameter group", clusterPGARN("cn-northwest-1", acct, "g"), "arn:aws-cn:rds:cn-northwest-1:123456789012:cluster-pg:g"},
		{"parameter group", instancePGARN("us-iso-east-1", acct, "g"), "arn:aws-iso:rds:us-iso-east-1:123456789012:pg:g"},
		{"option group", optionGroupARN("cn-north-1", acct, "o"), "arn:aws-cn:rds:cn-north-1:123456789012:og:o"},
		{"log group", logGroupARN("cn-north-1", acct, "/aws/rds/cluster/c/audit"), "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/rds/cluster/c/audit"},
		{"alarm", alarmARN("us-gov-east-1", acct, "a"), "arn:aws-us-gov:cloudwatch:us-gov-east-1:123456789012:alarm:a"},
		{"trail", trailARN("cn-north-1", acct, "t"), "arn:aws-cn:cloudtrail:cn-north-1:123456789012:trail/t"},
		{"placeholder", placeholderARN("kms", "cn-north-1", acct, "aws_kms_key.audit"), "arn:aws-cn:kms:cn-north-1:123456789012:aws_kms_key.audit"},
		{"unknown region stays aws", clusterARN("", acct, "c"), "arn:aws:rds::123456789012:cluster:c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
}
