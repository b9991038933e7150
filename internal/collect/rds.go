package collect

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// outOfScopeEngines are returned by the RDS API but are not RDS/Aurora databases.
var outOfScopeEngines = map[string]bool{"neptune": true, "docdb": true}

func inScope(engine *string) bool {
	return !outOfScopeEngines[strings.ToLower(aws.ToString(engine))]
}

// rdsState accumulates one region's RDS data across concurrent calls.
type rdsState struct {
	mu       sync.Mutex
	out      *snapshot.RDS
	families map[string]bool // "cluster:<family>" / "instance:<family>" whose defaults were requested
}

// collectRDS reads clusters and instances, then each distinct parameter group, option group
// and engine-default family once. It returns nil when the clusters or instances could not
// be listed: a partial listing would let rules pass on missing resources.
func (r *regionRun) collectRDS(ctx context.Context, api RDSAPI) *snapshot.RDS {
	var clusters []rdstypes.DBCluster
	var instances []rdstypes.DBInstance
	var okC, okI bool
	var wg sync.WaitGroup
	wg.Go(func() {
		p := rds.NewDescribeDBClustersPaginator(api, &rds.DescribeDBClustersInput{})
		okC = r.pages(ctx, "rds", "DescribeDBClusters", "", p.HasMorePages, func(ctx context.Context) error {
			out, err := p.NextPage(ctx)
			if err == nil {
				clusters = append(clusters, out.DBClusters...)
			}
			return err
		})
	})
	wg.Go(func() {
		p := rds.NewDescribeDBInstancesPaginator(api, &rds.DescribeDBInstancesInput{})
		okI = r.pages(ctx, "rds", "DescribeDBInstances", "", p.HasMorePages, func(ctx context.Context) error {
			out, err := p.NextPage(ctx)
			if err == nil {
				instances = append(instances, out.DBInstances...)
			}
			return err
		})
	})
	wg.Wait()
	if !okC || !okI {
		return nil
	}

	st := &rdsState{
		out: &snapshot.RDS{
			DBClusters:                     []snapshot.DBCluster{},
			DBInstances:                    []snapshot.DBInstance{},
			DBClusterParameterGroups:       map[string]snapshot.DBClusterParameterGroup{},
			DBParameterGroups:              map[string]snapshot.DBParameterGroup{},
			OptionGroups:                   map[string]snapshot.OptionGroup{},
			EngineDefaultClusterParameters: map[string]snapshot.EngineDefaults{},
			EngineDefaultParameters:        map[string]snapshot.EngineDefaults{},
		},
		families: map[string]bool{},
	}
	clusterGroups, dbGroups, optionGroups := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range clusters {
		if !inScope(c.Engine) {
			continue
		}
		st.out.DBClusters = append(st.out.DBClusters, dbCluster(c))
		if g := aws.ToString(c.DBClusterParameterGroup); g != "" {
			clusterGroups[g] = true
		}
		for _, m := range c.DBClusterOptionGroupMemberships {
			if n := aws.ToString(m.DBClusterOptionGroupName); n != "" {
				optionGroups[n] = true
			}
		}
	}
	for _, i := range instances {
		if !inScope(i.Engine) {
			continue
		}
		st.out.DBInstances = append(st.out.DBInstances, dbInstance(i))
		for _, g := range i.DBParameterGroups {
			if n := aws.ToString(g.DBParameterGroupName); n != "" {
				dbGroups[n] = true
			}
		}
		for _, m := range i.OptionGroupMemberships {
			if n := aws.ToString(m.OptionGroupName); n != "" {
				optionGroups[n] = true
			}
		}
	}

	// Each distinct group once, however many clusters/instances share it.
	for _, name := range slices.Sorted(maps.Keys(clusterGroups)) {
		wg.Go(func() { r.clusterParamGroup(ctx, api, st, name) })
	}
	for _, name := range slices.Sorted(maps.Keys(dbGroups)) {
		wg.Go(func() { r.dbParamGroup(ctx, api, st, name) })
	}
	for _, name := range slices.Sorted(maps.Keys(optionGroups)) {
		wg.Go(func() { r.optionGroup(ctx, api, st, name) })
	}
	wg.Wait()
	return st.out
}

