package input

import (
	"context"
	"github.com/dbaudit/scanner/internal/mototest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/dbaudit/scanner/internal/collect"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// awsEnv is a hermetic environment for the aws CLI against moto.
func awsEnv(t *testing.T) []string {
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+empty, "AWS_SHARED_CREDENTIALS_FILE="+empty, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
}

// TestExportScriptEndToEnd: moto_server + the real aws CLI → scripts/export-aws-cli.sh →
// Load gives the scenario's resources, the same facts as the committed export, and the same
// facts and rule verdicts as the live collector reading the same moto state.
func TestExportScriptEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("aws CLI export round trip skipped in -short mode (about 40 s)")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the aws CLI is not installed: skipping the export round trip")
	}
	url := mototest.Start(t, "the aws CLI export round trip")
	repoRoot(t)
	env := awsEnv(t)
	run := func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	if out, err := run("bash", "testdata/inputs/scenario/moto-setup.sh", url); err != nil {
		t.Fatalf("scenario setup: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "export")
	out, err := run("bash", "scripts/export-aws-cli.sh", "-o", dir, "-e", url, "us-east-1")
	if err != nil {
		// moto does not implement engine defaults or the unfiltered option group listing
		// (docs/testing-aws.md §2.1); anything else failing is a real error.
		errs, _ := os.ReadFile(filepath.Join(dir, "us-east-1", "export-errors.txt"))
		for _, line := range strings.Split(strings.TrimSpace(string(errs)), "\n") {
			if !strings.Contains(line, "describe-engine-default") && !strings.Contains(line, "describe-option-groups") {
				t.Fatalf("export failed: %s\n%s", line, out)
			}
		}
	}
	s := load(t, Options{}, dir)
	r := findRegion(t, s, "123456789012", "us-east-1")
	if len(r.RDS.DBClusters) != 2 || len(r.RDS.DBInstances) != 4 || len(r.CloudTrail.Trails) != 2 ||
		len(r.Logs.LogGroups) != 2 || len(r.CloudWatch.MetricAlarms) != 2 {
		t.Fatalf("resources missing: clusters %d, instances %d, trails %d, log groups %d, alarms %d",
			len(r.RDS.DBClusters), len(r.RDS.DBInstances), len(r.CloudTrail.Trails), len(r.Logs.LogGroups), len(r.CloudWatch.MetricAlarms))
	}
	for _, tr := range r.CloudTrail.Trails {
		if tr.Status == nil || tr.EventSelectors == nil {
			t.Errorf("trail %s: status and selectors not joined from their files", tr.Name)
		}
	}
	got := scenarioFacts(s)
	want := scenarioFacts(load(t, Options{}, "testdata/inputs/awscli/scenario"))
	if d := diffLines(want, got); d != "" {
		t.Errorf("fresh export differs from testdata/inputs/awscli/scenario (- committed, + fresh):\n%s", d)
	}

	// The live collector on the same moto state.
	live, err := collect.Collect(context.Background(), collect.Config{
		AWS: aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")},
		Regions: []string{"us-east-1"},
		NewRegionClients: func(cfg aws.Config, region string) collect.RegionClients {
			c := collect.SDKRegionClients(cfg, region)
			cfg = cfg.Copy()
			cfg.Region = region
			// moto serves CloudWatch's query protocol, not RPC v2 CBOR (docs/testing-aws.md §2.2).
			c.CloudWatch = cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
				o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
			})
			return c
		},
	})
	if err != nil {
		t.Fatalf("live collection: %v", err)
	}
	// The collector lists the region's metric filters once (DescribeMetricFilters without a
	// group, collectMetricFilters) rather than trusting moto's metricFilterCount 0, so filters
	// and alarms are compared too. The importer joins alarms to filters at import; the
	// collector leaves that to snapshot.Resolve, which `scanner scan` runs on every snapshot.
	snapshot.Resolve(s)
	snapshot.Resolve(live)
	if d := diffLines(scenarioFacts(s), scenarioFacts(live)); d != "" {
		t.Errorf("aws CLI export and live collector disagree (- export, + live):\n%s\nlive gaps: %+v", d, live.CollectionGaps)
	}

	// The same findings: every rule's verdict on every resource. One verdict differs: an
	// export carries no generation time (generated_at), so CT-006 cannot compute how long ago
	// the trail delivered and says NOT_EVALUATED, where the collector, which stamps its
	// snapshot, judges the delivery age (PASS).
	exported, collected := verdictsOf(t, evaluate(t, s)), verdictsOf(t, evaluate(t, live))
	const ct006 = "DBAUDIT-CT-006 123456789012/us-east-1 org-trail"
	if e, l := exported[ct006], collected[ct006]; e.Status != finding.StatusNotEvaluated || !strings.Contains(e.Reason, "generated_at") || l.Status != finding.StatusPass {
		t.Errorf("%s: export %s (%s), live %s; want NOT_EVALUATED for want of generated_at, and PASS", ct006, e.Status, e.Reason, l.Status)
	}
	skip := map[string]scenarioDivergence{ct006: {}}
	if d := diffLines(verdictLines(exported, skip), verdictLines(collected, skip)); d != "" {
		t.Errorf("aws CLI export and live collector give different verdicts (- export, + live):\n%s", d)
	}
	// Given the collector's generation time, the export judges exactly as the collector.
	if live.GeneratedAt == "" {
		t.Fatal("the live snapshot has no generated_at")
	}
	s.GeneratedAt = live.GeneratedAt
	if d := diffLines(verdictLines(verdictsOf(t, evaluate(t, s)), nil), verdictLines(collected, nil)); d != "" {
		t.Errorf("with generated_at set, export and live collector give different verdicts (- export, + live):\n%s", d)
	}
}
