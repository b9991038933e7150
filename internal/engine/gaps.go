package engine

import (
	"fmt"
	"strings"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// A rule judges the resources a listing call found. When that call failed (a collection
// gap), the rule has nothing to judge in the gap's account and Region, and without help its
// findings there would vanish: the report would look clean where nothing was read. So for
// each rule whose resources a failed listing hides, scopeFindings adds one NOT_EVALUATED
// finding on the account (AWS::::Account:ID, in the gap's Region) whose reason names the
// gap — unless the rule already reported a NOT_EVALUATED there naming it.

type listingCall struct{ service, operation string }

// hiddenBy lists, per rule service (custom.service), the listing calls whose failure in a
// Region hides the rule's resources there. Logs rules judge the log groups of the RDS
// databases and of the trails, so the database and trail listings hide theirs too.
var hiddenBy = map[string][]listingCall{
	"rds":        {{"rds", "DescribeDBClusters"}, {"rds", "DescribeDBInstances"}},
	"logs":       {{"rds", "DescribeDBClusters"}, {"rds", "DescribeDBInstances"}, {"logs", "DescribeLogGroups"}, {"cloudtrail", "DescribeTrails"}},
	"cloudtrail": {{"cloudtrail", "DescribeTrails"}},
}

// accountListings are account-level calls whose failure hides resources of every rule: the
// member account's role (nothing was read) and the Region list (only the default Region was
// read).
var accountListings = []listingCall{{"sts", "AssumeRole"}, {"ec2", "DescribeRegions"}}

// hidingGap reports whether g is a failed listing that hides rule's resources.
func hidingGap(rule *finding.Rule, g snapshot.Gap) bool {
	call := listingCall{g.Service, g.Operation}
	if g.Region == "" {
		for _, c := range accountListings {
			if c == call {
				return true
			}
		}
		return false
	}
	if call == (listingCall{"logs", "DescribeLogGroups"}) && g.Resource != "" && !strings.HasPrefix(g.Resource, "/aws/rds") {
		return false // one trail's log group: the rules name it
	}
	for _, c := range hiddenBy[rule.Service] {
		if c == call {
			return true
		}
	}
	return false
}

func gapReason(g snapshot.Gap) string {
	return fmt.Sprintf("%s %s failed: %s", g.Service, g.Operation, g.ErrorCode)
}

// scopeFindings returns the NOT_EVALUATED findings of rule for the gaps that hide its
// resources and that its own findings do not already name.
func scopeFindings(rule *finding.Rule, gaps []snapshot.Gap, have []finding.Finding) []finding.Finding {
	var out []finding.Finding
	seen := map[string]bool{}
	for _, g := range gaps {
		if g.AccountID == "" || !hidingGap(rule, g) {
			continue
		}
		reason := gapReason(g)
		region := g.Region
		if region == "" {
			region = "global"
		}
		key := g.AccountID + "\x00" + region + "\x00" + reason
		if seen[key] || named(have, g.AccountID, g.Region, reason) {
			continue
		}
		seen[key] = true
		what := "its resources in " + g.Region
		if g.Region == "" {
			what = "its resources in account " + g.AccountID
			if g.Operation == "DescribeRegions" {
				what += " outside the default Region"
			}
		}
		reason = fmt.Sprintf("%s; %s are not known", reason, what)
		out = append(out, finding.Finding{
			RuleID:       rule.ID,
			Status:       finding.StatusNotEvaluated,
			Severity:     rule.Severity,
			ResourceID:   AccountID(g.AccountID),
			ResourceType: "AwsAccount",
			ResourceName: g.AccountID,
			AccountID:    g.AccountID,
			Region:       region,
			Message:      "Not evaluated: " + reason,
			Reason:       reason,
		})
	}
	return out
}

// named reports whether a NOT_EVALUATED finding of the account (in the Region of a regional
// gap, or account-wide) already gives reason.
func named(have []finding.Finding, account, region, reason string) bool {
	for _, f := range have {
		sameScope := region == "" || f.Region == region || strings.HasPrefix(f.ResourceID, AccountID(""))
		if f.Status == finding.StatusNotEvaluated && f.AccountID == account && sameScope &&
			strings.Contains(f.Reason, reason) {
			return true
		}
	}
	return false
}
