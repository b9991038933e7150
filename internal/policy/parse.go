package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/finding"
)

// parser walks yaml.v3 nodes and turns every surprise into an *Error with the key and line.
type parser struct{ file string }

func (p parser) errorf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// mapping checks that n is a mapping without duplicate keys, rejects keys without a handler
// and calls the handlers in document order.
func (p parser) mapping(n *yaml.Node, prefix string, handlers map[string]func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, prefix, "want a mapping with keys %s, got %s", knownKeys(handlers), describe(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(prefix, k.Value)
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, prefix, "keys must be plain strings")
		}
		if prev, dup := seen[k.Value]; dup {
			return p.errorf(k, key, "duplicate key (first defined on line %d)", prev)
		}
		seen[k.Value] = k.Line
		h, ok := handlers[k.Value]
		if !ok {
			return p.errorf(k, key, "unknown key %q (known keys: %s)", k.Value, knownKeys(handlers))
		}
		if err := h(key, v); err != nil {
			return err
		}
	}
	return nil
}

func knownKeys(handlers map[string]func(string, *yaml.Node) error) string {
	keys := make([]string, 0, len(handlers))
	for k := range handlers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// describe names a node's YAML type for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "an empty value"
		case "!!bool":
			return fmt.Sprintf("the boolean %s", n.Value)
		case "!!int", "!!float":
			return fmt.Sprintf("the number %s", n.Value)
		case "!!timestamp":
			return fmt.Sprintf("the date %s", n.Value)
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "an unsupported value"
}

func (p parser) str(key string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errorf(n, key, "want a string, got %s", describe(n))
	}
	if n.Tag == "!!bool" || n.Tag == "!!binary" {
		return "", p.errorf(n, key, "want a string, got %s", describe(n))
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		return "", p.errorf(n, key, "must not be empty")
	}
	return s, nil
}

func (p parser) boolean(key string, n *yaml.Node) (bool, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, p.errorf(n, key, "want true or false, got %s", describe(n))
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		return false, p.errorf(n, key, "want true or false: %v", err)
	}
	return b, nil
}

func (p parser) version(key string, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Value != fmt.Sprint(ConfigVersion) {
		return p.errorf(n, key, "want %d, got %s", ConfigVersion, describe(n))
	}
	return nil
}

func (p parser) severity(key string, n *yaml.Node) (finding.Severity, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return 0, p.errorf(n, key, "want a severity (critical, high, medium, low, informational), got %s", describe(n))
	}
	sev, err := finding.ParseSeverity(strings.TrimSpace(n.Value))
	if err != nil {
		return 0, p.errorf(n, key, "%v", err)
	}
	return sev, nil
}

func (p parser) parameters(key string, n *yaml.Node, cfg *Config) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, key, "want a mapping of parameter names to values, got %s", describe(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if prev, dup := cfg.ParameterLines[name]; dup {
			return p.errorf(k, join(key, name), "duplicate key (first defined on line %d)", prev)
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return p.errorf(v, join(key, name), "value is empty; remove the key to keep the default")
		}
		if v.Kind == yaml.AliasNode {
			return p.errorf(v, join(key, name), "YAML aliases are not supported")
		}
		var val any
		if err := v.Decode(&val); err != nil {
			return p.errorf(v, join(key, name), "%v", err)
		}
		cfg.Parameters[name] = normalise(val)
		cfg.ParameterLines[name] = k.Line
	}
	return nil
}

// normalise turns yaml.v3's decoded values into JSON-shaped ones (map[string]any, []any).
func normalise(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, item := range t {
			t[k] = normalise(item)
		}
		return t
	case map[any]any:
		out := map[string]any{}
		for k, item := range t {
			out[fmt.Sprint(k)] = normalise(item)
		}
		return out
	case []any:
		for i, item := range t {
			t[i] = normalise(item)
		}
		return t
	case time.Time:
		return t.Format(time.DateOnly)
	}
	return v
}

func (p parser) rules(key string, n *yaml.Node, cfg *Config) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, key, "want a mapping of rule ids to settings (enabled, severity), got %s", describe(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		id := k.Value
		ruleKey := join(key, id)
		if !finding.ValidRuleID(id) {
			return p.errorf(k, ruleKey, "%q is not a rule id (like DBAUDIT-RDS-001)", id)
		}
		if prev, dup := cfg.Rules[id]; dup {
			return p.errorf(k, ruleKey, "duplicate key (first defined on line %d)", prev.Line)
		}
		s := RuleSetting{ID: id, Line: k.Line}
		err := p.mapping(v, ruleKey, map[string]func(string, *yaml.Node) error{
			"enabled": func(key string, v *yaml.Node) error {
				b, err := p.boolean(key, v)
				s.Enabled = &b
				return err
			},
			"severity": func(key string, v *yaml.Node) error {
				sev, err := p.severity(key, v)
				s.Severity = &sev
				return err
			},
		})
		if err != nil {
			return err
		}
		cfg.Rules[id] = s
	}
	return nil
}

func (p parser) waivers(key string, n *yaml.Node) ([]Waiver, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, key, "want a list of waivers, got %s", describe(n))
	}
	var out []Waiver
	for i, item := range n.Content {
		itemKey := fmt.Sprintf("%s[%d]", key, i)
		w := Waiver{Source: fmt.Sprintf("%s:%d", p.file, item.Line)}
		str := func(dst *string) func(string, *yaml.Node) error {
			return func(key string, v *yaml.Node) error {
				s, err := p.str(key, v)
				*dst = s
				return err
			}
		}
		err := p.mapping(item, itemKey, map[string]func(string, *yaml.Node) error{
			"rule":     str(&w.Rule),
			"resource": str(&w.Resource),
			"account":  str(&w.Account),
			"region":   str(&w.Region),
			"reason":   str(&w.Reason),
			"owner":    str(&w.Owner),
			"expires": func(key string, v *yaml.Node) error {
				s, err := p.str(key, v)
				if err != nil {
					return err
				}
				d, err := time.Parse(time.DateOnly, s)
				if err != nil {
					return p.errorf(v, key, "want a date YYYY-MM-DD, got %q", s)
				}
				w.Expires = d
				return nil
			},
		})
		if err != nil {
			return nil, err
		}
		for _, req := range []struct {
			name  string
			empty bool
		}{{"rule", w.Rule == ""}, {"resource", w.Resource == ""}, {"reason", w.Reason == ""}, {"expires", w.Expires.IsZero()}} {
			if req.empty {
				return nil, p.errorf(item, itemKey, "%s is required (a waiver needs rule, resource, reason and expires)", req.name)
			}
		}
		if err := checkPattern(w.Rule); err != nil {
			return nil, p.errorf(item, itemKey+".rule", "%v", err)
		}
		if err := checkPattern(w.Resource); err != nil {
			return nil, p.errorf(item, itemKey+".resource", "%v", err)
		}
		if w.Account != "" && !accountFormat.MatchString(w.Account) {
			return nil, p.errorf(item, itemKey+".account", "%q is not a 12-digit account id (quote it to keep leading zeros)", w.Account)
		}
		out = append(out, w)
	}
	return out, nil
}

var accountFormat = regexp.MustCompile(`^[0-9*?]{1,12}$`)
