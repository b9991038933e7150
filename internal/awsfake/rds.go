package awsfake

import (
	"maps"
	"slices"
	"strconv"
)

func maxRecords(req *request, def int) int {
	if n, err := strconv.Atoi(req.param("MaxRecords")); err == nil && n > 0 {
		return n
	}
	return def
}

func (s *Server) rds(req *request, reg *Region) ([]byte, error) {
	if s.rdsModelErr != nil {
		return nil, s.rdsModelErr
	}
	marker := req.param("Marker")
	var out Item
	switch req.op {
	case "DescribeDBClusters":
		items := reg.DBClusters
		if id := req.param("DBClusterIdentifier"); id != "" {
			items = filterBy(items, "DBClusterIdentifier", id)
			if len(items) == 0 {
				return nil, errf(404, "DBClusterNotFoundFault", "DBCluster %s not found.", id)
			}
		}
		pg, next, err := page(items, marker, maxRecords(req, 100))
		if err != nil {
			return nil, err
		}
		out = Item{"DBClusters": pg, "Marker": nilIfEmpty(next)}
	case "DescribeDBInstances":
		items := reg.DBInstances
		if id := req.param("DBInstanceIdentifier"); id != "" {
			items = filterBy(items, "DBInstanceIdentifier", id)
			if len(items) == 0 {
				return nil, errf(404, "DBInstanceNotFound", "DBInstance %s not found.", id)
			}
		}
		pg, next, err := page(items, marker, maxRecords(req, 100))
		if err != nil {
			return nil, err
		}
		out = Item{"DBInstances": pg, "Marker": nilIfEmpty(next)}
	case "DescribeDBClusterParameterGroups", "DescribeDBParameterGroups":
		groups, nameParam, listKey := reg.ClusterParamGroups, "DBClusterParameterGroupName", "DBClusterParameterGroups"
		if req.op == "DescribeDBParameterGroups" {
			groups, nameParam, listKey = reg.DBParamGroups, "DBParameterGroupName", "DBParameterGroups"
		}
		var items []Item
		if name := req.param(nameParam); name != "" {
			g, ok := groups[name]
			if !ok {
				return nil, errf(404, "DBParameterGroupNotFound", "DBParameterGroup not found: %s", name)
			}
			items = []Item{g.Meta}
		} else {
			for _, k := range slices.Sorted(maps.Keys(groups)) {
				items = append(items, groups[k].Meta)
			}
		}
		pg, next, err := page(items, marker, maxRecords(req, 100))
		if err != nil {
			return nil, err
		}
		out = Item{listKey: pg, "Marker": nilIfEmpty(next)}
	case "DescribeDBClusterParameters", "DescribeDBParameters":
		groups, nameParam := reg.ClusterParamGroups, "DBClusterParameterGroupName"
		if req.op == "DescribeDBParameters" {
			groups, nameParam = reg.DBParamGroups, "DBParameterGroupName"
		}
		name := req.param(nameParam)
		g, ok := groups[name]
		if !ok {
			return nil, errf(404, "DBParameterGroupNotFound", "DBParameterGroup not found: %s", name)
		}
		items := g.Parameters
		if src := req.param("Source"); src != "" {
			items = filterBy(items, "Source", src)
		}
		size := maxRecords(req, 100)
		if g.PageSize > 0 {
			size = g.PageSize
		}
		return s.cachedPage(req.op, "", items, marker, size, func(pg []Item, next string) Item {
			return Item{"Parameters": pg, "Marker": nilIfEmpty(next)}
		})
	case "DescribeEngineDefaultClusterParameters", "DescribeEngineDefaultParameters":
		defaults := reg.EngineDefaultsCl
		if req.op == "DescribeEngineDefaultParameters" {
			defaults = reg.EngineDefaults
		}
		family := req.param("DBParameterGroupFamily")
		if family == "" {
			return nil, errf(400, "MissingParameter", "DBParameterGroupFamily is required")
		}
		return s.cachedPage(req.op, family, defaults[family], marker, maxRecords(req, 100), func(pg []Item, next string) Item {
			return Item{"EngineDefaults": Item{"DBParameterGroupFamily": family, "Parameters": pg, "Marker": nilIfEmpty(next)}}
		})
	case "DescribeOptionGroups":
		items := reg.OptionGroups
		if name := req.param("OptionGroupName"); name != "" {
			items = filterBy(items, "OptionGroupName", name)
			if len(items) == 0 {
				return nil, errf(404, "OptionGroupNotFoundFault", "Specified OptionGroupName: %s not found.", name)
			}
		}
		pg, next, err := page(items, marker, maxRecords(req, 100))
		if err != nil {
			return nil, err
		}
		out = Item{"OptionGroupsList": pg, "Marker": nilIfEmpty(next)}
	default:
		return nil, errf(400, "InvalidAction", "%s is not served by the fake", req.op)
	}
	return s.rdsModel.render(req.op, out, "r")
}

func filterBy(items []Item, key, value string) []Item {
	var out []Item
	for _, it := range items {
		if v, _ := it[key].(string); v == value {
			out = append(out, it)
		}
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type pageKey struct {
	op, extra string
	items     *Item
	n         int
	marker    string
	size      int
}

// cachedPage renders a parameter page once per parameter slice: parameter lists carry no
// account or region, so worlds that share one slice across regions (the benchmark) render
// each page once. Replace a slice rather than editing it in place after it was served.
func (s *Server) cachedPage(op, extra string, items []Item, marker string, size int, wrap func([]Item, string) Item) ([]byte, error) {
	var key pageKey
	if len(items) > 0 {
		key = pageKey{op: op, extra: extra, items: &items[0], n: len(items), marker: marker, size: size}
		if b, ok := s.pages.Load(key); ok {
			return b.([]byte), nil
		}
	}
	pg, next, err := page(items, marker, size)
	if err != nil {
		return nil, err
	}
	b, err := s.rdsModel.render(op, wrap(pg, next), "r")
	if err == nil && len(items) > 0 {
		s.pages.Store(key, b)
	}
	return b, err
}
