package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Resource kinds, as merge notes and duplicate errors name them.
const (
	KindDBCluster               = "DB cluster"
	KindDBInstance              = "DB instance"
	KindDBClusterParameterGroup = "DB cluster parameter group"
	KindDBParameterGroup        = "DB parameter group"
	KindOptionGroup             = "option group"
	KindEngineDefaultCluster    = "engine default cluster parameters"
	KindEngineDefault           = "engine default parameters"
	KindLogGroup                = "log group"
	KindAlarm                   = "alarm"
	KindTrail                   = "trail"
)

// ResourceRef names one resource of a Region: its kind, its identity within the account and
// Region, and where it was declared.
type ResourceRef struct {
	Kind string
	// ID is DBClusterIdentifier, DBInstanceIdentifier, TrailARN (else the trail's Name) or
	// the key of a keyed map (parameter groups, option groups, engine defaults, log groups,
	// alarms).
	ID string
	// Location is the resource's derived.location; nil when unknown.
	Location *Location
}

// TrailID is a trail's identity within its account and Region: TrailARN, else its Name.
func TrailID(t Trail) string {
	if t.TrailARN != "" {
		return t.TrailARN
	}
	return t.Name
}

// Resources lists a Region's resources: lists in order, keyed maps by key.
func Resources(r Region) []ResourceRef {
	var out []ResourceRef
	if d := r.RDS; d != nil {
		for _, c := range d.DBClusters {
			out = append(out, ResourceRef{KindDBCluster, c.DBClusterIdentifier, location(c.Derived)})
		}
		for _, i := range d.DBInstances {
			out = append(out, ResourceRef{KindDBInstance, i.DBInstanceIdentifier, location(i.Derived)})
		}
		out = appendKeyed(out, KindDBClusterParameterGroup, d.DBClusterParameterGroups, func(g DBClusterParameterGroup) *Location { return location(g.Derived) })
		out = appendKeyed(out, KindDBParameterGroup, d.DBParameterGroups, func(g DBParameterGroup) *Location { return location(g.Derived) })
		out = appendKeyed(out, KindOptionGroup, d.OptionGroups, func(g OptionGroup) *Location { return location(g.Derived) })
		out = appendKeyed(out, KindEngineDefaultCluster, d.EngineDefaultClusterParameters, func(EngineDefaults) *Location { return nil })
		out = appendKeyed(out, KindEngineDefault, d.EngineDefaultParameters, func(EngineDefaults) *Location { return nil })
	}
	if r.Logs != nil {
		out = appendKeyed(out, KindLogGroup, r.Logs.LogGroups, func(g LogGroup) *Location { return location(g.Derived) })
	}
	if r.CloudWatch != nil {
		out = appendKeyed(out, KindAlarm, r.CloudWatch.MetricAlarms, func(a MetricAlarm) *Location { return location(a.Derived) })
	}
	if r.CloudTrail != nil {
		for _, t := range r.CloudTrail.Trails {
			out = append(out, ResourceRef{KindTrail, TrailID(t), location(t.Derived)})
		}
	}
	return out
}

func appendKeyed[V any](out []ResourceRef, kind string, m map[string]V, loc func(V) *Location) []ResourceRef {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ResourceRef{kind, k, loc(m[k])})
	}
	return out
}

func location(d *Derived) *Location {
	if d == nil {
		return nil
	}
	return d.Location
}

