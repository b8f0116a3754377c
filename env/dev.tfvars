# Development: full logs with execution data, X-Ray on, short retention.
# The dev stack's settings: `npx cdktf deploy dev` (or `npx cdktf synth`, then `terraform apply`
# in cdktf.out/stacks/dev, where this file is dev.auto.tfvars). docs/operations.md, "Environments".
project_name       = "orders-dev"
environment        = "dev"
lambda_timeout     = 30
lambda_memory_size = 128
log_retention_days = 7
workflow_type      = "STANDARD"
enable_alarms      = false
