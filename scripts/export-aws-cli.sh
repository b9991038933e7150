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
# Read-only: only describe-*/get-*/list-* calls. A failing call is reported on stderr,
# listed in OUT/<region>/export-errors.txt for people and recorded in
# OUT/<region>/export-errors.json for the scanner (OUT/export-errors.json for
# get-caller-identity); the export goes on and the script exits 1 at the end. The scanner
# turns each recorded failure into a collection gap with its error code, and files missing
# for a resource it judges into NotExported gaps (NOT_EVALUATED, exit code 3).
#
# export-errors.json: {"ExportErrors": [{"Region", "Service", "Command", "Arguments",
# "Subject", "File", "Operation", "ErrorCode", "Message"}, ...]}, one item per failed call;
# ErrorCode is the AWS error code (AccessDenied, ...) or CommandFailed when the aws CLI
# gave none (no connection, no credentials).
set -uo pipefail

usage() { sed -n '2,27s/^# \{0,1\}//p' "$0" >&2; exit 2; }

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

# json_str S: S as a JSON string (control characters other than tab/newline/CR dropped).
json_str() {
  local s="$1"
  s=${s//\\/\\\\}; s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '"%s"' "$(printf '%s' "$s" | tr -d '\000-\037\177')"
}

# record REGION FILE ERR SERVICE COMMAND [ARGS...]: append one failed call to the
# directory's pending export-errors record (finish_errors writes export-errors.json).
record() {
  local region="$1" file="$2" err="$3" service="$4" command="$5"; shift 5
  local code op subject=""
  code=$(printf '%s' "$err" | sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p' | head -n 1)
  op=$(printf '%s' "$err" | sed -n 's/.*when calling the \([A-Za-z0-9]*\) operation.*/\1/p' | head -n 1)
  # Per-subject commands end in "--option VALUE": the subject is VALUE.
  if [ "$#" -ge 2 ]; then
    local args=("$@")
    case "${args[$# - 2]}" in --*) subject="${args[$# - 1]}" ;; esac
  fi
  printf '{"Region": %s, "Service": %s, "Command": %s, "Arguments": %s, "Subject": %s, "File": %s, "Operation": %s, "ErrorCode": %s, "Message": %s}\n' \
    "$(json_str "$region")" "$(json_str "$service")" "$(json_str "$command")" "$(json_str "$*")" \
    "$(json_str "$subject")" "$(json_str "$(basename "$file")")" "$(json_str "$op")" \
    "$(json_str "${code:-CommandFailed}")" "$(json_str "$err")" >>"$(dirname "$file")/.export-errors.jsonl"
}

# finish_errors DIR: turn DIR's pending record into DIR/export-errors.json.
finish_errors() {
  local pending="$1/.export-errors.jsonl"
  [ -s "$pending" ] || { rm -f "$pending"; return 0; }
  { printf '{"ExportErrors": [\n'; sed '$!s/$/,/' "$pending"; printf ']}\n'; } >"$1/export-errors.json"
  rm -f "$pending"
}

# run [-q] REGION FILE SERVICE COMMAND [ARGS...]: write one command's JSON output to FILE.
# -q: a failure is reported and listed in export-errors.txt but not recorded for the
# scanner (the caller falls back to calls that are).
run() {
  local quiet=""
  [ "$1" = "-q" ] && { quiet=1; shift; }
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
  [ -n "$quiet" ] || record "$region" "$file" "$err" "$@"
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
rm -f "$out/export-errors.txt" "$out/export-errors.json" "$out/.export-errors.jsonl"
run "$1" "$out/get-caller-identity.json" sts get-caller-identity || true
finish_errors "$out"

for region in "$@"; do
  d="$out/$region"
  mkdir -p "$d"
  rm -f "$d/export-errors.txt" "$d/export-errors.json" "$d/.export-errors.jsonl"

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
  # Option groups: all at once; by name (from the instances) when the listing fails. The
  # by-name calls are the ones recorded for the scanner: a group they cover is complete.
  if ! run -q "$region" "$d/describe-option-groups.json" rds describe-option-groups; then
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
  finish_errors "$d"
done

if [ "$failures" -gt 0 ]; then
  echo "export-aws-cli: $failures call(s) failed; see */export-errors.txt (recorded for the scanner in */export-errors.json)" >&2
  exit 1
fi
