package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/dbaudit/scanner/internal/awspartition"
	"github.com/dbaudit/scanner/internal/finding"
)

// ASFF limits (shared/docs/formats.md §2.1, §2.5, §2.10), counted in bytes after JSON escaping.
const (
	ASFFSchemaVersion = "2018-10-08"

	asffMaxID             = 512
	asffMaxTitle          = 256
	asffMaxDescription    = 1024
	asffMaxSeverityOrig   = 64
	asffMaxRemediation    = 512
	asffMaxResourceType   = 256
	asffMaxResourceRegion = 16
	asffMaxOtherValue     = 1024
	asffMaxProductFields  = 50
	asffMaxFieldKey       = 128
	asffMaxFieldValue     = 2048
	asffMaxRequirements   = 32
	asffMaxRequirement    = 64 // Prowler's trim; the service limit is unverified
	asffMaxTypes          = 50
	asffMaxAnyField       = 32768
	asffMaxStatusReason   = 1024

	// productFieldPrefix is this scanner's ProductFields namespace (company-id/product-id/).
	productFieldPrefix = "dbaudit/scanner/"
	defaultToolName    = "dbaudit-scanner"
)

// ASFF Compliance.Status values.
const (
	ComplianceFailed       = "FAILED"
	CompliancePassed       = "PASSED"
	ComplianceNotAvailable = "NOT_AVAILABLE"
)

// ASFF RecordState values.
const (
	RecordActive   = "ACTIVE"
	RecordArchived = "ARCHIVED"
)

// ASFFFinding is one AWS Security Finding Format record as written to a file and accepted
// as-is by `aws securityhub batch-import-findings --findings file://…`. Only members the
// scanner sets are declared; every optional member is omitted when unset, never empty.
type ASFFFinding struct {
	SchemaVersion         string                     `json:"SchemaVersion"`
	ID                    string                     `json:"Id"`
	ProductArn            string                     `json:"ProductArn"`
	GeneratorID           string                     `json:"GeneratorId"`
	AwsAccountID          string                     `json:"AwsAccountId"`
	Types                 []string                   `json:"Types"`
	FirstObservedAt       string                     `json:"FirstObservedAt,omitempty"`
	LastObservedAt        string                     `json:"LastObservedAt,omitempty"`
	CreatedAt             string                     `json:"CreatedAt"`
	UpdatedAt             string                     `json:"UpdatedAt"`
	Severity              ASFFSeverity               `json:"Severity"`
	Title                 string                     `json:"Title"`
	Description           string                     `json:"Description"`
	Remediation           *ASFFRemediation           `json:"Remediation,omitempty"`
	SourceURL             string                     `json:"SourceUrl,omitempty"`
	ProductFields         map[string]string          `json:"ProductFields,omitempty"`
	Resources             []ASFFResource             `json:"Resources"`
	Compliance            *ASFFCompliance            `json:"Compliance,omitempty"`
	RecordState           string                     `json:"RecordState,omitempty"`
	FindingProviderFields *ASFFFindingProviderFields `json:"FindingProviderFields,omitempty"`
}

// ASFFSeverity is Severity (Label is the preferred member; Normalized is deprecated).
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFRemediation is Remediation.
type ASFFRemediation struct {
	Recommendation ASFFRecommendation `json:"Recommendation"`
}

// ASFFRecommendation is Remediation.Recommendation.
type ASFFRecommendation struct {
	Text string `json:"Text,omitempty"`
	URL  string `json:"Url,omitempty"`
}

// ASFFResource is one Resources[] entry.
type ASFFResource struct {
	Type      string               `json:"Type"`
	ID        string               `json:"Id"`
	Partition string               `json:"Partition,omitempty"`
	Region    string               `json:"Region,omitempty"`
	Details   *ASFFResourceDetails `json:"Details,omitempty"`
}

// ASFFResourceDetails holds the typed details the scanner can fill from a finding.
type ASFFResourceDetails struct {
	AwsRdsDbCluster    *ASFFRdsDbCluster    `json:"AwsRdsDbCluster,omitempty"`
	AwsRdsDbInstance   *ASFFRdsDbInstance   `json:"AwsRdsDbInstance,omitempty"`
	AwsCloudTrailTrail *ASFFCloudTrailTrail `json:"AwsCloudTrailTrail,omitempty"`
	Other              map[string]string    `json:"Other,omitempty"`
}

