# DOKS in the VPC: an autoscaling node pool, patch upgrades in a weekly window, the HA
# control plane.

data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "${var.kubernetes_version}."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name          = local.name
  region        = var.region
  version       = data.digitalocean_kubernetes_versions.main.latest_version
  vpc_uuid      = digitalocean_vpc.main.id
  auto_upgrade  = true
  surge_upgrade = true
  ha            = true
  tags          = local.tags

  maintenance_policy {
    day        = "sunday"
    start_time = "03:00"
  }

  # The Kubernetes API answers only admin_cidrs when they are given; Terraform itself writes
  # the database Secrets through it, so the runner of `make infra-apply` must be among them.
  control_plane_firewall {
    enabled           = length(var.admin_cidrs) > 0
    allowed_addresses = var.admin_cidrs
  }

  node_pool {
    name       = "default"
    size       = var.node_size
    auto_scale = true
    min_nodes  = var.node_count_min
    max_nodes  = var.node_count_max
    tags       = local.tags
  }
}
