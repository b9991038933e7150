package securityhub

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
)

const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
)

// testConfig is a literal, hermetic AWS config: no env, no ~/.aws, no IMDS.
func testConfig(url string) aws.Config {
	return aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func factoryFor(url string) ClientFactory { return NewClientFactory(testConfig(url)) }

// fastOptions: no backoff wait, so retries cost only the rate limiter.
func fastOptions() Options {
	return Options{Jitter: func(time.Duration) time.Duration { return 0 }}
}

// scan builds the ASFF of a scan: one finding per (rule, resource) with the given status.
type spec struct {
	rule, resource, region string
	status                 finding.Status
}

func scanASFF(t testing.TB, now time.Time, specs ...spec) []report.ASFFFinding {
	t.Helper()
	r := &finding.Report{Tool: finding.Tool{Name: "dbaudit-scanner", Version: "test"}}
	rules := map[string]bool{}
	for _, s := range specs {
		region := s.region
		if region == "" {
			region = testRegion
		}
		if !rules[s.rule] {
			rules[s.rule] = true
			r.Rules = append(r.Rules, &finding.Rule{ID: s.rule, Title: "Rule " + s.rule, Severity: finding.High,
				Frameworks: map[string][]string{"aws-securityhub": {"RDS.34"}}, Remediation: finding.Remediation{Text: "Fix it."}})
		}
		r.Findings = append(r.Findings, finding.Finding{
			RuleID: s.rule, Status: s.status, Severity: finding.High, ResourceType: "AwsRdsDbCluster",
			ResourceID: fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, testAccount, s.resource),
			AccountID:  testAccount, Region: region, Message: "Cluster " + s.resource + " checked.",
		})
	}
	out, err := report.BuildASFF(r, report.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func manyFindings(t testing.TB, n int, now time.Time) []report.ASFFFinding {
	specs := make([]spec, n)
	for i := range specs {
		specs[i] = spec{rule: fmt.Sprintf("DBAUDIT-RDS-%03d", i%10), resource: fmt.Sprintf("c%05d", i), status: finding.StatusFail}
	}
	return scanASFF(t, now, specs...)
}

// fakeClock advances only when slept on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return ctx.Err()
}

// getAll reads every finding through the SDK, as a user would.
func getAll(t *testing.T, api API) map[string]findingView {
	t.Helper()
	out := map[string]findingView{}
	p := sh.NewGetFindingsPaginator(api, &sh.GetFindingsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		var page *sh.GetFindingsOutput
		var err error
		// The SDK may close a connection while reading an answer (aws-sdk-go-v2#2737); the
		// paginator keeps its token, so the page is read again.
		for try := 0; try < 3; try++ {
			if page, err = p.NextPage(context.Background()); err == nil || !bodyCutOff(err) {
				break
			}
		}
		if err != nil {
			t.Fatalf("GetFindings: %v", err)
		}
		for _, f := range page.Findings {
			v := findingView{CreatedAt: aws.ToString(f.CreatedAt), UpdatedAt: aws.ToString(f.UpdatedAt),
				RecordState: string(f.RecordState), GeneratorID: aws.ToString(f.GeneratorId)}
			if f.Compliance != nil {
				v.Compliance = string(f.Compliance.Status)
			}
			out[aws.ToString(f.Id)] = v
		}
	}
	return out
}

type findingView struct {
	CreatedAt, UpdatedAt, RecordState, Compliance, GeneratorID string
}