// MergeRegion merges src into dst (the same account and Region). A resource is identified
// by its kind and ID (see ResourceRef): src is the later input, so its resource replaces
// dst's of the same identity in place, except when the two are equal but for
// derived.location — then dst's is kept and nothing is reported. It returns the resources
// of src that replaced a different one, in src's order (keyed maps by key).
func MergeRegion(dst *Region, src Region) []ResourceRef {
	var replaced []ResourceRef
	if s := src.RDS; s != nil {
		if dst.RDS == nil {
			dst.RDS = &RDS{}
		}
		d := dst.RDS
		d.DBClusters = mergeList(d.DBClusters, s.DBClusters, &replaced, KindDBCluster,
			func(c DBCluster) string { return c.DBClusterIdentifier }, func(c DBCluster) *Derived { return c.Derived })
		d.DBInstances = mergeList(d.DBInstances, s.DBInstances, &replaced, KindDBInstance,
			func(i DBInstance) string { return i.DBInstanceIdentifier }, func(i DBInstance) *Derived { return i.Derived })
		d.DBClusterParameterGroups = mergeMap(d.DBClusterParameterGroups, s.DBClusterParameterGroups, &replaced, KindDBClusterParameterGroup)
		d.DBParameterGroups = mergeMap(d.DBParameterGroups, s.DBParameterGroups, &replaced, KindDBParameterGroup)
		d.OptionGroups = mergeMap(d.OptionGroups, s.OptionGroups, &replaced, KindOptionGroup)
		d.EngineDefaultClusterParameters = mergeMap(d.EngineDefaultClusterParameters, s.EngineDefaultClusterParameters, &replaced, KindEngineDefaultCluster)
		d.EngineDefaultParameters = mergeMap(d.EngineDefaultParameters, s.EngineDefaultParameters, &replaced, KindEngineDefault)
	}
	if src.Logs != nil {
		if dst.Logs == nil {
			dst.Logs = &Logs{}
		}
		dst.Logs.LogGroups = mergeMap(dst.Logs.LogGroups, src.Logs.LogGroups, &replaced, KindLogGroup)
	}
	if src.CloudWatch != nil {
		if dst.CloudWatch == nil {
			dst.CloudWatch = &CloudWatch{}
		}
		dst.CloudWatch.MetricAlarms = mergeMap(dst.CloudWatch.MetricAlarms, src.CloudWatch.MetricAlarms, &replaced, KindAlarm)
	}
	if src.CloudTrail != nil {
		if dst.CloudTrail == nil {
			dst.CloudTrail = &CloudTrail{}
		}
		dst.CloudTrail.Trails = mergeList(dst.CloudTrail.Trails, src.CloudTrail.Trails, &replaced, KindTrail,
			TrailID, func(t Trail) *Derived { return t.Derived })
	}
	return replaced
}

func mergeList[T any](dst, src []T, replaced *[]ResourceRef, kind string, id func(T) string, derived func(T) *Derived) []T {
	if dst == nil && src != nil {
		dst = make([]T, 0, len(src)) // an empty list stays a list, not null
	}
	if len(src) == 0 {
		return dst
	}
	at := make(map[string]int, len(dst))
	for i, v := range dst {
		at[id(v)] = i
	}
	for _, v := range src {
		k := id(v)
		i, ok := at[k]
		switch {
		case !ok:
			at[k] = len(dst)
			dst = append(dst, v)
		case !sameResource(dst[i], v):
			dst[i] = v
			*replaced = append(*replaced, ResourceRef{kind, k, location(derived(v))})
		}
	}
	return dst
}

func mergeMap[V any](dst, src map[string]V, replaced *[]ResourceRef, kind string) map[string]V {
	if dst == nil && src != nil {
		dst = make(map[string]V, len(src)) // an empty map stays a map, not null
	}
	for _, k := range slices.Sorted(maps.Keys(src)) {
		v := src[k]
		old, ok := dst[k]
		if ok && sameResource(old, v) {
			continue
		}
		dst[k] = v
		if ok {
			*replaced = append(*replaced, ResourceRef{kind, k, resourceLocation(v)})
		}
	}
	return dst
}

func resourceLocation(v any) *Location {
	switch r := v.(type) {
	case DBClusterParameterGroup:
		return location(r.Derived)
	case DBParameterGroup:
		return location(r.Derived)
	case OptionGroup:
		return location(r.Derived)
	case LogGroup:
		return location(r.Derived)
	case MetricAlarm:
		return location(r.Derived)
	}
	return nil
}

// sameResource reports whether two resources are equal but for where they were declared
// (derived.location, also of metric filters) and the alarms linked to their metric filters
// (recomputed after merging, see LinkAlarms).
func sameResource[T any](a, b T) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return false
	}
	if bytes.Equal(ja, jb) {
		return true
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return false
	}
	na, _ := json.Marshal(stripDeclared(va))
	nb, _ := json.Marshal(stripDeclared(vb))
	return bytes.Equal(na, nb)
}

