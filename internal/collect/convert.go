package collect

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// The SDK types are translated here, at the edge: the snapshot package knows no SDK types.

func tags(in []rdstypes.Tag) []snapshot.Tag {
	var out []snapshot.Tag
	for _, t := range in {
		out = append(out, snapshot.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}

func dbCluster(c rdstypes.DBCluster) snapshot.DBCluster {
	out := snapshot.DBCluster{
		DBClusterIdentifier:              aws.ToString(c.DBClusterIdentifier),
		DBClusterArn:                     aws.ToString(c.DBClusterArn),
		DbClusterResourceId:              aws.ToString(c.DbClusterResourceId),
		Engine:                           aws.ToString(c.Engine),
		EngineVersion:                    aws.ToString(c.EngineVersion),
		EngineMode:                       aws.ToString(c.EngineMode),
		Status:                           aws.ToString(c.Status),
		DBClusterParameterGroup:          aws.ToString(c.DBClusterParameterGroup),
		EnabledCloudwatchLogsExports:     c.EnabledCloudwatchLogsExports,
		StorageEncrypted:                 c.StorageEncrypted,
		StorageEncryptionType:            string(c.StorageEncryptionType),
		KmsKeyId:                         aws.ToString(c.KmsKeyId),
		IAMDatabaseAuthenticationEnabled: c.IAMDatabaseAuthenticationEnabled,
		MultiAZ:                          c.MultiAZ,
		DatabaseName:                     aws.ToString(c.DatabaseName),
		ActivityStreamMode:               string(c.ActivityStreamMode),
		ActivityStreamStatus:             string(c.ActivityStreamStatus),
		ActivityStreamKmsKeyId:           aws.ToString(c.ActivityStreamKmsKeyId),
		ActivityStreamKinesisStreamName:  aws.ToString(c.ActivityStreamKinesisStreamName),
		TagList:                          tags(c.TagList),
	}
	for _, m := range c.DBClusterMembers {
		out.DBClusterMembers = append(out.DBClusterMembers, snapshot.DBClusterMember{
			DBInstanceIdentifier:          aws.ToString(m.DBInstanceIdentifier),
			IsClusterWriter:               m.IsClusterWriter,
			DBClusterParameterGroupStatus: aws.ToString(m.DBClusterParameterGroupStatus),
			PromotionTier:                 m.PromotionTier,
		})
	}
	for _, m := range c.DBClusterOptionGroupMemberships {
		out.DBClusterOptionGroupMemberships = append(out.DBClusterOptionGroupMemberships, snapshot.DBClusterOptionGroupMship{
			DBClusterOptionGroupName: aws.ToString(m.DBClusterOptionGroupName),
			Status:                   aws.ToString(m.Status),
		})
	}
	return out
}

func dbInstance(i rdstypes.DBInstance) snapshot.DBInstance {
	out := snapshot.DBInstance{
		DBInstanceIdentifier:             aws.ToString(i.DBInstanceIdentifier),
		DBInstanceArn:                    aws.ToString(i.DBInstanceArn),
		DbiResourceId:                    aws.ToString(i.DbiResourceId),
		DBInstanceClass:                  aws.ToString(i.DBInstanceClass),
		Engine:                           aws.ToString(i.Engine),
		EngineVersion:                    aws.ToString(i.EngineVersion),
		DBInstanceStatus:                 aws.ToString(i.DBInstanceStatus),
		DBClusterIdentifier:              aws.ToString(i.DBClusterIdentifier),
		EnabledCloudwatchLogsExports:     i.EnabledCloudwatchLogsExports,
		StorageEncrypted:                 i.StorageEncrypted,
		KmsKeyId:                         aws.ToString(i.KmsKeyId),
		IAMDatabaseAuthenticationEnabled: i.IAMDatabaseAuthenticationEnabled,
		MultiAZ:                          i.MultiAZ,
		PubliclyAccessible:               i.PubliclyAccessible,
		ActivityStreamMode:               string(i.ActivityStreamMode),
		ActivityStreamStatus:             string(i.ActivityStreamStatus),
		ActivityStreamKmsKeyId:           aws.ToString(i.ActivityStreamKmsKeyId),
		ActivityStreamKinesisStreamName:  aws.ToString(i.ActivityStreamKinesisStreamName),
		ActivityStreamEngineNativeAuditFieldsIncluded: i.ActivityStreamEngineNativeAuditFieldsIncluded,
		ActivityStreamPolicyStatus:                    string(i.ActivityStreamPolicyStatus),
		ReadReplicaSourceDBInstanceIdentifier:         aws.ToString(i.ReadReplicaSourceDBInstanceIdentifier),
		ReadReplicaSourceDBClusterIdentifier:          aws.ToString(i.ReadReplicaSourceDBClusterIdentifier),
		TagList:                                       tags(i.TagList),
	}
	for _, g := range i.DBParameterGroups {
		out.DBParameterGroups = append(out.DBParameterGroups, snapshot.DBParameterGroupStatus{
			DBParameterGroupName: aws.ToString(g.DBParameterGroupName),
			ParameterApplyStatus: aws.ToString(g.ParameterApplyStatus),
		})
	}
	for _, g := range i.OptionGroupMemberships {
		out.OptionGroupMemberships = append(out.OptionGroupMemberships, snapshot.OptionGroupMembership{
			OptionGroupName: aws.ToString(g.OptionGroupName),
			Status:          aws.ToString(g.Status),
		})
	}
	return out
}

func parameter(p rdstypes.Parameter) snapshot.Parameter {
	return snapshot.Parameter{
		ParameterName:        aws.ToString(p.ParameterName),
		ParameterValue:       p.ParameterValue,
		Description:          aws.ToString(p.Description),
		Source:               aws.ToString(p.Source),
		ApplyType:            aws.ToString(p.ApplyType),
		DataType:             aws.ToString(p.DataType),
		AllowedValues:        aws.ToString(p.AllowedValues),
		IsModifiable:         p.IsModifiable,
		MinimumEngineVersion: aws.ToString(p.MinimumEngineVersion),
		ApplyMethod:          string(p.ApplyMethod),
		SupportedEngineModes: p.SupportedEngineModes,
	}
}

// addParameters keys parameters by ParameterName.
func addParameters(dst map[string]snapshot.Parameter, in []rdstypes.Parameter) {
	for _, p := range in {
		if p.ParameterName != nil {
			dst[*p.ParameterName] = parameter(p)
		}
	}
}

func optionGroup(g rdstypes.OptionGroup) snapshot.OptionGroup {
	out := snapshot.OptionGroup{
		OptionGroupName:        aws.ToString(g.OptionGroupName),
		OptionGroupDescription: aws.ToString(g.OptionGroupDescription),
		EngineName:             aws.ToString(g.EngineName),
		MajorEngineVersion:     aws.ToString(g.MajorEngineVersion),
		OptionGroupArn:         aws.ToString(g.OptionGroupArn),
		Options:                []snapshot.Option{},
	}
	for _, o := range g.Options {
		opt := snapshot.Option{
			OptionName:    aws.ToString(o.OptionName),
			OptionVersion: aws.ToString(o.OptionVersion),
			Persistent:    o.Persistent,
			Permanent:     o.Permanent,
		}
		for _, s := range o.OptionSettings {
			opt.OptionSettings = append(opt.OptionSettings, snapshot.OptionSetting{
				Name:         aws.ToString(s.Name),
				Value:        aws.ToString(s.Value),
				DefaultValue: aws.ToString(s.DefaultValue),
				ApplyType:    aws.ToString(s.ApplyType),
				DataType:     aws.ToString(s.DataType),
				IsModifiable: s.IsModifiable,
				IsCollection: s.IsCollection,
			})
		}
		out.Options = append(out.Options, opt)
	}
	return out
}

func logGroup(g logtypes.LogGroup) snapshot.LogGroup {
	return snapshot.LogGroup{
		LogGroupName:              aws.ToString(g.LogGroupName),
		Arn:                       aws.ToString(g.Arn),
		LogGroupArn:               aws.ToString(g.LogGroupArn),
		CreationTime:              g.CreationTime,
		RetentionInDays:           g.RetentionInDays,
		KmsKeyId:                  aws.ToString(g.KmsKeyId),
		LogGroupClass:             string(g.LogGroupClass),
		MetricFilterCount:         g.MetricFilterCount,
		StoredBytes:               g.StoredBytes,
		DataProtectionStatus:      string(g.DataProtectionStatus),
		DeletionProtectionEnabled: g.DeletionProtectionEnabled,
		MetricFilters:             []snapshot.MetricFilter{},
		SubscriptionFilters:       []snapshot.SubscriptionFilter{},
	}
}

func metricFilter(f logtypes.MetricFilter) snapshot.MetricFilter {
	out := snapshot.MetricFilter{
		FilterName:            aws.ToString(f.FilterName),
		FilterPattern:         aws.ToString(f.FilterPattern),
		LogGroupName:          aws.ToString(f.LogGroupName),
		CreationTime:          f.CreationTime,
		MetricTransformations: []snapshot.MetricTransformation{},
	}
	for _, t := range f.MetricTransformations {
		out.MetricTransformations = append(out.MetricTransformations, snapshot.MetricTransformation{
			MetricName:      aws.ToString(t.MetricName),
			MetricNamespace: aws.ToString(t.MetricNamespace),
			MetricValue:     aws.ToString(t.MetricValue),
			DefaultValue:    t.DefaultValue,
			Unit:            string(t.Unit),
		})
	}
	return out
}

func subscriptionFilter(f logtypes.SubscriptionFilter) snapshot.SubscriptionFilter {
	return snapshot.SubscriptionFilter{
		FilterName:     aws.ToString(f.FilterName),
		LogGroupName:   aws.ToString(f.LogGroupName),
		FilterPattern:  aws.ToString(f.FilterPattern),
		DestinationArn: aws.ToString(f.DestinationArn),
		RoleArn:        aws.ToString(f.RoleArn),
		Distribution:   string(f.Distribution),
		CreationTime:   f.CreationTime,
	}
}

func metricAlarm(a cwtypes.MetricAlarm) snapshot.MetricAlarm {
	return snapshot.MetricAlarm{
		AlarmName:          aws.ToString(a.AlarmName),
		AlarmArn:           aws.ToString(a.AlarmArn),
		MetricName:         aws.ToString(a.MetricName),
		Namespace:          aws.ToString(a.Namespace),
		Statistic:          string(a.Statistic),
		Period:             a.Period,
		EvaluationPeriods:  a.EvaluationPeriods,
		Threshold:          a.Threshold,
		ComparisonOperator: string(a.ComparisonOperator),
		ActionsEnabled:     a.ActionsEnabled,
		AlarmActions:       a.AlarmActions,
		OKActions:          a.OKActions,
		StateValue:         string(a.StateValue),
		Metrics:            metricDataQueries(a.Metrics),
	}
}

func metricDataQueries(in []cwtypes.MetricDataQuery) []snapshot.MetricDataQuery {
	var out []snapshot.MetricDataQuery
	for _, q := range in {
		sq := snapshot.MetricDataQuery{Id: aws.ToString(q.Id), Expression: aws.ToString(q.Expression), Label: aws.ToString(q.Label), ReturnData: q.ReturnData}
		if ms := q.MetricStat; ms != nil {
			sq.MetricStat = &snapshot.MetricStat{Period: ms.Period, Stat: aws.ToString(ms.Stat), Unit: string(ms.Unit)}
			if ms.Metric != nil {
				sq.MetricStat.Metric = snapshot.Metric{Namespace: aws.ToString(ms.Metric.Namespace), MetricName: aws.ToString(ms.Metric.MetricName)}
			}
		}
		out = append(out, sq)
	}
	return out
}

func trail(t cttypes.Trail) snapshot.Trail {
	return snapshot.Trail{
		Name:                       aws.ToString(t.Name),
		TrailARN:                   aws.ToString(t.TrailARN),
		HomeRegion:                 aws.ToString(t.HomeRegion),
		S3BucketName:               aws.ToString(t.S3BucketName),
		S3KeyPrefix:                aws.ToString(t.S3KeyPrefix),
		SnsTopicARN:                aws.ToString(t.SnsTopicARN),
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
		IsMultiRegionTrail:         t.IsMultiRegionTrail,
		IsOrganizationTrail:        t.IsOrganizationTrail,
		LogFileValidationEnabled:   t.LogFileValidationEnabled,
		CloudWatchLogsLogGroupArn:  aws.ToString(t.CloudWatchLogsLogGroupArn),
		CloudWatchLogsRoleArn:      aws.ToString(t.CloudWatchLogsRoleArn),
		KmsKeyId:                   aws.ToString(t.KmsKeyId),
		HasCustomEventSelectors:    t.HasCustomEventSelectors,
		HasInsightSelectors:        t.HasInsightSelectors,
	}
}

// rfc3339 renders an API timestamp (epoch seconds on the JSON wire) as RFC 3339 UTC.
func rfc3339(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func trailStatus(o *cloudtrail.GetTrailStatusOutput) *snapshot.TrailStatus {
	return &snapshot.TrailStatus{
		IsLogging:                         o.IsLogging,
		LatestDeliveryError:               aws.ToString(o.LatestDeliveryError),
		LatestNotificationError:           aws.ToString(o.LatestNotificationError),
		LatestDeliveryTime:                rfc3339(o.LatestDeliveryTime),
		LatestNotificationTime:            rfc3339(o.LatestNotificationTime),
		StartLoggingTime:                  rfc3339(o.StartLoggingTime),
		StopLoggingTime:                   rfc3339(o.StopLoggingTime),
		LatestCloudWatchLogsDeliveryError: aws.ToString(o.LatestCloudWatchLogsDeliveryError),
		LatestCloudWatchLogsDeliveryTime:  rfc3339(o.LatestCloudWatchLogsDeliveryTime),
		LatestDigestDeliveryTime:          rfc3339(o.LatestDigestDeliveryTime),
		LatestDigestDeliveryError:         aws.ToString(o.LatestDigestDeliveryError),
	}
}

func eventSelectors(o *cloudtrail.GetEventSelectorsOutput) *snapshot.EventSelectors {
	out := &snapshot.EventSelectors{}
	for _, s := range o.EventSelectors {
		es := snapshot.EventSelector{
			ReadWriteType:                 string(s.ReadWriteType),
			IncludeManagementEvents:       s.IncludeManagementEvents,
			ExcludeManagementEventSources: s.ExcludeManagementEventSources,
		}
		for _, d := range s.DataResources {
			es.DataResources = append(es.DataResources, snapshot.DataResource{Type: aws.ToString(d.Type), Values: d.Values})
		}
		out.EventSelectors = append(out.EventSelectors, es)
	}
	for _, s := range o.AdvancedEventSelectors {
		as := snapshot.AdvancedEventSelector{Name: aws.ToString(s.Name), FieldSelectors: []snapshot.AdvancedFieldSelector{}}
		for _, f := range s.FieldSelectors {
			as.FieldSelectors = append(as.FieldSelectors, snapshot.AdvancedFieldSelector{
				Field: aws.ToString(f.Field), Equals: f.Equals, StartsWith: f.StartsWith, EndsWith: f.EndsWith,
				NotEquals: f.NotEquals, NotStartsWith: f.NotStartsWith, NotEndsWith: f.NotEndsWith,
			})
		}
		out.AdvancedEventSelectors = append(out.AdvancedEventSelectors, as)
	}
	return out
}
