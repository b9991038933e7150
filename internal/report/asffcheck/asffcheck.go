// Package asffcheck validates ASFF findings against the Security Hub service model
// (botocore securityhub-service-2.json): a shape walker over AwsSecurityFinding that checks
// member names, types, enums, required members, list/map sizes, string patterns and
// lengths, plus the checks the model does not carry (shared/docs/formats.md §2.10).
// It is a test helper: production code does not load the 2 MB model.
package asffcheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dbaudit/scanner/internal/awspartition"
)

// Model is a loaded service model.
type Model struct {
	shapes map[string]*shape
	res    map[string]*regexp.Regexp
}

type member struct {
	Shape string `json:"shape"`
}

type shape struct {
	Type     string            `json:"type"`
	Members  map[string]member `json:"members"`
	Required []string          `json:"required"`
	Member   *member           `json:"member"`
	Key      *member           `json:"key"`
	Value    *member           `json:"value"`
	Enum     []string          `json:"enum"`
	Pattern  string            `json:"pattern"`
	Min      *float64          `json:"min"`
	Max      *float64          `json:"max"`
}

// Load reads a botocore service model.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("asffcheck: %w", err)
	}
	var doc struct {
		Shapes map[string]*shape `json:"shapes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("asffcheck: %s: %w", path, err)
	}
	if doc.Shapes["AwsSecurityFinding"] == nil {
		return nil, fmt.Errorf("asffcheck: %s has no AwsSecurityFinding shape", path)
	}
	m := &Model{shapes: doc.Shapes, res: map[string]*regexp.Regexp{}}
	for name, s := range doc.Shapes {
		if s.Pattern == "" {
			continue
		}
		// Go's RE2 lacks look-around (TagKey's (?!aws:)); such patterns are not checked.
		if re, err := regexp.Compile("(?s)" + s.Pattern); err == nil {
			m.res[name] = re
		}
	}
	return m, nil
}

// Validate walks v (decoded JSON: map[string]any, []any, string, float64, bool) as the named
// shape and returns every problem, each prefixed with its JSON path. Empty = valid.
func (m *Model) Validate(shapeName string, v any) []string {
	var probs []string
	m.walk(shapeName, v, "$", &probs)
	return probs
}

func (m *Model) walk(name string, v any, path string, probs *[]string) {
	s := m.shapes[name]
	if s == nil {
		*probs = append(*probs, fmt.Sprintf("%s: model has no shape %q", path, name))
		return
	}
	bad := func(format string, args ...any) {
		*probs = append(*probs, path+": "+fmt.Sprintf(format, args...))
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want object (%s), got %T", name, v)
			return
		}
		for _, req := range s.Required {
			if _, ok := obj[req]; !ok {
				bad("missing required member %s", req)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			mem, ok := s.Members[k]
			if !ok {
				bad("unknown member %q in %s", k, name)
				continue
			}
			m.walk(mem.Shape, obj[k], path+"."+k, probs)
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			bad("want array (%s), got %T", name, v)
			return
		}
		m.checkSize(s, len(arr), name, bad)
		for i, e := range arr {
			m.walk(s.Member.Shape, e, fmt.Sprintf("%s[%d]", path, i), probs)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want object (%s), got %T", name, v)
			return
		}
		m.checkSize(s, len(obj), name, bad)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			m.walk(s.Key.Shape, k, path+"{key "+k+"}", probs)
			m.walk(s.Value.Shape, obj[k], path+"."+k, probs)
		}
	case "string", "timestamp":
		str, ok := v.(string)
		if !ok {
			bad("want string (%s), got %T", name, v)
			return
		}
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			bad("%q is not one of %s (%s)", str, strings.Join(s.Enum, ", "), name)
		}
		if re := m.res[name]; re != nil && !re.MatchString(str) {
			bad("%q does not match %s pattern %s", abbreviate(str), name, s.Pattern)
		}
		m.checkSize(s, utf8.RuneCountInString(str), name, bad)
	case "integer", "long":
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) {
			bad("want integer (%s), got %v", name, v)
			return
		}
		m.checkRange(s, n, name, bad)
	case "double", "float":
		n, ok := v.(float64)
		if !ok {
			bad("want number (%s), got %T", name, v)
			return
		}
		m.checkRange(s, n, name, bad)
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want boolean (%s), got %T", name, v)
		}
	default:
		bad("unsupported shape type %q (%s)", s.Type, name)
	}
}

func (m *Model) checkSize(s *shape, n int, name string, bad func(string, ...any)) {
	if s.Min != nil && float64(n) < *s.Min {
		bad("size %d below minimum %v (%s)", n, *s.Min, name)
	}
	if s.Max != nil && float64(n) > *s.Max {
		bad("size %d above maximum %v (%s)", n, *s.Max, name)
	}
}

func (m *Model) checkRange(s *shape, n float64, name string, bad func(string, ...any)) {
	if s.Min != nil && n < *s.Min {
		bad("%v below minimum %v (%s)", n, *s.Min, name)
	}
	if s.Max != nil && n > *s.Max {
		bad("%v above maximum %v (%s)", n, *s.Max, name)
	}
}

// Limits and patterns the model does not carry (formats.md §2.1, §2.4, §2.10).
var (
	timestampRE  = regexp.MustCompile(`^(\d\d\d\d)-([0][1-9]|[1][0-2])-([0][1-9]|[1-2](\d)|[3][0-1])[T](?:([0-1](\d)|[2][0-3]):[0-5](\d):[0-5](\d)|23:59:60)(?:\.(\d)+)?([Z]|[+-](\d\d)(:?(\d\d))?)$`)
	accountRE    = regexp.MustCompile(`^\d{12}$`)
	productArnRE = regexp.MustCompile(`^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
	namespaces   = []string{"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications"}
	// lengths after JSON escaping, in bytes, by JSON path (array indexes as [*]).
	lengthLimits = map[string]int{
		"$.Id": 512, "$.GeneratorId": 512, "$.Title": 256, "$.Description": 1024,
		"$.Severity.Original": 64, "$.FindingProviderFields.Severity.Original": 64,
		"$.Remediation.Recommendation.Text": 512, "$.Resources[*].Type": 256, "$.Resources[*].Region": 16,
		"$.ProductArn": 2048,
	}
	forbidden = []string{"Workflow", "WorkflowState", "Note", "UserDefinedFields", "VerificationState"}
)

