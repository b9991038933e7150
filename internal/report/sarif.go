package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/dbaudit/scanner/internal/finding"
)

// GitHub code scanning limits (shared/docs/formats.md §1.2, §1.4).
const (
	sarifSchemaURI      = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifMaxResults     = 5000 // GitHub keeps the top 5,000 per run; we cut in report order (FAIL, by severity)
	sarifMaxTags        = 20
	sarifMaxDescription = 1024
	sarifMaxName        = 255
	sarifMaxGzipBytes   = 10 << 20
)

// severityMap is the data table of formats.md §2.6: severity → SARIF level and
// security-severity (a numeric string; empty = omit).
var severityMap = map[finding.Severity]struct{ level, securitySeverity string }{
	finding.Critical:      {"error", "9.5"},
	finding.High:          {"error", "8.0"},
	finding.Medium:        {"warning", "5.5"},
	finding.Low:           {"note", "2.0"},
	finding.Informational: {"note", ""},
}

func sarifLevel(s finding.Severity) string {
	if m, ok := severityMap[s]; ok {
		return m.level
	}
	return "warning"
}

type sarifReporter struct{ opts Options }

// Write encodes the SARIF log and refuses one GitHub would reject for size.
func (s sarifReporter) Write(_ context.Context, w io.Writer, r *finding.Report) error {
	log, err := buildSARIF(r, s.opts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	if n, err := gzipSize(buf.Bytes()); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	} else if n > sarifMaxGzipBytes {
		return fmt.Errorf("write sarif: %d bytes gzip-compressed exceeds GitHub's 10 MB upload limit", n)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

func gzipSize(b []byte) (int, error) {
	var cw countWriter
	zw := gzip.NewWriter(&cw)
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// buildSARIF returns the SARIF log: one run, every rule of the report sorted by id, and one
// result per FAIL (kind fail), WAIVED (kind fail + an accepted external suppression) and
// NOT_EVALUATED (kind review, level note) finding. PASS findings are left out, so GitHub
// closes their alerts. At most 5,000 results, taken in report order (failing, highest
// severity first); the number left out is in run.properties.resultsOmitted.
func buildSARIF(r *finding.Report, opts Options) (*sarif.Report, error) {
	log, err := sarif.New(sarif.Version210, false)
	if err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	log.Schema = sarifSchemaURI

	driver := sarif.NewDriver(firstNonBlank(r.Tool.Name, defaultToolName))
	if v := strings.TrimSpace(r.Tool.Version); v != "" {
		driver.WithVersion(v)
		if semverLike(v) {
			driver.WithSemanticVersion(strings.TrimPrefix(v, "v"))
		}
	}
	driver.Rules = []*sarif.ReportingDescriptor{}
	run := sarif.NewRun(*sarif.NewTool(driver))
	log.AddRun(run)

	rules := slices.Clone(r.Rules)
	slices.SortFunc(rules, func(a, b *finding.Rule) int { return strings.Compare(a.ID, b.ID) })
	index := map[string]int{}
	for _, rule := range rules {
		if rule == nil || blank(rule.ID) {
			continue
		}
		if _, dup := index[rule.ID]; dup {
			return nil, fmt.Errorf("sarif: duplicate rule id %q", rule.ID)
		}
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule(rule))
	}

	omitted := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status == finding.StatusPass {
			continue
		}
		if len(run.Results) >= sarifMaxResults {
			omitted++
			continue
		}
		idx, ok := index[f.RuleID]
		if !ok {
			// A finding of a rule the report does not describe: add a minimal rule so the
			// result still has a stable ruleId and a ruleIndex.
			idx = len(driver.Rules)
			index[f.RuleID] = idx
			driver.Rules = append(driver.Rules, sarifRule(&finding.Rule{ID: f.RuleID, Severity: f.Severity}))
		}
		res, err := sarifResult(r, f, idx, opts)
		if err != nil {
			return nil, fmt.Errorf("sarif: finding %d (%s on %s): %w", i, f.RuleID, f.ResourceID, err)
		}
		run.Results = append(run.Results, res)
	}
	if omitted > 0 {
		run.Properties = sarif.Properties{"resultsOmitted": omitted, "resultsLimit": sarifMaxResults}
	}
	return log, nil
}

func semverLike(v string) bool {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(strings.SplitN(v, "-", 2)[0], ".", 4)
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func sarifRule(rule *finding.Rule) *sarif.ReportingDescriptor {
	title := firstNonBlank(oneLineText(rule.Title), rule.ID)
	full := firstNonBlank(oneLineText(rule.Description), title)
	d := sarif.NewRule(rule.ID)
	d.WithName(fit(title, sarifMaxName))
	d.WithShortDescription(sarif.NewMultiformatMessageString(fit(title, sarifMaxDescription)))
	d.WithFullDescription(sarif.NewMultiformatMessageString(fit(full, sarifMaxDescription)))
	text, md := sarifHelp(rule, title)
	d.WithHelp(sarif.NewMultiformatMessageString(text).WithMarkdown(md))
	if u := firstNonBlank(rule.Remediation.URL, firstOf(rule.References)); u != "" {
		d.WithHelpURI(u)
	}
	d.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity)))
	props := sarif.Properties{
		"tags":      sarifTags(rule),
		"precision": "high",
	}
	if m, ok := severityMap[rule.Severity]; ok && m.securitySeverity != "" {
		props["security-severity"] = m.securitySeverity
	}
	d.WithProperties(props)
	return d
}

