package policy

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets of the policy files (docs/reliability.md, "Fuzzing"): scanner.yaml and
// waiver files give a value or a one-line error naming the file, never a panic.
//
//	go test ./internal/policy -run '^$' -fuzz '^FuzzParseConfig$' -fuzztime 1000000x -parallel 1

const waiverSeed = `version: 1
waivers:
  - rule: DBAUDIT-RDS-*
    resource: arn:aws:rds:eu-west-1:111122223333:cluster:legacy-\*
    account: "111122223333"
    region: eu-west-1
    reason: Legacy cluster (CHG-1234)
    owner: dba-team@example.com
    expires: 2027-03-31
`

func addPolicySeeds(f *testing.F) {
	if data, err := os.ReadFile("../../examples/scanner.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(fullConfig))
	f.Add([]byte(waiverSeed))
	f.Add([]byte("version: 1\nparameters:\n  x: &a [1, {b: *a}]\nrules:\n  DBAUDIT-RDS-001: {enabled: false, severity: LOW}\n"))
	f.Add([]byte("---\nversion: 1\n---\nfail_on: high\n"))
	f.Add([]byte("\"a\\nb\": 1\n"))
	f.Add([]byte("waivers:\n  - {rule: a, resource: b, reason: c, expires: 2027-01-01, \"x\\ny\": 1}\n"))
}

// checkError asserts the error properties shared by both file kinds.
func checkError(t *testing.T, name string, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error of more than one line: %q", msg)
	}
	if !strings.HasPrefix(msg, name+":") {
		t.Fatalf("error does not name the file: %q", msg)
	}
}

func FuzzParseConfig(f *testing.F) {
	addPolicySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "scanner.yaml"
		cfg, err := ParseConfig(name, data)
		if err != nil {
			checkError(t, name, err)
			return
		}
		if cfg == nil {
			t.Fatal("nil config without an error")
		}
		for _, w := range cfg.Waivers {
			if w.Rule == "" || w.Resource == "" || w.Reason == "" || w.Expires.IsZero() {
				t.Fatalf("waiver without a required field: %+v", w)
			}
		}
	})
}

func FuzzParseWaivers(f *testing.F) {
	addPolicySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "waivers.yaml"
		ws, err := ParseWaivers(name, data)
		if err != nil {
			checkError(t, name, err)
			return
		}
		for _, w := range ws {
			if w.Rule == "" || w.Resource == "" || w.Reason == "" || w.Expires.IsZero() {
				t.Fatalf("waiver without a required field: %+v", w)
			}
			// A waiver's patterns are matched against every finding's resource.
			Match(w.Resource, "arn:aws:rds:eu-west-1:111122223333:cluster:legacy-1")
		}
	})
}

// FuzzMatch compares the waiver pattern matcher with the regular expression the pattern
// stands for (`*` any run, `?` one character, `\x` the character x).
func FuzzMatch(f *testing.F) {
	f.Add("arn:aws:rds:*:cluster:legacy-?", "arn:aws:rds:eu-west-1:1:cluster:legacy-1")
	f.Add(`a\*b*`, "a*bc")
	f.Add("*a*a*a", "aaaa")
	f.Add(`a\\\`, `a\\`)
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || checkPattern(pattern) != nil {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		p := []rune(pattern)
		for i := 0; i < len(p); i++ {
			switch {
			case p[i] == '*':
				re.WriteString(".*")
			case p[i] == '?':
				re.WriteString(".")
			case p[i] == '\\' && i+1 < len(p):
				i++
				re.WriteString(regexp.QuoteMeta(string(p[i])))
			default:
				re.WriteString(regexp.QuoteMeta(string(p[i])))
			}
		}
		re.WriteString(`\z`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := Match(pattern, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, want %v (%s)", pattern, s, got, want, re.String())
		}
	})
}
