package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The collectors depend on these small interfaces (the SDK's one-method XxxAPIClient
// interfaces), so tests can pass fakes and the IAM policy stays easy to audit.

// RDSAPI is the RDS surface the collector calls.
type RDSAPI interface {
	rds.DescribeDBClustersAPIClient
	rds.DescribeDBInstancesAPIClient
	rds.DescribeDBClusterParameterGroupsAPIClient
	rds.DescribeDBClusterParametersAPIClient
	rds.DescribeDBParameterGroupsAPIClient
	rds.DescribeDBParametersAPIClient
	rds.DescribeEngineDefaultClusterParametersAPIClient
	rds.DescribeEngineDefaultParametersAPIClient
	rds.DescribeOptionGroupsAPIClient
}

// LogsAPI is the CloudWatch Logs surface the collector calls.
type LogsAPI interface {
	cloudwatchlogs.DescribeLogGroupsAPIClient
	cloudwatchlogs.DescribeMetricFiltersAPIClient
	cloudwatchlogs.DescribeSubscriptionFiltersAPIClient
}

// CloudWatchAPI is the CloudWatch surface the collector calls.
type CloudWatchAPI interface {
	cloudwatch.DescribeAlarmsAPIClient
}

// CloudTrailAPI is the CloudTrail surface the collector calls (DescribeTrails is not
// paginated, so the SDK has no XxxAPIClient interfaces for these).
type CloudTrailAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

// STSAPI is the STS surface: the caller identity, and AssumeRole for --role-arn / --org.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	stscreds.AssumeRoleAPIClient
}

// OrganizationsAPI lists the organization's accounts (--org).
type OrganizationsAPI interface {
	organizations.ListAccountsAPIClient
}

// EC2API lists the account's enabled regions (--regions all).
type EC2API interface {
	DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// RegionClients are the clients of one account+region.
type RegionClients struct {
	RDS        RDSAPI
	Logs       LogsAPI
	CloudWatch CloudWatchAPI
	CloudTrail CloudTrailAPI
}

// AccountClients are the account-level clients (called in the config's default region).
type AccountClients struct {
	STS           STSAPI
	Organizations OrganizationsAPI
	EC2           EC2API
}

// SDKRegionClients builds the SDK clients for one region from cfg (credentials, retryer,
// endpoint and HTTP client come from cfg).
func SDKRegionClients(cfg aws.Config, region string) RegionClients {
	cfg = withBodyCheck(withAttemptRecorder(cfg.Copy()))
	cfg.Region = region
	return RegionClients{
		RDS:        rds.NewFromConfig(cfg),
		Logs:       cloudwatchlogs.NewFromConfig(cfg),
		CloudWatch: cloudwatch.NewFromConfig(cfg),
		CloudTrail: cloudtrail.NewFromConfig(cfg),
	}
}

// SDKAccountClients builds the account-level SDK clients from cfg.
func SDKAccountClients(cfg aws.Config) AccountClients {
	cfg = withBodyCheck(withAttemptRecorder(cfg.Copy()))
	return AccountClients{
		STS:           sts.NewFromConfig(cfg),
		Organizations: organizations.NewFromConfig(cfg),
		EC2:           ec2.NewFromConfig(cfg),
	}
}