// ASFFRdsDbCluster is AwsRdsDbClusterDetails (note the casing: DbClusterIdentifier).
type ASFFRdsDbCluster struct {
	DbClusterIdentifier string `json:"DbClusterIdentifier,omitempty"`
}

// ASFFRdsDbInstance is AwsRdsDbInstanceDetails (note the casing: DBInstanceIdentifier).
type ASFFRdsDbInstance struct {
	DBInstanceIdentifier string `json:"DBInstanceIdentifier,omitempty"`
}

// ASFFCloudTrailTrail is AwsCloudTrailTrailDetails.
type ASFFCloudTrailTrail struct {
	Name     string `json:"Name,omitempty"`
	TrailArn string `json:"TrailArn,omitempty"`
}

// ASFFCompliance is Compliance.
type ASFFCompliance struct {
	Status              string             `json:"Status"`
	RelatedRequirements []string           `json:"RelatedRequirements,omitempty"`
	StatusReasons       []ASFFStatusReason `json:"StatusReasons,omitempty"`
	SecurityControlID   string             `json:"SecurityControlId,omitempty"`
}

// ASFFStatusReason is Compliance.StatusReasons[].
type ASFFStatusReason struct {
	ReasonCode  string `json:"ReasonCode"`
	Description string `json:"Description,omitempty"`
}

// ASFFFindingProviderFields carries Severity and Types again: AWS wants providers to send
// them here, and for new findings these win over the top-level values.
type ASFFFindingProviderFields struct {
	Severity *ASFFProviderSeverity `json:"Severity,omitempty"`
	Types    []string              `json:"Types,omitempty"`
}

// ASFFProviderSeverity is FindingProviderFields.Severity.
type ASFFProviderSeverity struct {
	Label    string `json:"Label,omitempty"`
	Original string `json:"Original,omitempty"`
}

// asffTypesNamespace is the Types prefix for every finding of this scanner.
const asffTypesNamespace = "Software and Configuration Checks/"

// frameworkNames maps rule framework keys to the ASFF Types entry (taxonomy, formats.md §2.3)
// and the RelatedRequirements prefix. Unknown keys add no Types entry and use the key itself
// as requirement prefix. A rule that mirrors a Security Hub control is a best-practice check,
// not part of AWS's own standard, so aws-securityhub maps to "AWS Security Best Practices".
var frameworkNames = map[string]struct{ types, requirement string }{
	finding.FrameworkSecurityHub: {asffTypesNamespace + "AWS Security Best Practices", "AWS Security Hub"},
	"cis-aws-foundations-v1.2.0": {asffStandards + "CIS AWS Foundations Benchmark", "CIS AWS Foundations Benchmark v1.2.0"},
	"cis-aws-foundations-v1.4.0": {asffStandards + "CIS AWS Foundations Benchmark", "CIS AWS Foundations Benchmark v1.4.0"},
	"cis-aws-foundations-v3.0.0": {asffStandards + "CIS AWS Foundations Benchmark", "CIS AWS Foundations Benchmark v3.0.0"},
	"pci-dss-v3.2.1":             {asffStandards + "PCI-DSS", "PCI DSS v3.2.1"},
	"pci-dss-v4.0.1":             {asffStandards + "PCI-DSS", "PCI DSS v4.0.1"},
	"nist-800-53-r5":             {asffStandards + "NIST 800-53 Controls (USA)", "NIST.800-53.r5"},
	"hipaa":                      {asffStandards + "HIPAA Controls (USA)", "HIPAA"},
	"soc2":                       {asffStandards + "SOC 2", "SOC 2"},
	"iso-27001":                  {asffStandards + "ISO 27001 Controls", "ISO 27001"},
}

// asffStandards is the Types prefix for regulatory frameworks.
const asffStandards = asffTypesNamespace + "Industry and Regulatory Standards/"

var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	arnPattern       = regexp.MustCompile(`^arn:(aws[a-z-]*):([a-z0-9-]*):([a-z0-9-]*):(\d{12})?:(.+)$`)
)

type asffReporter struct{ opts Options }

// Write encodes the findings as one JSON array (the batch-import-findings file shape).
func (a asffReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	out, err := buildASFF(r, a.opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write asff: %w", err)
	}
	return nil
}

// BuildASFF returns the report's findings in ASFF in report order: one per finding, except
// that an account-wide finding becomes one per Region (see buildASFF). The Security Hub
// pusher uses it; reporters keep it pure (the clock comes from opts.Now).
func BuildASFF(r *finding.Report, opts Options) ([]ASFFFinding, error) { return buildASFF(r, opts) }

