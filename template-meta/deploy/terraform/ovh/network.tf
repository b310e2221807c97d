# A vRack private network with one subnet for the nodes and the database, and a gateway the
# nodes reach the internet through.

resource "ovh_cloud_project_network_private" "main" {
  service_name = var.ovh_project_id
  name         = local.name
  regions      = [var.region]
  vlan_id      = var.ovh_vlan_id
}

locals {
  network_id = tolist(ovh_cloud_project_network_private.main.regions_attributes[*].openstackid)[0]
}

resource "ovh_cloud_project_network_private_subnet" "main" {
  service_name = var.ovh_project_id
  network_id   = ovh_cloud_project_network_private.main.id
  region       = var.region
  network      = cidrsubnet(var.network_cidr, 4, 0)
  start        = cidrhost(cidrsubnet(var.network_cidr, 4, 0), 10)
  end          = cidrhost(cidrsubnet(var.network_cidr, 4, 0), 4000)
  dhcp         = true
  no_gateway   = false
}

resource "ovh_cloud_project_gateway" "main" {
  service_name = var.ovh_project_id
  name         = local.name
  model        = "s"
  region       = var.region
  network_id   = local.network_id
  subnet_id    = ovh_cloud_project_network_private_subnet.main.id
}
