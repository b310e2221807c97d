# A VPC of its own: the nodes and the database talk over private addresses only.

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = var.network_cidr
}
