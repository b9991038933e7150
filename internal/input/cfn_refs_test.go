package input

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/finding"
)

// TestCFNUnknownIntrinsic: a tag or Fn:: key that names no intrinsic function is an input
// error naming the place (it used to be read as a literal string: a false PASS); every known
// one, YAML's own tags and free-form Metadata are accepted.
func TestCFNUnknownIntrinsic(t *testing.T) {
	const head = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n"
	tests := []struct {
		name, file, content string
		want                []string // substrings of the error; none: no error
	}{
		{"misspelt !Ref", "template.yaml", head +
			"  Params:\n    Type: AWS::RDS::DBClusterParameterGroup\n    Properties:\n      Family: aurora-mysql8.0\n      Description: d\n      Parameters: {server_audit_logging: 1}\n" +
			"  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      DBClusterParameterGroupName: !Reff Params\n",
			[]string{"template.yaml: line 13, column 36: unknown tag !Reff (did you mean !Ref? want one of !Ref, !GetAtt, !Sub,", "!ToJsonString, !Length, or a YAML standard tag such as !!str)"}},
		{"bogus tag in a list", "t.yml", head + "  G:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      Tags:\n        - Key: k\n          Value: !Bogus x\n",
			[]string{"line 8, column 18: unknown tag !Bogus (want one of !Ref"}},
		{"bogus tag on a mapping", "t.yaml", head + "  G:\n    Type: AWS::Logs::LogGroup\n    Properties: !Props\n      RetentionInDays: 1\n",
			[]string{"line 5, column 17: unknown tag !Props"}},
		{"unknown YAML standard tag", "t.yaml", head + "  G:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !!python/str x\n",
			[]string{"line 6, column 21: unknown tag !!python/str"}},
		{"unknown tag outside Resources", "t.yaml", head + "  G:\n    Type: AWS::Logs::LogGroup\nOutputs:\n  O:\n    Value: !Reff G\n",
			[]string{"line 7, column 12: unknown tag !Reff"}},
		{"unknown Fn:: in JSON", "t.json", `{"Resources": {"G": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Bogus": ["a"]}}}}}`,
			[]string{"line 1, column 85: unknown intrinsic function Fn::Bogus (want one of Ref, Condition, Fn::GetAtt,"}},
		{"misspelt Fn::GetAtt in YAML", "t.yaml", head + "  G:\n    Type: AWS::Logs::LogGroup\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n      IsLogging: true\n      CloudWatchLogsLogGroupArn:\n        Fn::GetAttr: [G, Arn]\n",
			[]string{"line 11, column 9: unknown intrinsic function Fn::GetAttr (did you mean Fn::GetAtt? "}},
		{"every known short tag", "t.yaml", head + "  G:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Join\n        - /\n" +
			"        - [!Ref AWS::Region, !Sub x, !Select [0, !Split [',', 'a,b']], !Base64 x, !ImportValue x, !Select [0, !GetAZs ''],\n" +
			"           !Select [0, !Cidr [10.0.0.0/16, 1, 8]], !If [C, a, b], !FindInMap [M, a, b, {DefaultValue: x}], !GetAtt H.Arn,\n" +
			"           !ToJsonString {a: b}, !Length [a], !Transform {Name: x}, !!str 5]\n" +
			"  H:\n    Type: AWS::Logs::LogGroup\nMappings:\n  M: {a: {b: x}}\nConditions:\n  C: !And [!Equals [a, a], !Not [!Condition D], !Or [!Condition D, !Condition D]]\n  D: !Equals [a, b]\n", nil},
		{"free-form Metadata and language extensions", "t.json", `{"Metadata": {"Tool": {"Fn::Custom": 1}}, "Resources": {"G": {"Type": "AWS::Logs::LogGroup",
			"Metadata": {"Fn::Other": "x"}, "Properties": {"LogGroupName": {"Fn::Join": ["", [{"Fn::Length": [1]}]]}}}},
			"Outputs": {"Fn::ForEach::Names": ["N", ["a"], {"O${N}": {"Value": "x"}}]}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), []string{path}, scenarioOpts)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("valid template refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error must be one line starting with the file name, got: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, strings.TrimPrefix(w, tt.file+": ")) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// unnamedVerdicts are verdicts on testdata/inputs/cloudformation/unnamed-refs.yaml, where
// no resource is named and only !Ref / !GetAtt link them.
var unnamedVerdicts = []struct {
	key    string
	want   finding.Status
	detail string // substring of the reason or evidence, when it matters
}{
	// Cluster → cluster parameter group by !Ref (an unnamed group: was "not in the snapshot").
	{"DBAUDIT-RDS-002 123456789012/us-east-1 cluster", finding.StatusPass, ""},
	{"DBAUDIT-RDS-002 123456789012/us-east-1 plaincluster", finding.StatusFail, "server_audit_logging=0 (cluster-parameter-group plainparams)"},
	{"DBAUDIT-RDS-003 123456789012/us-east-1 cluster", finding.StatusFail, "(cluster-parameter-group params)"},
	{"DBAUDIT-RDS-023 123456789012/us-east-1 cluster", finding.StatusPass, ""},
	// Member → cluster by !Ref: the cluster knows its member, the member its cluster's group.
	{"DBAUDIT-RDS-006 123456789012/us-east-1 membercluster", finding.StatusNotEvaluated, "DBClusterParameterGroupStatus of members clusterwriter"},
	{"DBAUDIT-RDS-007 123456789012/us-east-1 clusterwriter", finding.StatusPass, ""},
	// Instance → DB parameter group and option group by !Ref.
	{"DBAUDIT-RDS-008 123456789012/us-east-1 mysql", finding.StatusNotEvaluated, "ParameterApplyStatus of mysqlparams"},
	{"DBAUDIT-RDS-022 123456789012/us-east-1 mysql", finding.StatusPass, ""},
	{"DBAUDIT-RDS-024 123456789012/us-east-1 mysql", finding.StatusPass, ""},
	// Log groups named by !Sub of an unnamed cluster / instance.
	{"DBAUDIT-LOGS-001 123456789012/us-east-1 cluster", finding.StatusPass, ""},
	{"DBAUDIT-LOGS-006 123456789012/us-east-1 mysql", finding.StatusPass, ""},
	// Metric filter → log group by !Ref; an unnamed alarm on the filter's metric.
	{"DBAUDIT-LOGS-004 123456789012/us-east-1 /aws/rds/cluster/cluster/audit", finding.StatusPass, ""},
	{"DBAUDIT-LOGS-004 123456789012/us-east-1 /aws/rds/instance/mysql/audit", finding.StatusFail, ""},
	// Trail → unnamed log group by !GetAtt …Arn.
	{"DBAUDIT-CT-005 123456789012/us-east-1 Trail", finding.StatusPass, ""},
	{"DBAUDIT-LOGS-002 123456789012/us-east-1 TrailLogGroup", finding.StatusPass, ""},
}

// TestCFNUnnamedReferences: an unnamed resource gets its logical id as name (RDS: lower
// case), and Ref / Fn::GetAtt to it, short or long form, give that name or ARN, so rules
// judge the cluster against its referenced group, the instance against its groups, the trail
// against its log group.
func TestCFNUnnamedReferences(t *testing.T) {
	repoRoot(t)
	const fixture = "testdata/inputs/cloudformation/unnamed-refs.yaml"
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(t.TempDir(), "unnamed-refs.json")
	if err := os.WriteFile(jsonPath, longFormJSON(t, data), 0o644); err != nil {
		t.Fatal(err)
	}
	short := verdictsOf(t, evaluate(t, load(t, scenarioOpts, fixture)))
	for _, in := range []struct {
		name string
		vs   map[string]finding.Finding
	}{{"short form", short}, {"long form (JSON)", verdictsOf(t, evaluate(t, load(t, scenarioOpts, jsonPath)))}} {
		t.Run(in.name, func(t *testing.T) {
			for _, w := range unnamedVerdicts {
				f, ok := in.vs[w.key]
				if !ok {
					t.Errorf("%s: no verdict", w.key)
					continue
				}
				if f.Status != w.want || !strings.Contains(f.Reason+" "+f.Evidence, w.detail) {
					t.Errorf("%s: %s (reason %q, evidence %q), want %s mentioning %q", w.key, f.Status, f.Reason, f.Evidence, w.want, w.detail)
				}
			}
			if d := diffLines(verdictLines(short, nil), verdictLines(in.vs, nil)); d != "" {
				t.Errorf("verdicts differ from the short form (- short, + %s):\n%s", in.name, d)
			}
		})
	}

	s := load(t, scenarioOpts, fixture)
	r := findRegion(t, s, "123456789012", "us-east-1")
	for _, c := range r.RDS.DBClusters {
		if c.DBClusterIdentifier == "membercluster" && (len(c.DBClusterMembers) != 1 || c.DBClusterMembers[0].DBInstanceIdentifier != "clusterwriter") {
			t.Errorf("membercluster members: %+v, want clusterwriter", c.DBClusterMembers)
		}
		if c.Derived == nil || !contains(c.Derived.UnknownAttributes, "DBClusterIdentifier") {
			t.Errorf("%s: a generated identifier must stay listed as unknown: %+v", c.DBClusterIdentifier, c.Derived)
		}
	}
	g, ok := r.Logs.LogGroups["TrailLogGroup"]
	if !ok || len(r.CloudTrail.Trails) != 1 || r.CloudTrail.Trails[0].CloudWatchLogsLogGroupArn != g.Arn {
		t.Errorf("trail log group ARN %q, log group %+v", r.CloudTrail.Trails[0].CloudWatchLogsLogGroupArn, g)
	}
}

// TestCFNGetAttAttributes: Fn::GetAtt attributes that follow from the name resolve; the
// others are known only after deployment.
func TestCFNGetAttAttributes(t *testing.T) {
	tmpl := `Resources:
  C: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-mysql}}
  I: {Type: AWS::RDS::DBInstance, Properties: {Engine: mysql, DBInstanceIdentifier: My-DB}}
  P: {Type: AWS::RDS::DBParameterGroup, Properties: {Family: mysql8.0, Description: d}}
  G: {Type: AWS::Logs::LogGroup}
  T: {Type: AWS::CloudTrail::Trail, Properties: {S3BucketName: b, IsLogging: true}}
`
	root, err := parseYAML([]byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	tpl := &cfnTemplate{file: "t.yaml", root: root, region: "eu-west-1", account: "111122223333", resources: map[string]*cfnResource{}}
	_, res := mapGet(root, "Resources")
	for i := 0; i+1 < len(res.Content); i += 2 {
		_, typ := mapGet(res.Content[i+1], "Type")
		_, props := mapGet(res.Content[i+1], "Properties")
		r := &cfnResource{id: res.Content[i].Value, typ: typ.Value, props: props, keyNode: res.Content[i]}
		tpl.resources[r.id] = r
		if err := tpl.setKey(r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		target, attr string
		want         any
	}{
		{"C", "DBClusterArn", "arn:aws:rds:eu-west-1:111122223333:cluster:c"},
		{"C", "Endpoint.Address", unknownValue{"C.Endpoint.Address is known only after deployment"}},
		{"I", "DBInstanceArn", "arn:aws:rds:eu-west-1:111122223333:db:my-db"},
		{"P", "DBParameterGroupName", "p"},
		{"G", "Arn", "arn:aws:logs:eu-west-1:111122223333:log-group:G:*"},
		{"T", "Arn", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/T"},
	}
	for _, tt := range tests {
		got, err := tpl.getAtt(tt.target, tt.attr, root)
		if err != nil || got != tt.want {
			t.Errorf("GetAtt %s.%s = %#v, %v; want %#v", tt.target, tt.attr, got, err, tt.want)
		}
	}
}

// longFormJSON rewrites a YAML template with short-form tags as a JSON template with the
// long forms ({"Ref": …}, {"Fn::GetAtt": [resource, attribute]}, …).
func longFormJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	root, err := parseYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		if fn, ok := shortTags[n.Tag]; ok {
			arg := conv(bareArg(n))
			if s, isStr := arg.(string); isStr && fn == "Fn::GetAtt" {
				res, attr, _ := strings.Cut(s, ".")
				arg = []any{res, attr}
			}
			return map[string]any{fn: arg}
		}
		switch n.Kind {
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			l := []any{}
			for _, c := range n.Content {
				l = append(l, conv(c))
			}
			return l
		}
		return scalarValue(n)
	}
	out, err := json.MarshalIndent(conv(root), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `"!`) {
		t.Fatalf("short-form tag left in the JSON form:\n%s", out)
	}
	return out
}
