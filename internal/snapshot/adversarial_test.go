package snapshot

import (
	"github.com/dbaudit/scanner/internal/testsupport/lineartime"
	"strings"
	"testing"
)

// TestAdversarialDecodeLinear: no input takes more than 1 s per MB to decode
// (docs/reliability.md, "Fuzzing"). Normal runs take tens of milliseconds; the best of
// three runs is kept so a busy machine does not fail a linear decoder.
func TestAdversarialDecodeLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	const n = 1 << 20
	repeat := func(head, unit, sep, tail string) []byte { return lineartime.Repeat(n, head, unit, sep, tail) }
	const head = `{"schema_version":"1.0","accounts":[{"account_id":"123456789012","regions":[{"region":"us-east-1",`
	inputs := map[string][]byte{
		"deep arrays":      []byte(`{"schema_version":"1.0","accounts":` + strings.Repeat("[", n/2) + strings.Repeat("]", n/2) + "}"),
		"deep objects":     []byte(`{"schema_version":"1.0","x":` + strings.Repeat(`{"a":`, n/5) + "1" + strings.Repeat("}", n/5) + "}"),
		"long string":      []byte(`{"schema_version":"1.0","generated_at":"` + strings.Repeat("x", n) + `","accounts":[]}`),
		"escaped string":   []byte(`{"schema_version":"1.0","generated_at":"` + strings.Repeat(`\u00e9`, n/6) + `","accounts":[]}`),
		"many keys":        repeat(`{"schema_version":"1.0",`, `"k#":#`, ",", "}"),
		"many lines":       repeat("{\n\"schema_version\": \"1.0\",\n\"accounts\": [\n", `{"account_id": "#", "regions": []}`, ",\n", "\n]\n}\n"),
		"many accounts":    repeat(`{"schema_version":"1.0","accounts":[`, `{"account_id":"#","regions":[]}`, ",", "]}"),
		"many clusters":    repeat(head+`"rds":{"clusters":[`, `{"DBClusterIdentifier":"c#","Engine":"aurora-mysql","DBClusterArn":"arn:aws:rds:us-east-1:123456789012:cluster:c#"}`, ",", "]}}]}]}"),
		"duplicate at end": repeat(head+`"rds":{"clusters":[`, `{"DBClusterIdentifier":"c#","Engine":"aurora-mysql"}`, ",", `,{"DBClusterIdentifier":"c1","Engine":"aurora-mysql"}]}}]}]}`),
		"duplicate member": repeat(`{"schema_version":"1.0",`, `"k#":#`, ",", `,"k1":1}`),
		"error at end":     repeat(`{"schema_version":"1.0","accounts":[`, "\n[]", ",", "\n]x"),
	}
	for what, data := range inputs {
		lineartime.Check(t, what, len(data), func() { _, _ = dec.Decode("big.json", data) })
	}
}