// stripDeclared removes derived.location and derived.alarm_names at any depth (and a derived
// object left empty), so that copies of one resource from different files compare equal.
func stripDeclared(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = stripDeclared(e)
		}
		if d, ok := x["derived"].(map[string]any); ok {
			delete(d, "location")
			delete(d, "alarm_names")
			if len(d) == 0 {
				delete(x, "derived")
			}
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = stripDeclared(e)
		}
		return x
	}
	return v
}

// MergeGaps appends src's collection gaps to dst, leaving out those dst already holds.
func MergeGaps(dst, src []Gap) []Gap {
	seen := make(map[Gap]bool, len(dst))
	for _, g := range dst {
		seen[g] = true
	}
	for _, g := range src {
		if !seen[g] {
			seen[g] = true
			dst = append(dst, g)
		}
	}
	return dst
}

// DuplicateError reports an account, a Region or a resource that a snapshot holds twice, or
// a trail that has a home-region copy in two Regions. The rules look these up by identity,
// so a snapshot holding one twice cannot be judged.
type DuplicateError struct {
	// What is held twice, e.g. `DB cluster "audit" in 123456789012/us-east-1`.
	What string
	// Problem is ListedTwice, or what else is wrong with it.
	Problem string
	// Paths are the JSON paths of both copies in the snapshot.
	Paths [2]string
	// Locations are both copies' derived.location, when known.
	Locations [2]*Location
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s: %s %s (also at %s)", e.Paths[1], e.What, e.Problem, e.Paths[0])
}

// ListedTwice is the usual DuplicateError.Problem.
const ListedTwice = "is listed twice"

// CheckUnique returns a *DuplicateError when s lists an account twice, a Region twice in
// one account, a resource twice in one Region (identities as in ResourceRef), or one
// TrailARN as a home-region trail (HomeRegion absent or equal to its Region) in two Regions
// of an account. The rules key objects by these, so each must be unique.
func CheckUnique(s *Snapshot) error {
	err := checkUnique(s)
	if dup, ok := err.(*DuplicateError); ok {
		dup.What = escapeControl(dup.What) // an id with a line break keeps the error one line
	}
	return err
}

