package engine

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/dbaudit/scanner/internal/finding"
)

var resourceTypeFormat = regexp.MustCompile(`^[A-Z][A-Za-z0-9]+$`)

// ruleFromAnnotations turns a package's METADATA block into a Rule, with errors that name
// the file and the field.
// Errors carry the line of the METADATA block (or of the package line when the block is
// missing), e.g. "my-rules/x.rego:1: METADATA: custom.severity is required".
func ruleFromAnnotations(file string, pkg string, a *ast.Annotations, pkgLoc *ast.Location) (*finding.Rule, error) {
	where := at(file, pkgLoc)
	if a != nil {
		where = at(file, a.Location)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: METADATA: %s", where, fmt.Sprintf(format, args...))
	}
	if a == nil {
		return nil, fail("missing package METADATA block (a # METADATA comment block right above the package line, with title, description and custom.id, severity, service, resource_type, remediation)")
	}
	if strings.TrimSpace(a.Title) == "" {
		return nil, fail("title is required")
	}
	if strings.TrimSpace(a.Description) == "" {
		return nil, fail("description is required")
	}
	c := a.Custom
	r := &finding.Rule{
		Title:       strings.TrimSpace(a.Title),
		Description: strings.TrimSpace(a.Description),
		Package:     pkg,
		File:        file,
		Frameworks:  map[string][]string{},
	}
	var err error
	if r.ID, err = customString(c, "id"); err != nil {
		return nil, fail("%v", err)
	}
	if !finding.ValidRuleID(r.ID) {
		return nil, fail("custom.id %q must look like ABC-DEF-001 (upper case, dash separated)", r.ID)
	}
	sev, err := customString(c, "severity")
	if err != nil {
		return nil, fail("%v", err)
	}
	if r.Severity, err = finding.ParseSeverity(sev); err != nil || sev != strings.ToUpper(sev) {
		return nil, fail("custom.severity %q must be one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL", sev)
	}
	if r.Service, err = customString(c, "service"); err != nil {
		return nil, fail("%v", err)
	}
	if r.ResourceType, err = customString(c, "resource_type"); err != nil {
		return nil, fail("%v", err)
	}
	if !resourceTypeFormat.MatchString(r.ResourceType) {
		return nil, fail("custom.resource_type %q must be an ASFF-style type name such as AwsRdsDbCluster", r.ResourceType)
	}
	rem, ok := c["remediation"].(map[string]any)
	if !ok {
		return nil, fail("custom.remediation must be an object with text, cli and terraform")
	}
	for _, field := range []struct {
		key string
		dst *string
	}{{"text", &r.Remediation.Text}, {"cli", &r.Remediation.CLI}, {"terraform", &r.Remediation.Terraform}} {
		v, ok := rem[field.key].(string)
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fail("custom.remediation.%s must be a non-empty string", field.key)
		}
		*field.dst = strings.TrimSpace(v)
	}
	if v, ok := rem["url"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, fail("custom.remediation.url must be a string")
		}
		r.Remediation.URL = s
	}
	if fw, ok := c["frameworks"]; ok {
		m, ok := fw.(map[string]any)
		if !ok {
			return nil, fail("custom.frameworks must map a framework to a list of control ids")
		}
		for k, v := range m {
			name := k
			if strings.IndexFunc(name, unicode.IsControl) >= 0 {
				name = strconv.Quote(name) // the error stays one line
			}
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				return nil, fail("custom.frameworks.%s must be a non-empty list", name)
			}
			for _, item := range list {
				s, ok := item.(string)
				if !ok || strings.TrimSpace(s) == "" {
					return nil, fail("custom.frameworks.%s must list non-empty strings", name)
				}
				r.Frameworks[k] = append(r.Frameworks[k], s)
			}
		}
	}
	for _, rr := range a.RelatedResources {
		if rr != nil && rr.Ref.String() != "" {
			r.References = append(r.References, rr.Ref.String())
		}
	}
	if r.Remediation.URL == "" && len(r.References) > 0 {
		r.Remediation.URL = r.References[0]
	}
	sort.Strings(r.References)
	return r, nil
}

func customString(c map[string]any, key string) (string, error) {
	v, ok := c[key]
	if !ok {
		return "", fmt.Errorf("custom.%s is required", key)
	}
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("custom.%s must be a non-empty string", key)
	}
	return strings.TrimSpace(s), nil
}

func isLibrary(a *ast.Annotations) bool {
	if a == nil {
		return false
	}
	lib, _ := a.Custom["library"].(bool)
	return lib
}

// maxMetadataBytes bounds a METADATA comment block. OPA decodes the block's YAML in time
// quadratic in the number of keys of a mapping (1 MB of custom.frameworks entries took
// seconds); real blocks are a few hundred bytes.
const maxMetadataBytes = 64 << 10

// parseModule parses a rule file as the engine reads it (Rego v1, annotations on), after
// refusing a METADATA block larger than maxMetadataBytes.
func parseModule(name string, src []byte) (*ast.Module, error) {
	if line, size := largestMetadata(src); size > maxMetadataBytes {
		return nil, fmt.Errorf("%s:%d: METADATA block of %d bytes is too large (at most %d)", name, line, size, maxMetadataBytes)
	}
	return ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
}

// largestMetadata returns the line and size in bytes of the largest comment block that
// starts with "# METADATA".
func largestMetadata(src []byte) (line, size int) {
	start, cur := 0, -1 // cur: size of the METADATA block being read, -1 outside one
	for n, rest := 1, src; len(rest) > 0; n++ {
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		text := bytes.TrimSpace(l)
		switch {
		case len(text) == 0 || text[0] != '#':
			cur = -1
		case cur < 0 && string(bytes.TrimSpace(text[1:])) == "METADATA":
			start, cur = n, len(l)
		case cur >= 0:
			cur += len(l)
		}
		if cur > size {
			line, size = start, cur
		}
	}
	return line, size
}

func packageAnnotations(m *ast.Module) *ast.Annotations {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			return a
		}
	}
	return nil
}