// sarifHelp renders the rule's help: plain text and markdown (GitHub shows the markdown).
func sarifHelp(rule *finding.Rule, title string) (text, md string) {
	var t, m strings.Builder
	fmt.Fprintf(&t, "%s\n", title)
	fmt.Fprintf(&m, "**%s**\n\n", mdInline(title))
	if d := strings.TrimSpace(rule.Description); d != "" {
		fmt.Fprintf(&t, "\n%s\n", d)
		fmt.Fprintf(&m, "%s\n\n", d)
	}
	if rule.Remediation.Text != "" {
		fmt.Fprintf(&t, "\nRemediation: %s\n", rule.Remediation.Text)
		fmt.Fprintf(&m, "### Remediation\n\n%s\n\n", rule.Remediation.Text)
	}
	if rule.Remediation.CLI != "" {
		fmt.Fprintf(&t, "\nAWS CLI: %s\n", rule.Remediation.CLI)
		fmt.Fprintf(&m, "AWS CLI:\n\n```sh\n%s\n```\n\n", rule.Remediation.CLI)
	}
	if rule.Remediation.Terraform != "" {
		fmt.Fprintf(&t, "\nTerraform: %s\n", rule.Remediation.Terraform)
		fmt.Fprintf(&m, "Terraform:\n\n```hcl\n%s\n```\n\n", rule.Remediation.Terraform)
	}
	if keys := slices.Sorted(maps.Keys(rule.Frameworks)); len(keys) > 0 {
		fmt.Fprintf(&t, "\nCompliance:")
		fmt.Fprintf(&m, "### Compliance\n\n")
		for _, k := range keys {
			fmt.Fprintf(&t, " %s %s;", k, strings.Join(rule.Frameworks[k], ", "))
			fmt.Fprintf(&m, "- %s: %s\n", mdInline(k), mdInline(strings.Join(rule.Frameworks[k], ", ")))
		}
		t.WriteString("\n")
		m.WriteString("\n")
	}
	if len(rule.References) > 0 {
		t.WriteString("\nReferences:\n")
		m.WriteString("### References\n\n")
		for _, ref := range rule.References {
			fmt.Fprintf(&t, "- %s\n", ref)
			fmt.Fprintf(&m, "- <%s>\n", ref)
		}
	}
	return strings.TrimSpace(t.String()), strings.TrimSpace(m.String())
}

// sarifTags: "security" first, then the service, the Security Hub controls and the other
// framework ids as "key/id"; unique, at most 20 (GitHub rejects more and shows 10).
func sarifTags(rule *finding.Rule) []string {
	tags := []string{"security"}
	seen := map[string]bool{"security": true}
	add := func(t string) {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] || len(tags) >= sarifMaxTags {
			return
		}
		seen[t] = true
		tags = append(tags, t)
	}
	add(rule.Service)
	for _, c := range rule.SecurityHubControls() {
		add(c)
	}
	for _, k := range slices.Sorted(maps.Keys(rule.Frameworks)) {
		if k == finding.FrameworkSecurityHub {
			continue
		}
		for _, id := range rule.Frameworks[k] {
			add(k + "/" + id)
		}
	}
	return tags
}

