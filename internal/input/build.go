package input

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dbaudit/scanner/internal/awspartition"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// Defaults used for infrastructure code when neither the file, the directory names nor the
// options say which account and region it deploys to (docs/inputs.md).
const (
	DefaultRegion  = "us-east-1"
	DefaultAccount = "000000000000"
)

var (
	regionRe  = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-[a-z]+-\d$`)
	accountRe = regexp.MustCompile(`^\d{12}$`)
	arnRe     = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):(\d{12}|):`)
)

// isRegion reports whether s looks like an AWS region name.
func isRegion(s string) bool { return regionRe.MatchString(s) }

// arnRegionAccount returns the region and account of an ARN ("" when absent).
func arnRegionAccount(arn string) (region, account string, ok bool) {
	m := arnRe.FindStringSubmatch(arn)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// builder collects resources per account and region into one snapshot.
type builder struct {
	kind    string
	files   []string
	gaps    []snapshot.Gap
	order   []string
	regions map[string]*snapshot.Region // key: account + "/" + region
}

func newBuilder(kind string) *builder {
	return &builder{kind: kind, regions: map[string]*snapshot.Region{}}
}

func (b *builder) region(account, region string) *snapshot.Region {
	key := account + "/" + region
	r, ok := b.regions[key]
	if !ok {
		r = &snapshot.Region{Region: region}
		b.regions[key] = r
		b.order = append(b.order, key)
	}
	return r
}

func (b *builder) rds(account, region string) *snapshot.RDS {
	r := b.region(account, region)
	if r.RDS == nil {
		r.RDS = &snapshot.RDS{
			DBClusters:               []snapshot.DBCluster{},
			DBInstances:              []snapshot.DBInstance{},
			DBClusterParameterGroups: map[string]snapshot.DBClusterParameterGroup{},
			DBParameterGroups:        map[string]snapshot.DBParameterGroup{},
			OptionGroups:             map[string]snapshot.OptionGroup{},
		}
	}
	return r.RDS
}

func (b *builder) logs(account, region string) *snapshot.Logs {
	r := b.region(account, region)
	if r.Logs == nil {
		r.Logs = &snapshot.Logs{LogGroups: map[string]snapshot.LogGroup{}}
	}
	return r.Logs
}

func (b *builder) cloudwatch(account, region string) *snapshot.CloudWatch {
	r := b.region(account, region)
	if r.CloudWatch == nil {
		r.CloudWatch = &snapshot.CloudWatch{MetricAlarms: map[string]snapshot.MetricAlarm{}}
	}
	return r.CloudWatch
}

func (b *builder) cloudtrail(account, region string) *snapshot.CloudTrail {
	r := b.region(account, region)
	if r.CloudTrail == nil {
		r.CloudTrail = &snapshot.CloudTrail{Trails: []snapshot.Trail{}}
	}
	return r.CloudTrail
}

// snapshot assembles the collected regions; accounts and regions are sorted for stable output.
func (b *builder) snapshot() *snapshot.Snapshot {
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{}}
	if b.kind != "" {
		s.Source = &snapshot.Source{Kind: b.kind, Files: b.files}
	}
	keys := append([]string(nil), b.order...)
	sort.Strings(keys)
	idx := map[string]int{}
	for _, k := range keys {
		account, _, _ := strings.Cut(k, "/")
		i, ok := idx[account]
		if !ok {
			idx[account] = len(s.Accounts)
			s.Accounts = append(s.Accounts, snapshot.Account{AccountID: account, Regions: []snapshot.Region{}})
			i = len(s.Accounts) - 1
		}
		r := b.regions[k]
		finishRegion(r)
		s.Accounts[i].Regions = append(s.Accounts[i].Regions, *r)
	}
	s.CollectionGaps = b.gaps
	return s
}

// finishRegion fills the containers the schema requires (no nulls), sorts lists for stable
// output and links members and alarms.
func finishRegion(r *snapshot.Region) {
	if r.RDS != nil {
		for k, g := range r.RDS.DBClusterParameterGroups {
			if g.Parameters == nil {
				g.Parameters = map[string]snapshot.Parameter{}
				r.RDS.DBClusterParameterGroups[k] = g
			}
		}
		for k, g := range r.RDS.DBParameterGroups {
			if g.Parameters == nil {
				g.Parameters = map[string]snapshot.Parameter{}
				r.RDS.DBParameterGroups[k] = g
			}
		}
		for k, g := range r.RDS.OptionGroups {
			if g.Options == nil {
				g.Options = []snapshot.Option{}
				r.RDS.OptionGroups[k] = g
			}
		}
		for k, d := range r.RDS.EngineDefaultClusterParameters {
			if d.Parameters == nil {
				d.Parameters = map[string]snapshot.Parameter{}
				r.RDS.EngineDefaultClusterParameters[k] = d
			}
		}
		for k, d := range r.RDS.EngineDefaultParameters {
			if d.Parameters == nil {
				d.Parameters = map[string]snapshot.Parameter{}
				r.RDS.EngineDefaultParameters[k] = d
			}
		}
	}
	if r.Logs != nil {
		for k, g := range r.Logs.LogGroups {
			if g.MetricFilters == nil {
				g.MetricFilters = []snapshot.MetricFilter{}
			}
			if g.SubscriptionFilters == nil {
				g.SubscriptionFilters = []snapshot.SubscriptionFilter{}
			}
			for i := range g.MetricFilters {
				if g.MetricFilters[i].MetricTransformations == nil {
					g.MetricFilters[i].MetricTransformations = []snapshot.MetricTransformation{}
				}
			}
			sort.SliceStable(g.MetricFilters, func(i, j int) bool { return g.MetricFilters[i].FilterName < g.MetricFilters[j].FilterName })
			sort.SliceStable(g.SubscriptionFilters, func(i, j int) bool {
				return g.SubscriptionFilters[i].FilterName < g.SubscriptionFilters[j].FilterName
			})
			r.Logs.LogGroups[k] = g
		}
	}
}