// ASFFToolName is the tool name used in ASFF Ids and GeneratorIds for a report.
func ASFFToolName(r *finding.Report) string {
	if n := strings.TrimSpace(r.Tool.Name); n != "" {
		return n
	}
	return defaultToolName
}

// ASFFGeneratorID is the GeneratorId of a rule's findings: one per rule, so Security Hub
// groups by rule (a single static GeneratorId broke grouping in trivy#1896).
func ASFFGeneratorID(tool, ruleID string) string { return capID(tool + "/" + ruleID) }

// ASFFFindingID is the deterministic finding Id per rule + account + region + resource, so
// re-runs update a finding instead of duplicating it.
func ASFFFindingID(tool, ruleID, account, region, resource string) string {
	return capID(strings.Join([]string{tool, account, region, ruleID, resource}, "/"))
}

// DefaultProductARN is the own-account default product ARN of a Region, in that Region's
// partition (arn:aws-cn:… in cn-north-1, arn:aws-us-gov:… in us-gov-west-1).
func DefaultProductARN(region, account string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", awspartition.OrDefault(region), region, account, account)
}

// capID keeps an identifier within 512 bytes; a longer one keeps its head and ends in a hash
// of the whole, so it stays unique and deterministic.
func capID(id string) string {
	id = strings.ToValidUTF8(id, "\uFFFD")
	if escapedLen(id) <= asffMaxID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "#" + hex.EncodeToString(sum[:12])
	return strings.TrimSuffix(fit(id, asffMaxID-len(suffix)), ellipsis) + suffix
}

// timestamp is the ASFF timestamp of the report: opts.Now, else the report's GeneratedAt,
// always in UTC with a Z suffix (RFC 3339, millisecond precision like AWS's examples).
func asffTimestamp(r *finding.Report, opts Options) (now, observed string, err error) {
	var gen time.Time
	if r.GeneratedAt != "" {
		gen, err = time.Parse(time.RFC3339Nano, r.GeneratedAt)
		if err != nil {
			return "", "", fmt.Errorf("asff: report generated_at %q: %w", r.GeneratedAt, err)
		}
	}
	var t time.Time
	switch {
	case opts.Now != nil:
		t = opts.Now()
	case !gen.IsZero():
		t = gen
	default:
		return "", "", errors.New("asff: no timestamp: the report has no generated_at and no clock was given")
	}
	if gen.IsZero() {
		gen = t
	}
	return FormatASFFTime(t), FormatASFFTime(gen), nil
}

// FormatASFFTime formats t as an ASFF timestamp: UTC, millisecond precision, "Z".
func FormatASFFTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// buildASFF converts the report's findings. An account-wide finding (its Region is not an
// AWS Region, like the "global" of DBAUDIT-CT-001) becomes one ASFF finding per Region the
// report covered for its account, as Security Hub judges an AWS::::Account resource in each
// Region for CloudTrail.1: each has its own Id, Region and ProductArn, so it belongs to that
// Region's push scope. See accountRegions for a report that covers no Region of the account.
func buildASFF(r *finding.Report, opts Options) ([]ASFFFinding, error) {
	now, observed, err := asffTimestamp(r, opts)
	if err != nil {
		return nil, err
	}
	tool := ASFFToolName(r)
	covered := scannedRegions(r)
	out := make([]ASFFFinding, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		regions := []string{f.Region}
		if accountWide(f) {
			if regions, err = accountRegions(f, covered[f.AccountID], opts); err != nil {
				return nil, fmt.Errorf("asff: finding %d (%s on %s): %w", i, f.RuleID, f.ResourceID, err)
			}
		}
		for _, region := range regions {
			af, err := asffFinding(r, f, region, tool, now, observed, opts)
			if err != nil {
				return nil, fmt.Errorf("asff: finding %d (%s on %s): %w", i, f.RuleID, f.ResourceID, err)
			}
			out = append(out, af)
		}
	}
	return out, nil
}

// accountWide reports whether a finding concerns the whole account rather than one Region:
// its Region is set but is no AWS Region ("global"), or it is an AWS::::Account resource
// without a Region. A regional resource without a Region stays an error (asffFinding).
func accountWide(f *finding.Finding) bool {
	if f.Region == "" {
		return strings.HasPrefix(f.ResourceID, accountResourcePrefix)
	}
	_, ok := awspartition.Of(f.Region)
	return !ok
}