// pages calls fn while more() reports pages; false when a page failed (gap recorded).
func (r *regionRun) pages(ctx context.Context, service, op, resource string, more func() bool, fn func(context.Context) error) bool {
	for more() {
		if err := r.call(ctx, service, op, resource, fn); err != nil {
			return false
		}
	}
	return true
}

// parameterSource is the Source filter of the parameter group reads: "user" (only the
// modified parameters) unless every parameter was asked for.
func (r *regionRun) parameterSource() *string {
	if r.c.cfg.AllParameters {
		return nil
	}
	return aws.String(snapshot.ParametersSourceUser)
}

func (r *regionRun) clusterParamGroup(ctx context.Context, api RDSAPI, st *rdsState, name string) {
	var wg sync.WaitGroup
	var meta *rdstypes.DBClusterParameterGroup
	wg.Go(func() {
		_ = r.call(ctx, "rds", "DescribeDBClusterParameterGroups", name, func(ctx context.Context) error {
			out, err := api.DescribeDBClusterParameterGroups(ctx, &rds.DescribeDBClusterParameterGroupsInput{DBClusterParameterGroupName: aws.String(name)})
			if err == nil && len(out.DBClusterParameterGroups) > 0 {
				meta = &out.DBClusterParameterGroups[0]
			}
			return err
		})
		if meta != nil && meta.DBParameterGroupFamily != nil {
			r.engineDefaults(ctx, api, st, true, *meta.DBParameterGroupFamily)
		}
	})
	params := map[string]snapshot.Parameter{}
	p := rds.NewDescribeDBClusterParametersPaginator(api, &rds.DescribeDBClusterParametersInput{DBClusterParameterGroupName: aws.String(name), Source: r.parameterSource()})
	ok := r.pages(ctx, "rds", "DescribeDBClusterParameters", name, p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil {
			addParameters(params, out.Parameters)
		}
		return err
	})
	wg.Wait()
	if !ok {
		return // not in the snapshot: Resolve reports the group unresolved, with the gap
	}
	g := snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: name, Parameters: params, ParametersSource: aws.ToString(r.parameterSource())}
	if meta != nil {
		g.DBParameterGroupFamily = aws.ToString(meta.DBParameterGroupFamily)
		g.Description = aws.ToString(meta.Description)
		g.DBClusterParameterGroupArn = aws.ToString(meta.DBClusterParameterGroupArn)
	}
	st.mu.Lock()
	st.out.DBClusterParameterGroups[name] = g
	st.mu.Unlock()
}

func (r *regionRun) dbParamGroup(ctx context.Context, api RDSAPI, st *rdsState, name string) {
	var wg sync.WaitGroup
	var meta *rdstypes.DBParameterGroup
	wg.Go(func() {
		_ = r.call(ctx, "rds", "DescribeDBParameterGroups", name, func(ctx context.Context) error {
			out, err := api.DescribeDBParameterGroups(ctx, &rds.DescribeDBParameterGroupsInput{DBParameterGroupName: aws.String(name)})
			if err == nil && len(out.DBParameterGroups) > 0 {
				meta = &out.DBParameterGroups[0]
			}
			return err
		})
		if meta != nil && meta.DBParameterGroupFamily != nil {
			r.engineDefaults(ctx, api, st, false, *meta.DBParameterGroupFamily)
		}
	})
	params := map[string]snapshot.Parameter{}
	p := rds.NewDescribeDBParametersPaginator(api, &rds.DescribeDBParametersInput{DBParameterGroupName: aws.String(name), Source: r.parameterSource()})
	ok := r.pages(ctx, "rds", "DescribeDBParameters", name, p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil {
			addParameters(params, out.Parameters)
		}
		return err
	})
	wg.Wait()
	if !ok {
		return
	}
	g := snapshot.DBParameterGroup{DBParameterGroupName: name, Parameters: params, ParametersSource: aws.ToString(r.parameterSource())}
	if meta != nil {
		g.DBParameterGroupFamily = aws.ToString(meta.DBParameterGroupFamily)
		g.Description = aws.ToString(meta.Description)
		g.DBParameterGroupArn = aws.ToString(meta.DBParameterGroupArn)
	}
	st.mu.Lock()
	st.out.DBParameterGroups[name] = g
	st.mu.Unlock()
}

