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
	for _, typo := range []string{"eu-wset-1", "us-esat-1", "ap-sotheast-2"} {
		if _, ok := Of(typo); !ok {
			t.Errorf("Of(%q): the partition pattern should accept it", typo)
		}
		if err := ValidRegion(typo); err == nil {
			t.Errorf("ValidRegion(%q) accepts a typo", typo)
		}
	}
	// Every Region of the SDK's partitions.json (aws-sdk-go-v2 v1.47.7) is valid.
	for _, r := range []string{"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
		"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
		"mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "cn-north-1", "cn-northwest-1",
		"eusc-de-east-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1",
		"us-isof-east-1", "us-isof-south-1", "us-gov-east-1", "us-gov-west-1"} {
		if err := ValidRegion(r); err != nil {
			t.Errorf("ValidRegion(%q) = %v", r, err)
		}
	}
	if got := OrDefault("global"); got != "aws" {
		t.Errorf("OrDefault(global) = %q", got)
	}
	if got := OrDefault("cn-north-1"); got != "aws-cn" {
		t.Errorf("OrDefault(cn-north-1) = %q", got)
	}
}
