package policy

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

// Framework keys are the keys of custom.frameworks in rule METADATA. Aliases let users
// type short names; an alias may stand for several keys (e.g. every CIS version).
var frameworkAliases = map[string][]string{
	"aws-securityhub": {"aws-securityhub", "aws-foundational-security-best-practices"},
	"securityhub":     {"aws-securityhub", "aws-foundational-security-best-practices"},
	"security-hub":    {"aws-securityhub", "aws-foundational-security-best-practices"},
	"fsbp":            {"aws-securityhub", "aws-foundational-security-best-practices"},
	"aws-foundational-security-best-practices": {"aws-foundational-security-best-practices", "aws-securityhub"},
	"cis":      {"cis-aws-foundations-*"},
	"cis-aws":  {"cis-aws-foundations-*"},
	"pci":      {"pci-dss-*"},
	"pci-dss":  {"pci-dss-*"},
	"nist":     {"nist-800-53-*"},
	"nist-800": {"nist-800-53-*"},
	"hipaa":    {"hipaa*"},
}

// FrameworkMatcher matches the framework keys a --framework value stands for: the key
// itself, an alias (fsbp, securityhub, cis, pci, nist, hipaa), or a short versioned name
// such as cis-1.4, cis-v1.4.0, pci-4.0.1 or nist-r5. Matching is case-insensitive.
type FrameworkMatcher struct {
	Name     string
	patterns []string
}

// NewFrameworkMatcher builds the matcher for one --framework value.
func NewFrameworkMatcher(name string) (FrameworkMatcher, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return FrameworkMatcher{}, fmt.Errorf("--framework: empty framework name")
	}
	m := FrameworkMatcher{Name: name, patterns: []string{n}}
	if alias, ok := frameworkAliases[n]; ok {
		m.patterns = alias
		return m, nil
	}
	for _, family := range []struct{ short, key string }{
		{"cis", "cis-aws-foundations-v"},
		{"pci", "pci-dss-v"},
		{"pci-dss", "pci-dss-v"},
		{"nist", "nist-800-53-"},
		{"nist-800-53", "nist-800-53-"},
	} {
		rest, ok := strings.CutPrefix(n, family.short+"-")
		if !ok {
			continue
		}
		if family.short == "nist" || family.short == "nist-800-53" {
			rest = "r" + strings.TrimPrefix(strings.TrimPrefix(rest, "rev"), "r")
			m.patterns = append(m.patterns, family.key+rest)
			continue
		}
		v := strings.TrimPrefix(rest, "v")
		m.patterns = append(m.patterns, family.key+v, family.key+v+".0", family.key+v+".0.0")
	}
	return m, nil
}

// Matches reports whether a framework key belongs to the matcher.
func (m FrameworkMatcher) Matches(key string) bool {
	k := strings.ToLower(key)
	for _, p := range m.patterns {
		if Match(p, k) {
			return true
		}
	}
	return false
}

// MatchesRule reports whether the rule maps to any matching framework.
func (m FrameworkMatcher) MatchesRule(r *finding.Rule) bool {
	for k := range r.Frameworks {
		if m.Matches(k) {
			return true
		}
	}
	return false
}

// Keys returns the matching framework keys that the rules map to, sorted.
func (m FrameworkMatcher) Keys(rules []*finding.Rule) []string {
	set := map[string]bool{}
	for _, r := range rules {
		for k := range r.Frameworks {
			if m.Matches(k) {
				set[k] = true
			}
		}
	}
	return sortedList(set)
}

// FrameworkKeys lists every framework key the rules map to, sorted.
func FrameworkKeys(rules []*finding.Rule) []string {
	set := map[string]bool{}
	for _, r := range rules {
		for k := range r.Frameworks {
			set[k] = true
		}
	}
	return sortedList(set)
}

// FrameworkName is a framework key's display name.
func FrameworkName(key string) string {
	switch {
	case key == finding.FrameworkSecurityHub:
		return "AWS Security Hub CSPM controls"
	case key == "aws-foundational-security-best-practices":
		return "AWS Foundational Security Best Practices v1.0.0"
	case strings.HasPrefix(key, "cis-aws-foundations-v"):
		return "CIS AWS Foundations Benchmark " + strings.TrimPrefix(key, "cis-aws-foundations-")
	case strings.HasPrefix(key, "pci-dss-v"):
		return "PCI DSS " + strings.TrimPrefix(key, "pci-dss-")
	case key == "nist-800-53-r5":
		return "NIST SP 800-53 Rev. 5"
	case strings.HasPrefix(key, "hipaa"):
		return "HIPAA Security Rule"
	}
	return key
}

// Summarise counts the report's findings per control of each framework key. Only rules in
// the report contribute; a control whose rules found no resource is NO_DATA.
func Summarise(keys []string, rules []*finding.Rule, findings []finding.Finding) []finding.FrameworkSummary {
	byRule := map[string][]finding.Finding{}
	for _, f := range findings {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
	}
	var out []finding.FrameworkSummary
	for _, key := range keys {
		controls := map[string]*finding.ControlSummary{}
		for _, r := range rules {
			for _, id := range r.Frameworks[key] {
				c := controls[id]
				if c == nil {
					c = &finding.ControlSummary{ID: id}
					controls[id] = c
				}
				c.Rules = append(c.Rules, r.ID)
				for _, f := range byRule[r.ID] {
					switch f.Status {
					case finding.StatusPass:
						c.Pass++
					case finding.StatusFail:
						c.Fail++
					case finding.StatusNotEvaluated:
						c.NotEvaluated++
					case finding.StatusWaived:
						c.Waived++
					}
				}
			}
		}
		if len(controls) == 0 {
			continue
		}
		fs := finding.FrameworkSummary{Framework: key, Name: FrameworkName(key)}
		ids := make([]string, 0, len(controls))
		for id := range controls {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return naturalLess(ids[i], ids[j]) })
		for _, id := range ids {
			c := controls[id]
			sort.Strings(c.Rules)
			c.Status = controlStatus(*c)
			fs.Controls = append(fs.Controls, *c)
		}
		out = append(out, fs)
	}
	return out
}

func controlStatus(c finding.ControlSummary) string {
	switch {
	case c.Fail > 0:
		return finding.ControlFail
	case c.NotEvaluated > 0:
		return finding.ControlNotEvaluated
	case c.Waived > 0:
		return finding.ControlWaived
	case c.Pass > 0:
		return finding.ControlPass
	}
	return finding.ControlNoData
}

// naturalLess orders control ids with numbers compared as numbers: RDS.9 < RDS.34,
// 2.1 < 10.2.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		if na >= 0 && nb >= 0 {
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return -1, s
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return -1, s
	}
	return n, s[i:]
}

// sortedList returns the set's members sorted; an empty set gives an empty, non-nil list
// (encoded as [] rather than null).
func sortedList(set map[string]bool) []string {
	return append([]string{}, slices.Sorted(maps.Keys(set))...)
}
