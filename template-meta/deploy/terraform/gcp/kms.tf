# One key ring: the cluster's secrets, the images and the database are encrypted with
# keys of this project, rotated every 90 days.

resource "google_kms_key_ring" "main" {
  name     = local.name
  location = var.region
}

resource "google_kms_crypto_key" "main" {
  name            = local.name
  key_ring        = google_kms_key_ring.main.id
  rotation_period = "7776000s"

  lifecycle {
    prevent_destroy = true
  }
}

# The Google-managed service agents that encrypt with the key.
resource "google_kms_crypto_key_iam_member" "agents" {
  for_each = toset([
    "serviceAccount:service-${data.google_project.current.number}@container-engine-robot.iam.gserviceaccount.com",
    "serviceAccount:service-${data.google_project.current.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com",
    "serviceAccount:service-${data.google_project.current.number}@gcp-sa-cloud-sql.iam.gserviceaccount.com",
    "serviceAccount:service-${data.google_project.current.number}@gcp-sa-secretmanager.iam.gserviceaccount.com",
  ])

  crypto_key_id = google_kms_crypto_key.main.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}
