package snapshot

// Logs holds one region's CloudWatch Logs data for the `/aws/rds/` log groups (and any
// CloudTrail destination group).
type Logs struct {
	// Keyed by logGroupName.
	LogGroups map[string]LogGroup `json:"log_groups"`
}

// LogGroup is an item of DescribeLogGroups.logGroups, with its metric filters
// (DescribeMetricFilters) and subscription filters (DescribeSubscriptionFilters).
// retentionInDays is absent when logs never expire.
type LogGroup struct {
	LogGroupName              string               `json:"logGroupName"`
	Arn                       string               `json:"arn,omitempty"`
	LogGroupArn               string               `json:"logGroupArn,omitempty"`
	CreationTime              *int64               `json:"creationTime,omitempty"`
	RetentionInDays           *int32               `json:"retentionInDays,omitempty"`
	KmsKeyId                  string               `json:"kmsKeyId,omitempty"`
	LogGroupClass             string               `json:"logGroupClass,omitempty"`
	MetricFilterCount         *int32               `json:"metricFilterCount,omitempty"`
	StoredBytes               *int64               `json:"storedBytes,omitempty"`
	DataProtectionStatus      string               `json:"dataProtectionStatus,omitempty"`
	DeletionProtectionEnabled *bool                `json:"deletionProtectionEnabled,omitempty"`
	MetricFilters             []MetricFilter       `json:"metric_filters"`
	SubscriptionFilters       []SubscriptionFilter `json:"subscription_filters"`
	Derived                   *Derived             `json:"derived,omitempty"`
}

// MetricFilter is an item of DescribeMetricFilters.metricFilters.
type MetricFilter struct {
	FilterName            string                 `json:"filterName"`
	FilterPattern         string                 `json:"filterPattern"`
	LogGroupName          string                 `json:"logGroupName,omitempty"`
	CreationTime          *int64                 `json:"creationTime,omitempty"`
	MetricTransformations []MetricTransformation `json:"metricTransformations"`
	Derived               *MetricFilterDerived   `json:"derived,omitempty"`
}

// MetricFilterDerived joins a metric filter to the alarms that watch its metrics.
type MetricFilterDerived struct {
	Location *Location `json:"location,omitempty"`
	// AlarmNames are the keys in cloudwatch.metric_alarms of alarms on any of this filter's
	// metrics (same namespace and name).
	AlarmNames []string `json:"alarm_names,omitempty"`
}

// MetricTransformation is an item of MetricFilter.metricTransformations.
type MetricTransformation struct {
	MetricName      string   `json:"metricName"`
	MetricNamespace string   `json:"metricNamespace"`
	MetricValue     string   `json:"metricValue,omitempty"`
	DefaultValue    *float64 `json:"defaultValue,omitempty"`
	Unit            string   `json:"unit,omitempty"`
}

// SubscriptionFilter is an item of DescribeSubscriptionFilters.subscriptionFilters.
type SubscriptionFilter struct {
	FilterName     string `json:"filterName"`
	LogGroupName   string `json:"logGroupName,omitempty"`
	FilterPattern  string `json:"filterPattern"`
	DestinationArn string `json:"destinationArn"`
	RoleArn        string `json:"roleArn,omitempty"`
	Distribution   string `json:"distribution,omitempty"`
	CreationTime   *int64 `json:"creationTime,omitempty"`
}

// CloudWatch holds one region's CloudWatch alarms on the metrics the log groups' metric
// filters emit.
type CloudWatch struct {
	// Keyed by AlarmName.
	MetricAlarms map[string]MetricAlarm `json:"metric_alarms"`
}

// MetricAlarm is an item of DescribeAlarms.MetricAlarms.
type MetricAlarm struct {
	AlarmName          string   `json:"AlarmName"`
	AlarmArn           string   `json:"AlarmArn,omitempty"`
	MetricName         string   `json:"MetricName,omitempty"`
	Namespace          string   `json:"Namespace,omitempty"`
	Statistic          string   `json:"Statistic,omitempty"`
	Period             *int32   `json:"Period,omitempty"`
	EvaluationPeriods  *int32   `json:"EvaluationPeriods,omitempty"`
	Threshold          *float64 `json:"Threshold,omitempty"`
	ComparisonOperator string   `json:"ComparisonOperator,omitempty"`
	ActionsEnabled     *bool    `json:"ActionsEnabled,omitempty"`
	AlarmActions       []string `json:"AlarmActions,omitempty"`
	OKActions          []string `json:"OKActions,omitempty"`
	StateValue         string   `json:"StateValue,omitempty"`
	// Metrics is set instead of MetricName/Namespace on an alarm on metric math.
	Metrics []MetricDataQuery `json:"Metrics,omitempty"`
	Derived *Derived          `json:"derived,omitempty"`
}

// MetricDataQuery is an item of a metric-math alarm's Metrics: a metric the alarm reads
// (MetricStat) or an expression over the others.
type MetricDataQuery struct {
	Id         string      `json:"Id"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
}

// MetricStat is the metric a MetricDataQuery reads (dimensions left out: alarms are matched
// to metric filters by namespace and name).
type MetricStat struct {
	Metric Metric `json:"Metric"`
	Period *int32 `json:"Period,omitempty"`
	Stat   string `json:"Stat,omitempty"`
	Unit   string `json:"Unit,omitempty"`
}

// Metric names a CloudWatch metric.
type Metric struct {
	Namespace  string `json:"Namespace,omitempty"`
	MetricName string `json:"MetricName,omitempty"`
}

// AlarmMetrics returns the metrics an alarm reads: its own metric, or the MetricStat
// metrics of its metric math.
func AlarmMetrics(a MetricAlarm) []Metric {
	var out []Metric
	if a.MetricName != "" {
		out = append(out, Metric{Namespace: a.Namespace, MetricName: a.MetricName})
	}
	for _, q := range a.Metrics {
		if q.MetricStat != nil && q.MetricStat.Metric.MetricName != "" {
			out = append(out, q.MetricStat.Metric)
		}
	}
	return out
}
