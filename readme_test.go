package scanner

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/rules"
)

// TestReadmeListsEveryRule keeps the README's rules table true.
func TestReadmeListsEveryRule(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(context.Background(), engine.WithSource(engine.Source{FS: rules.FS}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Rules() {
		row := "| `" + r.ID + "` | " + r.Severity.String() + " |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README rules table lacks %q", row)
		}
	}
}
