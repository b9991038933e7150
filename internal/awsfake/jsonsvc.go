package awsfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// jsonWire converts time.Time to epoch seconds (the JSON protocols' timestamp format).
func jsonWire(v any) any {
	switch x := v.(type) {
	case time.Time:
		return float64(x.UnixMilli()) / 1000
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e != nil {
				out[k] = jsonWire(e)
			}
		}
		return out
	case []Item:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonWire(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonWire(e)
		}
		return out
	}
	return v
}

func jsonBody(out Item) ([]byte, error) {
	b, err := json.Marshal(jsonWire(out))
	if err != nil {
		return nil, fmt.Errorf("encode JSON answer: %w", err)
	}
	return b, nil
}

func jsonLimit(req *request, def int) int {
	if n, err := strconv.Atoi(req.param("limit")); err == nil && n > 0 {
		return n
	}
	return def
}

func (s *Server) logs(req *request, reg *Region) ([]byte, error) {
	token := req.param("nextToken")
	switch req.op {
	case "DescribeLogGroups":
		prefix, pattern := req.param("logGroupNamePrefix"), req.param("logGroupNamePattern")
		if prefix != "" && pattern != "" {
			return nil, errf(400, "InvalidParameterException", "logGroupNamePrefix and logGroupNamePattern are mutually exclusive")
		}
		groups := append([]Item(nil), reg.LogGroups...)
		sort.Slice(groups, func(i, j int) bool { return str(groups[i], "logGroupName") < str(groups[j], "logGroupName") })
		var items []Item
		for _, g := range groups {
			name := str(g, "logGroupName")
			switch {
			case prefix != "" && !strings.HasPrefix(name, prefix):
			case pattern != "" && !strings.Contains(name, pattern):
			case pattern != "":
				// The pattern filter returns only these three fields (controls.md §8.3).
				items = append(items, Item{"logGroupName": name, "arn": g["arn"], "creationTime": g["creationTime"]})
			default:
				items = append(items, g)
			}
		}
		pg, next, err := page(items, token, jsonLimit(req, 50))
		if err != nil {
			return nil, err
		}
		return jsonBody(Item{"logGroups": pg, "nextToken": nilIfEmpty(next)})
	case "DescribeMetricFilters":
		items := reg.MetricFilters
		if g := req.param("logGroupName"); g != "" {
			items = filterBy(items, "logGroupName", g)
		}
		pg, next, err := page(items, token, jsonLimit(req, 50))
		if err != nil {
			return nil, err
		}
		return jsonBody(Item{"metricFilters": pg, "nextToken": nilIfEmpty(next)})
	case "DescribeSubscriptionFilters":
		g := req.param("logGroupName")
		if g == "" {
			return nil, errf(400, "InvalidParameterException", "logGroupName is required")
		}
		pg, next, err := page(filterBy(reg.SubscriptionFilters, "logGroupName", g), token, jsonLimit(req, 50))
		if err != nil {
			return nil, err
		}
		return jsonBody(Item{"subscriptionFilters": pg, "nextToken": nilIfEmpty(next)})
	}
	return nil, errf(400, "UnknownOperationException", "%s is not served by the fake", req.op)
}

func (s *Server) cloudtrail(req *request, acct *Account, reg *Region) ([]byte, error) {
	switch req.op {
	case "DescribeTrails":
		shadows := true
		if v, ok := req.json["includeShadowTrails"].(bool); ok {
			shadows = v
		}
		var list []Item
		for _, t := range acct.Trails {
			home := str(t, "HomeRegion")
			multi, _ := t["IsMultiRegionTrail"].(bool)
			if home == req.region || (shadows && multi) {
				list = append(list, t)
			}
		}
		if shadows {
			list = append(list, reg.ExtraTrails...)
		}
		if list == nil {
			list = []Item{}
		}
		return jsonBody(Item{"trailList": list})
	case "GetTrailStatus", "GetEventSelectors":
		nameParam := "Name"
		if req.op == "GetEventSelectors" {
			nameParam = "TrailName"
		}
		name := req.param(nameParam)
		arn := ""
		for _, t := range acct.Trails {
			if str(t, "Name") == name || str(t, "TrailARN") == name {
				arn = str(t, "TrailARN")
			}
		}
		var m map[string]Item
		if req.op == "GetTrailStatus" {
			m = acct.TrailStatus
		} else {
			m = acct.EventSelectors
		}
		v, ok := m[arn]
		if arn == "" || !ok {
			return nil, errf(400, "TrailNotFoundException", "Unknown trail: %s for the user: %s", name, acct.ID)
		}
		if req.op == "GetEventSelectors" {
			v = copyItem(v)
			v["TrailARN"] = arn
		}
		return jsonBody(v)
	}
	return nil, errf(400, "UnknownOperationException", "%s is not served by the fake", req.op)
}

