// Package snapshot defines the JSON document the rules judge: a point-in-time copy of the
// database audit-trail settings of one or more AWS accounts, organised account → region.
//
// Naming contract:
//   - snake_case keys are the scanner's own containers (accounts, regions, db_clusters, …);
//   - PascalCase / camelCase keys are AWS API member names, copied 1:1 from the API output
//     (an item of `aws rds describe-db-clusters` is a DBCluster here);
//   - everything the scanner computes lives under a resource's `derived` object.
//
// Maps keyed by name (parameter groups, option groups, log groups, alarms) let rules look
// resources up by key instead of scanning lists.
package snapshot

// SchemaVersion is the snapshot format version this build reads and writes.
const SchemaVersion = "1.0"

// Snapshot is the root document and the Rego input.
type Snapshot struct {
	SchemaVersion string `json:"schema_version" jsonschema:"enum=1.0"`
	// GeneratedAt is when the data was collected (RFC 3339). Time-based rules compare
	// against it, not the wall clock, so re-evaluating a snapshot is deterministic.
	GeneratedAt    string    `json:"generated_at,omitempty" jsonschema:"format=date-time"`
	Source         *Source   `json:"source,omitempty"`
	Accounts       []Account `json:"accounts"`
	CollectionGaps []Gap     `json:"collection_gaps,omitempty"`
}

// Source says where the snapshot came from.
type Source struct {
	// Kind is one of: snapshot, live, aws-cli, terraform-plan, cloudformation.
	Kind  string   `json:"kind"`
	Files []string `json:"files,omitempty"`
}

// Gap records data that could not be collected or resolved. Rules whose inputs fall into a
// gap report NOT_EVALUATED with the gap as the reason.
type Gap struct {
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region,omitempty"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	// Resource names the subject of the failed call, e.g. a parameter group name.
	Resource  string `json:"resource,omitempty"`
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
}

// Account holds one AWS account's regions.
type Account struct {
	AccountID string   `json:"account_id"`
	Regions   []Region `json:"regions"`
}

// Region holds one region's data. A nil service means "not collected": rules that need it
// report NOT_EVALUATED, never PASS.
type Region struct {
	Region     string      `json:"region"`
	RDS        *RDS        `json:"rds,omitempty"`
	Logs       *Logs       `json:"logs,omitempty"`
	CloudWatch *CloudWatch `json:"cloudwatch,omitempty"`
	CloudTrail *CloudTrail `json:"cloudtrail,omitempty"`
}

// Location is where a resource is declared in a scanned input file.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Derived holds values the scanner computed; none of them come from AWS verbatim.
type Derived struct {
	// Location of the resource's declaration in the scanned input, when known.
	Location *Location `json:"location,omitempty"`
	// UnknownAttributes lists API members whose value is not known yet (e.g. a Terraform
	// plan's "known after apply"). Rules reading them report NOT_EVALUATED.
	UnknownAttributes []string `json:"unknown_attributes,omitempty"`
	// EffectiveParameters maps an audit-relevant parameter name to its effective value after
	// engine defaults and instance-level overrides (see Resolve).
	EffectiveParameters map[string]EffectiveParameter `json:"effective_parameters,omitempty"`
}

// EffectiveParameter is the value a database actually runs with.
type EffectiveParameter struct {
	// Value is absent when the parameter is unset everywhere (or unresolved).
	Value *string `json:"value,omitempty"`
	// Source is the API's Source of the winning entry: user, engine-default or system.
	Source string `json:"source,omitempty"`
	// From is where the value came from: instance-parameter-group, cluster-parameter-group,
	// engine-default, or unresolved.
	From string `json:"from"`
	// Group is the parameter group (or, for engine-default, the family) that supplied it.
	Group string `json:"group,omitempty"`
	// Default is the family's engine default, where known.
	Default *string `json:"default,omitempty"`
	// Unresolved explains why the value could not be determined (From == "unresolved").
	Unresolved string `json:"unresolved,omitempty"`
}

// Effective-parameter origins.
const (
	FromInstanceGroup = "instance-parameter-group"
	FromClusterGroup  = "cluster-parameter-group"
	FromEngineDefault = "engine-default"
	FromUnresolved    = "unresolved"
)