// engineDefaults reads a family's engine defaults once per region (the first group of the
// family to learn its family does it). Engine defaults belong to the service, not to an
// account, so the accounts of one run share them: the first account that needs a family in
// a region reads it, the others use its answer; after a failure the next account tries
// with its own credentials.
func (r *regionRun) engineDefaults(ctx context.Context, api RDSAPI, st *rdsState, cluster bool, family string) {
	key := "instance:" + family
	if cluster {
		key = "cluster:" + family
	}
	st.mu.Lock()
	if st.families[key] {
		st.mu.Unlock()
		return
	}
	st.families[key] = true
	st.mu.Unlock()

	params, ok := r.c.defaults.get(engineDefaultsKey{region: r.region, cluster: cluster, family: family}, func() (map[string]snapshot.Parameter, bool) {
		return r.readEngineDefaults(ctx, api, cluster, family)
	})
	if !ok {
		return
	}
	d := snapshot.EngineDefaults{DBParameterGroupFamily: family, Parameters: params}
	st.mu.Lock()
	defer st.mu.Unlock()
	if cluster {
		st.out.EngineDefaultClusterParameters[family] = d
	} else {
		st.out.EngineDefaultParameters[family] = d
	}
}

// readEngineDefaults reads all pages of a family's engine defaults; false when a page
// failed (gap recorded).
func (r *regionRun) readEngineDefaults(ctx context.Context, api RDSAPI, cluster bool, family string) (map[string]snapshot.Parameter, bool) {
	params := map[string]snapshot.Parameter{}
	if cluster {
		p := rds.NewDescribeEngineDefaultClusterParametersPaginator(api, &rds.DescribeEngineDefaultClusterParametersInput{DBParameterGroupFamily: aws.String(family)})
		return params, r.pages(ctx, "rds", "DescribeEngineDefaultClusterParameters", family, p.HasMorePages, func(ctx context.Context) error {
			out, err := p.NextPage(ctx)
			if err == nil && out.EngineDefaults != nil {
				addParameters(params, out.EngineDefaults.Parameters)
			}
			return err
		})
	}
	p := rds.NewDescribeEngineDefaultParametersPaginator(api, &rds.DescribeEngineDefaultParametersInput{DBParameterGroupFamily: aws.String(family)})
	return params, r.pages(ctx, "rds", "DescribeEngineDefaultParameters", family, p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil && out.EngineDefaults != nil {
			addParameters(params, out.EngineDefaults.Parameters)
		}
		return err
	})
}

type engineDefaultsKey struct {
	region  string
	cluster bool
	family  string
}

// engineDefaultsCache holds the engine defaults read in one collection run. The snapshot
// regions that use an entry share its map; nothing modifies it after it is stored.
type engineDefaultsCache struct {
	mu      sync.Mutex
	entries map[engineDefaultsKey]*engineDefaultsEntry
}

type engineDefaultsEntry struct {
	mu     sync.Mutex // held while reading, so the other accounts wait for the answer
	params map[string]snapshot.Parameter
}

// get returns the cached defaults, or reads them with read and caches a success.
func (c *engineDefaultsCache) get(key engineDefaultsKey, read func() (map[string]snapshot.Parameter, bool)) (map[string]snapshot.Parameter, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &engineDefaultsEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.params != nil {
		return e.params, true
	}
	params, ok := read()
	if ok {
		e.params = params
	}
	return params, ok
}

func (r *regionRun) optionGroup(ctx context.Context, api RDSAPI, st *rdsState, name string) {
	var groups []rdstypes.OptionGroup
	p := rds.NewDescribeOptionGroupsPaginator(api, &rds.DescribeOptionGroupsInput{OptionGroupName: aws.String(name)})
	if !r.pages(ctx, "rds", "DescribeOptionGroups", name, p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil {
			groups = append(groups, out.OptionGroupsList...)
		}
		return err
	}) {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, g := range groups {
		if aws.ToString(g.OptionGroupName) == name {
			st.out.OptionGroups[name] = optionGroup(g)
		}
	}
}
