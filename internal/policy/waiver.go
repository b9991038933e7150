package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
)

// Waiver accepts the failing findings of one rule on matching resources until it expires.
//
// Rule, Resource, Account and Region are matched with Match (exact, or a glob where `*`
// matches any run of characters, `/` and `:` included, and `?` one character). Resource is
// matched against the finding's resource id (an ARN). Account and Region are optional.
type Waiver struct {
	Rule     string
	Resource string
	Account  string
	Region   string
	Reason   string
	Owner    string
	// Expires is the last day (UTC) the waiver applies.
	Expires time.Time
	// Source is where the waiver is defined ("scanner.yaml:14").
	Source string
}

// ExpiresText is the expiry date as written (YYYY-MM-DD).
func (w Waiver) ExpiresText() string { return w.Expires.Format(time.DateOnly) }

// Expired reports whether the waiver no longer applies at now: it applies through the whole
// expiry day in UTC.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// Matches reports whether the waiver covers a finding (whatever its status).
func (w Waiver) Matches(f finding.Finding) bool {
	if !Match(w.Rule, f.RuleID) || !Match(w.Resource, f.ResourceID) {
		return false
	}
	if w.Account != "" && !Match(w.Account, f.AccountID) {
		return false
	}
	if w.Region != "" && !Match(w.Region, f.Region) {
		return false
	}
	return true
}

// Scope says which rules a scan loaded and which it evaluated. Waivers for rules that were
// loaded but not selected are left alone (neither applied nor stale).
type Scope struct {
	Loaded   []string
	Selected []string
}

// Apply waives the FAIL findings a live waiver matches (status WAIVED, Reason and Waiver
// set) and annotates those only an expired waiver matches (they stay FAIL, with
// Waiver.Expired and a Reason saying when it expired). It returns the waivers that matched
// no failing finding of an evaluated rule, so they can be reported as stale. The first
// live waiver in file order wins; findings are modified in place and not re-sorted.
func Apply(findings []finding.Finding, waivers []Waiver, scope Scope, now time.Time) []finding.StaleWaiver {
	used := make([]bool, len(waivers))
	for i := range findings {
		f := &findings[i]
		if f.Status != finding.StatusFail {
			continue
		}
		live, expired := -1, -1
		for wi, w := range waivers {
			if !w.Matches(*f) {
				continue
			}
			used[wi] = true
			if w.Expired(now) {
				if expired < 0 || waivers[expired].Expires.Before(w.Expires) {
					expired = wi
				}
				continue
			}
			if live < 0 {
				live = wi
			}
		}
		switch {
		case live >= 0:
			w := waivers[live]
			f.Status = finding.StatusWaived
			f.Reason = w.Reason
			f.Waiver = &finding.Waiver{Reason: w.Reason, Owner: w.Owner, Expires: w.ExpiresText()}
		case expired >= 0:
			w := waivers[expired]
			f.Reason = fmt.Sprintf("waiver expired on %s: %s", w.ExpiresText(), w.Reason)
			f.Waiver = &finding.Waiver{Reason: w.Reason, Owner: w.Owner, Expires: w.ExpiresText(), Expired: true}
		}
	}

	var stale []finding.StaleWaiver
	for wi, w := range waivers {
		if used[wi] {
			continue
		}
		why := ""
		switch {
		case !anyMatch(w.Rule, scope.Loaded):
			why = fmt.Sprintf("no loaded rule matches %q", w.Rule)
		case !anyMatch(w.Rule, scope.Selected):
			continue // the rule was not evaluated in this scan
		default:
			why = "matches no failing finding"
		}
		stale = append(stale, finding.StaleWaiver{
			Rule: w.Rule, Resource: w.Resource, Account: w.Account, Region: w.Region,
			Reason: w.Reason, Owner: w.Owner, Expires: w.ExpiresText(), Expired: w.Expired(now),
			Source: w.Source, Why: why,
		})
	}
	return stale
}

func anyMatch(pattern string, ids []string) bool {
	for _, id := range ids {
		if Match(pattern, id) {
			return true
		}
	}
	return false
}

// Match reports whether s matches pattern: `*` matches any run of characters (including
// `/` and `:`, so one pattern covers an ARN's path), `?` matches one character, and `\`
// escapes the next character. Everything else matches itself.
func Match(pattern, s string) bool {
	p := []rune(pattern)
	r := []rune(s)
	// Iterative wildcard matching with one backtrack point for the last `*`.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == r[si]:
			pi += 2
			si++
		case pi < len(p) && p[pi] != '\\' && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// checkPattern rejects patterns Match would treat oddly.
func checkPattern(p string) error {
	// An odd run of trailing backslashes ends with a lone one: `a\\\` is an escaped
	// backslash and then an unfinished escape, which Match would never match.
	if n := len(p) - len(strings.TrimRight(p, "\\")); n%2 == 1 {
		return errors.New("pattern ends with an unfinished escape (\\)")
	}
	return nil
}