// accountResourcePrefix starts the resource id of an account (rules.lib.aws.account_resource).
const accountResourcePrefix = "AWS::::Account:"

// scannedRegions is the sorted, distinct AWS Regions the report covered, per account.
func scannedRegions(r *finding.Report) map[string][]string {
	out := map[string][]string{}
	for _, s := range r.Scanned {
		if _, ok := awspartition.Of(s.Region); ok && !slices.Contains(out[s.AccountID], s.Region) {
			out[s.AccountID] = append(out[s.AccountID], s.Region)
		}
	}
	for _, regions := range out {
		slices.Sort(regions)
	}
	return out
}

// accountRegions is where an account-wide finding is judged: every Region the report covered
// for its account. A report that covers none (a hand-built report, an account listed without
// Regions) falls back to the Region of opts.ProductARN, the Security Hub the findings are
// meant for; without one it is an error, never a guessed Region.
func accountRegions(f *finding.Finding, covered []string, opts Options) ([]string, error) {
	if !accountIDPattern.MatchString(f.AccountID) {
		return nil, fmt.Errorf("account id %q is not 12 digits (ASFF needs the AWS account)", f.AccountID)
	}
	if len(covered) > 0 {
		return covered, nil
	}
	if m := arnPattern.FindStringSubmatch(opts.ProductARN); m != nil {
		if _, ok := awspartition.Of(m[3]); ok {
			return []string{m[3]}, nil
		}
	}
	return nil, fmt.Errorf("account-wide finding (region %q) and the report covers no Region of account %s to report it in (scan a Region of the account, or give --product-arn)", f.Region, f.AccountID)
}

func asffFinding(r *finding.Report, f *finding.Finding, region, tool, now, observed string, opts Options) (ASFFFinding, error) {
	if !accountIDPattern.MatchString(f.AccountID) {
		return ASFFFinding{}, fmt.Errorf("account id %q is not 12 digits (ASFF needs the AWS account)", f.AccountID)
	}
	if err := awspartition.ValidRegion(region); err != nil {
		return ASFFFinding{}, fmt.Errorf("region %q is not an AWS Region (ASFF needs one)", region)
	}
	if blank(f.ResourceID) || blank(f.RuleID) {
		return ASFFFinding{}, errors.New("finding has no rule id or resource id")
	}
	rule := r.Rule(f.RuleID)
	if rule == nil {
		rule = &finding.Rule{ID: f.RuleID}
	}
	productARN := opts.ProductARN
	if productARN == "" {
		productARN = DefaultProductARN(region, f.AccountID)
	}

	types := asffTypes(rule)
	sev := ASFFSeverity{Label: f.Severity.String(), Original: fit(f.Severity.String(), asffMaxSeverityOrig)}
	af := ASFFFinding{
		SchemaVersion:   ASFFSchemaVersion,
		ID:              ASFFFindingID(tool, f.RuleID, f.AccountID, region, f.ResourceID),
		ProductArn:      productARN,
		GeneratorID:     ASFFGeneratorID(tool, f.RuleID),
		AwsAccountID:    f.AccountID,
		Types:           types,
		FirstObservedAt: observed,
		LastObservedAt:  observed,
		CreatedAt:       now,
		UpdatedAt:       now,
		Severity:        sev,
		Title:           fit(firstNonBlank(oneLineText(rule.Title), rule.ID), asffMaxTitle),
		Description:     fit(asffDescription(rule, f), asffMaxDescription),
		Remediation:     asffRemediation(rule),
		ProductFields:   asffProductFields(r, rule, f),
		Resources:       []ASFFResource{asffResource(f, region, partitionOf(f.ResourceID, region))},
		Compliance:      asffCompliance(rule, f),
		RecordState:     RecordActive,
		FindingProviderFields: &ASFFFindingProviderFields{
			Severity: &ASFFProviderSeverity{Label: sev.Label, Original: sev.Original},
			Types:    types,
		},
	}
	if u := firstNonBlank(rule.Remediation.URL, firstOf(rule.References)); u != "" {
		af.SourceURL = fit(u, asffMaxAnyField)
	}
	return af, nil
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// partitionOf is the Resources[].Partition of a resource: its ARN's, else its Region's; ""
// (omitted) for a partition the ASFF Partition enum does not name (aws, aws-cn, aws-us-gov
// and, spelled differently from the SDK, the ISO ones), rather than a guessed spelling.
func partitionOf(resourceID, region string) string {
	p := awspartition.OrDefault(region)
	if m := arnPattern.FindStringSubmatch(resourceID); m != nil {
		p = m[1]
	}
	if asffPartitions[p] {
		return p
	}
	return ""
}

// asffPartitions are the ASFF Partition enum values the SDK's partition ids match exactly.
var asffPartitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true}

