package collect

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// RDSLogGroupPrefix selects the RDS log groups. The prefix filter is used, never the name
// pattern filter, which drops retentionInDays and kmsKeyId from the answer.
const RDSLogGroupPrefix = "/aws/rds/"

// logsState accumulates one region's log groups across concurrent calls.
type logsState struct {
	mu     sync.Mutex
	groups map[string]snapshot.LogGroup
}

// collectLogsAndTrails reads CloudTrail and CloudWatch Logs together (trail destination log
// groups join the /aws/rds/ ones), then the alarms on the metrics the groups' metric filters
// emit. A service whose primary listing failed is nil.
func (r *regionRun) collectLogsAndTrails(ctx context.Context, cl RegionClients) (*snapshot.Logs, *snapshot.CloudWatch, *snapshot.CloudTrail) {
	ls := &logsState{groups: map[string]snapshot.LogGroup{}}
	var logsOK bool
	listed := make(chan struct{})
	var ct *snapshot.CloudTrail
	var ctMu sync.Mutex
	var wg sync.WaitGroup

	// Subscription filters are one call per log group, most of a region's calls: a fixed
	// set of workers (the region's call bound) makes them, instead of a goroutine per call
	// whose stack grows anew through the SDK's middleware chain each time.
	subscriptions := newTaskPool(r.c.cfg.RegionConcurrency)
	wg.Go(func() {
		var found []logtypes.LogGroup
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(cl.Logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(RDSLogGroupPrefix)})
		logsOK = r.pages(ctx, "logs", "DescribeLogGroups", RDSLogGroupPrefix, p.HasMorePages, func(ctx context.Context) error {
			out, err := p.NextPage(ctx)
			if err == nil {
				found = append(found, out.LogGroups...)
			}
			return err
		})
		for _, g := range found {
			ls.add(g)
		}
		close(listed)
		if !logsOK {
			return
		}
		for _, g := range found {
			r.readSubscriptionFilters(ctx, subscriptions, cl.Logs, ls, aws.ToString(g.LogGroupName))
		}
	})

	wg.Go(func() {
		var out *cloudtrail.DescribeTrailsOutput
		if err := r.call(ctx, "cloudtrail", "DescribeTrails", "", func(ctx context.Context) error {
			var err error
			out, err = cl.CloudTrail.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
			return err
		}); err != nil {
			return
		}
		trails := make([]snapshot.Trail, len(out.TrailList))
		var tw sync.WaitGroup
		var destinations []string
		for i, t := range out.TrailList {
			trails[i] = trail(t)
			if region, account, name, ok := logGroupFromARN(aws.ToString(t.CloudWatchLogsLogGroupArn)); ok && region == r.region && account == r.account {
				destinations = append(destinations, name)
			}
			if aws.ToString(t.HomeRegion) != r.region {
				continue // a shadow copy: status and selectors are read in the home region
			}
			arn := aws.ToString(t.TrailARN)
			tw.Go(func() {
				_ = r.call(ctx, "cloudtrail", "GetTrailStatus", arn, func(ctx context.Context) error {
					o, err := cl.CloudTrail.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
					if err == nil {
						trails[i].Status = trailStatus(o)
					}
					return err
				})
			})
			tw.Go(func() {
				_ = r.call(ctx, "cloudtrail", "GetEventSelectors", arn, func(ctx context.Context) error {
					o, err := cl.CloudTrail.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
					if err == nil {
						trails[i].EventSelectors = eventSelectors(o)
					}
					return err
				})
			})
		}
		// CloudTrail destination log groups outside /aws/rds/ join the logs data.
		<-listed
		if logsOK {
			slices.Sort(destinations)
			for _, name := range slices.Compact(destinations) {
				ls.mu.Lock()
				_, have := ls.groups[name]
				ls.mu.Unlock()
				if have {
					continue
				}
				r.trailLogGroup(ctx, subscriptions, cl.Logs, ls, name)
			}
		}
		tw.Wait()
		ctMu.Lock()
		ct = &snapshot.CloudTrail{Trails: trails}
		ctMu.Unlock()
	})
	wg.Wait()
	subscriptions.wait()

	if !logsOK {
		return nil, nil, ct
	}
	r.collectMetricFilters(ctx, cl.Logs, ls.groups)
	logs := &snapshot.Logs{LogGroups: ls.groups}
	return logs, r.collectAlarms(ctx, cl.CloudWatch, logs), ct
}

// trailLogGroup reads one named log group (a trail's destination).
func (r *regionRun) trailLogGroup(ctx context.Context, pool *taskPool, api LogsAPI, ls *logsState, name string) {
	var found []logtypes.LogGroup
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(api, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if !r.pages(ctx, "logs", "DescribeLogGroups", name, p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil {
			for _, g := range out.LogGroups {
				if aws.ToString(g.LogGroupName) == name {
					found = append(found, g)
				}
			}
		}
		return err
	}) {
		return
	}
	for _, g := range found {
		ls.add(g)
		r.readSubscriptionFilters(ctx, pool, api, ls, name)
	}
}

