# Remote state: fill in, then `make infra-plan CLOUD=aws` runs
#   terraform init -backend-config=backend.hcl
# The bucket (versioned, encrypted, private) and the lock table must exist first: see
# docs/deploy-aws.md. Names of buckets are not secrets: commit this file once filled in.
bucket         = "REPLACE-state-bucket"
key            = "platform/terraform.tfstate"
region         = "eu-west-1"
dynamodb_table = "REPLACE-lock-table"
encrypt        = true
