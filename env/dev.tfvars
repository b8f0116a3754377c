# Development: full logs with execution data, X-Ray on, short retention.
# npx cdktf deploy --var-file=$PWD/env/dev.tfvars
# (or: terraform apply -var-file=../../../env/dev.tfvars inside cdktf.out/stacks/microservices-stepfn)
project_name       = "orders-dev"
environment        = "dev"
lambda_timeout     = 30
lambda_memory_size = 128
log_retention_days = 7
workflow_type      = "STANDARD"
enable_alarms      = false
