# Remote state in a Spaces bucket (S3-compatible; Spaces has no lock table, so run one apply
# at a time: the infra workflow's concurrency group does). Fill in, then
# `make infra-plan CLOUD=digitalocean` runs terraform init -backend-config=backend.hcl.
# The bucket must exist first: see docs/deploy-digitalocean.md. Commit this file once filled in.
bucket                      = "REPLACE-state-bucket"
key                         = "platform/terraform.tfstate"
region                      = "us-east-1"
endpoints                   = { s3 = "https://fra1.digitaloceanspaces.com" }
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_region_validation      = true
skip_s3_checksum            = true
use_path_style              = false