func (ls *logsState) add(g logtypes.LogGroup) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.groups[aws.ToString(g.LogGroupName)] = logGroup(g)
}

// readSubscriptionFilters queues the read of a stored group's subscription filters.
func (r *regionRun) readSubscriptionFilters(ctx context.Context, pool *taskPool, api LogsAPI, ls *logsState, name string) {
	pool.submit(func() {
		var filters []snapshot.SubscriptionFilter
		p := cloudwatchlogs.NewDescribeSubscriptionFiltersPaginator(api, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String(name)})
		if !r.pages(ctx, "logs", "DescribeSubscriptionFilters", name, p.HasMorePages, func(ctx context.Context) error {
			out, err := p.NextPage(ctx)
			if err == nil {
				for _, f := range out.SubscriptionFilters {
					filters = append(filters, subscriptionFilter(f))
				}
			}
			return err
		}) {
			return
		}
		ls.mu.Lock()
		lg := ls.groups[name]
		lg.SubscriptionFilters = append(lg.SubscriptionFilters, filters...)
		ls.groups[name] = lg
		ls.mu.Unlock()
	})
}

// taskPool runs submitted tasks on a fixed number of goroutines.
type taskPool struct {
	tasks chan func()
	wg    sync.WaitGroup
}

func newTaskPool(workers int) *taskPool {
	p := &taskPool{tasks: make(chan func())}
	for range max(workers, 1) {
		p.wg.Go(func() {
			for task := range p.tasks {
				task()
			}
		})
	}
	return p
}

// submit blocks until a worker takes the task.
func (p *taskPool) submit(task func()) { p.tasks <- task }

// wait stops accepting tasks and waits for the running ones.
func (p *taskPool) wait() {
	close(p.tasks)
	p.wg.Wait()
}

// collectMetricFilters lists the region's metric filters once (all pages) and keeps those
// of the collected groups: one listing instead of a call per log group, which is most of
// the Logs calls in a region with many databases. metricFilterCount is not used to skip
// anything (moto reports 0 for a group with a filter). A failed listing is a region-wide
// gap (no resource), which the rules read as "filters unknown" for every group.
func (r *regionRun) collectMetricFilters(ctx context.Context, api LogsAPI, groups map[string]snapshot.LogGroup) {
	if len(groups) == 0 {
		return
	}
	found := map[string][]snapshot.MetricFilter{}
	p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(api, &cloudwatchlogs.DescribeMetricFiltersInput{})
	if !r.pages(ctx, "logs", "DescribeMetricFilters", "", p.HasMorePages, func(ctx context.Context) error {
		out, err := p.NextPage(ctx)
		if err == nil {
			for _, f := range out.MetricFilters {
				name := aws.ToString(f.LogGroupName)
				if _, ours := groups[name]; ours {
					found[name] = append(found[name], metricFilter(f))
				}
			}
		}
		return err
	}) {
		return
	}
	for name, filters := range found {
		g := groups[name]
		g.MetricFilters = append(g.MetricFilters, filters...)
		groups[name] = g
	}
}

type metricKey struct{ namespace, name string }

// collectAlarms reads the region's metric alarms (DescribeAlarms, all pages) and keeps
// those on a metric one of the metric filters emits, directly or in metric math. No metric
// filters: nothing to read.
func (r *regionRun) collectAlarms(ctx context.Context, api CloudWatchAPI, logs *snapshot.Logs) *snapshot.CloudWatch {
	metrics := map[metricKey]bool{}
	for _, g := range logs.LogGroups {
		for _, f := range g.MetricFilters {
			for _, t := range f.MetricTransformations {
				metrics[metricKey{t.MetricNamespace, t.MetricName}] = true
			}
		}
	}
	out := &snapshot.CloudWatch{MetricAlarms: map[string]snapshot.MetricAlarm{}}
	if len(metrics) == 0 {
		return out
	}
	var alarms []cwtypes.MetricAlarm
	p := cloudwatch.NewDescribeAlarmsPaginator(api, &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
	})
	if !r.pages(ctx, "cloudwatch", "DescribeAlarms", "", p.HasMorePages, func(ctx context.Context) error {
		o, err := p.NextPage(ctx)
		if err == nil {
			alarms = append(alarms, o.MetricAlarms...)
		}
		return err
	}) {
		return nil
	}
	for _, a := range alarms {
		alarm := metricAlarm(a)
		for _, m := range snapshot.AlarmMetrics(alarm) {
			if metrics[metricKey{m.Namespace, m.MetricName}] {
				out.MetricAlarms[alarm.AlarmName] = alarm
				break
			}
		}
	}
	return out
}
