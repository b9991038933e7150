package snapshot

// MergeRegion adds src's resources to dst (same account and region). Keyed maps take src's
// entry when both have one.
func MergeRegion(dst *Region, src Region) {
	if src.RDS != nil {
		if dst.RDS == nil {
			dst.RDS = &RDS{}
		}
		d, s := dst.RDS, src.RDS
		d.DBClusters = append(d.DBClusters, s.DBClusters...)
		d.DBInstances = append(d.DBInstances, s.DBInstances...)
		d.DBClusterParameterGroups = mergeMap(d.DBClusterParameterGroups, s.DBClusterParameterGroups)
		d.DBParameterGroups = mergeMap(d.DBParameterGroups, s.DBParameterGroups)
		d.OptionGroups = mergeMap(d.OptionGroups, s.OptionGroups)
		d.EngineDefaultClusterParameters = mergeMap(d.EngineDefaultClusterParameters, s.EngineDefaultClusterParameters)
		d.EngineDefaultParameters = mergeMap(d.EngineDefaultParameters, s.EngineDefaultParameters)
	}
	if src.Logs != nil {
		if dst.Logs == nil {
			dst.Logs = &Logs{}
		}
		dst.Logs.LogGroups = mergeMap(dst.Logs.LogGroups, src.Logs.LogGroups)
	}
	if src.CloudWatch != nil {
		if dst.CloudWatch == nil {
			dst.CloudWatch = &CloudWatch{}
		}
		dst.CloudWatch.MetricAlarms = mergeMap(dst.CloudWatch.MetricAlarms, src.CloudWatch.MetricAlarms)
	}
	if src.CloudTrail != nil {
		if dst.CloudTrail == nil {
			dst.CloudTrail = &CloudTrail{}
		}
		dst.CloudTrail.Trails = append(dst.CloudTrail.Trails, src.CloudTrail.Trails...)
	}
}

func mergeMap[V any](dst, src map[string]V) map[string]V {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]V, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}
