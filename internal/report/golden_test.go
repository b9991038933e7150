package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestGolden(t *testing.T) {
	tests := []struct {
		format string
		golden string
	}{
		{"sarif", "report.sarif.golden"},
		{"asff", "report.asff.golden"},
		{"junit", "report.junit.golden"},
		{"markdown", "report.md.golden"},
		{"csv", "report.csv.golden"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			rep, err := New(tc.format, fixtureOptions())
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := rep.Write(context.Background(), &got, fixtureReport()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			// Determinism: a second rendering is byte-identical.
			var again bytes.Buffer
			if err := rep.Write(context.Background(), &again, fixtureReport()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if !bytes.Equal(got.Bytes(), again.Bytes()) {
				t.Fatal("two renderings of the same report differ")
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/report -run TestGolden -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s output differs from %s (run with -update to accept):\n%s", tc.format, path, firstDiff(want, got.Bytes()))
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n- " + string(w) + "\n+ " + string(g)
		}
	}
	return "(no line differs)"
}
