# State lives in S3 with a DynamoDB lock; backend.hcl holds the bucket and table names.
terraform {
  backend "s3" {}
}
