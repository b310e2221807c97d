# The platform's record in the domain DigitalOcean's DNS serves, once ingress_address is
# known (after the first deploy).

locals {
  # The record's name relative to the zone: "@" for the zone's own name.
  dns_name = var.domain == var.dns_zone ? "@" : trimsuffix(var.domain, ".${var.dns_zone}")
}

resource "digitalocean_record" "platform" {
  count = var.ingress_address == "" ? 0 : 1

  domain = var.dns_zone
  type   = "A"
  name   = local.dns_name
  value  = var.ingress_address
  ttl    = 300
}
