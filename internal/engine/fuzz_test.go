package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRuleMetadata feeds a custom rule file: the module is parsed as the engine parses it
// (Rego v1, annotations on) and its package METADATA turned into a rule. Parse errors are
// OPA's (they name the file); METADATA errors are one line that starts with the file name.
//
//	go test ./internal/engine -run '^$' -fuzz '^FuzzRuleMetadata$' -fuzztime 1000000x -parallel 1
func FuzzRuleMetadata(f *testing.F) {
	var seeds []string
	for _, pat := range []string{"../../examples/rules/*/*.rego", "../../rules/aws/*/*/*.rego"} {
		paths, _ := filepath.Glob(pat)
		seeds = append(seeds, paths...)
	}
	n := 0
	for _, p := range seeds {
		if strings.HasSuffix(p, "_test.rego") || n >= 12 {
			continue
		}
		if data, err := os.ReadFile(p); err == nil && len(data) < 20_000 {
			f.Add(data)
			n++
		}
	}
	f.Add([]byte("# METADATA\n# title: t\n# description: d\n# custom:\n#   id: X-Y-001\n#   severity: HIGH\n#   frameworks: {a: [b]}\npackage p\n"))
	f.Add([]byte("# METADATA\n# title: t\n# description: d\n# custom:\n#   id: X-Y-001\n#   severity: HIGH\n#   service: s\n#   resource_type: AwsX\n#   remediation: {text: a, cli: b, terraform: c}\n#   frameworks: {\"a\\nb\": 1}\npackage p\n"))
	f.Add([]byte("# METADATA\n# scope: package\n# custom:\n#   library: true\npackage lib\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "custom/rule.rego"
		m, err := parseModule(name, data)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("parse error does not name the file: %q", err)
			}
			return
		}
		if m == nil || m.Package == nil {
			return // an empty file
		}
		ann := packageAnnotations(m)
		if isLibrary(ann) {
			return
		}
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		r, err := ruleFromAnnotations(name, pkg, ann, m.Package.Location)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("METADATA error of more than one line: %q", msg)
			}
			if !strings.HasPrefix(msg, name+":") {
				t.Fatalf("METADATA error does not name the file: %q", msg)
			}
			return
		}
		if r.ID == "" || r.Title == "" || r.Remediation.Text == "" {
			t.Fatalf("rule without a required field: %+v", r)
		}
	})
}
