package scanner

import (
	"context"
	"testing"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
	"github.com/dbaudit/scanner/rules"
)

// TestDemoExercisesEveryRuleBothWays keeps the demo honest: every built-in rule must find
// at least one failing and one passing resource in it, so the Quickstart shows the whole pack.
func TestDemoExercisesEveryRuleBothWays(t *testing.T) {
	snap, err := snapshot.Decode(DemoSnapshotName, DemoSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	snapshot.Resolve(snap)
	eng, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	// Rules whose verdicts depend on an opt-in parameter are exercised by their unit tests.
	optIn := map[string]bool{"DBAUDIT-DAS-002": true}
	findings, err := eng.Evaluate(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[finding.Status]int{}
	for _, f := range findings {
		if seen[f.RuleID] == nil {
			seen[f.RuleID] = map[finding.Status]int{}
		}
		seen[f.RuleID][f.Status]++
	}
	notEvaluated := 0
	for _, r := range eng.Rules() {
		notEvaluated += seen[r.ID][finding.StatusNotEvaluated]
		if optIn[r.ID] {
			continue
		}
		if seen[r.ID][finding.StatusFail] == 0 || seen[r.ID][finding.StatusPass] == 0 {
			t.Errorf("%s: demo gives %d FAIL and %d PASS findings; want at least one of each", r.ID, seen[r.ID][finding.StatusFail], seen[r.ID][finding.StatusPass])
		}
	}
	if notEvaluated == 0 {
		t.Error("the demo should show NOT_EVALUATED findings (it has a collection gap)")
	}
}
