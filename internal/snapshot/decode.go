package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Decoder decodes snapshot files with one compiled schema; build it once per batch of files.
type Decoder struct{ validator *Validator }

// NewDecoder compiles the snapshot schema.
func NewDecoder() (*Decoder, error) {
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	return &Decoder{validator: v}, nil
}

// Decode parses a snapshot file's bytes (see Decoder.Decode).
func Decode(name string, data []byte) (*Snapshot, error) {
	d, err := NewDecoder()
	if err != nil {
		return nil, err
	}
	return d.Decode(name, data)
}

// Decode parses a snapshot file's bytes. Errors name the file and the line:column or the
// JSON path of the problem, on one line.
func (d *Decoder) Decode(name string, data []byte) (*Snapshot, error) {
	var probe struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeJSONError(data, err))
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("%s: $.schema_version: missing (not a scanner snapshot)", name)
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%s: $.schema_version: unsupported version %q (this scanner reads %q)", name, *probe.SchemaVersion, SchemaVersion)
	}
	if err := duplicateKey(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := d.validator.Validate(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeJSONError(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s: unexpected data after the snapshot object", name, lineCol(data, dec.InputOffset()))
	}
	if err := CheckUnique(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// jsonFrame is an open object or array during duplicateKey's scan.
type jsonFrame struct {
	object bool
	// key is the object's current member name; index the array's current item.
	key   string
	index int
	// names holds the object's member names: a short list, a map once it grows.
	names []string
	set   map[string]struct{}
}

// seen records name in the object and reports whether it was there already.
func (f *jsonFrame) seen(name string) bool {
	if f.set != nil {
		if _, ok := f.set[name]; ok {
			return true
		}
		f.set[name] = struct{}{}
		return false
	}
	for _, n := range f.names {
		if n == name {
			return true
		}
	}
	f.names = append(f.names, name)
	if len(f.names) > 16 {
		f.set = make(map[string]struct{}, 2*len(f.names))
		for _, n := range f.names {
			f.set[n] = struct{}{}
		}
		f.names = nil
	}
	return false
}

// DuplicateMember is duplicateKey for the other JSON inputs (AWS CLI exports, plans,
// templates), which encoding/json would read with the last of two members winning.
func DuplicateMember(data []byte) error { return duplicateKey(data) }

// duplicateKey finds an object member name used twice in one object anywhere in data, which
// encoding/json would silently resolve to the last one. data must be valid JSON. One pass.
func duplicateKey(data []byte) error {
	var stack []jsonFrame
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			stack = append(stack, jsonFrame{object: true})
			expectKey = true
		case '[':
			stack = append(stack, jsonFrame{})
			expectKey = false
		case '}', ']':
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				expectKey = true
			} else {
				top.index++
			}
		case '"':
			start := i
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if !expectKey {
				continue
			}
			expectKey = false
			raw := data[start+1 : i]
			name := string(raw)
			if bytes.IndexByte(raw, '\\') >= 0 {
				if err := json.Unmarshal(data[start:i+1], &name); err != nil {
					return describeJSONError(data, err)
				}
			}
			top := &stack[len(stack)-1]
			if top.seen(name) {
				return fmt.Errorf("%s (%s): duplicate member %q in one object", lineCol(data, int64(start)), framePath(stack, name), name)
			}
			top.key = name
		}
	}
	return nil
}

// framePath renders the JSON path of member name of the innermost object of stack.
func framePath(stack []jsonFrame, name string) string {
	tokens := make([]string, 0, len(stack))
	for _, f := range stack[:len(stack)-1] {
		if f.object {
			tokens = append(tokens, f.key)
		} else {
			tokens = append(tokens, strconv.Itoa(f.index))
		}
	}
	return jsonPath(append(tokens, name))
}

// describeJSONError turns encoding/json errors into "line L, column C: …" or "$.path: …".
func describeJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("%s: malformed JSON: %s", lineCol(data, syn.Offset), syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		path := "$"
		if typ.Field != "" {
			path += "." + typ.Field
		}
		return fmt.Errorf("%s (%s): expected %s, got JSON %s", path, lineCol(data, typ.Offset), typ.Type, typ.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: malformed JSON: unexpected end of input", lineCol(data, int64(len(data))))
	}
	return err
}

// LineCol renders a byte offset as "line L, column C" (1-based).
func lineCol(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// LineCol is exported for importers that report positions the same way.
func LineCol(data []byte, offset int64) string { return lineCol(data, offset) }

// Encode writes a snapshot as indented JSON.
func Encode(w io.Writer, s *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// jsonPath renders path tokens as "$.accounts[0].log_groups["/aws/rds/x"]".
func jsonPath(tokens []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, tok := range tokens {
		switch {
		case isIndex(tok):
			b.WriteString("[" + tok + "]")
		case tok == "" || strings.ContainsAny(tok, ". /[]\"*") || strings.IndexFunc(tok, unicode.IsControl) >= 0:
			b.WriteString(fmt.Sprintf("[%q]", tok))
		default:
			b.WriteString("." + tok)
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
