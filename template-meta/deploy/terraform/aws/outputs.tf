# What the Kubernetes overlays and the deploy workflows need. No output holds a secret: the
# databases' credentials are referenced by their Secrets Manager ARN.

output "kubeconfig_command" {
  description = "Writes the cluster's credentials into ~/.kube/config."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${aws_eks_cluster.main.name}"
}

output "registry_url" {
  description = "Registry the service images are pushed to and pulled from."
  value       = local.registry_url
}

output "database_secrets" {
  description = "Per backend: the Kubernetes Secret its manifests read (key DATABASE_URL) and where its credentials live."
  value = {
    for name, backend in local.backends : name => {
      kubernetes_secret = backend.kubernetes_secret
      secret_reference  = aws_db_instance.backend[name].master_user_secret[0].secret_arn
      host              = aws_db_instance.backend[name].address
      port              = aws_db_instance.backend[name].port
      database          = backend.database
    }
  }
}

output "dns_record" {
  description = "The platform's DNS name, once ingress_address is set."
  value       = one(aws_route53_record.platform[*].fqdn)
}