const (
	maxFindingBytes = 240 * 1024
	maxAnyField     = 32768
	maxOtherValue   = 1024
)

// CheckFinding validates one ASFF finding given as JSON: the model walk over
// AwsSecurityFinding plus the §2.10 checks (Severity and Types required, schema version,
// lengths after escaping, ProductFields, Resources, account and product ARN, timestamps,
// size, provider-forbidden members).
func (m *Model) CheckFinding(raw []byte) []string {
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []string{"$: not a JSON object: " + err.Error()}
	}
	probs := m.Validate("AwsSecurityFinding", v)
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if len(raw) > maxFindingBytes {
		bad("$: finding is %d bytes, above 240 KB", len(raw))
	}
	if v["SchemaVersion"] != "2018-10-08" {
		bad("$.SchemaVersion: %v, want 2018-10-08", v["SchemaVersion"])
	}
	for _, req := range []string{"Severity", "Types"} {
		if _, ok := v[req]; !ok {
			bad("$: missing required member %s (required by the ASFF user guide)", req)
		}
	}
	if sev, ok := v["Severity"].(map[string]any); ok {
		if _, ok := sev["Label"]; !ok {
			bad("$.Severity: missing Label")
		}
	}
	if types, ok := v["Types"].([]any); ok {
		if len(types) == 0 || len(types) > 50 {
			bad("$.Types: %d entries, want 1-50", len(types))
		}
		for i, t := range types {
			s, _ := t.(string)
			if !hasNamespace(s) {
				bad("$.Types[%d]: %q does not start with an ASFF namespace", i, s)
			}
		}
	}
	for _, f := range forbidden {
		if _, ok := v[f]; ok {
			bad("$.%s: customer-owned member must not be sent by a provider", f)
		}
	}
	acct, _ := v["AwsAccountId"].(string)
	if !accountRE.MatchString(acct) {
		bad("$.AwsAccountId: %q is not 12 digits", acct)
	}
	if arn, _ := v["ProductArn"].(string); strings.HasSuffix(arn, "/default") {
		mm := productArnRE.FindStringSubmatch(arn)
		switch {
		case mm == nil || mm[3] != acct || mm[4] != acct:
			bad("$.ProductArn: %q is not the default product of account %s", arn, acct)
		case !isRegion(mm[2]):
			bad("$.ProductArn: %q names %q, not an AWS Region", arn, mm[2])
		case mm[1] != awspartition.OrDefault(mm[2]):
			bad("$.ProductArn: %q is in partition %s, but Region %s is in %s", arn, mm[1], mm[2], awspartition.OrDefault(mm[2]))
		}
	}
	if res, ok := v["Resources"].([]any); ok {
		for i, r := range res {
			rm, _ := r.(map[string]any)
			region, hasRegion := rm["Region"].(string)
			if hasRegion && !isRegion(region) {
				bad("$.Resources[%d].Region: %q is not an AWS Region (an account-wide finding needs one per Region)", i, region)
			}
			if part, ok := rm["Partition"].(string); ok && hasRegion && isRegion(region) && part != awspartition.OrDefault(region) {
				bad("$.Resources[%d].Partition: %s, but Region %s is in %s", i, part, region, awspartition.OrDefault(region))
			}
		}
	}
	for _, ts := range []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "ProcessedAt"} {
		if s, ok := v[ts].(string); ok && !timestampRE.MatchString(s) {
			bad("$.%s: %q is not an ASFF timestamp", ts, s)
		}
	}
	if res, ok := v["Resources"].([]any); ok && (len(res) < 1 || len(res) > 32) {
		bad("$.Resources: %d entries, want 1-32", len(res))
	}
	if c, ok := v["Compliance"].(map[string]any); ok {
		if rr, ok := c["RelatedRequirements"].([]any); ok && len(rr) > 32 {
			bad("$.Compliance.RelatedRequirements: %d entries, above 32", len(rr))
		}
	}
	if pf, ok := v["ProductFields"].(map[string]any); ok {
		if len(pf) > 50 {
			bad("$.ProductFields: %d pairs, above 50", len(pf))
		}
		for _, k := range slices.Sorted(maps.Keys(pf)) {
			if escLen(k) > 128 {
				bad("$.ProductFields{key %s}: longer than 128", abbreviate(k))
			}
			if strings.HasPrefix(k, "aws/") {
				bad("$.ProductFields{key %s}: the aws/ prefix is reserved", k)
			}
			if s, _ := pf[k].(string); escLen(s) > 2048 {
				bad("$.ProductFields.%s: longer than 2048", k)
			}
		}
	}
	walkStrings(v, "$", func(path, s string) {
		n := escLen(s)
		if lim, ok := lengthLimits[path]; ok && n > lim {
			bad("%s: %d bytes after escaping, above %d", path, n, lim)
		}
		if strings.HasPrefix(path, "$.Resources[*].Details.Other.") && n > maxOtherValue {
			bad("%s: %d bytes after escaping, above %d", path, n, maxOtherValue)
		}
		if n > maxAnyField {
			bad("%s: %d bytes after escaping, above %d", path, n, maxAnyField)
		}
	})
	return probs
}

// escLen is a string's length once JSON-encoded (HTML-escaped, the costliest form), quotes
// excluded.
func escLen(s string) int {
	b, _ := json.Marshal(s)
	return len(b) - 2
}

func walkStrings(v any, path string, fn func(path, s string)) {
	switch t := v.(type) {
	case string:
		fn(path, t)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			walkStrings(t[k], path+"."+k, fn)
		}
	case []any:
		for _, e := range t {
			walkStrings(e, path+"[*]", fn)
		}
	}
}

func hasNamespace(s string) bool {
	for _, ns := range namespaces {
		if s == ns || strings.HasPrefix(s, ns+"/") {
			return true
		}
	}
	return false
}

func isRegion(s string) bool {
	_, ok := awspartition.Of(s)
	return ok
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
