# What the Kubernetes overlays and the deploy workflows need. No output holds a secret: each
# backend's DATABASE_URL is already in the cluster, in the Secret named here.

output "kubeconfig_command" {
  description = "Writes the cluster's credentials into ~/.kube/config."
  value       = "doctl kubernetes cluster kubeconfig save ${digitalocean_kubernetes_cluster.main.id}"
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
      host              = digitalocean_database_cluster.main.private_host
      port              = digitalocean_database_cluster.main.port
      database          = backend.database
    }
  }
}

output "dns_record" {
  description = "The platform's DNS name, once ingress_address is set."
  value       = one(digitalocean_record.platform[*].fqdn)
}
