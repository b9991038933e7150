package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
)

// Selection decides which rules a scan evaluates. A rule runs when the config leaves it on
// (or --rule names it explicitly), it matches a --rule pattern (if any), no --skip-rule
// pattern, one of the --severity values (if any, after severity overrides) and one of the
// --framework values (if any).
type Selection struct {
	Config     *Config
	Rules      []string
	Skip       []string
	Severities []finding.Severity
	Frameworks []FrameworkMatcher
}

// NewSelection parses the selection flags.
func NewSelection(cfg *Config, rules, skip, severities, frameworks []string) (*Selection, error) {
	s := &Selection{Config: cfg, Rules: splitList(rules), Skip: splitList(skip)}
	for _, p := range append(append([]string{}, s.Rules...), s.Skip...) {
		if err := checkPattern(p); err != nil {
			return nil, fmt.Errorf("rule pattern %q: %w", p, err)
		}
	}
	for _, v := range splitList(severities) {
		sev, err := finding.ParseSeverity(v)
		if err != nil {
			return nil, fmt.Errorf("--severity: %w", err)
		}
		s.Severities = append(s.Severities, sev)
	}
	for _, v := range splitList(frameworks) {
		m, err := NewFrameworkMatcher(v)
		if err != nil {
			return nil, err
		}
		s.Frameworks = append(s.Frameworks, m)
	}
	return s, nil
}

// splitList flattens repeated and comma-separated flag values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// Selects reports whether the rule is evaluated.
func (s *Selection) Selects(r *finding.Rule) bool {
	explicit := false
	if len(s.Rules) > 0 {
		if !anyPattern(s.Rules, r.ID) {
			return false
		}
		explicit = true
	}
	if !explicit && !s.Config.Enabled(r.ID) {
		return false
	}
	if anyPattern(s.Skip, r.ID) {
		return false
	}
	if len(s.Severities) > 0 {
		ok := false
		for _, sev := range s.Severities {
			ok = ok || r.Severity == sev
		}
		if !ok {
			return false
		}
	}
	if len(s.Frameworks) > 0 {
		ok := false
		for _, m := range s.Frameworks {
			ok = ok || m.MatchesRule(r)
		}
		if !ok {
			return false
		}
	}
	return true
}

func anyPattern(patterns []string, id string) bool {
	for _, p := range patterns {
		if Match(p, id) {
			return true
		}
	}
	return false
}

// ErrNoRulesSelected means the selection left nothing to evaluate.
var ErrNoRulesSelected = errors.New("no rules selected")

// Validate checks the selection and the config against the loaded catalogue: every
// --rule/--skip-rule pattern and every rule id in the config names a loaded rule, every
// --framework has mapped rules, and at least one rule is selected.
func (s *Selection) Validate(catalogue, selected []*finding.Rule) error {
	ids := make([]string, len(catalogue))
	for i, r := range catalogue {
		ids[i] = r.ID
	}
	for _, flag := range []struct {
		name     string
		patterns []string
	}{{"--rule", s.Rules}, {"--skip-rule", s.Skip}} {
		for _, p := range flag.patterns {
			if !anyMatch(p, ids) {
				return fmt.Errorf("%s %s: no loaded rule matches (see `scanner rules list`)", flag.name, p)
			}
		}
	}
	if s.Config != nil {
		for _, id := range slices.Sorted(maps.Keys(s.Config.Rules)) {
			if !anyMatch(id, ids) {
				return &Error{File: s.Config.File, Line: s.Config.Rules[id].Line, Key: "rules." + id, Msg: fmt.Sprintf("unknown rule id %q (see `scanner rules list`)", id)}
			}
		}
	}
	for _, m := range s.Frameworks {
		if len(m.Keys(catalogue)) == 0 {
			known := FrameworkKeys(catalogue)
			return fmt.Errorf("--framework %s: no loaded rule is mapped to this framework (frameworks with mapped rules: %s)", m.Name, strings.Join(known, ", "))
		}
	}
	if len(selected) == 0 {
		return fmt.Errorf("%w: the config and the --rule, --skip-rule, --severity and --framework flags leave nothing to evaluate", ErrNoRulesSelected)
	}
	return nil
}

// FrameworkKeys returns the framework keys the summary covers: those the --framework values
// match among the selected rules.
func (s *Selection) FrameworkKeys(selected []*finding.Rule) []string {
	set := map[string]bool{}
	for _, m := range s.Frameworks {
		for _, k := range m.Keys(selected) {
			set[k] = true
		}
	}
	return sortedList(set)
}
