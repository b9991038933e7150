package snapshot

// RDS holds one region's RDS data (Aurora and RDS engines; Neptune and DocumentDB are out of
// scope and never stored).
type RDS struct {
	DBClusters  []DBCluster  `json:"db_clusters"`
	DBInstances []DBInstance `json:"db_instances"`
	// Keyed by DBClusterParameterGroupName.
	DBClusterParameterGroups map[string]DBClusterParameterGroup `json:"db_cluster_parameter_groups"`
	// Keyed by DBParameterGroupName.
	DBParameterGroups map[string]DBParameterGroup `json:"db_parameter_groups"`
	// Keyed by OptionGroupName.
	OptionGroups map[string]OptionGroup `json:"option_groups"`
	// Keyed by DBParameterGroupFamily (DescribeEngineDefaultClusterParameters).
	EngineDefaultClusterParameters map[string]EngineDefaults `json:"engine_default_cluster_parameters,omitempty"`
	// Keyed by DBParameterGroupFamily (DescribeEngineDefaultParameters).
	EngineDefaultParameters map[string]EngineDefaults `json:"engine_default_parameters,omitempty"`
}

// Tag is an AWS resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

// DBCluster is an item of DescribeDBClusters.DBClusters.
type DBCluster struct {
	DBClusterIdentifier              string                      `json:"DBClusterIdentifier"`
	DBClusterArn                     string                      `json:"DBClusterArn"`
	DbClusterResourceId              string                      `json:"DbClusterResourceId,omitempty"`
	Engine                           string                      `json:"Engine"`
	EngineVersion                    string                      `json:"EngineVersion,omitempty"`
	EngineMode                       string                      `json:"EngineMode,omitempty"`
	Status                           string                      `json:"Status,omitempty"`
	DBClusterParameterGroup          string                      `json:"DBClusterParameterGroup,omitempty"`
	DBClusterMembers                 []DBClusterMember           `json:"DBClusterMembers,omitempty"`
	DBClusterOptionGroupMemberships  []DBClusterOptionGroupMship `json:"DBClusterOptionGroupMemberships,omitempty"`
	EnabledCloudwatchLogsExports     []string                    `json:"EnabledCloudwatchLogsExports,omitempty"`
	StorageEncrypted                 *bool                       `json:"StorageEncrypted,omitempty"`
	StorageEncryptionType            string                      `json:"StorageEncryptionType,omitempty"`
	KmsKeyId                         string                      `json:"KmsKeyId,omitempty"`
	IAMDatabaseAuthenticationEnabled *bool                       `json:"IAMDatabaseAuthenticationEnabled,omitempty"`
	MultiAZ                          *bool                       `json:"MultiAZ,omitempty"`
	DatabaseName                     string                      `json:"DatabaseName,omitempty"`
	ActivityStreamMode               string                      `json:"ActivityStreamMode,omitempty"`
	ActivityStreamStatus             string                      `json:"ActivityStreamStatus,omitempty"`
	ActivityStreamKmsKeyId           string                      `json:"ActivityStreamKmsKeyId,omitempty"`
	ActivityStreamKinesisStreamName  string                      `json:"ActivityStreamKinesisStreamName,omitempty"`
	TagList                          []Tag                       `json:"TagList,omitempty"`
	Derived                          *Derived                    `json:"derived,omitempty"`
}

// DBClusterMember is an item of DBCluster.DBClusterMembers.
type DBClusterMember struct {
	DBInstanceIdentifier          string `json:"DBInstanceIdentifier"`
	IsClusterWriter               *bool  `json:"IsClusterWriter,omitempty"`
	DBClusterParameterGroupStatus string `json:"DBClusterParameterGroupStatus,omitempty"`
	PromotionTier                 *int32 `json:"PromotionTier,omitempty"`
}

// DBClusterOptionGroupMship is an item of DBCluster.DBClusterOptionGroupMemberships.
type DBClusterOptionGroupMship struct {
	DBClusterOptionGroupName string `json:"DBClusterOptionGroupName"`
	Status                   string `json:"Status,omitempty"`
}