func asffTypes(rule *finding.Rule) []string {
	var types []string
	seen := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(rule.Frameworks)) {
		name, ok := frameworkNames[k]
		if !ok || len(rule.Frameworks[k]) == 0 || seen[name.types] || len(types) >= asffMaxTypes {
			continue
		}
		seen[name.types] = true
		types = append(types, name.types)
	}
	if len(types) == 0 {
		types = []string{asffTypesNamespace + "AWS Security Best Practices"}
	}
	return types
}

func asffDescription(rule *finding.Rule, f *finding.Finding) string {
	parts := []string{oneLineText(f.Message)}
	if f.Evidence != "" {
		parts = append(parts, "Evidence: "+oneLineText(f.Evidence)+".")
	}
	switch f.Status {
	case finding.StatusNotEvaluated:
		parts = append(parts, "Not evaluated: "+oneLineText(firstNonBlank(f.Reason, "inputs missing or unresolvable"))+".")
	case finding.StatusWaived:
		parts = append(parts, "Waived: "+oneLineText(waiverText(f))+".")
	}
	d := strings.TrimSpace(strings.Join(nonBlank(parts), " "))
	return firstNonBlank(d, oneLineText(rule.Description), oneLineText(rule.Title), rule.ID)
}

func nonBlank(in []string) []string {
	out := in[:0:0]
	for _, s := range in {
		if !blank(s) {
			out = append(out, s)
		}
	}
	return out
}

func waiverText(f *finding.Finding) string {
	reason := f.Reason
	if f.Waiver != nil {
		reason = firstNonBlank(f.Waiver.Reason, reason)
		if f.Waiver.Owner != "" {
			reason += " (owner " + f.Waiver.Owner
			if f.Waiver.Expires != "" {
				reason += ", expires " + f.Waiver.Expires
			}
			reason += ")"
		} else if f.Waiver.Expires != "" {
			reason += " (expires " + f.Waiver.Expires + ")"
		}
	}
	return firstNonBlank(reason, "waived")
}

func asffRemediation(rule *finding.Rule) *ASFFRemediation {
	text := oneLineText(rule.Remediation.Text)
	if rule.Remediation.CLI != "" {
		text = strings.TrimSpace(text + " CLI: " + oneLineText(rule.Remediation.CLI))
	}
	rec := ASFFRecommendation{
		Text: fit(text, asffMaxRemediation),
		URL:  fit(firstNonBlank(rule.Remediation.URL, firstOf(rule.References)), asffMaxAnyField),
	}
	if blank(rec.Text) {
		rec.Text = ""
	}
	if blank(rec.URL) {
		rec.URL = ""
	}
	if rec.Text == "" && rec.URL == "" {
		return nil
	}
	return &ASFFRemediation{Recommendation: rec}
}

func asffProductFields(r *finding.Report, rule *finding.Rule, f *finding.Finding) map[string]string {
	pf := map[string]string{}
	add := func(key, val string) {
		val = fit(oneLineText(val), asffMaxFieldValue)
		if blank(val) || len(pf) >= asffMaxProductFields {
			return
		}
		pf[fit(productFieldPrefix+key, asffMaxFieldKey)] = val
	}
	add("RuleId", f.RuleID)
	add("Status", string(f.Status))
	add("ResourceType", f.ResourceType)
	add("ResourceName", f.ResourceName)
	add("Evidence", f.Evidence)
	add("Reason", f.Reason)
	add("ToolVersion", r.Tool.Version)
	if f.Location != nil && f.Location.File != "" {
		loc := f.Location.File
		if f.Location.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, f.Location.Line)
		}
		add("Location", loc)
	}
	if f.Waiver != nil {
		add("WaiverOwner", f.Waiver.Owner)
		add("WaiverExpires", f.Waiver.Expires)
		if f.Waiver.Expired {
			add("WaiverExpired", "true")
		}
	}
	if rule.Package != "" {
		add("RulePackage", rule.Package)
	}
	return pf
}