// linkMembers fills DBCluster.DBClusterMembers from the instances that name the cluster,
// for infrastructure code (the API reports members on the cluster; templates and plans
// declare the link on the instance).
func linkMembers(r *snapshot.RDS) {
	if r == nil {
		return
	}
	for i := range r.DBClusters {
		c := &r.DBClusters[i]
		if len(c.DBClusterMembers) > 0 {
			continue
		}
		for _, in := range r.DBInstances {
			if in.DBClusterIdentifier != "" && in.DBClusterIdentifier == c.DBClusterIdentifier {
				c.DBClusterMembers = append(c.DBClusterMembers, snapshot.DBClusterMember{DBInstanceIdentifier: in.DBInstanceIdentifier})
			}
		}
	}
}

// unknownList adds API member names to a resource's derived.unknown_attributes, sorted and
// without duplicates.
func addUnknown(d **snapshot.Derived, members ...string) {
	if len(members) == 0 {
		return
	}
	if *d == nil {
		*d = &snapshot.Derived{}
	}
	set := map[string]bool{}
	for _, m := range (*d).UnknownAttributes {
		set[m] = true
	}
	for _, m := range members {
		set[m] = true
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	(*d).UnknownAttributes = out
}

func withLocation(d **snapshot.Derived, loc *snapshot.Location) {
	if loc == nil {
		return
	}
	if *d == nil {
		*d = &snapshot.Derived{}
	}
	(*d).Location = loc
}

// Synthesized ARNs for infrastructure code, whose resources have no ARN before they exist.
// The partition follows the Region (arn:aws-cn:… in cn-north-1).
func clusterARN(region, account, id string) string {
	return regionalARN("rds", region, account, "cluster:"+id)
}
func instanceARN(region, account, id string) string {
	return regionalARN("rds", region, account, "db:"+id)
}
func clusterPGARN(region, account, name string) string {
	return regionalARN("rds", region, account, "cluster-pg:"+name)
}
func instancePGARN(region, account, name string) string {
	return regionalARN("rds", region, account, "pg:"+name)
}
func optionGroupARN(region, account, name string) string {
	return regionalARN("rds", region, account, "og:"+name)
}
func logGroupARN(region, account, name string) string {
	return regionalARN("logs", region, account, "log-group:"+name)
}
func alarmARN(region, account, name string) string {
	return regionalARN("cloudwatch", region, account, "alarm:"+name)
}
func trailARN(region, account, name string) string {
	return regionalARN("cloudtrail", region, account, "trail/"+name)
}

// placeholderARN stands for a resource outside the snapshot model (a KMS key, an IAM role,
// an SNS topic) that the code references but whose identifier exists only after deployment.
// Its resource part is the Terraform address or CloudFormation logical id, so the value is
// stable and says where it comes from; rules only test such members for presence.
func placeholderARN(service, region, account, address string) string {
	return regionalARN(service, region, account, address)
}

// regionalARN is arn:<partition of region>:<service>:<region>:<account>:<resource>.
func regionalARN(service, region, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", awspartition.OrDefault(region), service, region, account, resource)
}

// defaultParameterGroupFamily derives the family of the default parameter group RDS assigns
// when code names none ("default.<family>"); "" when the engine version does not say.
func defaultParameterGroupFamily(engine, version string) string {
	if version == "" {
		return ""
	}
	parts := strings.Split(version, ".")
	switch engine {
	case "aurora-mysql":
		// 5.7.mysql_aurora.2.x, 8.0.mysql_aurora.3.x, or "8.0"
		if len(parts) >= 2 {
			return "aurora-mysql" + parts[0] + "." + parts[1]
		}
	case "aurora-postgresql":
		return "aurora-postgresql" + parts[0]
	case "mysql", "mariadb":
		if len(parts) >= 2 {
			return engine + parts[0] + "." + parts[1]
		}
	case "postgres":
		if p, _ := atoiSafe(parts[0]); p >= 10 {
			return "postgres" + parts[0]
		}
		if len(parts) >= 2 {
			return "postgres" + parts[0] + "." + parts[1]
		}
	}
	return ""
}

func atoiSafe(s string) (int, bool) {
	n := 0
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

func boolPtr(b bool) *bool { return &b }

// trailDeliveryAttributes are the GetTrailStatus members that only a running trail has.
var trailDeliveryAttributes = []string{"LatestDeliveryTime", "LatestDeliveryError", "LatestCloudWatchLogsDeliveryTime", "LatestCloudWatchLogsDeliveryError"}

// markDeliveryUnknown lists a configured trail's delivery status as unknown.
func markDeliveryUnknown(d *snapshot.Derived) *snapshot.Derived {
	if d == nil {
		d = &snapshot.Derived{}
	}
	for _, a := range trailDeliveryAttributes {
		if !slices.Contains(d.UnknownAttributes, a) {
			d.UnknownAttributes = append(d.UnknownAttributes, a)
		}
	}
	return d
}
