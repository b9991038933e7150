package securityhub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/dbaudit/scanner/internal/report"
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
// the scanner does not write are an error rather than silently dropped.
func ReadASFF(r io.Reader) ([]report.ASFFFinding, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read asff: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out []report.ASFFFinding
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("read asff: %w (the file must be a JSON array written by --format asff)", err)
	}
	for i, f := range out {
		if f.ID == "" || f.ProductArn == "" || f.AwsAccountID == "" || f.GeneratorID == "" || len(f.Resources) == 0 {
			return nil, fmt.Errorf("read asff: finding %d lacks Id, ProductArn, AwsAccountId, GeneratorId or Resources", i)
		}
		if _, err := time.Parse(time.RFC3339Nano, f.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read asff: finding %s: UpdatedAt: %w", f.ID, err)
		}
	}
	return out, nil
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
