package securityhub

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzReadASFF feeds the ASFF file given to `scanner push`: findings or a one-line error
// ("read asff: …"; the CLI prefixes the file name), never a panic; every finding read
// converts to the SDK type that is sent.
//
//	go test ./internal/securityhub -run '^$' -fuzz '^FuzzReadASFF$' -fuzztime 1000000x -parallel 1
func FuzzReadASFF(f *testing.F) {
	if data, err := os.ReadFile("../report/testdata/report.asff.golden"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"SchemaVersion":"2018-10-08","Id":"x","ProductArn":"arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default","GeneratorId":"g","AwsAccountId":"123456789012","UpdatedAt":"2026-11-22T10:05:00.000Z","Resources":[{"Type":"Other","Id":"r","Region":"us-east-1"}]}]`))
	f.Add([]byte(`[{"Id":1}] x`))
	f.Add([]byte(`[{"Id":"a\nb","ProductArn":"p","GeneratorId":"g","AwsAccountId":"1","Resources":[{}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := ReadASFF(bytes.NewReader(data))
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error of more than one line: %q", msg)
			}
			if !strings.HasPrefix(msg, "read asff: ") {
				t.Fatalf("error without the read asff prefix: %q", msg)
			}
			return
		}
		for _, f := range fs {
			if _, _, err := toSDK(f); err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("conversion error of more than one line: %q", err)
			}
		}
	})
}
