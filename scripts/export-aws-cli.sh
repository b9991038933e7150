#!/usr/bin/env bash
# Export the database audit-trail configuration of one AWS account with the real `aws` CLI,
# in the layout `scanner scan` reads (docs/inputs.md):
#
#   OUT/get-caller-identity.json
#   OUT/<region>/describe-db-clusters.json
#   OUT/<region>/describe-db-cluster-parameters.<group>.json   (one per cluster parameter group)
#   OUT/<region>/get-trail-status.<trail-name>.json           (one per trail homed in the region)
#   ...
#
# Usage: scripts/export-aws-cli.sh [-p PROFILE] [-o OUT] [-e ENDPOINT_URL] REGION...
#   -p PROFILE       aws CLI profile (default: the CLI's default credentials chain)
#   -o OUT           output directory (default: ./aws-export)
#   -e ENDPOINT_URL  endpoint override for every call (tests point it at moto_server)
#
# Read-only: only describe-*/get-*/list-* calls. A failing call is reported on stderr and
# listed in OUT/<region>/export-errors.txt; the export goes on and the script exits 1 at
# the end. The scanner records what is missing as collection gaps (NOT_EVALUATED).
set -uo pipefail

usage() { sed -n '2,20s/^# \{0,1\}//p' "$0" >&2; exit 2; }

profile="" out="./aws-export" endpoint=""
while getopts "p:o:e:h" opt; do
  case "$opt" in
    p) profile="$OPTARG" ;;
    o) out="$OPTARG" ;;
    e) endpoint="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "$#" -ge 1 ] || usage
command -v aws >/dev/null 2>&1 || { echo "export-aws-cli: the aws CLI is not installed" >&2; exit 2; }

base_args=(--output json)
[ -n "$profile" ] && base_args+=(--profile "$profile")
[ -n "$endpoint" ] && base_args+=(--endpoint-url "$endpoint")

failures=0

# run REGION FILE SERVICE COMMAND [ARGS...]: write one command's JSON output to FILE.
run() {
  local region="$1" file="$2"; shift 2
  local tmp="$file.tmp" err
  if err=$(aws "${base_args[@]}" --region "$region" "$@" 2>&1 >"$tmp"); then
    if [ -s "$tmp" ]; then mv "$tmp" "$file"; else rm -f "$tmp"; fi
    return 0
  fi
  rm -f "$tmp"
  failures=$((failures + 1))
  echo "export-aws-cli: $region: aws $*: ${err//$'\n'/ }" >&2
  echo "aws $*: ${err//$'\n'/ }" >>"$(dirname "$file")/export-errors.txt"
  return 1
}

# names REGION QUERY SERVICE COMMAND [ARGS...]: print the values a --query selects, one a line.
names() {
  local region="$1" query="$2"; shift 2
  aws "${base_args[@]}" --region "$region" "$@" --query "$query" --output text 2>/dev/null |
    tr '\t' '\n' | grep -v '^None$' | grep -v '^$' | sort -u
}

# safe NAME: a file-name-safe subject (parameter group and trail names already are).
safe() { printf '%s' "$1" | tr '/: ' '___'; }

mkdir -p "$out"
run "$1" "$out/get-caller-identity.json" sts get-caller-identity || true

for region in "$@"; do
  d="$out/$region"
  mkdir -p "$d"
  rm -f "$d/export-errors.txt"

  # RDS
  run "$region" "$d/describe-db-clusters.json" rds describe-db-clusters || true
  run "$region" "$d/describe-db-instances.json" rds describe-db-instances || true
  run "$region" "$d/describe-db-cluster-parameter-groups.json" rds describe-db-cluster-parameter-groups || true
  run "$region" "$d/describe-db-parameter-groups.json" rds describe-db-parameter-groups || true

  cpgs=$( { names "$region" 'DBClusterParameterGroups[].DBClusterParameterGroupName' rds describe-db-cluster-parameter-groups
            names "$region" 'DBClusters[].DBClusterParameterGroup' rds describe-db-clusters; } | sort -u)
  for g in $cpgs; do
    run "$region" "$d/describe-db-cluster-parameters.$g.json" rds describe-db-cluster-parameters --db-cluster-parameter-group-name "$g" || true
  done
  pgs=$( { names "$region" 'DBParameterGroups[].DBParameterGroupName' rds describe-db-parameter-groups
           names "$region" 'DBInstances[].DBParameterGroups[].DBParameterGroupName' rds describe-db-instances; } | sort -u)
  for g in $pgs; do
    run "$region" "$d/describe-db-parameters.$g.json" rds describe-db-parameters --db-parameter-group-name "$g" || true
  done
  for f in $(names "$region" 'DBClusterParameterGroups[].DBParameterGroupFamily' rds describe-db-cluster-parameter-groups); do
    run "$region" "$d/describe-engine-default-cluster-parameters.$f.json" rds describe-engine-default-cluster-parameters --db-parameter-group-family "$f" || true
  done
  for f in $(names "$region" 'DBParameterGroups[].DBParameterGroupFamily' rds describe-db-parameter-groups); do
    run "$region" "$d/describe-engine-default-parameters.$f.json" rds describe-engine-default-parameters --db-parameter-group-family "$f" || true
  done
  # Option groups: all at once; by name (from the instances) when the listing fails.
  if ! run "$region" "$d/describe-option-groups.json" rds describe-option-groups; then
    for g in $(names "$region" 'DBInstances[].OptionGroupMemberships[].OptionGroupName' rds describe-db-instances); do
      run "$region" "$d/describe-option-groups.$(safe "$g").json" rds describe-option-groups --option-group-name "$g" || true
    done
  fi

  # CloudWatch Logs and alarms
  run "$region" "$d/describe-log-groups.json" logs describe-log-groups || true
  run "$region" "$d/describe-metric-filters.json" logs describe-metric-filters || true
  i=0
  while IFS= read -r lg; do
    [ -n "$lg" ] || continue
    i=$((i + 1))
    run "$region" "$d/describe-subscription-filters.$i.json" logs describe-subscription-filters --log-group-name "$lg" || true
  done < <(names "$region" 'logGroups[].logGroupName' logs describe-log-groups)
  run "$region" "$d/describe-alarms.json" cloudwatch describe-alarms || true

  # CloudTrail: status and selectors for the trails homed in this region.
  run "$region" "$d/describe-trails.json" cloudtrail describe-trails || true
  while IFS=$'\t' read -r name arn; do
    [ -n "$name" ] || continue
    run "$region" "$d/get-trail-status.$(safe "$name").json" cloudtrail get-trail-status --name "$arn" || true
    run "$region" "$d/get-event-selectors.$(safe "$name").json" cloudtrail get-event-selectors --trail-name "$arn" || true
  done < <(aws "${base_args[@]}" --region "$region" cloudtrail describe-trails \
             --query "trailList[?HomeRegion=='$region'].[Name,TrailARN]" --output text 2>/dev/null)
done

if [ "$failures" -gt 0 ]; then
  echo "export-aws-cli: $failures call(s) failed; see */export-errors.txt" >&2
  exit 1
fi
