package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	invopop "github.com/invopop/jsonschema"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaID = "https://github.com/dbaudit/scanner/docs/snapshot.schema.json"

// SchemaJSON returns the JSON Schema (draft-07) of the snapshot, generated from the Go types.
// docs/snapshot.schema.json is this output; a test keeps them equal.
func SchemaJSON() ([]byte, error) {
	r := &invopop.Reflector{DoNotReference: true, ExpandedStruct: true}
	s := r.Reflect(&Snapshot{})
	s.Version = "http://json-schema.org/draft-07/schema#"
	s.ID = schemaID
	s.Title = "scanner snapshot"
	s.Description = "Point-in-time copy of the database audit-trail settings of AWS accounts (docs/snapshot.md)."
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("generate snapshot schema: %w", err)
	}
	return append(out, '\n'), nil
}

// Validator checks documents against the snapshot schema; build it once and reuse it.
type Validator struct{ schema *jsonschema.Schema }

// NewValidator compiles the snapshot schema.
func NewValidator() (*Validator, error) {
	raw, err := SchemaJSON()
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("load snapshot schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaID, doc); err != nil {
		return nil, fmt.Errorf("load snapshot schema: %w", err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		return nil, fmt.Errorf("compile snapshot schema: %w", err)
	}
	return &Validator{schema: sch}, nil
}

// Validate checks JSON bytes; the error names the JSON path of the first problem.
func (v *Validator) Validate(data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return describeJSONError(data, err)
	}
	err = v.schema.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate snapshot: %w", err)
	}
	leaf := deepest(ve)
	path := jsonPath(leaf.InstanceLocation)
	return fmt.Errorf("%s: %s", path, leafMessage(leaf))
}

// Validate checks JSON bytes against the snapshot schema.
func Validate(data []byte) error {
	v, err := NewValidator()
	if err != nil {
		return err
	}
	return v.Validate(data)
}

// deepest picks the most specific cause, preferring the longest instance path, so the
// message points at the offending value rather than at the root.
func deepest(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := ve
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			if len(e.InstanceLocation) > len(best.InstanceLocation) || best == ve {
				best = e
			}
			return
		}
		causes := append([]*jsonschema.ValidationError(nil), e.Causes...)
		sort.SliceStable(causes, func(i, j int) bool {
			return strings.Join(causes[i].InstanceLocation, "/") < strings.Join(causes[j].InstanceLocation, "/")
		})
		for _, c := range causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

func leafMessage(e *jsonschema.ValidationError) string {
	msg := e.Error()
	// The library prefixes the message with the instance location; keep only the reason.
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "at ") {
		msg = msg[i+2:]
	}
	return strings.TrimSpace(strings.ReplaceAll(msg, "\n", " "))
}
