package awsfake

import (
	"os"
	"path/filepath"
	"testing"
)

// SetEnv points the SDK's default chain at the fake, authenticated as account, with nothing
// read from the machine (testing-aws.md §5), for tests that run the scanner's own AWS
// configuration (the CLI) rather than Config.
func (s *Server) SetEnv(t testing.TB, account string) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": s.URL(), "AWS_ACCESS_KEY_ID": AccessKey(account),
		"AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_SESSION_TOKEN": "", "AWS_REGION": "us-east-1",
		"AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_PROFILE": "",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "", "AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "",
		"AWS_NEW_RETRIES_2026": "",
	} {
		t.Setenv(k, v)
	}
}
