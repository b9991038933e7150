package engine

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

// TestChinaPartitionJudgedLikeAWS evaluates the built-in rules on the demo snapshot and on the
// same snapshot moved to the China Regions (cn-north-1, cn-northwest-1) with arn:aws-cn:
// ARNs: every verdict must be the same, every resource id the rules compute (log groups)
// must be in aws-cn, and the index must find names and locations for them as in aws.
func TestChinaPartitionJudgedLikeAWS(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	// Each side maps to the same neutral tokens; the account id keeps us-east-1 and
	// us-west-2 (different accounts, both cn-north-1 here) apart.
	awsNames := strings.NewReplacer("arn:aws:", "arn:P:", "eu-west-1", "R1", "us-east-1", "R2", "us-west-2", "R2")
	cnNames := strings.NewReplacer("arn:aws-cn:", "arn:P:", "cn-northwest-1", "R1", "cn-north-1", "R2")
	toChina := strings.NewReplacer("arn:aws:", "arn:aws-cn:", "eu-west-1", "cn-northwest-1", "us-east-1", "cn-north-1", "us-west-2", "cn-north-1")

	e, err := New(context.Background(), WithSource(Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	evaluate := func(data []byte) []finding.Finding {
		t.Helper()
		snap, err := snapshot.Decode("snapshot.json", data)
		if err != nil {
			t.Fatal(err)
		}
		snapshot.Resolve(snap)
		out, err := e.Evaluate(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	neutral := func(fs []finding.Finding, r *strings.Replacer) map[string]finding.Finding {
		out := map[string]finding.Finding{}
		for _, f := range fs {
			for _, s := range []*string{&f.ResourceID, &f.ResourceName, &f.Region, &f.Message, &f.Evidence, &f.Reason} {
				*s = r.Replace(*s)
			}
			out[f.RuleID+" "+f.AccountID+" "+f.Region+" "+f.ResourceID+" "+f.Message] = f
		}
		return out
	}
	awsFindings := evaluate(raw)
	cnFindings := evaluate([]byte(toChina.Replace(string(raw))))

	for _, f := range cnFindings {
		if strings.Contains(f.ResourceID, "arn:aws:") {
			t.Errorf("%s: resource %s of a China Region is in the aws partition", f.RuleID, f.ResourceID)
		}
	}
	want, got := neutral(awsFindings, awsNames), neutral(cnFindings, cnNames)
	if len(want) != len(awsFindings) || len(got) != len(cnFindings) {
		t.Fatalf("finding keys are not unique: %d/%d aws, %d/%d cn", len(want), len(awsFindings), len(got), len(cnFindings))
	}
	logGroups := 0
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("aws finding without a China counterpart: %s %s", w.Status, k)
		case !reflect.DeepEqual(g, w):
			t.Errorf("%s:\n  cn  %+v\n  aws %+v", k, g, w)
		}
		if strings.Contains(w.ResourceID, ":logs:") {
			logGroups++
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("China finding without an aws counterpart: %s %s", g.Status, k)
		}
	}
	if logGroups == 0 {
		t.Error("the demo has no log group findings: the test lost its point")
	}
}
