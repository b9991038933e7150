package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode: arbitrary bytes give a snapshot that passes the schema or a one-line error
// naming the file, never a panic. The decoder (compiled schema) is built once.
//
//	go test ./internal/snapshot -run '^$' -fuzz '^FuzzDecode$' -fuzztime 1000000x -parallel 1
func FuzzDecode(f *testing.F) {
	dec, err := NewDecoder()
	if err != nil {
		f.Fatal(err)
	}
	seeds, _ := filepath.Glob("../../testdata/inputs/golden/*.json")
	for _, p := range append(seeds, "../../testdata/demo/snapshot.json") {
		if data, err := os.ReadFile(p); err == nil && len(data) < 200_000 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"schema_version":"1.0","accounts":[]}`))
	f.Add([]byte(`{"schema_version":"1.0","a\nb":1,"a\nb":2}`))
	f.Add([]byte(`{"schema_version":"1.0","accounts":[{"account_id":"a\nb","regions":[]},{"account_id":"a\nb","regions":[]}]}`))
	f.Add([]byte(`{"schema_version":"1.0","accounts":[{"account_id":"1","regions":[{"region":"r","rds":null}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.json"
		s, err := dec.Decode(name, data)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("multi-line error: %q", msg)
			}
			if !strings.HasPrefix(msg, name+": ") {
				t.Fatalf("error does not name the file: %q", msg)
			}
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, s); err != nil {
			t.Fatal(err)
		}
		if err := dec.validator.Validate(buf.Bytes()); err != nil {
			t.Fatalf("decoded snapshot re-encoded fails the schema: %v", err)
		}
		Resolve(s)
	})
}
