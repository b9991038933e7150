package engine

import (
	"fmt"
	"strings"

	"github.com/dbaudit/scanner/internal/awspartition"
	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

type resourceInfo struct {
	account  string
	region   string
	name     string
	location *finding.Location
}

// resourceIndex maps the resource ids rules emit to where the resource lives.
type resourceIndex map[string]resourceInfo

// LogGroupID is the resource id of a log group (rules.lib.aws.log_group_arn), in the
// partition of its Region.
func LogGroupID(account, region, name string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", awspartition.OrDefault(region), region, account, name)
}

// AccountID is the resource id of an account (rules.lib.aws.account_resource).
func AccountID(account string) string { return "AWS::::Account:" + account }

func newResourceIndex(s *snapshot.Snapshot) resourceIndex {
	idx := resourceIndex{}
	for _, a := range s.Accounts {
		idx[AccountID(a.AccountID)] = resourceInfo{account: a.AccountID, name: a.AccountID}
		for _, r := range a.Regions {
			add := func(id, name string, d *snapshot.Derived) {
				if id == "" {
					return
				}
				info := resourceInfo{account: a.AccountID, region: r.Region, name: name}
				if d != nil && d.Location != nil {
					info.location = &finding.Location{File: d.Location.File, Line: d.Location.Line, Column: d.Location.Column}
				}
				if prev, ok := idx[id]; ok && prev.location != nil && info.location == nil {
					return
				}
				idx[id] = info
			}
			if rds := r.RDS; rds != nil {
				for _, c := range rds.DBClusters {
					add(c.DBClusterArn, c.DBClusterIdentifier, c.Derived)
				}
				for _, i := range rds.DBInstances {
					add(i.DBInstanceArn, i.DBInstanceIdentifier, i.Derived)
				}
				for _, g := range rds.DBClusterParameterGroups {
					add(g.DBClusterParameterGroupArn, g.DBClusterParameterGroupName, g.Derived)
				}
				for _, g := range rds.DBParameterGroups {
					add(g.DBParameterGroupArn, g.DBParameterGroupName, g.Derived)
				}
				for _, g := range rds.OptionGroups {
					add(g.OptionGroupArn, g.OptionGroupName, g.Derived)
				}
			}
			if r.Logs != nil {
				for name, g := range r.Logs.LogGroups {
					add(LogGroupID(a.AccountID, r.Region, name), name, g.Derived)
				}
			}
			if r.CloudWatch != nil {
				for _, al := range r.CloudWatch.MetricAlarms {
					add(al.AlarmArn, al.AlarmName, al.Derived)
				}
			}
			if r.CloudTrail != nil {
				for _, t := range r.CloudTrail.Trails {
					if t.HomeRegion != "" && t.HomeRegion != r.Region {
						continue // shadow copy: the home region's entry is the resource
					}
					add(t.TrailARN, t.Name, t.Derived)
				}
			}
		}
	}
	return idx
}

// lookup returns what the index knows, falling back to the ARN's own account and region.
func (idx resourceIndex) lookup(id string) resourceInfo {
	if info, ok := idx[id]; ok {
		return info
	}
	info := resourceInfo{}
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 {
			info.region, info.account = parts[3], parts[4]
		}
	}
	if acct, ok := strings.CutPrefix(id, "AWS::::Account:"); ok {
		info.account = acct
	}
	return info
}
