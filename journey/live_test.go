package journey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/dbaudit/scanner/internal/mototest"
)

// liveEnv is a user's machine against moto_server: default credentials and endpoint in
// the environment, plus a shared config file with a profile "audit" that holds its own
// credentials and endpoint. noDefault leaves the default credentials out, so only a
// command that honours --profile reaches AWS.
type liveEnv struct {
	url       string
	withCreds []string
	noDefault []string
}

func startLive(t *testing.T, w *workspace) liveEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("live journeys against moto_server skipped in -short mode")
	}
	url := mototest.Start(t, "the live and Security Hub journeys")
	cfg := filepath.Join(w.dir, ".home", "aws-config")
	writeFile(t, cfg, []byte(fmt.Sprintf("[profile audit]\nregion = us-east-1\naws_access_key_id = AKIDAUDITPROFILE\naws_secret_access_key = secret\nendpoint_url = %s\n", url)))
	base := slices.DeleteFunc(slices.Clone(w.env), func(kv string) bool { return strings.HasPrefix(kv, "AWS_CONFIG_FILE=") })
	base = append(base, "AWS_CONFIG_FILE="+cfg, "AWS_MAX_ATTEMPTS=2")
	return liveEnv{
		url: url,
		withCreds: append(slices.Clone(base), "AWS_ENDPOINT_URL="+url, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
			"AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1"),
		noDefault: base,
	}
}

// setupScenario creates the importers' "audit" scenario in moto with the real aws CLI.
func setupScenario(t *testing.T, url string) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the aws CLI is not installed: skipping the live collection journeys")
	}
	cmd := exec.Command("bash", filepath.Join(repoRoot, "testdata/inputs/scenario/moto-setup.sh"), url)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("moto-setup.sh: %v\n%s", err, out)
	}
}

