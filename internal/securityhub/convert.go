package securityhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/dbaudit/scanner/internal/report"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// item is one finding on its way to Security Hub, with what batching and reporting need.
type item struct {
	f    types.AwsSecurityFinding
	size int    // serialized size in bytes (upper bound)
	kind string // "import", "resolve", "archive"
}

// toSDK converts an ASFF file record to the SDK type. The SDK's field names are the ASFF
// member names, so a JSON round trip is exact for every member report.ASFFFinding declares
// (TestSDKConversionIsLossless proves it on the wire).
func toSDK(f report.ASFFFinding) (types.AwsSecurityFinding, int, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return types.AwsSecurityFinding{}, 0, fmt.Errorf("encode finding %s: %w", f.ID, err)
	}
	var out types.AwsSecurityFinding
	if err := json.Unmarshal(raw, &out); err != nil {
		return types.AwsSecurityFinding{}, 0, fmt.Errorf("convert finding %s: %w", f.ID, err)
	}
	return out, len(raw), nil
}

// sdkSize estimates a finding's wire size. encoding/json writes unset pointers as null, so
// this overestimates the SDK's own serializer: safe for the 6 MB batch limit.
func sdkSize(f types.AwsSecurityFinding) int {
	raw, err := json.Marshal(f)
	if err != nil {
		return maxFindingBytes
	}
	return len(raw)
}

// ReadASFF decodes a saved ASFF file (a JSON array, as written by `--format asff`). Members
// the scanner does not write are an error rather than silently dropped. Errors give the
// line and column and speak JSON (member, object, string), not Go types.
func ReadASFF(r io.Reader) ([]report.ASFFFinding, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read asff: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out []report.ASFFFinding
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("read asff: %w", describeJSONError(b, err))
	}
	if end := dec.InputOffset(); skipSpace(b, end) < int64(len(b)) {
		return nil, fmt.Errorf("read asff: %s: unexpected data after the JSON array", snapshot.LineCol(b, skipSpace(b, end)))
	}
	for i, f := range out {
		id := f.ID
		if strings.IndexFunc(id, unicode.IsControl) >= 0 {
			id = strconv.Quote(id) // a line break in an Id must not break the error's line
		}
		if f.ID == "" || f.ProductArn == "" || f.AwsAccountID == "" || f.GeneratorID == "" || len(f.Resources) == 0 {
			return nil, fmt.Errorf("read asff: finding %d lacks Id, ProductArn, AwsAccountId, GeneratorId or Resources", i)
		}
		if len(f.AwsAccountID) != 12 || strings.Trim(f.AwsAccountID, "0123456789") != "" {
			return nil, fmt.Errorf("read asff: finding %d (%s): AwsAccountId %q is not a 12-digit AWS account id", i, id, f.AwsAccountID)
		}
		if _, err := time.Parse(time.RFC3339Nano, f.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read asff: finding %d (%s): UpdatedAt %q is not an RFC 3339 timestamp", i, id, f.UpdatedAt)
		}
	}
	return out, nil
}

