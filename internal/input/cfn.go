package input

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// cfnTypes are the CloudFormation resource types the template importer maps.
var cfnTypes = map[string]bool{
	"AWS::RDS::DBCluster": true, "AWS::RDS::DBInstance": true, "AWS::RDS::DBClusterParameterGroup": true,
	"AWS::RDS::DBParameterGroup": true, "AWS::RDS::OptionGroup": true, "AWS::Logs::LogGroup": true,
	"AWS::Logs::MetricFilter": true, "AWS::Logs::SubscriptionFilter": true, "AWS::CloudWatch::Alarm": true,
	"AWS::CloudTrail::Trail": true,
}

// shortTags are the YAML short forms of intrinsic functions.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition", "!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!FindInMap": "Fn::FindInMap", "!If": "Fn::If",
	"!Equals": "Fn::Equals", "!Not": "Fn::Not", "!And": "Fn::And", "!Or": "Fn::Or", "!Base64": "Fn::Base64",
	"!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Cidr": "Fn::Cidr", "!Transform": "Fn::Transform",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

// parseYAML parses YAML (or JSON, a YAML subset) into a document node.
func parseYAML(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("line 1, column 1: empty YAML document")
	}
	return doc.Content[0], nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) error {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("line %s: malformed YAML: %s", m[1], m[2])
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return fmt.Errorf("malformed YAML: %s", strings.TrimPrefix(te.Errors[0], "yaml: "))
	}
	return fmt.Errorf("malformed YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

func mapGet(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// isTemplate reports whether a YAML/JSON root is a CloudFormation template.
func isTemplate(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	if k, _ := mapGet(root, "AWSTemplateFormatVersion"); k != nil {
		return true
	}
	_, res := mapGet(root, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(res.Content); i += 2 {
		_, t := mapGet(res.Content[i], "Type")
		if t == nil || t.Kind != yaml.ScalarNode || !strings.Contains(t.Value, "::") {
			return false
		}
	}
	return true
}

// Evaluation results that are not plain values.
type unknownValue struct{ reason string }
type noValue struct{}

type cfnResource struct {
	id         string
	typ        string
	props      *yaml.Node
	keyNode    *yaml.Node
	cond       string
	key        string
	keyUnknown bool
	keyed      bool // key decided (setKey ran)
}

type cfnTemplate struct {
	file       string
	region     string
	account    string
	root       *yaml.Node
	params     map[string]*yaml.Node
	mappings   *yaml.Node
	conditions map[string]*yaml.Node
	condCache  map[string]any
	condActive map[string]bool
	resources  map[string]*cfnResource
	order      []string
}

// importTemplate maps a CloudFormation template to a snapshot.
// describeTransform names a template's macros: a name, a list of names, or AWS::Include's
// mapping form.
func describeTransform(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		var names []string
		for _, e := range n.Content {
			names = append(names, describeTransform(e))
		}
		return strings.Join(names, ", ")
	case yaml.MappingNode:
		if _, name := mapGet(n, "Name"); name != nil {
			return name.Value
		}
	}
	return "(a macro)"
}

func importTemplate(file string, root *yaml.Node, opts Options) (*snapshot.Snapshot, error) {
	if err := checkIntrinsics(root); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	t := &cfnTemplate{file: file, root: root, params: map[string]*yaml.Node{}, conditions: map[string]*yaml.Node{},
		condCache: map[string]any{}, condActive: map[string]bool{}, resources: map[string]*cfnResource{}}
	t.region = first(opts.Region, DefaultRegion)
	t.account = first(opts.Account, DefaultAccount)
	if _, tr := mapGet(root, "Transform"); tr != nil {
		// Macros (AWS::Serverless, AWS::Include, custom ones) rewrite the template before
		// deployment; the scanner judges the template as written.
		opts.notice("%s: line %d: Transform %s is not expanded: resources a macro adds or changes are not judged", file, tr.Line, describeTransform(tr))
	}
	if _, ps := mapGet(root, "Parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			t.params[ps.Content[i].Value] = ps.Content[i+1]
		}
	}
	_, t.mappings = mapGet(root, "Mappings")
	if _, cs := mapGet(root, "Conditions"); cs != nil && cs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cs.Content); i += 2 {
			t.conditions[cs.Content[i].Value] = cs.Content[i+1]
		}
	}
	_, res := mapGet(root, "Resources")
	if res != nil && res.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: line %d, column %d: Resources must be a mapping", file, res.Line, res.Column)
	}
	mapped := false
	if res != nil {
		for i := 0; i+1 < len(res.Content); i += 2 {
			k, v := res.Content[i], res.Content[i+1]
			if v.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s: line %d, column %d: resource %s must be a mapping", file, v.Line, v.Column, k.Value)
			}
			_, typ := mapGet(v, "Type")
			if typ == nil || typ.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s: line %d, column %d: resource %s has no Type", file, k.Line, k.Column, k.Value)
			}
			_, props := mapGet(v, "Properties")
			_, cond := mapGet(v, "Condition")
			r := &cfnResource{id: k.Value, typ: typ.Value, props: props, keyNode: k}
			if cond != nil {
				r.cond = cond.Value
			}
			t.resources[r.id] = r
			t.order = append(t.order, r.id)
			mapped = mapped || cfnTypes[r.typ]
		}
	}
	if err := t.checkCycles(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if mapped && opts.Region == "" {
		opts.notice("%s: region not named by --region; using %s", file, DefaultRegion)
	}
	if mapped && opts.Account == "" {
		opts.notice("%s: account not named by --account; using %s", file, DefaultAccount)
	}
	for _, id := range t.order {
		if err := t.setKey(t.resources[id]); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	b := newBuilder("cloudformation")
	b.files = []string{file}
	// Filters attach to their log group, so groups go first.
	ids := append([]string(nil), t.order...)
	sort.SliceStable(ids, func(i, j int) bool {
		return t.resources[ids[i]].typ == "AWS::Logs::LogGroup" && t.resources[ids[j]].typ != "AWS::Logs::LogGroup"
	})
	for _, id := range ids {
		r := t.resources[id]
		if !cfnTypes[r.typ] {
			continue
		}
		if r.cond != "" {
			v, err := t.condition(r.cond, r.keyNode)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if b, ok := v.(bool); ok && !b {
				continue // not created
			}
		}
		if err := t.emit(b, r); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	for _, reg := range b.regions {
		linkMembers(reg.RDS)
	}
	return b.snapshot(), nil
}

func at(n *yaml.Node) string { return fmt.Sprintf("line %d, column %d", n.Line, n.Column) }

// intrinsic returns the function name and argument of an intrinsic node, short or long form.
func intrinsic(n *yaml.Node) (string, *yaml.Node) {
	if n == nil {
		return "", nil
	}
	if fn, ok := shortTags[n.Tag]; ok {
		return fn, n
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1]
		}
	}
	return "", nil
}

