package engine

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/dbaudit/scanner/internal/finding"
	"github.com/dbaudit/scanner/internal/snapshot"
)

// Evaluate runs every selected rule against the snapshot and returns one finding per rule
// and resource in the rule's scope (FAIL per deny entry, else NOT_EVALUATED, else PASS),
// sorted with finding.SortFindings. The snapshot should have been through snapshot.Resolve.
func (e *Engine) Evaluate(ctx context.Context, snap *snapshot.Snapshot) ([]finding.Finding, error) {
	input, err := ast.InterfaceToValue(snap)
	if err != nil {
		return nil, fmt.Errorf("convert snapshot for evaluation: %w", err)
	}
	index := newResourceIndex(snap)

	results := make([][]finding.Finding, len(e.rules))
	errs := make([]error, len(e.rules))
	workers := runtime.GOMAXPROCS(0)
	if workers > len(e.rules) {
		workers = len(e.rules)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = e.evaluateRule(ctx, e.rules[i], input, index)
			}
		}()
	}
feed:
	for i := range e.rules {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", err)
	}
	var out []finding.Finding
	for i := range e.rules {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
		out = append(out, scopeFindings(e.rules[i].rule, snap.CollectionGaps, results[i])...)
	}
	finding.SortFindings(out)
	return out, nil
}

type ruleOutput struct {
	resource  string
	account   string
	region    string
	msg       string
	evidence  string
	reason    string
	hasRegion bool
}

func (e *Engine) evaluateRule(ctx context.Context, pr preparedRule, input ast.Value, index resourceIndex) ([]finding.Finding, error) {
	rs, err := pr.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", pr.rule.ID, err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("evaluate %s: the rule's sets are undefined", pr.rule.ID)
	}
	b := rs[0].Bindings
	deny, err := decodeSet(pr.rule.ID, ruleDeny, b[ruleDeny], "msg")
	if err != nil {
		return nil, err
	}
	applicable, err := decodeSet(pr.rule.ID, ruleApplicable, b[ruleApplicable], "")
	if err != nil {
		return nil, err
	}
	var notEvaluated []ruleOutput
	if pr.hasNotEv {
		if notEvaluated, err = decodeSet(pr.rule.ID, ruleNotEvaluated, b[ruleNotEvaluated], "reason"); err != nil {
			return nil, err
		}
	}

	type key struct{ account, region, resource string }
	keyOf := func(o ruleOutput) key {
		info := index.lookup(o.resource)
		k := key{account: info.account, region: info.region, resource: o.resource}
		if o.account != "" {
			k.account = o.account
		}
		if o.hasRegion {
			k.region = o.region
		}
		return k
	}
	denied := map[key][]ruleOutput{}
	for _, o := range deny {
		k := keyOf(o)
		denied[k] = append(denied[k], o)
	}
	notEv := map[key]ruleOutput{}
	for _, o := range notEvaluated {
		k := keyOf(o)
		if prev, ok := notEv[k]; ok && prev.reason < o.reason {
			continue // keep one deterministic reason per resource
		}
		notEv[k] = o
	}
	scope := map[key]bool{}
	for _, o := range applicable {
		scope[keyOf(o)] = true
	}
	for k := range denied {
		scope[k] = true
	}
	for k := range notEv {
		scope[k] = true
	}

	out := make([]finding.Finding, 0, len(scope))
	for k := range scope {
		info := index.lookup(k.resource)
		base := finding.Finding{
			RuleID:       pr.rule.ID,
			Severity:     pr.rule.Severity,
			ResourceID:   k.resource,
			ResourceType: pr.rule.ResourceType,
			ResourceName: info.name,
			AccountID:    k.account,
			Region:       k.region,
			Location:     info.location,
		}
		switch {
		case len(denied[k]) > 0:
			for _, d := range denied[k] {
				f := base
				f.Status = finding.StatusFail
				f.Message = d.msg
				f.Evidence = d.evidence
				out = append(out, f)
			}
		case notEv[k].reason != "":
			f := base
			f.Status = finding.StatusNotEvaluated
			f.Reason = notEv[k].reason
			f.Message = "Not evaluated: " + notEv[k].reason
			out = append(out, f)
		default:
			f := base
			f.Status = finding.StatusPass
			f.Message = "Compliant: " + passMessage(pr.rule)
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.ResourceID != b.ResourceID {
			return a.ResourceID < b.ResourceID
		}
		return a.Message < b.Message
	})
	return out, nil
}

func passMessage(r *finding.Rule) string {
	if len(r.SecurityHubControls()) > 0 {
		return fmt.Sprintf("%s (%s) found no issue", r.ID, strings.Join(r.SecurityHubControls(), ", "))
	}
	return fmt.Sprintf("%s found no issue", r.ID)
}

// decodeSet checks that a rule's set is a set of objects with a string "resource" (and the
// required text field) and decodes it.
func decodeSet(ruleID, name string, v any, required string) ([]ruleOutput, error) {
	if v == nil {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("evaluate %s: %s is %T, want a set of objects (did you write %s[x] instead of %s contains x?)", ruleID, name, v, name, name)
	}
	out := make([]ruleOutput, 0, len(items))
	for _, item := range items {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("evaluate %s: %s contains %T, want an object with \"resource\"", ruleID, name, item)
		}
		o := ruleOutput{}
		var err error
		if o.resource, err = stringField(obj, "resource", true); err != nil {
			return nil, fmt.Errorf("evaluate %s: %s: %w", ruleID, name, err)
		}
		if required != "" {
			text, err := stringField(obj, required, true)
			if err != nil {
				return nil, fmt.Errorf("evaluate %s: %s: %w", ruleID, name, err)
			}
			if required == "msg" {
				o.msg = text
			} else {
				o.reason = text
			}
		}
		if o.evidence, err = stringField(obj, "evidence", false); err != nil {
			return nil, fmt.Errorf("evaluate %s: %s: %w", ruleID, name, err)
		}
		if o.account, err = stringField(obj, "account_id", false); err != nil {
			return nil, fmt.Errorf("evaluate %s: %s: %w", ruleID, name, err)
		}
		if _, has := obj["region"]; has {
			o.hasRegion = true
			if o.region, err = stringField(obj, "region", false); err != nil {
				return nil, fmt.Errorf("evaluate %s: %s: %w", ruleID, name, err)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func stringField(obj map[string]any, key string, required bool) (string, error) {
	v, ok := obj[key]
	if !ok {
		if required {
			return "", fmt.Errorf("object without %q", key)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%q is %T, want a string", key, v)
	}
	if required && strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%q is empty", key)
	}
	return s, nil
}