// escapeControl writes the control characters of s (line breaks, tabs) as Go escapes.
func escapeControl(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func checkUnique(s *Snapshot) error {
	accounts := map[string]int{}
	for ai, a := range s.Accounts {
		if prev, ok := accounts[a.AccountID]; ok {
			return &DuplicateError{What: fmt.Sprintf("account %s", a.AccountID), Problem: ListedTwice,
				Paths: [2]string{fmt.Sprintf("$.accounts[%d]", prev), fmt.Sprintf("$.accounts[%d]", ai)}}
		}
		accounts[a.AccountID] = ai
		regions := map[string]int{}
		type home struct {
			path string
			loc  *Location
		}
		homes := map[string]home{}
		for ri, r := range a.Regions {
			rpath := fmt.Sprintf("$.accounts[%d].regions[%d]", ai, ri)
			if prev, ok := regions[r.Region]; ok {
				return &DuplicateError{What: fmt.Sprintf("Region %s of account %s", r.Region, a.AccountID), Problem: ListedTwice,
					Paths: [2]string{fmt.Sprintf("$.accounts[%d].regions[%d]", ai, prev), rpath}}
			}
			regions[r.Region] = ri
			if err := checkRegion(a.AccountID, r, rpath); err != nil {
				return err
			}
			if r.CloudTrail == nil {
				continue
			}
			for ti, t := range r.CloudTrail.Trails {
				if t.HomeRegion != "" && t.HomeRegion != r.Region {
					continue
				}
				path := fmt.Sprintf("%s.cloudtrail.trails[%d]", rpath, ti)
				if prev, ok := homes[t.TrailARN]; ok {
					return &DuplicateError{What: fmt.Sprintf("TrailARN %q of account %s", t.TrailARN, a.AccountID), Problem: "names two home-region trails",
						Paths: [2]string{prev.path, path}, Locations: [2]*Location{prev.loc, location(t.Derived)}}
				}
				homes[t.TrailARN] = home{path, location(t.Derived)}
			}
		}
	}
	return nil
}

// checkRegion finds a list resource held twice in one Region (keyed maps cannot hold a key
// twice once decoded).
func checkRegion(account string, r Region, rpath string) error {
	where := fmt.Sprintf("in %s/%s", account, r.Region)
	if d := r.RDS; d != nil {
		if err := uniqueList(d.DBClusters, KindDBCluster, where, rpath+".rds.db_clusters",
			func(c DBCluster) string { return c.DBClusterIdentifier }, func(c DBCluster) *Derived { return c.Derived }); err != nil {
			return err
		}
		if err := uniqueList(d.DBInstances, KindDBInstance, where, rpath+".rds.db_instances",
			func(i DBInstance) string { return i.DBInstanceIdentifier }, func(i DBInstance) *Derived { return i.Derived }); err != nil {
			return err
		}
	}
	if d := r.RDS; d != nil {
		for _, name := range slices.Sorted(maps.Keys(d.OptionGroups)) {
			if err := uniqueOptions(d.OptionGroups[name], fmt.Sprintf("of option group %q %s", name, where), rpath+".rds.option_groups"+jsonPath([]string{name})[1:]); err != nil {
				return err
			}
		}
	}
	if r.CloudTrail != nil {
		if err := uniqueList(r.CloudTrail.Trails, KindTrail, where, rpath+".cloudtrail.trails",
			TrailID, func(t Trail) *Derived { return t.Derived }); err != nil {
			return err
		}
	}
	return nil
}

func uniqueList[T any](items []T, kind, where, path string, id func(T) string, derived func(T) *Derived) error {
	seen := make(map[string]int, len(items))
	for i, v := range items {
		k := id(v)
		if prev, ok := seen[k]; ok {
			return &DuplicateError{What: fmt.Sprintf("%s %q %s", kind, k, where), Problem: ListedTwice,
				Paths:     [2]string{fmt.Sprintf("%s[%d]", path, prev), fmt.Sprintf("%s[%d]", path, i)},
				Locations: [2]*Location{location(derived(items[prev])), location(derived(v))}}
		}
		seen[k] = i
	}
	return nil
}

// uniqueOptions: the rules look an option up by OptionName and a setting by Name.
func uniqueOptions(g OptionGroup, where, path string) error {
	loc := location(g.Derived)
	options := map[string]int{}
	for i, o := range g.Options {
		opath := fmt.Sprintf("%s.Options[%d]", path, i)
		if prev, ok := options[o.OptionName]; ok {
			return &DuplicateError{What: fmt.Sprintf("option %s %s", o.OptionName, where), Problem: ListedTwice,
				Paths: [2]string{fmt.Sprintf("%s.Options[%d]", path, prev), opath}, Locations: [2]*Location{loc, loc}}
		}
		options[o.OptionName] = i
		settings := map[string]int{}
		for j, st := range o.OptionSettings {
			if prev, ok := settings[st.Name]; ok {
				return &DuplicateError{What: fmt.Sprintf("setting %s of option %s %s", st.Name, o.OptionName, where), Problem: ListedTwice,
					Paths:     [2]string{fmt.Sprintf("%s.OptionSettings[%d]", opath, prev), fmt.Sprintf("%s.OptionSettings[%d]", opath, j)},
					Locations: [2]*Location{loc, loc}}
			}
			settings[st.Name] = j
		}
	}
	return nil
}

// DescribeLocation renders a location as "FILE:LINE:COLUMN" (or less, as known).
func DescribeLocation(l *Location) string {
	if l == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(l.File)
	if l.Line > 0 {
		fmt.Fprintf(&b, ":%d", l.Line)
		if l.Column > 0 {
			fmt.Fprintf(&b, ":%d", l.Column)
		}
	}
	return b.String()
}
