#!/usr/bin/env bash
# Creates the "audit" scenario (testdata/inputs/README.md) with the real aws CLI against an
# endpoint (moto_server in tests): usage moto-setup.sh ENDPOINT_URL. Region us-east-1.
# The same scenario is written by hand as a Terraform plan and a CloudFormation template.
set -euo pipefail
E="$1"
a() { aws --endpoint-url "$E" --region us-east-1 --output json "$@" >/dev/null; }

# Parameter groups: audit on / audit off, pgAudit on / general log off.
a rds create-db-cluster-parameter-group --db-cluster-parameter-group-name audit-cluster-pg \
  --db-parameter-group-family aurora-mysql8.0 --description "Advanced Auditing on"
a rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name audit-cluster-pg --parameters \
  "ParameterName=server_audit_logging,ParameterValue=1,ApplyMethod=immediate" \
  "ParameterName=server_audit_events,ParameterValue='CONNECT,QUERY_DCL,QUERY_DDL',ApplyMethod=immediate"
a rds create-db-cluster-parameter-group --db-cluster-parameter-group-name plain-cluster-pg \
  --db-parameter-group-family aurora-mysql8.0 --description "Advanced Auditing off"
a rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name plain-cluster-pg --parameters \
  "ParameterName=server_audit_logging,ParameterValue=0,ApplyMethod=immediate"
a rds create-db-parameter-group --db-parameter-group-name pgaudit-pg \
  --db-parameter-group-family postgres16 --description "pgAudit on"
a rds modify-db-parameter-group --db-parameter-group-name pgaudit-pg --parameters \
  "ParameterName=shared_preload_libraries,ParameterValue=pgaudit,ApplyMethod=pending-reboot" \
  "ParameterName=pgaudit.log,ParameterValue=all,ApplyMethod=immediate"
a rds create-db-parameter-group --db-parameter-group-name mysql-pg \
  --db-parameter-group-family mysql8.0 --description "general log off"
a rds modify-db-parameter-group --db-parameter-group-name mysql-pg --parameters \
  "ParameterName=general_log,ParameterValue=0,ApplyMethod=immediate"

# Option groups: audit plugin / none.
a rds create-option-group --option-group-name mysql-audit-og --engine-name mysql \
  --major-engine-version 8.0 --option-group-description "audit plugin"
a rds add-option-to-option-group --option-group-name mysql-audit-og --apply-immediately \
  --options "OptionName=MARIADB_AUDIT_PLUGIN,OptionSettings=[{Name=SERVER_AUDIT_EVENTS,Value=CONNECT}]"
a rds create-option-group --option-group-name empty-og --engine-name mysql \
  --major-engine-version 8.0 --option-group-description "no options"

# Clusters: audit export on / no exports.
a rds create-db-cluster --db-cluster-identifier audit-cluster --engine aurora-mysql \
  --engine-version 8.0.mysql_aurora.3.05.2 --master-username admin --master-user-password Passw0rd123 \
  --db-cluster-parameter-group-name audit-cluster-pg --enable-cloudwatch-logs-exports audit error \
  --storage-encrypted
a rds create-db-instance --db-instance-identifier audit-cluster-1 --db-cluster-identifier audit-cluster \
  --engine aurora-mysql --db-instance-class db.r6g.large
a rds create-db-cluster --db-cluster-identifier noaudit-cluster --engine aurora-mysql \
  --engine-version 8.0.mysql_aurora.3.05.2 --master-username admin --master-user-password Passw0rd123 \
  --db-cluster-parameter-group-name plain-cluster-pg

# Instances: exports on / none.
a rds create-db-instance --db-instance-identifier app-postgres --engine postgres --engine-version 16.3 \
  --db-instance-class db.t3.micro --allocated-storage 20 --master-username pgadmin --master-user-password Passw0rd123 \
  --db-parameter-group-name pgaudit-pg --enable-cloudwatch-logs-exports postgresql upgrade
a rds create-db-instance --db-instance-identifier legacy-mysql --engine mysql --engine-version 8.0.35 \
  --db-instance-class db.t3.micro --allocated-storage 20 --master-username admin --master-user-password Passw0rd123 \
  --db-parameter-group-name mysql-pg --option-group-name empty-og
a rds create-db-instance --db-instance-identifier audited-mysql --engine mysql --engine-version 8.0.35 \
  --db-instance-class db.t3.micro --allocated-storage 20 --master-username admin --master-user-password Passw0rd123 \
  --db-parameter-group-name mysql-pg --option-group-name mysql-audit-og --enable-cloudwatch-logs-exports audit error

# Log groups: a year + KMS / 5 days, no KMS. A metric filter with an alarm and one without.
a logs create-log-group --log-group-name /aws/rds/cluster/audit-cluster/audit \
  --kms-key-id arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555
a logs put-retention-policy --log-group-name /aws/rds/cluster/audit-cluster/audit --retention-in-days 365
a logs create-log-group --log-group-name /aws/rds/instance/legacy-mysql/error
a logs put-retention-policy --log-group-name /aws/rds/instance/legacy-mysql/error --retention-in-days 5
a logs put-metric-filter --log-group-name /aws/rds/cluster/audit-cluster/audit --filter-name failed-logins \
  --filter-pattern '"FAILED_CONNECT"' \
  --metric-transformations metricName=FailedLogins,metricNamespace=DBAudit,metricValue=1
a logs put-metric-filter --log-group-name /aws/rds/cluster/audit-cluster/audit --filter-name ddl-changes \
  --filter-pattern '"QUERY_DDL"' \
  --metric-transformations metricName=DDLChanges,metricNamespace=DBAudit,metricValue=1
a kinesis create-stream --stream-name siem --shard-count 1
a logs put-subscription-filter --log-group-name /aws/rds/cluster/audit-cluster/audit --filter-name to-siem \
  --filter-pattern "" --destination-arn arn:aws:kinesis:us-east-1:123456789012:stream/siem \
  --role-arn arn:aws:iam::123456789012:role/logs-to-kinesis
a cloudwatch put-metric-alarm --alarm-name failed-logins-alarm --metric-name FailedLogins --namespace DBAudit \
  --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 \
  --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions arn:aws:sns:us-east-1:123456789012:alerts
a cloudwatch put-metric-alarm --alarm-name failed-logins-math --evaluation-periods 1 --threshold 1 \
  --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions arn:aws:sns:us-east-1:123456789012:alerts \
  --metrics '[{"Id":"e1","Expression":"FILL(m1, 0)","Label":"failures","ReturnData":true},{"Id":"m1","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"DBAudit","MetricName":"FailedLogins"},"Period":300,"Stat":"Sum"}}]'

# Trails: multi-Region + validation + KMS + CloudWatch Logs / single-Region, nothing else.
a s3api create-bucket --bucket audit-trail-bucket
a cloudtrail create-trail --name org-trail --s3-bucket-name audit-trail-bucket --is-multi-region-trail \
  --enable-log-file-validation \
  --kms-key-id arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555 \
  --cloud-watch-logs-log-group-arn 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/cluster/audit-cluster/audit:*' \
  --cloud-watch-logs-role-arn arn:aws:iam::123456789012:role/trail-to-logs
a cloudtrail start-logging --name org-trail
a cloudtrail put-event-selectors --trail-name org-trail \
  --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'
a cloudtrail create-trail --name local-trail --s3-bucket-name audit-trail-bucket
a cloudtrail put-event-selectors --trail-name local-trail \
  --event-selectors '[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true}]'
