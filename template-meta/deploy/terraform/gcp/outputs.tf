# What the Kubernetes overlays and the deploy workflows need. No output holds a secret: each
# backend's DATABASE_URL is referenced by its Secret Manager name.

output "kubeconfig_command" {
  description = "Writes the cluster's credentials into ~/.kube/config."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.main.name} --region ${var.region} --project ${var.gcp_project_id}"
}

output "registry_url" {
  description = "Registry the service images are pushed to and pulled from."
  value       = local.registry_url
}

output "database_secrets" {
  description = "Per backend: the Kubernetes Secret its manifests read (key DATABASE_URL) and the secret that holds its value."
  value = {
    for name, backend in local.backends : name => {
      kubernetes_secret = backend.kubernetes_secret
      secret_reference  = google_secret_manager_secret.backend[name].id
      host              = google_sql_database_instance.main.private_ip_address
      port              = 5432
      database          = backend.database
    }
  }
}

output "dns_record" {
  description = "The platform's DNS name, once ingress_address is set."
  value       = one(google_dns_record_set.platform[*].name)
}
