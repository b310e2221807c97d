# Remote state: fill in, then `make infra-plan CLOUD=gcp` runs
#   terraform init -backend-config=backend.hcl
# The bucket (versioned, uniform access, private) must exist first: see docs/deploy-gcp.md.
# Names of buckets are not secrets: commit this file once filled in.
bucket = "REPLACE-state-bucket"
prefix = "platform"