func sarifResult(r *finding.Report, f *finding.Finding, ruleIdx int, opts Options) (*sarif.Result, error) {
	uri, line, col, err := sarifLocation(r, f, opts.BaseDir)
	if err != nil {
		return nil, err
	}
	region := sarif.NewRegion().WithStartLine(line)
	if col > 0 {
		region.WithStartColumn(col)
	}
	loc := sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
		WithRegion(region))

	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIdx).
		WithMessage(sarif.NewTextMessage(sarifMessage(f))).
		WithLocations([]*sarif.Location{loc}).
		WithPartialFingerPrints(map[string]interface{}{"primaryLocationLineHash": Fingerprint(f)})
	switch f.Status {
	case finding.StatusNotEvaluated:
		res.WithKind("review").WithLevel("note")
	default:
		res.WithKind("fail").WithLevel(sarifLevel(f.Severity))
	}
	if f.Status == finding.StatusWaived {
		res.Suppressions = []*sarif.Suppression{sarifSuppression(f, loc)}
	}
	props := sarif.Properties{"status": string(f.Status), "resourceId": f.ResourceID}
	for k, v := range map[string]string{
		"resourceType": f.ResourceType, "resourceName": f.ResourceName, "accountId": f.AccountID,
		"region": f.Region, "evidence": f.Evidence, "reason": f.Reason,
	} {
		if v != "" {
			props[k] = v
		}
	}
	res.Properties = props
	return res, nil
}

// sarifMessage: GitHub uses the first sentence as the alert title, so the finding's message
// comes first, then the resource, the evidence and any reason.
func sarifMessage(f *finding.Finding) string {
	msg := strings.TrimSpace(f.Message)
	if msg == "" {
		msg = f.RuleID + " " + strings.ToLower(string(f.Status))
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	lines := []string{msg, "Resource: " + f.ResourceID}
	if f.AccountID != "" || f.Region != "" {
		lines = append(lines, "Account/Region: "+strings.Trim(f.AccountID+"/"+f.Region, "/"))
	}
	if f.Evidence != "" {
		lines = append(lines, "Evidence: "+f.Evidence)
	}
	switch f.Status {
	case finding.StatusNotEvaluated:
		lines = append(lines, "Not evaluated: "+firstNonBlank(f.Reason, "inputs missing or unresolvable"))
	case finding.StatusWaived:
		lines = append(lines, "Waived: "+waiverText(f))
	case finding.StatusFail:
		if f.Waiver != nil && f.Waiver.Expired {
			lines = append(lines, "Waiver expired: "+firstNonBlank(f.Waiver.Expires, "yes"))
		}
	}
	return strings.Join(lines, "\n")
}

func sarifSuppression(f *finding.Finding, loc *sarif.Location) *sarif.Suppression {
	// go-sarif writes every suppression member (no omitempty), so all are set: an accepted,
	// externally persisted suppression with a GUID derived from the finding's identity.
	return sarif.NewSuppression("external").
		WithStatus("accepted").
		WithJustifcation(waiverText(f)).
		WithGuid(stableGUID("suppression", f.RuleID, f.AccountID, f.Region, f.ResourceID)).
		WithLocation(loc)
}

// Fingerprint is the result's primaryLocationLineHash: a hash of rule + account + region +
// resource shaped like GitHub's own ("39fa2ee980eb94b0:1"), stable across runs and
// independent of the file and line the resource was found at.
func Fingerprint(f *finding.Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.RuleID, f.AccountID, f.Region, f.ResourceID}, "\x00")))
	return hex.EncodeToString(sum[:8]) + ":1"
}

// stableGUID is a name-based (version 5 layout) GUID over the parts.
func stableGUID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// sarifLocation is the finding's file and line, else the report's first input at line 1,
// else the rule's source file at line 1. URIs are relative to baseDir, slash-separated and
// percent-encoded, so they are deterministic and repo-relative.
func sarifLocation(r *finding.Report, f *finding.Finding, baseDir string) (uri string, line, col int, err error) {
	file, line := "", 1
	if f.Location != nil && !blank(f.Location.File) {
		file = f.Location.File
		if f.Location.Line > 0 {
			line = f.Location.Line
			col = f.Location.Column
		}
	} else if len(r.Inputs) > 0 && !blank(r.Inputs[0]) {
		file = r.Inputs[0]
	} else if rule := r.Rule(f.RuleID); rule != nil && !blank(rule.File) {
		file = rule.File
	}
	if file == "" {
		return "", 0, 0, errors.New("no location: the finding, the report's inputs and the rule name no file")
	}
	if col < 1 {
		col = 0
	}
	return artifactURI(file, baseDir), line, col, nil
}

func artifactURI(file, baseDir string) string {
	if baseDir != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(baseDir, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	// Backslashes are separators whichever OS wrote the path, so URIs match across OSes.
	p := path.Clean(strings.ReplaceAll(filepath.ToSlash(file), `\`, "/"))
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).String()
}
