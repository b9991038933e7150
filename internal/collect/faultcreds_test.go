package collect

import (
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/awsfake"
)

// TestCredentialsExpireMidRun: the member account's AssumeRole credentials last 500 ms and
// its collection takes longer (the fake answers each of its calls after 120 ms), so they
// expire mid-run. The fake answers a request signed with an expired session token
// ExpiredToken, as AWS does, and its clock runs 80 ms ahead of ours: a cache that renews
// the session only once its Expiration has passed signs requests the fake refuses (gaps).
// The collector's cache renews it early (a quarter of its lifetime here), so the run has
// no gap from the expiry.
func TestCredentialsExpireMidRun(t *testing.T) {
	srv := awsfake.New()
	defer srv.Close()
	matrixWorld(t, srv)
	srv.SetSessionLifetime(500*time.Millisecond, 80*time.Millisecond)
	srv.SetLatency(60 * time.Millisecond)
	srv.AddFault(awsfake.Fault{Account: acctB, Delay: 60 * time.Millisecond})
	cfg := matrixConfig(srv)
	cfg.RegionConcurrency = 2 // longer than a session
	start := time.Now()
	snap := mustCollect(t, cfg)
	took := time.Since(start)
	if len(snap.CollectionGaps) != 0 {
		t.Errorf("gaps %+v, want none", snap.CollectionGaps)
	}
	assumed, expired, member := 0, 0, 0
	for _, c := range srv.Calls() {
		switch {
		case c.Operation == "AssumeRole":
			assumed++
		case c.ErrorCode == "ExpiredToken":
			expired++
		case c.Account == acctB:
			member++
		}
	}
	if took < time.Second || assumed < 2 {
		t.Fatalf("the run took %s with %d AssumeRole calls: the session did not expire mid-run", took, assumed)
	}
	if expired != 0 {
		t.Errorf("%d requests were signed with an expired session token", expired)
	}
	if r := region(t, snap, acctB, "eu-west-1"); r.RDS == nil || len(r.RDS.DBClusters) != 1 || r.Logs == nil || r.CloudTrail == nil {
		t.Errorf("member account region = %+v", r)
	}
	t.Logf("%s, %d AssumeRole calls, %d member calls", took, assumed, member)
}
