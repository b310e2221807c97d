# Managed Kubernetes on the private network, egress through the gateway, with an autoscaling
# node pool; the API answers only admin_cidrs when they are given (Terraform itself writes
# the database Secrets through it, so the runner of `make infra-apply` must be among them).

resource "ovh_cloud_project_kube" "main" {
  service_name       = var.ovh_project_id
  name               = local.name
  region             = var.region
  version            = var.kubernetes_version
  private_network_id = local.network_id
  nodes_subnet_id    = ovh_cloud_project_network_private_subnet.main.id
  update_policy      = "MINIMAL_DOWNTIME"

  private_network_configuration {
    default_vrack_gateway              = ""
    private_network_routing_as_default = true
  }

  depends_on = [ovh_cloud_project_gateway.main]
}

resource "ovh_cloud_project_kube_nodepool" "main" {
  service_name  = var.ovh_project_id
  kube_id       = ovh_cloud_project_kube.main.id
  name          = "default"
  flavor_name   = var.node_size
  autoscale     = true
  desired_nodes = var.node_count_min
  min_nodes     = var.node_count_min
  max_nodes     = var.node_count_max

  template {
    metadata {
      labels      = local.labels
      annotations = {}
      finalizers  = []
    }
    spec {
      unschedulable = false
      taints        = []
    }
  }
}

resource "ovh_cloud_project_kube_iprestrictions" "main" {
  count = length(var.admin_cidrs) > 0 ? 1 : 0

  service_name = var.ovh_project_id
  kube_id      = ovh_cloud_project_kube.main.id
  ips          = var.admin_cidrs
}