// describeJSONError turns an encoding/json error into "line L, column C: …" in JSON terms.
func describeJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s: malformed JSON: %s", snapshot.LineCol(data, syn.Offset), strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		at := snapshot.LineCol(data, valueStart(data, typ.Offset))
		if typ.Field == "" {
			return fmt.Errorf("%s: the file must be a JSON array of findings written by --format asff, not %s", at, jsonValueName(typ.Value))
		}
		return fmt.Errorf("%s: %s: want %s, got %s", at, typ.Field, jsonTypeName(typ.Type), jsonValueName(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: malformed JSON: unexpected end of file", snapshot.LineCol(data, int64(len(data))))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		at := "unknown position"
		if key, err := strconv.Unquote(name); err == nil {
			if i := memberOffset(data, key); i >= 0 {
				at = snapshot.LineCol(data, int64(i))
			}
		}
		return fmt.Errorf("%s: unknown member %s (not an ASFF member --format asff writes)", at, name)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// memberOffset is the offset of the first member named key ("key" then a colon), or -1.
func memberOffset(data []byte, key string) int {
	quoted, _ := json.Marshal(key)
	for from := 0; ; {
		i := bytes.Index(data[from:], quoted)
		if i < 0 {
			return -1
		}
		i += from
		if j := skipSpace(data, int64(i+len(quoted))); int(j) < len(data) && data[j] == ':' {
			return i
		}
		from = i + 1
	}
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
		off++
	}
	return off
}

// valueStart moves an UnmarshalTypeError offset (just after the value, or after the '{' or
// '[' that opens it) back to where the value starts.
func valueStart(data []byte, off int64) int64 {
	if off <= 0 || off > int64(len(data)) {
		return off
	}
	i := off - 1
	switch data[i] {
	case '{', '[':
		return i
	case '"':
		for i--; i >= 0; i-- {
			if data[i] == '"' && (i == 0 || data[i-1] != '\\') {
				return i
			}
		}
		return 0
	}
	for i > 0 && strings.IndexByte("0123456789+-.eEtruefalsn", data[i-1]) >= 0 {
		i--
	}
	return i
}

// jsonTypeName names the JSON a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "another kind of value"
}

// jsonValueName names an UnmarshalTypeError's Value ("string", "number 1e999", "object", …).
func jsonValueName(v string) string {
	switch {
	case strings.HasPrefix(v, "number"):
		return "a number"
	case v == "object" || v == "array":
		return "an " + v
	case v == "bool":
		return "true or false"
	case v == "string":
		return "a string"
	}
	return v
}

var defaultProductARN = regexp.MustCompile(`^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)

// productRegion is the Region of a ProductArn ("" when it has none).
func productRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

// withRegion moves an own-account default product ARN to another Region; other ARNs are
// returned unchanged.
func withRegion(arn, region string) string {
	m := defaultProductARN.FindStringSubmatch(arn)
	if m == nil {
		return arn
	}
	return report.DefaultProductARN(region, m[3])
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// resourceRegion is the Region of a finding's first resource, else the finding's Region.
func resourceRegion(f *types.AwsSecurityFinding) string {
	if len(f.Resources) > 0 && str(f.Resources[0].Region) != "" {
		return str(f.Resources[0].Region)
	}
	return str(f.Region)
}

func complianceStatus(f *types.AwsSecurityFinding) types.ComplianceStatus {
	if f.Compliance == nil {
		return ""
	}
	return f.Compliance.Status
}

// parseTime parses an ASFF timestamp.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// after returns a timestamp strictly later than prev and not earlier than want: Security Hub
// ignores an update whose UpdatedAt is not later than the stored one.
func after(want, prev string) string {
	w, okW := parseTime(want)
	p, okP := parseTime(prev)
	switch {
	case !okP:
		return want
	case !okW || !w.After(p):
		return report.FormatASFFTime(p.Add(time.Millisecond))
	}
	return want
}

// forArchive returns a copy of an existing finding to re-import as ARCHIVED: the full finding,
// minus what providers must not send (customer-owned members, the aws/ ProductFields Security
// Hub adds, ProcessedAt).
func forArchive(e types.AwsSecurityFinding, now string) types.AwsSecurityFinding {
	f := e
	f.RecordState = types.RecordStateArchived
	f.UpdatedAt = ptr(after(now, str(e.UpdatedAt)))
	f.Workflow = nil
	f.WorkflowState = ""
	f.Note = nil
	f.UserDefinedFields = nil
	f.VerificationState = ""
	f.ProcessedAt = nil
	if len(e.ProductFields) > 0 {
		pf := make(map[string]string, len(e.ProductFields))
		for k, v := range e.ProductFields {
			if !strings.HasPrefix(k, "aws/") {
				pf[k] = v
			}
		}
		f.ProductFields = pf
	}
	return f
}

func ptr[T any](v T) *T { return &v }
