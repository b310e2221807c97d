# State lives in a Cloud Storage bucket, which also locks it; backend.hcl names the bucket.
terraform {
  backend "gcs" {}
}