// TestLiveJourneys runs the README's live commands against moto_server and checks the
// outcome in Security Hub afterwards.
func TestLiveJourneys(t *testing.T) {
	w := newWorkspace(t)
	live := startLive(t, w)
	setupScenario(t, live.url)
	ran := map[string]bool{}
	run := func(t *testing.T, env []string, command string) result {
		t.Helper()
		if _, ok := readmeJourneys[command]; ok {
			ran[command] = true
		}
		return w.run(t, env, strings.Fields(command)[1:]...)
	}

	t.Run("scan with --profile only", func(t *testing.T) {
		r := run(t, live.noDefault, "scanner scan --profile audit --regions all")
		if r.code != 1 || !strings.Contains(r.stdout, "noaudit-cluster") {
			t.Fatalf("want exit 1 with the scenario's findings, got %s", r)
		}
	})
	t.Run("a profile that does not exist", func(t *testing.T) {
		r := w.run(t, live.noDefault, "scan", "--profile", "nosuch", "--regions", "us-east-1")
		if r.code != 2 || len(r.errorLines()) != 1 || !strings.Contains(r.stderr, "nosuch") {
			t.Fatalf("want exit 2 and one line naming the profile, got %s", r)
		}
	})
	t.Run("collect", func(t *testing.T) {
		_ = os.Remove(w.path("snapshot.json"))
		r := run(t, live.withCreds, "scanner collect --regions all -o snapshot.json")
		// moto does not serve CloudWatch's RPC v2 CBOR protocol, so DescribeAlarms is a
		// collection gap there (exit 3); against AWS the same command exits 0.
		if r.code != 3 && r.code != 0 {
			t.Fatalf("want exit 0 or 3, got %s", r)
		}
		checkOutputFile(t, w.path("snapshot.json"))
		raw, _ := os.ReadFile(w.path("snapshot.json"))
		if !strings.Contains(string(raw), "audit-cluster") {
			t.Errorf("the snapshot lacks the scenario's cluster")
		}
		copyTree(t, filepath.Join(repoRoot, "testdata/demo/snapshot.json"), w.path("snapshot.json"))
	})

	demoFindings := 0
	t.Run("push the demo scan", func(t *testing.T) {
		r := run(t, live.withCreds, "scanner scan --demo --push-securityhub")
		if r.code != 1 || !strings.Contains(r.stderr, "imported") {
			t.Fatalf("want exit 1 and a push summary, got %s", r)
		}
		demoFindings = checkHub(t, live.url)
		if demoFindings == 0 {
			t.Fatal("Security Hub holds no finding after the push")
		}
		// The same scan again: nothing duplicated.
		r = run(t, live.withCreds, "scanner scan --demo --push-securityhub")
		if r.code != 1 {
			t.Fatalf("second push: %s", r)
		}
		if n := checkHub(t, live.url); n != demoFindings {
			t.Errorf("Security Hub holds %d findings after the same scan twice, want %d", n, demoFindings)
		}
	})
	t.Run("push with --profile only", func(t *testing.T) {
		r := w.run(t, live.noDefault, "scan", "--demo", "--push-securityhub", "--profile", "audit")
		if r.code != 1 || !strings.Contains(r.stderr, "imported") {
			t.Fatalf("want exit 1 and a push summary, got %s", r)
		}
		if n := checkHub(t, live.url); n != demoFindings {
			t.Errorf("Security Hub holds %d findings, want %d", n, demoFindings)
		}
	})
	t.Run("resolved findings are archived", func(t *testing.T) {
		const fixed = "billing-aurora" // a cluster with failing findings in the demo
		dropCluster(t, w.path("snapshot.json"), w.path("fixed.json"), fixed)
		r := w.run(t, live.withCreds, "scan", "fixed.json", "--push-securityhub")
		if r.code != 1 || !strings.Contains(r.stderr, "archived") {
			t.Fatalf("want exit 1 and a push summary, got %s", r)
		}
		archived := archivedIDs(t, live.url)
		n := 0
		for id := range archived {
			// The cluster's own findings and those of its audit log group, which is judged
			// only while a database exports to it.
			if !strings.Contains(id, fixed) {
				t.Errorf("finding %s was archived, but its resource is still judged", id)
			}
			n++
		}
		if n == 0 {
			t.Errorf("no finding of the removed cluster %s was archived", fixed)
		}
		checkHub(t, live.url)
	})
	t.Run("push a saved ASFF file", func(t *testing.T) {
		r := w.run(t, nil, "scan", "--demo", "-f", "table", "-f", "sarif=scanner.sarif", "-f", "asff=findings.asff.json")
		if r.code != 1 {
			t.Fatalf("writing the ASFF file: %s", r)
		}
		r = run(t, live.withCreds, "scanner push findings.asff.json")
		if r.code != 0 || !strings.Contains(r.stderr, "imported") {
			t.Fatalf("want exit 0 and a push summary, got %s", r)
		}
		held := checkHub(t, live.url)
		r = run(t, live.noDefault, "scanner push --profile audit findings.asff.json")
		if r.code != 0 {
			t.Fatalf("push --profile: want exit 0, got %s", r)
		}
		if n := checkHub(t, live.url); n != held {
			t.Errorf("Security Hub holds %d findings after the same file twice, want %d", n, held)
		}
	})
	t.Run("scheduled scan of the organization", func(t *testing.T) {
		for _, args := range [][]string{
			{"organizations", "create-organization", "--feature-set", "ALL"},
			{"organizations", "create-account", "--email", "member@example.com", "--account-name", "member"},
		} {
			cmd := exec.Command("aws", append([]string{"--endpoint-url", live.url, "--region", "us-east-1", "--output", "json"}, args...)...)
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("aws %v: %v\n%s", args, err, out)
			}
		}
		before := checkHub(t, live.url)
		r := run(t, live.withCreds, "scanner scan --org --regions all --format json=scan.json --push-securityhub")
		if r.code != 1 || !strings.Contains(r.stderr, "imported") {
			t.Fatalf("want exit 1 and a push summary, got %s", r)
		}
		checkOutputFile(t, w.path("scan.json"))
		var rep struct {
			Findings []struct {
				AccountID string `json:"account_id"`
			} `json:"findings"`
		}
		raw, _ := os.ReadFile(w.path("scan.json"))
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatal(err)
		}
		accounts := map[string]bool{}
		for _, f := range rep.Findings {
			accounts[f.AccountID] = true
		}
		if len(accounts) != 2 {
			t.Errorf("the report judges accounts %v, want the management account and the member", accounts)
		}
		if n := checkHub(t, live.url); n < before {
			t.Errorf("Security Hub holds %d findings, fewer than the %d before: archiving must not delete", n, before)
		}
	})
	for c, j := range readmeJourneys {
		if j.live && !ran[c] {
			t.Errorf("README live command %q is not run by TestLiveJourneys", c)
		}
	}
}

