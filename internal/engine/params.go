package engine

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ParameterError reports an unknown or mistyped rule parameter. Name lets callers point
// at the place the value came from (e.g. a line of the config file).
type ParameterError struct {
	Name    string
	Problem string
}

func (e *ParameterError) Error() string { return "rule parameters: " + e.Problem }

// paramsRef is where rules read the merged parameters.
var paramsRef = ast.MustParseRef("data.rules.lib.params.values")

// checkParameterType compares an override with the parameter's default and describes a
// mismatch ("" when the kinds agree). Lists are compared element by element with the
// kind of the default's elements; objects with the kinds of their values.
func checkParameterType(v, def any) string {
	got, want := kindOf(v), kindOf(def)
	if got != want {
		return fmt.Sprintf("is %s, want %s (default %s)", article(got), article(want), compact(def))
	}
	switch d := def.(type) {
	case []any:
		if len(d) == 0 {
			return ""
		}
		elem := kindOf(d[0])
		for i, item := range v.([]any) {
			if k := kindOf(item); k != elem {
				return fmt.Sprintf("item %d is %s, want %s (default %s)", i+1, article(k), article(elem), compact(def))
			}
		}
	case map[string]any:
		var sample any
		for _, dv := range d {
			sample = dv
			break
		}
		if sample == nil {
			return ""
		}
		for k, item := range v.(map[string]any) {
			if p := checkParameterType(item, sample); p != "" {
				return fmt.Sprintf("key %q %s", k, p)
			}
		}
	}
	return ""
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number, int, int32, int64, uint, uint32, uint64, float32, float64:
		return "number"
	case []any, []string:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func article(kind string) string {
	switch kind {
	case "object":
		return "an object"
	case "null":
		return "null"
	}
	return "a " + kind
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// parametersRead lists the parameters a compiled rule module reads
// (data.rules.lib.params.values.<name>), sorted.
func parametersRead(m *ast.Module) []string {
	if m == nil {
		return nil
	}
	seen := map[string]bool{}
	ast.WalkRefs(m, func(r ast.Ref) bool {
		if len(r) > len(paramsRef) && r.HasPrefix(paramsRef) {
			if s, ok := r[len(paramsRef)].Value.(ast.String); ok {
				seen[string(s)] = true
			}
		}
		return false
	})
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// at formats a file name with the line of loc, when known: "file:12".
func at(file string, loc *ast.Location) string {
	if loc == nil || loc.Row == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, loc.Row)
}
