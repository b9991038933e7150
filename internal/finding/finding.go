// Package finding is the contract between the engine and the reporters: the rule catalogue,
// the per-resource findings and the report that carries them.
package finding

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Severity ranks a rule; the labels are the ASFF Severity.Label values.
type Severity int

// Severities, lowest first.
const (
	Informational Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (s Severity) String() string {
	if s < Informational || s > Critical {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts a severity label in any case.
func ParseSeverity(s string) (Severity, error) {
	for i, name := range severityNames {
		if strings.EqualFold(s, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalText makes severities appear as their labels in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity label.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is a finding's outcome.
type Status string

// Statuses. NotEvaluated means the inputs were missing or unresolvable; it is never a pass.
const (
	StatusFail         Status = "FAIL"
	StatusPass         Status = "PASS"
	StatusNotEvaluated Status = "NOT_EVALUATED"
	StatusWaived       Status = "WAIVED"
)

// Remediation tells how to fix a failing resource.
type Remediation struct {
	Text      string `json:"text"`
	CLI       string `json:"cli,omitempty"`
	Terraform string `json:"terraform,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Framework keys used in rule metadata (custom.frameworks).
const (
	FrameworkSecurityHub = "aws-securityhub" // Security Hub CSPM control ids, e.g. RDS.34
)

var ruleIDFormat = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// ValidRuleID reports whether id has the rule id format: upper-case words joined by dashes,
// e.g. DBAUDIT-RDS-001.
func ValidRuleID(id string) bool { return ruleIDFormat.MatchString(id) }

// Rule is one rule's static description, read from its METADATA block.
type Rule struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Description  string      `json:"description"`
	Severity     Severity    `json:"severity"`
	Service      string      `json:"service"`
	ResourceType string      `json:"resource_type"`
	Remediation  Remediation `json:"remediation"`
	// Frameworks maps a framework key to its control / requirement ids.
	Frameworks map[string][]string `json:"frameworks,omitempty"`
	References []string            `json:"references,omitempty"`
	// Package is the Rego package path, e.g. rules.aws.rds.aurora_mysql_audit_export.
	Package string `json:"package"`
	// File is the rule's source file inside the rule set.
	File string `json:"file"`
	// Parameters are the rule parameters (rules.lib.params) the rule reads.
	Parameters []string `json:"parameters,omitempty"`
}

// SecurityHubControls returns the rule's Security Hub control ids (may be empty).
func (r *Rule) SecurityHubControls() []string { return r.Frameworks[FrameworkSecurityHub] }

// Location is a place in a scanned input file.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Finding is one rule's verdict on one resource.
type Finding struct {
	RuleID       string   `json:"rule_id"`
	Status       Status   `json:"status"`
	Severity     Severity `json:"severity"`
	ResourceID   string   `json:"resource_id"`
	ResourceType string   `json:"resource_type"`
	ResourceName string   `json:"resource_name,omitempty"`
	AccountID    string   `json:"account_id,omitempty"`
	Region       string   `json:"region,omitempty"`
	Message      string   `json:"message"`
	// Evidence is what was observed, e.g. "server_audit_logging=0 (engine-default)".
	Evidence string `json:"evidence,omitempty"`
	// Reason explains a NOT_EVALUATED or WAIVED status.
	Reason   string    `json:"reason,omitempty"`
	Location *Location `json:"location,omitempty"`
	// Waiver describes the waiver that applied (Status == WAIVED) or expired.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Waiver is the part of a waiver a report shows.
type Waiver struct {
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
	Expired bool   `json:"expired,omitempty"`
}

// Gap is a piece of data the scan could not collect or resolve.
type Gap struct {
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region,omitempty"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Resource  string `json:"resource,omitempty"`
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
}

// AccountRegion names one region of one account.
type AccountRegion struct {
	AccountID string
	Region    string
}

// Tool names the scanner build that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Report is everything reporters need. Findings are sorted by SortFindings.
type Report struct {
	Tool Tool `json:"tool"`
	// GeneratedAt is the snapshot time (RFC 3339), not the wall clock.
	GeneratedAt string `json:"generated_at,omitempty"`
	// Inputs are the scanned files (repo-relative where possible).
	Inputs   []string  `json:"inputs,omitempty"`
	Rules    []*Rule   `json:"-"`
	Findings []Finding `json:"findings"`
	Gaps     []Gap     `json:"collection_gaps,omitempty"`
	// Scanned lists every account and region the input covered, findings or not, so a
	// Security Hub push can resolve the old findings of a region that now has none.
	Scanned []AccountRegion `json:"-"`
	// Compliance summarises the findings per control of the frameworks selected with
	// --framework (empty without it).
	Compliance []FrameworkSummary `json:"compliance_summary,omitempty"`
	// StaleWaivers are waivers that matched no failing finding of an evaluated rule.
	StaleWaivers []StaleWaiver `json:"stale_waivers,omitempty"`
}

// Control statuses of a compliance summary: FAIL if any finding failed, else NOT_EVALUATED
// if any could not be evaluated, else WAIVED if any failure was waived, else PASS; NO_DATA
// when no resource was in scope.
const (
	ControlFail         = "FAIL"
	ControlNotEvaluated = "NOT_EVALUATED"
	ControlWaived       = "WAIVED"
	ControlPass         = "PASS"
	ControlNoData       = "NO_DATA"
)

// FrameworkSummary is one framework's controls with finding counts.
type FrameworkSummary struct {
	// Framework is the metadata key, e.g. aws-securityhub or cis-aws-foundations-v1.4.0.
	Framework string           `json:"framework"`
	Name      string           `json:"name"`
	Controls  []ControlSummary `json:"controls"`
}

// ControlSummary counts the findings of the rules mapped to one framework control.
type ControlSummary struct {
	ID           string   `json:"id"`
	Status       string   `json:"status"`
	Rules        []string `json:"rules"`
	Pass         int      `json:"pass"`
	Fail         int      `json:"fail"`
	NotEvaluated int      `json:"not_evaluated"`
	Waived       int      `json:"waived"`
}

// StaleWaiver is a waiver that matched nothing, so it can be removed (or is mistyped).
type StaleWaiver struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Account  string `json:"account_id,omitempty"`
	Region   string `json:"region,omitempty"`
	Reason   string `json:"reason"`
	Owner    string `json:"owner,omitempty"`
	Expires  string `json:"expires,omitempty"`
	Expired  bool   `json:"expired,omitempty"`
	// Source is where the waiver is defined, e.g. scanner.yaml:14.
	Source string `json:"source,omitempty"`
	// Why says what did not match.
	Why string `json:"why"`
}

// Rule returns the rule with the given id, or nil.
func (r *Report) Rule(id string) *Rule {
	for _, rule := range r.Rules {
		if rule.ID == id {
			return rule
		}
	}
	return nil
}

// Counts tallies findings by status.
func (r *Report) Counts() map[Status]int {
	c := map[Status]int{}
	for _, f := range r.Findings {
		c[f.Status]++
	}
	return c
}

// FailingAtOrAbove reports how many FAIL findings have at least the given severity.
func (r *Report) FailingAtOrAbove(min Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == StatusFail && f.Severity >= min {
			n++
		}
	}
	return n
}

var statusOrder = map[Status]int{StatusFail: 0, StatusNotEvaluated: 1, StatusWaived: 2, StatusPass: 3}

// SortFindings orders findings: status (FAIL first), severity (highest first), rule id,
// account, region, resource, message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if statusOrder[a.Status] != statusOrder[b.Status] {
			return statusOrder[a.Status] < statusOrder[b.Status]
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		for _, p := range [][2]string{{a.RuleID, b.RuleID}, {a.AccountID, b.AccountID}, {a.Region, b.Region}, {a.ResourceID, b.ResourceID}, {a.Message, b.Message}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}
