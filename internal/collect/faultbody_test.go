package collect

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/awsfake"
)

// TestUndecodableAnswerIsAGap: an HTTP 200 whose body is empty, white space or not a
// document of the API's protocol is a MalformedResponse gap. The SDK's XML deserializers
// (and some JSON ones) read such a body as an empty answer, which would have listed no
// clusters, trails or Regions: rules passing on nothing. A well-formed DescribeRegions answer
// that lists no Region is a gap too (every account has enabled Regions).
func TestUndecodableAnswerIsAGap(t *testing.T) {
	tests := []struct {
		service, operation, body, wantGap, wantMessage string
	}{
		{"rds", "DescribeDBClusters", "\n", "us-east-1 rds DescribeDBClusters  MalformedResponse", "empty answer body"},
		{"rds", "DescribeDBClusters", "{}", "us-east-1 rds DescribeDBClusters  MalformedResponse", "answer body is not XML"},
		{"rds", "DescribeDBClusters", "Service Unavailable", "us-east-1 rds DescribeDBClusters  MalformedResponse", "answer body is not XML"},
		{"cloudtrail", "DescribeTrails", " ", "us-east-1 cloudtrail DescribeTrails  MalformedResponse", "empty answer body"},
		{"ec2", "DescribeRegions", "ok", " ec2 DescribeRegions  MalformedResponse", "answer body is not XML"},
		{"monitoring", "DescribeAlarms", "\r\n", "us-east-1 cloudwatch DescribeAlarms  MalformedResponse", "empty answer body"},
		// Well-formed, but no account has no enabled Region: the default Region is read.
		{"ec2", "DescribeRegions", `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><regionInfo/></DescribeRegionsResponse>`,
			" ec2 DescribeRegions  RequestError", "DescribeRegions listed no enabled Region"},
	}
	for _, tt := range tests {
		t.Run(tt.operation+" "+strings.TrimSpace(tt.body), func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			recordedWorld(t, srv)
			region := "us-east-1"
			if tt.service == "ec2" {
				region = ""
			}
			srv.AddFault(awsfake.Fault{Service: tt.service, Operation: tt.operation, Region: region, Body: tt.body})
			cfg := testConfig(srv, acctA) // every enabled Region: DescribeRegions is called
			snap := mustCollect(t, cfg)
			if len(snap.Accounts) != 1 || len(snap.Accounts[0].Regions) == 0 {
				t.Errorf("accounts %+v, want acctA with at least its default Region", snap.Accounts)
			}
			got := gapKeys(snap.CollectionGaps)
			sort.Strings(got)
			if !slices.Equal(got, []string{tt.wantGap}) {
				t.Fatalf("gaps %q, want %q", got, tt.wantGap)
			}
			want := "the answer (HTTP 200 OK) could not be decoded: " + tt.wantMessage
			if strings.HasSuffix(tt.wantGap, " RequestError") {
				want = tt.wantMessage
			}
			if m := snap.CollectionGaps[0].Message; m != want {
				t.Errorf("message %q", m)
			}
		})
	}
}

// TestCutAnswerIsRetried: an answer whose connection drops mid-body is retried like a
// connection reset, in each protocol; a second, whole answer leaves no gap.
func TestCutAnswerIsRetried(t *testing.T) {
	for _, op := range [][2]string{{"rds", "DescribeDBClusters"}, {"ec2", "DescribeRegions"}, {"cloudtrail", "DescribeTrails"},
		{"logs", "DescribeLogGroups"}, {"monitoring", "DescribeAlarms"}} {
		t.Run(op[1], func(t *testing.T) {
			srv := awsfake.New()
			defer srv.Close()
			recordedWorld(t, srv)
			srv.AddFault(awsfake.Fault{Service: op[0], Operation: op[1], Truncate: true, Times: 1})
			snap := mustCollect(t, testConfig(srv, acctA))
			if len(snap.CollectionGaps) != 0 {
				t.Errorf("gaps %+v, want none", snap.CollectionGaps)
			}
			if reads, calls := countReads(srv, "", op[1]), countCalls(srv, "", op[1]); calls != reads+1 {
				t.Errorf("%d calls for %d reads, want one retry", calls, reads)
			}
		})
	}
}
