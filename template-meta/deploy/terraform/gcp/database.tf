# One Cloud SQL PostgreSQL server on the VPC only (no public address, TLS required), with a
# database and an owner per backend. Each password is generated here and kept in Secret
# Manager as the backend's DATABASE_URL; the state holds it as a sensitive value, so the
# state bucket is private and encrypted, and no output shows it.

resource "google_sql_database_instance" "main" {
  #checkov:skip=CKV_GCP_6:TLS is required (ssl_mode ENCRYPTED_ONLY) and the server has only a private address; client certificates would have to be issued to every backend
  #checkov:skip=CKV_GCP_79:postgres_version is a setting, by default the major version the backends are tested against in their CI
  name                = local.name
  region              = var.region
  database_version    = "POSTGRES_${var.postgres_version}"
  encryption_key_name = google_kms_crypto_key.main.id
  deletion_protection = true

  settings {
    tier              = var.database_size
    availability_type = var.database_high_availability ? "REGIONAL" : "ZONAL"
    disk_size         = var.database_storage_gb
    disk_autoresize   = true
    user_labels       = local.labels

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    # What CIS asks PostgreSQL to log, and pgAudit for changes of roles and schemas.
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_duration"
      value = "on"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_min_messages"
      value = "error"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }
    database_flags {
      name  = "pgaudit.log"
      value = "role,ddl"
    }
  }

  depends_on = [google_service_networking_connection.services, google_kms_crypto_key_iam_member.agents]
}

resource "google_sql_database" "backend" {
  for_each = local.backends

  name     = each.value.database
  instance = google_sql_database_instance.main.name
}

resource "random_password" "backend" {
  for_each = local.backends

  length  = 32
  special = false
}

resource "google_sql_user" "backend" {
  for_each = local.backends

  name     = each.value.user
  instance = google_sql_database_instance.main.name
  password = random_password.backend[each.key].result
}

resource "google_secret_manager_secret" "backend" {
  for_each = local.backends

  secret_id = each.value.secret_name

  replication {
    user_managed {
      replicas {
        location = var.region
        customer_managed_encryption {
          kms_key_name = google_kms_crypto_key.main.id
        }
      }
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.agents]
}

resource "google_secret_manager_secret_version" "backend" {
  for_each = local.backends

  secret      = google_secret_manager_secret.backend[each.key].id
  secret_data = "postgresql://${each.value.user}:${random_password.backend[each.key].result}@${google_sql_database_instance.main.private_ip_address}:5432/${each.value.database}?sslmode=require"
}
