# Remote state in an OVHcloud Object Storage bucket (S3-compatible; it has no lock table, so
# run one apply at a time: the infra workflow's concurrency group does). Fill in, then
# `make infra-plan CLOUD=ovh` runs terraform init -backend-config=backend.hcl.
# The bucket must exist first: see docs/deploy-ovh.md. Commit this file once filled in.
bucket                      = "REPLACE-state-bucket"
key                         = "platform/terraform.tfstate"
region                      = "gra"
endpoints                   = { s3 = "https://s3.gra.io.cloud.ovh.net" }
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_region_validation      = true
skip_s3_checksum            = true
use_path_style              = true
