# Production: ERROR-level workflow logs without order data (the default for prod),
# a year of log retention, alarms mailed to the on-call address, a reserved capacity.
# The prod stack's settings: `npx cdktf deploy prod` (this file travels with the stack as
# prod.auto.tfvars). A rollback is held here (workflow_rollout_percent, workflow_stable_version):
# docs/operations.md, "Roll back".
project_name                = "orders-prod"
environment                 = "prod"
lambda_timeout              = 30
lambda_memory_size          = 256
lambda_architecture         = "arm64"
lambda_reserved_concurrency = 50
log_retention_days          = 365
workflow_type               = "STANDARD"
enable_alarms               = true
alarm_email                 = "oncall@example.com"
enable_xray_tracing         = true
# Keeps the tables and their data: destroy refuses to run until this is false and applied.
table_deletion_protection   = true
