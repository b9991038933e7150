package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// profileAWS writes a shared config whose profile "audit" reaches Security Hub only through
// its endpoint_url, with its own keys; the environment holds other keys and no endpoint.
// It returns the access key ids of the requests the fake received.
func profileAWS(t *testing.T, region string) (keys func() []string, fake *shfake.Server) {
	t.Helper()
	fake = shfake.New(shfake.Config{})
	t.Cleanup(fake.Close)
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if _, cred, ok := strings.Cut(auth, "Credential="); ok {
			mu.Lock()
			seen = append(seen, strings.SplitN(cred, "/", 2)[0])
			mu.Unlock()
		}
		fake.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	hermeticAWS(t, "")
	dir := t.TempDir()
	cfg := "[profile audit]\nendpoint_url = " + proxy.URL + "\n"
	if region != "" {
		cfg += "region = " + region + "\n"
	}
	cfgFile := writeFile(t, dir, "config", cfg)
	creds := writeFile(t, dir, "credentials", "[audit]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n")
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": cfgFile, "AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_ENDPOINT_URL_SECURITYHUB": "",
		"AWS_ACCESS_KEY_ID": "AKIDENVIRONMENT", "AWS_REGION": "", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "",
	} {
		t.Setenv(k, v)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}, fake
}

// TestPushUsesProfile: --profile chooses the push's credentials and endpoint, for scan --demo,
// scan PATH and push alike.
func TestPushUsesProfile(t *testing.T) {
	asff, err := report.BuildASFF(pushReport(), report.Options{Now: func() time.Time { return time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	// A finding whose ProductArn names no Region goes to push --region.
	noRegion := strings.Replace(asff[0].ProductArn, ":us-east-1:", "::", 1)
	if noRegion == asff[0].ProductArn {
		t.Fatalf("unexpected ProductArn %s", noRegion)
	}
	asff[0].ProductArn = noRegion
	raw, _ := json.Marshal(asff)
	file := filepath.Join(t.TempDir(), "scan.asff.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		region string // the profile's
		args   []string
	}{
		{"scan --demo", "us-east-1", []string{"scan", "--demo", "-f", "json", "--push-securityhub", "--profile", "audit", "--rule", "DBAUDIT-RDS-*"}},
		{"scan PATH", "us-east-1", []string{"scan", "testdata/policy/snapshot.json", "-f", "json", "--push-securityhub", "--profile", "audit", "--rule", "DBAUDIT-RDS-*"}},
		{"push", "us-east-1", []string{"push", "--profile", "audit", file}},
		{"push --region", "", []string{"push", "--profile", "audit", "--region", "us-east-1", file}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, fake := profileAWS(t, tc.region)
			r := run(t, tc.args...)
			if r.code == ExitError || r.code == ExitInterrupted {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := keys()
			if len(got) == 0 || len(fake.Log()) == 0 {
				t.Fatalf("no request reached the profile's endpoint; stderr %s", r.stderr)
			}
			for _, k := range got {
				if k != "AKIDPROFILE" {
					t.Fatalf("request signed with %s, want the profile's AKIDPROFILE", k)
				}
			}
			if tc.args[0] == "push" && len(fake.Findings()) != len(asff) {
				t.Errorf("stored %d findings, want %d; stderr %s", len(fake.Findings()), len(asff), r.stderr)
			}
		})
	}
}
