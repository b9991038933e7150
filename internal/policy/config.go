// Package policy holds the scan policy a team tunes without forking the scanner: the config
// file (scanner.yaml: rule parameters, rules on/off, severity overrides, the default
// --fail-on), waivers with an expiry date, framework selection and the per-control
// compliance summary.
//
// The config is read through yaml.v3 nodes, so an unknown key or a value of the wrong type
// is an error that names the key and its line: a typo must never silently disable a check.
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/finding"
)

// DefaultConfigFile is read from the working directory when --config is not given.
const DefaultConfigFile = "scanner.yaml"

// ConfigVersion is the only config format version this build reads.
const ConfigVersion = 1

// Error is a config or waiver file error at a known place.
type Error struct {
	File string
	Line int
	// Key is the dotted path of the offending key, e.g. rules.DBAUDIT-RDS-001.severity.
	Key string
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		// A YAML key may hold a line break ("a\nb": 1); the error stays one line.
		if strings.IndexFunc(e.Key, unicode.IsControl) >= 0 {
			b.WriteString(strconv.Quote(e.Key))
		} else {
			b.WriteString(e.Key)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Config is a parsed scanner.yaml.
type Config struct {
	// File is the path the config was read from.
	File string
	// FailOn is the default --fail-on (nil: not set).
	FailOn *finding.Severity
	// Parameters override rule parameters (rules/lib/params defaults).
	Parameters map[string]any
	// ParameterLines maps a parameter name to its line, for later validation errors.
	ParameterLines map[string]int
	// Rules are per-rule settings keyed by rule id.
	Rules map[string]RuleSetting
	// Waivers accept known failing findings until an expiry date.
	Waivers []Waiver
}

// RuleSetting turns a rule off or changes its severity.
type RuleSetting struct {
	ID       string
	Enabled  *bool
	Severity *finding.Severity
	Line     int
}

// Enabled reports whether the config leaves the rule on (the default).
func (c *Config) Enabled(ruleID string) bool {
	if c == nil {
		return true
	}
	s, ok := c.Rules[ruleID]
	return !ok || s.Enabled == nil || *s.Enabled
}

// SeverityOverrides returns the configured severity per rule id.
func (c *Config) SeverityOverrides() map[string]finding.Severity {
	out := map[string]finding.Severity{}
	if c == nil {
		return out
	}
	for id, s := range c.Rules {
		if s.Severity != nil {
			out[id] = *s.Severity
		}
	}
	return out
}

// LoadConfig reads and parses a config file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return ParseConfig(path, data)
}

// ParseConfig parses a config document; name is used in errors.
//
//	version: 1
//	fail_on: high
//	parameters:
//	  min_log_retention_days: 400
//	rules:
//	  DBAUDIT-RDS-004: {enabled: false}
//	  DBAUDIT-LOGS-002: {severity: HIGH}
//	waivers:
//	  - rule: DBAUDIT-RDS-001
//	    resource: arn:aws:rds:eu-west-1:111122223333:cluster:legacy-*
//	    reason: Legacy cluster, decommissioned in Q1 (CHG-1234)
//	    owner: dba-team@example.com
//	    expires: 2027-03-31
func ParseConfig(name string, data []byte) (*Config, error) {
	cfg := &Config{File: name, Parameters: map[string]any{}, ParameterLines: map[string]int{}, Rules: map[string]RuleSetting{}}
	root, err := parseDocument(name, data)
	if err != nil || root == nil {
		return cfg, err
	}
	p := parser{file: name}
	err = p.mapping(root, "", map[string]func(key string, v *yaml.Node) error{
		"version": func(key string, v *yaml.Node) error { return p.version(key, v) },
		"fail_on": func(key string, v *yaml.Node) error {
			sev, err := p.severity(key, v)
			cfg.FailOn = &sev
			return err
		},
		"parameters": func(key string, v *yaml.Node) error { return p.parameters(key, v, cfg) },
		"rules":      func(key string, v *yaml.Node) error { return p.rules(key, v, cfg) },
		"waivers": func(key string, v *yaml.Node) error {
			ws, err := p.waivers(key, v)
			cfg.Waivers = append(cfg.Waivers, ws...)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadWaivers reads a waiver file: a YAML document with a `waivers:` list (the same entries
// as in scanner.yaml) and optionally `version: 1`.
func LoadWaivers(path string) ([]Waiver, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return ParseWaivers(path, data)
}

// ParseWaivers parses a waiver file; name is used in errors.
func ParseWaivers(name string, data []byte) ([]Waiver, error) {
	root, err := parseDocument(name, data)
	if err != nil || root == nil {
		return nil, err
	}
	p := parser{file: name}
	var out []Waiver
	err = p.mapping(root, "", map[string]func(key string, v *yaml.Node) error{
		"version": func(key string, v *yaml.Node) error { return p.version(key, v) },
		"waivers": func(key string, v *yaml.Node) error {
			ws, err := p.waivers(key, v)
			out = append(out, ws...)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseDocument decodes exactly one YAML document into a node; nil for an empty file.
func parseDocument(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		line, msg := yamlErrorLine(err)
		return nil, &Error{File: name, Line: line, Msg: msg}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: name, Line: extra.Line, Msg: "only one YAML document is allowed"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Msg: "want a mapping of keys (version, fail_on, parameters, rules, waivers) at the top level"}
	}
	return root, nil
}

// yamlErrorLine splits a yaml.v3 syntax error ("yaml: line 3: ...") into line and message.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		_, rest, _ := strings.Cut(msg, ": ")
		return line, rest
	}
	return 0, msg
}
