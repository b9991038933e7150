package snapshot

import (
	"os"
	"testing"
)

// FuzzDecode: arbitrary bytes give a snapshot or a one-line error, never a panic.
// go test ./internal/snapshot -run '^$' -fuzz FuzzDecode -fuzztime 60s
func FuzzDecode(f *testing.F) {
	if demo, err := os.ReadFile("../../testdata/demo/snapshot.json"); err == nil {
		f.Add(demo)
	}
	f.Add([]byte(`{"schema_version":"1.0","accounts":[]}`))
	f.Add([]byte(`{"schema_version":"1.0","accounts":[{"account_id":"1","regions":[{"region":"r","rds":null}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode("fuzz.json", data)
		if err != nil {
			for _, c := range err.Error() {
				if c == '\n' {
					t.Fatalf("multi-line error: %q", err)
				}
			}
			return
		}
		Resolve(s)
	})
}
