package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// jsonIndex is a position map of a JSON document: the byte offset where each value up to a
// fixed depth starts, keyed by its JSON path ("$.DBClusters[0]", "$.Resources.Trail").
// It is built by a single structural pass over the bytes (no values are decoded), so it
// stays cheap on large Terraform plans.
type jsonIndex struct {
	data     []byte
	offsets  map[string]int64
	topKeys  []string
	topLevel byte    // '{', '[' or 0 for a scalar
	newlines []int64 // offsets of '\n', built on the first location call
}

// pathKey appends an object key to a JSON path.
func pathKey(parent, key string) string {
	if key != "" && !strings.ContainsAny(key, ". /[]\"'\\:*") {
		return parent + "." + key
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

// pathIndex appends an array index to a JSON path.
func pathIndex(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// has reports whether the top-level object has key.
func (ix *jsonIndex) has(key string) bool {
	for _, k := range ix.topKeys {
		if k == key {
			return true
		}
	}
	return false
}

// location returns the line/column of the value at path (just the file when the path is
// not indexed).
func (ix *jsonIndex) location(file, path string) *snapshot.Location {
	off, ok := ix.offsets[path]
	if !ok {
		return &snapshot.Location{File: file}
	}
	if ix.newlines == nil {
		// One pass over the data, then a binary search per location: a plan has tens of
		// thousands of resources, and counting lines from the start for each is quadratic.
		ix.newlines = make([]int64, 0, bytes.Count(ix.data, []byte{'\n'}))
		for i, b := range ix.data {
			if b == '\n' {
				ix.newlines = append(ix.newlines, int64(i))
			}
		}
	}
	n := sort.Search(len(ix.newlines), func(i int) bool { return ix.newlines[i] >= off })
	start := int64(0)
	if n > 0 {
		start = ix.newlines[n-1] + 1
	}
	return &snapshot.Location{File: file, Line: n + 1, Column: int(off-start) + 1}
}

// place renders a path as "line L, column C ($.path)" when indexed, else just the path.
func (ix *jsonIndex) place(path string) string {
	if off, ok := ix.offsets[path]; ok {
		return snapshot.LineCol(ix.data, off) + " (" + path + ")"
	}
	return path
}

// lineColumn converts a byte offset into 1-based line and column.
func lineColumn(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// errJSON is a structural error found by the indexer; Load turns it into a
// file:line:column message via describeJSON.
var errJSON = errors.New("malformed JSON")

// indexJSON scans data and records the offsets of values up to maxDepth (the root is depth 0).
func indexJSON(data []byte, maxDepth int) (*jsonIndex, error) {
	ix := &jsonIndex{data: data, offsets: map[string]int64{}}
	s := &jscan{data: data, ix: ix, maxDepth: maxDepth}
	s.ws()
	if s.pos >= len(data) {
		return nil, fmt.Errorf("%s: %w: empty document", snapshot.LineCol(data, int64(s.pos)), errJSON)
	}
	ix.topLevel = data[s.pos]
	if ix.topLevel != '{' && ix.topLevel != '[' {
		ix.topLevel = 0
	}
	if err := s.value("$", 0); err != nil {
		return nil, err
	}
	s.ws()
	if s.pos != len(data) {
		return nil, s.fail("unexpected data after the top-level value")
	}
	return ix, nil
}

type jscan struct {
	data     []byte
	pos      int
	ix       *jsonIndex
	maxDepth int
}

func (s *jscan) fail(msg string) error {
	return fmt.Errorf("%s: %w: %s", snapshot.LineCol(s.data, int64(s.pos)), errJSON, msg)
}

func (s *jscan) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *jscan) value(path string, depth int) error {
	s.ws()
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	if depth <= s.maxDepth {
		s.ix.offsets[path] = int64(s.pos)
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		s.pos++
		s.ws()
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			return nil
		}
		for {
			s.ws()
			if s.pos >= len(s.data) || s.data[s.pos] != '"' {
				return s.fail("expected a string object key")
			}
			start := s.pos
			if err := s.str(); err != nil {
				return err
			}
			var key string
			if depth < s.maxDepth || depth == 0 {
				key = unquoteKey(s.data[start:s.pos])
				if depth == 0 {
					s.ix.topKeys = append(s.ix.topKeys, key)
				}
			}
			s.ws()
			if s.pos >= len(s.data) || s.data[s.pos] != ':' {
				return s.fail("expected ':' after object key")
			}
			s.pos++
			child := ""
			if depth < s.maxDepth {
				child = pathKey(path, key)
			}
			if err := s.value(child, depth+1); err != nil {
				return err
			}
			s.ws()
			if s.pos >= len(s.data) {
				return s.fail("unexpected end of input in object")
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			if s.data[s.pos] == '}' {
				s.pos++
				return nil
			}
			return s.fail("expected ',' or '}' in object")
		}
	case c == '[':
		s.pos++
		s.ws()
		if s.pos < len(s.data) && s.data[s.pos] == ']' {
			s.pos++
			return nil
		}
		for i := 0; ; i++ {
			child := ""
			if depth < s.maxDepth {
				child = pathIndex(path, i)
			}
			if err := s.value(child, depth+1); err != nil {
				return err
			}
			s.ws()
			if s.pos >= len(s.data) {
				return s.fail("unexpected end of input in array")
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			if s.data[s.pos] == ']' {
				s.pos++
				return nil
			}
			return s.fail("expected ',' or ']' in array")
		}
	case c == '"':
		return s.str()
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.pos
		for s.pos < len(s.data) {
			b := s.data[s.pos]
			if (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E' {
				s.pos++
				continue
			}
			break
		}
		if _, err := strconv.ParseFloat(string(s.data[start:s.pos]), 64); err != nil {
			s.pos = start
			return s.fail("invalid number")
		}
		return nil
	default:
		return s.fail(fmt.Sprintf("invalid character %q looking for beginning of value", rune(c)))
	}
}

func (s *jscan) lit(word string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return s.fail("invalid literal")
	}
	s.pos += len(word)
	return nil
}

func (s *jscan) str() error {
	s.pos++ // opening quote
	for s.pos < len(s.data) {
		// Fast path: jump to the next quote or backslash.
		i := bytes.IndexAny(s.data[s.pos:], "\"\\")
		if i < 0 {
			break
		}
		s.pos += i
		if s.data[s.pos] == '"' {
			s.pos++
			return nil
		}
		s.pos += 2 // backslash escape
	}
	s.pos = len(s.data)
	return s.fail("unterminated string")
}

func unquoteKey(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		return string(raw[1 : len(raw)-1])
	}
	return out
}

// decodeAt decodes the JSON value at an indexed path into v.
func (ix *jsonIndex) decodeAt(path string, v any) error {
	off, ok := ix.offsets[path]
	if !ok {
		return fmt.Errorf("%s: not present", path)
	}
	dec := json.NewDecoder(bytes.NewReader(ix.data[off:]))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", ix.place(path), err)
	}
	return nil
}

// normalizeEncoding turns UTF-16 (with BOM) into UTF-8 and drops a UTF-8 BOM. Terraform on
// Windows writes `terraform show -json > plan.json` as UTF-16 LE from PowerShell.
func normalizeEncoding(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		le := data[0] == 0xFF
		body := data[2:]
		if len(body)%2 != 0 {
			return nil, errors.New("UTF-16 input has an odd number of bytes")
		}
		u := make([]uint16, len(body)/2)
		for i := range u {
			if le {
				u[i] = uint16(body[2*i]) | uint16(body[2*i+1])<<8
			} else {
				u[i] = uint16(body[2*i])<<8 | uint16(body[2*i+1])
			}
		}
		runes := utf16.Decode(u)
		out := make([]byte, 0, len(runes))
		for _, r := range runes {
			out = utf8.AppendRune(out, r)
		}
		return out, nil
	}
	return data, nil
}
