package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/awspartition"
	"github.com/dbaudit/scanner/internal/collect"
)

// Flag checks that run before any AWS call, so a typo costs a one-line error (exit 2)
// instead of a collection that times out region by region.

// checkRegion checks the value of a Region flag.
func checkRegion(flag, name string) error {
	if err := awspartition.ValidRegion(name); err != nil {
		return fmt.Errorf("--%s: %w", flag, err)
	}
	return nil
}

// checkRegionFlags checks the Region flags among names that were given, empty values
// included.
func checkRegionFlags(fs *pflag.FlagSet, names ...string) error {
	for _, name := range names {
		if f := fs.Lookup(name); f != nil && f.Changed {
			if err := checkRegion(name, f.Value.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAccount checks an AWS account id: 12 digits.
func checkAccount(flag, id string) error {
	if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("--%s %q: an AWS account id is 12 digits", flag, id)
	}
	return nil
}

// checkRoleARN checks an IAM role ARN: arn:<partition>:iam::<12 digits>:role/[path/]name.
func checkRoleARN(flag, s string) error {
	a, err := arn.Parse(s)
	if err != nil {
		return fmt.Errorf("--%s %q: not an ARN (want arn:aws:iam::123456789012:role/NAME)", flag, s)
	}
	name, isRole := strings.CutPrefix(a.Resource, "role/")
	switch {
	case a.Service != "iam" || !isRole || strings.HasSuffix(name, "/") || name == "":
		return fmt.Errorf("--%s %q: not an IAM role ARN (want arn:%s:iam::123456789012:role/NAME)", flag, s, partitionOr(a.Partition))
	case a.Region != "":
		return fmt.Errorf("--%s %q: an IAM role ARN has no Region", flag, s)
	case !knownPartition(a.Partition):
		return fmt.Errorf("--%s %q: unknown partition %q", flag, s, a.Partition)
	}
	return checkAccount(flag+" account", a.AccountID)
}

func partitionOr(p string) string {
	if knownPartition(p) {
		return p
	}
	return "aws"
}

func knownPartition(p string) bool {
	switch p {
	case "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc":
		return true
	}
	return false
}

// validate checks the live-collection flags.
func (o *collectOptions) validate() error {
	if len(o.regions) == 0 {
		return errors.New("--regions: no Region given (use all for each account's enabled Regions)")
	}
	for _, r := range o.regions {
		r = strings.TrimSpace(r)
		if strings.EqualFold(r, collect.AllRegions) {
			continue
		}
		if err := checkRegion("regions", r); err != nil {
			return err
		}
	}
	if err := o.validateCredentials(); err != nil {
		return err
	}
	switch {
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency %d: want at least 1", o.concurrency)
	case o.callTimeout <= 0:
		return fmt.Errorf("--call-timeout %s: want a positive duration such as 30s", o.callTimeout)
	case o.maxAttempts < 1:
		return fmt.Errorf("--max-attempts %d: want at least 1", o.maxAttempts)
	case o.org && strings.TrimSpace(o.orgRoleName) == "":
		return errors.New("--org-role-name: empty role name")
	}
	if o.retryMode != "adaptive" && o.retryMode != "standard" {
		return fmt.Errorf("--retry-mode %q: want adaptive or standard", o.retryMode)
	}
	if _, err := newLogger(nil, o.logLevel); err != nil {
		return err
	}
	return nil
}

// validateCredentials checks the flags that choose the AWS identity (also used by the
// Security Hub push).
func (o *collectOptions) validateCredentials() error {
	if o.roleARN != "" {
		if err := checkRoleARN("role-arn", o.roleARN); err != nil {
			return err
		}
	}
	return nil
}

// plural is "1 gap" or "2 gaps": n and the noun's singular or plural form.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
