package snapshot

// CloudTrail holds the trails DescribeTrails returns in one region, shadow copies of
// multi-Region and organization trails included. status and event_selectors are collected
// in the trail's home region only; a shadow copy has neither.
type CloudTrail struct {
	Trails []Trail `json:"trails"`
}

// Trail is an item of DescribeTrails.trailList, with GetTrailStatus and GetEventSelectors.
type Trail struct {
	Name                       string          `json:"Name"`
	TrailARN                   string          `json:"TrailARN"`
	HomeRegion                 string          `json:"HomeRegion,omitempty"`
	S3BucketName               string          `json:"S3BucketName,omitempty"`
	S3KeyPrefix                string          `json:"S3KeyPrefix,omitempty"`
	SnsTopicARN                string          `json:"SnsTopicARN,omitempty"`
	IncludeGlobalServiceEvents *bool           `json:"IncludeGlobalServiceEvents,omitempty"`
	IsMultiRegionTrail         *bool           `json:"IsMultiRegionTrail,omitempty"`
	IsOrganizationTrail        *bool           `json:"IsOrganizationTrail,omitempty"`
	LogFileValidationEnabled   *bool           `json:"LogFileValidationEnabled,omitempty"`
	CloudWatchLogsLogGroupArn  string          `json:"CloudWatchLogsLogGroupArn,omitempty"`
	CloudWatchLogsRoleArn      string          `json:"CloudWatchLogsRoleArn,omitempty"`
	KmsKeyId                   string          `json:"KmsKeyId,omitempty"`
	HasCustomEventSelectors    *bool           `json:"HasCustomEventSelectors,omitempty"`
	HasInsightSelectors        *bool           `json:"HasInsightSelectors,omitempty"`
	Status                     *TrailStatus    `json:"status,omitempty"`
	EventSelectors             *EventSelectors `json:"event_selectors,omitempty"`
	Derived                    *Derived        `json:"derived,omitempty"`
}

// TrailStatus is the GetTrailStatus output. Times are RFC 3339 strings.
type TrailStatus struct {
	IsLogging                         *bool  `json:"IsLogging,omitempty"`
	LatestDeliveryError               string `json:"LatestDeliveryError,omitempty"`
	LatestNotificationError           string `json:"LatestNotificationError,omitempty"`
	LatestDeliveryTime                string `json:"LatestDeliveryTime,omitempty" jsonschema:"format=date-time"`
	LatestNotificationTime            string `json:"LatestNotificationTime,omitempty" jsonschema:"format=date-time"`
	StartLoggingTime                  string `json:"StartLoggingTime,omitempty" jsonschema:"format=date-time"`
	StopLoggingTime                   string `json:"StopLoggingTime,omitempty" jsonschema:"format=date-time"`
	LatestCloudWatchLogsDeliveryError string `json:"LatestCloudWatchLogsDeliveryError,omitempty"`
	LatestCloudWatchLogsDeliveryTime  string `json:"LatestCloudWatchLogsDeliveryTime,omitempty" jsonschema:"format=date-time"`
	LatestDigestDeliveryTime          string `json:"LatestDigestDeliveryTime,omitempty" jsonschema:"format=date-time"`
	LatestDigestDeliveryError         string `json:"LatestDigestDeliveryError,omitempty"`
}

// EventSelectors is the GetEventSelectors output: either basic or advanced selectors.
type EventSelectors struct {
	EventSelectors         []EventSelector         `json:"EventSelectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"AdvancedEventSelectors,omitempty"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"ReadWriteType,omitempty"`
	IncludeManagementEvents       *bool          `json:"IncludeManagementEvents,omitempty"`
	DataResources                 []DataResource `json:"DataResources,omitempty"`
	ExcludeManagementEventSources []string       `json:"ExcludeManagementEventSources,omitempty"`
}

// DataResource is an item of EventSelector.DataResources.
type DataResource struct {
	Type   string   `json:"Type"`
	Values []string `json:"Values,omitempty"`
}

// AdvancedEventSelector is an item of GetEventSelectors.AdvancedEventSelectors.
type AdvancedEventSelector struct {
	Name           string                  `json:"Name,omitempty"`
	FieldSelectors []AdvancedFieldSelector `json:"FieldSelectors"`
}

// AdvancedFieldSelector is an item of AdvancedEventSelector.FieldSelectors.
type AdvancedFieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	EndsWith      []string `json:"EndsWith,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
	NotEndsWith   []string `json:"NotEndsWith,omitempty"`
}