func (s *Server) organizations(req *request, acct *Account) ([]byte, error) {
	if req.op != "ListAccounts" {
		return nil, errf(400, "UnknownOperationException", "%s is not served by the fake", req.op)
	}
	if s.management == "" {
		return nil, errf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if acct.ID != s.management {
		return nil, errf(400, "AccessDeniedException", "You don't have permissions to access this resource.")
	}
	var items []Item
	for _, id := range slices.Sorted(maps.Keys(s.accounts)) {
		items = append(items, Item{"Id": id, "Arn": "arn:aws:organizations::" + s.management + ":account/o-fake/" + id,
			"Name": "account-" + id, "Email": id + "@example.com", "Status": "ACTIVE", "State": "ACTIVE",
			"JoinedMethod": "CREATED", "JoinedTimestamp": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	size := 20
	if n, err := strconv.Atoi(req.param("MaxResults")); err == nil && n > 0 {
		size = n
	}
	pg, next, err := page(items, req.param("NextToken"), size)
	if err != nil {
		return nil, err
	}
	return jsonBody(Item{"Accounts": pg, "NextToken": nilIfEmpty(next)})
}

// ---- CloudWatch (RPC v2 CBOR) ----

var cborInts = map[string]bool{"Period": true, "EvaluationPeriods": true, "DatapointsToAlarm": true}

func cborValue(key string, v any) cbor.Value {
	switch x := v.(type) {
	case string:
		return cbor.String(x)
	case bool:
		return cbor.Bool(x)
	case float64:
		if cborInts[key] {
			if x < 0 {
				return cbor.NegInt(uint64(-x))
			}
			return cbor.Uint(uint64(x))
		}
		return cbor.Float64(x)
	case int:
		if cborInts[key] {
			return cbor.Uint(uint64(x))
		}
		return cbor.Float64(float64(x))
	case time.Time:
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(x.UnixMilli()) / 1000)}
	case map[string]any:
		m := cbor.Map{}
		for k, e := range x {
			if e != nil {
				m[k] = cborValue(k, e)
			}
		}
		return m
	case []Item:
		l := cbor.List{}
		for _, e := range x {
			l = append(l, cborValue(key, e))
		}
		return l
	case []any:
		l := cbor.List{}
		for _, e := range x {
			l = append(l, cborValue(key, e))
		}
		return l
	case []string:
		l := cbor.List{}
		for _, e := range x {
			l = append(l, cbor.String(e))
		}
		return l
	}
	return cbor.String(fmt.Sprint(v))
}

func encodeCBORError(code, msg string) []byte {
	return cbor.Encode(cbor.Map{"__type": cbor.String(code), "message": cbor.String(msg)})
}

func decodeCBORMap(raw []byte) (map[string]any, error) {
	v, err := cbor.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("decode CBOR: %w", err)
	}
	m, ok := v.(cbor.Map)
	if !ok {
		return nil, fmt.Errorf("CBOR body is %T, want a map", v)
	}
	out := map[string]any{}
	for k, e := range m {
		switch x := e.(type) {
		case cbor.String:
			out[k] = string(x)
		case cbor.Uint:
			out[k] = uint64(x)
		case cbor.Bool:
			out[k] = bool(x)
		}
	}
	return out, nil
}

func (s *Server) cloudwatch(req *request, reg *Region) ([]byte, error) {
	if req.op != "DescribeAlarms" {
		return nil, errf(400, "UnknownOperationException", "%s is not served by the fake", req.op)
	}
	size := 50
	if n, err := strconv.Atoi(req.param("MaxRecords")); err == nil && n > 0 {
		size = n
	}
	pg, next, err := page(reg.MetricAlarms, req.param("NextToken"), size)
	if err != nil {
		return nil, err
	}
	out := cbor.Map{"MetricAlarms": cborValue("MetricAlarms", pg), "CompositeAlarms": cbor.List{}}
	if next != "" {
		out["NextToken"] = cbor.String(next)
	}
	return cbor.Encode(out), nil
}

func str(it Item, key string) string {
	s, _ := it[key].(string)
	return s
}

func copyItem(it Item) Item {
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = v
	}
	return out
}
