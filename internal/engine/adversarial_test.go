package engine

import (
	"fmt"
	"github.com/dbaudit/scanner/internal/testsupport/lineartime"
	"strings"
	"testing"
)

// TestAdversarialMetadataLinear: no custom rule file takes more than 1 s per MB to parse
// and turn into a rule (docs/reliability.md, "Fuzzing"); the best of three runs is kept.
func TestAdversarialMetadataLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	const n = 1 << 20
	const head = "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: X-Y-001\n#   severity: HIGH\n#   service: rds\n#   resource_type: AwsRdsDbCluster\n#   remediation: {text: a, cli: b, terraform: c}\n"
	var frameworks, related strings.Builder
	frameworks.WriteString(head + "#   frameworks:\n")
	for i := 0; frameworks.Len() < n; i++ {
		fmt.Fprintf(&frameworks, "#     f%d: [c%d, d%d]\n", i, i, i)
	}
	related.WriteString(head + "# related_resources:\n")
	for i := 0; related.Len() < n; i++ {
		fmt.Fprintf(&related, "#   - ref: https://example.com/%d\n", i)
	}
	var bounded, rules strings.Builder
	bounded.WriteString(head + "#   frameworks:\n")
	for i := 0; bounded.Len() < maxMetadataBytes-100; i++ {
		fmt.Fprintf(&bounded, "#     f%d: [c%d, d%d]\n", i, i, i)
	}
	bounded.WriteString("package p\n")
	// OPA parses rule code itself at about 1 MB/s (linear, measured 256 KB to 1 MB), so
	// this case is half a MB: the point is the METADATA blocks.
	for i := 0; bounded.Len()+rules.Len() < n/2; i++ {
		fmt.Fprintf(&rules, "# METADATA\n# title: r%d\nr%d contains x if {\n\tsome x in input.a\n\tx.b == \"%d\"\n}\n", i, i, i)
	}
	inputs := map[string]string{
		"bounded frameworks and many rules": bounded.String() + rules.String(),
		"many frameworks":                   frameworks.String() + "package p\n",
		"many references":                   related.String() + "package p\n",
		"long description":                  strings.Replace(head, "description: d", "description: "+strings.Repeat("d", n), 1) + "package p\n",
		"deep yaml":                         head + "#   x: " + strings.Repeat("[", n/4) + strings.Repeat("]", n/4) + "\npackage p\n",
		"many comment rows":                 head + strings.Repeat("# x\n", n/4) + "package p\n",
	}
	for what, src := range inputs {
		lineartime.Check(t, what, len(src), func() {
			m, err := parseModule("big.rego", []byte(src))
			if err == nil && m.Package != nil {
				_, _ = ruleFromAnnotations("big.rego", "p", packageAnnotations(m), m.Package.Location)
			}
		})
	}
}
