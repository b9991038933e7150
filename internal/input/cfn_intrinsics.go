package input

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// shortTagOrder lists the YAML short forms of the intrinsic functions (shortTags) in the
// order error messages name them: the common ones first.
var shortTagOrder = []string{
	"!Ref", "!GetAtt", "!Sub", "!Join", "!Select", "!Split", "!If", "!Equals", "!And", "!Or", "!Not",
	"!FindInMap", "!ImportValue", "!Base64", "!Cidr", "!GetAZs", "!Condition", "!Transform",
	"!ToJsonString", "!Length",
}

// yamlStandardTags are YAML's own tags (the core and the 1.1 types yaml.v3 knows).
var yamlStandardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!map": true, "!!seq": true,
	"!!binary": true, "!!timestamp": true, "!!merge": true, "!!set": true, "!!omap": true, "!!pairs": true,
}

// longFunctions are the intrinsic functions written as a one-key object ({"Fn::Sub": …}),
// including the Rules-section functions and the AWS::LanguageExtensions ones. Fn::ForEach
// is written as Fn::ForEach::<LoopName>.
var longFunctions = []string{
	"Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If", "Fn::Equals", "Fn::And", "Fn::Or",
	"Fn::Not", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Fn::Transform",
	"Fn::ToJsonString", "Fn::Length", "Fn::ForEach", "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn",
	"Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll",
}

// checkIntrinsics rejects what CloudFormation rejects and the evaluator would otherwise read
// as a literal: a YAML tag that is neither an intrinsic function's short form nor a YAML
// standard tag (!Reff), and a one-key object whose key names no intrinsic function
// ({"Fn::Bogus": …}). Metadata sections hold free-form data and are not checked for the
// latter.
func checkIntrinsics(root *yaml.Node) error {
	return walkIntrinsics(root, false)
}

func walkIntrinsics(n *yaml.Node, freeForm bool) error {
	if n == nil || n.Kind == yaml.AliasNode {
		return nil
	}
	if err := checkTag(n); err != nil {
		return err
	}
	if n.Kind == yaml.MappingNode {
		if len(n.Content) == 2 && !freeForm {
			if err := checkFunctionKey(n.Content[0]); err != nil {
				return err
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := checkTag(n.Content[i]); err != nil {
				return err
			}
			if err := walkIntrinsics(n.Content[i+1], freeForm || n.Content[i].Value == "Metadata"); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range n.Content {
		if err := walkIntrinsics(c, freeForm); err != nil {
			return err
		}
	}
	return nil
}

func checkTag(n *yaml.Node) error {
	tag := n.Tag
	if tag == "" || tag == "!" || yamlStandardTags[tag] {
		return nil
	}
	if _, ok := shortTags[tag]; ok {
		return nil
	}
	return fmt.Errorf("%s: unknown tag %s (%swant one of %s, or a YAML standard tag such as !!str)",
		at(n), tag, didYouMean(tag, shortTagOrder), strings.Join(shortTagOrder, ", "))
}

func checkFunctionKey(k *yaml.Node) error {
	name := k.Value
	if !strings.HasPrefix(name, "Fn::") || strings.HasPrefix(name, "Fn::ForEach::") {
		return nil
	}
	for _, f := range longFunctions {
		if name == f {
			return nil
		}
	}
	return fmt.Errorf("%s: unknown intrinsic function %s (%swant one of Ref, Condition, %s)",
		at(k), oneLine(name), didYouMean(name, longFunctions), strings.Join(longFunctions, ", "))
}

// didYouMean is "did you mean X? " for the one candidate within two edits of s, else "".
func didYouMean(s string, candidates []string) string {
	best, bestDist, ties := "", 3, 0
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		switch {
		case d < bestDist:
			best, bestDist, ties = c, d, 1
		case d == bestDist:
			ties++
		}
	}
	if best == "" || ties > 1 {
		return ""
	}
	return "did you mean " + best + "? "
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