// hubClient reads moto's Security Hub in a Region.
func hubClient(url, region string) *sh.Client {
	return sh.NewFromConfig(aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
	})
}

// nextPage reads a page again when the SDK closed the connection under its own read
// (aws-sdk-go-v2#2737): the paginator keeps its token until a page succeeds.
func nextPage(p *sh.GetFindingsPaginator) (*sh.GetFindingsOutput, error) {
	var page *sh.GetFindingsOutput
	var err error
	for try := 0; try < 3; try++ {
		if page, err = p.NextPage(context.Background()); err == nil || !errors.Is(err, net.ErrClosed) {
			break
		}
	}
	return page, err
}

var demoRegions = []string{"us-east-1", "eu-west-1", "us-west-2"}

// checkHub returns how many findings Security Hub holds in the demo's Regions, and fails
// the test when one is held twice or carries a Region that is not an AWS Region.
func checkHub(t *testing.T, url string) int {
	t.Helper()
	total := 0
	for _, region := range demoRegions {
		seen := map[string]bool{}
		p := sh.NewGetFindingsPaginator(hubClient(url, region), &sh.GetFindingsInput{MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			page, err := nextPage(p)
			if err != nil {
				t.Fatalf("GetFindings in %s: %v", region, err)
			}
			for _, f := range page.Findings {
				key := aws.ToString(f.ProductArn) + " " + aws.ToString(f.Id)
				if seen[key] {
					t.Errorf("Security Hub holds %s twice", key)
				}
				seen[key] = true
				if aws.ToString(f.Region) == "global" {
					t.Errorf("finding %s has Region global", aws.ToString(f.Id))
				}
			}
		}
		total += len(seen)
	}
	return total
}

func archivedIDs(t *testing.T, url string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, region := range demoRegions {
		p := sh.NewGetFindingsPaginator(hubClient(url, region), &sh.GetFindingsInput{MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			page, err := nextPage(p)
			if err != nil {
				t.Fatalf("GetFindings: %v", err)
			}
			for _, f := range page.Findings {
				if f.RecordState == "ARCHIVED" {
					out[aws.ToString(f.Id)] = true
				}
			}
		}
	}
	return out
}

// dropCluster writes a copy of a snapshot without one DB cluster.
func dropCluster(t *testing.T, src, dst, cluster string) {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	dropped := false
	for _, a := range snap["accounts"].([]any) {
		for _, r := range a.(map[string]any)["regions"].([]any) {
			rds, ok := r.(map[string]any)["rds"].(map[string]any)
			if !ok {
				continue
			}
			clusters, _ := rds["db_clusters"].([]any)
			kept := clusters[:0]
			for _, c := range clusters {
				if c.(map[string]any)["DBClusterIdentifier"] == cluster {
					dropped = true
					continue
				}
				kept = append(kept, c)
			}
			rds["db_clusters"] = kept
		}
	}
	if !dropped {
		t.Fatalf("%s has no DB cluster %s", src, cluster)
	}
	out, _ := json.MarshalIndent(snap, "", "  ")
	writeFile(t, dst, out)
}
