package input

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMalformedFilesThatAreNotInputs: a file that fails to parse is skipped with a notice in
// a directory (and with SkipUnknown) when it names no input marker, like a Helm template or a
// JSON file with comments; a broken file that does name one (an AWS:: type) fails the scan,
// since skipping it could hide a failing resource.
func TestMalformedFilesThatAreNotInputs(t *testing.T) {
	const (
		helm     = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- include \"app.spec\" . | nindent 2 }}\n"
		tsconfig = "{\n  // the compiler's options\n  \"compilerOptions\": {\"strict\": true}\n}\n"
		brokenCF = "Resources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql\n"
		template = "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: main\n      S3BucketName: logs\n      IsLogging: true\n"
	)
	tests := []struct {
		name        string
		files       map[string]string
		args        []string // relative to the temp dir; default: the dir itself
		skipUnknown bool
		wantErr     string
		wantNotices []string
	}{
		{name: "Helm template and tsconfig inside a directory", files: map[string]string{
			"charts/app/templates/deployment.yaml": helm, "web/tsconfig.json": tsconfig, "cfn/trail.yaml": template},
			wantNotices: []string{"deployment.yaml: skipped", "tsconfig.json: skipped"}},
		{name: "broken CloudFormation template inside a directory", files: map[string]string{
			"cfn/cluster.yaml": brokenCF, "cfn/trail.yaml": template},
			wantErr: "cluster.yaml"},
		{name: "Helm template named with --skip-unknown", files: map[string]string{"deployment.yaml": helm, "trail.yaml": template},
			args: []string{"deployment.yaml", "trail.yaml"}, skipUnknown: true, wantNotices: []string{"deployment.yaml: skipped"}},
		{name: "Helm template named without --skip-unknown", files: map[string]string{"deployment.yaml": helm},
			args: []string{"deployment.yaml"}, wantErr: "deployment.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{dir}
			if tt.args != nil {
				args = nil
				for _, a := range tt.args {
					args = append(args, filepath.Join(dir, a))
				}
			}
			var notices []string
			opts := Options{SkipUnknown: tt.skipUnknown, Account: "123456789012", Region: "us-east-1",
				Notice: func(m string) { notices = append(notices, m) }}
			_, err := Load(context.Background(), args, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			all := strings.Join(notices, "\n")
			for _, w := range tt.wantNotices {
				if !strings.Contains(all, w) {
					t.Errorf("notices lack %q:\n%s", w, all)
				}
			}
		})
	}
}

// TestTransformNotice: a template with a Transform macro is judged as written, and says so.
func TestTransformNotice(t *testing.T) {
	for _, tc := range []struct{ transform, want string }{
		{"Transform: AWS::Serverless-2016-10-31\n", "Transform AWS::Serverless-2016-10-31 is not expanded"},
		{"Transform: [AWS::Serverless-2016-10-31, MyMacro]\n", "AWS::Serverless-2016-10-31, MyMacro"},
		{"Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k}}\n", "Transform AWS::Include"},
	} {
		var notices []string
		body := tc.transform + "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties: {S3BucketName: logs, IsLogging: true}\n"
		_, err := ImportFile("sam.yaml", []byte(body), Options{Account: "123456789012", Region: "us-east-1",
			Notice: func(m string) { notices = append(notices, m) }})
		if err != nil {
			t.Fatalf("%s: %v", tc.transform, err)
		}
		if all := strings.Join(notices, "\n"); !strings.Contains(all, tc.want) || !strings.Contains(all, "sam.yaml: line 1") {
			t.Errorf("%s: notices %q lack %q", tc.transform, all, tc.want)
		}
	}
}

// TestDuplicateMembersInAnyJSON: a duplicate member is an input error in every JSON input,
// not only in snapshots (encoding/json would keep the last one silently).
func TestDuplicateMembersInAnyJSON(t *testing.T) {
	for name, body := range map[string]string{
		"describe-db-clusters.json": "{\"DBClusters\": [\n  {\"DBClusterIdentifier\": \"a\", \"DBClusterIdentifier\": \"b\", \"Engine\": \"aurora-mysql\"}\n]}\n",
		"template.json":             "{\"Resources\": {\n  \"T\": {\"Type\": \"AWS::CloudTrail::Trail\", \"Type\": \"AWS::RDS::DBCluster\"}\n}}\n",
	} {
		_, err := ImportFile(name, []byte(body), Options{Account: "123456789012", Region: "us-east-1"})
		if err == nil || !strings.Contains(err.Error(), name+": line 2") || !strings.Contains(err.Error(), "duplicate member") {
			t.Errorf("%s: err = %v, want a duplicate member error on line 2", name, err)
		}
	}
}