// bareArg strips a short-form tag so the argument can be read as plain YAML.
func bareArg(n *yaml.Node) *yaml.Node {
	if _, ok := shortTags[n.Tag]; ok {
		c := *n
		c.Tag = ""
		switch c.Kind {
		case yaml.ScalarNode:
			c.Tag = "!!str"
		case yaml.SequenceNode:
			c.Tag = "!!seq"
		case yaml.MappingNode:
			c.Tag = "!!map"
		}
		return &c
	}
	return n
}

var subVarRe = regexp.MustCompile(`\$\{([^}]*)\}`)

// deps lists the resources a node references (Ref, GetAtt, Sub) with the referencing node.
func (t *cfnTemplate) deps(n *yaml.Node, out map[string]*yaml.Node) {
	if n == nil {
		return
	}
	fn, arg := intrinsic(n)
	switch fn {
	case "Ref":
		a := bareArg(arg)
		if _, ok := t.resources[a.Value]; ok && a.Kind == yaml.ScalarNode {
			if _, seen := out[a.Value]; !seen {
				out[a.Value] = n
			}
		}
		return
	case "Fn::GetAtt":
		a := bareArg(arg)
		target := ""
		if a.Kind == yaml.ScalarNode {
			target, _, _ = strings.Cut(a.Value, ".")
		} else if a.Kind == yaml.SequenceNode && len(a.Content) > 0 {
			target = a.Content[0].Value
		}
		if _, ok := t.resources[target]; ok {
			if _, seen := out[target]; !seen {
				out[target] = n
			}
		}
		return
	case "Fn::Sub":
		a := bareArg(arg)
		tmpl := a
		if a.Kind == yaml.SequenceNode && len(a.Content) > 0 {
			tmpl = a.Content[0]
			if len(a.Content) > 1 {
				t.deps(a.Content[1], out)
			}
		}
		if tmpl.Kind == yaml.ScalarNode {
			for _, m := range subVarRe.FindAllStringSubmatch(tmpl.Value, -1) {
				name, _, _ := strings.Cut(m[1], ".")
				if _, ok := t.resources[name]; ok && !strings.HasPrefix(m[1], "!") {
					if _, seen := out[name]; !seen {
						out[name] = n
					}
				}
			}
		}
		return
	}
	for _, c := range n.Content {
		t.deps(c, out)
	}
}

