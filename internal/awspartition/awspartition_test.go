package awspartition

import "testing"

func TestOf(t *testing.T) {
	tests := []struct {
		region    string
		partition string
		ok        bool
	}{
		{"us-east-1", "aws", true},
		{"eu-central-2", "aws", true},
		{"il-central-1", "aws", true},
		{"cn-north-1", "aws-cn", true},
		{"cn-northwest-1", "aws-cn", true},
		{"us-gov-west-1", "aws-us-gov", true},
		{"us-iso-east-1", "aws-iso", true},
		{"us-isob-east-1", "aws-iso-b", true},
		{"eu-isoe-west-1", "aws-iso-e", true},
		{"us-isof-south-1", "aws-iso-f", true},
		{"eusc-de-east-1", "aws-eusc", true},
		{"", "", false},
		{"global", "", false},
		{"aws-global", "", false},
		{"US-EAST-1", "", false},
		{"not-a-region", "", false},
		{"us-east", "", false},
		{"us-east-1 ", "", false},
	}
	for _, tc := range tests {
		p, ok := Of(tc.region)
		if p != tc.partition || ok != tc.ok {
			t.Errorf("Of(%q) = %q, %v; want %q, %v", tc.region, p, ok, tc.partition, tc.ok)
		}
		if err := ValidRegion(tc.region); (err == nil) != tc.ok {
			t.Errorf("ValidRegion(%q) = %v; want ok=%v", tc.region, err, tc.ok)
		}
	}
	if got := OrDefault("global"); got != "aws" {
		t.Errorf("OrDefault(global) = %q", got)
	}
	if got := OrDefault("cn-north-1"); got != "aws-cn" {
		t.Errorf("OrDefault(cn-north-1) = %q", got)
	}
}