// asffResourceTypes are the resource types with an ASFF type of their own; everything else is
// "Other" with the scanner's type in Details.Other.
var asffResourceTypes = map[string]bool{
	"AwsRdsDbCluster":    true,
	"AwsRdsDbInstance":   true,
	"AwsCloudTrailTrail": true,
}

func asffResource(f *finding.Finding, region, partition string) ASFFResource {
	res := ASFFResource{
		Type:      "Other",
		ID:        fit(f.ResourceID, asffMaxAnyField),
		Partition: partition,
		Region:    fit(region, asffMaxResourceRegion),
	}
	name := firstNonBlank(f.ResourceName, resourceNameFromID(f.ResourceID))
	if asffResourceTypes[f.ResourceType] {
		res.Type = f.ResourceType
	}
	switch res.Type {
	case "AwsRdsDbCluster":
		if name != "" {
			res.Details = &ASFFResourceDetails{AwsRdsDbCluster: &ASFFRdsDbCluster{DbClusterIdentifier: fit(name, asffMaxAnyField)}}
		}
	case "AwsRdsDbInstance":
		if name != "" {
			res.Details = &ASFFResourceDetails{AwsRdsDbInstance: &ASFFRdsDbInstance{DBInstanceIdentifier: fit(name, asffMaxAnyField)}}
		}
	case "AwsCloudTrailTrail":
		t := &ASFFCloudTrailTrail{Name: fit(name, asffMaxAnyField)}
		if strings.HasPrefix(f.ResourceID, "arn:") {
			t.TrailArn = fit(f.ResourceID, asffMaxAnyField)
		}
		if t.Name != "" || t.TrailArn != "" {
			res.Details = &ASFFResourceDetails{AwsCloudTrailTrail: t}
		}
	default:
		other := map[string]string{}
		if v := fit(f.ResourceType, asffMaxOtherValue); !blank(v) {
			other["ResourceType"] = v
		}
		if v := fit(name, asffMaxOtherValue); !blank(v) {
			other["Name"] = v
		}
		if len(other) > 0 {
			res.Details = &ASFFResourceDetails{Other: other}
		}
	}
	return res
}

// resourceNameFromID takes the last path element of an ARN's resource part: the cluster or
// instance identifier, the trail name, the log group name.
func resourceNameFromID(id string) string {
	m := arnPattern.FindStringSubmatch(id)
	if m == nil {
		return ""
	}
	res := m[5]
	for _, p := range []string{"log-group:", "cluster:", "db:", "trail/"} {
		if strings.HasPrefix(res, p) {
			return strings.TrimSuffix(strings.TrimPrefix(res, p), ":*")
		}
	}
	return ""
}

func asffCompliance(rule *finding.Rule, f *finding.Finding) *ASFFCompliance {
	c := &ASFFCompliance{}
	switch f.Status {
	case finding.StatusFail:
		c.Status = ComplianceFailed
	case finding.StatusPass:
		c.Status = CompliancePassed
	case finding.StatusNotEvaluated:
		c.Status = ComplianceNotAvailable
		c.StatusReasons = []ASFFStatusReason{{
			ReasonCode:  "NOT_EVALUATED",
			Description: fit(oneLineText(firstNonBlank(f.Reason, "inputs missing or unresolvable")), asffMaxStatusReason),
		}}
	case finding.StatusWaived:
		// A waiver is an accepted risk, not a pass: keep it out of FAILED without claiming
		// PASSED. Workflow SUPPRESSED is the customer's, so the scanner cannot use it.
		c.Status = ComplianceNotAvailable
		c.StatusReasons = []ASFFStatusReason{{
			ReasonCode:  "WAIVED",
			Description: fit(oneLineText(waiverText(f)), asffMaxStatusReason),
		}}
	default:
		c.Status = ComplianceNotAvailable
	}
	controls := rule.SecurityHubControls()
	if len(controls) > 0 && !blank(controls[0]) {
		c.SecurityControlID = fit(controls[0], asffMaxAnyField)
	}
	for _, k := range slices.Sorted(maps.Keys(rule.Frameworks)) {
		prefix := k
		if n, ok := frameworkNames[k]; ok {
			prefix = n.requirement
		}
		for _, id := range rule.Frameworks[k] {
			if blank(id) || len(c.RelatedRequirements) >= asffMaxRequirements {
				continue
			}
			c.RelatedRequirements = append(c.RelatedRequirements, fit(prefix+"/"+id, asffMaxRequirement))
		}
	}
	return c
}
