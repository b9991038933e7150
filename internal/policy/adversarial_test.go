package policy

import (
	"github.com/dbaudit/scanner/internal/testsupport/lineartime"
	"strings"
	"testing"
)

// TestAdversarialPolicyLinear: no scanner.yaml or waiver file takes more than 1 s per MB
// to parse (docs/reliability.md, "Fuzzing"); the best of three runs is kept.
func TestAdversarialPolicyLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	const n = 1 << 20
	repeat := func(head, unit, tail string) []byte { return lineartime.Repeat(n, head, unit, "", tail) }
	inputs := map[string][]byte{
		"many waivers":      repeat("version: 1\nwaivers:\n", "  - rule: DBAUDIT-RDS-*\n    resource: arn:aws:rds:*:cluster:c#-*\n    reason: r\n    expires: 2027-01-01\n", ""),
		"many rules":        repeat("rules:\n", "  DBAUDIT-RDS-#: {enabled: false}\n", ""),
		"many parameters":   repeat("parameters:\n", "  p#: [a, b, {c: d}]\n", ""),
		"duplicate at end":  repeat("parameters:\n", "  p#: 1\n", "  p1: 2\n"),
		"deep flow":         []byte("parameters:\n  p: " + strings.Repeat("[", n/2) + strings.Repeat("]", n/2) + "\n"),
		"deep block":        []byte("parameters:\n  p:\n" + strings.Repeat(" ", 0) + nestedBlock(n)),
		"long string":       []byte("waivers:\n  - rule: DBAUDIT-RDS-001\n    resource: " + strings.Repeat("*a", n/2) + "\n    reason: r\n    expires: 2027-01-01\n"),
		"long key":          []byte(strings.Repeat("k", n) + ": 1\n"),
		"alias fan-out":     []byte("parameters:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"),
		"many documents":    repeat("", "---\nversion: 1\n", ""),
		"many lines (text)": repeat("", "# comment #\n", "version: 2\n"),
	}
	for what, data := range inputs {
		for _, parse := range []func() error{
			func() error { _, err := ParseConfig("scanner.yaml", data); return err },
			func() error { _, err := ParseWaivers("waivers.yaml", data); return err },
		} {
			lineartime.Check(t, what, len(data), func() { _ = parse() })
		}
	}
}

// nestedBlock is a block-style YAML mapping nested until it is about n bytes.
func nestedBlock(n int) string {
	var b strings.Builder
	for depth := 2; b.Len() < n; depth++ {
		b.WriteString(strings.Repeat(" ", depth) + "a:\n")
		if depth > 2000 {
			break
		}
	}
	return b.String()
}