// DBInstance is an item of DescribeDBInstances.DBInstances.
type DBInstance struct {
	DBInstanceIdentifier                          string                   `json:"DBInstanceIdentifier"`
	DBInstanceArn                                 string                   `json:"DBInstanceArn"`
	DbiResourceId                                 string                   `json:"DbiResourceId,omitempty"`
	DBInstanceClass                               string                   `json:"DBInstanceClass,omitempty"`
	Engine                                        string                   `json:"Engine"`
	EngineVersion                                 string                   `json:"EngineVersion,omitempty"`
	DBInstanceStatus                              string                   `json:"DBInstanceStatus,omitempty"`
	DBClusterIdentifier                           string                   `json:"DBClusterIdentifier,omitempty"`
	DBParameterGroups                             []DBParameterGroupStatus `json:"DBParameterGroups,omitempty"`
	OptionGroupMemberships                        []OptionGroupMembership  `json:"OptionGroupMemberships,omitempty"`
	EnabledCloudwatchLogsExports                  []string                 `json:"EnabledCloudwatchLogsExports,omitempty"`
	StorageEncrypted                              *bool                    `json:"StorageEncrypted,omitempty"`
	KmsKeyId                                      string                   `json:"KmsKeyId,omitempty"`
	IAMDatabaseAuthenticationEnabled              *bool                    `json:"IAMDatabaseAuthenticationEnabled,omitempty"`
	MultiAZ                                       *bool                    `json:"MultiAZ,omitempty"`
	PubliclyAccessible                            *bool                    `json:"PubliclyAccessible,omitempty"`
	ActivityStreamMode                            string                   `json:"ActivityStreamMode,omitempty"`
	ActivityStreamStatus                          string                   `json:"ActivityStreamStatus,omitempty"`
	ActivityStreamKmsKeyId                        string                   `json:"ActivityStreamKmsKeyId,omitempty"`
	ActivityStreamKinesisStreamName               string                   `json:"ActivityStreamKinesisStreamName,omitempty"`
	ActivityStreamEngineNativeAuditFieldsIncluded *bool                    `json:"ActivityStreamEngineNativeAuditFieldsIncluded,omitempty"`
	ActivityStreamPolicyStatus                    string                   `json:"ActivityStreamPolicyStatus,omitempty"`
	ReadReplicaSourceDBInstanceIdentifier         string                   `json:"ReadReplicaSourceDBInstanceIdentifier,omitempty"`
	ReadReplicaSourceDBClusterIdentifier          string                   `json:"ReadReplicaSourceDBClusterIdentifier,omitempty"`
	TagList                                       []Tag                    `json:"TagList,omitempty"`
	Derived                                       *Derived                 `json:"derived,omitempty"`
}

// DBParameterGroupStatus is an item of DBInstance.DBParameterGroups.
type DBParameterGroupStatus struct {
	DBParameterGroupName string `json:"DBParameterGroupName"`
	ParameterApplyStatus string `json:"ParameterApplyStatus,omitempty"`
}

// OptionGroupMembership is an item of DBInstance.OptionGroupMemberships.
type OptionGroupMembership struct {
	OptionGroupName string `json:"OptionGroupName"`
	Status          string `json:"Status,omitempty"`
}

// Parameter is an item of DescribeDB(Cluster)Parameters.Parameters. ParameterValue is
// absent when the parameter is unset.
type Parameter struct {
	ParameterName        string   `json:"ParameterName"`
	ParameterValue       *string  `json:"ParameterValue,omitempty"`
	Description          string   `json:"Description,omitempty"`
	Source               string   `json:"Source,omitempty"`
	ApplyType            string   `json:"ApplyType,omitempty"`
	DataType             string   `json:"DataType,omitempty"`
	AllowedValues        string   `json:"AllowedValues,omitempty"`
	IsModifiable         *bool    `json:"IsModifiable,omitempty"`
	MinimumEngineVersion string   `json:"MinimumEngineVersion,omitempty"`
	ApplyMethod          string   `json:"ApplyMethod,omitempty"`
	SupportedEngineModes []string `json:"SupportedEngineModes,omitempty"`
}