// checkCycles rejects circular references between resources, as CloudFormation does.
func (t *cfnTemplate) checkCycles() error {
	edges := map[string]map[string]*yaml.Node{}
	for _, id := range t.order {
		out := map[string]*yaml.Node{}
		t.deps(t.resources[id].props, out)
		_, res := mapGet(t.root, "Resources")
		_, def := mapGet(res, id)
		if _, dep := mapGet(def, "DependsOn"); dep != nil {
			names := []*yaml.Node{dep}
			if dep.Kind == yaml.SequenceNode {
				names = dep.Content
			}
			for _, d := range names {
				if _, ok := t.resources[d.Value]; ok {
					if _, seen := out[d.Value]; !seen {
						out[d.Value] = d
					}
				}
			}
		}
		edges[id] = out
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(id string) error
	visit = func(id string) error {
		color[id] = grey
		stack = append(stack, id)
		targets := make([]string, 0, len(edges[id]))
		for d := range edges[id] {
			targets = append(targets, d)
		}
		sort.Strings(targets)
		for _, d := range targets {
			switch color[d] {
			case grey:
				i := len(stack) - 1
				for stack[i] != d {
					i--
				}
				cycle := append(append([]string(nil), stack[i:]...), d)
				n := edges[id][d]
				return fmt.Errorf("%s: cyclic reference between resources: %s", at(n), strings.Join(cycle, " -> "))
			case white:
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
		return nil
	}
	for _, id := range t.order {
		if color[id] == white {
			if err := visit(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// nameProps is the property that names each mapped resource type.
var nameProps = map[string]string{
	"AWS::RDS::DBCluster": "DBClusterIdentifier", "AWS::RDS::DBInstance": "DBInstanceIdentifier",
	"AWS::RDS::DBClusterParameterGroup": "DBClusterParameterGroupName", "AWS::RDS::DBParameterGroup": "DBParameterGroupName",
	"AWS::RDS::OptionGroup": "OptionGroupName", "AWS::Logs::LogGroup": "LogGroupName", "AWS::Logs::MetricFilter": "FilterName",
	"AWS::Logs::SubscriptionFilter": "FilterName", "AWS::CloudWatch::Alarm": "AlarmName", "AWS::CloudTrail::Trail": "TrailName",
}

// setKey decides a resource's identifier: its name property, or a synthesised physical
// name when CloudFormation generates the name (or it cannot be resolved). CloudFormation
// names such a resource stack-LogicalId-RANDOM, known only after deployment; the importer
// names it after its logical id (lowercased for RDS, which lowercases identifiers), and
// Ref / Fn::GetAtt to it give that same name or ARN, so the resources of one template link
// up. The name member stays listed as unknown.
//
// A name property may refer to other resources (!Sub /aws/rds/cluster/${Cluster}/audit), so
// keys are decided on first use, in dependency order rather than declaration order
// (checkCycles has ruled out circular references).
func (t *cfnTemplate) setKey(r *cfnResource) error {
	if r.keyed {
		return nil
	}
	r.keyed = true
	r.key, r.keyUnknown = r.id, true
	if strings.HasPrefix(r.typ, "AWS::RDS::") {
		r.key = strings.ToLower(r.id)
	}
	prop, ok := nameProps[r.typ]
	if !ok {
		return nil
	}
	_, n := mapGet(r.props, prop)
	if n == nil {
		return nil
	}
	v, err := t.eval(n)
	if err != nil {
		return err
	}
	if s, ok := scalarString(v); ok && s != "" {
		// RDS lowercases identifiers and group names.
		if strings.HasPrefix(r.typ, "AWS::RDS::") {
			s = strings.ToLower(s)
		}
		r.key, r.keyUnknown = s, false
	}
	return nil
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// eval evaluates a node: scalars, lists ([]any), maps (map[string]any) and intrinsics.
// Values that cannot be known return unknownValue; AWS::NoValue returns noValue.
func (t *cfnTemplate) eval(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, nil
	}
	if fn, arg := intrinsic(n); fn != "" {
		return t.evalFn(fn, bareArg(arg), n)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return t.eval(n.Alias)
	case yaml.ScalarNode:
		return scalarValue(n), nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := t.eval(c)
			if err != nil {
				return nil, err
			}
			if _, skip := v.(noValue); skip {
				continue
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := t.eval(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			if _, skip := v.(noValue); skip {
				continue
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	return nil, nil
}

func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	}
	return n.Value // strings, and dates such as an unquoted 2010-09-09
}

func isUnknown(v any) bool { _, ok := v.(unknownValue); return ok }

func (t *cfnTemplate) evalFn(fn string, arg, n *yaml.Node) (any, error) {
	switch fn {
	case "Ref":
		return t.ref(arg.Value, n)
	case "Fn::GetAtt":
		var target, attr string
		if arg.Kind == yaml.ScalarNode {
			target, attr, _ = strings.Cut(arg.Value, ".")
		} else if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			target = arg.Content[0].Value
			a, err := t.eval(arg.Content[1])
			if err != nil {
				return nil, err
			}
			attr, _ = scalarString(a)
		}
		return t.getAtt(target, attr, n)
	case "Fn::Sub":
		tmpl, vars := arg, (*yaml.Node)(nil)
		if arg.Kind == yaml.SequenceNode {
			if len(arg.Content) == 0 {
				return nil, fmt.Errorf("%s: Fn::Sub needs a string", at(n))
			}
			tmpl = arg.Content[0]
			if len(arg.Content) > 1 {
				vars = arg.Content[1]
			}
		}
		var err error
		unknown := ""
		out := subVarRe.ReplaceAllStringFunc(tmpl.Value, func(m string) string {
			name := m[2 : len(m)-1]
			if strings.HasPrefix(name, "!") {
				return "${" + name[1:] + "}"
			}
			var v any
			if _, vn := mapGet(vars, name); vn != nil {
				v, err = t.eval(vn)
			} else if target, attr, ok := strings.Cut(name, "."); ok {
				v, err = t.getAtt(target, attr, n)
			} else {
				v, err = t.ref(name, n)
			}
			if u, ok := v.(unknownValue); ok {
				unknown = u.reason
			}
			s, _ := scalarString(v)
			return s
		})
		if err != nil {
			return nil, err
		}
		if unknown != "" {
			return unknownValue{unknown}, nil
		}
		return out, nil
	case "Fn::Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("%s: Fn::Join needs [delimiter, list]", at(n))
		}
		items, err := t.eval(arg.Content[1])
		if err != nil {
			return nil, err
		}
		if isUnknown(items) {
			return items, nil
		}
		list, _ := items.([]any)
		parts := make([]string, 0, len(list))
		for _, it := range list {
			if isUnknown(it) {
				return it, nil
			}
			s, _ := scalarString(it)
			parts = append(parts, s)
		}
		return strings.Join(parts, arg.Content[0].Value), nil
	case "Fn::Select":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("%s: Fn::Select needs [index, list]", at(n))
		}
		iv, err := t.eval(arg.Content[0])
		if err != nil {
			return nil, err
		}
		lv, err := t.eval(arg.Content[1])
		if err != nil {
			return nil, err
		}
		if isUnknown(iv) {
			return iv, nil
		}
		if isUnknown(lv) {
			return lv, nil
		}
		is, _ := scalarString(iv)
		i, convErr := strconv.Atoi(is)
		list, _ := lv.([]any)
		if convErr != nil || i < 0 || i >= len(list) {
			return nil, fmt.Errorf("%s: Fn::Select index %s out of range", at(n), is)
		}
		return list[i], nil
	case "Fn::Split":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("%s: Fn::Split needs [delimiter, string]", at(n))
		}
		sv, err := t.eval(arg.Content[1])
		if err != nil || isUnknown(sv) {
			return sv, err
		}
		s, _ := scalarString(sv)
		var out []any
		for _, p := range strings.Split(s, arg.Content[0].Value) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::FindInMap":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
			return nil, fmt.Errorf("%s: Fn::FindInMap needs [map, key, key]", at(n))
		}
		keys := make([]string, 3)
		for i := 0; i < 3; i++ {
			v, err := t.eval(arg.Content[i])
			if err != nil {
				return nil, err
			}
			if isUnknown(v) {
				return v, nil
			}
			keys[i], _ = scalarString(v)
		}
		_, m := mapGet(t.mappings, keys[0])
		_, m = mapGet(m, keys[1])
		_, m = mapGet(m, keys[2])
		if m == nil {
			if len(arg.Content) == 4 { // DefaultValue
				return t.eval(arg.Content[3])
			}
			return unknownValue{fmt.Sprintf("Fn::FindInMap %s/%s/%s is not in Mappings", keys[0], keys[1], keys[2])}, nil
		}
		return t.eval(m)
	case "Fn::If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			return nil, fmt.Errorf("%s: Fn::If needs [condition, then, else]", at(n))
		}
		c, err := t.condition(arg.Content[0].Value, arg.Content[0])
		if err != nil {
			return nil, err
		}
		b, ok := c.(bool)
		if !ok {
			return c, nil
		}
		if b {
			return t.eval(arg.Content[1])
		}
		return t.eval(arg.Content[2])
	case "Condition":
		return t.condition(arg.Value, n)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("%s: Fn::Equals needs two values", at(n))
		}
		a, err := t.eval(arg.Content[0])
		if err != nil {
			return nil, err
		}
		b, err := t.eval(arg.Content[1])
		if err != nil {
			return nil, err
		}
		if isUnknown(a) {
			return a, nil
		}
		if isUnknown(b) {
			return b, nil
		}
		as, _ := scalarString(a)
		bs, _ := scalarString(b)
		return as == bs, nil
	case "Fn::Not", "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) == 0 {
			return nil, fmt.Errorf("%s: %s needs a list of conditions", at(n), fn)
		}
		var vals []bool
		for _, c := range arg.Content {
			v, err := t.eval(c)
			if err != nil {
				return nil, err
			}
			b, ok := v.(bool)
			if !ok {
				return unknownValue{fmt.Sprintf("%s on an unknown condition", fn)}, nil
			}
			vals = append(vals, b)
		}
		switch fn {
		case "Fn::Not":
			return !vals[0], nil
		case "Fn::And":
			for _, v := range vals {
				if !v {
					return false, nil
				}
			}
			return true, nil
		default:
			for _, v := range vals {
				if v {
					return true, nil
				}
			}
			return false, nil
		}
	case "Fn::Base64":
		v, err := t.eval(arg)
		if err != nil || isUnknown(v) {
			return v, err
		}
		s, _ := scalarString(v)
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	}
	return unknownValue{fmt.Sprintf("%s is evaluated only at deployment", fn)}, nil
}

func (t *cfnTemplate) ref(name string, n *yaml.Node) (any, error) {
	switch name {
	case "AWS::Region":
		return t.region, nil
	case "AWS::AccountId":
		return t.account, nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::NoValue":
		return noValue{}, nil
	case "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs":
		return unknownValue{name + " is known only at deployment"}, nil
	}
	if p, ok := t.params[name]; ok {
		_, def := mapGet(p, "Default")
		if def == nil {
			return unknownValue{fmt.Sprintf("parameter %s has no Default", name)}, nil
		}
		v := scalarValue(def)
		_, typ := mapGet(p, "Type")
		if typ != nil && (strings.HasPrefix(typ.Value, "List<") || typ.Value == "CommaDelimitedList") {
			s, _ := scalarString(v)
			var out []any
			for _, x := range strings.Split(s, ",") {
				out = append(out, strings.TrimSpace(x))
			}
			return out, nil
		}
		return v, nil
	}
	if r, ok := t.resources[name]; ok {
		if cfnTypes[r.typ] {
			if err := t.setKey(r); err != nil {
				return nil, err
			}
			return r.key, nil
		}
		return placeholderARN(cfnService(r.typ), t.region, t.account, r.id), nil
	}
	return nil, fmt.Errorf("%s: Ref to %q, which is neither a parameter, a resource nor a pseudo parameter", at(n), name)
}

func cfnService(typ string) string {
	parts := strings.Split(typ, "::")
	if len(parts) >= 2 {
		return strings.ToLower(parts[1])
	}
	return "unknown"
}

func (t *cfnTemplate) getAtt(target, attr string, n *yaml.Node) (any, error) {
	r, ok := t.resources[target]
	if !ok {
		return nil, fmt.Errorf("%s: Fn::GetAtt on %q, which is not a resource of this template", at(n), target)
	}
	if !cfnTypes[r.typ] {
		return placeholderARN(cfnService(r.typ), t.region, t.account, r.id), nil
	}
	if err := t.setKey(r); err != nil {
		return nil, err
	}
	// Attributes that follow from the (given or synthesised) name: the ARNs, and the name
	// itself where the type returns it as an attribute (AWS::RDS::DBParameterGroup's
	// DBParameterGroupName). Endpoints, resource ids and the like exist only after deployment.
	if attr == nameProps[r.typ] {
		return r.key, nil
	}
	switch {
	case attr == "Arn" && r.typ == "AWS::Logs::LogGroup":
		return logGroupARN(t.region, t.account, r.key) + ":*", nil
	case attr == "Arn" && r.typ == "AWS::CloudTrail::Trail":
		return trailARN(t.region, t.account, r.key), nil
	case attr == "Arn" && r.typ == "AWS::CloudWatch::Alarm":
		return alarmARN(t.region, t.account, r.key), nil
	case (attr == "Arn" || attr == "DBClusterArn") && r.typ == "AWS::RDS::DBCluster":
		return clusterARN(t.region, t.account, r.key), nil
	case (attr == "Arn" || attr == "DBInstanceArn") && r.typ == "AWS::RDS::DBInstance":
		return instanceARN(t.region, t.account, r.key), nil
	}
	return unknownValue{fmt.Sprintf("%s.%s is known only after deployment", target, attr)}, nil
}

func (t *cfnTemplate) condition(name string, n *yaml.Node) (any, error) {
	if v, ok := t.condCache[name]; ok {
		return v, nil
	}
	c, ok := t.conditions[name]
	if !ok {
		return nil, fmt.Errorf("%s: condition %q is not defined in Conditions", at(n), name)
	}
	if t.condActive[name] {
		return nil, fmt.Errorf("%s: cyclic reference between conditions at %q", at(n), name)
	}
	t.condActive[name] = true
	v, err := t.eval(c)
	t.condActive[name] = false
	if err != nil {
		return nil, err
	}
	if _, isBool := v.(bool); !isBool && !isUnknown(v) {
		return nil, fmt.Errorf("%s: condition %q does not evaluate to true or false", at(c), name)
	}
	t.condCache[name] = v
	return v, nil
}

// cfnProps reads one resource's properties and records the API members it cannot know.
type cfnProps struct {
	t       *cfnTemplate
	r       *cfnResource
	unknown []string
	err     error
}

func (p *cfnProps) raw(prop, member string) any {
	if p.err != nil {
		return nil
	}
	_, n := mapGet(p.r.props, prop)
	if n == nil {
		return nil
	}
	v, err := p.t.eval(n)
	if err != nil {
		p.err = err
		return nil
	}
	switch v.(type) {
	case unknownValue:
		p.unknown = append(p.unknown, member)
		return nil
	case noValue:
		return nil
	}
	return v
}

func (p *cfnProps) str(prop, member string) string {
	s, _ := scalarString(p.raw(prop, member))
	return s
}

func (p *cfnProps) boolp(prop, member string) *bool {
	switch v := p.raw(prop, member).(type) {
	case bool:
		return &v
	case string:
		return toBool(v)
	}
	return nil
}

func (p *cfnProps) int32p(prop, member string) *int32 {
	return scalarInt32(p.raw(prop, member))
}

func scalarInt32(v any) *int32 {
	s, ok := scalarString(v)
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	n32 := int32(n)
	return &n32
}

func (p *cfnProps) float(prop, member string) *float64 {
	s, ok := scalarString(p.raw(prop, member))
	if !ok {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &f
}

func (p *cfnProps) strs(prop, member string) []string {
	switch v := p.raw(prop, member).(type) {
	case []any:
		var out []string
		for _, x := range v {
			if isUnknown(x) {
				p.unknown = append(p.unknown, member)
				return nil
			}
			if s, ok := scalarString(x); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		if v != "" {
			return []string{v}
		}
	}
	return nil
}

func (p *cfnProps) list(prop, member string) []map[string]any {
	v, _ := p.raw(prop, member).([]any)
	out := make([]map[string]any, 0, len(v))
	for _, x := range v {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// metricQueries maps an AWS::CloudWatch::Alarm's Metrics (metric math).
func (p *cfnProps) metricQueries() []snapshot.MetricDataQuery {
	var out []snapshot.MetricDataQuery
	for _, q := range p.list("Metrics", "Metrics") {
		mq := snapshot.MetricDataQuery{Id: p.mstr(q, "Id", "Metrics"), Expression: p.mstr(q, "Expression", "Metrics"),
			Label: p.mstr(q, "Label", "Metrics"), ReturnData: toBool(q["ReturnData"])}
		if ms, ok := q["MetricStat"].(map[string]any); ok {
			mq.MetricStat = &snapshot.MetricStat{Stat: p.mstr(ms, "Stat", "Metrics"), Unit: p.mstr(ms, "Unit", "Metrics"), Period: scalarInt32(ms["Period"])}
			if m, ok := ms["Metric"].(map[string]any); ok {
				mq.MetricStat.Metric = snapshot.Metric{Namespace: p.mstr(m, "Namespace", "Metrics"), MetricName: p.mstr(m, "MetricName", "Metrics")}
			}
		}
		out = append(out, mq)
	}
	return out
}

func (p *cfnProps) tags() []snapshot.Tag {
	var out []snapshot.Tag
	for _, m := range p.list("Tags", "TagList") {
		k, _ := scalarString(m["Key"])
		v, _ := scalarString(m["Value"])
		out = append(out, snapshot.Tag{Key: k, Value: v})
	}
	return out
}

// mstr reads a string member of an evaluated map; unknown values mark member unknown.
func (p *cfnProps) mstr(m map[string]any, k, member string) string {
	if isUnknown(m[k]) {
		p.unknown = append(p.unknown, member)
		return ""
	}
	s, _ := scalarString(m[k])
	return s
}

func (p *cfnProps) derived(keyMember string) *snapshot.Derived {
	var d *snapshot.Derived
	withLocation(&d, &snapshot.Location{File: p.t.file, Line: p.r.keyNode.Line, Column: p.r.keyNode.Column})
	if p.r.keyUnknown && keyMember != "" {
		p.unknown = append(p.unknown, keyMember)
	}
	addUnknown(&d, p.unknown...)
	return d
}

func (t *cfnTemplate) emit(b *builder, r *cfnResource) error {
	p := &cfnProps{t: t, r: r}
	acct, reg := t.account, t.region
	loc := &snapshot.Location{File: t.file, Line: r.keyNode.Line, Column: r.keyNode.Column}
	switch r.typ {
	case "AWS::RDS::DBCluster":
		c := snapshot.DBCluster{DBClusterIdentifier: r.key, DBClusterArn: clusterARN(reg, acct, r.key)}
		c.Engine = p.str("Engine", "Engine")
		c.EngineVersion = p.str("EngineVersion", "EngineVersion")
		c.EngineMode = p.str("EngineMode", "EngineMode")
		c.DBClusterParameterGroup = strings.ToLower(p.str("DBClusterParameterGroupName", "DBClusterParameterGroup"))
		if c.DBClusterParameterGroup == "" && !contains(p.unknown, "DBClusterParameterGroup") {
			if fam := defaultParameterGroupFamily(c.Engine, c.EngineVersion); fam != "" {
				c.DBClusterParameterGroup = "default." + fam
			} else {
				p.unknown = append(p.unknown, "DBClusterParameterGroup")
			}
		}
		c.EnabledCloudwatchLogsExports = p.strs("EnableCloudwatchLogsExports", "EnabledCloudwatchLogsExports")
		c.StorageEncrypted = p.boolp("StorageEncrypted", "StorageEncrypted")
		c.KmsKeyId = p.str("KmsKeyId", "KmsKeyId")
		c.IAMDatabaseAuthenticationEnabled = p.boolp("EnableIAMDatabaseAuthentication", "IAMDatabaseAuthenticationEnabled")
		c.DatabaseName = p.str("DatabaseName", "DatabaseName")
		c.TagList = p.tags()
		c.Derived = p.derived("DBClusterIdentifier")
		if p.err != nil || skipEngine(c.Engine) {
			return p.err
		}
		rds := b.rds(acct, reg)
		rds.DBClusters = append(rds.DBClusters, c)
	case "AWS::RDS::DBInstance":
		in := snapshot.DBInstance{DBInstanceIdentifier: r.key, DBInstanceArn: instanceARN(reg, acct, r.key)}
		in.Engine = p.str("Engine", "Engine")
		in.EngineVersion = p.str("EngineVersion", "EngineVersion")
		in.DBInstanceClass = p.str("DBInstanceClass", "DBInstanceClass")
		in.DBClusterIdentifier = strings.ToLower(p.str("DBClusterIdentifier", "DBClusterIdentifier"))
		in.PubliclyAccessible = p.boolp("PubliclyAccessible", "PubliclyAccessible")
		if pg := strings.ToLower(p.str("DBParameterGroupName", "DBParameterGroups")); pg != "" {
			in.DBParameterGroups = []snapshot.DBParameterGroupStatus{{DBParameterGroupName: pg}}
		} else if !contains(p.unknown, "DBParameterGroups") {
			if fam := defaultParameterGroupFamily(in.Engine, in.EngineVersion); fam != "" {
				in.DBParameterGroups = []snapshot.DBParameterGroupStatus{{DBParameterGroupName: "default." + fam}}
			} else {
				p.unknown = append(p.unknown, "DBParameterGroups")
			}
		}
		if in.DBClusterIdentifier == "" { // Aurora members: the cluster owns these
			in.EnabledCloudwatchLogsExports = p.strs("EnableCloudwatchLogsExports", "EnabledCloudwatchLogsExports")
			in.StorageEncrypted = p.boolp("StorageEncrypted", "StorageEncrypted")
			in.KmsKeyId = p.str("KmsKeyId", "KmsKeyId")
			in.IAMDatabaseAuthenticationEnabled = p.boolp("EnableIAMDatabaseAuthentication", "IAMDatabaseAuthenticationEnabled")
			in.MultiAZ = p.boolp("MultiAZ", "MultiAZ")
		}
		if og := strings.ToLower(p.str("OptionGroupName", "OptionGroupMemberships")); og != "" {
			in.OptionGroupMemberships = []snapshot.OptionGroupMembership{{OptionGroupName: og}}
		}
		in.ReadReplicaSourceDBInstanceIdentifier = p.str("SourceDBInstanceIdentifier", "ReadReplicaSourceDBInstanceIdentifier")
		in.TagList = p.tags()
		in.Derived = p.derived("DBInstanceIdentifier")
		if p.err != nil || skipEngine(in.Engine) {
			return p.err
		}
		rds := b.rds(acct, reg)
		rds.DBInstances = append(rds.DBInstances, in)
	case "AWS::RDS::DBClusterParameterGroup", "AWS::RDS::DBParameterGroup":
		family := p.str("Family", "DBParameterGroupFamily")
		desc := p.str("Description", "Description")
		params := map[string]snapshot.Parameter{}
		if m, ok := p.raw("Parameters", "Parameters").(map[string]any); ok {
			for k, v := range m {
				if isUnknown(v) {
					p.unknown = append(p.unknown, "Parameters")
					continue
				}
				s, _ := scalarString(v)
				params[k] = snapshot.Parameter{ParameterName: k, ParameterValue: &s, Source: "user"}
			}
		}
		rds := b.rds(acct, reg)
		if r.typ == "AWS::RDS::DBClusterParameterGroup" {
			g := snapshot.DBClusterParameterGroup{DBClusterParameterGroupName: r.key, DBParameterGroupFamily: family, Description: desc,
				DBClusterParameterGroupArn: clusterPGARN(reg, acct, r.key), Parameters: params}
			g.Derived = p.derived("DBClusterParameterGroupName")
			rds.DBClusterParameterGroups[r.key] = g
		} else {
			g := snapshot.DBParameterGroup{DBParameterGroupName: r.key, DBParameterGroupFamily: family, Description: desc,
				DBParameterGroupArn: instancePGARN(reg, acct, r.key), Parameters: params}
			g.Derived = p.derived("DBParameterGroupName")
			rds.DBParameterGroups[r.key] = g
		}
	case "AWS::RDS::OptionGroup":
		og := snapshot.OptionGroup{OptionGroupName: r.key, OptionGroupArn: optionGroupARN(reg, acct, r.key), Options: []snapshot.Option{}}
		og.EngineName = p.str("EngineName", "EngineName")
		og.MajorEngineVersion = p.str("MajorEngineVersion", "MajorEngineVersion")
		og.OptionGroupDescription = p.str("OptionGroupDescription", "OptionGroupDescription")
		for _, m := range p.list("OptionConfigurations", "Options") {
			o := snapshot.Option{OptionName: p.mstr(m, "OptionName", "Options"), OptionVersion: p.mstr(m, "OptionVersion", "Options")}
			settings, _ := m["OptionSettings"].([]any)
			for _, s := range settings {
				if sm, ok := s.(map[string]any); ok {
					o.OptionSettings = append(o.OptionSettings, snapshot.OptionSetting{Name: p.mstr(sm, "Name", "Options"), Value: p.mstr(sm, "Value", "Options")})
				}
			}
			og.Options = append(og.Options, o)
		}
		og.Derived = p.derived("OptionGroupName")
		b.rds(acct, reg).OptionGroups[r.key] = og
	case "AWS::Logs::LogGroup":
		g := snapshot.LogGroup{LogGroupName: r.key, LogGroupArn: logGroupARN(reg, acct, r.key), Arn: logGroupARN(reg, acct, r.key) + ":*"}
		g.RetentionInDays = p.int32p("RetentionInDays", "retentionInDays")
		g.KmsKeyId = p.str("KmsKeyId", "kmsKeyId")
		g.LogGroupClass = p.str("LogGroupClass", "logGroupClass")
		g.DeletionProtectionEnabled = p.boolp("DeletionProtectionEnabled", "deletionProtectionEnabled")
		g.Derived = p.derived("logGroupName")
		l := b.logs(acct, reg)
		l.LogGroups[r.key] = g
	case "AWS::Logs::MetricFilter":
		f := snapshot.MetricFilter{FilterName: r.key}
		f.FilterPattern = p.str("FilterPattern", "filterPattern")
		f.LogGroupName = p.str("LogGroupName", "logGroupName")
		for _, m := range p.list("MetricTransformations", "metricTransformations") {
			mt := snapshot.MetricTransformation{MetricName: p.mstr(m, "MetricName", "metricTransformations"),
				MetricNamespace: p.mstr(m, "MetricNamespace", "metricTransformations"), MetricValue: p.mstr(m, "MetricValue", "metricTransformations"),
				Unit: p.mstr(m, "Unit", "metricTransformations")}
			if s, ok := scalarString(m["DefaultValue"]); ok {
				if fv, err := strconv.ParseFloat(s, 64); err == nil {
					mt.DefaultValue = &fv
				}
			}
			f.MetricTransformations = append(f.MetricTransformations, mt)
		}
		f.Derived = &snapshot.MetricFilterDerived{Location: loc}
		if p.err != nil {
			return p.err
		}
		t.attachFilter(b, f.LogGroupName, func(g *snapshot.LogGroup) { g.MetricFilters = append(g.MetricFilters, f) })
	case "AWS::Logs::SubscriptionFilter":
		f := snapshot.SubscriptionFilter{FilterName: r.key}
		f.FilterPattern = p.str("FilterPattern", "filterPattern")
		f.LogGroupName = p.str("LogGroupName", "logGroupName")
		f.DestinationArn = p.str("DestinationArn", "destinationArn")
		f.RoleArn = p.str("RoleArn", "roleArn")
		f.Distribution = p.str("Distribution", "distribution")
		if p.err != nil {
			return p.err
		}
		t.attachFilter(b, f.LogGroupName, func(g *snapshot.LogGroup) { g.SubscriptionFilters = append(g.SubscriptionFilters, f) })
	case "AWS::CloudWatch::Alarm":
		m := snapshot.MetricAlarm{AlarmName: r.key, AlarmArn: alarmARN(reg, acct, r.key)}
		m.MetricName = p.str("MetricName", "MetricName")
		m.Namespace = p.str("Namespace", "Namespace")
		m.Statistic = p.str("Statistic", "Statistic")
		m.Period = p.int32p("Period", "Period")
		m.EvaluationPeriods = p.int32p("EvaluationPeriods", "EvaluationPeriods")
		m.Threshold = p.float("Threshold", "Threshold")
		m.ComparisonOperator = p.str("ComparisonOperator", "ComparisonOperator")
		m.ActionsEnabled = p.boolp("ActionsEnabled", "ActionsEnabled")
		if m.ActionsEnabled == nil && !contains(p.unknown, "ActionsEnabled") {
			m.ActionsEnabled = boolPtr(true) // CloudFormation default
		}
		m.AlarmActions = p.strs("AlarmActions", "AlarmActions")
		m.OKActions = p.strs("OKActions", "OKActions")
		m.Metrics = p.metricQueries()
		m.Derived = p.derived("AlarmName")
		b.cloudwatch(acct, reg).MetricAlarms[r.key] = m
	case "AWS::CloudTrail::Trail":
		tr := snapshot.Trail{Name: r.key, TrailARN: trailARN(reg, acct, r.key), HomeRegion: reg}
		tr.S3BucketName = p.str("S3BucketName", "S3BucketName")
		tr.S3KeyPrefix = p.str("S3KeyPrefix", "S3KeyPrefix")
		tr.SnsTopicARN = p.str("SnsTopicName", "SnsTopicARN")
		// Absent booleans take CloudTrail's defaults, as DescribeTrails would report them.
		tr.IncludeGlobalServiceEvents = orDefault(p.boolp("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents"), true, p.unknown, "IncludeGlobalServiceEvents")
		tr.IsMultiRegionTrail = orDefault(p.boolp("IsMultiRegionTrail", "IsMultiRegionTrail"), false, p.unknown, "IsMultiRegionTrail")
		tr.IsOrganizationTrail = orDefault(p.boolp("IsOrganizationTrail", "IsOrganizationTrail"), false, p.unknown, "IsOrganizationTrail")
		tr.LogFileValidationEnabled = orDefault(p.boolp("EnableLogFileValidation", "LogFileValidationEnabled"), false, p.unknown, "LogFileValidationEnabled")
		tr.CloudWatchLogsLogGroupArn = p.str("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn")
		tr.CloudWatchLogsRoleArn = p.str("CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn")
		// The property is KMSKeyId; `KmsKeyId` is not a property of AWS::CloudTrail::Trail
		// and CloudFormation rejects it, so it is not read (docs/inputs.md).
		tr.KmsKeyId = p.str("KMSKeyId", "KmsKeyId")
		if v := p.boolp("IsLogging", "IsLogging"); v != nil {
			tr.Status = &snapshot.TrailStatus{IsLogging: v}
		}
		tr.EventSelectors = t.selectors(p)
		tr.Derived = p.derived("Name")
		// Configuration says whether the trail logs, not when it last delivered: a trail
		// that does not exist yet has no delivery history, which rules must not read as
		// "never delivered".
		tr.Derived = markDeliveryUnknown(tr.Derived)
		if p.err != nil {
			return p.err
		}
		ct := b.cloudtrail(acct, reg)
		ct.Trails = append(ct.Trails, tr)
	}
	return p.err
}

func orDefault(v *bool, def bool, unknown []string, member string) *bool {
	if v != nil || contains(unknown, member) {
		return v
	}
	return boolPtr(def)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (t *cfnTemplate) attachFilter(b *builder, group string, add func(*snapshot.LogGroup)) {
	if group == "" {
		return
	}
	l := b.logs(t.account, t.region)
	g, ok := l.LogGroups[group]
	if !ok {
		// A group the template does not declare (created elsewhere, or by RDS itself).
		g = snapshot.LogGroup{LogGroupName: group, LogGroupArn: logGroupARN(t.region, t.account, group)}
		addUnknown(&g.Derived, "retentionInDays", "kmsKeyId")
	}
	add(&g)
	l.LogGroups[group] = g
}

func (t *cfnTemplate) selectors(p *cfnProps) *snapshot.EventSelectors {
	before := len(p.unknown)
	basic := p.list("EventSelectors", "EventSelectors")
	adv := p.list("AdvancedEventSelectors", "EventSelectors")
	if len(p.unknown) > before {
		return nil
	}
	if len(basic) == 0 && len(adv) == 0 {
		// CloudTrail's default: all management events, read and write.
		return &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: boolPtr(true)}}}
	}
	out := &snapshot.EventSelectors{}
	for _, s := range basic {
		es := snapshot.EventSelector{ReadWriteType: p.mstr(s, "ReadWriteType", "EventSelectors"),
			ExcludeManagementEventSources: anyStrings(s["ExcludeManagementEventSources"])}
		if es.ReadWriteType == "" {
			es.ReadWriteType = "All"
		}
		es.IncludeManagementEvents = boolPtr(true)
		if v, ok := s["IncludeManagementEvents"]; ok {
			es.IncludeManagementEvents = anyBool(v)
		}
		drs, _ := s["DataResources"].([]any)
		for _, d := range drs {
			if m, ok := d.(map[string]any); ok {
				es.DataResources = append(es.DataResources, snapshot.DataResource{Type: p.mstr(m, "Type", "EventSelectors"), Values: anyStrings(m["Values"])})
			}
		}
		out.EventSelectors = append(out.EventSelectors, es)
	}
	for _, s := range adv {
		as := snapshot.AdvancedEventSelector{Name: p.mstr(s, "Name", "EventSelectors"), FieldSelectors: []snapshot.AdvancedFieldSelector{}}
		fss, _ := s["FieldSelectors"].([]any)
		for _, f := range fss {
			if m, ok := f.(map[string]any); ok {
				as.FieldSelectors = append(as.FieldSelectors, snapshot.AdvancedFieldSelector{Field: p.mstr(m, "Field", "EventSelectors"),
					Equals: anyStrings(m["Equals"]), StartsWith: anyStrings(m["StartsWith"]), EndsWith: anyStrings(m["EndsWith"]),
					NotEquals: anyStrings(m["NotEquals"]), NotStartsWith: anyStrings(m["NotStartsWith"]), NotEndsWith: anyStrings(m["NotEndsWith"])})
			}
		}
		out.AdvancedEventSelectors = append(out.AdvancedEventSelectors, as)
	}
	return out
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := scalarString(x); ok {
			out = append(out, s)
		} else if isUnknown(x) {
			out = append(out, "")
		}
	}
	return out
}

func anyBool(v any) *bool {
	switch b := v.(type) {
	case bool:
		return &b
	case string:
		return toBool(b)
	}
	return nil
}

// templateBytes prepares JSON template bytes for the YAML parser: raw tabs can only occur
// as whitespace in valid JSON, and YAML rejects them in indentation.
func templateBytes(data []byte, isJSON bool) []byte {
	if isJSON && bytes.IndexByte(data, '\t') >= 0 {
		return bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '})
	}
	return data
}
