package rules

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/engine"
)

// securityHubControl matches Security Hub CSPM control ids such as RDS.34 or CloudTrail.1.
var securityHubControl = regexp.MustCompile(`^(RDS|CloudTrail|CloudWatch)\.[0-9]+$`)

// TestMetadataInvariants loads the pack through the engine, which validates every METADATA
// block (ids, severities, remediation, frameworks) and rejects duplicate ids, then checks
// the pack-wide conventions.
func TestMetadataInvariants(t *testing.T) {
	e, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: FS}))
	if err != nil {
		t.Fatalf("load built-in rules: %v", err)
	}
	for _, r := range e.Rules() {
		if !strings.HasPrefix(r.ID, "DBAUDIT-") {
			t.Errorf("%s (%s): built-in ids start with DBAUDIT-", r.ID, r.File)
		}
		wantPkg := "rules." + strings.ReplaceAll(strings.TrimSuffix(r.File[:strings.LastIndex(r.File, "/")], "/"), "/", ".")
		if r.Package != wantPkg {
			t.Errorf("%s: package %s does not match its directory (%s)", r.ID, r.Package, wantPkg)
		}
		for _, c := range r.SecurityHubControls() {
			if !securityHubControl.MatchString(c) {
				t.Errorf("%s: %q is not a Security Hub control id", r.ID, c)
			}
		}
		if !strings.Contains(r.Remediation.CLI, "aws ") {
			t.Errorf("%s: remediation.cli should be an aws CLI command", r.ID)
		}
		if len(r.References) == 0 {
			t.Errorf("%s: related_resources should link the AWS documentation", r.ID)
		}
	}
}