// ParametersSourceUser marks a parameter group read with Source=user.
const ParametersSourceUser = "user"

// DBClusterParameterGroup is a DescribeDBClusterParameterGroups item with its parameters
// (DescribeDBClusterParameters, all pages; see ParametersSource) keyed by ParameterName.
type DBClusterParameterGroup struct {
	DBClusterParameterGroupName string `json:"DBClusterParameterGroupName"`
	DBParameterGroupFamily      string `json:"DBParameterGroupFamily,omitempty"`
	Description                 string `json:"Description,omitempty"`
	DBClusterParameterGroupArn  string `json:"DBClusterParameterGroupArn,omitempty"`
	// ParametersSource is "user" when Parameters holds only the parameters modified in the
	// group (DescribeDB(Cluster)Parameters with Source=user); the other parameters have the
	// family's engine defaults. Empty: Parameters holds every parameter that was listed.
	ParametersSource string               `json:"parameters_source,omitempty" jsonschema:"enum=user"`
	Parameters       map[string]Parameter `json:"Parameters"`
	Derived          *Derived             `json:"derived,omitempty"`
}

// DBParameterGroup is a DescribeDBParameterGroups item with its parameters
// (DescribeDBParameters, all pages; see ParametersSource) keyed by ParameterName.
type DBParameterGroup struct {
	DBParameterGroupName   string `json:"DBParameterGroupName"`
	DBParameterGroupFamily string `json:"DBParameterGroupFamily,omitempty"`
	Description            string `json:"Description,omitempty"`
	DBParameterGroupArn    string `json:"DBParameterGroupArn,omitempty"`
	// ParametersSource is "user" when Parameters holds only the parameters modified in the
	// group (DescribeDB(Cluster)Parameters with Source=user); the other parameters have the
	// family's engine defaults. Empty: Parameters holds every parameter that was listed.
	ParametersSource string               `json:"parameters_source,omitempty" jsonschema:"enum=user"`
	Parameters       map[string]Parameter `json:"Parameters"`
	Derived          *Derived             `json:"derived,omitempty"`
}

// EngineDefaults is DescribeEngineDefault(Cluster)Parameters.EngineDefaults for one family,
// its parameters keyed by ParameterName.
type EngineDefaults struct {
	DBParameterGroupFamily string               `json:"DBParameterGroupFamily"`
	Parameters             map[string]Parameter `json:"Parameters"`
}

// OptionGroup is an item of DescribeOptionGroups.OptionGroupsList.
type OptionGroup struct {
	OptionGroupName        string   `json:"OptionGroupName"`
	OptionGroupDescription string   `json:"OptionGroupDescription,omitempty"`
	EngineName             string   `json:"EngineName,omitempty"`
	MajorEngineVersion     string   `json:"MajorEngineVersion,omitempty"`
	OptionGroupArn         string   `json:"OptionGroupArn,omitempty"`
	Options                []Option `json:"Options"`
	Derived                *Derived `json:"derived,omitempty"`
}

// Option is an item of OptionGroup.Options.
type Option struct {
	OptionName     string          `json:"OptionName"`
	OptionVersion  string          `json:"OptionVersion,omitempty"`
	Persistent     *bool           `json:"Persistent,omitempty"`
	Permanent      *bool           `json:"Permanent,omitempty"`
	OptionSettings []OptionSetting `json:"OptionSettings,omitempty"`
}

// OptionSetting is an item of Option.OptionSettings.
type OptionSetting struct {
	Name         string `json:"Name"`
	Value        string `json:"Value,omitempty"`
	DefaultValue string `json:"DefaultValue,omitempty"`
	ApplyType    string `json:"ApplyType,omitempty"`
	DataType     string `json:"DataType,omitempty"`
	IsModifiable *bool  `json:"IsModifiable,omitempty"`
	IsCollection *bool  `json:"IsCollection,omitempty"`
}
