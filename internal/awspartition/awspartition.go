// Package awspartition tells which AWS partition a Region belongs to, so ARNs and Security
// Hub product ARNs name the right one (arn:aws-cn:…, arn:aws-us-gov:…), and so Region names
// are checked before any AWS call.
package awspartition

import (
	"fmt"
	"regexp"
	"strings"
)

// partitions are the Region name patterns of the SDK's endpoint rules
// (aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json, regionRegex), in its order.
var partitions = []struct {
	id      string
	regions *regexp.Regexp
}{
	{"aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`)},
	{"aws-cn", regexp.MustCompile(`^cn-\w+-\d+$`)},
	{"aws-eusc", regexp.MustCompile(`^eusc-(de)-\w+-\d+$`)},
	{"aws-iso", regexp.MustCompile(`^us-iso-\w+-\d+$`)},
	{"aws-iso-b", regexp.MustCompile(`^us-isob-\w+-\d+$`)},
	{"aws-iso-e", regexp.MustCompile(`^eu-isoe-\w+-\d+$`)},
	{"aws-iso-f", regexp.MustCompile(`^us-isof-\w+-\d+$`)},
	{"aws-us-gov", regexp.MustCompile(`^us-gov-\w+-\d+$`)},
}

// direction is the word before the number in every AWS Region name (us-east-1,
// ap-southeast-5, il-central-1, cn-northwest-1, eusc-de-east-1): the partition patterns accept
// any word there, so without it a typo such as eu-wset-1 would pass and then cost a timeout
// per call.
var direction = regexp.MustCompile(`-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d+$`)

// Of returns the partition of a Region name, and false when the name fits no known
// partition (a typo, upper case, an empty name, or a pseudo-Region such as aws-global).
func Of(region string) (string, bool) {
	for _, p := range partitions {
		if p.regions.MatchString(region) {
			return p.id, true
		}
	}
	return "", false
}

// OrDefault returns the partition of region, or "aws" when it fits none (for ARNs the
// scanner synthesises for inputs that name no Region).
func OrDefault(region string) string {
	if p, ok := Of(region); ok {
		return p
	}
	return "aws"
}

// ValidRegion returns an error that explains why name is not an AWS Region name.
func ValidRegion(name string) error {
	if _, ok := Of(name); ok && direction.MatchString(name) {
		return nil
	}
	switch {
	case name == "":
		return fmt.Errorf("empty Region name")
	case strings.ToLower(name) != name:
		if _, ok := Of(strings.ToLower(name)); ok {
			return fmt.Errorf("Region %q: Region names are lower case (%s)", name, strings.ToLower(name))
		}
	}
	return fmt.Errorf("Region %q is not an AWS Region name (like us-east-1, cn-north-1, us-gov-west-1)", name)
}
