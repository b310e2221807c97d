# State lives in a Spaces bucket through Terraform's S3 backend; backend.hcl names it.
terraform {
  backend "s3" {}
}
