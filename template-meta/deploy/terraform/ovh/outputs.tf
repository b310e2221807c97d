# What the Kubernetes overlays and the deploy workflows need. Each backend's DATABASE_URL is
# already in the cluster, in the Secret named here; the one secret output, the kubeconfig
# (OVHcloud has no command that fetches it), is marked sensitive and never printed by plan.

output "kubeconfig_command" {
  description = "Writes the cluster's credentials into ~/.kube/config."
  value       = "terraform output -raw kubeconfig > ~/.kube/config"
}

output "kubeconfig" {
  description = "The cluster's kubeconfig: shown only by `terraform output -raw kubeconfig`."
  value       = ovh_cloud_project_kube.main.kubeconfig
  sensitive   = true
}

output "registry_url" {
  description = "Registry the service images are pushed to and pulled from."
  value       = local.registry_url
}

output "database_secrets" {
  description = "Per backend: the Kubernetes Secret its manifests read (key DATABASE_URL), written by this module."
  value = {
    for name, backend in local.backends : name => {
      kubernetes_secret = backend.kubernetes_secret
      secret_reference  = "kubernetes:${kubernetes_secret_v1.database[name].metadata[0].namespace}/${kubernetes_secret_v1.database[name].metadata[0].name}"
      host              = local.database_endpoint.domain
      port              = local.database_endpoint.port
      database          = backend.database
    }
  }
}

output "dns_record" {
  description = "The platform's DNS name, once ingress_address is set."
  value       = one(ovh_domain_zone_record.platform[*].subdomain)
}
