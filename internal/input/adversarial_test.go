package input

import (
	"github.com/dbaudit/scanner/internal/testsupport/lineartime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// adversarialMB is the size of the adversarial inputs: no input may take more than 1 s per
// MB (docs/reliability.md, "Fuzzing"). Normal runs take a few tens of milliseconds each, so
// the bound has a wide margin on a loaded machine; a super-linear path blows through it.
const adversarialMB = 1 << 20

// nested is depth levels of open, a core, then depth levels of close.
func nested(depth int, open, core, close string) []byte {
	return []byte(strings.Repeat(open, depth) + core + strings.Repeat(close, depth))
}

// assertLinearTime fails when fn takes more than 1 s of CPU per MB of data.
func assertLinearTime(t *testing.T, what string, data []byte, fn func([]byte)) {
	t.Helper()
	lineartime.Check(t, what, len(data), func() { fn(data) })
}

// TestAdversarialInputsLinear feeds ~1 MB hostile inputs to every importer: deep nesting,
// long strings, many keys, many lines, many resources.
func TestAdversarialInputsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	dec, err := snapshot.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	const n = adversarialMB
	long := strings.Repeat("x", n)
	json := map[string][]byte{
		"deep arrays":        nested(n/2, "[", "", "]"),
		"deep objects":       nested(n/6, `{"a":`, "1", "}"),
		"deep unclosed":      []byte(strings.Repeat(`{"DBClusters":[`, n/15)),
		"long string":        []byte(`{"DBClusters":[{"DBClusterIdentifier":"` + long + `"}]}`),
		"long key":           []byte(`{"` + long + `":1}`),
		"escaped string":     []byte(`{"DBClusters":[{"DBClusterIdentifier":"` + strings.Repeat(`\u00e9\n`, n/8) + `"}]}`),
		"many keys":          lineartime.Repeat(n, "{", `"k#":#`, ",", "}"),
		"many lines":         lineartime.Repeat(n, "{\n", `"k#": [1,`, "\n", "\n"),
		"many clusters":      lineartime.Repeat(n, `{"DBClusters":[`, `{"DBClusterIdentifier":"c#","Engine":"aurora-mysql","DBClusterArn":"arn:aws:rds:us-east-1:123456789012:cluster:c#","EnabledCloudwatchLogsExports":["audit"]}`, ",", "]}"),
		"many instances":     lineartime.Repeat(n, `{"DBInstances":[`, `{"DBInstanceIdentifier":"i#","Engine":"mysql","DBParameterGroups":[{"DBParameterGroupName":"pg#"}]}`, ",", "]}"),
		"many parameters":    lineartime.Repeat(n, `{"Parameters":[`, `{"ParameterName":"p#","ParameterValue":"1","Source":"user"}`, ",", "]}"),
		"many log groups":    lineartime.Repeat(n, `{"logGroups":[`, `{"logGroupName":"/aws/rds/cluster/c#/audit","retentionInDays":1}`, ",", "]}"),
		"many trails":        lineartime.Repeat(n, `{"trailList":[`, `{"Name":"t#","TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t#","HomeRegion":"us-east-1"}`, ",", "]}"),
		"many metric filter": lineartime.Repeat(n, `{"metricFilters":[`, `{"filterName":"f#","logGroupName":"/aws/rds/cluster/c/audit","filterPattern":"FAILED","metricTransformations":[{"metricName":"m#","metricNamespace":"n","metricValue":"1"}]}`, ",", "]}"),
		"many plan changes":  lineartime.Repeat(n, `{"format_version":"1.2","resource_changes":[`, `{"address":"aws_rds_cluster.c#","mode":"managed","type":"aws_rds_cluster","name":"c#","change":{"actions":["create"],"after":{"cluster_identifier":"c#","engine":"aurora-mysql"},"after_unknown":{}}}`, ",", "]}"),
		"many cfn resources": lineartime.Repeat(n, `{"Resources":{`, `"C#":{"Type":"AWS::RDS::DBCluster","Properties":{"DBClusterIdentifier":{"Fn::Sub":"c#-${AWS::Region}"},"Engine":"aurora-mysql"}}`, ",", "}}"),
		"many cfn refs":      lineartime.Repeat(n, `{"Resources":{"L":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":{"Fn::Join":["",[`, `{"Ref":"AWS::Region"}`, ",", "]]}}}}}"),
		"duplicate at end":   lineartime.Repeat(n, `{"DBClusters":[`, `{"DBClusterIdentifier":"c#"}`, ",", `,{"DBClusterIdentifier":"c1"}]}`),
	}
	t.Run("json", func(t *testing.T) {
		names := []string{"x.json", "describe-db-clusters.json", "describe-db-parameters.pg.json", "plan.json", "template.json"}
		for what, data := range json {
			for _, name := range names {
				assertLinearTime(t, what+" as "+name, data, func(d []byte) { _, _ = importOne(name, d, Options{}, dec) })
			}
		}
	})
	yaml := map[string][]byte{
		"deep mappings":     nested(n/64, "a:\n  ", "b", ""),
		"deep flow":         nested(n/2, "[", "", "]"),
		"deep flow maps":    nested(n/4, "{a: ", "1", "}"),
		"long scalar":       []byte("Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: " + long + "\n"),
		"long block scalar": []byte("Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: |\n" + strings.Repeat("        line\n", n/13)),
		"many lines":        lineartime.Repeat(n, "Resources:\n", "  C#:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: !Ref E#\n      DBClusterIdentifier: !Sub 'c#-${AWS::Region}'", "\n", "\n"),
		"many anchors":      lineartime.Repeat(n, "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      Tags:\n", "        - &a# {Key: k, Value: v}", "\n", "\n      X: [*a1, *a2]\n"),
		"alias fan-out":     []byte("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\nResources: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"),
		"nested intrinsics": nested(n/16, "!If [c, ", "1", ", 2]"),
		"long condition":    lineartime.Repeat(n, "Conditions:\n  C: !And [", "!Equals [a, b]", ", ", "]\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Condition: C\n"),
		"typo intrinsics":   lineartime.Repeat(n, "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n", "      P#: {Fn::GetAttt: [a, b]}", "\n", "\n"),
	}
	t.Run("yaml", func(t *testing.T) {
		for what, data := range yaml {
			assertLinearTime(t, what+" as template.yaml", data, func(d []byte) { _, _ = importOne("template.yaml", d, Options{}, dec) })
		}
	})
	hcl := map[string][]byte{
		"deep blocks":    nested(n/8, "a {\n", "", "}\n"),
		"deep exprs":     []byte("x = " + string(nested(n/2, "(", "1", ")")) + "\n"),
		"deep objects":   []byte("x = " + string(nested(n/4, "{a=", "1", "}")) + "\n"),
		"long string":    []byte("resource \"a\" \"b\" {\n  x = \"" + long + "\"\n}\n"),
		"many resources": lineartime.Repeat(n, "", "resource \"aws_rds_cluster\" \"c#\" {\n  cluster_identifier = \"c#\"\n}", "\n", "\n"),
		"many templates": lineartime.Repeat(n, "x = \"", "${a#}", "", "\"\n"),
		"long heredoc":   []byte("x = <<EOT\n" + strings.Repeat("line\n", n/5) + "EOT\n"),
		"open heredoc":   []byte("x = <<EOT\n" + strings.Repeat("line\n", n/5)),
		"many heredocs":  lineartime.Repeat(n, "", "x# = <<-EOT\n"+strings.Repeat("  l\n", 60)+"  EOT", "\n", "\n"),
		"dollar escapes": []byte("x = \"" + strings.Repeat("$$", n/2) + "\"\n"),
		"open string":    []byte("x = \"" + strings.Repeat("$$", n/2) + "\n"),
		"nested strings": []byte("x = \"" + string(nested(n/16, "${\"", "a", "\"}")) + "\"\n"),
	}
	t.Run("hcl", func(t *testing.T) {
		for what, data := range hcl {
			for _, path := range []string{"main.tf", "main.tf.json"} {
				assertLinearTime(t, what+" as "+path, data, func(d []byte) {
					ix := &tfDirIndex{resources: map[string]snapshot.Location{}, modules: map[string]snapshot.Location{}}
					_ = ix.add(hclparse.NewParser(), path, d)
				})
			}
		}
	})
}
