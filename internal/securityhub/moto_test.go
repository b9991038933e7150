package securityhub

import (
	"context"
	"github.com/dbaudit/scanner/internal/mototest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/report"
)

// TestMotoRoundTrip pushes through the real SDK to moto's BatchImportFindings and reads the
// result back with GetFindings (moto ignores GetFindings filters, so the pusher's own scope
// check is what keeps the other scope's finding alive here).
func TestMotoRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("moto round trip skipped in -short mode")
	}
	url := mototest.Start(t, "the Security Hub round trip")
	ctx := context.Background()
	clients := factoryFor(url)
	api, _ := clients(testRegion)
	if c, ok := api.(*sh.Client); ok {
		if _, err := c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}); err != nil {
			t.Logf("EnableSecurityHub: %v (continuing)", err)
		}
	}
	t1, t2 := t0, t0.Add(time.Hour)
	gen := []string{report.ASFFGeneratorID("dbaudit-scanner", "R1")}

	first := scanASFF(t, t1, spec{"R1", "fixed", "", finding.StatusFail}, spec{"R1", "gone", "", finding.StatusFail},
		spec{"R1", "stays", "", finding.StatusFail})
	other := scanASFF(t, t1, spec{"R9", "other-scope", "", finding.StatusFail})
	for _, run := range []struct {
		f     []report.ASFFFinding
		scope Scope
	}{{first, Scope{GeneratorIDs: gen}}, {other, Scope{GeneratorIDs: []string{report.ASFFGeneratorID("dbaudit-scanner", "R9")}}}} {
		res, err := New(clients, Options{Clock: &fakeClock{now: t1}}).Push(ctx, run.f, run.scope)
		if err != nil {
			t.Fatalf("first push: %v %+v", err, res.Failed)
		}
	}
	before := getAll(t, api)
	if len(before) != 4 {
		t.Fatalf("moto holds %d findings after the first push, want 4", len(before))
	}

	second := scanASFF(t, t2, spec{"R1", "fixed", "", finding.StatusPass}, spec{"R1", "stays", "", finding.StatusFail})
	res, err := New(clients, Options{Clock: &fakeClock{now: t2}}).Push(ctx, second, Scope{GeneratorIDs: gen})
	if err != nil {
		t.Fatalf("second push: %v %+v", err, res.Failed)
	}
	if res.Imported != 1 || res.Resolved != 1 || res.Archived != 1 {
		t.Errorf("result %+v, want 1 imported, 1 resolved, 1 archived", res)
	}
	got := getAll(t, api)
	want := map[string]struct{ compliance, state string }{
		first[0].ID: {"PASSED", "ACTIVE"},
		first[1].ID: {"FAILED", "ARCHIVED"},
		first[2].ID: {"FAILED", "ACTIVE"},
		other[0].ID: {"FAILED", "ACTIVE"},
	}
	for id, w := range want {
		g := got[id]
		if g.Compliance != w.compliance || g.RecordState != w.state {
			t.Errorf("%s: %s/%s, want %s/%s", id, g.Compliance, g.RecordState, w.compliance, w.state)
		}
		if g.CreatedAt != before[id].CreatedAt {
			t.Errorf("%s: CreatedAt %s → %s", id, before[id].CreatedAt, g.CreatedAt)
		}
	}
	if got[other[0].ID].UpdatedAt != before[other[0].ID].UpdatedAt {
		t.Errorf("the other scope's finding was touched")
	}
}
