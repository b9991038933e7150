package securityhub

import (
	"bytes"
	"github.com/dbaudit/scanner/internal/testsupport/lineartime"
	"strings"
	"testing"
)

// TestAdversarialASFFLinear: no ASFF file takes more than 1 s per MB to read
// (docs/reliability.md, "Fuzzing"); the best of three runs is kept.
func TestAdversarialASFFLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	const n = 1 << 20
	repeat := func(head, unit, sep, tail string) []byte { return lineartime.Repeat(n, head, unit, sep, tail) }
	const finding = `{"SchemaVersion":"2018-10-08","Id":"f#","ProductArn":"arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default","GeneratorId":"g","AwsAccountId":"123456789012","UpdatedAt":"2026-11-22T10:05:00.000Z","Resources":[{"Type":"Other","Id":"r#","Region":"us-east-1"}]}`
	inputs := map[string][]byte{
		"many findings":   repeat("[", finding, ",", "]"),
		"bad last":        repeat("[", finding, ",", `,{"Id":""}]`),
		"unknown member":  repeat("[", finding, ",", `,{"Nope":1}]`),
		"deep arrays":     []byte(strings.Repeat("[", n/2) + strings.Repeat("]", n/2)),
		"deep objects":    []byte(`[{"ProductFields":` + strings.Repeat(`{"a":`, n/5) + "1" + strings.Repeat("}", n/5) + "}]"),
		"long string":     []byte(`[{"Id":"` + strings.Repeat("x", n) + `"}]`),
		"many lines":      repeat("[\n", "{\"Id\": \"f#\"}", ",\n", "\n]x"),
		"trailing spaces": []byte("[]" + strings.Repeat(" \n", n/2) + "x"),
	}
	for what, data := range inputs {
		lineartime.Check(t, what, len(data), func() { _, _ = ReadASFF(bytes.NewReader(data)) })
	}
}
